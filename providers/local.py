"""The offline `local` provider: real, deterministic images at no cost, for demos and tests.

It also stands in for every catalog model when ATELIER_PROVIDER is not `bedrock`, so the
whole product (edits included) works offline, and each operation visibly does what it promises
(providers/local_edits.py): a cut-out has transparency, an upscale is bigger by the model's
factor, an inpaint changes only the masked area. Generation draws a product shot of the
prompt (providers/local_render.py). The local-only `shadow` composition is drawn here for
real (providers/compositing.py), whichever provider serves the other models.
"""

from __future__ import annotations

import io
import json
import math
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from PIL import Image, ImageOps, PngImagePlugin

from catalog.spec import catalog
from core import cpu
from providers import compositing
from providers import local_edits as edits
from providers.base import GeneratedImage, ProviderCall, ProviderResult
from providers.local_render import render_image
from providers.local_scene import parse_hex, product_colour

_PIL_FORMATS = {"png": "PNG", "jpeg": "JPEG", "webp": "WEBP"}
FOUR_MEGAPIXELS = 4 * 1024 * 1024
MAX_PIXELS = 4096 * 4096


def four_times(size: tuple[int, int]) -> tuple[int, int]:
    return size[0] * 4, size[1] * 4


def about_four_megapixels(size: tuple[int, int]) -> tuple[int, int]:
    scale = max(1.0, math.sqrt(FOUR_MEGAPIXELS / (size[0] * size[1])))
    return round(size[0] * scale), round(size[1] * scale)


# What each upscaler returns for a source of a given size, as Bedrock's do (Fast Upscale: 4x;
# Creative and Conservative: about 4 megapixels), keyed by a part of the model ID.
UPSCALERS: dict[str, Callable[[tuple[int, int]], tuple[int, int]]] = {
    "stable-fast-upscale": four_times,
    "stable-creative-upscale": about_four_megapixels,
    "stable-conservative-upscale": about_four_megapixels,
}


def upscaled_size(model_id: str, size: tuple[int, int]) -> tuple[int, int]:
    rule = next((rule for part, rule in UPSCALERS.items() if part in model_id), four_times)
    width, height = rule(size)
    shrink = min(1.0, math.sqrt(MAX_PIXELS / (width * height)))
    return max(1, math.floor(width * shrink)), max(1, math.floor(height * shrink))


@dataclass(frozen=True)
class Edit:
    """One image to make: the call, its seed, the decoded sources and the mask (white where
    to change, whatever the model's own polarity)."""

    call: ProviderCall
    seed: int
    sources: tuple[Image.Image, ...]
    mask: Image.Image | None

    @property
    def size(self) -> tuple[int, int]:
        return self.call.width, self.call.height

    @property
    def source(self) -> Image.Image:
        """The first source at the output size (edits keep the source's size)."""
        first = self.sources[0]
        return first if first.size == self.size else first.resize(self.size)

    @property
    def edit_mask(self) -> Image.Image | None:
        if self.mask is not None:
            return self.mask.resize(self.size, Image.Resampling.NEAREST)
        if self.call.mask_prompt:
            return edits.region(self.source, self.call.mask_prompt)
        return None

    @property
    def prompt(self) -> str:
        return self.call.prompt

    def param(self, name: str, default: float) -> float:
        value = self.call.params.get(name)
        return float(value) if isinstance(value, int | float) else default


def _generate(edit: Edit) -> Image.Image:
    return render_image(edit.prompt or edit.call.operation, edit.seed, *edit.size)


def _colour_guided(edit: Edit) -> Image.Image:
    image = _generate(edit)
    colours = [c for c in map(parse_hex, edit.call.params.get("colors") or []) if c]
    if colours:
        swatch = Image.new("RGB", (len(colours), 1))
        swatch.putdata(colours)
        image = edits.transfer_colours(image, swatch, 0.7)
    return edits.transfer_colours(image, edit.sources[0], 0.5) if edit.sources else image


def _inpaint(edit: Edit) -> Image.Image:
    mask = edit.edit_mask
    if mask is None:
        return edits.restyle(edit.source, edit.prompt, edit.seed, 0.5)
    return edits.inpaint(edit.source, mask, edit.prompt, edit.seed)


def _replace_background(edit: Edit) -> Image.Image:
    change = edit.mask.resize(edit.size, Image.Resampling.NEAREST) if edit.mask else None
    if change is None and edit.call.mask_prompt:  # the prompt names what to keep
        change = ImageOps.invert(edits.region(edit.source, edit.call.mask_prompt))
    return edits.replace_background(edit.source, edit.prompt, edit.seed, change)


def _erase(edit: Edit) -> Image.Image:
    mask = edit.edit_mask
    return edits.erase(edit.source, mask if mask is not None else edits.foreground(edit.source))


def _try_on(edit: Edit) -> Image.Image:
    mask = edit.edit_mask
    garment = edit.sources[1] if len(edit.sources) > 1 else edit.sources[0]
    return edits.try_on(edit.source, garment, mask)


def _shadow(edit: Edit) -> Image.Image:
    """The local-only `shadow` composition: not a stand-in, the operation itself."""
    defaults = compositing.Shadow()
    return compositing.add_shadows(edit.sources[0], compositing.Shadow(**{
        name: edit.param(name, getattr(defaults, name)) for name in (
            "light_angle", "softness", "opacity", "distance", "contact")}))


# Operation -> what the stand-in does (catalog/operations.py lists the operations).
OPERATIONS: dict[str, Callable[[Edit], Image.Image]] = {
    "text_to_image": _generate,
    "color_guided": _colour_guided,
    "image_to_image": lambda e: edits.restyle(e.source, e.prompt, e.seed,
                                              e.param("strength", 0.5)),
    "variation": lambda e: edits.variation(e.sources[0], e.size, e.seed, e.prompt,
                                           e.param("similarity", 0.7)),
    "inpaint": _inpaint,
    "outpaint": lambda e: edits.outpaint(e.sources[0], e.size, e.mask),
    "remove_background": lambda e: edits.remove_background(e.source),
    "replace_background": _replace_background,
    "upscale": lambda e: edits.upscale(
        e.sources[0], upscaled_size(e.call.model_id, e.sources[0].size)),
    "search_replace": lambda e: edits.search_replace(e.source, e.call.mask_prompt or "subject",
                                                     e.prompt, e.seed),
    "search_recolor": lambda e: edits.recolour(e.source, edits.region(
        e.source, e.call.mask_prompt or "subject"), product_colour(e.prompt)),
    "erase": _erase,
    "sketch_to_image": lambda e: edits.from_structure(e.sources[0], e.size, e.prompt, e.seed),
    "structure_to_image": lambda e: edits.from_structure(e.sources[0], e.size, e.prompt,
                                                         e.seed),
    "style_guide": lambda e: edits.transfer_colours(_generate(e), e.sources[0]),
    "style_transfer": lambda e: edits.transfer_colours(e.source, e.sources[-1]),
    "virtual_try_on": _try_on,
    "shadow": _shadow,
}


def _white_edits(call: ProviderCall) -> bool:
    """The model's mask polarity for this operation (masks arrive in it)."""
    spec = next((s for s in catalog() if s.model_id == call.model_id), None)
    return spec.limits.mask_white_edits_for(call.operation) if spec else True


def _mask(call: ProviderCall) -> Image.Image | None:
    if call.mask is None:
        return None
    mask = compositing.decoded(call.mask.data).convert("L")
    return mask if _white_edits(call) else ImageOps.invert(mask)


def _encode(image: Image.Image, fmt: str, call: ProviderCall, seed: int | None) -> bytes:
    buffer = io.BytesIO()
    if fmt == "png":
        # Like A1111 and ComfyUI, carry the generation parameters inside the PNG.
        info = PngImagePlugin.PngInfo()
        info.add_text("parameters", json.dumps({
            "model_id": call.model_id, "operation": call.operation, "prompt": call.prompt,
            "negative_prompt": call.negative_prompt, "seed": seed,
            "size": f"{image.width}x{image.height}",
        }))
        image.save(buffer, "PNG", pnginfo=info, compress_level=1)
    elif fmt == "webp":
        image.save(buffer, "WEBP", quality=90)
    else:  # JPEG has no transparency: a cut-out goes on white
        if image.mode == "RGBA":
            flat = Image.new("RGB", image.size, (255, 255, 255))
            flat.paste(image, mask=image.getchannel("A"))
            image = flat
        image.convert("RGB").save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def make_image(call: ProviderCall, seed: int) -> Image.Image:
    """The image the stand-in makes for one seed of ``call`` (before encoding)."""
    sources = tuple(compositing.decoded(source.data) for source in call.images)
    operation = OPERATIONS.get(call.operation, _generate) if sources else _generate
    return operation(Edit(call=call, seed=seed, sources=sources, mask=_mask(call)))


def generate(call: ProviderCall) -> ProviderResult:
    fmt = call.params.get("output_format", "png")
    fmt = fmt if fmt in _PIL_FORMATS else "png"
    images = []
    for seed in call.seeds:
        if settings.ATELIER_LOCAL_LATENCY_MS:
            time.sleep(settings.ATELIER_LOCAL_LATENCY_MS / 1000)
        with cpu.image_work:
            image = make_image(call, seed or 0)
            width, height = image.size
            data = _encode(image, fmt, call, seed)
            del image
        images.append(GeneratedImage(data=data, format=fmt, width=width, height=height,
                                     seed=seed))
    return ProviderResult(images=tuple(images))
