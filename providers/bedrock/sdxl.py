"""SDXL 1.0 (legacy, InvokeModel, §3.5): `text_prompts` with weights in, `artifacts` out."""

from __future__ import annotations

from typing import Any

from providers.base import ProviderCall, ProviderError, ProviderResult
from providers.bedrock.images import b64, decode_image

WIRE_PARAMS = {"cfg_scale": "cfg_scale", "steps": "steps", "sampler": "sampler",
               "clip_guidance_preset": "clip_guidance_preset"}


def build(call: ProviderCall) -> dict[str, Any]:
    prompts = [{"text": call.prompt, "weight": 1.0}]
    if call.negative_prompt.strip():
        prompts.append({"text": call.negative_prompt, "weight": -1.0})
    body: dict[str, Any] = {"text_prompts": prompts, "samples": 1}
    if call.operation == "text_to_image":
        body.update(width=call.width, height=call.height)
    else:
        body.update(init_image=b64(call.images[0]), init_image_mode="IMAGE_STRENGTH")
    if call.operation == "image_to_image":
        body["image_strength"] = call.params["strength"]
    if call.operation == "inpaint":
        assert call.mask is not None  # the catalog's SDXL inpaint takes {mask: image}, required
        body.update(mask_source="MASK_IMAGE_WHITE", mask_image=b64(call.mask))
    if call.seeds[0] is not None:
        body["seed"] = call.seeds[0]
    if call.style:
        body["style_preset"] = call.style
    body.update({wire: call.params[name] for name, wire in WIRE_PARAMS.items()
                 if name in call.params})
    return body


def parse(answer: dict[str, Any], call: ProviderCall) -> ProviderResult:
    if answer.get("result") == "error":
        error = answer.get("error") or {}
        raise ProviderError("model_error", f"SDXL: {error.get('message', 'unknown error')}",
                            retryable=True)
    images, blocked = [], []
    for artifact in answer.get("artifacts") or []:
        reason = artifact.get("finishReason")
        if reason == "SUCCESS":
            images.append(decode_image(artifact["base64"], artifact.get("seed", call.seeds[0])))
        elif reason == "CONTENT_FILTERED":
            blocked.append("SDXL content filter")
        else:
            raise ProviderError("model_error", f"SDXL could not make the image ({reason})",
                                retryable=True)
    return ProviderResult(images=tuple(images), blocked=tuple(blocked))
