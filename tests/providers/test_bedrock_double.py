"""The Bedrock Runtime test double, driven by the real boto3 client (tests/fakes/bedrock.py)."""

from __future__ import annotations

import base64
import io
import json
import threading
import time
import urllib.error
import urllib.request
from typing import Any

import boto3
import botocore.retries.standard
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from PIL import Image

from tests.fakes import bedrock as fake
from tests.fakes.bedrock import BedrockDouble, bedrock_double  # noqa: F401
from tests.fakes.bedrock_models import SERVICES
from tests.helpers import png_bytes

NOVA = "amazon.nova-canvas-v1:0"
TITAN_V1 = "amazon.titan-image-generator-v1"
TITAN_V2 = "amazon.titan-image-generator-v2:0"
SD35 = "stability.sd3-5-large-v1:0"
CORE = "stability.stable-image-core-v1:1"
ULTRA = "stability.stable-image-ultra-v1:1"
SDXL = "stability.stable-diffusion-xl-v1"
OMNI = "us.amazon.nova-2-omni-v1:0"
INPAINT = "us.stability.stable-image-inpaint-v1:0"
NO_RETRIES = Config(retries={"mode": "standard", "total_max_attempts": 1})


def picture(w: int, h: int, colour: Any = (120, 60, 30), fmt: str = "PNG",
            mode: str = "RGB") -> str:
    """The image's bytes in base64, as the request bodies carry them."""
    return base64.b64encode(png_bytes((w, h), colour, mode=mode, fmt=fmt)).decode()


def decode(data: str | bytes) -> Image.Image:
    raw = data if isinstance(data, bytes) else base64.b64decode(data)
    return Image.open(io.BytesIO(raw))


def runtime_client(**options: Any) -> Any:
    """A client with a session of its own: boto3's default session caches the first
    credentials it sees, and other tests set other ones."""
    return boto3.session.Session().client("bedrock-runtime", **options)


def malformed(ptr: str, reason: str) -> str:
    return f"Malformed input request: {ptr}: {reason}, please reformat your input and try again."


class RegionalClient:
    """Runtime clients of one session (so one set of exception classes), each call sent from a
    Region its model answers in, us-east-1 where it can: this module is about bodies and answers;
    which Region answers which model is test_double_regions.py's."""

    def __init__(self, double: BedrockDouble) -> None:
        self._double = double
        self._session = boto3.session.Session()
        self._clients: dict[str, Any] = {}
        self.exceptions = self._client("us-east-1").exceptions

    def _client(self, region: str) -> Any:
        if region not in self._clients:
            self._clients[region] = self._session.client("bedrock-runtime", region_name=region,
                                                         config=NO_RETRIES)
        return self._clients[region]

    def _for(self, model_id: str) -> Any:
        regions = self._double.regions.get(model_id) or {"us-east-1"}
        return self._client("us-east-1" if "us-east-1" in regions else min(regions))

    def invoke_model(self, *, modelId: str, **options: Any) -> Any:
        return self._for(modelId).invoke_model(modelId=modelId, **options)

    def converse(self, *, modelId: str, **options: Any) -> Any:
        return self._for(modelId).converse(modelId=modelId, **options)


@pytest.fixture
def client(bedrock_double: BedrockDouble) -> Any:  # noqa: F811
    return RegionalClient(bedrock_double)


@pytest.fixture
def double(bedrock_double: BedrockDouble) -> BedrockDouble:  # noqa: F811
    return bedrock_double


def invoke(client: Any, model_id: str, body: dict) -> dict:
    response = client.invoke_model(modelId=model_id, body=json.dumps(body))
    assert response["contentType"] == "application/json"
    return json.loads(response["body"].read())


def refusal(client: Any, model_id: str, body: dict, code: str = "ValidationException") -> str:
    with pytest.raises(ClientError) as caught:
        invoke(client, model_id, body)
    assert caught.value.response["Error"]["Code"] == code
    return caught.value.response["Error"]["Message"]


def nova_t2i(**config: Any) -> dict:
    body: dict = {"taskType": "TEXT_IMAGE", "textToImageParams": {"text": "a red fox"}}
    if config:
        body["imageGenerationConfig"] = config
    return body


def converse(client: Any, *texts: str, images: tuple[str, ...] = (), system: str = "",
             **kwargs: Any) -> dict:
    content: list[dict] = [{"image": {"format": "png", "source": {"bytes": base64.b64decode(i)}}}
                           for i in images]
    content += [{"text": t} for t in texts]
    if system:
        kwargs["system"] = [{"text": system}]
    return client.converse(modelId=OMNI, messages=[{"role": "user", "content": content}],
                           **kwargs)


def converse_refusal(client: Any, **kwargs: Any) -> str:
    with pytest.raises(client.exceptions.ValidationException) as caught:
        client.converse(modelId=OMNI, **kwargs)
    return caught.value.response["Error"]["Message"]


# --- success shapes ---------------------------------------------------------------------------

def test_nova_text_image_returns_number_of_images_at_the_requested_size(client):
    body = invoke(client, NOVA, nova_t2i(width=1280, height=720, numberOfImages=2, seed=7))
    assert set(body) == {"images"}
    assert len(body["images"]) == 2
    assert {decode(i).size for i in body["images"]} == {(1280, 720)}
    assert decode(body["images"][0]).format == "PNG"


def test_nova_default_size_is_1024_square(client):
    (image,) = invoke(client, NOVA, nova_t2i())["images"]
    assert decode(image).size == (1024, 1024)


def test_nova_inpainting_output_has_the_input_size(client):
    body = invoke(client, NOVA, {"taskType": "INPAINTING", "inPaintingParams": {
        "image": picture(640, 480), "maskPrompt": "the sky", "text": "clear sky"},
        "imageGenerationConfig": {"numberOfImages": 1, "quality": "premium"}})
    assert decode(body["images"][0]).size == (640, 480)


def test_nova_background_removal_returns_one_png_with_alpha(client):
    body = invoke(client, NOVA, {"taskType": "BACKGROUND_REMOVAL",
                                 "backgroundRemovalParams": {"image": picture(400, 320)}})
    (image,) = body["images"]
    assert decode(image).mode == "RGBA" and decode(image).size == (400, 320)


def test_nova_virtual_try_on_with_garment_mask_returns_the_mask(client):
    body = invoke(client, NOVA, {"taskType": "VIRTUAL_TRY_ON", "virtualTryOnParams": {
        "sourceImage": picture(512, 768), "referenceImage": picture(400, 400),
        "maskType": "GARMENT", "garmentBasedMask": {"garmentClass": "UPPER_BODY"},
        "returnMask": True}})
    assert set(body) == {"images", "maskImage"}
    assert decode(body["images"][0]).size == (512, 768)


def test_nova_2048_square_is_accepted_when_the_pixel_cap_is_inclusive(client, double):
    double.pixel_cap_inclusive = True
    (image,) = invoke(client, NOVA, nova_t2i(width=2048, height=2048))["images"]
    assert decode(image).size == (2048, 2048)


def test_titan_v1_text_image_and_v2_colour_guided_generation(client):
    body = invoke(client, TITAN_V1, {"taskType": "TEXT_IMAGE", "textToImageParams": {
        "text": "a lighthouse"}, "imageGenerationConfig": {"width": 512, "height": 512,
                                                            "cfgScale": 8.0}})
    assert decode(body["images"][0]).size == (512, 512)
    body = invoke(client, TITAN_V2, {"taskType": "COLOR_GUIDED_GENERATION",
                                     "colorGuidedGenerationParams": {
                                         "text": "a vase", "colors": ["#ff0000", "#00FF00"]},
                                     "imageGenerationConfig": {"width": 1152, "height": 640}})
    assert decode(body["images"][0]).size == (1152, 640)


def test_sd35_echoes_the_seed_and_sizes_by_aspect_ratio(client):
    body = invoke(client, SD35, {"prompt": "a cat", "aspect_ratio": "16:9", "seed": 42})
    assert body["seeds"] == [42] and body["finish_reasons"] == [None]
    assert set(body) == {"seeds", "finish_reasons", "images"}
    assert decode(body["images"][0]).size == (1344, 768)


def test_stability_seed_zero_is_answered_with_a_random_nonzero_seed(client):
    body = invoke(client, f"us.{SD35}", {"prompt": "a cat", "seed": 0})
    assert 0 < body["seeds"][0] <= 4_294_967_294


def test_sd35_image_to_image_keeps_the_input_aspect(client):
    body = invoke(client, SD35, {"prompt": "a cat", "mode": "image-to-image",
                                 "image": picture(512, 256), "strength": 0.5,
                                 "output_format": "webp"})
    image = decode(body["images"][0])
    assert image.format == "WEBP" and abs(image.size[0] / image.size[1] - 2) < 0.1


@pytest.mark.parametrize(("fmt", "pillow"), [("JPEG", "JPEG"), ("jpeg", "JPEG"), ("PNG", "PNG"),
                                             ("png", "PNG")])
def test_ultra_and_core_accept_both_casings_of_output_format(client, fmt, pillow):
    for model in (ULTRA, f"us.{CORE}"):
        body = invoke(client, model, {"prompt": "a cat", "output_format": fmt,
                                      "seed": 4_294_967_295})
        assert decode(body["images"][0]).format == pillow
        assert body["seeds"] == [4_294_967_295]


def test_sdxl_success_shape(client):
    body = invoke(client, SDXL, {"text_prompts": [{"text": "a cat", "weight": 1.0},
                                                  {"text": "blurry", "weight": -1.0}],
                                 "width": 1344, "height": 768, "seed": 5, "samples": 1})
    assert body["result"] == "success"
    (artifact,) = body["artifacts"]
    assert artifact["seed"] == 5 and artifact["finishReason"] == "SUCCESS"
    assert decode(artifact["base64"]).size == (1344, 768)


SERVICE_CASES = [  # (model id without "us.", body, expected output size)
    ("stable-creative-upscale-v1:0", {"prompt": "sharp", "image": picture(512, 512)},
     (2048, 2048)),
    ("stable-conservative-upscale-v1:0", {"prompt": "sharp", "image": picture(256, 512)},
     (1448, 2896)),
    ("stable-fast-upscale-v1:0", {"image": picture(200, 100)}, (800, 400)),
    ("stable-image-inpaint-v1:0", {"prompt": "a hat", "image": picture(300, 200),
                                   "mask": picture(10, 10, 255), "grow_mask": 5}, (300, 200)),
    ("stable-outpaint-v1:0", {"image": picture(300, 200), "left": 100, "down": 50}, (400, 250)),
    ("stable-image-search-recolor-v1:0", {"prompt": "blue", "image": picture(300, 200),
                                          "select_prompt": "car"}, (300, 200)),
    ("stable-image-search-replace-v1:0", {"prompt": "a dog", "image": picture(300, 200),
                                          "search_prompt": "cat"}, (300, 200)),
    ("stable-image-erase-object-v1:0", {"image": picture(300, 200)}, (300, 200)),
    ("stable-image-remove-background-v1:0", {"image": picture(300, 200)}, (300, 200)),
    ("stable-image-control-sketch-v1:0", {"prompt": "a house", "image": picture(300, 200),
                                          "control_strength": 0.6}, (300, 200)),
    ("stable-image-control-structure-v1:0", {"prompt": "a house", "image": picture(300, 200)},
     (300, 200)),
    ("stable-image-style-guide-v1:0", {"prompt": "a house", "image": picture(300, 200),
                                       "aspect_ratio": "21:9", "fidelity": 0.5}, (1536, 640)),
    ("stable-style-transfer-v1:0", {"init_image": picture(300, 200),
                                    "style_image": picture(100, 100)}, (300, 200)),
]


@pytest.mark.parametrize(("name", "body", "size"), SERVICE_CASES,
                         ids=[case[0] for case in SERVICE_CASES])
def test_image_services_success_shape_and_output_size(client, name, body, size):
    seed = {} if "fast-upscale" in name else {"seed": 9}  # Fast Upscale takes no seed
    answer = invoke(client, f"us.stability.{name}", {**body, **seed})
    assert answer["finish_reasons"] == [None] and len(answer["seeds"]) == 1
    assert decode(answer["images"][0]).size == size
    if "remove-background" in name:
        assert decode(answer["images"][0]).mode == "RGBA"


def test_all_thirteen_image_services_are_served_by_profile_id():
    services = {m for m, spec in fake.MODELS.items() if spec.family in SERVICES}
    assert len(SERVICES) == 13
    assert services == {f"us.{m}" for m in SERVICES} | set(SERVICES)
    assert all(fake.MODELS[m].profile_only for m in SERVICES)
    assert {name for name, _, _ in SERVICE_CASES} == {m.split(".", 1)[1] for m in SERVICES}


# --- strict validation ----------------------------------------------------------------------

GARMENT = {"sourceImage": picture(512, 512), "referenceImage": picture(512, 512)}
REFUSALS = [
    ("nova_text_max_length_1024", NOVA,
     {"taskType": "TEXT_IMAGE", "textToImageParams": {"text": "x" * 1469}},
     malformed("#/textToImageParams/text", "expected maxLength: 1024, actual: 1469")),
    ("nova_task_type_required", NOVA, {"textToImageParams": {"text": "a"}},
     malformed("#", "required key [taskType] not found")),
    ("nova_task_type_enum", NOVA, {"taskType": "SKETCH", "textToImageParams": {"text": "a"}},
     malformed("#/taskType", "SKETCH is not a valid enum value")),
    ("nova_extraneous_key", NOVA,
     {"taskType": "TEXT_IMAGE", "textToImageParams": {"text": "a", "foo": 1}},
     malformed("#/textToImageParams", "extraneous key [foo] is not permitted")),
    ("nova_params_object_required", NOVA, {"taskType": "TEXT_IMAGE"},
     malformed("#", "required key [textToImageParams] not found")),
    ("nova_negative_text_min_length", NOVA,
     {"taskType": "TEXT_IMAGE", "textToImageParams": {"text": "a", "negativeText": ""}},
     malformed("#/textToImageParams/negativeText", "expected minLength: 1, actual: 0")),
    ("nova_style_enum", NOVA,
     {"taskType": "TEXT_IMAGE", "textToImageParams": {"text": "a", "style": "ANIME"}},
     malformed("#/textToImageParams/style", "ANIME is not a valid enum value")),
    ("nova_width_max_4096", NOVA, nova_t2i(width=8192, height=1024),
     malformed("#/imageGenerationConfig/width", "8192 is not less or equal to 4096")),
    ("nova_height_min_320", NOVA, nova_t2i(width=1024, height=256),
     malformed("#/imageGenerationConfig/height", "256 is not greater or equal to 320")),
    ("nova_width_divisible_by_16", NOVA, nova_t2i(width=1000, height=1024),
     malformed("#/imageGenerationConfig/width", "1000 is not a multiple of 16")),
    ("nova_aspect_ratio_1_to_4", NOVA, nova_t2i(width=320, height=1600),
     malformed("#/imageGenerationConfig", "requested size 320x1600: aspect ratio must be "
               "between 1:4 and 4:1")),
    ("nova_pixel_cap_exclusive", NOVA, nova_t2i(width=2048, height=2048),
     malformed("#/imageGenerationConfig", "requested size 2048x2048: total pixels 4194304 "
               "must be less than 4194304")),
    ("nova_width_needs_height", NOVA, nova_t2i(width=1024),
     malformed("#/imageGenerationConfig", "property [height] is required")),
    ("nova_cfg_scale_max_10", NOVA, nova_t2i(cfgScale=10.5),
     malformed("#/imageGenerationConfig/cfgScale", "10.5 is not less or equal to 10")),
    ("nova_number_of_images_max_5", NOVA, nova_t2i(numberOfImages=6),
     malformed("#/imageGenerationConfig/numberOfImages", "6 is not less or equal to 5")),
    ("nova_seed_max", NOVA, nova_t2i(seed=2_147_483_647),
     malformed("#/imageGenerationConfig/seed", "2147483647 is not less or equal to 2147483646")),
    ("nova_seed_integer", NOVA, nova_t2i(seed="7"),
     malformed("#/imageGenerationConfig/seed", "expected type: Integer, found: String")),
    ("nova_quality_enum", NOVA, nova_t2i(quality="ultra"),
     malformed("#/imageGenerationConfig/quality", "ultra is not a valid enum value")),
    ("nova_colors_type", NOVA, {"taskType": "COLOR_GUIDED_GENERATION",
                                "colorGuidedGenerationParams": {"text": "a", "colors": "#fff"}},
     malformed("#/colorGuidedGenerationParams/colors", "expected type: JSONArray, found: String")),
    ("nova_colors_hex_pattern", NOVA, {"taskType": "COLOR_GUIDED_GENERATION",
                                       "colorGuidedGenerationParams": {"text": "a",
                                                                       "colors": ["red"]}},
     malformed("#/colorGuidedGenerationParams/colors/0",
               "string [red] does not match pattern ^#[0-9A-Fa-f]{6}$")),
    ("nova_colors_at_most_10", NOVA, {"taskType": "COLOR_GUIDED_GENERATION",
                                      "colorGuidedGenerationParams": {
                                          "text": "a", "colors": ["#000000"] * 11}},
     malformed("#/colorGuidedGenerationParams/colors",
               "expected maximum item count: 10, found: 11")),
    ("nova_similarity_strength_min", NOVA, {"taskType": "IMAGE_VARIATION", "imageVariationParams": {
        "images": [picture(512, 512)], "similarityStrength": 0.1}},
     malformed("#/imageVariationParams/similarityStrength", "0.1 is not greater or equal to 0.2")),
    ("nova_inpainting_forbids_width", NOVA, {"taskType": "INPAINTING", "inPaintingParams": {
        "image": picture(512, 512), "maskPrompt": "sky"}, "imageGenerationConfig": {
        "width": 512, "height": 512}},
     malformed("#/imageGenerationConfig", "extraneous key [width] is not permitted")),
    ("nova_background_removal_forbids_config", NOVA, {
        "taskType": "BACKGROUND_REMOVAL", "backgroundRemovalParams": {"image": picture(512, 512)},
        "imageGenerationConfig": {"numberOfImages": 1}},
     malformed("#", "extraneous key [imageGenerationConfig] is not permitted")),
    ("nova_mask_prompt_and_mask_image_both", NOVA, {"taskType": "INPAINTING", "inPaintingParams": {
        "image": picture(512, 512), "maskPrompt": "sky", "maskImage": picture(512, 512, 0)}},
     malformed("#/inPaintingParams", "2 subschemas matched instead of one")),
    ("nova_mask_prompt_or_mask_image_needed", NOVA, {"taskType": "OUTPAINTING",
                                                     "outPaintingParams": {
                                                         "image": picture(512, 512), "text": "a"}},
     malformed("#/outPaintingParams", "0 subschemas matched instead of one")),
    ("nova_mask_same_size_as_image", NOVA, {"taskType": "INPAINTING", "inPaintingParams": {
        "image": picture(512, 512), "maskImage": picture(256, 256, 0)}},
     malformed("#/inPaintingParams/maskImage", "mask size 256x256 does not match image size "
               "512x512")),
    ("nova_mask_black_and_white_only", NOVA, {"taskType": "INPAINTING", "inPaintingParams": {
        "image": picture(512, 512), "maskImage": picture(512, 512, (128, 128, 128))}},
     malformed("#/inPaintingParams/maskImage", "mask must contain only pure black (0,0,0) and "
               "pure white (255,255,255) pixels")),
    ("nova_input_image_min_side", NOVA, {"taskType": "BACKGROUND_REMOVAL",
                                         "backgroundRemovalParams": {"image": picture(200, 400)}},
     malformed("#/backgroundRemovalParams/image", "image dimensions 200x400: each side must be "
               "at least 320 px")),
    ("nova_input_image_opaque", NOVA, {"taskType": "BACKGROUND_REMOVAL",
                                       "backgroundRemovalParams": {
                                           "image": picture(400, 400, (1, 2, 3, 100), "PNG",
                                                            "RGBA")}},
     malformed("#/backgroundRemovalParams/image",
               "image must not contain transparent or translucent pixels")),
    ("nova_input_image_undecodable", NOVA, {"taskType": "BACKGROUND_REMOVAL",
                                            "backgroundRemovalParams": {"image": "aGVsbG8="}},
     malformed("#/backgroundRemovalParams/image", "unable to decode the image bytes")),
    ("nova_input_image_not_base64", NOVA, {"taskType": "BACKGROUND_REMOVAL",
                                           "backgroundRemovalParams": {
                                               "image": "data:image/png;base64,AAAA"}},
     malformed("#/backgroundRemovalParams/image",
               "invalid base64 image data (standard alphabet, no data: URI prefix)")),
    ("nova_try_on_image_mask_required", NOVA, {"taskType": "VIRTUAL_TRY_ON", "virtualTryOnParams": {
        **GARMENT, "maskType": "IMAGE"}},
     malformed("#/virtualTryOnParams", "required key [imageBasedMask] not found")),
    ("nova_try_on_other_mask_not_permitted", NOVA, {
        "taskType": "VIRTUAL_TRY_ON", "virtualTryOnParams": {
            **GARMENT, "maskType": "PROMPT", "promptBasedMask": {"maskPrompt": "shirt"},
            "garmentBasedMask": {"garmentClass": "SHOES"}}},
     malformed("#/virtualTryOnParams", "extraneous key [garmentBasedMask] is not permitted")),
    ("nova_try_on_garment_class_enum", NOVA, {
        "taskType": "VIRTUAL_TRY_ON", "virtualTryOnParams": {
            **GARMENT, "maskType": "GARMENT", "garmentBasedMask": {"garmentClass": "HAT"}}},
     malformed("#/virtualTryOnParams/garmentBasedMask/garmentClass",
               "HAT is not a valid enum value")),
    ("titan_v1_refuses_colour_guided", TITAN_V1, {"taskType": "COLOR_GUIDED_GENERATION",
                                                  "colorGuidedGenerationParams": {
                                                      "text": "a", "colors": ["#000000"]}},
     malformed("#/taskType", "COLOR_GUIDED_GENERATION is not a valid enum value")),
    ("titan_v1_refuses_background_removal", TITAN_V1, {
        "taskType": "BACKGROUND_REMOVAL", "backgroundRemovalParams": {"image": picture(64, 64)}},
     malformed("#/taskType", "BACKGROUND_REMOVAL is not a valid enum value")),
    ("titan_v1_refuses_condition_image", TITAN_V1, {"taskType": "TEXT_IMAGE", "textToImageParams": {
        "text": "a", "conditionImage": picture(64, 64)}},
     malformed("#/textToImageParams", "extraneous key [conditionImage] is not permitted")),
    ("titan_text_max_length_512", TITAN_V2, {"taskType": "TEXT_IMAGE",
                                             "textToImageParams": {"text": "y" * 536}},
     malformed("#/textToImageParams/text", "expected maxLength: 512, actual: 536")),
    ("titan_control_mode_needs_condition_image", TITAN_V2, {
        "taskType": "TEXT_IMAGE", "textToImageParams": {"text": "a", "controlMode": "CANNY_EDGE"}},
     malformed("#/textToImageParams", "property [conditionImage] is required")),
    ("titan_cfg_scale_min", TITAN_V2, {"taskType": "TEXT_IMAGE", "textToImageParams": {"text": "a"},
                                       "imageGenerationConfig": {"cfgScale": 1.0}},
     malformed("#/imageGenerationConfig/cfgScale", "1.0 is not greater or equal to 1.1")),
    ("titan_size_table", TITAN_V2, {"taskType": "TEXT_IMAGE", "textToImageParams": {"text": "a"},
                                    "imageGenerationConfig": {"width": 1000, "height": 1000}},
     None),
    ("titan_input_longer_side_1408", TITAN_V2, {"taskType": "INPAINTING", "inPaintingParams": {
        "image": picture(1500, 600), "maskPrompt": "sky"}},
     malformed("#/inPaintingParams/image", "image dimensions 1500x600: the longer side must be "
               "at most 1408 px")),
    ("titan_outpainting_text_required", TITAN_V1, {"taskType": "OUTPAINTING",
                                                   "outPaintingParams": {
                                                       "image": picture(64, 64),
                                                       "maskPrompt": "a"}},
     malformed("#/outPaintingParams", "required key [text] not found")),
    ("sd35_image_to_image_needs_strength", SD35, {"prompt": "a", "mode": "image-to-image",
                                                  "image": picture(64, 64)},
     malformed("#", "required key [strength] not found")),
    ("sd35_image_to_image_forbids_aspect_ratio", SD35, {
        "prompt": "a", "mode": "image-to-image", "image": picture(64, 64), "strength": 0.5,
        "aspect_ratio": "1:1"},
     malformed("#", "extraneous key [aspect_ratio] is not permitted")),
    ("sd35_text_to_image_forbids_image", SD35, {"prompt": "a", "image": picture(64, 64)},
     malformed("#", "extraneous key [image] is not permitted")),
    ("sd35_mode_enum", SD35, {"prompt": "a", "mode": "inpaint"},
     malformed("#/mode", "inpaint is not a valid enum value")),
    ("sd35_seed_max", SD35, {"prompt": "a", "seed": 4_294_967_295},
     malformed("#/seed", "4294967295 is not less or equal to 4294967294")),
    ("sd35_aspect_ratio_enum", SD35, {"prompt": "a", "aspect_ratio": "4:3"},
     malformed("#/aspect_ratio", "4:3 is not a valid enum value")),
    ("sd35_output_format_lower_case", SD35, {"prompt": "a", "output_format": "PNG"},
     malformed("#/output_format", "PNG is not a valid enum value")),
    ("sd35_prompt_max_length", SD35, {"prompt": "p" * 10_001},
     malformed("#/prompt", "expected maxLength: 10000, actual: 10001")),
    ("sd35_image_min_side_64", SD35, {"prompt": "a", "mode": "image-to-image",
                                      "image": picture(63, 100), "strength": 0.2},
     malformed("#/image", "image dimensions 63x100: each side must be at least 64 px")),
    ("core_seed_max", CORE, {"prompt": "a", "seed": 4_294_967_296},
     malformed("#/seed", "4294967296 is not less or equal to 4294967295")),
    ("core_has_no_mode", CORE, {"prompt": "a", "mode": "text-to-image"},
     malformed("#", "extraneous key [mode] is not permitted")),
    ("core_style_preset_enum", CORE, {"prompt": "a", "style_preset": "watercolor"},
     malformed("#/style_preset", "watercolor is not a valid enum value")),
    ("ultra_prompt_required", ULTRA, {"negative_prompt": "a"},
     malformed("#", "required key [prompt] not found")),
    ("ultra_output_format_enum", ULTRA, {"prompt": "a", "output_format": "gif"},
     malformed("#/output_format", "gif is not a valid enum value")),
    ("sdxl_samples_must_be_1", SDXL, {"text_prompts": [{"text": "a"}], "samples": 2},
     malformed("#/samples", "2 is not less or equal to 1")),
    ("sdxl_text_prompts_array", SDXL, {"text_prompts": "a cat"},
     malformed("#/text_prompts", "expected type: JSONArray, found: String")),
    ("sdxl_text_prompt_text_required", SDXL, {"text_prompts": [{"weight": 1}]},
     malformed("#/text_prompts/0", "required key [text] not found")),
    ("sdxl_steps_min_10", SDXL, {"text_prompts": [{"text": "a"}], "steps": 5},
     malformed("#/steps", "5 is not greater or equal to 10")),
    ("sdxl_cfg_scale_max_35", SDXL, {"text_prompts": [{"text": "a"}], "cfg_scale": 36},
     malformed("#/cfg_scale", "36 is not less or equal to 35")),
    ("sdxl_sampler_enum", SDXL, {"text_prompts": [{"text": "a"}], "sampler": "EULER"},
     malformed("#/sampler", "EULER is not a valid enum value")),
    ("sdxl_size_table", SDXL, {"text_prompts": [{"text": "a"}], "width": 512, "height": 512},
     None),
    ("sdxl_image_strength_needs_init_image", SDXL, {"text_prompts": [{"text": "a"}],
                                                    "image_strength": 0.3},
     malformed("#", "property [init_image] is required")),
    ("service_outpaint_needs_a_side", "us.stability.stable-outpaint-v1:0",
     {"image": picture(100, 100), "left": 0},
     malformed("#", "at least one of [left, right, up, down] must be greater than 0")),
    ("service_outpaint_side_max_2000", "us.stability.stable-outpaint-v1:0",
     {"image": picture(100, 100), "up": 2001},
     malformed("#/up", "2001 is not less or equal to 2000")),
    ("service_fast_upscale_side_max_1536", "us.stability.stable-fast-upscale-v1:0",
     {"image": picture(1600, 800)},
     malformed("#/image", "image dimensions 1600x800: each side must be at most 1536 px")),
    ("service_fast_upscale_min_side_32", "us.stability.stable-fast-upscale-v1:0",
     {"image": picture(32, 31)},
     malformed("#/image", "image dimensions 32x31: each side must be at least 32 px")),
    ("service_creative_upscale_max_pixels", "us.stability.stable-creative-upscale-v1:0",
     {"prompt": "a", "image": picture(1100, 1000)},
     malformed("#/image", "image dimensions 1100x1000: total pixels 1100000 must be at most "
               "1048576")),
    ("service_creative_upscale_creativity_max", "us.stability.stable-creative-upscale-v1:0",
     {"prompt": "a", "image": picture(100, 100), "creativity": 0.6},
     malformed("#/creativity", "0.6 is not less or equal to 0.5")),
    ("service_image_aspect_ratio", INPAINT, {"prompt": "a", "image": picture(300, 100)},
     malformed("#/image", "image dimensions 300x100: aspect ratio must be between 1:2.5 and "
               "2.5:1")),
    ("service_inpaint_prompt_required", INPAINT, {"image": picture(100, 100)},
     malformed("#", "required key [prompt] not found")),
    ("service_grow_mask_max_20", INPAINT, {"prompt": "a", "image": picture(100, 100),
                                           "grow_mask": 21},
     malformed("#/grow_mask", "21 is not less or equal to 20")),
    ("service_recolor_select_prompt_required", "us.stability.stable-image-search-recolor-v1:0",
     {"prompt": "a", "image": picture(100, 100)},
     malformed("#", "required key [select_prompt] not found")),
    ("service_erase_takes_no_prompt", "us.stability.stable-image-erase-object-v1:0",
     {"prompt": "a", "image": picture(100, 100)},
     malformed("#", "extraneous key [prompt] is not permitted")),
    ("service_style_transfer_needs_style_image", "us.stability.stable-style-transfer-v1:0",
     {"init_image": picture(100, 100)},
     malformed("#", "required key [style_image] not found")),
    ("service_change_strength_min", "us.stability.stable-style-transfer-v1:0",
     {"init_image": picture(100, 100), "style_image": picture(100, 100), "change_strength": 0},
     malformed("#/change_strength", "0 is not greater or equal to 0.1")),
    ("service_fast_upscale_has_no_seed", "us.stability.stable-fast-upscale-v1:0",
     {"image": picture(100, 100), "seed": 1},
     malformed("#", "extraneous key [seed] is not permitted")),
]


@pytest.mark.parametrize(("model_id", "body", "message"), [case[1:] for case in REFUSALS],
                         ids=[case[0] for case in REFUSALS])
def test_strict_validation_refuses_with_the_real_message_format(client, model_id, body, message):
    got = refusal(client, model_id, body)
    assert got.startswith("Malformed input request: #")
    assert got.endswith(", please reformat your input and try again.")
    if message is not None:
        assert got == message


def test_size_tables_name_the_allowed_sizes(client):
    titan = refusal(client, TITAN_V2, {"taskType": "TEXT_IMAGE", "textToImageParams": {
        "text": "a"}, "imageGenerationConfig": {"width": 1000, "height": 1000}})
    assert "1000x1000 is not a supported width x height" in titan and "1173x640" in titan
    sdxl = refusal(client, SDXL, {"text_prompts": [{"text": "a"}], "width": 512, "height": 512})
    assert "512x512 is not a supported width x height" in sdxl and "1536x640" in sdxl


def test_body_that_is_not_json_is_refused(client):
    with pytest.raises(client.exceptions.ValidationException, match="Malformed input request"):
        client.invoke_model(modelId=NOVA, body=b"not json")


# --- errors and outcomes ----------------------------------------------------------------------

ERROR_OUTCOMES = [
    (fake.throttle(), "ThrottlingException", 429, True),
    (fake.server_error(), "InternalServerException", 500, True),
    (fake.server_error(503), "ServiceUnavailableException", 503, True),
    (fake.model_timeout(), "ModelTimeoutException", 408, False),
    (fake.model_not_ready(), "ModelNotReadyException", 429, True),
    (fake.model_error(), "ModelErrorException", 424, False),
    (fake.access_denied(), "AccessDeniedException", 403, False),
    (fake.quota_exceeded(), "ServiceQuotaExceededException", 400, False),
    (fake.eol(), "ResourceNotFoundException", 404, False),
]
ERROR_IDS = [case[1] for case in ERROR_OUTCOMES]


@pytest.mark.parametrize(("outcome", "name", "status", "retried"), ERROR_OUTCOMES, ids=ERROR_IDS)
def test_each_error_outcome_raises_the_modeled_boto3_exception(client, double, outcome, name,
                                                               status, retried):
    double.script(NOVA, outcome)
    with pytest.raises(getattr(client.exceptions, name)) as caught:
        invoke(client, NOVA, nova_t2i())
    response = caught.value.response
    headers = response["ResponseMetadata"]["HTTPHeaders"]
    assert response["ResponseMetadata"]["HTTPStatusCode"] == status
    assert headers["x-amzn-errortype"] == (
        f"{name}:http://internal.amazon.com/coral/com.amazon.bedrock/")
    assert headers["content-type"] == "application/json"
    assert response["ResponseMetadata"]["RequestId"] == headers["x-amzn-requestid"]
    assert "retry-after" not in headers
    assert response["Error"]["Message"]
    if name == "ModelErrorException":
        assert response["originalStatusCode"] == 500
        assert response["resourceName"].endswith(NOVA)


@pytest.mark.parametrize(("outcome", "name", "status", "retried"), ERROR_OUTCOMES, ids=ERROR_IDS)
def test_boto3_standard_retries_match_the_reference(double, monkeypatch, outcome, name, status,
                                                    retried):
    monkeypatch.setattr(botocore.retries.standard.ExponentialBackoff, "delay_amount",
                        lambda self, context: 0)
    client = runtime_client(config=Config(retries={"mode": "standard"}))
    double.script(NOVA, outcome, outcome, outcome)
    with pytest.raises(getattr(client.exceptions, name)):
        invoke(client, NOVA, nova_t2i())
    assert len(double.requests) == (3 if retried else 1)
    assert double.requests[-1].headers["amz-sdk-request"].endswith(
        "attempt=3; max=3" if retried else "attempt=1; max=3")


def test_a_retried_throttle_then_succeeds(double, monkeypatch):
    monkeypatch.setattr(botocore.retries.standard.ExponentialBackoff, "delay_amount",
                        lambda self, context: 0)
    client = runtime_client(config=Config(retries={"mode": "standard"}))
    double.script(NOVA, fake.throttle(), fake.server_error(503))
    assert invoke(client, NOVA, nova_t2i())["images"]
    assert len(double.requests) == 3


def test_error_messages_are_the_captured_ones(client, double):
    double.script(NOVA, fake.throttle(), fake.quota_exceeded(), fake.eol())
    assert refusal(client, NOVA, nova_t2i(), "ThrottlingException") == (
        "Too many requests, please wait before trying again.")
    assert refusal(client, NOVA, nova_t2i(), "ServiceQuotaExceededException") == (
        "Too many tokens per day, please wait before trying again.")
    assert refusal(client, NOVA, nova_t2i(), "ResourceNotFoundException") == (
        "This model version has reached the end of its life. Please refer to the AWS "
        "documentation for more details.")


def test_scripted_outcomes_are_fifo_per_model_and_star_matches_any(client, double):
    double.script(NOVA, fake.throttle(), fake.OK, fake.model_timeout())
    double.script(TITAN_V2, fake.access_denied())
    double.script("*", fake.server_error(503))
    titan = {"taskType": "TEXT_IMAGE", "textToImageParams": {"text": "a"}}
    assert refusal(client, TITAN_V2, titan, "AccessDeniedException")
    assert refusal(client, NOVA, nova_t2i(), "ThrottlingException")
    assert invoke(client, NOVA, nova_t2i())["images"]
    assert refusal(client, NOVA, nova_t2i(), "ModelTimeoutException")
    assert refusal(client, SD35, {"prompt": "a"}, "ServiceUnavailableException")
    assert invoke(client, NOVA, nova_t2i())["images"]
    assert invoke(client, TITAN_V2, titan)["images"]


def test_rpm_throttles_after_n_requests_in_the_sliding_window(client, double):
    double.rpm[NOVA] = 3
    for _ in range(3):
        invoke(client, NOVA, nova_t2i())
    assert refusal(client, NOVA, nova_t2i(), "ThrottlingException") == (
        "Too many requests, please wait before trying again.")
    assert double.throttled == 1
    assert invoke(client, TITAN_V2, {"taskType": "TEXT_IMAGE",
                                     "textToImageParams": {"text": "a"}})["images"]
    double.rpm_window = 0.2
    time.sleep(0.25)
    assert invoke(client, NOVA, nova_t2i())["images"]


def test_rpm_window_is_shared_by_a_model_and_its_us_profile(client, double):
    double.rpm[SD35] = 1
    invoke(client, SD35, {"prompt": "a"})
    refusal(client, f"us.{SD35}", {"prompt": "a"}, "ThrottlingException")
    assert double.throttled == 1


def test_eol_legacy_and_no_access_sets(client, double):
    double.eol.add(TITAN_V2)
    double.legacy_inactive.add(TITAN_V1)
    double.no_access.add(NOVA)
    body = {"taskType": "TEXT_IMAGE", "textToImageParams": {"text": "a"}}
    assert refusal(client, TITAN_V2, body, "ResourceNotFoundException").startswith(
        "This model version has reached the end of its life.")
    assert refusal(client, TITAN_V1, body, "ResourceNotFoundException").startswith(
        "Access denied. This Model is marked by provider as Legacy")
    refusal(client, NOVA, body, "AccessDeniedException")


def test_bare_id_of_an_image_service_needs_an_inference_profile(client):
    bare = INPAINT.removeprefix("us.")
    assert refusal(client, bare, {"prompt": "a", "image": picture(100, 100)}) == (
        f"Invocation of model ID {bare} with on-demand throughput isn\u2019t supported. Retry your "
        "request with the ID or ARN of an inference profile that contains this model.")


def test_unknown_model_is_not_found(client):
    refusal(client, "amazon.nova-canvas-v9:0", nova_t2i(), "ResourceNotFoundException")


def test_fault_rate_injects_500_and_503_reproducibly(client, double):
    double.seed, double.fault_rate = 3, 0.5

    def run() -> list[str]:
        codes = []
        for _ in range(12):
            try:
                invoke(client, CORE, {"prompt": "a"})
                codes.append("ok")
            except ClientError as error:
                codes.append(error.response["Error"]["Code"])
        return codes

    first = run()
    assert set(first) == {"ok", "InternalServerException", "ServiceUnavailableException"}
    double.seed = 3
    assert run() == first


# --- content filters --------------------------------------------------------------------------

def test_nova_and_titan_input_blocks_use_their_own_wording(client, double):
    double.script(NOVA, fake.block_input_text(), fake.block_input_image())
    assert refusal(client, NOVA, nova_t2i()) == (
        "This request has been blocked by our content filters. Please adjust your text prompt "
        "to submit a new request.")
    assert refusal(client, NOVA, nova_t2i()) == (
        "This request has been blocked by our content filters. Please adjust your input image "
        "to submit a new request.")
    double.script(TITAN_V2, fake.block_input_text())
    assert refusal(client, TITAN_V2, {"taskType": "TEXT_IMAGE",
                                      "textToImageParams": {"text": "a"}}) == (
        "This request has been blocked by our content filters. Our filters automatically flagged "
        "this prompt because it may conflict our AUP or AWS Responsible AI Policy. Please adjust "
        "your text prompt to submit a new request.")


def test_nova_output_filter_drops_some_or_all_images(client, double):
    double.script(NOVA, fake.filter_outputs(1), fake.filter_outputs())
    some = invoke(client, NOVA, nova_t2i(numberOfImages=3))
    assert len(some["images"]) == 2
    assert some["error"] == "Some of the generated images have been blocked by our content filters."
    every = invoke(client, NOVA, nova_t2i(numberOfImages=3))
    assert every == {"images": [], "error": "All of the generated images have been blocked by our "
                                            "content filters."}


def test_a_refused_body_wins_over_a_scripted_content_filter(client, double):
    double.script(NOVA, fake.block_input_text())
    assert refusal(client, NOVA, nova_t2i(numberOfImages=9)).startswith("Malformed input request")
    assert invoke(client, NOVA, nova_t2i())["images"]  # the outcome was consumed


def test_stability_filters_answer_200_with_finish_reasons(client, double):
    double.script(SD35, fake.block_input_text(), fake.block_input_image(), fake.filter_outputs())
    assert invoke(client, SD35, {"prompt": "a"}) == {"finish_reasons": ["Filter reason: prompt"]}
    assert invoke(client, SD35, {"prompt": "a"}) == {
        "finish_reasons": ["Filter reason: input image"]}
    body = invoke(client, SD35, {"prompt": "a", "seed": 11})
    assert body == {"seeds": [11], "finish_reasons": ["Filter reason: output image"]}


def test_sdxl_filters(client, double):
    double.script(SDXL, fake.filter_outputs(), fake.block_input_text())
    body = invoke(client, SDXL, {"text_prompts": [{"text": "a"}]})
    assert body["artifacts"][0]["finishReason"] == "CONTENT_FILTERED"
    assert refusal(client, SDXL, {"text_prompts": [{"text": "a"}]}) == (
        "One or more prompts contains filtered words.")


# --- Converse (Nova 2 Omni) -------------------------------------------------------------------

def omni_image(response: dict) -> Image.Image:
    (block,) = [b for b in response["output"]["message"]["content"] if "image" in b]
    assert block["image"]["format"] == "png"
    return decode(block["image"]["source"]["bytes"])


def test_omni_returns_one_png_of_the_size_named_in_the_system_prompt(client):
    response = converse(client, "a red fox", system="Generate an image with dimensions 1280x720 "
                        "pixels based on the user's request.",
                        inferenceConfig={"temperature": 0, "topP": 1, "maxTokens": 10000})
    assert omni_image(response).size == (1280, 720)
    assert response["stopReason"] == "end_turn"
    assert response["output"]["message"]["role"] == "assistant"
    usage = response["usage"]
    assert usage["totalTokens"] == usage["inputTokens"] + usage["outputTokens"] > 0
    assert response["metrics"]["latencyMs"] >= 0


def test_omni_size_from_a_ratio_an_input_image_or_the_default(client):
    ratio = converse(client, "a fox", system="All the images generated have to be in 16:9 ratio.")
    w, h = omni_image(ratio).size
    assert abs(w / h - 16 / 9) < 0.02 and 900_000 < w * h < 1_200_000
    edit = converse(client, "make the sky blue", images=(picture(640, 480),))
    assert omni_image(edit).size == (640, 480)
    assert omni_image(converse(client, "a fox")).size == (1024, 1024)


def test_omni_text_only_and_content_filtered_shapes(client, double):
    double.script(OMNI, fake.text_only("Which fox?"), fake.filter_outputs())
    text = converse(client, "a fox")
    assert text["stopReason"] == "end_turn"
    assert text["output"]["message"]["content"] == [{"text": "Which fox?"}]
    filtered = converse(client, "a fox")
    assert filtered["stopReason"] == "content_filtered"
    assert all("image" not in block for block in filtered["output"]["message"]["content"])


def test_omni_input_filters(client, double):
    double.script(OMNI, fake.block_input_text(), fake.block_input_image())
    for what in ("text prompt", "input image"):
        with pytest.raises(client.exceptions.ValidationException) as caught:
            converse(client, "a fox")
        assert caught.value.response["Error"]["Message"] == (
            f"This request has been blocked by our content filters. Please adjust your {what} to "
            "submit a new request.")


USER = {"role": "user", "content": [{"text": "a fox"}]}
CONVERSE_REFUSALS = [
    ("role_enum", {"messages": [{"role": "system", "content": [{"text": "a"}]}]},
     "1 validation error detected: Value 'system' at 'messages.1.member.role' failed to satisfy "
     "constraint: Member must satisfy enum value set: [user, assistant]"),
    ("temperature_max", {"messages": [USER], "inferenceConfig": {"temperature": 1.5}},
     "1 validation error detected: Value '1.5' at 'inferenceConfig.temperature' failed to "
     "satisfy constraint: Member must have value less than or equal to 1"),
    ("two_coral_errors", {"messages": [USER], "inferenceConfig": {"temperature": 99,
                                                                 "topP": 1.5}},
     "2 validation errors detected: Value '99.0' at 'inferenceConfig.temperature' failed to "
     "satisfy constraint: Member must have value less than or equal to 1; Value '1.5' at "
     "'inferenceConfig.topP' failed to satisfy constraint: Member must have value less than or "
     "equal to 1"),
    ("first_turn_user", {"messages": [{"role": "assistant", "content": [{"text": "hi"}]}]},
     "A conversation must start with a user message. Try again with a conversation that starts "
     "with a user message."),
    ("empty_messages", {"messages": []},
     "A conversation must start with a user message. Try again with a conversation that starts "
     "with a user message."),
    ("alternation", {"messages": [USER, USER]},
     "A conversation must alternate between user and assistant roles. Make sure the "
     "conversation alternates between user and assistant roles and try again."),
    ("empty_content", {"messages": [{"role": "user", "content": []}]},
     "The content field in the Message object at messages.0 is empty. Add a ContentBlock object "
     "to the content field and try again."),
    ("blank_text", {"messages": [{"role": "user", "content": [{"text": "   "}]}]},
     "The text field in the ContentBlock object at messages.0.content.0 is blank. Add text to "
     "the text field, and try again."),
    ("image_format_enum", {"messages": [{"role": "user", "content": [
        {"image": {"format": "bmp", "source": {"bytes": b"x"}}}]}]},
     "1 validation error detected: Value 'bmp' at 'messages.1.member.content.1.member.image."
     "format' failed to satisfy constraint: Member must satisfy enum value set: [png, jpeg, gif, "
     "webp]"),
    ("image_bytes_match_format", {"messages": [{"role": "user", "content": [
        {"image": {"format": "jpeg", "source": {"bytes": base64.b64decode(picture(64, 64))}}},
        {"text": "edit"}]}]},
     "The image at messages.0.content.0 could not be decoded as jpeg. Check the image bytes and "
     "the format field, and try again."),
    ("additional_fields_limited", {"messages": [USER],
                                   "additionalModelRequestFields": {"imageSize": "1024x1024"}},
     "The model returned the following errors: " + malformed(
         "#", "extraneous key [imageSize] is not permitted")),
]


@pytest.mark.parametrize(("kwargs", "message"), [c[1:] for c in CONVERSE_REFUSALS],
                         ids=[c[0] for c in CONVERSE_REFUSALS])
def test_omni_converse_validation(client, kwargs, message):
    assert converse_refusal(client, **kwargs) == message


def test_omni_accepts_a_multi_turn_edit_with_reasoning(client):
    response = client.converse(modelId=OMNI, messages=[
        USER, {"role": "assistant", "content": [{"text": "Here it is."}]},
        {"role": "user", "content": [{"text": "now 800x600 please"}]}],
        additionalModelRequestFields={"reasoningConfig": {"type": "enabled",
                                                          "maxReasoningEffort": "low"},
                                      "inferenceConfig": {"topK": 20}})
    assert omni_image(response).size == (800, 600)


def test_converse_on_an_image_model_and_invoke_on_omni_are_refused(client):
    with pytest.raises(client.exceptions.ValidationException, match="doesn't support the model"):
        client.converse(modelId=NOVA, messages=[USER])
    refusal(client, OMNI, {"messages": [USER]})


# --- transport --------------------------------------------------------------------------------

def raw_post(url: str, headers: dict[str, str], body: bytes = b"{}") -> tuple[int, dict, dict]:
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, dict(response.headers), json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), json.loads(error.read())


def test_requests_need_authorization_scoped_to_bedrock(double):
    url = f"{double.url}/model/{NOVA.replace(':', '%3A')}/invoke"
    status, headers, body = raw_post(url, {})
    assert status == 403 and headers["x-amzn-ErrorType"].startswith(
        "MissingAuthenticationTokenException:")
    scope = ("AWS4-HMAC-SHA256 Credential=AKID/20261125/us-east-1/s3/aws4_request, "
             "SignedHeaders=host, Signature=abc123")
    status, headers, body = raw_post(url, {"Authorization": scope})
    assert status == 403 and body["message"].startswith("Credential should be scoped to correct "
                                                         "service: 'bedrock'.")
    status, _, body = raw_post(url, {"Authorization": "Bearer key",
                                     "Content-Type": "application/json"},
                               json.dumps(nova_t2i()).encode())
    assert status == 200 and body["images"]
    assert double.requests[0].model_id == NOVA


def test_unknown_route_is_404(double):
    status, _, body = raw_post(f"{double.url}/guardrail/x/version/1/apply",
                               {"Authorization": "Bearer k"})
    assert status == 404 and "POST /model/{modelId}/invoke" in body["message"]


def test_requests_are_recorded_with_decoded_model_ids_and_headers(client, double):
    invoke(client, f"us.{SD35}", {"prompt": "a"})
    client.invoke_model(modelId=NOVA, body=json.dumps(nova_t2i()), contentType="application/json",
                        accept="application/json")
    first, second = double.requests
    assert (first.operation, first.model_id) == ("invoke", f"us.{SD35}")
    assert first.body == {"prompt": "a"}
    assert "content-type" not in first.headers
    assert first.headers["authorization"].startswith("AWS4-HMAC-SHA256 Credential=testing/")
    assert second.headers["content-type"] == "application/json"
    assert double.bodies(NOVA) == [nova_t2i()]
    assert len(double.bodies()) == 2


def test_latency_and_delay_are_applied(client, double):
    double.latency = 0.2
    started = time.monotonic()
    invoke(client, SD35, {"prompt": "a"})
    assert time.monotonic() - started >= 0.2
    double.latency = 0.0
    double.script(SD35, fake.delay(0.15))
    started = time.monotonic()
    invoke(client, SD35, {"prompt": "a"})
    assert time.monotonic() - started >= 0.15


def test_a_refusal_is_answered_while_latency_is_set(client, double):
    double.latency = 1.0  # how long a refusal takes: benchmarks/bedrock_double_timing.py
    refusal(client, SD35, {"prompt": 1})
    assert double.requests[-1].operation == "invoke"


def test_concurrent_requests_are_served_in_parallel(double):
    double.latency = 0.2
    errors: list[Exception] = []

    def worker(client: Any) -> None:
        try:
            for _ in range(2):
                invoke(client, CORE, {"prompt": "a"})
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)

    clients = [runtime_client(region_name="us-west-2", config=NO_RETRIES) for _ in range(12)]
    threads = [threading.Thread(target=worker, args=(c,)) for c in clients]
    # how much faster than one at a time: benchmarks/bedrock_double_timing.py
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert len(double.requests) == 24
