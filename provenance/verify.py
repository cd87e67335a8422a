"""Verifying an image for anyone who has one: did Atelier make it, when, with which model, has
it been changed since, and what do its Content Credentials say.

The answer rests on three kinds of evidence, strongest first:

- **Content Credentials signed by Atelier**: the active manifest validates, its signer chains
  to Atelier's certificate chain and is Atelier's own certificate (serial number); its
  assertion names the asset. Intact credentials mean the pixels are those Atelier signed.
- **The invisible watermark**: its payload is the first 8 bytes of the asset's id; it survives
  re-encoding, resizing and screenshots, when the credentials do not.
- **The bytes**: a file byte-for-byte equal to the stored original or one of its renditions.

"Edited since" means the image is Atelier's (by watermark or credentials) but not a file
Atelier delivered: its credentials are gone or broken, or signed by someone else after
Atelier's. The publisher (the tenant) is named only when the tenant allows it
(`Tenant.reveal_tenant_in_verification`); nothing else about the tenant is ever said.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import uuid
import warnings
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.files.storage import default_storage
from PIL import Image, UnidentifiedImageError

from assets.models import Asset
from assets.renditions import Plan
from catalog.spec import catalog
from core.errors import AtelierError, InvalidParameter
from provenance import content_credentials, watermark
from provenance.content_credentials import (
    COMPOSITE_WITH_TRAINED_ALGORITHMIC_MEDIA,
    TRAINED_ALGORITHMIC_MEDIA,
    CredentialsReport,
    ManifestSummary,
)
from provenance.marks import SignerFacts, signer_facts

FORMATS = {"PNG": "png", "JPEG": "jpeg", "WEBP": "webp", "AVIF": "avif"}
ACTION_WORDS = {
    "c2pa.created": "created",
    "c2pa.opened": "opened an existing image",
    "c2pa.edited": "edited",
    "c2pa.resized": "resized",
    "c2pa.transcoded": "converted to another format",
    "c2pa.cropped": "cropped",
    "c2pa.color_adjustments": "adjusted its colours",
    "c2pa.converted": "converted",
    "c2pa.placed": "placed another image into it",
    "c2pa.published": "published",
}
SOURCE_WORDS = {
    TRAINED_ALGORITHMIC_MEDIA: "AI-generated",
    COMPOSITE_WITH_TRAINED_ALGORITHMIC_MEDIA: "an existing image combined with AI-generated "
                                              "content",
}
EVIDENCE_WORDS = {
    "content_credentials": "Content Credentials signed by Atelier",
    "watermark": "Atelier's invisible watermark",
    "exact_copy": "the file is byte for byte one Atelier delivered",
}
# Why an Atelier image counts as changed since Atelier delivered it.
REASONS = {
    "credentials_removed": "it no longer carries the Content Credentials Atelier signed (it was "
                           "re-encoded, screenshotted or stripped of its metadata)",
    "credentials_broken": "its Content Credentials no longer match its pixels",
    "credentials_replaced": "its Content Credentials were signed by someone else",
    "later_edits": "its Content Credentials record changes made after Atelier's",
}


def _refuse(message: str) -> InvalidParameter:
    return InvalidParameter(f"file: {message}", field="file", code="invalid_image")


def decode(data: bytes) -> tuple[Image.Image, str]:
    """The image and its format (png, jpeg, webp, avif), under the uploads' byte and pixel
    caps (the pixel cap read from the header, before decoding)."""
    if not data:
        raise _refuse("is empty")
    limit = settings.ATELIER_UPLOAD_MAX_BYTES
    if len(data) > limit:
        raise _refuse(f"at most {limit} bytes (got {len(data)})")
    max_pixels = settings.ATELIER_UPLOAD_MAX_PIXELS
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            fmt = FORMATS.get(image.format or "")
            if fmt is None:
                raise _refuse(f"must be PNG, JPEG, WebP or AVIF (got {image.format or 'unknown'})")
            width, height = image.size
            if width * height > max_pixels:
                raise _refuse(f"at most {max_pixels} pixels (got {width}x{height})")
            image.load()
    except InvalidParameter:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _refuse(f"at most {max_pixels} pixels (refused as a decompression bomb)") from None
    except UnidentifiedImageError:
        raise _refuse("is not an image Atelier can read (PNG, JPEG, WebP or AVIF)") from None
    except (OSError, SyntaxError, ValueError) as exc:
        raise _refuse(f"is damaged or truncated ({exc})") from None
    return image, fmt


@dataclass(frozen=True)
class Verification:
    """What verification found; `as_dict()` is the API's answer, `sentences()` the page's."""

    format: str
    made_by_atelier: bool
    verdict: str  # "unaltered" | "edited_since" | "not_recognized"
    evidence: tuple[str, ...] = ()  # "content_credentials", "watermark", "exact_copy"
    asset_id: str | None = None
    created_at: datetime | None = None
    model: dict[str, str] | None = None  # {"name", "id"}
    operation: str | None = None
    edited_since: bool | None = None  # None: not an Atelier image, so nothing to compare
    changes: tuple[str, ...] = ()  # keys of REASONS
    watermark: str | None = None  # the payload read, hex
    watermark_matches: bool = False  # it names an image on record
    credentials: CredentialsReport = field(
        default_factory=lambda: CredentialsReport(state="none"))
    signed_by_atelier: tuple[bool, ...] = ()  # per manifest of credentials.history
    publisher: str | None = None

    def as_dict(self) -> dict[str, Any]:
        credentials = self.credentials
        history = [_manifest_dict(manifest, ours)
                   for manifest, ours in zip(credentials.history, self.signed_by_atelier,
                                             strict=True)]
        return {
            "made_by_atelier": self.made_by_atelier,
            "verdict": self.verdict,
            "evidence": list(self.evidence),
            "asset_id": self.asset_id,
            "created_at": self.created_at,
            "model": self.model,
            "operation": self.operation,
            "edited_since": self.edited_since,
            "changes": [{"code": code, "message": REASONS[code]} for code in self.changes],
            "publisher": {"name": self.publisher} if self.publisher else None,
            "watermark": {"found": self.watermark is not None, "payload": self.watermark,
                          "matches_image_on_record": self.watermark_matches},
            "content_credentials": {
                "state": "trusted" if credentials.trusted and credentials.state == "valid"
                         else credentials.state,
                "signed_by_atelier": bool(self.signed_by_atelier and self.signed_by_atelier[0]),
                "claim_generator": credentials.claim_generator,
                "issuer": credentials.issuer,
                "title": credentials.title,
                "digital_source_type": credentials.digital_source_type,
                "actions": history[0]["actions"] if history else [],
                "ingredients": history[0]["ingredients"] if history else [],
                "history": history,
                "errors": list(credentials.errors),
            },
            "format": self.format,
            "summary": self.sentences(),
        }

    def sentences(self) -> list[str]:
        """The same answer in words."""
        said = []
        moment = self.created_at
        when = f"{moment.day} {moment:%B %Y at %H:%M} UTC" if moment else None
        model = self.model["name"] if self.model else "an AI model"
        made = f"on {when} " if when else ""
        if self.verdict == "unaltered":
            said.append(f"Atelier made this image {made}with {model}.")
            said.append("It has not been changed since: "
                        + ("the file is one Atelier delivered, byte for byte."
                           if "exact_copy" in self.evidence else
                           "its Content Credentials, signed by Atelier, still match its pixels."))
        elif self.verdict == "edited_since":
            said.append(f"Atelier made the image this one comes from, {made}with {model}.")
            said.append("It has been changed since: "
                        + "; ".join(REASONS[code] for code in self.changes) + ".")
        else:
            said.append("Atelier found no sign that it made this image: no Atelier watermark "
                        "and no Content Credentials signed by Atelier.")
        if self.evidence:
            said.append("Evidence: " + "; ".join(EVIDENCE_WORDS[e] for e in self.evidence) + ".")
        if self.made_by_atelier:
            said.append(f"Published by {self.publisher}." if self.publisher else
                        "The publisher has chosen not to be named.")
        said.extend(_credential_sentences(self.credentials))
        return said


def verify(data: bytes) -> Verification:
    """Everything Atelier can say about these bytes (InvalidParameter if not an image)."""
    image, fmt = decode(data)
    payload = watermark.detect(image)
    signer = signer_facts()
    report = content_credentials.read(data, fmt,
                                      trust_anchors=signer.trust_anchors if signer else None)
    ours = tuple(_signed_by(signer, manifest) for manifest in report.history)
    active_is_ours = bool(ours and ours[0] and report.state == "valid" and report.trusted)
    evidence: list[str] = []
    asset = None
    facts: dict[str, Any] = {}
    if active_is_ours:
        facts = dict(report.history[0].facts)
        asset = _generated(facts.get("asset_id"))
        evidence.append("content_credentials")
    by_watermark = _by_payload(payload) if payload else None
    if by_watermark is not None and (asset is None or asset.pk == by_watermark.pk):
        if asset is None and not active_is_ours:
            asset = by_watermark
        evidence.append("watermark")
    ours_below = next((m for m, mine in zip(report.history, ours, strict=True)
                       if mine and m.facts.get("asset_id")), None)
    if asset is None and not active_is_ours and ours_below is not None:
        # Only an earlier manifest in the history is Atelier's: derived from its image.
        facts = dict(ours_below.facts)
        asset = _generated(facts.get("asset_id"))
        if asset is not None:
            evidence.append("content_credentials")
    made = asset is not None or active_is_ours
    base = Verification(format=fmt, made_by_atelier=made, verdict="not_recognized",
                        watermark=payload.hex() if payload else None,
                        watermark_matches=by_watermark is not None, credentials=report,
                        signed_by_atelier=ours)
    if not made:
        return base
    changes = () if active_is_ours else _changes(report, ours)
    exact = asset is not None and _delivered(asset, hashlib.sha256(data).hexdigest())
    if exact:
        evidence.append("exact_copy")
        changes = ()
    return Verification(
        format=fmt, made_by_atelier=True,
        verdict="edited_since" if changes else "unaltered",
        evidence=tuple(dict.fromkeys(evidence)),
        asset_id=str(asset.pk) if asset else facts.get("asset_id"),
        created_at=asset.created_at if asset else None,
        model=_model(asset, facts), operation=asset.operation if asset else facts.get(
            "operation"),
        edited_since=bool(changes), changes=changes,
        watermark=base.watermark, watermark_matches=base.watermark_matches,
        credentials=report, signed_by_atelier=ours,
        publisher=(asset.tenant.name if asset is not None
                   and asset.tenant.reveal_tenant_in_verification else None),
    )


# --- evidence ---------------------------------------------------------------------------------


def _signed_by(signer: SignerFacts | None, manifest: ManifestSummary) -> bool:
    """Signed with Atelier's certificate (whether the signature still holds is the report's
    state; whether the certificate chains to Atelier's anchors, its `trusted`)."""
    return signer is not None and manifest.signer_serial == signer.serial


def _generated(asset_id: Any) -> Asset | None:
    try:
        pk = uuid.UUID(str(asset_id))
    except ValueError:
        return None
    return (Asset.unscoped.select_related("tenant")
            .filter(pk=pk, kind=Asset.Kind.GENERATED).first())


def _by_payload(payload: bytes) -> Asset | None:
    """The generated asset whose id starts with the watermark's 8 bytes."""
    if len(payload) != 8:
        return None
    return (Asset.unscoped.select_related("tenant")
            .filter(kind=Asset.Kind.GENERATED,
                    pk__gte=uuid.UUID(bytes=payload + b"\x00" * 8),
                    pk__lte=uuid.UUID(bytes=payload + b"\xff" * 8))
            .order_by("created_at").first())


def _delivered(asset: Asset, digest: str) -> bool:
    """The bytes are the stored original's or one of its renditions'."""
    if digest == asset.sha256:
        return True
    recorded = (asset.provenance or {}).get("renditions", {})
    if any(item.get("sha256") == digest for item in recorded.values()):
        return True
    for rendition in asset.renditions.all():
        plan = Plan(rendition.kind, rendition.format, rendition.width, rendition.height)
        if plan.name in recorded:
            continue  # its hash is recorded: not this one
        try:
            with default_storage.open(rendition.storage_key, "rb") as handle:
                if hashlib.sha256(handle.read()).hexdigest() == digest:
                    return True
        except OSError:
            continue
    return False


def _changes(report: CredentialsReport, ours: tuple[bool, ...]) -> tuple[str, ...]:
    """Why an image identified as Atelier's (by its watermark or an earlier manifest) is not
    as Atelier signed it."""
    if report.state == "none":
        return ("credentials_removed",)
    if report.state == "invalid":
        return ("credentials_broken",)
    if any(ours[1:]) and not ours[0]:
        return ("later_edits",)
    return ("credentials_replaced",)


def _model(asset: Asset | None, facts: dict[str, Any]) -> dict[str, str] | None:
    key = asset.model_key if asset else ""
    model_id = (asset.model_id if asset else "") or facts.get("model_id") or ""
    name = facts.get("model_name") or key
    if key:
        with contextlib.suppress(AtelierError):  # a model since removed from the catalog
            name = catalog().get(key).name
    return {"name": str(name), "id": str(model_id)} if (name or model_id) else None


# --- the credentials, for people ------------------------------------------------------------


def _manifest_dict(manifest: ManifestSummary, ours: bool) -> dict[str, Any]:
    return {
        "claim_generator": manifest.claim_generator,
        "issuer": manifest.issuer,
        "signed_by_atelier": ours,
        "signed_at": manifest.signed_at,
        "actions": [{"action": action.action,
                     "digital_source_type": action.digital_source_type,
                     "software_agent": action.software_agent,
                     "ingredients": list(action.ingredients)} for action in manifest.actions],
        "ingredients": [{"title": item.title, "relationship": item.relationship,
                         "description": item.description,
                         "has_credentials": item.has_credentials}
                        for item in manifest.ingredients],
    }


def _credential_sentences(report: CredentialsReport) -> list[str]:
    if report.state == "none":
        return ["The file carries no Content Credentials."]
    if report.state == "invalid":
        return ["The file's Content Credentials do not validate: "
                + ("; ".join(report.errors[:3]) or "unknown error") + "."]
    signer = report.issuer or report.claim_generator or "an unnamed signer"
    said = [f"Its Content Credentials are valid{' and trusted' if report.trusted else ''}, "
            f"signed by {signer}."]
    for manifest in report.history:
        who = manifest.claim_generator or "an unnamed tool"
        steps = []
        for action in manifest.actions:
            step = ACTION_WORDS.get(action.action, action.action)
            if action.software_agent and action.software_agent != who:
                step += f" with {action.software_agent}"
            how = SOURCE_WORDS.get(action.digital_source_type or "")
            steps.append(f"{step} ({how})" if how else step)
        if steps:
            said.append(f"{who}: {', then '.join(steps)}.")
    return said
