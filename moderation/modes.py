"""How output moderation runs in this deployment: with services, or in a reduced mode that
people must be able to see (admin and dashboard banners, a log line at start-up)."""

from __future__ import annotations

from django.conf import settings


def services() -> list[str]:
    """The external moderation services configured for generated images."""
    configured = []
    if settings.ATELIER_REKOGNITION:
        configured.append("Rekognition")
    if settings.ATELIER_GUARDRAIL_ID:
        configured.append("Bedrock Guardrails")
    return configured


def local_only() -> bool:
    """No service is called: set on purpose (ATELIER_OUTPUT_MODERATION=local-only)."""
    return settings.ATELIER_OUTPUT_MODERATION == "local-only"


def reduced_reason() -> str | None:
    """Why moderation is reduced, in a sentence for a banner; None when services run."""
    if local_only():
        return ("Output moderation is local-only (ATELIER_OUTPUT_MODERATION=local-only): no "
                "moderation service checks images, so each waits for a moderator unless its "
                "tenant's policy approves on the local policy.")
    if not services():
        return ("No output moderation service is configured (Rekognition or Bedrock "
                "Guardrails): images are approved on the local policy alone. Production "
                "refuses this configuration.")
    return None
