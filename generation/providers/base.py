"""What every provider adapter takes and gives back: pure data, no database.

An adapter translates one `ProviderCall` into its wire request and its answer into a
`ProviderResult`; failures are `ProviderError`s that say whether a retry could help.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol


@dataclass(frozen=True)
class ProviderCall:
    """One call to one model: up to the model's per-call image count."""

    model_id: str
    operation: str
    prompt: str
    negative_prompt: str
    width: int
    height: int
    seeds: tuple[int, ...]
    quality: str | None = None
    style: str | None = None
    params: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class GeneratedImage:
    data: bytes
    format: str  # png | jpeg | webp
    width: int
    height: int
    seed: int | None  # None where the model has no seed to record


@dataclass(frozen=True)
class ProviderResult:
    """Images in request order; `blocked` holds the reasons for outputs a filter withheld."""

    images: tuple[GeneratedImage, ...]
    blocked: tuple[str, ...] = ()


class ProviderError(Exception):
    """A call that produced nothing. `retryable` errors (throttling, 5xx, timeouts) may succeed
    if tried again later; the others (invalid, blocked input, EOL, no access) never will."""

    def __init__(self, code: str, message: str, *, retryable: bool) -> None:
        super().__init__(message)
        self.code, self.message, self.retryable = code, message, retryable


class Provider(Protocol):
    def generate(self, call: ProviderCall) -> ProviderResult: ...
