"""Bad input to POST /jobs and `generate`: a 400 (exit 2) naming the field; no job, no message."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from generation.models import Job
from tests.conftest import queued_messages

BASE = {"model": "local", "prompt": "a ceramic mug"}

# (body changes, the field the error must name)
BAD_BODIES = [
    ({"model": "no-such-model"}, "model"),
    ({"model": ""}, "model"),
    ({"operation": "teleport"}, "operation"),
    ({"operation": "inpaint"}, "operation"),
    ({"n": 0}, "n"),
    ({"n": 17}, "n"),
    ({"n": -3}, "n"),
    ({"n": 10**30}, "n"),
    ({"n": "four"}, "n"),
    ({"n": 2.5}, "n"),
    ({"size": "1000x1000"}, "size"),
    ({"size": "4096x4096"}, "size"),
    ({"size": "32x32"}, "size"),
    ({"size": "big"}, "size"),
    ({"size": "1024x1024", "aspect_ratio": "1:1"}, "size"),
    ({"aspect_ratio": "7:3"}, "aspect_ratio"),
    ({"prompt": ""}, "prompt"),
    ({"prompt": "   "}, "prompt"),
    ({"prompt": "x" * 2001}, "prompt"),
    ({"negative_prompt": "y" * 2001}, "negative_prompt"),
    ({"seed": -1}, "seed"),
    ({"seed": 2**32}, "seed"),
    ({"quality": "ultra"}, "quality"),
    ({"style": "watercolor"}, "style"),
    ({"stage": "published"}, "stage"),
    ({"params": {"output_format": "gif"}}, "params.output_format"),
    ({"params": {"steps": 30}}, "params.steps"),
    ({"params": "png"}, "params"),
    ({"images": ["abc"]}, "images"),
    ({"mask_prompt": "the shoe"}, "mask_prompt"),
    ({"colour": "red"}, "colour"),
]


@pytest.mark.parametrize(("changes", "field"), BAD_BODIES,
                         ids=[f"{f}:{next(iter(c.values()))!r}"[:40] for c, f in BAD_BODIES])
def test_bad_job_body_is_a_400_naming_the_field(owner, acme, empty_queue, changes, field):
    response = owner.post("/api/v1/jobs", {**BASE, **changes}, format="json")
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["field"] == field
    assert body["message"].startswith(f"{field}:") or field in body["message"]
    assert body["code"]
    assert not Job.objects.for_tenant(acme.tenant).exists()
    assert queued_messages() == 0


@pytest.mark.parametrize("raw, content_type", [
    ("{not json", "application/json"),
    ("", "application/json"),
    ("[1, 2]", "application/json"),
    ('"just a string"', "application/json"),
])
def test_malformed_bodies_are_400(owner, acme, empty_queue, raw, content_type):
    response = owner.generic("POST", "/api/v1/jobs", raw, content_type=content_type)
    assert response.status_code == 400
    assert response.json()["code"] in ("invalid_json", "invalid_request")
    assert "message" in response.json()
    assert not Job.objects.for_tenant(acme.tenant).exists()
    assert queued_messages() == 0


def test_unsupported_content_type_is_415(owner, acme, empty_queue):
    response = owner.generic("POST", "/api/v1/jobs", "model=local", content_type="text/plain")
    assert response.status_code == 415
    assert response.json()["code"] == "unsupported_media_type"
    assert not Job.objects.for_tenant(acme.tenant).exists()


def cli_args(changes: dict) -> list[str]:
    options = {**BASE, **changes}
    args = ["--tenant", "acme"]
    for name, value in options.items():
        if name == "params":
            args += [item for k, v in value.items() for item in ("--param", f"{k}={v}")]
        elif name == "images":
            args += [item for v in value for item in ("--image", v)]
        else:
            args += [f"--{name.replace('_', '-')}", str(value)]
    return args


def _cli_expressible(changes: dict) -> bool:
    """Cases the CLI can state at all: argparse itself refuses wrong types, choices and
    both-of-an-exclusive-pair before Atelier's code runs, and has no free-form fields."""
    if set(changes) & {"colour", "stage"} or {"size", "aspect_ratio"} <= set(changes):
        return False
    if isinstance(changes.get("params"), str):
        return False
    return not isinstance(changes.get("n"), (str, float))


CLI_CASES = [(c, f) for c, f in BAD_BODIES if _cli_expressible(c)]


@pytest.mark.parametrize(("changes", "field"), CLI_CASES,
                         ids=[f"{f}:{next(iter(c.values()))!r}"[:40] for c, f in CLI_CASES])
def test_bad_generate_options_exit_2_naming_the_field(acme, empty_queue, changes, field):
    with pytest.raises(CommandError) as raised:
        call_command("generate", *cli_args(changes))
    assert raised.value.returncode == 2
    assert f"{field}" in str(raised.value)
    assert not Job.objects.for_tenant(acme.tenant).exists()
    assert queued_messages() == 0


def test_generate_for_an_unknown_tenant_exits_2(db, empty_queue):
    with pytest.raises(CommandError) as raised:
        call_command("generate", "--tenant", "nobody", "--model", "local", "--prompt", "x")
    assert raised.value.returncode == 2 and "tenant" in str(raised.value)


@pytest.mark.parametrize(("path", "body", "field"), [
    ("/api/v1/jobs", {**BASE, "params": {"output_format": "png\x00"}}, "params.output_format"),
    ("/api/v1/jobs", {"model": "local", "template": "studio", "slots": {"subject": "a\x00"}},
     "slots.subject"),
    ("/api/v1/jobs", {**BASE, "params": {"k\x00": 1}}, "params"),
    ("/api/v1/jobs?x=%00", BASE, "x"),
    ("/api/v1/templates", {"name": "t2", "prompt": "a {x}", "slot_defaults": {"x": "\x00"}},
     "slot_defaults.x"),
    ("/api/v1/batches", {"items": [{"sku": "A\x00", "model": "local", "prompt": "a mug"}]},
     "items.0.sku"),
])
def test_nul_characters_are_a_400_naming_the_field(owner, acme, empty_queue, path, body, field):
    """Found by the schema fuzzer on PostgreSQL, whose text and jsonb cannot hold NUL: a slot
    value, a template's slot default or a batch SKU with one was a 500 (DataError)."""
    created = owner.post("/api/v1/templates", {"name": "studio", "prompt": "a {subject}"},
                         format="json")
    assert created.status_code == 201, created.content
    response = owner.post(path, body, format="json")
    assert response.status_code == 400, response.content
    assert (response.json()["code"], response.json()["field"]) == ("invalid_parameter", field)
    assert not Job.objects.for_tenant(acme.tenant).exists()
    assert queued_messages() == 0
