"""The normalized job request: one shape for the API, the CLI, batches and templates."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from catalog.operations import OPERATION_DEFAULTS

OPERATIONS = tuple(OPERATION_DEFAULTS)
STAGES = ("draft", "final")


@dataclass
class JobRequest:
    model: str = ""
    operation: str = "text_to_image"
    prompt: str = ""
    negative_prompt: str = ""
    n: int = 1
    seed: int | None = None
    size: str | None = None
    aspect_ratio: str | None = None
    quality: str | None = None
    style: str | None = None
    images: list[str] = field(default_factory=list)
    mask: str | None = None
    mask_prompt: str | None = None
    params: dict[str, Any] = field(default_factory=dict)
    stage: str = "draft"
    template: str | None = None  # a brand template's id or name; its slots fill the prompt
    slots: dict[str, Any] = field(default_factory=dict)
    dry_run: bool = False
    # The fields the caller gave (None: not known). A template fills only the fields left out,
    # so an explicit value wins even when it equals the default (generation.templates).
    explicit: frozenset[str] | None = field(default=None, compare=False, repr=False)

    def as_record(self) -> dict[str, Any]:
        """What a job stores of its request (dry_run is not part of what was asked to make)."""
        record = {k: v for k, v in self.__dict__.items() if k not in ("dry_run", "explicit")}
        return {k: v for k, v in record.items() if v not in (None, "", [], {})}


@dataclass(frozen=True)
class ResolvedRequest:
    """A request checked against one model's limits, with every default filled in."""

    request: JobRequest
    model_id: str
    width: int
    height: int
    params: dict[str, Any]
