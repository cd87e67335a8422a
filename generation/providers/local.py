"""The offline `local` provider: real, deterministic images at no cost, for demos and tests."""

from __future__ import annotations

import io
import json
import time

from django.conf import settings
from PIL import Image, PngImagePlugin

from generation.providers.base import GeneratedImage, ProviderCall, ProviderResult
from generation.providers.local_render import render_image

_PIL_FORMATS = {"png": "PNG", "jpeg": "JPEG", "webp": "WEBP"}


def _encode(image: Image.Image, fmt: str, call: ProviderCall, seed: int) -> bytes:
    buffer = io.BytesIO()
    if fmt == "png":
        # Like A1111 and ComfyUI, carry the generation parameters inside the PNG.
        info = PngImagePlugin.PngInfo()
        info.add_text("parameters", json.dumps({
            "model_id": call.model_id, "prompt": call.prompt,
            "negative_prompt": call.negative_prompt, "seed": seed,
            "size": f"{call.width}x{call.height}",
        }))
        image.save(buffer, "PNG", pnginfo=info, compress_level=1)
    else:
        image.save(buffer, _PIL_FORMATS[fmt], quality=90)
    return buffer.getvalue()


def generate(call: ProviderCall) -> ProviderResult:
    fmt = call.params.get("output_format", "png")
    images = []
    for seed in call.seeds:
        if settings.ATELIER_LOCAL_LATENCY_MS:
            time.sleep(settings.ATELIER_LOCAL_LATENCY_MS / 1000)
        image = render_image(call.prompt, seed, call.width, call.height)
        images.append(GeneratedImage(data=_encode(image, fmt, call, seed), format=fmt,
                                     width=call.width, height=call.height, seed=seed))
    return ProviderResult(images=tuple(images))
