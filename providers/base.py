"""What every provider adapter takes and gives back: pure data, no database.

An adapter translates one `ProviderCall` into its wire request and its answer into a
`ProviderResult`; failures are `ProviderError`s that say whether a retry could help.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol


@dataclass(frozen=True)
class SourceImage:
    """A source image or mask, already converted to what the model accepts (masks: already in
    the model's polarity)."""

    data: bytes
    format: str
    width: int
    height: int


@dataclass(frozen=True)
class ProviderCall:
    """One call to one model: up to the model's per-call image count.

    `seeds` has one entry per image wanted from this call (None where the model has no seed);
    models that make several images per call use the first as the call's seed. `width` and
    `height` are the output size asked for, or for outpainting the canvas to extend to.
    """

    model_id: str
    operation: str
    prompt: str
    negative_prompt: str
    width: int
    height: int
    seeds: tuple[int | None, ...]
    quality: str | None = None
    style: str | None = None
    aspect_ratio: str | None = None
    params: dict[str, Any] = field(default_factory=dict)
    images: tuple[SourceImage, ...] = ()
    mask: SourceImage | None = None
    mask_prompt: str | None = None
    region: str = "us-east-1"

    @property
    def count(self) -> int:
        return len(self.seeds)


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
    # The provider's own time on the call, when it says (Bedrock's invocation latency): when
    # the request reached it is at most this long before its answer arrived.
    provider_seconds: float | None = None
    # When the answer arrived (time.monotonic(), before it was parsed), where known: the rate
    # limiter counts the call from `provider_seconds` before then, not before whenever its
    # thread got round to it (on a busy worker, up to a second or two later).
    answered_at: float | None = None


class ProviderError(Exception):
    """A call that produced nothing. `retryable` errors (throttling, 5xx, timeouts) may succeed
    if tried again later; the others (invalid, blocked input, EOL, no access) never will.
    `blocked` marks a refusal by the model's content filter: the job ends `blocked`."""

    def __init__(self, code: str, message: str, *, retryable: bool, blocked: bool = False,
                 http_status: int | None = None, request_id: str = "") -> None:
        super().__init__(message)
        self.code, self.message, self.retryable = code, message, retryable
        self.blocked, self.http_status, self.request_id = blocked, http_status, request_id


class Provider(Protocol):
    def generate(self, call: ProviderCall) -> ProviderResult: ...
