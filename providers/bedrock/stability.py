"""Stability AI on Bedrock (InvokeModel): SD3.5 Large, Stable Image Core and Ultra (§3.1-3.3),
and the 13 Image Services (§3.7). One image per call; the answer's `seeds` and
`finish_reasons` say which seed was used and whether a filter withheld the image."""

from __future__ import annotations

from typing import Any

from providers.base import ProviderCall, ProviderError, ProviderResult
from providers.bedrock.images import b64, decode_image

# Parameters whose Atelier name is also the wire name, sent when present.
WIRE_PARAMS = ("output_format", "grow_mask", "creativity", "control_strength", "fidelity",
               "composition_fidelity", "style_strength", "change_strength")
# Image Services: which request field holds the "what to find" text.
FIND_FIELD = {"search_replace": "search_prompt", "search_recolor": "select_prompt"}
NO_PROMPT = {"erase", "remove_background"}
MAX_SIDE_EXTENSION = 2000
INPUT_FILTERED = {"Filter reason: prompt", "Filter reason: input image"}


def _common(call: ProviderCall, body: dict[str, Any]) -> dict[str, Any]:
    if call.prompt.strip():
        body["prompt"] = call.prompt
    if call.negative_prompt.strip():
        body["negative_prompt"] = call.negative_prompt
    if call.seeds[0] is not None:
        body["seed"] = call.seeds[0]
    if call.style:
        body["style_preset"] = call.style
    body.update({name: call.params[name] for name in WIRE_PARAMS if name in call.params})
    return body


def build(call: ProviderCall) -> dict[str, Any]:
    """SD3.5 Large, Core and Ultra: text-to-image by aspect ratio, or image-to-image."""
    body: dict[str, Any] = {}
    if call.operation == "image_to_image":
        body.update(mode="image-to-image", image=b64(call.images[0]),
                    strength=call.params["strength"])
    elif call.aspect_ratio:
        body["aspect_ratio"] = call.aspect_ratio
    return _common(call, body)


def _outpaint_sides(call: ProviderCall) -> dict[str, int]:
    """The canvas asked for, as pixels to add on each side of the (centred) source."""
    source = call.images[0]
    extra_w = max(0, call.width - source.width)
    extra_h = max(0, call.height - source.height)
    sides = {"left": extra_w // 2, "right": extra_w - extra_w // 2,
             "up": extra_h // 2, "down": extra_h - extra_h // 2}
    if max(sides.values()) > MAX_SIDE_EXTENSION:
        raise ProviderError("invalid_request", f"outpaint: at most {MAX_SIDE_EXTENSION} px per "
                            f"side (asked {sides})", retryable=False)
    return {side: pixels for side, pixels in sides.items() if pixels}


def build_service(call: ProviderCall) -> dict[str, Any]:
    """One of the Image Services: the operation decides the fields (§3.7 table)."""
    op = call.operation
    body: dict[str, Any] = {}
    if op == "style_transfer":
        body.update(init_image=b64(call.images[0]), style_image=b64(call.images[1]))
    else:
        body["image"] = b64(call.images[0])
    if call.mask is not None:
        body["mask"] = b64(call.mask)
    if op in FIND_FIELD:
        body[FIND_FIELD[op]] = call.mask_prompt
    if op == "outpaint":
        body.update(_outpaint_sides(call))
    if op == "style_guide" and call.aspect_ratio:
        body["aspect_ratio"] = call.aspect_ratio
    body = _common(call, body)
    if op in NO_PROMPT:
        body.pop("prompt", None)
    return body


def parse(answer: dict[str, Any], call: ProviderCall) -> ProviderResult:
    reasons = answer.get("finish_reasons") or [None] * len(answer.get("images") or [])
    # The seed the service reports is the one used (it picks one for seed 0); a model that
    # takes no seed cannot be re-rendered from it, so none is recorded.
    seeds = answer.get("seeds") or [call.seeds[0]]
    if call.seeds[0] is None:
        seeds = [None]
    images, blocked = [], []
    for i, reason in enumerate(reasons):
        if reason is None and i < len(answer.get("images") or []):
            images.append(decode_image(answer["images"][i], seeds[min(i, len(seeds) - 1)]))
        elif reason in INPUT_FILTERED:
            raise ProviderError("input_blocked", f"Stability's filter refused the input "
                                f"({reason})", retryable=False, blocked=True)
        elif reason and reason.startswith("Filter"):
            blocked.append(reason)
        else:
            raise ProviderError("model_error", f"Stability could not make the image "
                                f"({reason})", retryable=True)
    return ProviderResult(images=tuple(images), blocked=tuple(blocked))
