"""The bedrock-runtime client and the translation of every failure into a ProviderError.

boto3 is configured explicitly: a read timeout of at least 300 s (AWS's own advice for image
models) and `standard` retry mode with a single attempt. Atelier retries at the job level
instead, with backoff and jitter, so that every attempt is recorded (InvokeModel has no
idempotency token: a retried timeout may be billed twice) and counted by the rate limiter.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    ReadTimeoutError,
)
from botocore.exceptions import (
    ConnectionError as BotoConnectionError,
)
from django.conf import settings

from core.once import made_once
from providers.base import ProviderError

READ_TIMEOUT_SECONDS = 300
EOL_HINT = "end of its life"
LEGACY_HINT = "marked by provider as Legacy"
FILTER_HINTS = ("blocked by our content filters", "contains filtered words")
PROFILE_HINT = "inference profile"

# Exception name -> (Atelier's code, retryable). Content-filter and lifecycle cases are told
# apart by their messages in `_classify`.
ERRORS: dict[str, tuple[str, bool]] = {
    "ThrottlingException": ("throttled", True),
    "ModelNotReadyException": ("model_not_ready", True),
    "ServiceUnavailableException": ("service_unavailable", True),
    "InternalServerException": ("service_error", True),
    "ModelErrorException": ("model_error", True),
    "ModelTimeoutException": ("model_timeout", True),
    "ValidationException": ("invalid_request", False),
    "ServiceQuotaExceededException": ("aws_quota_exceeded", False),
    "AccessDeniedException": ("model_access_denied", False),
    "ResourceNotFoundException": ("model_not_found", False),
}


@made_once
def _client(region: str, endpoint: str | None) -> Any:
    config = Config(
        read_timeout=max(READ_TIMEOUT_SECONDS, settings.ATELIER_BEDROCK_READ_TIMEOUT),
        connect_timeout=10,
        retries={"mode": "standard", "total_max_attempts": 1},
        max_pool_connections=64,
    )
    # A session of its own: boto3's default session caches the first credentials it resolves
    # for every later client of the process.
    return boto3.session.Session().client("bedrock-runtime", region_name=region, config=config)


def client(region: str) -> Any:
    """One client per region (and per endpoint, so tests may move the endpoint)."""
    return _client(region, os.environ.get("AWS_ENDPOINT_URL_BEDROCK_RUNTIME"))


def _classify(name: str, message: str, status: int | None, request_id: str,
              model_id: str, region: str) -> ProviderError:
    code, retryable = ERRORS.get(name, ("service_error" if (status or 0) >= 500
                                        else "invalid_request", (status or 0) >= 500))
    blocked = False
    if name == "ValidationException" and any(hint in message for hint in FILTER_HINTS):
        code, blocked = "input_blocked", True
    elif name == "ValidationException" and PROFILE_HINT in message:
        code = "inference_profile_required"
        message = (f"{message} Set ATELIER_MODEL_ID__<KEY> to an inference-profile ID "
                   f"(for example us.{model_id}).")
    elif name == "ResourceNotFoundException" and EOL_HINT in message:
        code = "model_eol"
    elif name == "ResourceNotFoundException" and LEGACY_HINT in message:
        code = "model_access_lapsed"
    elif name == "AccessDeniedException":
        message = (f"{message} Enable access to {model_id} in the Bedrock console "
                   f"(Model access, region {region}) and allow bedrock:InvokeModel on it.")
    return ProviderError(code, message, retryable=retryable, blocked=blocked,
                         http_status=status, request_id=request_id)


def _translate(exc: Exception, model_id: str, region: str) -> ProviderError:
    if isinstance(exc, ClientError):
        error = exc.response.get("Error", {})
        meta = exc.response.get("ResponseMetadata", {})
        return _classify(error.get("Code", ""), error.get("Message", str(exc)),
                         meta.get("HTTPStatusCode"), meta.get("RequestId", ""), model_id, region)
    if isinstance(exc, ReadTimeoutError):
        return ProviderError("timeout", f"no answer from Bedrock within the read timeout: {exc}",
                             retryable=True)
    if isinstance(exc, BotoConnectionError):
        return ProviderError("connection_error", f"could not reach Bedrock: {exc}",
                             retryable=True)
    return ProviderError("client_error", f"{type(exc).__name__}: {exc}", retryable=False)


@dataclass(frozen=True)
class Answer:
    """A parsed answer, Bedrock's own time on the call (None when it did not say) and when
    the answer arrived (time.monotonic(), before its body was read and parsed)."""

    body: dict[str, Any]
    provider_seconds: float | None
    answered_at: float | None = None


def _invocation_seconds(response: dict[str, Any]) -> float | None:
    headers = response.get("ResponseMetadata", {}).get("HTTPHeaders", {})
    latency = headers.get("x-amzn-bedrock-invocation-latency")
    if latency is None:
        latency = (response.get("metrics") or {}).get("latencyMs")  # Converse says it here
    try:
        return None if latency is None else max(0.0, float(latency) / 1000)
    except (TypeError, ValueError):
        return None


def invoke(model_id: str, body: dict[str, Any], region: str) -> Answer:
    """InvokeModel with a JSON body; the parsed JSON answer, or a ProviderError."""
    try:
        response = client(region).invoke_model(
            modelId=model_id, body=json.dumps(body), contentType="application/json",
            accept="application/json")
        answered_at = time.monotonic()
        return Answer(json.loads(response["body"].read()), _invocation_seconds(response),
                      answered_at)
    except (ClientError, BotoCoreError) as exc:
        raise _translate(exc, model_id, region) from exc
    except ValueError as exc:
        raise ProviderError("malformed_response", f"Bedrock answered with bad JSON: {exc}",
                            retryable=True) from exc


def converse(model_id: str, request: dict[str, Any], region: str) -> Answer:
    """Converse; the parsed answer (image bytes already decoded by boto3), or a ProviderError."""
    try:
        response = client(region).converse(modelId=model_id, **request)
        return Answer(response, _invocation_seconds(response), time.monotonic())
    except (ClientError, BotoCoreError) as exc:
        raise _translate(exc, model_id, region) from exc
