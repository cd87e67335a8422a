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

A marketplace fix (`conform`, local-only and free) calls no model at all: the job's source
image is fixed for its preset here (assets.compliance's fixes, the compliance check's
one-click fix), then marked, checked and stored like any composition.

A scene is one `text_to_image` call on the job's model (priced as that call at the job's
size): the background, asked for with the scene's prompt, the caller's and the scene book's
closing words (catalog/scenes.yaml). The job's source image is the product's cut-out, checked
at submission to have transparency; it is the composition's, not the call's, so the call goes
without it and each background it returns gets the product stood on it here
(providers/scenes.py). The scene as resolved is kept in the job's params (`scene_rules`) and the
full prompt is made per call from them and the job's own prompt, so a batch row that shares
the first row's params still sends its own words.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Any

from django.core.cache import cache
from django.core.files.storage import default_storage
from PIL import Image, UnidentifiedImageError

from assets import compliance
from assets.compliance import Report
from assets.models import Asset
from assets.presets import find_preset
from catalog.operations import OPERATION_DEFAULTS, OperationSpec
from catalog.presets import Preset, parse_preset
from catalog.requests import ResolvedRequest
from catalog.scenes import scene_book
from catalog.spec import catalog
from catalog.validation import refuse
from core import cpu
from generation.models import Job
from providers import compositing, scenes
from providers.base import (
    GeneratedImage,
    ProviderCall,
    ProviderError,
    ProviderResult,
    SourceImage,
)
from tenants.models import Tenant

PRESET_RULES = "preset_rules"  # job.params: the preset as resolved at submission
SCENE_RULES = "scene_rules"  # job.params: the scene as resolved at submission
RESOLVED = frozenset({PRESET_RULES, SCENE_RULES})  # what resolve adds, never sent to a model
STORED_FORMATS = ("jpeg", "png", "webp")  # what Atelier stores and marks
log = logging.getLogger("atelier.jobs")


def resolve(tenant: Tenant, resolved: ResolvedRequest) -> ResolvedRequest:
    """The request with its composition's parameters checked (against the tenant's presets,
    the scene book, its source image) and completed (default shadow, rules); others
    unchanged."""
    resolver = RESOLVERS.get(resolved.request.operation)
    return resolved if resolver is None else resolver(tenant, resolved)


def _resolve_preset(tenant: Tenant, resolved: ResolvedRequest) -> ResolvedRequest:
    """A packshot's or a marketplace fix's preset, found and kept with the job; a packshot
    also gets the preset's shadow unless it asks for another."""
    params = dict(resolved.params)
    preset = find_preset(tenant, params.get("preset"), field="params.preset")
    if not set(preset.formats) & set(STORED_FORMATS):
        raise refuse("params.preset", f"{preset.key!r} allows only {', '.join(preset.formats)}; "
                                      f"Atelier stores images as {', '.join(STORED_FORMATS)}")
    if resolved.request.operation == "packshot":
        params.setdefault("shadow", compositing.PRESET_SHADOWS[preset.shadow])
    rules = {k: v for k, v in preset.as_dict().items() if k != "builtin" and v is not None}
    params[PRESET_RULES] = rules
    return replace(resolved, params=params)


def _resolve_scene(tenant: Tenant, resolved: ResolvedRequest) -> ResolvedRequest:
    """A scene needs a preset scene or a prompt saying what background to make, a prompt that
    still fits the model with the scene's words around it, and a cut-out to place."""
    request, params = resolved.request, dict(resolved.params)
    book = scene_book()
    scene = book.get(params.get("scene"))
    if not scene.key and not request.prompt.strip():
        raise refuse("prompt", "a scene without params.scene needs a prompt describing the "
                               "background (or name a preset scene in params.scene)")
    limit = catalog().get(request.model).limits.prompt_chars[1]
    if len(_joined(scene.prompt, request.prompt, book.background)) > limit:
        added = len(_joined(scene.prompt, book.background))
        room = max(0, limit - added - 2)  # ", " before the caller's words
        raise refuse("prompt", f"at most {room} characters in a scene on {request.model!r} "
                               f"(the scene's own words take {added})")
    _check_cutout(tenant, request.images[0] if request.images else None)
    placement = book.placements[params["placement"]]
    params.setdefault("shadow", scene.shadow)
    params[SCENE_RULES] = {
        "scene": scene.key, "prompt": scene.prompt, "background": book.background,
        "negative_prompt": scene.negative_prompt, "light_angle": scene.light_angle,
        "x": placement.x, "ground": placement.ground or scene.ground}
    return replace(resolved, params=params)


def _check_cutout(tenant: Tenant, upload_id: str | None) -> None:
    """images[0] must be a cut-out: some transparency, and some product. An id that is not
    the tenant's approved upload is left to the source check, which names it."""
    asset = Asset.objects.owned(tenant, upload_id) if upload_id else None
    if asset is None or asset.moderation_status != Asset.Moderation.APPROVED:
        return
    low, high = _alpha_range(asset)
    if low == 255:
        raise refuse("images[0]", "a scene places a product cut-out (an image with "
                                  "transparency) and this image has no transparent pixels; "
                                  "cut the product out first (operation remove_background) "
                                  "and use its result")
    if high == 0:
        raise refuse("images[0]", "the cut-out is empty (every pixel is transparent)")


def _alpha_range(asset: Asset) -> tuple[int, int]:
    """The cut-out's alpha range, read from its file once per content: the editor estimates a
    scene on every change of its form, and the bytes behind a sha256 never change."""
    key = f"cutout-alpha:{asset.sha256}"
    known = cache.get(key)
    if known is not None:
        low, high = known
        return int(low), int(high)
    try:
        with default_storage.open(asset.storage_key, "rb") as handle, Image.open(handle) as image:
            found = scenes.alpha_range(image)
    except (OSError, UnidentifiedImageError) as exc:
        raise refuse("images[0]", "its image file cannot be read") from exc
    cache.set(key, list(found), timeout=30 * 24 * 3600)
    return found


def _joined(*parts: str) -> str:
    return ", ".join(part.strip() for part in parts if part.strip())


def background_call(params: Mapping[str, Any], call: ProviderCall) -> ProviderCall:
    """A scene's call as sent: the background from the scene's words and the job's, without
    the cut-out (a text_to_image call takes no product). The scene's negative prompt is
    left out where the model takes none."""
    rules = params[SCENE_RULES]
    spec = next((s for s in catalog() if s.model_id == call.model_id), None)
    negative = _joined(rules["negative_prompt"], call.negative_prompt)
    if spec is not None and len(negative) > spec.limits.negative_prompt_chars[1]:
        negative = call.negative_prompt
    return replace(call, prompt=_joined(rules["prompt"], call.prompt, rules["background"]),
                   negative_prompt=negative, images=(), mask=None)


def call_params(op: OperationSpec, params: Mapping[str, Any]) -> dict[str, Any]:
    """What a job's provider call is given: a composition's own parameters stay here, and its
    cut-out comes back as PNG (it must keep its transparency)."""
    if op.call is None:
        return dict(params)
    own = {name for name, _ in op.params} | RESOLVED
    kept = {name: value for name, value in params.items() if name not in own}
    if "output_format" in kept:
        kept["output_format"] = "png"
    return kept


def _preset(params: Mapping[str, Any]) -> Preset:
    rules = params[PRESET_RULES]
    return parse_preset(rules, where=f"presets[{rules.get('key')}]")


def packshot(params: Mapping[str, Any], image: GeneratedImage,
             sources: tuple[SourceImage, ...] = ()) -> GeneratedImage:
    """The cut-out `image` composed on its preset's canvas, in the preset's first stored
    format (ValueError when the cut-out holds no product); the photo it was cut from is not
    needed."""
    preset = _preset(params)
    with Image.open(io.BytesIO(image.data)) as cut:
        cut.load()
        picture = compositing.packshot(cut, preset, params.get("shadow", "none"))
    fmt = next(f for f in preset.formats if f in STORED_FORMATS)
    return GeneratedImage(data=compositing.encode(picture, fmt), format=fmt,
                          width=picture.width, height=picture.height, seed=image.seed)


def scene(params: Mapping[str, Any], image: GeneratedImage,
          sources: tuple[SourceImage, ...] = ()) -> GeneratedImage:
    """The product of the job's cut-out (`sources[0]`) stood on the background `image`, in the
    job's output format (ValueError when there is no product to place)."""
    if not sources:
        raise ValueError("images[0]: no cut-out to place")
    rules = params[SCENE_RULES]
    stand = scenes.Stand(x=rules["x"], ground=rules["ground"], scale=params["scale"])
    picture = scenes.compose(compositing.decoded(image.data),
                             compositing.decoded(sources[0].data), stand,
                             scenes.scene_shadow(params["shadow"], rules["light_angle"]),
                             params["harmonize"])
    fmt = params.get("output_format", "png")
    fmt = fmt if fmt in STORED_FORMATS else "png"
    return GeneratedImage(data=compositing.encode(picture, fmt), format=fmt,
                          width=picture.width, height=picture.height, seed=image.seed)


def conform(params: Mapping[str, Any], image: GeneratedImage,
            sources: tuple[SourceImage, ...] = ()) -> GeneratedImage:
    """The job's source image (`image`: a marketplace fix makes no call) with the fix asked
    for applied for its preset (`all`: every fix the check names), in a format Atelier
    stores, the preset's first such when the fix left another."""
    preset = _preset(params)
    fix = params.get("fix", "all")
    data = (compliance.fix_all(image.data, preset) if fix == "all"
            else compliance.apply_fix(image.data, preset, fix))
    with Image.open(io.BytesIO(data)) as fixed:
        fixed.load()
        fmt = (fixed.format or "").lower()
        if fmt not in STORED_FORMATS:
            fmt = next(f for f in preset.formats if f in STORED_FORMATS)
            data = compositing.encode(fixed, fmt)
        return GeneratedImage(data=data, format=fmt, width=fixed.width, height=fixed.height,
                              seed=None)


def _source(call: ProviderCall) -> ProviderResult:
    """A composition of the source image alone: its bytes, as a call would have answered."""
    source = call.images[0]
    return ProviderResult(images=(GeneratedImage(data=source.data, format=source.format,
                                                 width=source.width, height=source.height,
                                                 seed=None),))


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


Composer = Callable[[Mapping[str, Any], GeneratedImage, tuple[SourceImage, ...]],
                    GeneratedImage]
# Operation -> what is done to each image its call returned (given the job's source images).
COMPOSERS: dict[str, Composer] = {"packshot": packshot, "scene": scene, "conform": conform}
# Operation -> how its call is sent, where it differs from the job's own.
CALLS: dict[str, Callable[[Mapping[str, Any], ProviderCall], ProviderCall]] = {
    "scene": background_call,
}

RESOLVERS: dict[str, Callable[[Tenant, ResolvedRequest], ResolvedRequest]] = {
    "packshot": _resolve_preset, "conform": _resolve_preset, "scene": _resolve_scene,
}


def composed(operation: str, params: Mapping[str, Any],
             generate: Callable[[ProviderCall], ProviderResult]
             ) -> Callable[[ProviderCall], ProviderResult]:
    """`generate` (of the call as the composition sends it) followed by the operation's
    composition, if it has one. A composition that cannot be made (an empty cut-out) fails
    the call for good: trying again would not help."""
    composer = COMPOSERS.get(operation)
    if composer is None:
        return generate
    sent = CALLS.get(operation)
    if not OPERATION_DEFAULTS[operation].calls_model:  # a marketplace fix: the source itself
        generate = _source

    def make(call: ProviderCall) -> ProviderResult:
        result = generate(call if sent is None else sent(params, call))
        try:
            with cpu.image_work:
                images = tuple(composer(params, image, call.images) for image in result.images)
        except ValueError as exc:
            raise ProviderError("composition_failed", f"{operation}: {exc}",
                                retryable=False) from exc
        return replace(result, images=images)

    return make
