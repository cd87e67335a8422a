"""Every catalog model and every operation it supports: the exact request Atelier sends through
the real boto3 client to the Bedrock double, and what it makes of the answer."""

from __future__ import annotations

import base64
import binascii
import io
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.core.files.storage import default_storage
from PIL import Image, UnidentifiedImageError

from assets.models import Asset
from catalog.requests import JobRequest
from catalog.scenes import scene_book
from catalog.spec import catalog
from generation.runner import run_job
from generation.services import submit_job
from providers.bedrock.nova_omni import SYSTEM


def image_of(value: Any) -> Image.Image | None:
    if not isinstance(value, str) or len(value) < 64:
        return None
    try:
        return Image.open(io.BytesIO(base64.b64decode(value, validate=True)))
    except (binascii.Error, ValueError, UnidentifiedImageError):
        return None


def shape(value: Any) -> Any:
    """The body with each base64 image replaced by `<format WxH>`, for exact comparison."""
    if isinstance(value, dict):
        return {k: shape(v) for k, v in value.items()}
    if isinstance(value, list):
        return [shape(v) for v in value]
    image = image_of(value)
    if image is not None:
        return f"<{image.format.lower()} {image.width}x{image.height}>"
    return value


@dataclass
class Case:
    model: str
    operation: str
    fields: dict[str, Any]
    body: dict[str, Any]
    out: tuple[int, int] | None = None  # the size the images must have, where it is known
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def id(self) -> str:
        return f"{self.model}:{self.operation}{self.extra.get('variant', '')}"


P640 = "<png 640x480>"
SEED = {"seed": 7}
SCENES = scene_book()
KITCHEN = SCENES.scenes["kitchen"]
SCENE = {"images": ["cutout"], "params": {"scene": "kitchen"}}
NOVA_CONFIG = {"numberOfImages": 1, "seed": 7}
SIZED_CONFIG = {**NOVA_CONFIG, "width": 1024, "height": 1024}
SERVICE = {"seed": 7, "output_format": "png"}
PACKSHOT = {"images": ["photo"], "params": {"preset": "amazon-main"}}
AMAZON_MAIN = (2000, 2000)


def omni(text: str, size: str = "Keep the image's dimensions and aspect ratio.",
         images: list[str] | None = None) -> dict[str, Any]:
    content = [{"image": {"format": "png", "source": {"bytes": image}}} for image in images or []]
    return {"system": [{"text": f"{SYSTEM} {size}"}],
            "messages": [{"role": "user", "content": [*content, {"text": text}]}],
            "inferenceConfig": {"maxTokens": 10000, "temperature": 0.1}}


CASES = [
    # Amazon Nova Canvas (InvokeModel)
    Case("nova-canvas", "text_to_image",
         {"prompt": "a red bag", "negative_prompt": "blurry", "n": 2, "aspect_ratio": "16:9",
          "quality": "premium", "style": "PHOTOREALISM", "params": {"cfg_scale": 6.5}, **SEED},
         {"taskType": "TEXT_IMAGE",
          "textToImageParams": {"text": "a red bag", "negativeText": "blurry",
                                "style": "PHOTOREALISM"},
          "imageGenerationConfig": {"numberOfImages": 2, "width": 1280, "height": 720,
                                    "quality": "premium", "cfgScale": 6.5, "seed": 7}},
         out=(1280, 720)),
    Case("nova-canvas", "text_to_image",
         {"prompt": "a red bag", "images": ["photo"],
          "params": {"control_mode": "SEGMENTATION", "control_strength": 0.5}, **SEED},
         {"taskType": "TEXT_IMAGE",
          "textToImageParams": {"text": "a red bag", "conditionImage": P640,
                                "controlMode": "SEGMENTATION", "controlStrength": 0.5},
          "imageGenerationConfig": SIZED_CONFIG}, out=(1024, 1024),
         extra={"variant": "+condition"}),
    Case("nova-canvas", "color_guided",
         {"prompt": "a vase", "params": {"colors": ["#ff0000", "#00FF00"]}, **SEED},
         {"taskType": "COLOR_GUIDED_GENERATION",
          "colorGuidedGenerationParams": {"text": "a vase", "colors": ["#FF0000", "#00FF00"]},
          "imageGenerationConfig": SIZED_CONFIG}, out=(1024, 1024)),
    Case("nova-canvas", "variation",
         {"prompt": "a vase", "images": ["photo", "style"], "params": {"similarity": 0.8},
          **SEED},
         {"taskType": "IMAGE_VARIATION",
          "imageVariationParams": {"images": [P640, "<png 512x512>"], "text": "a vase",
                                   "similarityStrength": 0.8},
          "imageGenerationConfig": SIZED_CONFIG}, out=(1024, 1024)),
    Case("nova-canvas", "inpaint", {"prompt": "a blue vase", "images": ["photo"],
                                    "mask": "mask", **SEED},
         {"taskType": "INPAINTING",
          "inPaintingParams": {"image": P640, "maskImage": P640, "text": "a blue vase"},
          "imageGenerationConfig": NOVA_CONFIG}, out=(640, 480),
         extra={"mask_center": 0}),
    Case("nova-canvas", "inpaint", {"images": ["photo"], "mask_prompt": "the bag", **SEED},
         {"taskType": "INPAINTING",
          "inPaintingParams": {"image": P640, "maskPrompt": "the bag"},
          "imageGenerationConfig": NOVA_CONFIG}, out=(640, 480),
         extra={"variant": "+mask_prompt"}),
    Case("nova-canvas", "outpaint", {"prompt": "a beach", "images": ["photo"],
                                     "aspect_ratio": "16:9",
                                     "params": {"outpainting_mode": "PRECISE"}, **SEED},
         {"taskType": "OUTPAINTING",
          "outPaintingParams": {"image": "<png 853x480>", "maskImage": "<png 853x480>",
                                "text": "a beach", "outPaintingMode": "PRECISE"},
          "imageGenerationConfig": NOVA_CONFIG}, out=(853, 480),
         extra={"mask_center": 0}),
    Case("nova-canvas", "replace_background",
         {"prompt": "a marble table", "images": ["photo"], "mask_prompt": "the bag", **SEED},
         {"taskType": "OUTPAINTING",
          "outPaintingParams": {"image": P640, "maskPrompt": "the bag",
                                "text": "a marble table"},
          "imageGenerationConfig": NOVA_CONFIG}, out=(640, 480)),
    Case("nova-canvas", "remove_background", {"images": ["photo"]},
         {"taskType": "BACKGROUND_REMOVAL", "backgroundRemovalParams": {"image": P640}},
         out=(640, 480)),
    # a packshot's one call is its cut-out; the image is the preset's canvas
    Case("nova-canvas", "packshot", PACKSHOT,
         {"taskType": "BACKGROUND_REMOVAL", "backgroundRemovalParams": {"image": P640}},
         out=AMAZON_MAIN),
    Case("nova-canvas", "virtual_try_on",
         {"images": ["person", "garment"],
          "params": {"merge_style": "SEAMLESS", "preserve_face": "ON"}, **SEED},
         {"taskType": "VIRTUAL_TRY_ON",
          "virtualTryOnParams": {"sourceImage": "<png 512x768>",
                                 "referenceImage": "<png 512x512>", "maskType": "GARMENT",
                                 "garmentBasedMask": {"garmentClass": "UPPER_BODY"},
                                 "maskExclusions": {"preserveFace": "ON"},
                                 "mergeStyle": "SEAMLESS"},
          "imageGenerationConfig": NOVA_CONFIG}, out=(512, 768)),
    Case("nova-canvas", "virtual_try_on",
         {"images": ["person", "garment"], "mask_prompt": "the shirt", **SEED},
         {"taskType": "VIRTUAL_TRY_ON",
          "virtualTryOnParams": {"sourceImage": "<png 512x768>",
                                 "referenceImage": "<png 512x512>", "maskType": "PROMPT",
                                 "promptBasedMask": {"maskPrompt": "the shirt"}},
          "imageGenerationConfig": NOVA_CONFIG}, out=(512, 768),
         extra={"variant": "+mask_prompt"}),
    # Amazon Titan Image Generator v1 and v2 (InvokeModel)
    Case("titan-image-v1", "text_to_image",
         {"prompt": "a red bag", "n": 3, "size": "512x512", "quality": "standard", **SEED},
         {"taskType": "TEXT_IMAGE", "textToImageParams": {"text": "a red bag"},
          "imageGenerationConfig": {"numberOfImages": 3, "width": 512, "height": 512,
                                    "quality": "standard", "seed": 7}}, out=(512, 512)),
    Case("titan-image-v1", "variation", {"images": ["photo"], **SEED},
         {"taskType": "IMAGE_VARIATION", "imageVariationParams": {"images": [P640]},
          "imageGenerationConfig": SIZED_CONFIG}, out=(1024, 1024)),
    Case("titan-image-v1", "inpaint", {"prompt": "a hat", "images": ["photo"], "mask": "mask",
                                       **SEED},
         {"taskType": "INPAINTING",
          "inPaintingParams": {"image": P640, "maskImage": P640, "text": "a hat"},
          "imageGenerationConfig": NOVA_CONFIG}, out=(640, 480), extra={"mask_center": 0}),
    Case("titan-image-v1", "outpaint", {"prompt": "a beach", "images": ["photo"],
                                        "aspect_ratio": "16:9", **SEED},
         {"taskType": "OUTPAINTING",
          "outPaintingParams": {"image": "<png 853x480>", "maskImage": "<png 853x480>",
                                "text": "a beach"},
          "imageGenerationConfig": NOVA_CONFIG}, out=(853, 480)),
    Case("titan-image-v2", "text_to_image",
         {"prompt": "a red bag", "images": ["photo"], "params": {"control_strength": 0.4},
          **SEED},
         {"taskType": "TEXT_IMAGE",
          "textToImageParams": {"text": "a red bag", "conditionImage": P640,
                                "controlStrength": 0.4},
          "imageGenerationConfig": SIZED_CONFIG}, out=(1024, 1024)),
    Case("titan-image-v2", "color_guided",
         {"prompt": "a vase", "images": ["style"], "params": {"colors": "#112233,#445566"},
          **SEED},
         {"taskType": "COLOR_GUIDED_GENERATION",
          "colorGuidedGenerationParams": {"text": "a vase", "colors": ["#112233", "#445566"],
                                          "referenceImage": "<png 512x512>"},
          "imageGenerationConfig": SIZED_CONFIG}, out=(1024, 1024)),
    Case("titan-image-v2", "variation", {"prompt": "a vase", "images": ["photo"], **SEED},
         {"taskType": "IMAGE_VARIATION",
          "imageVariationParams": {"images": [P640], "text": "a vase"},
          "imageGenerationConfig": SIZED_CONFIG}, out=(1024, 1024)),
    Case("titan-image-v2", "inpaint", {"images": ["photo"], "mask_prompt": "the bag", **SEED},
         {"taskType": "INPAINTING", "inPaintingParams": {"image": P640, "maskPrompt": "the bag"},
          "imageGenerationConfig": NOVA_CONFIG}, out=(640, 480)),
    Case("titan-image-v2", "outpaint", {"prompt": "a park", "images": ["photo"],
                                        "size": "800x600", **SEED},
         {"taskType": "OUTPAINTING",
          "outPaintingParams": {"image": "<png 800x600>", "maskImage": "<png 800x600>",
                                "text": "a park"},
          "imageGenerationConfig": NOVA_CONFIG}, out=(800, 600)),
    Case("titan-image-v2", "remove_background", {"images": ["photo"]},
         {"taskType": "BACKGROUND_REMOVAL", "backgroundRemovalParams": {"image": P640}},
         out=(640, 480)),
    Case("titan-image-v2", "packshot", PACKSHOT,
         {"taskType": "BACKGROUND_REMOVAL", "backgroundRemovalParams": {"image": P640}},
         out=AMAZON_MAIN),
    # Stability: SD3.5 Large, Stable Image Core, Stable Image Ultra (InvokeModel)
    Case("sd3.5-large", "text_to_image",
         {"prompt": "a red bag", "negative_prompt": "blurry", "aspect_ratio": "3:2",
          "params": {"output_format": "jpeg"}, **SEED},
         {"prompt": "a red bag", "negative_prompt": "blurry", "aspect_ratio": "3:2", "seed": 7,
          "output_format": "jpeg"}),
    Case("sd3.5-large", "image_to_image",
         {"prompt": "in watercolor", "images": ["photo"], "params": {"strength": 0.7}, **SEED},
         {"mode": "image-to-image", "image": P640, "strength": 0.7, "prompt": "in watercolor",
          "seed": 7, "output_format": "png"}),
    Case("stable-image-core", "text_to_image",
         {"prompt": "a red bag", "style": "cinematic", **SEED},
         {"prompt": "a red bag", "style_preset": "cinematic", "seed": 7,
          "output_format": "png"}),
    Case("stable-image-ultra", "text_to_image",
         {"prompt": "a red bag", "aspect_ratio": "16:9", **SEED},
         {"prompt": "a red bag", "aspect_ratio": "16:9", "seed": 7, "output_format": "png"}),
    # a scene's one call is its background, from the scene's words and the job's: no image
    Case("stable-image-core", "scene", {**SCENE, "prompt": "with lemons", **SEED},
         {"prompt": f"{KITCHEN.prompt}, with lemons, {SCENES.background}",
          "negative_prompt": KITCHEN.negative_prompt, "seed": 7, "output_format": "png"}),
    Case("stable-image-ultra", "scene", {**SCENE, "aspect_ratio": "16:9", **SEED},
         {"prompt": f"{KITCHEN.prompt}, {SCENES.background}", "aspect_ratio": "16:9",
          "negative_prompt": KITCHEN.negative_prompt, "seed": 7, "output_format": "png"}),
    Case("sd3.5-large", "scene", {**SCENE, **SEED},
         {"prompt": f"{KITCHEN.prompt}, {SCENES.background}", "seed": 7,
          "negative_prompt": KITCHEN.negative_prompt, "output_format": "png"}),
    Case("stable-image-ultra", "image_to_image",
         {"prompt": "at night", "images": ["photo"], **SEED},
         {"mode": "image-to-image", "image": P640, "strength": 0.35, "prompt": "at night",
          "seed": 7, "output_format": "png"}),
    # SDXL 1.0 (legacy)
    Case("sdxl", "text_to_image",
         {"prompt": "a red bag", "negative_prompt": "blurry", "size": "1152x896",
          "style": "photographic",
          "params": {"cfg_scale": 7, "steps": 30, "sampler": "K_EULER"}, **SEED},
         {"text_prompts": [{"text": "a red bag", "weight": 1.0},
                           {"text": "blurry", "weight": -1.0}],
          "samples": 1, "width": 1152, "height": 896, "seed": 7,
          "style_preset": "photographic", "cfg_scale": 7, "steps": 30, "sampler": "K_EULER"},
         out=(1152, 896)),
    Case("sdxl", "image_to_image", {"prompt": "in oil paint", "images": ["photo"], **SEED},
         {"text_prompts": [{"text": "in oil paint", "weight": 1.0}], "samples": 1,
          "init_image": P640, "init_image_mode": "IMAGE_STRENGTH", "image_strength": 0.35,
          "seed": 7}),
    Case("sdxl", "inpaint", {"prompt": "a hat", "images": ["photo"], "mask": "mask", **SEED},
         {"text_prompts": [{"text": "a hat", "weight": 1.0}], "samples": 1,
          "init_image": P640, "init_image_mode": "IMAGE_STRENGTH",
          "mask_source": "MASK_IMAGE_WHITE", "mask_image": P640, "seed": 7},
         extra={"mask_center": 255}),
    # Stability AI Image Services (us. inference profiles)
    Case("stability-inpaint", "inpaint",
         {"prompt": "a blue vase", "negative_prompt": "text", "images": ["photo"],
          "mask": "mask", **SEED},
         {"image": P640, "mask": P640, "prompt": "a blue vase", "negative_prompt": "text",
          **SERVICE, "grow_mask": 5}, extra={"mask_center": 255}),
    Case("stability-outpaint", "outpaint",
         {"prompt": "a beach", "images": ["photo"], "aspect_ratio": "16:9", **SEED},
         {"image": P640, "left": 106, "right": 107, "prompt": "a beach", **SERVICE,
          "creativity": 0.5}),
    Case("stability-search-replace", "search_replace",
         {"prompt": "a straw hat", "images": ["photo"], "mask_prompt": "the bag", **SEED},
         {"image": P640, "search_prompt": "the bag", "prompt": "a straw hat", **SERVICE,
          "grow_mask": 5}),
    Case("stability-search-recolor", "search_recolor",
         {"prompt": "bright yellow", "images": ["photo"], "mask_prompt": "the bag",
          "style": "photographic", **SEED},
         {"image": P640, "select_prompt": "the bag", "prompt": "bright yellow",
          "style_preset": "photographic", **SERVICE, "grow_mask": 5}),
    Case("stability-erase", "erase", {"images": ["photo"], "mask": "mask", **SEED},
         {"image": P640, "mask": P640, **SERVICE, "grow_mask": 5}),
    Case("stability-remove-background", "remove_background", {"images": ["photo"], **SEED},
         {"image": P640, **SERVICE}),
    Case("stability-remove-background", "packshot", {**PACKSHOT, **SEED},
         {"image": P640, **SERVICE}, out=AMAZON_MAIN),
    Case("stability-upscale-creative", "upscale",
         {"prompt": "a crisp product photo", "images": ["photo"],
          "params": {"creativity": 0.2}, **SEED},
         {"image": P640, "prompt": "a crisp product photo", **SERVICE, "creativity": 0.2}),
    Case("stability-upscale-conservative", "upscale",
         {"prompt": "a crisp product photo", "images": ["photo"], **SEED},
         {"image": P640, "prompt": "a crisp product photo", **SERVICE, "creativity": 0.35}),
    Case("stability-upscale-fast", "upscale", {"images": ["photo"]},
         {"image": P640, "output_format": "png"}),
    Case("stability-control-sketch", "sketch_to_image",
         {"prompt": "a castle", "images": ["photo"], **SEED},
         {"image": P640, "prompt": "a castle", **SERVICE, "control_strength": 0.7}),
    Case("stability-control-structure", "structure_to_image",
         {"prompt": "a castle", "images": ["photo"], "params": {"control_strength": 0.9},
          **SEED},
         {"image": P640, "prompt": "a castle", **SERVICE, "control_strength": 0.9}),
    Case("stability-style-guide", "style_guide",
         {"prompt": "a lamp", "images": ["style"], "aspect_ratio": "16:9", **SEED},
         {"image": "<png 512x512>", "prompt": "a lamp", "aspect_ratio": "16:9", **SERVICE,
          "fidelity": 0.5}),
    Case("stability-style-transfer", "style_transfer", {"images": ["photo", "style"], **SEED},
         {"init_image": P640, "style_image": "<png 512x512>", **SERVICE,
          "composition_fidelity": 0.9, "style_strength": 1, "change_strength": 0.9}),
    # Amazon Nova 2 Omni (Converse)
    Case("nova-2-omni", "text_to_image", {"prompt": "a lamp", "aspect_ratio": "16:9"},
         omni("a lamp", "Generate the image with dimensions 1344x768 pixels."),
         out=(1344, 768)),
    Case("nova-2-omni", "image_to_image", {"prompt": "Make the bag blue.",
                                           "images": ["photo"]},
         omni("Make the bag blue. Preserve all other details of the image.", images=[P640])),
    Case("nova-2-omni", "remove_background", {"images": ["photo"]},
         omni("Remove the background of this image completely, leaving only the main subject "
              "on a plain white background.", images=[P640])),
    Case("nova-2-omni", "packshot", PACKSHOT,
         omni("Remove the background of this image completely, leaving only the main subject "
              "on a plain white background.", images=[P640]), out=AMAZON_MAIN),
    Case("nova-2-omni", "replace_background", {"prompt": "a sunny beach", "images": ["photo"]},
         omni("Replace the background of this image with: a sunny beach. Keep the main "
              "subject exactly as it is.", images=[P640])),
]


def test_every_catalog_operation_has_a_case():
    covered = {(case.model, case.operation) for case in CASES}
    wanted = {(spec.key, op) for spec in catalog() if spec.family != "local"
              for op in spec.operations}
    assert wanted - covered == set()


def resolve(fields: dict[str, Any], uploads: dict[str, Asset]) -> dict[str, Any]:
    resolved = dict(fields)
    if "images" in resolved:
        resolved["images"] = [str(uploads[name].pk) for name in resolved["images"]]
    if "mask" in resolved:
        resolved["mask"] = str(uploads[resolved["mask"]].pk)
    return resolved


@pytest.fixture
def uploads(uploads: dict[str, Asset], acme) -> dict[str, Asset]:
    """The shared uploads and a product cut-out (a scene's source)."""
    from assets.uploads import create_upload
    from tests.helpers import png_bytes

    cutout = png_bytes((320, 320), (0, 0, 0, 0), mode="RGBA", box=(80, 40, 240, 300),
                       box_color=(200, 40, 40, 255))
    return {**uploads, "cutout": create_upload(acme.tenant, cutout, filename="cutout.png")}


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_request_body_and_result(acme, bedrock, uploads, case: Case):
    spec = catalog().get(case.model)
    job = submit_job(acme.tenant, JobRequest(model=case.model, operation=case.operation,
                                             **resolve(case.fields, uploads)))
    run_job(job.pk)
    job.refresh_from_db()
    assert job.status == "succeeded", (job.error_code, job.error_message)

    (sent,) = bedrock.requests
    assert sent.model_id == spec.model_id
    assert sent.operation == ("converse" if spec.family == "nova-omni" else "invoke")
    assert shape(sent.body) == case.body

    assets = list(Asset.objects.for_tenant(acme.tenant).filter(job=job).order_by("index"))
    assert len(assets) == job.n
    for asset in assets:
        with default_storage.open(asset.storage_key, "rb") as handle:
            stored = Image.open(io.BytesIO(handle.read()))
        assert (asset.width, asset.height) == stored.size
        assert asset.model_id == spec.model_id
        if case.out:
            assert stored.size == case.out
        if spec.limits.seed is None:
            assert asset.seed is None
        elif "seed" in case.fields:
            assert asset.seed == case.fields["seed"] or spec.family == "stability-services"
    if "mask_center" in case.extra:
        mask_field = next(v for k, v in _flatten(sent.body) if k in ("maskImage", "mask",
                                                                      "mask_image"))
        mask = image_of(mask_field).convert("L")
        center = mask.getpixel((mask.width // 2, mask.height // 2))
        assert center == case.extra["mask_center"], "mask polarity"


def _flatten(value: Any, key: str = ""):
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _flatten(v, k)
    else:
        yield key, value
