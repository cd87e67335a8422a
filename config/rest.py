"""Settings of the partner API: its framework (Django REST framework, the OpenAPI schema),
key rate limits, idempotency and webhooks; config/settings.py imports them."""

import re
from typing import Any

import environ

from config.env import ConfigurationError, flag, text

env = environ.Env()

REST_FRAMEWORK: dict[str, Any] = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["api.authentication.ApiKeyAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["api.authentication.HasTenant",
                                   "api.authentication.HasScope"],
    "DEFAULT_THROTTLE_CLASSES": ["api.authentication.ApiKeyRateThrottle"],
    "DEFAULT_RENDERER_CLASSES": ["api.renderers.JSONRenderer"],
    # JSON bodies only (DRF's parser plus depth, duplicate-key and range checks); the views
    # that take files (uploads, batches) add multipart themselves.
    "DEFAULT_PARSER_CLASSES": ["api.parsers.JSONParser"],
    "EXCEPTION_HANDLER": "api.base.api_exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "UNAUTHENTICATED_USER": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Atelier API",
    "DESCRIPTION": "Generate, edit, moderate and deliver marketing images with Amazon Bedrock.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Several models have a `status`: name each one's enum after its model.
    "ENUM_NAME_OVERRIDES": {
        "JobStatusEnum": "generation.models.Job.Status",
        "WebhookDeliveryStatusEnum": "generation.models.WebhookDelivery.Status",
        "JobStageEnum": "catalog.requests.STAGES",
    },
    # The error envelope and Idempotency-Key on every operation, and each operation's
    # partner-facing id, summary and description (api/schema.py).
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums",
                             "api.schema.add_common_errors", "api.schema.describe_operations"],
    # 3.1: the webhooks Atelier sends are part of the schema (api/webhook_endpoints.py).
    "OAS_VERSION": "3.1.0",
    "WEBHOOKS": [f"api.webhook_endpoints.{name}_EVENT" for name in
                 ("JOB_SUCCEEDED", "JOB_FAILED", "JOB_BLOCKED", "JOB_FALLBACK", "BATCH_COMPLETED",
                  "ASSET_APPROVED", "ASSET_REJECTED", "PING")],
}

# Requests per minute per API key (a key's own limit overrides it); 429 with Retry-After past it.
ATELIER_API_RATE_LIMIT = env.int("ATELIER_API_RATE_LIMIT", default=600)
# Wrong API keys per minute from one address before it gets 429 for the rest of the minute.
ATELIER_API_AUTH_FAILURE_LIMIT = env.int("ATELIER_API_AUTH_FAILURE_LIMIT", default=20)
# Image verifications (POST /api/v1/verify and the /verify page, no key) per client address:
# N/s, N/min, N/hour or N/day; 429 with Retry-After past it.
ATELIER_VERIFY_RATE_LIMIT = text("ATELIER_VERIFY_RATE_LIMIT", "30/min")
if not re.fullmatch(r"[1-9][0-9]*/(s|sec|m|min|h|hour|d|day)", ATELIER_VERIFY_RATE_LIMIT):
    raise ConfigurationError(f"ATELIER_VERIFY_RATE_LIMIT={ATELIER_VERIFY_RATE_LIMIT!r} is not "
                             "a rate; use N/s, N/min, N/hour or N/day (e.g. 30/min)")
# How long an Idempotency-Key's answer is replayed, how long a duplicate waits for the first
# request's answer, and after how long an unanswered key is taken over (its worker died).
ATELIER_IDEMPOTENCY_TTL_HOURS = env.int("ATELIER_IDEMPOTENCY_TTL_HOURS", default=24)
ATELIER_IDEMPOTENCY_WAIT_SECONDS = env.float("ATELIER_IDEMPOTENCY_WAIT_SECONDS", default=30.0)
ATELIER_IDEMPOTENCY_LOCK_SECONDS = env.int("ATELIER_IDEMPOTENCY_LOCK_SECONDS", default=300)
# Webhooks only reach public addresses over https; on, private/loopback hosts and plain http
# are allowed too (development, tests; never where tenants could probe the internal network).
ATELIER_WEBHOOK_ALLOW_PRIVATE = flag("ATELIER_WEBHOOK_ALLOW_PRIVATE", False)
# A failed delivery is retried after 30 s, 1 min, 2 min, … (at most 6 h apart, with jitter)
# until this many hours after the event, then marked failed.
ATELIER_WEBHOOK_BACKOFF_SECONDS = env.float("ATELIER_WEBHOOK_BACKOFF_SECONDS", default=30.0)
ATELIER_WEBHOOK_RETRY_HOURS = env.float("ATELIER_WEBHOOK_RETRY_HOURS", default=24.0)
ATELIER_WEBHOOK_TIMEOUT_SECONDS = env.float("ATELIER_WEBHOOK_TIMEOUT_SECONDS", default=10.0)

# The client address behind the load balancer (DRF reads X-Forwarded-For with this many proxies).
REST_FRAMEWORK["NUM_PROXIES"] = 1 if flag("ATELIER_BEHIND_PROXY", False) else None
# Swagger UI (/api/docs/) would show an "online validator" badge: an image from
# validator.swagger.io, told the schema's URL. Off, so the page loads nothing from elsewhere.
SPECTACULAR_SETTINGS["SWAGGER_UI_SETTINGS"] = {"deepLinking": True, "validatorUrl": "none"}

__all__ = [
    "ATELIER_API_AUTH_FAILURE_LIMIT",
    "ATELIER_API_RATE_LIMIT",
    "ATELIER_IDEMPOTENCY_LOCK_SECONDS",
    "ATELIER_IDEMPOTENCY_TTL_HOURS",
    "ATELIER_IDEMPOTENCY_WAIT_SECONDS",
    "ATELIER_VERIFY_RATE_LIMIT",
    "ATELIER_WEBHOOK_ALLOW_PRIVATE",
    "ATELIER_WEBHOOK_BACKOFF_SECONDS",
    "ATELIER_WEBHOOK_RETRY_HOURS",
    "ATELIER_WEBHOOK_TIMEOUT_SECONDS",
    "REST_FRAMEWORK",
    "SPECTACULAR_SETTINGS",
]
