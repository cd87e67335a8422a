"""Verifying an image (issue 10), the service: did Atelier make it, when, with which model, has
it been changed since, what do its Content Credentials say; the tenant only if it allows it."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from PIL import Image

from assets.renditions import make_renditions
from core.errors import InvalidParameter
from provenance import content_credentials, watermark
from provenance.dev_ca import mint_signing_identity
from provenance.verify import verify
from tenants.services import set_credentials_preferences
from tests.helpers import encoded, png_bytes, png_header
from tests.provenance.c2pa_checks import edit, generate, photo_upload, stored

LOCAL = {"name": "Atelier local renderer (offline, free)", "id": "atelier.local-v1"}


def _jpeg_copy(data: bytes) -> bytes:
    """What a screenshot or a re-save does: same pixels, new file, no metadata."""
    return encoded(Image.open(io.BytesIO(data)).convert("RGB"), "JPEG", quality=90)


def test_an_atelier_image_as_delivered(acme):
    asset = generate(acme.tenant, seed=21, size="768x768")

    report = verify(stored(asset))

    assert report.made_by_atelier and report.verdict == "unaltered"
    assert report.edited_since is False and report.changes == ()
    assert set(report.evidence) == {"content_credentials", "watermark", "exact_copy"}
    assert report.asset_id == str(asset.pk)
    assert report.created_at == asset.created_at
    assert report.model == LOCAL
    assert report.publisher is None
    answer = report.as_dict()
    credentials = answer["content_credentials"]
    assert credentials["state"] == "trusted" and credentials["signed_by_atelier"]
    assert [a["action"] for a in credentials["actions"]] == ["c2pa.created"]
    assert credentials["issuer"] == "Atelier (test)"
    assert answer["summary"][0].startswith("Atelier made this image on ")
    assert "Atelier local renderer" in answer["summary"][0]
    assert "The publisher has chosen not to be named." in answer["summary"]


def test_a_reencoded_copy_is_atelier_s_but_edited_since(acme):
    asset = generate(acme.tenant, seed=9, size="768x768")

    report = verify(_jpeg_copy(stored(asset)))

    assert report.watermark == watermark.payload_for(asset.pk).hex()
    assert report.credentials.state == "none"
    assert report.made_by_atelier and report.verdict == "edited_since"
    assert report.edited_since is True and report.changes == ("credentials_removed",)
    assert report.evidence == ("watermark",)
    assert (report.asset_id, report.created_at, report.model) == (str(asset.pk),
                                                                    asset.created_at, LOCAL)
    assert "changed since" in " ".join(report.sentences())


def test_a_foreign_image_is_not_recognised():
    report = verify(png_bytes((300, 300), (120, 80, 40)))

    assert not report.made_by_atelier and report.verdict == "not_recognized"
    assert report.edited_since is None and report.asset_id is None
    assert report.watermark is None and report.credentials.state == "none"
    assert report.sentences()[0].startswith("Atelier found no sign that it made this image")


def test_someone_elses_credentials_are_reported_but_not_taken_for_atelier_s(tmp_path, db):
    cert, key = mint_signing_identity(tmp_path / "other", organization="Other Studio")
    signed = content_credentials.sign(png_bytes((320, 320), (10, 120, 60)), "png",
                                      cert_file=cert, key_file=key, model_id="x", model_name="X",
                                      asset_id="00000000-0000-0000-0000-000000000000",
                                      title="theirs")

    answer = verify(signed).as_dict()

    assert answer["made_by_atelier"] is False and answer["asset_id"] is None
    assert answer["content_credentials"]["state"] == "valid"  # valid, not trusted by Atelier
    assert answer["content_credentials"]["signed_by_atelier"] is False
    assert answer["content_credentials"]["issuer"] == "Other Studio"


def test_credentials_signed_after_atelier_s_mean_edited_since(acme, tmp_path):
    asset = generate(acme.tenant, seed=23, size="768x768")
    cert, key = mint_signing_identity(tmp_path / "editor", organization="Photo Editor Inc")
    resigned = content_credentials.sign(stored(asset), "png", cert_file=cert, key_file=key,
                                        model_id="editor", model_name="Editor",
                                        asset_id="later", title="touched up")

    report = verify(resigned)

    assert report.made_by_atelier and report.verdict == "edited_since"
    assert report.changes == ("later_edits",)
    assert report.asset_id == str(asset.pk)
    history = report.as_dict()["content_credentials"]["history"]
    assert [m["signed_by_atelier"] for m in history] == [False, True]


def test_tampered_pixels_break_the_credentials(acme):
    asset = generate(acme.tenant, fmt="jpeg", seed=24, size="768x768")
    data = bytearray(stored(asset))
    position = data.rindex(b"\xff\xda") + 400  # inside the scan, never in the manifest
    while data[position] in (0xFE, 0xFF):  # keep JPEG's marker structure intact
        position += 1
    data[position] ^= 0x01

    report = verify(bytes(data))

    assert report.verdict == "edited_since"
    assert report.changes == ("credentials_broken",)


def test_an_edit_names_its_model_and_chain(acme):
    photo, mask = photo_upload(acme.tenant)
    asset = edit(acme.tenant, "stability-inpaint", "inpaint", photo, mask=mask,
                 prompt="a red boot")

    answer = verify(stored(asset)).as_dict()

    assert answer["verdict"] == "unaltered" and answer["operation"] == "inpaint"
    assert answer["model"] == {"name": "Stability Inpaint",
                               "id": "us.stability.stable-image-inpaint-v1:0"}
    credentials = answer["content_credentials"]
    assert [a["action"] for a in credentials["actions"]] == ["c2pa.opened", "c2pa.edited"]
    assert {(i["title"], i["relationship"]) for i in credentials["ingredients"]} == {
        (f"{photo.pk}.png", "parentOf"), (f"{mask.pk}.png", "inputTo")}


def test_renditions_verify_as_delivered_copies(acme):
    asset = generate(acme.tenant, seed=25, size="1024x1024")

    for rendition in make_renditions(asset):
        report = verify(stored(rendition))
        assert report.verdict == "unaltered", rendition.storage_key
        assert "exact_copy" in report.evidence and report.asset_id == str(asset.pk)


def test_the_tenant_is_named_only_when_it_allows_it(acme):
    asset = generate(acme.tenant, seed=26)
    data = stored(asset)
    assert verify(data).publisher is None
    assert "Acme" not in json.dumps(verify(data).as_dict(), default=str)

    set_credentials_preferences(acme.tenant, embed_prompt=False, reveal_tenant=True)

    report = verify(data)
    assert report.publisher == "Acme Goods"
    assert "Published by Acme Goods." in report.sentences()

    set_credentials_preferences(acme.tenant, embed_prompt=False, reveal_tenant=False)
    assert verify(data).publisher is None  # taking it back applies at once


def test_an_upload_is_never_recognised(acme):
    """A tenant's own upload is not Atelier's work, and saying it is on record would leak it."""
    photo, _ = photo_upload(acme.tenant)

    report = verify(stored(photo))

    assert not report.made_by_atelier and report.asset_id is None


@pytest.mark.parametrize("data, message", [
    (b"", "is empty"),
    (b"GIF89a" + b"\x00" * 40, "not an image"),
    (png_header(20_000, 20_000), "pixels"),
    (png_bytes((40, 40), fmt="GIF"), "must be PNG, JPEG, WebP or AVIF"),
])
def test_what_is_not_an_image_is_refused(data, message, db):
    with pytest.raises(InvalidParameter, match=message) as refused:
        verify(data)
    assert refused.value.field == "file"


def test_verify_provenance_reports_the_verdict(acme, tmp_path, capsys):
    asset = generate(acme.tenant, seed=27)
    path = tmp_path / "image.png"
    path.write_bytes(stored(asset))

    call_command("verify_provenance", str(path), "--json")

    report = json.loads(capsys.readouterr().out)
    assert report["asset"] == str(asset.pk)
    assert report["verification"]["verdict"] == "unaltered"
    assert report["c2pa"]["trusted"] is True
