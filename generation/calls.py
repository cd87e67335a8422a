"""Turning a job into provider calls: which images each call makes, with which seeds and
which source images (loaded once and converted to what the model accepts)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from PIL import Image

from assets.models import Asset
from generation import compositions, inputs
from providers.base import ProviderCall, SourceImage

if TYPE_CHECKING:
    from catalog.spec import ModelSpec
    from generation.models import Job

# Families that take the canvas already extended plus a mask of the new area for outpainting
# (the Stability service takes per-side pixels instead, computed by its builder).
CANVAS_OUTPAINT = {"nova-canvas", "titan", "local"}
OPAQUE_INPUTS = {"nova-canvas", "titan"}


def _uploads(job: Job, ids: list[str]) -> list[Asset]:
    found = {str(a.pk): a for a in Asset.objects.for_tenant(job.tenant).filter(pk__in=ids)}
    return [found[str(i)] for i in ids]


def _extended(image: Image.Image, canvas: tuple[int, int]) -> tuple[Image.Image, Image.Image]:
    """The source centred on a larger canvas, and a mask that is white where it is new."""
    left = (canvas[0] - image.width) // 2
    top = (canvas[1] - image.height) // 2
    extended = Image.new("RGB", canvas, (255, 255, 255))
    extended.paste(image.convert("RGB"), (left, top))
    mask = Image.new("L", canvas, 255)
    mask.paste(0, (left, top, left + image.width, top + image.height))
    return extended, mask


def sources(job: Job, spec: ModelSpec) -> tuple[tuple[SourceImage, ...], SourceImage | None]:
    rules = spec.limits.inputs
    images, first = [], None
    for asset in _uploads(job, job.request.get("images", [])):
        data, fmt, image = inputs.model_ready(asset, rules,
                                              opaque=spec.family in OPAQUE_INPUTS)
        first = first or image
        images.append(SourceImage(data=data, format=fmt, width=image.width, height=image.height))
    mask = None
    white = spec.limits.mask_white_edits_for(job.operation)
    if job.operation == "outpaint" and spec.family in CANVAS_OUTPAINT and first is not None:
        extended, new_area = _extended(first, (job.width, job.height))
        fmt = rules.formats[0]
        images[0] = SourceImage(data=inputs.encode(extended, fmt), format=fmt,
                                width=extended.width, height=extended.height)
        if not white:
            new_area = Image.eval(new_area, lambda value: 255 - value)
        mask = SourceImage(data=inputs.encode(new_area.convert("RGB"), "png"), format="png",
                           width=extended.width, height=extended.height)
    elif job.request.get("mask") and first is not None:
        (mask_asset,) = _uploads(job, [job.request["mask"]])
        mask = SourceImage(data=inputs.model_mask(mask_asset, first.size, white_edits=white),
                           format="png", width=first.width, height=first.height)
    return tuple(images), mask


def plan(job: Job, spec: ModelSpec, todo: list[int], region: str
         ) -> Iterator[tuple[list[int], ProviderCall]]:
    """(image indices, call) for every call still to make, in order."""
    images, mask = sources(job, spec) if job.request.get("images") else ((), None)
    per_call = spec.limits.per_call
    op = spec.operations[job.operation]
    params = compositions.call_params(op, job.params)
    seed_max = spec.limits.seed[1] if spec.limits.seed else None
    for start in range(0, len(todo), per_call):
        indices = todo[start:start + per_call]
        seeds = tuple(None if seed_max is None else job.seed_for(i, seed_max) for i in indices)
        yield indices, ProviderCall(
            model_id=job.model_id, operation=op.call_operation, prompt=job.prompt,
            negative_prompt=job.negative_prompt, width=job.width, height=job.height,
            seeds=seeds, quality=job.request.get("quality"), style=job.request.get("style"),
            aspect_ratio=job.request.get("aspect_ratio"), params=params, images=images,
            mask=mask, mask_prompt=job.request.get("mask_prompt"), region=region)
