"""System checks: configuration mistakes stop `manage.py check` (and every command) early."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, register

from providers.registry import PROVIDERS


@register()
def provider_configured(app_configs: Any, **kwargs: Any) -> list[Error]:
    if settings.ATELIER_PROVIDER not in PROVIDERS:
        return [Error(f"ATELIER_PROVIDER={settings.ATELIER_PROVIDER!r} is not one of "
                      f"{', '.join(PROVIDERS)}", id="atelier.E001")]
    if settings.ATELIER_BEDROCK_READ_TIMEOUT < 300:
        return [Error("ATELIER_BEDROCK_READ_TIMEOUT must be at least 300 seconds (image models "
                      "routinely take minutes)", id="atelier.E002")]
    return []
