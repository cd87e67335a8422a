"""Content Credentials tell the truth about how an image came to be, and leak nothing (issue 9).

Read with c2pa-python itself (tests/provenance/c2pa_checks.py), not with Atelier's reader:
generation says `c2pa.created`; an edit says `c2pa.opened` on the source (its parent
ingredient) then `c2pa.edited`, the mask an `inputTo` ingredient; an edit of an Atelier image
chains that image's own manifest; the prompt and the tenant appear only when the tenant opted
in."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from catalog.operations import OPERATION_DEFAULTS
from provenance import marks
from tenants.services import set_credentials_preferences
from tests.provenance.c2pa_checks import (
    COMPOSITE,
    PROMPT,
    TRAINED,
    actions,
    active,
    edit,
    facts,
    generate,
    independent,
    photo_upload,
    stored,
)


def _parent(manifest: dict) -> dict:
    (parent,) = [i for i in manifest["ingredients"] if i["relationship"] == "parentOf"]
    return parent


def test_every_operation_is_either_a_creation_or_an_edit():
    operations = set(OPERATION_DEFAULTS)
    assert operations >= marks.EDIT_OPERATIONS
    assert operations == marks.CREATE_OPERATIONS | marks.EDIT_OPERATIONS
    assert "text_to_image" in marks.CREATE_OPERATIONS
    assert {"inpaint", "outpaint", "upscale", "image_to_image", "remove_background",
            "replace_background", "variation"} <= marks.EDIT_OPERATIONS


def test_generation_is_created_by_a_trained_model(acme):
    asset = generate(acme.tenant)

    store = independent(stored(asset), "png", trusted=True)

    assert store["validation_state"] == "Trusted"
    manifest = active(store)
    [created] = actions(manifest)
    assert created["action"] == "c2pa.created"
    assert created["digitalSourceType"] == TRAINED
    assert created["softwareAgent"]["model_id"] == "atelier.local-v1"
    assert manifest.get("ingredients", []) == []
    assert facts(manifest)["asset_id"] == str(asset.pk)
    assert facts(manifest)["operation"] == "text_to_image"
    assert asset.provenance["c2pa"]["actions"] == ["c2pa.created"]


def test_inpaint_of_an_upload_opens_it_and_edits_with_the_mask(acme):
    photo, mask = photo_upload(acme.tenant)

    asset = edit(acme.tenant, "stability-inpaint", "inpaint", photo, mask=mask,
                 prompt="a red leather boot")

    store = independent(stored(asset), asset.format, trusted=True)
    assert store["validation_state"] == "Trusted"
    manifest = active(store)
    opened, edited = actions(manifest)
    assert opened["action"] == "c2pa.opened"
    assert edited["action"] == "c2pa.edited"
    assert edited["digitalSourceType"] == COMPOSITE
    assert edited["softwareAgent"]["name"] == "Stability Inpaint"
    parent = _parent(manifest)
    assert parent["title"] == f"{photo.pk}.png"
    [mask_ingredient] = [i for i in manifest["ingredients"] if i["relationship"] == "inputTo"]
    assert mask_ingredient["title"] == f"{mask.pk}.png"
    assert mask_ingredient["description"].startswith("mask")
    # Each action names its ingredients: opened the parent, edited the mask.
    labels = {i["label"]: i for i in manifest["ingredients"]}
    opened_uses = [ref["url"].rsplit("/", 1)[-1] for ref in opened["parameters"]["ingredients"]]
    edited_uses = [ref["url"].rsplit("/", 1)[-1] for ref in edited["parameters"]["ingredients"]]
    assert [labels[u]["relationship"] for u in opened_uses] == ["parentOf"]
    assert [labels[u]["title"] for u in edited_uses] == [f"{mask.pk}.png"]
    assert "active_manifest" not in parent  # an upload without credentials of its own
    assert asset.provenance["c2pa"]["actions"] == ["c2pa.opened", "c2pa.edited"]
    assert asset.provenance["c2pa"]["ingredients"] == [
        {"asset_id": str(photo.pk), "role": "source", "relationship": "parentOf"},
        {"asset_id": str(mask.pk), "role": "mask", "relationship": "inputTo"}]


@pytest.mark.parametrize("model, operation, fields", [
    ("stability-outpaint", "outpaint", {"aspect_ratio": "16:9"}),
    ("stability-upscale-fast", "upscale", {}),
])
def test_an_edit_of_an_atelier_image_chains_its_manifest(acme, model, operation, fields):
    original = generate(acme.tenant, seed=11)
    original_label = independent(stored(original), "png")["active_manifest"]

    derived = edit(acme.tenant, model, operation, original, **fields)

    store = independent(stored(derived), derived.format, trusted=True)
    assert store["validation_state"] == "Trusted"
    manifest = active(store)
    assert [a["action"] for a in actions(manifest)] == ["c2pa.opened", "c2pa.edited"]
    parent = _parent(manifest)
    assert parent["active_manifest"] == original_label
    assert parent["title"] == f"{original.pk}.png"
    chained = store["manifests"][original_label]
    assert [a["action"] for a in actions(chained)] == ["c2pa.created"]
    assert facts(chained)["asset_id"] == str(original.pk)
    assert facts(manifest)["asset_id"] == str(derived.pk)


def _text_chunks(data: bytes) -> dict:
    return {k: v for k, v in Image.open(io.BytesIO(data)).info.items() if isinstance(v, str)}


def test_no_prompt_and_no_tenant_in_the_file_by_default(acme):
    asset = generate(acme.tenant, prompt=PROMPT)
    data = stored(asset)

    store = independent(data, "png")
    manifests = str(store)
    for secret in (PROMPT, "lighthouse", "Acme Goods"):
        assert secret not in manifests
        assert secret.encode() not in data
    assert "acme" not in manifests.lower()
    assert _text_chunks(data) == {}  # the renderer's `parameters` chunk is gone
    manifest = active(store)
    assert manifest["title"] == f"Image made with Atelier ({asset.pk})"
    assert set(facts(manifest)) == {"asset_id", "model_id", "model_name", "operation"}
    assert asset.provenance["c2pa"]["discloses"] == []


def test_an_edit_leaks_neither_prompt_nor_tenant(acme):
    photo, mask = photo_upload(acme.tenant)
    asset = edit(acme.tenant, "stability-inpaint", "inpaint", photo, mask=mask, prompt=PROMPT)
    data = stored(asset)

    manifests = str(independent(data, asset.format))

    assert PROMPT not in manifests and PROMPT.encode() not in data
    assert "Acme Goods" not in manifests and b"Acme Goods" not in data
    assert "shoe.png" not in manifests  # upload file names stay out: ingredients are ids


def test_opted_in_prompt_and_publisher_are_in_the_credentials(acme):
    set_credentials_preferences(acme.tenant, embed_prompt=True, reveal_tenant=True)

    asset = generate(acme.tenant, prompt=PROMPT)

    manifest = active(independent(stored(asset), "png"))
    assert manifest["title"] == PROMPT
    assert facts(manifest)["prompt"] == PROMPT
    assert facts(manifest)["publisher"] == "Acme Goods"
    assert PROMPT in _text_chunks(stored(asset)).get("parameters", "")
    assert asset.provenance["c2pa"]["discloses"] == ["prompt", "publisher"]


def test_each_opt_in_is_its_own(acme):
    set_credentials_preferences(acme.tenant, embed_prompt=False, reveal_tenant=True)

    asset = generate(acme.tenant, prompt=PROMPT)

    manifest = active(independent(stored(asset), "png"))
    assert facts(manifest)["publisher"] == "Acme Goods"
    assert "prompt" not in facts(manifest) and PROMPT not in str(manifest)


def _damaged_manifest(data: bytes) -> bytes:
    """A PNG whose C2PA chunk is garbled but well-formed as a PNG chunk (its CRC fixed)."""
    import struct
    import zlib

    broken = bytearray(data)
    start = broken.index(b"caBX")
    (length,) = struct.unpack(">I", broken[start - 4:start])
    broken[start + 4 + 400] ^= 0xFF
    crc = zlib.crc32(bytes(broken[start:start + 4 + length])) & 0xFFFFFFFF
    broken[start + 4 + length:start + 8 + length] = struct.pack(">I", crc)
    return bytes(broken)


def test_a_source_with_damaged_credentials_is_still_named(acme):
    from assets.uploads import create_upload

    damaged = _damaged_manifest(stored(generate(acme.tenant, seed=12)))
    source = create_upload(acme.tenant, damaged, filename="garbled.png")

    asset = edit(acme.tenant, "stability-upscale-fast", "upscale", source)

    manifest = active(independent(stored(asset), asset.format, trusted=True))
    parent = _parent(manifest)
    assert parent["title"] == f"{source.pk}.png"
    assert "could not be carried" in parent["description"]
    assert [a["action"] for a in actions(manifest)] == ["c2pa.opened", "c2pa.edited"]
