"""`generate --model KEY --operation OP --image … --mask …` against Bedrock (the double)."""

from __future__ import annotations

import base64
import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from PIL import Image

from generation.models import Job
from tests.helpers import encoded, png_bytes


def write_png(path, size, fill, mode="RGB"):
    path.write_bytes(png_bytes(size, fill, mode=mode))
    return str(path)


def test_inpaint_from_files_with_a_mask(acme, bedrock, transactional_db, empty_queue, tmp_path,
                                        capsys):
    photo = write_png(tmp_path / "photo.png", (640, 480), (200, 10, 10))
    mask = write_png(tmp_path / "mask.png", (640, 480), 255, mode="L")
    call_command("generate", "--tenant", "acme", "--model", "stability-inpaint",
                 "--operation", "inpaint", "--prompt", "a blue vase", "--image", photo,
                 "--mask", mask, "--seed", "9", "--wait", "--json")
    job = json.loads(capsys.readouterr().out)
    assert job["status"] == "succeeded" and len(job["assets"]) == 1
    (body,) = bedrock.bodies("us.stability.stable-image-inpaint-v1:0")
    assert body["prompt"] == "a blue vase" and body["seed"] == 9
    assert Image.open(io.BytesIO(base64.b64decode(body["mask"]))).size == (640, 480)


def test_search_replace_with_a_mask_prompt(acme, bedrock, transactional_db, empty_queue,
                                           tmp_path, capsys):
    photo = write_png(tmp_path / "photo.png", (512, 512), (9, 9, 200))
    call_command("generate", "--tenant", "acme", "--model", "stability-search-replace",
                 "--operation", "search_replace", "--prompt", "a red hat", "--mask-prompt",
                 "the hat", "--image", photo, "--wait")
    (body,) = bedrock.bodies("us.stability.stable-image-search-replace-v1:0")
    assert body["search_prompt"] == "the hat"
    assert Job.objects.for_tenant(acme.tenant).get().status == "succeeded"


def test_a_missing_or_broken_image_file_is_refused(acme, bedrock, tmp_path, empty_queue):
    whole = encoded(Image.effect_noise((256, 256), 40), "PNG")
    broken = tmp_path / "broken.png"
    broken.write_bytes(whole[: len(whole) // 2])
    for path, words in [(str(tmp_path / "nope.png"), "cannot read"),
                        (str(broken), "damaged or truncated")]:
        with pytest.raises(CommandError) as raised:
            call_command("generate", "--tenant", "acme", "--model", "nova-2-omni",
                         "--operation", "image_to_image", "--prompt", "x", "--image", path)
        assert "images[0]" in str(raised.value) and words in str(raised.value)
    assert not Job.objects.for_tenant(acme.tenant).exists()
    assert bedrock.requests == []


def test_a_failed_job_exits_1(acme, bedrock, transactional_db, empty_queue):
    from tests.fakes import bedrock_outcomes as out

    bedrock.script("us.amazon.nova-2-omni-v1:0", out.access_denied())
    with pytest.raises(CommandError) as raised:
        call_command("generate", "--tenant", "acme", "--model", "nova-2-omni", "--prompt",
                     "a lamp", "--wait")
    assert raised.value.returncode == 1 and "failed" in str(raised.value)
