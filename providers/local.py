"""The offline `local` provider: real, deterministic images at no cost, for demos and tests.

It also stands in for every catalog model when ATELIER_PROVIDER is not `bedrock`, so the
whole product (edits included) works offline: an edit blends the source image with a
rendering of the prompt, and a mask limits the change to its white area.
"""

from __future__ import annotations

import io
import json
import os
import threading
import time

from django.conf import settings
from PIL import Image, PngImagePlugin

from providers.base import GeneratedImage, ProviderCall, ProviderResult
from providers.local_render import render_image

_PIL_FORMATS = {"png": "PNG", "jpeg": "JPEG", "webp": "WEBP"}
# Drawing is all CPU: a worker draws at most one image per core at a time (a job's calls are in
# flight together, and sixteen 1024² canvases at once only cost memory, not time).
_drawing = threading.BoundedSemaphore(max(1, os.cpu_count() or 1))


def _encode(image: Image.Image, fmt: str, call: ProviderCall, seed: int | None) -> bytes:
    buffer = io.BytesIO()
    if fmt == "png":
        # Like A1111 and ComfyUI, carry the generation parameters inside the PNG.
        info = PngImagePlugin.PngInfo()
        info.add_text("parameters", json.dumps({
            "model_id": call.model_id, "operation": call.operation, "prompt": call.prompt,
            "negative_prompt": call.negative_prompt, "seed": seed,
            "size": f"{call.width}x{call.height}",
        }))
        image.save(buffer, "PNG", pnginfo=info, compress_level=1)
    else:
        image.convert("RGB").save(buffer, _PIL_FORMATS[fmt], quality=90)
    return buffer.getvalue()


def _edited(call: ProviderCall, rendered: Image.Image) -> Image.Image:
    """An edit's stand-in: the source with the rendering blended in (inside the mask only)."""
    source = Image.open(io.BytesIO(call.images[0].data)).convert("RGB").resize(rendered.size)
    if call.mask is None:
        return Image.blend(source, rendered, 0.5)
    mask = Image.open(io.BytesIO(call.mask.data)).convert("L").resize(rendered.size)
    return Image.composite(rendered, source, mask)


def generate(call: ProviderCall) -> ProviderResult:
    fmt = call.params.get("output_format", "png")
    fmt = fmt if fmt in _PIL_FORMATS else "png"
    images = []
    for seed in call.seeds:
        if settings.ATELIER_LOCAL_LATENCY_MS:
            time.sleep(settings.ATELIER_LOCAL_LATENCY_MS / 1000)
        with _drawing:
            image = render_image(call.prompt or call.operation, seed or 0, call.width,
                                 call.height)
            if call.images:
                image = _edited(call, image)
            data = _encode(image, fmt, call, seed)
            del image
        images.append(GeneratedImage(data=data, format=fmt, width=call.width,
                                     height=call.height, seed=seed))
    return ProviderResult(images=tuple(images))
