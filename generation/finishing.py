"""What happens to a call's images before they are stored: moderation, provenance and, for an
image made for a marketplace preset, its compliance check.

It runs on the provider-call thread that received the images (generation.fanout), so a
contact sheet's images are judged and marked side by side, not one after another on the job's
thread. Nothing here touches the database: the job's thread reads what it needs first (the
tenant's moderation policy, the job's stored source images) into a `Context`, and stores the
finished images itself. Decoding and marking, the CPU- and memory-heavy part, run at most one
per core at a time in a worker process; moderation's service calls, which only wait, do not
count against that.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from typing import Any

from assets.compliance import Report
from catalog.spec import ModelSpec
from core import cpu
from generation import compositions
from generation.models import Job
from moderation import services as moderation
from moderation.policy import Policy
from provenance import marks as provenance
from providers.base import GeneratedImage, ProviderCall, ProviderResult


@dataclass(frozen=True)
class Context:
    """What finishing a job's images needs from the database, read on the job's thread."""

    job: Job
    spec: ModelSpec
    policy: Policy
    sources: tuple[provenance.SourceFile, ...] = ()
    mask: provenance.SourceFile | None = None


@dataclass(frozen=True)
class Finished:
    """One image ready to store: marked bytes, the verdict, and what to record with it."""

    index: int
    image: GeneratedImage
    parameters: dict[str, Any]
    verdict: moderation.Verdict
    asset_id: uuid.UUID
    provenance: dict[str, Any]
    compliance: Report | None = None  # a packshot's check against its preset


def asset_parameters(job: Job, call: ProviderCall, position: int) -> dict[str, Any]:
    """Everything needed to make this image again (with the model ID and seed on the asset)."""
    parameters = {"prompt": job.prompt, "negative_prompt": job.negative_prompt,
                  "width": job.width, "height": job.height,
                  "quality": job.request.get("quality"), "style": job.request.get("style"),
                  "params": job.params}
    for name in ("aspect_ratio", "images", "mask", "mask_prompt"):
        if job.request.get(name):
            parameters[name] = job.request[name]
    if call.count > 1:  # several images from one call share its seed
        parameters["call"] = {"seed": call.seeds[0], "number_of_images": call.count,
                              "position": position}
    return parameters


def finish(context: Context, indices: list[int], call: ProviderCall,
           result: ProviderResult) -> list[Finished]:
    """Moderate each image's original bytes, then mark its provenance."""
    return [_finish_one(context, index, image, asset_parameters(context.job, call, position))
            for position, (index, image) in enumerate(zip(indices, result.images,
                                                          strict=False))]


def _finish_one(context: Context, index: int, image: GeneratedImage,
                parameters: dict[str, Any]) -> Finished:
    job, spec = context.job, context.spec
    verdict = moderation.moderate_output(job.tenant, image.data, policy=context.policy)
    asset_id = provenance.asset_id_for(job.pk, index)
    with cpu.image_work:
        pixels = provenance.decode(image.data) if provenance.needs_pixels(spec.family) else None
        data, record = provenance.mark(image.data, image.format, family=spec.family,
                                       asset_id=asset_id, model_id=job.model_id,
                                       model_name=spec.name, operation=job.operation,
                                       sources=context.sources, mask=context.mask,
                                       prompt=job.prompt, tenant=job.tenant, pixels=pixels,
                                       spare=compositions.exact_background(job))
        del pixels
        report = compositions.checked(job, data)  # the bytes as stored, watermark and all
    return Finished(index=index, image=replace(image, data=data), parameters=parameters,
                    verdict=verdict, asset_id=asset_id, provenance=record, compliance=report)
