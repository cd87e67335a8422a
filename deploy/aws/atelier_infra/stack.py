"""The Atelier stack: network, data, storage, safety, IAM, secrets, compute, operations; and
`build_app`, which reads the context, builds the stack and runs the cdk-nag checks."""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk
from aws_cdk import Annotations, CfnOutput, Stack
from aws_cdk import aws_ec2 as ec2
from cdk_nag import AwsSolutionsChecks
from constructs import Construct

from atelier_infra import appcode
from atelier_infra.compute import Compute
from atelier_infra.config import DeployConfig, load_config
from atelier_infra.data import REDIS_PORT, Data
from atelier_infra.iam import TaskRoles
from atelier_infra.network import Network
from atelier_infra.operations import Operations
from atelier_infra.safety import Safety
from atelier_infra.secrets import AppSecrets
from atelier_infra.storage import Storage


class AtelierStack(Stack):
    """Everything one Atelier deployment needs in one account and Region."""

    def __init__(self, scope: Construct, construct_id: str, *, config: DeployConfig,
                 **kwargs: Any) -> None:
        super().__init__(scope, construct_id, **kwargs)
        self.config = config
        self.network = Network(self, "Network", config=config)
        self.data = Data(self, "Data", config=config, network=self.network)
        self.storage = Storage(self, "Storage", config=config)
        self.safety = Safety(self, "Safety", config=config)
        self.roles = TaskRoles(self, "TaskRoles", config=config, bucket=self.storage.bucket,
                               key=self.storage.key, guardrail_arn=self.safety.guardrail_arn)
        self.secrets = AppSecrets(self, "Secrets", config=config, data=self.data,
                                  cdn_private_key=self.storage.cdn_private_key)
        self.compute = Compute(self, "Compute", config=config, network=self.network,
                               roles=self.roles.roles, environment=self.environment(),
                               secrets=self.secrets.environment,
                               log_bucket=self.storage.log_bucket)
        self.network.allow_endpoints_from(self.compute.web_sg, self.compute.backend_sg)
        for group in (self.compute.web_sg, self.compute.backend_sg):
            self.data.database_sg.add_ingress_rule(group, ec2.Port.tcp(5432), "Atelier tasks")
            self.data.redis_sg.add_ingress_rule(group, ec2.Port.tcp(REDIS_PORT), "Atelier tasks")
        self.operations = Operations(self, "Operations", config=config,
                                     log_groups=self.compute.log_groups,
                                     target_group=self.compute.target_group)
        self._report_unreachable_models()
        self._outputs()

    @property
    def cdn_domain(self) -> str:
        return self.config.cdn_domain_name or self.storage.distribution.domain_name

    def environment(self) -> dict[str, str]:
        """Non-secret configuration every container gets (docs: the production contract)."""
        config = self.config
        return {
            **config.environment,
            "ATELIER_ENV": "production",
            "ATELIER_PROVIDER": "bedrock",
            "ATELIER_REKOGNITION": "true",
            "ATELIER_GUARDRAIL_ID": self.safety.guardrail_id,
            "ATELIER_GUARDRAIL_VERSION": self.safety.guardrail_version,
            "ATELIER_BUCKET": self.storage.bucket.bucket_name,
            "ATELIER_KMS_KEY_ID": self.storage.key.key_arn,
            "AWS_REGION": config.region,
            "ATELIER_DRAFT_RETENTION_DAYS": str(config.draft_retention_days),
            "ATELIER_CDN_DOMAIN": self.cdn_domain,
            "ATELIER_CDN_KEY_ID": self.storage.public_key.public_key_id,
            "ALLOWED_HOSTS": config.domain_name,
            "CSRF_TRUSTED_ORIGINS": config.public_url,
            "ATELIER_PUBLIC_URL": config.public_url,
            "ATELIER_BEHIND_PROXY": "true",
            "ATELIER_VAR_DIR": "/tmp/atelier",
            "LOG_LEVEL": "INFO",
            "REDIS_HOST": self.data.redis.attr_primary_end_point_address,
            "REDIS_PORT": self.data.redis.attr_primary_end_point_port,
            "REDIS_TLS": "true",
        }

    def _report_unreachable_models(self) -> None:
        config = self.config
        left_out = appcode.unreachable_models(region=config.region,
                                              bedrock_regions=config.model_regions,
                                              overrides=config.environment)
        if left_out:
            Annotations.of(self).add_warning_v2(
                "atelier:unreachable-models",
                "These catalog models are called outside bedrockRegions "
                f"{list(config.model_regions)} and get no IAM access: {', '.join(left_out)}")

    def _outputs(self) -> None:
        compute = self.compute
        outputs = {
            "LoadBalancerDns": (compute.load_balancer.load_balancer_dns_name,
                                f"Point {self.config.domain_name} here (CNAME or alias)"),
            "CdnDomain": (self.cdn_domain, "Signed image URLs use this host"),
            "ClusterName": (compute.cluster.cluster_name, "ECS cluster"),
            "MigrateTaskFamily": (compute.task_definitions["migrate"].family,
                                  "Run before each deploy (run_migrate.sh)"),
            "TaskSubnets": (",".join(self.network.vpc.select_subnets(
                subnet_group_name="tasks").subnet_ids), "Subnets for run-task"),
            "BackendSecurityGroup": (compute.backend_sg.security_group_id,
                                     "Security group for run-task"),
            "GuardrailId": (self.safety.guardrail_id, "ATELIER_GUARDRAIL_ID"),
            "GuardrailVersion": (self.safety.guardrail_version, "ATELIER_GUARDRAIL_VERSION"),
            "ImagesBucket": (self.storage.bucket.bucket_name, "ATELIER_BUCKET"),
            "AlarmTopic": (self.operations.topic.topic_arn, "Subscribe on-call here"),
            "StripeSecret": (self.secrets.stripe.secret_arn, "Fill api_key, webhook_secret"),
            "C2paSecret": (self.secrets.c2pa.secret_arn, "Fill cert, key (PEM)"),
            "CdnPrivateKeySecret": (self.storage.cdn_private_key.secret_arn,
                                    "Put the CloudFront private key PEM here"),
        }
        for name, (value, description) in outputs.items():
            CfnOutput(self, name, value=value, description=description)


def build_app(context: dict[str, Any] | None = None, outdir: str | None = None) -> cdk.App:
    """The CDK app: context from cdk.json/`-c` (or `context` in tests), nag checks on."""
    app = cdk.App(context=context, outdir=outdir)
    config = load_config(app.node)
    AtelierStack(app, config.stack_name, config=config,
                 env=cdk.Environment(account=config.account, region=config.region),
                 description="Atelier: multi-tenant image generation on Amazon Bedrock")
    cdk.Aspects.of(app).add(AwsSolutionsChecks(reports=True, verbose=True))
    return app
