"""Settings of the partner API's framework (Django REST framework and the OpenAPI schema);
config/settings.py imports them."""

from typing import Any

REST_FRAMEWORK: dict[str, Any] = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["api.authentication.ApiKeyAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["api.authentication.HasTenant",
                                   "api.authentication.HasScope"],
    "DEFAULT_THROTTLE_CLASSES": ["api.authentication.ApiKeyRateThrottle"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
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
    # The error envelope and Idempotency-Key on every operation (api/schema.py).
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums",
                             "api.schema.add_common_errors"],
}
