"""Production configuration checks: `manage.py check` (and every command) refuses unsafe
defaults; `check --deploy` adds what only matters on a deployed service.

Each message names the variable and the fix. The container's `web` and `worker` roles run
`check --deploy --fail-level WARNING` before they start, so a deployment missing any of
these never serves a request.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, Warning, register

LOCAL_HOSTS = {"localhost", "127.0.0.1", "[::1]"}


@register()
def production_fallbacks(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    """Every embedded default production took because a variable was missing."""
    if not settings.ATELIER_PRODUCTION:
        return []
    errors: list[CheckMessage] = [
        Error(f"{record.variable}: {record.problem}", hint=record.fix, id=record.id)
        for record in settings.ATELIER_FALLBACKS.records]
    if settings.DEBUG:
        errors.append(Error("DEBUG is on in production: error pages would show settings and "
                            "source code", hint="unset DEBUG (or DEBUG=0)", id="atelier.E106"))
    if (not (settings.ATELIER_REKOGNITION or settings.ATELIER_GUARDRAIL_ID)
            and settings.ATELIER_OUTPUT_MODERATION != "local-only"):
        errors.append(Error(
            "ATELIER_REKOGNITION, ATELIER_GUARDRAIL_ID: no moderation service checks generated "
            "images, so every image would be approved unseen",
            hint="set ATELIER_REKOGNITION=true and/or ATELIER_GUARDRAIL_ID; or "
                 "ATELIER_OUTPUT_MODERATION=local-only on purpose (every image then waits for "
                 "a moderator)", id="atelier.E110"))
    return errors


@register(Tags.security, deploy=True)
def production_deploy(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    if not settings.ATELIER_PRODUCTION:
        return []
    warnings: list[CheckMessage] = []
    if settings.ATELIER_C2PA_TEST_CA:
        warnings.append(Warning(
            "ATELIER_C2PA_TEST_CA is on: images are signed by a locally minted test CA that no "
            "verifier trusts", hint="set ATELIER_C2PA_CERT/ATELIER_C2PA_KEY (or the _FILE "
            "variables) to the platform's certificate chain and key", id="atelier.W107"))
    elif not (settings.ATELIER_C2PA_CERT_FILE and settings.ATELIER_C2PA_KEY_FILE):
        warnings.append(Warning(
            "ATELIER_C2PA_CERT: no C2PA signing certificate, so images carry no Content "
            "Credentials", hint="set ATELIER_C2PA_CERT and ATELIER_C2PA_KEY (PEM text) or "
            "ATELIER_C2PA_CERT_FILE and ATELIER_C2PA_KEY_FILE", id="atelier.W108"))
    if set(settings.ALLOWED_HOSTS) <= LOCAL_HOSTS:
        warnings.append(Warning(
            "ALLOWED_HOSTS names only this machine, so requests for the public name are refused",
            hint="set ALLOWED_HOSTS=atelier.example.com (comma-separated)", id="atelier.W109"))
    return warnings
