"""Synthesizing the CDK app in deploy/aws for the tests, and reading its template."""

from __future__ import annotations

import json
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
CDK_DIR = ROOT / "deploy" / "aws"
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")

ACCOUNT = "123456789012"
REGION = "us-east-1"
BEDROCK_REGIONS = ["us-east-1", "us-west-2"]
DOMAIN = "atelier.example.com"
CERTIFICATE = f"arn:aws:acm:{REGION}:{ACCOUNT}:certificate/0b7c1b1e-0000-4000-8000-000000000001"
IMAGE = f"{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com/atelier:2026.12.0"
# Not the defaults, so the tests prove the values come from context.
SIZES = {"draftRetentionDays": 45, "logRetentionDays": 14, "workerMinCount": 2,
         "workerMaxCount": 7, "dbBackupRetentionDays": 10}


@dataclass
class Synth:
    outdir: Path
    template: dict[str, Any]
    public_key: str
    seconds: float
    error: Exception | None


def require_cdk() -> None:
    """Skip without the CDK packages; fail instead when CI=true (like conftest._require)."""
    os.environ.setdefault("JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION", "1")
    missing = []
    for module in ("aws_cdk", "cdk_nag", "cfnlint"):
        try:
            __import__(module)
        except Exception as exc:  # ImportError, or jsii failing to start Node.js
            missing.append(f"{module}: {exc}")
    if missing:
        message = (f"AWS CDK packages not usable ({'; '.join(missing)}): "
                   "pip install -r deploy/aws/requirements.txt (and Node.js 20+ on PATH)")
        if IN_CI:
            pytest.fail(f"{message} (CI=true: this test must run, not skip)")
        pytest.skip(message)
    if str(CDK_DIR) not in sys.path:
        sys.path.insert(0, str(CDK_DIR))


def public_key_pem() -> str:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()


def context(**overrides: Any) -> dict[str, Any]:
    """cdk.json's context (the feature flags `cdk deploy` uses) plus this deployment's."""
    values = json.loads((CDK_DIR / "cdk.json").read_text())["context"]
    values.update({"account": ACCOUNT, "region": REGION, "domainName": DOMAIN,
                   "certificateArn": CERTIFICATE, "imageUri": IMAGE,
                   "bedrockRegions": BEDROCK_REGIONS, **SIZES})
    values.update(overrides)
    return values


def synthesize(outdir: Path, **overrides: Any) -> Synth:
    """The app synthesized with the test deployment's context (plus `overrides`)."""
    require_cdk()
    from atelier_infra import build_app

    public_key = public_key_pem()
    started = time.monotonic()
    error = None
    try:
        build_app(context(cdnPublicKeyPem=public_key, **overrides), outdir=str(outdir)).synth()
    except RuntimeError as exc:  # a validation failure still writes the template and reports
        error = exc
    seconds = time.monotonic() - started
    template = json.loads((outdir / "Atelier.template.json").read_text())
    return Synth(outdir, template, public_key, seconds, error)


def resources(synth: Synth, kind: str) -> dict[str, dict[str, Any]]:
    return {name: body for name, body in synth.template["Resources"].items()
            if body["Type"] == kind}


def task_definitions(synth: Synth) -> dict[str, tuple[str, dict[str, Any]]]:
    """role (the container command) -> (logical id, container definition)."""
    found = {}
    for name, body in resources(synth, "AWS::ECS::TaskDefinition").items():
        (container,) = body["Properties"]["ContainerDefinitions"]
        found[container["Command"][0]] = (name, container)
    return found


def service_for(synth: Synth, role: str) -> dict[str, Any]:
    logical_id = task_definitions(synth)[role][0]
    (service,) = [body["Properties"] for body in resources(synth, "AWS::ECS::Service").values()
                  if body["Properties"]["TaskDefinition"] == {"Ref": logical_id}]
    return service


def role_policies(synth: Synth, role_id_prefix: str) -> list[dict[str, Any]]:
    """The statements of every inline policy attached to roles whose id starts with a prefix."""
    statements = []
    for body in resources(synth, "AWS::IAM::Policy").values():
        roles = [ref["Ref"] for ref in body["Properties"].get("Roles", [])]
        if any(role.startswith(role_id_prefix) for role in roles):
            statements.extend(body["Properties"]["PolicyDocument"]["Statement"])
    return statements


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]
