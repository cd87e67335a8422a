"""Task roles with least privilege: each process gets only the calls it makes.

| role      | Bedrock InvokeModel | ApplyGuardrail | Rekognition | S3 + KMS (images) |
|-----------|---------------------|----------------|-------------|-------------------|
| web       | yes                 | yes            | yes         | yes (+ tenants')  |
| worker    | yes                 | yes            | yes         | yes               |
| scheduler | no                  | no             | no          | yes               |
| migrate   | no                  | no             | no          | no                |

The scheduler also reads Bedrock's control plane (the daily model sync: list and describe
foundation models and inference profiles, read-only). When the deployment's environment names
a prompt assistant text model (ATELIER_PROMPT_MODEL), web and worker may invoke that model
(and, for a cross-Region profile, its foundation model in the Regions the profile routes to).

The InvokeModel resources are exactly catalog.iam.invoke_model_resources() for the
deployment's Regions: the same code as `manage.py iam_policy`, never `*`.
"""

from __future__ import annotations

from aws_cdk import Stack
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from constructs import Construct

from atelier_infra import appcode
from atelier_infra.config import DeployConfig
from atelier_infra.nag import suppress

INVOKE_SID = "InvokeAtelierImageModels"
TENANT_BUCKETS_SID = "ReadTenantBucketPhotos"
# What django-storages and assets/storage.py do: read, write (with tags), delete, tag, list.
OBJECT_ACTIONS = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:GetObjectTagging",
                  "s3:PutObjectTagging", "s3:AbortMultipartUpload"]
KEY_ACTIONS = ["kms:Decrypt", "kms:GenerateDataKey"]


def bedrock_invoke_statement(config: DeployConfig) -> iam.PolicyStatement:
    """bedrock:InvokeModel (which also covers Converse) on the catalog's callable models."""
    resources = appcode.bedrock_resources(
        account=config.account, region=config.region, bedrock_regions=config.model_regions,
        include_retired=config.include_retired_models, overrides=config.environment)
    if not resources:
        raise ValueError("no Bedrock model is callable in bedrockRegions "
                         f"{list(config.model_regions)}; check the context")
    return iam.PolicyStatement(sid=INVOKE_SID, actions=["bedrock:InvokeModel"],
                               resources=resources)


def prompt_model_statement(config: DeployConfig) -> iam.PolicyStatement | None:
    """bedrock:InvokeModel (Converse) on the prompt assistant's text model, if one is set."""
    model_id = config.environment.get("ATELIER_PROMPT_MODEL", "")
    if not model_id:
        return None
    return iam.PolicyStatement(sid="InvokePromptAssistantModel", actions=["bedrock:InvokeModel"],
                               resources=appcode.prompt_model_resources(
                                   account=config.account, region=config.region,
                                   model_id=model_id))


class TaskRoles(Construct):
    """One role per process (`web`, `worker`, `scheduler`, `migrate`)."""

    def __init__(self, scope: Construct, construct_id: str, *, config: DeployConfig,
                 bucket: s3.IBucket, key: kms.IKey, guardrail_arn: str) -> None:
        super().__init__(scope, construct_id)
        self.roles = {name: iam.Role(
            self, name.capitalize(), assumed_by=iam.ServicePrincipal("ecs-tasks.amazonaws.com"),
            description=f"Atelier {name} tasks") for name in ("web", "worker", "scheduler",
                                                             "migrate")}
        storage = [
            iam.PolicyStatement(sid="ImageObjects", actions=OBJECT_ACTIONS,
                                resources=[bucket.arn_for_objects("*")]),
            iam.PolicyStatement(sid="ListImages", actions=["s3:ListBucket"],
                                resources=[bucket.bucket_arn]),
            iam.PolicyStatement(sid="ImagesKey", actions=KEY_ACTIONS, resources=[key.key_arn]),
        ]
        invoke = [bedrock_invoke_statement(config)]
        prompt_model = prompt_model_statement(config)
        if prompt_model is not None:
            invoke.append(prompt_model)
        moderation = [
            iam.PolicyStatement(sid="ApplyAtelierGuardrail", actions=["bedrock:ApplyGuardrail"],
                                resources=[guardrail_arn]),
            iam.PolicyStatement(sid="ModerateOutputs",
                                actions=["rekognition:DetectModerationLabels"],
                                resources=["*"]),
        ]
        for name in ("web", "worker"):
            for statement in (*invoke, *moderation, *storage):
                self.roles[name].add_to_principal_policy(statement)
        # Batch intake (web) reads a product photo from a tenant's connected bucket: objects in
        # other accounts only (never this account's buckets), each bucket's own policy naming
        # this role decides which; the app reads only a verified tenant's own prefix.
        self.roles["web"].add_to_principal_policy(iam.PolicyStatement(
            sid=TENANT_BUCKETS_SID, actions=["s3:GetObject"], resources=["arn:aws:s3:::*/*"],
            conditions={"StringNotEquals": {"s3:ResourceAccount": config.account}}))
        fleet = iam.PolicyStatement(sid="ReadBedrockModelFleet",
                                    actions=appcode.control_plane_actions(), resources=["*"])
        for statement in (*storage, fleet):
            self.roles["scheduler"].add_to_principal_policy(statement)
        objects = f"Resource::<{Stack.of(self).get_logical_id(bucket.node.default_child)}.Arn>/*"
        for name in ("web", "worker", "scheduler"):
            reasons = [(objects, "Objects are keyed per tenant and job, so the role may touch "
                        "any object, in this one bucket only.")]
            if name == "web":
                reasons.append(("Resource::arn:aws:s3:::*/*", "A tenant's product photos are "
                                "read from the bucket it connected (any name, in its own "
                                "account): objects outside this account only, and only where "
                                "that bucket's policy names this role."))
            if name != "scheduler":
                reasons.append(("Resource::*", "rekognition:DetectModerationLabels has no "
                                "resource type: IAM accepts only Resource \"*\" for it."))
                reasons.extend((f"Resource::{arn}", "A cross-Region inference profile routes "
                                "to its foundation model in any of the Regions it serves, which "
                                "AWS does not list to IAM: that one model, in every Region.")
                               for arn in (prompt_model.resources if prompt_model else [])
                               if "*" in arn)
            else:
                reasons.append(("Resource::*", "The control plane's List and Get calls for "
                                "foundation models and inference profiles are read-only and "
                                "listed over all of them."))
            for applies_to, reason in reasons:
                suppress(self.roles[name], "AwsSolutions-IAM5", reason, applies_to=[applies_to])

    @property
    def web(self) -> iam.Role:
        return self.roles["web"]

    @property
    def worker(self) -> iam.Role:
        return self.roles["worker"]

    @property
    def scheduler(self) -> iam.Role:
        return self.roles["scheduler"]

    @property
    def migrate(self) -> iam.Role:
        return self.roles["migrate"]
