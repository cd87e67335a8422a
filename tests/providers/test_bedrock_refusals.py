"""Requests a model cannot honour are refused at submission, naming the field and the limit:
nothing is created, nothing is queued, and nothing reaches Bedrock."""

from __future__ import annotations

import pytest

from assets.uploads import create_upload
from generation.models import Job
from tests.conftest import queued_messages
from tests.helpers import png_bytes

LONG = "x" * 1025

# (model, request fields, the field the error names, words the message must contain)
REFUSALS = [
    ("nova-canvas", {"prompt": LONG}, "prompt", "1024"),
    ("nova-canvas", {"prompt": "a", "negative_prompt": LONG}, "negative_prompt", "1024"),
    ("nova-canvas", {"prompt": "a", "n": 21}, "n", "between 1 and 20"),
    ("nova-canvas", {"prompt": "a", "size": "1000x1000"}, "size", "multiples of 16"),
    ("nova-canvas", {"prompt": "a", "size": "4096x4096"}, "size", "4194303 pixels"),
    ("nova-canvas", {"prompt": "a", "size": "320x1600"}, "size", "aspect ratio"),
    ("nova-canvas", {"prompt": "a", "seed": 2147483647}, "seed", "2147483646"),
    ("nova-canvas", {"prompt": "a", "quality": "ultra"}, "quality", "standard, premium"),
    ("nova-canvas", {"prompt": "a", "style": "anime"}, "style", "PHOTOREALISM"),
    ("nova-canvas", {"prompt": "a", "params": {"cfg_scale": 11}}, "params.cfg_scale", "10"),
    ("nova-canvas", {"operation": "color_guided", "prompt": "a"}, "params.colors", "required"),
    ("nova-canvas", {"operation": "color_guided", "prompt": "a",
                     "params": {"colors": ["#000000"] * 11}}, "params.colors", "10 colors"),
    ("nova-canvas", {"operation": "color_guided", "prompt": "a", "params": {"colors": "red"}},
     "params.colors", "#A1B2C3"),
    ("nova-canvas", {"operation": "variation", "images": ["photo"] * 6}, "images", "1 to 5"),
    ("nova-canvas", {"operation": "inpaint", "images": ["photo"]}, "mask", "mask"),
    ("nova-canvas", {"operation": "inpaint", "images": ["photo"], "mask": "mask",
                     "mask_prompt": "bag"}, "mask", "not both"),
    ("nova-canvas", {"operation": "virtual_try_on", "images": ["person"]}, "images",
     "person, garment"),
    ("nova-canvas", {"operation": "remove_background", "images": ["photo"], "n": 2}, "n",
     "makes 1 image"),
    ("nova-canvas", {"operation": "remove_background", "images": ["photo"], "prompt": "x"},
     "prompt", "takes no prompt"),
    ("nova-canvas", {"prompt": "a", "params": {"similarity": 0.5}}, "params.similarity",
     "variation only"),
    ("nova-canvas", {"operation": "inpaint", "images": ["photo"], "mask_prompt": "bag",
                     "size": "1024x1024"}, "size", "keeps the source"),
    ("nova-canvas", {"operation": "outpaint", "images": ["photo"]}, "aspect_ratio",
     "extend to"),
    ("titan-image-v1", {"operation": "color_guided", "prompt": "a"}, "operation",
     "does not support"),
    ("titan-image-v1", {"prompt": "x" * 513}, "prompt", "512"),
    ("titan-image-v2", {"prompt": "a", "size": "1000x1000"}, "size", "one of 1024x1024"),
    ("titan-image-v2", {"prompt": "a", "style": "PHOTOREALISM"}, "style", "takes no style"),
    ("titan-image-v2", {"prompt": "a", "n": 0}, "n", "between 1 and 20"),
    ("sd3.5-large", {"prompt": "a", "size": "1024x1024"}, "size", "aspect_ratio"),
    ("sd3.5-large", {"prompt": "a", "aspect_ratio": "4:3"}, "aspect_ratio", "16:9"),
    ("sd3.5-large", {"prompt": "a", "seed": 4294967295}, "seed", "4294967294"),
    ("sd3.5-large", {"operation": "image_to_image", "prompt": "a", "images": ["photo"],
                     "aspect_ratio": "1:1"}, "aspect_ratio", "keeps the source"),
    ("sd3.5-large", {"prompt": "a", "quality": "premium"}, "quality", "takes no quality"),
    ("sd3.5-large", {"prompt": "a" * 10001}, "prompt", "10000"),
    ("stable-image-core", {"operation": "image_to_image", "prompt": "a", "images": ["photo"]},
     "operation", "does not support"),
    ("stable-image-core", {"prompt": "a", "params": {"output_format": "webp"}},
     "params.output_format", "png, jpeg"),
    ("sdxl", {"prompt": "a", "size": "1024x768"}, "size", "one of"),
    ("sdxl", {"prompt": "a", "params": {"steps": 60}}, "params.steps", "50"),
    ("sdxl", {"operation": "inpaint", "prompt": "a", "images": ["photo"],
              "mask_prompt": "bag"}, "mask_prompt", "takes no mask_prompt"),
    ("stability-search-replace", {"operation": "search_replace", "prompt": "a hat",
                                  "images": ["photo"]}, "mask_prompt", "what to find"),
    ("stability-outpaint", {"operation": "outpaint", "images": ["photo"]}, "aspect_ratio",
     "extend to"),
    ("stability-upscale-fast", {"operation": "upscale", "images": ["photo"], "prompt": "x"},
     "prompt", "takes no prompt"),
    ("stability-upscale-fast", {"operation": "upscale", "images": ["photo"], "seed": 3},
     "seed", "takes no seed"),
    ("stability-style-transfer", {"operation": "style_transfer", "images": ["photo"]},
     "images", "content, style"),
    ("stability-upscale-creative", {"operation": "upscale", "prompt": "a",
                                    "images": ["tiny"]}, "images[0]", "at least 64 px"),
    ("stability-erase", {"operation": "erase", "images": ["panorama"]}, "images[0]",
     "2.5:1"),
    ("nova-2-omni", {"prompt": "a", "seed": 5}, "seed", "takes no seed"),
    ("nova-2-omni", {"prompt": "a", "negative_prompt": "b"}, "negative_prompt",
     "not supported"),
    ("nova-2-omni", {"operation": "inpaint", "images": ["photo"], "mask_prompt": "a"},
     "operation", "does not support"),
    ("nova-2-omni", {"operation": "image_to_image", "prompt": "a",
                     "images": ["00000000-0000-0000-0000-000000000000"]}, "images[0]",
     "no such upload"),
]


@pytest.fixture
def more_uploads(acme, uploads):
    def grey(size):
        return create_upload(acme.tenant, png_bytes(size, (90, 90, 90)))

    return {**uploads, "tiny": grey((40, 40)), "panorama": grey((1000, 300))}


@pytest.mark.parametrize(("model", "fields", "field", "words"), REFUSALS,
                         ids=[f"{m}:{f}" for m, _, f, _ in REFUSALS])
def test_refused_before_anything_is_created_or_sent(owner, acme, bedrock, more_uploads,
                                                    empty_queue, model, fields, field, words):
    body = {"model": model, **fields}
    if "images" in body:
        body["images"] = [str(more_uploads[name].pk) if name in more_uploads else name
                          for name in body["images"]]
    if "mask" in body:
        body["mask"] = str(more_uploads[body["mask"]].pk)
    response = owner.post("/api/v1/jobs", body, format="json")
    assert response.status_code == 400, response.content
    error = response.json()
    assert error["field"] == field
    assert error["message"].startswith(f"{field}:")
    assert words in error["message"]
    assert not Job.objects.for_tenant(acme.tenant).exists()
    assert queued_messages() == 0
    assert bedrock.requests == []


def test_another_tenants_upload_cannot_be_used(owner, globex, acme, bedrock, empty_queue):
    theirs = create_upload(globex.tenant, png_bytes((512, 512), (1, 2, 3)))
    response = owner.post("/api/v1/jobs", {"model": "nova-2-omni", "operation": "image_to_image",
                                           "prompt": "a", "images": [str(theirs.pk)]},
                          format="json")
    assert response.status_code == 400
    assert response.json()["field"] == "images[0]"
    assert str(theirs.pk) in response.json()["message"]
    assert not Job.objects.for_tenant(acme.tenant).exists()


def test_a_retired_model_is_refused_naming_its_successor(owner, acme, bedrock_double, settings,
                                                         empty_queue):
    settings.ATELIER_PROVIDER = "bedrock"
    response = owner.post("/api/v1/jobs", {"model": "nova-canvas", "prompt": "a bag"},
                          format="json")
    assert response.status_code == 400
    error = response.json()
    assert (error["code"], error["field"], error["successor"]) == (
        "model_retired", "model", "stable-image-core")  # drafts; finals: stable-image-ultra
    assert "2026-09-30" in error["message"] and "'stable-image-core'" in error["message"]
    assert not Job.objects.for_tenant(acme.tenant).exists()
    assert bedrock_double.requests == []
