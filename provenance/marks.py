"""Provenance on every image Atelier makes: an invisible watermark carrying the asset's id
(for models that do not watermark their own output) and C2PA Content Credentials declaring
the image AI-generated, by which model, through Atelier. Outputs that already carry their
provider's credentials (Amazon's models) keep them untouched.
"""

from __future__ import annotations

import io
import logging
import uuid
from pathlib import Path
from typing import Any

from django.conf import settings
from PIL import Image

from provenance import content_credentials, watermark
from provenance.dev_ca import mint_signing_identity

log = logging.getLogger("atelier.provenance")

# Families whose models embed their own invisible watermark (docs/moderation.md, "Provenance").
SELF_WATERMARKING = {"nova-canvas", "titan", "nova-omni"}
PIL_FORMATS = {"png": "PNG", "jpeg": "JPEG", "webp": "WEBP"}


def asset_id_for(job_id: Any, index: int) -> uuid.UUID:
    """The same id on every run of the job, so a retried image carries the same watermark."""
    return uuid.uuid5(uuid.UUID(str(job_id)), f"image-{index}")


def signing_identity() -> tuple[Path, Path] | None:
    """The platform's C2PA certificate chain and key; a local test CA on a developer machine;
    None in production when none is configured (then nothing is signed, and it says so)."""
    if settings.ATELIER_C2PA_CERT_FILE and settings.ATELIER_C2PA_KEY_FILE:
        return Path(settings.ATELIER_C2PA_CERT_FILE), Path(settings.ATELIER_C2PA_KEY_FILE)
    if settings.ATELIER_C2PA_TEST_CA:
        return mint_signing_identity(settings.VAR_DIR / "c2pa")
    return None


def _watermarked(data: bytes, fmt: str, payload: bytes) -> bytes:
    image = Image.open(io.BytesIO(data))
    image.load()
    marked = watermark.embed(image.convert("RGBA" if "A" in image.getbands() else "RGB"),
                             payload)
    buffer = io.BytesIO()
    options: dict[str, Any] = {"quality": 95} if fmt in ("jpeg", "webp") else {}
    if fmt == "png" and "parameters" in image.info:
        from PIL import PngImagePlugin

        info = PngImagePlugin.PngInfo()
        info.add_text("parameters", image.info["parameters"])
        options["pnginfo"] = info
    marked.save(buffer, PIL_FORMATS[fmt], **options)
    return buffer.getvalue()


def mark(data: bytes, fmt: str, *, family: str, asset_id: uuid.UUID, model_id: str,
         model_name: str, title: str) -> tuple[bytes, dict[str, Any]]:
    """The bytes to store and deliver, and the record of what was applied."""
    record: dict[str, Any] = {}
    existing = content_credentials.read(data, fmt)
    if existing.state != "none":
        record["c2pa"] = {"by": "provider", "state": existing.state,
                          "claim_generator": existing.claim_generator}
        record["watermark"] = {"by": "provider"}
        return data, record
    if family in SELF_WATERMARKING:
        record["watermark"] = {"by": "provider"}
    else:
        payload = watermark.payload_for(asset_id)
        data = _watermarked(data, fmt, payload)
        record["watermark"] = {"by": "atelier", "payload": payload.hex()}
    identity = signing_identity()
    if identity is None:
        record["c2pa"] = {"by": "none", "state": "not configured"}
        return data, record
    try:
        data = content_credentials.sign(data, fmt, cert_file=identity[0], key_file=identity[1],
                                        model_id=model_id, model_name=model_name,
                                        asset_id=str(asset_id), title=title)
        record["c2pa"] = {"by": "atelier", "state": "signed"}
    except ValueError as exc:  # a format C2PA cannot carry: say so, keep the image
        log.warning("no content credentials for %s: %s", asset_id, exc)
        record["c2pa"] = {"by": "none", "state": f"unsupported: {exc}"}
    return data, record


def inspect(data: bytes, fmt: str) -> dict[str, Any]:
    """What `verify_provenance` and the API report about a file."""
    image = Image.open(io.BytesIO(data))
    image.load()
    payload = watermark.detect(image)
    report = content_credentials.read(data, fmt)
    return {"watermark": payload.hex() if payload else None,
            "c2pa": {"state": report.state, "claim_generator": report.claim_generator,
                     "digital_source_type": report.digital_source_type,
                     "issuer": report.issuer, "errors": list(report.errors)}}
