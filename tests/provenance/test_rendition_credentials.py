"""Every deliverable carries valid Content Credentials (issue 9): PNG, JPEG and WebP originals
and each of their renditions (WebP made at once, AVIF on first request), checked with
c2pa-python's own reader. A rendition's manifest names the original as its parent, so the
original's chains."""

from __future__ import annotations

import hashlib

import pytest

from assets.renditions import lazy_plans, make_rendition, make_renditions
from provenance import marks
from tests.provenance.c2pa_checks import actions, active, facts, generate, independent, stored


@pytest.mark.parametrize("fmt", ["png", "jpeg", "webp"])
def test_originals_and_every_rendition_validate(acme, fmt):
    asset = generate(acme.tenant, fmt=fmt, size="1024x1024", seed=4)
    original = independent(stored(asset), fmt, trusted=True)
    assert asset.format == fmt
    assert original["validation_state"] == "Trusted"
    assert independent(stored(asset), fmt)["validation_state"] == "Valid"  # no anchor: valid

    renditions = make_renditions(asset)
    renditions += [make_rendition(asset, plan) for plan in lazy_plans(asset.width, asset.height)]

    assert {(r.kind, r.format) for r in renditions} == {("thumbnail", "webp"), ("web", "webp"),
                                                        ("web", "avif")}
    for rendition in renditions:
        data = stored(rendition)
        store = independent(data, rendition.format, trusted=True)
        assert store["validation_state"] == "Trusted", (rendition.storage_key, store)
        manifest = active(store)
        done = [a["action"] for a in actions(manifest)]
        assert done[0] == "c2pa.opened" and "c2pa.resized" in done
        assert ("c2pa.transcoded" in done) == (rendition.format != fmt)
        (parent,) = manifest["ingredients"]
        assert parent["relationship"] == "parentOf"
        assert parent["active_manifest"] == original["active_manifest"]
        assert [a["action"] for a in actions(store["manifests"][parent["active_manifest"]])] \
            == ["c2pa.created"]
        assert facts(manifest)["asset_id"] == str(asset.pk)
        assert rendition.bytes == len(data)


def test_the_asset_records_each_renditions_credentials_and_hash(acme):
    asset = generate(acme.tenant, size="512x512")

    renditions = make_renditions(asset)
    (lazy,) = lazy_plans(asset.width, asset.height)
    renditions.append(make_rendition(asset, lazy))

    asset.refresh_from_db()
    recorded = asset.provenance["renditions"]
    assert set(recorded) == {"thumb.webp", "w480.webp", "w480.avif"}
    assert len(renditions) == 3
    for rendition in renditions:
        name = rendition.storage_key.rsplit("/", 1)[-1]
        assert recorded[name] == {"c2pa": "signed",
                                  "sha256": hashlib.sha256(stored(rendition)).hexdigest()}


def test_a_format_without_credentials_is_recorded_as_such(acme, monkeypatch):
    asset = generate(acme.tenant, size="512x512")

    def refuse(*args, **kwargs):
        raise ValueError("no C2PA support for format 'avif'")

    real = marks.content_credentials.sign_rendition

    def sign_some(data, fmt, **kwargs):
        return refuse() if fmt == "avif" else real(data, fmt, **kwargs)

    monkeypatch.setattr(marks.content_credentials, "sign_rendition", sign_some)
    make_renditions(asset)
    make_rendition(asset, *lazy_plans(asset.width, asset.height))

    asset.refresh_from_db()
    recorded = asset.provenance["renditions"]
    assert recorded["w480.avif"]["c2pa"].startswith("unsupported: no C2PA support")
    assert recorded["w480.webp"]["c2pa"] == "signed"
