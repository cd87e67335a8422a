"""The deployment's settings, read once from CDK context (`-c key=value` or cdk.json).

Every knob has one place: a typed field here with its default, validated before any construct
is built, so a typo in `cdk deploy -c ...` stops synthesis with a message naming the key
instead of producing a half-right template. README.md lists the keys.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import MISSING, dataclass, field, fields
from pathlib import Path
from typing import Any

from constructs import Node

HERE = Path(__file__).resolve().parent.parent  # deploy/aws
ECR_IMAGE = re.compile(r"^(?P<account>\d{12})\.dkr\.ecr\.(?P<region>[a-z0-9-]+)\.amazonaws\.com"
                       r"/(?P<repo>[a-z0-9._/-]+)(?::(?P<tag>[\w.-]+)|@(?P<digest>sha256:[0-9a-f]{64}))$")


class ConfigError(ValueError):
    """A context value is missing or wrong; the message names the key."""


@dataclass(frozen=True)
class DeployConfig:
    """What differs between deployments. Field names are the context keys (camelCase in
    context, e.g. `webCount`, mapped by `_context_key`)."""

    # Where and what
    account: str
    region: str
    domain_name: str
    certificate_arn: str
    image_uri: str
    stack_name: str = "Atelier"
    # First deploy: every service at zero tasks until the operator has filled the secrets
    # and run the migrate task (README, "First deploy").
    bootstrap: bool = False
    availability_zones: tuple[str, ...] = ()
    bedrock_regions: tuple[str, ...] = ()
    include_retired_models: bool = False
    environment: dict[str, str] = field(default_factory=dict)
    # CDN and secrets the operator provides
    cdn_public_key_pem: str = ""
    cdn_public_key_file: str = ""
    cdn_private_key_secret_arn: str = ""
    cdn_domain_name: str = ""
    cdn_certificate_arn: str = ""
    cdn_price_class: str = "PriceClass_100"
    stripe_secret_arn: str = ""
    c2pa_secret_arn: str = ""
    # Retention
    draft_retention_days: int = 30
    log_retention_days: int = 30
    access_log_retention_days: int = 90
    # Network
    nat_gateways: int = 1
    # Sizes
    web_cpu: int = 512
    web_memory: int = 1024
    web_count: int = 1
    web_max_count: int = 4
    web_concurrency: int = 2
    gunicorn_threads: int = 4
    worker_cpu: int = 1024
    worker_memory: int = 2048
    worker_min_count: int = 1
    worker_max_count: int = 10
    worker_processes: int = 2
    worker_threads: int = 4
    worker_scale_out_queue_depth: int = 20
    scheduler_cpu: int = 256
    scheduler_memory: int = 512
    migrate_cpu: int = 512
    migrate_memory: int = 1024
    db_instance_type: str = "t4g.micro"
    db_allocated_storage: int = 20
    db_max_allocated_storage: int = 100
    db_multi_az: bool = False
    db_backup_retention_days: int = 7
    db_deletion_protection: bool = True
    cache_node_type: str = "cache.t4g.micro"
    cache_nodes: int = 1
    # Alarms
    alarm_email: str = ""
    alarm_5xx_percent: float = 5.0
    queue_age_alarm_seconds: int = 900
    bedrock_throttle_alarm_count: int = 20
    moderation_error_alarm_count: int = 5

    @property
    def public_url(self) -> str:
        return f"https://{self.domain_name}"

    @property
    def model_regions(self) -> tuple[str, ...]:
        """Regions Bedrock may be called in: the context's list, else the stack's Region."""
        return self.bedrock_regions or (self.region,)

    @property
    def azs(self) -> tuple[str, ...]:
        """Two AZs named explicitly, so synthesis never needs an account lookup."""
        return self.availability_zones or (f"{self.region}a", f"{self.region}b")

    def cdn_public_key(self) -> str:
        if self.cdn_public_key_pem:
            return self.cdn_public_key_pem.strip() + "\n"
        path = Path(self.cdn_public_key_file)
        path = path if path.is_absolute() else HERE / path
        try:
            return path.read_text().strip() + "\n"
        except OSError as exc:
            raise ConfigError(f"cdnPublicKeyFile: cannot read {path}: {exc}") from exc

    def ecr_image(self) -> dict[str, str] | None:
        """The parts of an ECR image URI (so the execution role is granted pull on exactly
        that repository), or None for another registry."""
        match = ECR_IMAGE.match(self.image_uri)
        return match.groupdict() if match else None


def _context_key(name: str) -> str:
    """`web_max_count` -> `webMaxCount`; `alarm_5xx_percent` -> `alarm5xxPercent`."""
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def _coerce(key: str, value: Any, default: Any) -> Any:
    """Context from `-c` arrives as strings; cdk.json gives JSON types. Accept both."""
    try:
        if isinstance(default, bool):
            if isinstance(value, bool):
                return value
            if str(value).lower() in ("true", "1", "yes", "on"):
                return True
            if str(value).lower() in ("false", "0", "no", "off"):
                return False
            raise ValueError(value)
        if isinstance(default, int):
            number = int(value)
            if number < 0:
                raise ValueError(value)
            return number
        if isinstance(default, float):
            return float(value)
        if isinstance(default, tuple):
            items = json.loads(value) if isinstance(value, str) and value.startswith("[") else (
                value.split(",") if isinstance(value, str) else value)
            return tuple(str(item).strip() for item in items if str(item).strip())
        if isinstance(default, dict):
            mapping = json.loads(value) if isinstance(value, str) else value
            return {str(k): str(v) for k, v in dict(mapping).items()}
        return str(value)
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"context {key}: cannot use {value!r} ({exc})") from None


REQUIRED = ("domain_name", "certificate_arn", "image_uri")


def load_config(node: Node) -> DeployConfig:
    """Read every field from context; account and Region fall back to the CLI's defaults."""
    values: dict[str, Any] = {}
    for item in fields(DeployConfig):
        key = _context_key(item.name)
        raw = node.try_get_context(key)
        if raw is None or raw == "":
            continue
        if item.default_factory is not MISSING:
            default: Any = item.default_factory()
        else:
            default = "" if item.default is MISSING else item.default
        values[item.name] = _coerce(key, raw, default)
    values.setdefault("account", os.environ.get("CDK_DEFAULT_ACCOUNT", ""))
    values.setdefault("region", os.environ.get("CDK_DEFAULT_REGION", ""))
    missing = [_context_key(name) for name in ("account", "region", *REQUIRED)
               if not values.get(name)]
    if missing:
        raise ConfigError("missing context: " + ", ".join(missing)
                          + " (pass -c KEY=VALUE; see deploy/aws/README.md)")
    if not (values.get("cdn_public_key_pem") or values.get("cdn_public_key_file")):
        raise ConfigError("missing context: cdnPublicKeyPem or cdnPublicKeyFile (the CloudFront "
                          "signing key's public half; see deploy/aws/README.md)")
    config = DeployConfig(**values)
    _check(config)
    return config


def _check(config: DeployConfig) -> None:
    if not re.fullmatch(r"\d{12}", config.account):
        raise ConfigError(f"context account: expected 12 digits, got {config.account!r}")
    if len(config.azs) != 2:
        raise ConfigError("context availabilityZones: expected exactly two")
    if config.worker_min_count > config.worker_max_count or config.worker_max_count < 1:
        raise ConfigError("context workerMinCount/workerMaxCount: need 0 <= min <= max, max >= 1")
    if config.web_count < 1 or config.web_count > config.web_max_count:
        raise ConfigError("context webCount/webMaxCount: need 1 <= webCount <= webMaxCount")
    if config.draft_retention_days < 1:
        raise ConfigError("context draftRetentionDays: must be at least 1")
    if config.cache_nodes < 1:
        raise ConfigError("context cacheNodes: must be at least 1")
    if bool(config.cdn_domain_name) != bool(config.cdn_certificate_arn):
        raise ConfigError("context cdnDomainName and cdnCertificateArn go together")
    if config.cdn_certificate_arn and ":us-east-1:" not in config.cdn_certificate_arn:
        raise ConfigError("context cdnCertificateArn: CloudFront needs a us-east-1 certificate")
    if config.cdn_price_class not in ("PriceClass_100", "PriceClass_200", "PriceClass_All"):
        raise ConfigError("context cdnPriceClass: PriceClass_100, PriceClass_200 or "
                          "PriceClass_All")
    if not config.image_uri or " " in config.image_uri:
        raise ConfigError(f"context imageUri: not an image reference: {config.image_uri!r}")
