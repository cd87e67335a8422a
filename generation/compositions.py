"""Compositions in a job's life: a model call, then pixel work in the worker (docs/ecommerce.md).

A packshot is one `remove_background` call on the job's model (priced and rate-limited as that
call: the job keeps the product photo's size, which is what the call is priced on), whose
cut-out is then trimmed, centred and exported on the preset's canvas here, at no cost. The
preset is resolved at submission (a built-in or the tenant's own) and its rules are kept in the
job's params (`preset_rules`), so the worker needs no database for it and a later edit of the
tenant's preset does not change what a queued job makes. The finished image (watermark and
all) is checked against those same rules (assets.compliance) before it is stored, and the
verdict is stored with it. Which operation is a composition, and what its call is, is the
operation table's (catalog/operations.py); the local-only `shadow` needs nothing here: the
offline provider draws it (providers/local.py).
"""

from __future__ import annotations

import io
import logging
import os
import threading
from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Any

from PIL import Image

from assets import compliance
from assets.compliance import Report
from assets.presets import find_preset
from catalog.operations import OperationSpec
from catalog.presets import Preset, parse_preset
from catalog.requests import ResolvedRequest
from catalog.validation import refuse
from generation.models import Job
from providers import compositing
from providers.base import GeneratedImage, ProviderCall, ProviderError, ProviderResult
from tenants.models import Tenant

PRESET_RULES = "preset_rules"  # job.params: the preset as resolved at submission
STORED_FORMATS = ("jpeg", "png", "webp")  # what Atelier stores and marks
log = logging.getLogger("atelier.jobs")
# Compositing is CPU work on the provider-call threads: at most one per core at a time.
_compositing = threading.BoundedSemaphore(max(1, os.cpu_count() or 1))


def resolve(tenant: Tenant, resolved: ResolvedRequest) -> ResolvedRequest:
    """The request with its composition's parameters checked against the tenant's presets and
    completed (the preset's default shadow, its rules); others unchanged."""
    if resolved.request.operation != "packshot":
        return resolved
    params = dict(resolved.params)
    preset = find_preset(tenant, params.get("preset"), field="params.preset")
    if not set(preset.formats) & set(STORED_FORMATS):
        raise refuse("params.preset", f"{preset.key!r} allows only {', '.join(preset.formats)}; "
                                      f"packshots are made as {', '.join(STORED_FORMATS)}")
    params.setdefault("shadow", compositing.PRESET_SHADOWS[preset.shadow])
    rules = {k: v for k, v in preset.as_dict().items() if k != "builtin" and v is not None}
    params[PRESET_RULES] = rules
    return replace(resolved, params=params)


def call_params(op: OperationSpec, params: Mapping[str, Any]) -> dict[str, Any]:
    """What a job's provider call is given: a composition's own parameters stay here, and its
    cut-out comes back as PNG (it must keep its transparency)."""
    if op.call is None:
        return dict(params)
    own = {name for name, _ in op.params} | {PRESET_RULES}
    kept = {name: value for name, value in params.items() if name not in own}
    if "output_format" in kept:
        kept["output_format"] = "png"
    return kept


def _preset(params: Mapping[str, Any]) -> Preset:
    rules = params[PRESET_RULES]
    return parse_preset(rules, where=f"presets[{rules.get('key')}]")


def packshot(params: Mapping[str, Any], image: GeneratedImage) -> GeneratedImage:
    """The cut-out `image` composed on its preset's canvas, in the preset's first stored
    format (ValueError when the cut-out holds no product)."""
    preset = _preset(params)
    with Image.open(io.BytesIO(image.data)) as cut:
        cut.load()
        picture = compositing.packshot(cut, preset, params.get("shadow", "none"))
    fmt = next(f for f in preset.formats if f in STORED_FORMATS)
    return GeneratedImage(data=compositing.encode(picture, fmt), format=fmt,
                          width=picture.width, height=picture.height, seed=image.seed)


def checked(job: Job, data: bytes) -> Report | None:
    """A composition's stored bytes checked against the preset it was made for (the rules
    kept with the job), as the compliance check would answer; None for every other image."""
    rules = job.params.get(PRESET_RULES) if job.operation in COMPOSERS else None
    if not rules:
        return None
    try:
        return compliance.check(data, _preset(job.params))
    except compliance.UnreadableImage:  # not expected of bytes just encoded: keep the image
        log.exception("job %s: its %s image could not be checked", job.pk, job.operation)
        return None


def exact_background(job: Job) -> tuple[int, int, int] | None:
    """The colour a packshot's background must keep exactly (its preset's), which the
    watermark must therefore leave alone; None for every other image."""
    rules = job.params.get(PRESET_RULES) if job.operation in COMPOSERS else None
    if not rules:
        return None
    background = _preset(job.params).background
    return background if background is not None else compositing.WHITE


# Operation -> what is done to each image its call returned.
COMPOSERS: dict[str, Callable[[Mapping[str, Any], GeneratedImage], GeneratedImage]] = {
    "packshot": packshot,
}


def composed(operation: str, params: Mapping[str, Any],
             generate: Callable[[ProviderCall], ProviderResult]
             ) -> Callable[[ProviderCall], ProviderResult]:
    """`generate` followed by the operation's composition, if it has one. A composition that
    cannot be made (an empty cut-out) fails the call for good: trying again would not help."""
    composer = COMPOSERS.get(operation)
    if composer is None:
        return generate

    def make(call: ProviderCall) -> ProviderResult:
        result = generate(call)
        try:
            with _compositing:
                images = tuple(composer(params, image) for image in result.images)
        except ValueError as exc:
            raise ProviderError("composition_failed", f"{operation}: {exc}",
                                retryable=False) from exc
        return replace(result, images=images)

    return make
