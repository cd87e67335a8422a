"""A least-privilege IAM policy for exactly the Bedrock models the catalog can call.

Foundation models are `arn:aws:bedrock:REGION::foundation-model/ID`. A `us.` (or `global.`)
inference profile needs the profile ARN in the caller's account **and** the foundation model
in every region the profile routes to. Guardrails and Rekognition are added when configured.

`invoke_model_resources` needs no guardrail or Rekognition settings, so the deployment (the CDK
app in deploy/aws) builds its task roles' Bedrock statement from this same code.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.conf import settings

from catalog.spec import PROFILE_PREFIXES, catalog

if TYPE_CHECKING:
    from catalog.spec import ModelSpec

# The model sync (manage.py sync_models) reads Bedrock's control plane: read-only actions that
# take no resource narrower than "*" (docs/bedrock.md, "The model sync").
CONTROL_PLANE_ACTIONS = ["bedrock:ListFoundationModels", "bedrock:GetFoundationModel",
                         "bedrock:GetFoundationModelAvailability",
                         "bedrock:ListInferenceProfiles"]


def _model_arns(model_id: str, regions: tuple[str, ...], region: str, account: str
                ) -> list[str]:
    prefix = next((p for p in PROFILE_PREFIXES if model_id.startswith(p)), None)
    if prefix is None:
        return [f"arn:aws:bedrock:{region}::foundation-model/{model_id}"]
    base = model_id[len(prefix):]
    routed = [r for r in regions if r != "*"] or [region]
    return [f"arn:aws:bedrock:{region}:{account}:inference-profile/{model_id}",
            *(f"arn:aws:bedrock:{r}::foundation-model/{base}" for r in routed)]


def invoke_model_resources(account: str, region: str,
                           bedrock_regions: Iterable[str] | None = None,
                           include_retired: bool = False,
                           models: Iterable[ModelSpec] | None = None) -> list[str]:
    """The ARNs `bedrock:InvokeModel` must allow for the catalog's callable models, in order.

    `region` is the app's AWS_REGION; each model is called where ModelSpec.region() says, and
    in the Regions its ATELIER_MODEL_REGIONS__<KEY> lists.
    `bedrock_regions`, when given, are the Regions a deployment lets Bedrock be called in: a
    model that would be called elsewhere is left out (an inference profile still gets the
    foundation model in every Region it routes to, or its calls fail). `models` defaults to
    the process's catalog.
    """
    allowed = None if bedrock_regions is None else set(bedrock_regions)
    resources: list[str] = []
    for spec in catalog() if models is None else models:
        if spec.family == "local" or (spec.state() == "eol" and not include_retired):
            continue
        # Today's Region and those ATELIER_MODEL_REGIONS__<KEY> names (catalog.regions).
        for call_region in dict.fromkeys([spec.region(region), *spec.call_regions]):
            if allowed is not None and call_region not in allowed:
                continue
            for arn in _model_arns(spec.model_id, spec.regions, call_region, account):
                if arn not in resources:
                    resources.append(arn)
    return resources


def prompt_model_resources(model_id: str, region: str, account: str) -> list[str]:
    """The ARNs the prompt assistant's Converse calls need: the foundation model in the app's
    Region, or a cross-Region profile and its foundation model in whichever Region the
    profile routes to (the text model table does not say which, so any)."""
    prefix = next((p for p in PROFILE_PREFIXES if model_id.startswith(p)), None)
    if prefix is None:
        return [f"arn:aws:bedrock:{region}::foundation-model/{model_id}"]
    return [f"arn:aws:bedrock:{region}:{account}:inference-profile/{model_id}",
            f"arn:aws:bedrock:*::foundation-model/{model_id[len(prefix):]}"]


def policy_for(*, account: str = "*", region: str = "us-east-1",
               include_retired: bool = False) -> dict[str, Any]:
    resources = invoke_model_resources(account, region, include_retired=include_retired)
    statements: list[dict[str, Any]] = [{
        "Sid": "InvokeAtelierImageModels", "Effect": "Allow",
        "Action": ["bedrock:InvokeModel"], "Resource": resources,
    }, {
        "Sid": "ReadBedrockModelFleet", "Effect": "Allow",
        "Action": CONTROL_PLANE_ACTIONS, "Resource": ["*"],
    }]
    if settings.ATELIER_PROMPT_MODEL:  # the prompt assistant's text model (Converse)
        statements.append({
            "Sid": "InvokePromptAssistantModel", "Effect": "Allow",
            "Action": ["bedrock:InvokeModel"],
            "Resource": prompt_model_resources(settings.ATELIER_PROMPT_MODEL, region, account)})
    if settings.ATELIER_GUARDRAIL_ID:
        statements.append({
            "Sid": "ApplyAtelierGuardrail", "Effect": "Allow", "Action": ["bedrock:ApplyGuardrail"],
            "Resource": [f"arn:aws:bedrock:{region}:{account}:guardrail/"
                         f"{settings.ATELIER_GUARDRAIL_ID}"],
        })
    if settings.ATELIER_REKOGNITION:
        statements.append({"Sid": "ModerateOutputs", "Effect": "Allow",
                           "Action": ["rekognition:DetectModerationLabels"], "Resource": ["*"]})
    return {"Version": "2012-10-17", "Statement": statements}
