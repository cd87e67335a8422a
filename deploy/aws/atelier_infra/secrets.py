"""Everything secret reaches the tasks from Secrets Manager as environment variables, field by
field, injected by ECS at start: nothing secret sits in the task definition or the image.

Secrets the app can generate itself (SECRET_KEY, the metrics token, the Redis token, the
database password) are generated here. Those only the operator has (Stripe keys, the C2PA
certificate and key, the CloudFront private key) are created empty-with-placeholders for the
operator to fill in, or imported from an existing ARN given as context.
"""

from __future__ import annotations

from aws_cdk import SecretValue
from aws_cdk import aws_ecs as ecs
from aws_cdk import aws_secretsmanager as secretsmanager
from constructs import Construct

from atelier_infra.config import DeployConfig
from atelier_infra.data import Data
from atelier_infra.nag import suppress

PLACEHOLDER = "REPLACE_ME"


class AppSecrets(Construct):
    """`environment`: env var name -> ecs.Secret, for every container."""

    def __init__(self, scope: Construct, construct_id: str, *, config: DeployConfig,
                 data: Data, cdn_private_key: secretsmanager.ISecret) -> None:
        super().__init__(scope, construct_id)
        self.secret_key = self._generated("SecretKey", "Django SECRET_KEY", 64,
                                          "Rotating SECRET_KEY signs everyone out and "
                                          "invalidates signed links; rotate by hand (README).")
        self.metrics_token = self._generated("MetricsToken", "bearer token for /metrics", 48,
                                             "Scrapers hold the token; rotate by hand with "
                                             "them (README).")
        self.stripe = self._operator(
            "Stripe", config.stripe_secret_arn, ("api_key", "webhook_secret"),
            "Stripe API key and webhook signing secret (fields api_key, webhook_secret)",
            "Stripe keys are rolled in the Stripe dashboard, then stored here by hand.")
        self.c2pa = self._operator(
            "C2pa", config.c2pa_secret_arn, ("cert", "key"),
            "C2PA signing certificate chain and private key, PEM (fields cert, key)",
            "The C2PA certificate is issued by a CA; a new one is stored here by hand.")
        database = data.database.secret
        if database is None:  # pragma: no cover - from_generated_secret always makes one
            raise ValueError("the database has no generated secret")
        self.environment: dict[str, ecs.Secret] = {
            "SECRET_KEY": ecs.Secret.from_secrets_manager(self.secret_key),
            "DATABASE_HOST": ecs.Secret.from_secrets_manager(database, "host"),
            "DATABASE_PORT": ecs.Secret.from_secrets_manager(database, "port"),
            "DATABASE_NAME": ecs.Secret.from_secrets_manager(database, "dbname"),
            "DATABASE_USER": ecs.Secret.from_secrets_manager(database, "username"),
            "DATABASE_PASSWORD": ecs.Secret.from_secrets_manager(database, "password"),
            "REDIS_PASSWORD": ecs.Secret.from_secrets_manager(data.redis_token),
            "STRIPE_API_KEY": ecs.Secret.from_secrets_manager(self.stripe, "api_key"),
            "STRIPE_WEBHOOK_SECRET": ecs.Secret.from_secrets_manager(self.stripe,
                                                                     "webhook_secret"),
            "ATELIER_C2PA_CERT": ecs.Secret.from_secrets_manager(self.c2pa, "cert"),
            "ATELIER_C2PA_KEY": ecs.Secret.from_secrets_manager(self.c2pa, "key"),
            "ATELIER_CDN_PRIVATE_KEY": ecs.Secret.from_secrets_manager(cdn_private_key),
            "ATELIER_METRICS_TOKEN": ecs.Secret.from_secrets_manager(self.metrics_token),
        }

    def _generated(self, name: str, what: str, length: int, reason: str) -> secretsmanager.Secret:
        secret = secretsmanager.Secret(
            self, name, description=f"Atelier: {what}",
            generate_secret_string=secretsmanager.SecretStringGenerator(
                password_length=length, exclude_punctuation=True))
        suppress(secret, "AwsSolutions-SMG4", reason)
        return secret

    def _operator(self, name: str, arn: str, fields: tuple[str, ...], what: str,
                  reason: str) -> secretsmanager.ISecret:
        if arn:
            return secretsmanager.Secret.from_secret_complete_arn(self, name, arn)
        secret = secretsmanager.Secret(
            self, name, description=f"Atelier: {what}; replace the {PLACEHOLDER} values",
            secret_object_value={field: SecretValue.unsafe_plain_text(PLACEHOLDER)
                                 for field in fields})
        suppress(secret, "AwsSolutions-SMG4", reason)
        return secret
