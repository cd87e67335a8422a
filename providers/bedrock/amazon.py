"""Nova Canvas and Titan Image Generator (InvokeModel): one body shape, `taskType` + params.

Reference §1 and §2. Edits (inpaint, outpaint, background, try-on) keep the source's size, so
their `imageGenerationConfig` carries no width/height; background removal takes none at all.
"""

from __future__ import annotations

from typing import Any

from providers.base import ProviderCall, ProviderResult
from providers.bedrock.images import b64, decode_image

PARTIAL_FILTER = "Some of the generated images"

TASKS = {
    "text_to_image": ("TEXT_IMAGE", "textToImageParams"),
    "color_guided": ("COLOR_GUIDED_GENERATION", "colorGuidedGenerationParams"),
    "variation": ("IMAGE_VARIATION", "imageVariationParams"),
    "inpaint": ("INPAINTING", "inPaintingParams"),
    "outpaint": ("OUTPAINTING", "outPaintingParams"),
    "replace_background": ("OUTPAINTING", "outPaintingParams"),
    "remove_background": ("BACKGROUND_REMOVAL", "backgroundRemovalParams"),
    "virtual_try_on": ("VIRTUAL_TRY_ON", "virtualTryOnParams"),
}
SIZED = {"text_to_image", "color_guided", "variation"}
# Atelier's parameter name -> the wire name inside the task's params object.
TASK_PARAMS = {
    "control_mode": "controlMode", "control_strength": "controlStrength",
    "colors": "colors", "similarity": "similarityStrength",
    "outpainting_mode": "outPaintingMode", "merge_style": "mergeStyle",
}
EXCLUSIONS = {"preserve_body_pose": "preserveBodyPose", "preserve_hands": "preserveHands",
              "preserve_face": "preserveFace"}
STYLING = {"long_sleeve_style": "longSleeveStyle", "tucking_style": "tuckingStyle",
           "outer_layer_style": "outerLayerStyle"}


def _text(call: ProviderCall, params: dict[str, Any]) -> None:
    if call.prompt.strip():
        params["text"] = call.prompt
    if call.negative_prompt.strip():
        params["negativeText"] = call.negative_prompt


def _mask(call: ProviderCall, params: dict[str, Any]) -> None:
    if call.mask is not None:
        params["maskImage"] = b64(call.mask)
    elif call.mask_prompt:
        params["maskPrompt"] = call.mask_prompt


def _try_on(call: ProviderCall) -> dict[str, Any]:
    person, garment = call.images
    params: dict[str, Any] = {"sourceImage": b64(person), "referenceImage": b64(garment)}
    p = call.params
    if call.mask is not None:
        params.update(maskType="IMAGE", imageBasedMask={"maskImage": b64(call.mask)})
    elif call.mask_prompt:
        mask: dict[str, Any] = {"maskPrompt": call.mask_prompt}
        if p.get("mask_shape"):
            mask["maskShape"] = p["mask_shape"]
        params.update(maskType="PROMPT", promptBasedMask=mask)
    else:
        garment_mask: dict[str, Any] = {"garmentClass": p["garment_class"]}
        if p.get("mask_shape"):
            garment_mask["maskShape"] = p["mask_shape"]
        styling = {wire: p[name] for name, wire in STYLING.items() if name in p}
        if styling:
            garment_mask["garmentStyling"] = styling
        params.update(maskType="GARMENT", garmentBasedMask=garment_mask)
    exclusions = {wire: p[name] for name, wire in EXCLUSIONS.items() if name in p}
    if exclusions:
        params["maskExclusions"] = exclusions
    if p.get("merge_style"):
        params["mergeStyle"] = p["merge_style"]
    return params


def _task_params(call: ProviderCall) -> dict[str, Any]:
    op = call.operation
    if op == "virtual_try_on":
        return _try_on(call)
    params: dict[str, Any] = {}
    if op == "remove_background":
        return {"image": b64(call.images[0])}
    if op == "variation":
        params["images"] = [b64(image) for image in call.images]
    elif op == "text_to_image" and call.images:
        params["conditionImage"] = b64(call.images[0])
    elif op == "color_guided" and call.images:
        params["referenceImage"] = b64(call.images[0])
    elif op in ("inpaint", "outpaint", "replace_background"):
        params["image"] = b64(call.images[0])
        _mask(call, params)
    _text(call, params)
    if op == "text_to_image" and call.style:
        params["style"] = call.style
    for name, wire in TASK_PARAMS.items():
        if name in call.params and name != "merge_style":
            params[wire] = call.params[name]
    return params


def build(call: ProviderCall) -> dict[str, Any]:
    task_type, params_field = TASKS[call.operation]
    body: dict[str, Any] = {"taskType": task_type, params_field: _task_params(call)}
    if call.operation == "remove_background":
        return body
    config: dict[str, Any] = {"numberOfImages": call.count}
    if call.operation in SIZED:
        config.update(width=call.width, height=call.height)
    if call.quality:
        config["quality"] = call.quality
    if "cfg_scale" in call.params:
        config["cfgScale"] = call.params["cfg_scale"]
    if call.seeds[0] is not None:
        config["seed"] = call.seeds[0]
    body["imageGenerationConfig"] = config
    return body


def parse(answer: dict[str, Any], call: ProviderCall) -> ProviderResult:
    """Images in order; a 200 `error` means the content filter withheld the missing ones."""
    images = tuple(decode_image(data, call.seeds[0]) for data in answer.get("images") or [])
    withheld = max(0, call.count - len(images)) if answer.get("error") else 0
    blocked = (answer["error"],) * withheld if withheld else ()
    return ProviderResult(images=images, blocked=blocked)
