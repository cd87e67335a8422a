"""A least-privilege IAM policy for exactly the Bedrock models the catalog can call.

Foundation models are `arn:aws:bedrock:REGION::foundation-model/ID`. A `us.` (or `global.`)
inference profile needs the profile ARN in the caller's account **and** the foundation model
in every region the profile routes to. Guardrails and Rekognition are added when configured.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

from generation.catalog import catalog

PROFILE_PREFIXES = ("us.", "eu.", "apac.", "global.")


def _model_arns(model_id: str, regions: tuple[str, ...], region: str, account: str
                ) -> list[str]:
    prefix = next((p for p in PROFILE_PREFIXES if model_id.startswith(p)), None)
    if prefix is None:
        return [f"arn:aws:bedrock:{region}::foundation-model/{model_id}"]
    base = model_id[len(prefix):]
    routed = [r for r in regions if r != "*"] or [region]
    return [f"arn:aws:bedrock:{region}:{account}:inference-profile/{model_id}",
            *(f"arn:aws:bedrock:{r}::foundation-model/{base}" for r in routed)]


def policy_for(*, account: str = "*", region: str = "us-east-1",
               include_retired: bool = False) -> dict[str, Any]:
    resources: list[str] = []
    for spec in catalog():
        if spec.family == "local" or (spec.state() == "eol" and not include_retired):
            continue
        for arn in _model_arns(spec.model_id, spec.regions, spec.region(region), account):
            if arn not in resources:
                resources.append(arn)
    statements: list[dict[str, Any]] = [{
        "Sid": "InvokeAtelierImageModels", "Effect": "Allow",
        "Action": ["bedrock:InvokeModel"], "Resource": resources,
    }]
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
