"""The reduced-moderation banner on every admin and dashboard page."""

from __future__ import annotations

from django.http import HttpRequest

from moderation.modes import reduced_reason


def moderation_mode(request: HttpRequest) -> dict[str, str | None]:
    return {"moderation_reduced": reduced_reason()}
