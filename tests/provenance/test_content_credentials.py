"""C2PA Content Credentials, offline, with a locally minted test CA: what a signed image
declares, that tampering shows, that a provider's manifest survives as the parent ingredient."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from provenance import content_credentials
from provenance.content_credentials import read, sign
from provenance.dev_ca import mint_signing_identity
from provenance.signing_identity import SigningIdentityError
from providers.local_render import render_image
from tests.helpers import encoded

FORMATS = ("png", "jpeg", "webp")
PIL_FORMATS = {"png": "PNG", "jpeg": "JPEG", "webp": "WEBP"}
# Where each format keeps its pixels: the manifest lives elsewhere (PNG caBX chunk near the
# start, JPEG APP11 segments before the scan, WebP C2PA chunk at the end).
PIXEL_MARKERS = {"png": b"IDAT", "jpeg": b"\xff\xda", "webp": b"VP8"}
UNTRUSTED = "signingCredential.untrusted: signing certificate untrusted"
MODEL = {"model_id": "amazon.nova-canvas-v1:0", "model_name": "Amazon Nova Canvas"}


@pytest.fixture(scope="module")
def identity(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    chain, key = mint_signing_identity(tmp_path_factory.mktemp("c2pa"))
    return {"cert_file": chain, "key_file": key}


def _image(fmt: str, seed: int = 7, side: int = 256) -> bytes:
    options = {"quality": 90} if fmt in ("jpeg", "webp") else {}
    return encoded(render_image("a gold watch on black velvet", seed, side, side),
                   PIL_FORMATS[fmt], **options)


def _signed(data: bytes, fmt: str, identity: dict[str, Path], asset_id: str = "asset-1") -> bytes:
    return sign(data, fmt, **identity, **MODEL, asset_id=asset_id, title=f"{asset_id}.{fmt}")


def _sign_png(cert_file: Path, key_file: Path) -> bytes:
    return sign(
        _image("png"),
        "png",
        cert_file=cert_file,
        key_file=key_file,
        **MODEL,
        asset_id="a",
        title="t",
    )


def _active(report: content_credentials.CredentialsReport) -> tuple[dict, dict]:
    store = json.loads(report.manifest_json or "{}")
    return store, store["manifests"][store["active_manifest"]]


def _flip_pixel_byte(data: bytes, fmt: str) -> bytes:
    """One bit flipped well inside the pixel data, never in the manifest."""
    marker = PIXEL_MARKERS[fmt]
    start = data.rindex(marker) if fmt == "jpeg" else data.index(marker)
    position = start + 200
    while data[position] in (0xFE, 0xFF):  # keep JPEG's marker structure intact
        position += 1
    tampered = bytearray(data)
    tampered[position] ^= 0x01
    return bytes(tampered)


@pytest.mark.parametrize("fmt", FORMATS)
def test_signed_image_declares_ai_generation_by_the_model_through_atelier(fmt, identity):
    report = read(_signed(_image(fmt), fmt, identity), fmt)

    assert report.state == "valid"
    assert report.digital_source_type == content_credentials.TRAINED_ALGORITHMIC_MEDIA
    assert report.claim_generator == "Atelier"
    assert report.issuer == "Atelier (test)"
    assert report.title == f"asset-1.{fmt}"
    assert report.asset_id == "asset-1"
    assert report.errors == (UNTRUSTED,)  # a test CA is on no trust list: valid, not trusted
    _, manifest = _active(report)
    actions = next(a for a in manifest["assertions"] if a["label"].startswith("c2pa.actions"))
    created = actions["data"]["actions"][0]
    assert created["action"] == "c2pa.created"
    assert created["softwareAgent"] == {"name": "Amazon Nova Canvas", "model_id": MODEL["model_id"]}
    facts = next(a for a in manifest["assertions"] if a["label"] == "atelier.asset")["data"]
    assert facts == {"asset_id": "asset-1", **MODEL}


@pytest.mark.parametrize("fmt", FORMATS)
def test_one_flipped_pixel_byte_makes_the_credentials_invalid(fmt, identity):
    signed = _signed(_image(fmt), fmt, identity)

    report = read(_flip_pixel_byte(signed, fmt), fmt)

    assert report.state == "invalid"
    assert any(error.startswith("assertion.dataHash.mismatch") for error in report.errors)


@pytest.mark.parametrize("fmt", FORMATS)
def test_unsigned_image_has_no_credentials(fmt):
    report = read(_image(fmt), fmt)

    assert report == content_credentials.CredentialsReport(state="none")


@pytest.mark.parametrize("fmt", FORMATS)
def test_resigning_keeps_the_first_manifest_as_parent_ingredient(fmt, identity):
    provider = _signed(_image(fmt), fmt, identity, asset_id="provider-asset")
    first_label = _active(read(provider, fmt))[0]["active_manifest"]

    report = read(_signed(provider, fmt, identity, asset_id="asset-2"), fmt)

    assert report.state == "valid"
    assert report.asset_id == "asset-2"
    assert report.digital_source_type == content_credentials.TRAINED_ALGORITHMIC_MEDIA
    store, manifest = _active(report)
    assert store["active_manifest"] != first_label
    assert first_label in store["manifests"]
    (parent,) = manifest["ingredients"]
    assert parent["relationship"] == "parentOf"
    assert parent["active_manifest"] == first_label
    opened = manifest["assertions"][0]["data"]["actions"][0]
    assert opened["action"] == "c2pa.opened"  # C2PA: a created asset cannot have a parent


def test_tampered_parent_is_recorded_in_the_new_manifest(identity):
    tampered = _flip_pixel_byte(_signed(_image("png"), "png", identity), "png")

    report = read(_signed(tampered, "png", identity, asset_id="asset-3"), "png")

    assert report.state == "valid"  # our signature covers the bytes as we received them
    assert any("ingredient" in e and "dataHash.mismatch" in e for e in report.errors)


def test_large_png_signs_and_reads(identity):
    signed = _signed(_image("png", side=1024), "png", identity)

    assert read(signed, "png").state == "valid"


def test_missing_key_file_is_a_clear_error_naming_it(identity, tmp_path):
    missing = tmp_path / "nowhere" / "key.pem"

    with pytest.raises(SigningIdentityError, match=re.escape(f"private key {missing}")):
        _sign_png(identity["cert_file"], missing)


def test_unreadable_certificate_is_a_clear_error_naming_it(identity, tmp_path):
    garbage = tmp_path / "chain.pem"
    garbage.write_text("not a certificate")

    with pytest.raises(SigningIdentityError, match=re.escape(f"certificate chain {garbage}")):
        _sign_png(garbage, identity["key_file"])


def test_key_of_another_identity_is_refused(identity, tmp_path):
    _, other_key = mint_signing_identity(tmp_path)

    with pytest.raises(SigningIdentityError, match="does not belong"):
        _sign_png(identity["cert_file"], other_key)


@pytest.mark.parametrize("fmt", ["gif", "tiff", ""])
def test_unsupported_format_is_a_value_error(fmt, identity):
    with pytest.raises(ValueError, match="no C2PA support"):
        sign(_image("png"), fmt, **identity, **MODEL, asset_id="a", title="t")
    with pytest.raises(ValueError, match="no C2PA support"):
        read(_image("png"), fmt)


def test_minting_is_idempotent(tmp_path):
    first = mint_signing_identity(tmp_path)
    contents = [path.read_bytes() for path in first]

    again = mint_signing_identity(tmp_path)

    assert again == first
    assert [path.read_bytes() for path in again] == contents
    assert first[1].stat().st_mode & 0o077 == 0  # the key is for its owner's eyes only
    assert first[0].read_text().count("BEGIN CERTIFICATE") == 2  # leaf, then CA
