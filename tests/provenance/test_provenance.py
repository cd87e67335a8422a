"""Provenance on every image: Atelier's invisible watermark where the model adds none, C2PA
Content Credentials signed by the platform, the provider's own credentials kept untouched."""

from __future__ import annotations

import io
import json

from django.core.files.storage import default_storage
from django.core.management import call_command
from PIL import Image

from assets.models import Asset
from generation.runner import run_job
from provenance import content_credentials, watermark
from provenance import marks as provenance
from provenance.dev_ca import mint_signing_identity
from tests.factories import JobFactory
from tests.helpers import png_bytes


def stored(asset: Asset) -> bytes:
    with default_storage.open(asset.storage_key, "rb") as handle:
        return handle.read()


def test_local_images_carry_atelier_watermark_and_credentials(submit, owner):
    job = submit(seed=3, size="512x512")
    run_job(job.pk)
    asset = Asset.unscoped.get(job=job)
    assert asset.pk == provenance.asset_id_for(job.pk, 0)
    payload = watermark.payload_for(asset.pk)
    assert asset.provenance == {"watermark": {"by": "atelier", "payload": payload.hex()},
                                "c2pa": {"by": "atelier", "state": "signed",
                                         "actions": ["c2pa.created"], "ingredients": [],
                                         "discloses": []}}
    data = stored(asset)
    assert watermark.detect(Image.open(io.BytesIO(data))) == payload
    report = content_credentials.read(data, "png")
    assert report.state == "valid"
    assert report.digital_source_type.endswith("trainedAlgorithmicMedia")
    assert "atelier" in (report.claim_generator or "").lower()
    assert owner.get(f"/api/v1/assets/{asset.pk}").json()["provenance"] == asset.provenance


def test_verify_provenance_names_the_asset_and_the_credentials(submit, tmp_path, capsys):
    job = submit(seed=8, size="512x512")
    run_job(job.pk)
    asset = Asset.unscoped.get(job=job)
    path = tmp_path / "download.png"
    path.write_bytes(stored(asset))
    call_command("verify_provenance", str(path), "--json")
    report = json.loads(capsys.readouterr().out)
    assert report["watermark"] == watermark.payload_for(asset.pk).hex()
    assert report["asset"] == str(asset.pk)
    assert report["c2pa"]["state"] == "valid"


def test_verify_provenance_survives_a_jpeg_copy_and_sees_no_mark_on_other_images(
        submit, tmp_path, capsys):
    job = submit(seed=9, size="768x768")
    run_job(job.pk)
    asset = Asset.unscoped.get(job=job)
    copy = tmp_path / "copy.jpg"
    Image.open(io.BytesIO(stored(asset))).convert("RGB").save(copy, "JPEG", quality=90)
    call_command("verify_provenance", str(copy))
    out = capsys.readouterr().out
    assert watermark.payload_for(asset.pk).hex() in out and "c2pa:      none" in out
    plain = tmp_path / "plain.png"
    plain.write_bytes(png_bytes((300, 300), (120, 80, 40)))
    call_command("verify_provenance", str(plain))
    assert "watermark: none" in capsys.readouterr().out


def test_provider_credentials_are_kept_untouched(tmp_path):
    cert, key = mint_signing_identity(tmp_path / "provider", organization="Provider (test)")
    from_provider = content_credentials.sign(
        png_bytes((512, 512), (30, 60, 90)), "png", cert_file=cert, key_file=key,
        model_id="amazon.nova", model_name="Nova", asset_id="provider-image", title="provider")
    data, record = provenance.mark(from_provider, "png", family="nova-omni",
                                   asset_id=provenance.asset_id_for(
                                       "00000000-0000-0000-0000-000000000001", 0),
                                   model_id="us.amazon.nova-2-omni-v1:0", model_name="Omni")
    assert data == from_provider
    assert record["c2pa"]["by"] == "provider" and record["watermark"] == {"by": "provider"}


def test_amazon_models_are_not_watermarked_again_but_are_signed(acme, bedrock):
    job = JobFactory(tenant=acme.tenant, model="nova-2-omni", prompt="a lamp")
    run_job(job.pk)
    asset = Asset.unscoped.get(job=job)
    assert asset.provenance["watermark"] == {"by": "provider"}
    assert asset.provenance["c2pa"]["by"] == "atelier"
    assert watermark.detect(Image.open(io.BytesIO(stored(asset)))) is None
