"""Renditions: a thumbnail and web formats (WebP and AVIF at a few widths) of each asset.

Made from the stored original by a Dramatiq actor after the original is stored, never on the
request path. Widths wider than the original are skipped (no upscaling); making them again is
harmless (same keys, one row each).

Each rendition passes through the registered finishers before it is stored: provenance (a
package above this one, so it registers itself at start-up rather than being called) signs it
with Content Credentials naming the original as its parent. What a finisher reports, and the
stored bytes' SHA-256, go into the asset's `provenance["renditions"]`, by rendition name.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image, ImageOps

from assets.models import Asset, Rendition
from assets.storage import object_extras

THUMBNAIL_SIDE = 256
WEB_WIDTHS = (480, 960, 1600)
WEB_FORMATS = ("webp", "avif")
# Encoder effort chosen by measurement (docs/benchmarks.md): half the time of the defaults
# for files within a few percent of their size.
ENCODERS = {"webp": ("WEBP", {"quality": 80, "method": 2}),
            "avif": ("AVIF", {"quality": 60, "speed": 9})}


@dataclass(frozen=True)
class Plan:
    kind: str
    format: str
    width: int
    height: int

    @property
    def name(self) -> str:
        """`thumb.webp`, `w480.avif`, …: the rendition's name in keys and records."""
        return f"{'thumb' if self.kind == Rendition.Kind.THUMBNAIL else f'w{self.width}'}" \
               f".{self.format}"


# finisher(asset, original bytes, plan, rendition bytes) -> (bytes to store, record)
Finisher = Callable[[Asset, bytes, Plan, bytes], tuple[bytes, dict[str, Any]]]
_finishers: list[Finisher] = []


def register_finisher(finisher: Finisher) -> Finisher:
    """Run `finisher` on every rendition before it is stored (once, however often called)."""
    if finisher not in _finishers:
        _finishers.append(finisher)
    return finisher


def rendition_key(asset: Asset, plan: Plan) -> str:
    """`renditions/{tenant}/{asset}/…` (docs/storage.md, "Where objects live")."""
    return f"renditions/{asset.tenant.slug}/{asset.pk}/{plan.name}"


def plans(width: int, height: int) -> list[Plan]:
    scale = min(1.0, THUMBNAIL_SIDE / max(width, height))
    made = [Plan(Rendition.Kind.THUMBNAIL, "webp", max(1, round(width * scale)),
                 max(1, round(height * scale)))]
    widths = [w for w in WEB_WIDTHS if w < width] or [width]
    for target in widths:
        for fmt in WEB_FORMATS:
            made.append(Plan(Rendition.Kind.WEB, fmt, target, max(1, round(height * target
                                                                             / width))))
    return made


def _encode(image: Image.Image, plan: Plan) -> bytes:
    resized = image.resize((plan.width, plan.height), Image.Resampling.LANCZOS,
                           reducing_gap=2.0)
    pil_format, options = ENCODERS[plan.format]
    buffer = io.BytesIO()
    resized.save(buffer, pil_format, **options)
    return buffer.getvalue()


def make_renditions(asset: Asset) -> list[Rendition]:
    """Every rendition of the asset, made from its original (only the missing ones)."""
    existing = {(r.kind, r.format, r.width): r for r in asset.renditions.all()}
    todo = [p for p in plans(asset.width, asset.height)
            if (p.kind, p.format, p.width) not in existing]
    records: dict[str, dict[str, Any]] = {}
    if todo:
        with default_storage.open(asset.storage_key, "rb") as handle:
            original = handle.read()
        image = ImageOps.exif_transpose(Image.open(io.BytesIO(original)))
        image = image.convert("RGBA" if "A" in image.getbands() else "RGB")
    for plan in todo:
        data = _encode(image, plan)
        record: dict[str, Any] = {}
        for finisher in _finishers:
            data, note = finisher(asset, original, plan, data)
            record.update(note)
        records[plan.name] = {**record, "sha256": hashlib.sha256(data).hexdigest()}
        key = rendition_key(asset, plan)
        with object_extras(metadata={"tenant": asset.tenant.slug, "asset": str(asset.pk)},
                           tags={"stage": asset.stage, "tenant": asset.tenant.slug},
                           content_type=f"image/{plan.format}"):
            key = default_storage.save(key, ContentFile(data))
        rendition, _ = Rendition.objects.for_tenant(asset.tenant).get_or_create(
            asset=asset, kind=plan.kind, format=plan.format, width=plan.width,
            defaults={"height": plan.height, "bytes": len(data), "storage_key": key})
        existing[(plan.kind, plan.format, plan.width)] = rendition
    if records:
        _record(asset, records)
    return list(existing.values())


def _record(asset: Asset, records: dict[str, dict[str, Any]]) -> None:
    """Add the renditions' records to the asset's provenance (read fresh: only this key)."""
    current = Asset.unscoped.filter(pk=asset.pk).values_list("provenance", flat=True).first()
    provenance = dict(current or {})
    provenance["renditions"] = {**provenance.get("renditions", {}), **records}
    Asset.unscoped.filter(pk=asset.pk).update(provenance=provenance)
    asset.provenance = provenance
