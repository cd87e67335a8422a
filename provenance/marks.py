"""Provenance on every image Atelier makes: an invisible watermark carrying the asset's id
(for models that do not watermark their own output) and C2PA Content Credentials that say
truthfully how the image came to be: generated (`c2pa.created`), or an edit of the source
image (`c2pa.opened` on it as the parent ingredient, then `c2pa.edited`, the mask an `inputTo`
ingredient), by which model, through Atelier. Outputs that already carry their provider's
credentials (Amazon's models) keep them untouched.

Nothing identifies the tenant or repeats the prompt unless the tenant opted in
(`Tenant.embed_prompt_in_credentials`, `Tenant.reveal_tenant_in_verification`): not the
manifest's title, not its assertions, not the text chunks a model wrote into the file.
"""

from __future__ import annotations

import io
import logging
import struct
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from django.conf import settings
from PIL import Image, PngImagePlugin

from catalog.operations import OPERATION_DEFAULTS
from provenance import content_credentials, png, watermark
from provenance.content_credentials import Ingredient
from provenance.dev_ca import mint_signing_identity

if TYPE_CHECKING:
    from assets.models import Asset
    from assets.renditions import Plan
    from tenants.models import Tenant

log = logging.getLogger("atelier.provenance")

# Families whose models embed their own invisible watermark (docs/moderation.md, "Provenance").
SELF_WATERMARKING = {"nova-canvas", "titan", "nova-omni"}
PIL_FORMATS = {"png": "PNG", "jpeg": "JPEG", "webp": "WEBP"}
# A marked PNG is written by provenance.png (one NumPy row filter, zlib's run-length strategy:
# about half the time of Pillow's encoder with the options below). What that writer does not
# cover goes to Pillow, lossless with Z_RLE: by measurement on 1024 px images
# (docs/benchmarks.md) a third to a quarter of the time of the default level 6 (the
# watermark's grain makes level 6 slow); photographs come out the same size, flat renders up
# to half as large again.
PNG_OPTIONS: dict[str, Any] = {"compress_level": 1, "compress_type": 3}

# Operations that change an existing image: its first source image is the parent ingredient
# (`c2pa.opened`) and the model's work is `c2pa.edited`. Every other operation creates a new
# image (`c2pa.created`); the images it was given (a sketch, a style or colour reference) are
# `inputTo` ingredients. tests/provenance check that every catalog operation is in one set.
EDIT_OPERATIONS = frozenset({
    "image_to_image", "variation", "inpaint", "outpaint", "upscale", "remove_background",
    "replace_background", "search_replace", "search_recolor", "erase", "style_transfer",
    "virtual_try_on", "packshot", "shadow",
})
CREATE_OPERATIONS = frozenset(OPERATION_DEFAULTS) - EDIT_OPERATIONS
MASK_DESCRIPTION = "mask: the area the model was asked to change"
TITLE = "Image made with Atelier"
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_PNG_TEXT_CHUNKS = {b"tEXt", b"zTXt", b"iTXt"}


@dataclass(frozen=True)
class SourceFile:
    """An image an edit or a guided generation was given, as stored: the source photo (an
    upload or an earlier Atelier image, whose own manifest then chains), a reference, or the
    mask."""

    asset_id: str
    data: bytes
    fmt: str


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


@dataclass(frozen=True)
class SignerFacts:
    """How a verifier recognises Atelier's own signature: the signing certificate's serial
    number and the certificates it chains to (the trust anchors for c2pa's validator)."""

    serial: str
    trust_anchors: str


def signer_facts() -> SignerFacts | None:
    """Atelier's signer, from the configured chain (leaf first); None without one."""
    identity = signing_identity()
    if identity is None:
        return None
    try:
        chain = x509.load_pem_x509_certificates(identity[0].read_bytes())
    except (OSError, ValueError) as exc:
        log.warning("cannot read the C2PA certificate chain %s: %s", identity[0], exc)
        return None
    if len(chain) < 2:  # a self-signed leaf: c2pa validators refuse it anyway
        return None
    anchors = b"".join(cert.public_bytes(serialization.Encoding.PEM) for cert in chain[1:])
    return SignerFacts(serial=str(chain[0].serial_number), trust_anchors=anchors.decode())


def disclosures(tenant: Tenant | None, prompt: str) -> dict[str, str]:
    """What the tenant lets Content Credentials say about it: nothing by default."""
    facts: dict[str, str] = {}
    if tenant is not None and tenant.embed_prompt_in_credentials and prompt:
        facts["prompt"] = prompt
    if tenant is not None and tenant.reveal_tenant_in_verification:
        facts["publisher"] = tenant.name
    return facts


def _without_text_chunks(data: bytes) -> bytes:
    """A PNG without its text chunks (where tools write their generation parameters, the
    prompt among them); the pixels and every other chunk untouched. Other formats as given."""
    if not data.startswith(_PNG_SIGNATURE):
        return data
    kept, position = [_PNG_SIGNATURE], len(_PNG_SIGNATURE)
    while position + 8 <= len(data):
        (length,) = struct.unpack(">I", data[position:position + 4])
        kind = data[position + 4:position + 8]
        end = position + 12 + length
        if kind not in _PNG_TEXT_CHUNKS:
            kept.append(data[position:end])
        position = end
        if kind == b"IEND":
            break
    return b"".join(kept)


def decode(data: bytes) -> Image.Image:
    """The image's pixels, decoded once by the caller and handed to `mark`, which marks them
    (in place, or band by band straight into the PNG it writes): the caller decides when an
    image-sized buffer exists (generation.finishing decodes and marks at most one image per
    core at a time)."""
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def needs_pixels(family: str) -> bool:
    """Whether `mark` works on the pixels of this family's images (it adds the watermark)."""
    return family not in SELF_WATERMARKING


def _watermarked(data: bytes, fmt: str, payload: bytes, *, keep_parameters: bool,
                 pixels: Image.Image | None, spare: tuple[int, int, int] | None) -> bytes:
    image = decode(data) if pixels is None else pixels
    mode = "RGBA" if "A" in image.getbands() else "RGB"
    if image.mode != mode:
        image = image.convert(mode)
    keep_text = keep_parameters and "parameters" in image.info
    if fmt == "png" and not keep_text and png.writable(image):
        # marked a band at a time straight into the PNG writer: never pasted back
        bands = (band for _, band in watermark.marked_bands(np.asarray(image), payload, spare))
        return png.write_bands(image.size, image.mode, bands,
                               icc_profile=image.info.get("icc_profile"))
    watermark.embed_in_place(image, payload, spare)
    buffer = io.BytesIO()
    options: dict[str, Any] = {"quality": 95} if fmt in ("jpeg", "webp") else PNG_OPTIONS
    if image.info.get("icc_profile"):  # the colour space stays said (a packshot's sRGB)
        options = {**options, "icc_profile": image.info["icc_profile"]}
    if fmt == "png" and keep_text:
        info = PngImagePlugin.PngInfo()
        info.add_text("parameters", image.info["parameters"])
        options = {**options, "pnginfo": info}
    image.save(buffer, PIL_FORMATS[fmt], **options)
    return buffer.getvalue()


def _ingredients(operation: str, sources: Sequence[SourceFile], mask: SourceFile | None
                 ) -> list[Ingredient]:
    """The files the image was made from, as C2PA ingredients (titles: their asset ids)."""
    edit = operation in EDIT_OPERATIONS
    made_from = []
    for position, source in enumerate(sources):
        relationship = "parentOf" if edit and position == 0 else "inputTo"
        description = "" if relationship == "parentOf" else "reference image given to the model"
        made_from.append(Ingredient(source.data, source.fmt, relationship,
                                    title=f"{source.asset_id}.{source.fmt}",
                                    description=description))
    if mask is not None:
        made_from.append(Ingredient(mask.data, mask.fmt, "inputTo",
                                    title=f"{mask.asset_id}.{mask.fmt}",
                                    description=MASK_DESCRIPTION))
    return made_from


def mark(data: bytes, fmt: str, *, family: str, asset_id: uuid.UUID, model_id: str,
         model_name: str, operation: str = "text_to_image",
         sources: Sequence[SourceFile] = (), mask: SourceFile | None = None,
         prompt: str = "", tenant: Tenant | None = None, pixels: Image.Image | None = None,
         spare: tuple[int, int, int] | None = None) -> tuple[bytes, dict[str, Any]]:
    """The bytes to store and deliver, and the record of what was applied.

    `sources` and `mask` are the job's input images as stored (an edit's first source is the
    image it edits); the prompt and the tenant's name go into the credentials only if
    `tenant` opted in. `pixels`, `data` already decoded (`decode`), spares decoding it again
    and is marked in place (used up); the C2PA manifest is signed over the final bytes only.
    Pixels exactly the colour `spare` are not watermarked (a packshot's exact background)."""
    record: dict[str, Any] = {}
    existing = content_credentials.read(data, fmt)
    if existing.state != "none":
        record["c2pa"] = {"by": "provider", "state": existing.state,
                          "claim_generator": existing.claim_generator}
        record["watermark"] = {"by": "provider"}
        return data, record
    facts = disclosures(tenant, prompt)
    if family in SELF_WATERMARKING:
        record["watermark"] = {"by": "provider"}
        if "prompt" not in facts:
            data = _without_text_chunks(data)
    else:
        payload = watermark.payload_for(asset_id)
        data = _watermarked(data, fmt, payload, keep_parameters="prompt" in facts,
                            pixels=pixels, spare=spare)
        record["watermark"] = {"by": "atelier", "payload": payload.hex()}
    identity = signing_identity()
    if identity is None:
        record["c2pa"] = {"by": "none", "state": "not configured"}
        return data, record
    edited = operation in EDIT_OPERATIONS and bool(sources)
    ingredients = _ingredients(operation, sources, mask)
    try:
        data = content_credentials.sign(
            data, fmt, cert_file=identity[0], key_file=identity[1], model_id=model_id,
            model_name=model_name, asset_id=str(asset_id),
            title=facts["prompt"][:120] if "prompt" in facts else f"{TITLE} ({asset_id})",
            edited=edited, ingredients=ingredients, facts={"operation": operation, **facts})
    except ValueError as exc:  # a format C2PA cannot carry: say so, keep the image
        log.warning("no content credentials for %s: %s", asset_id, exc)
        record["c2pa"] = {"by": "none", "state": f"unsupported: {exc}"}
        return data, record
    named = [*((source, "source" if edited and i == 0 else "input")
               for i, source in enumerate(sources)),
             *(((mask, "mask"),) if mask is not None else ())]
    record["c2pa"] = {
        "by": "atelier", "state": "signed",
        "actions": ["c2pa.opened", "c2pa.edited"] if edited else ["c2pa.created"],
        "ingredients": [{"asset_id": source.asset_id, "role": role,
                         "relationship": ingredient.relationship}
                        for (source, role), ingredient in zip(named, ingredients, strict=True)],
        "discloses": sorted(facts),
    }
    return data, record


def sign_rendition(asset: Asset, original: bytes, plan: Plan, data: bytes
                   ) -> tuple[bytes, dict[str, Any]]:
    """A rendition's own Content Credentials (registered with assets.renditions at start-up):
    the original as its parent ingredient, so the original's manifest chains, and what was
    done to it (`c2pa.resized`, `c2pa.transcoded`). A rendition that cannot carry credentials
    is stored as made, and its record says why."""
    identity = signing_identity()
    if identity is None:
        return data, {"c2pa": "not configured"}
    name = f"{'thumb' if plan.kind == 'thumbnail' else f'w{plan.width}'}.{plan.format}"
    try:
        signed = content_credentials.sign_rendition(
            data, plan.format, cert_file=identity[0], key_file=identity[1], original=original,
            original_fmt=asset.format, title=f"{TITLE} ({asset.pk}, {name})",
            resized=(plan.width, plan.height) != (asset.width, asset.height),
            facts={"asset_id": str(asset.pk), "model_id": asset.model_id, "rendition": name})
    except ValueError as exc:  # a format C2PA cannot carry
        log.warning("no content credentials for rendition %s of %s: %s", name, asset.pk, exc)
        return data, {"c2pa": f"unsupported: {exc}"}
    return signed, {"c2pa": "signed"}


def inspect(data: bytes, fmt: str) -> dict[str, Any]:
    """What `verify_provenance` reports about a file: the raw watermark and credentials."""
    image = Image.open(io.BytesIO(data))
    image.load()
    payload = watermark.detect(image)
    signer = signer_facts()
    report = content_credentials.read(data, fmt,
                                      trust_anchors=signer.trust_anchors if signer else None)
    return {"watermark": payload.hex() if payload else None,
            "c2pa": {"state": report.state, "trusted": report.trusted,
                     "claim_generator": report.claim_generator,
                     "digital_source_type": report.digital_source_type,
                     "issuer": report.issuer, "errors": list(report.errors)}}
