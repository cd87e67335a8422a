"""Shared by the Content Credentials and verification tests: making images through the real
pipeline, and reading their manifests with c2pa-python itself (not Atelier's reader)."""

from __future__ import annotations

import io
import json
from typing import Any

import c2pa
from django.conf import settings
from django.core.files.storage import default_storage

from assets.models import Asset
from assets.uploads import create_upload
from generation.runner import run_job
from tests.factories import JobFactory
from tests.helpers import png_bytes

MIMES = {"png": "image/png", "jpeg": "image/jpeg", "webp": "image/webp", "avif": "image/avif"}
TRAINED = "http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia"
COMPOSITE = "http://cv.iptc.org/newscodes/digitalsourcetype/compositeWithTrainedAlgorithmicMedia"
PROMPT = "a porcelain teapot shaped like a lighthouse, studio light"


def stored(item: Any) -> bytes:
    """The stored bytes of an asset or a rendition."""
    with default_storage.open(item.storage_key, "rb") as handle:
        return handle.read()


def trust_anchor() -> str:
    """The development CA the tests sign with (minted under VAR_DIR by the first signature)."""
    return (settings.VAR_DIR / "c2pa" / "ca-cert.pem").read_text()


def independent(data: bytes, fmt: str, *, trusted: bool = False) -> dict[str, Any]:
    """c2pa-python's own reading of the file: the store as JSON, `validation_state` included.
    Offline; with `trusted`, the development CA as the trust anchor."""
    options: dict[str, Any] = {"verify": {"remote_manifest_fetch": False, "ocsp_fetch": False}}
    if trusted:
        options["trust"] = {"trust_anchors": trust_anchor()}
    context = c2pa.Context(settings=c2pa.Settings.from_dict(options))
    reader = c2pa.Reader.try_create(MIMES[fmt], io.BytesIO(data), None, context)
    assert reader is not None, "no manifest"
    with reader:
        return json.loads(reader.json())


def active(store: dict[str, Any]) -> dict[str, Any]:
    return store["manifests"][store["active_manifest"]]


def actions(manifest: dict[str, Any]) -> list[dict[str, Any]]:
    found = next(a for a in manifest["assertions"] if a["label"].startswith("c2pa.actions"))
    return found["data"]["actions"]


def facts(manifest: dict[str, Any]) -> dict[str, Any]:
    return next(a for a in manifest["assertions"] if a["label"] == "atelier.asset")["data"]


def generate(tenant: Any, *, fmt: str = "png", seed: int = 5, size: str = "512x512",
             prompt: str = PROMPT) -> Asset:
    job = JobFactory(tenant=tenant, prompt=prompt, seed=seed, size=size,
                     params={"output_format": fmt})
    run_job(job.pk)
    return Asset.unscoped.get(job=job)


def edit(tenant: Any, model: str, operation: str, source: Asset, *, mask: Asset | None = None,
         prompt: str = "", **fields: Any) -> Asset:
    """Run an edit of `source` (an upload or an earlier image) through the real runner."""
    job = JobFactory(tenant=tenant, model=model, operation=operation, prompt=prompt,
                     images=[str(source.pk)], mask=str(mask.pk) if mask else None, **fields)
    run_job(job.pk)
    return Asset.unscoped.get(job=job)


def photo_upload(tenant: Any) -> tuple[Asset, Asset]:
    """A tenant's photo and a mask for it (white: the area to change), as uploads."""
    photo = create_upload(tenant, png_bytes((512, 512), (40, 90, 160), box=(100, 100, 400, 400),
                                            box_color=(220, 200, 90)), filename="shoe.png")
    mask = create_upload(tenant, png_bytes((512, 512), (0, 0, 0), box=(150, 150, 350, 350),
                                           box_color=(255, 255, 255)), filename="mask.png")
    return photo, mask
