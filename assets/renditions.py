"""Renditions: a thumbnail and web formats of each asset, WebP made for every approved image
and AVIF made when first asked for.

The eager set (`plans`: the WebP thumbnail and WebP at each width) is made from the stored
original by a Dramatiq actor after approval, never on the request path. AVIF (`lazy_plans`)
takes more than twice as long to encode as the whole eager set and few clients ask for it,
so each AVIF is made by `make_rendition` on its first request (api/downloads.py, through
the signed link of assets/rendition_links.py), at most once: makers of one asset take turns
on its row. Widths wider than the original are skipped (no upscaling); making one again is
harmless (same keys, one row each).

Made with Pillow, chosen by measurement (docs/benchmarks.md, benchmarks/storage_overhead.py):
the original is decoded once and each size is made from the one before it (960 px from the
original, 480 from the 960, the thumbnail from that) instead of each from the full size.
libvips (pyvips 3.2, pyvips-binary 8.18) made the same eager set of a 1024 px PNG (decode,
three sizes, three WebPs) in 69 ms of CPU against Pillow's 82: a 15 % gain, all of it in
decoding and resizing (the WebP encoder is the same libwebp). Not worth a second imaging
library, 20 MB of native code with its own thread pool and cache, in every worker and web
process.

Each rendition passes through the registered finishers before it is stored: provenance (a
package above this one, so it registers itself at start-up rather than being called) signs it
with Content Credentials naming the original as its parent. What a finisher reports, and the
stored bytes' SHA-256, go into the asset's `provenance["renditions"]`, by rendition name.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from PIL import Image, ImageOps

from assets.models import Asset, Rendition
from assets.storage import object_extras
from core import cpu

THUMBNAIL_SIDE = 256
STRIP = 128  # output rows resized at a time
WEB_WIDTHS = (480, 960, 1600)
EAGER_FORMATS = ("webp",)  # made for every approved image
LAZY_FORMATS = ("avif",)  # made on first request
WEB_FORMATS = (*EAGER_FORMATS, *LAZY_FORMATS)
# Encoder effort chosen by measurement (docs/benchmarks.md). WebP method 1: on a photograph
# at 960 px the same size as method 2 in 70 % of the time (flat renders: 11 % larger); AVIF
# speed 9: half the time of the default for a file within a few percent of its size.
ENCODERS = {"webp": ("WEBP", {"quality": 80, "method": 1}),
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


def _web_plans(width: int, height: int, formats: tuple[str, ...]) -> list[Plan]:
    widths = [w for w in WEB_WIDTHS if w < width] or [width]
    return [Plan(Rendition.Kind.WEB, fmt, target, max(1, round(height * target / width)))
            for target in widths for fmt in formats]


def plans(width: int, height: int) -> list[Plan]:
    """The renditions made for every approved image: the thumbnail and the WebPs."""
    scale = min(1.0, THUMBNAIL_SIDE / max(width, height))
    thumbnail = Plan(Rendition.Kind.THUMBNAIL, "webp", max(1, round(width * scale)),
                     max(1, round(height * scale)))
    return [thumbnail, *_web_plans(width, height, EAGER_FORMATS)]


def lazy_plans(width: int, height: int) -> list[Plan]:
    """The renditions made only when first asked for (`make_rendition`): the AVIFs."""
    return _web_plans(width, height, LAZY_FORMATS)


def lazy_plan_named(asset: Asset, name: str) -> Plan | None:
    """The asset's on-request rendition called `name` (`w480.avif`), or None."""
    return next((plan for plan in lazy_plans(asset.width, asset.height) if plan.name == name),
                None)


def make_renditions(asset: Asset) -> list[Rendition]:
    """The asset's renditions: the eager set's missing ones made from its original, with
    those already made (on-request ones included)."""
    existing = {(r.kind, r.format, r.width): r for r in asset.renditions.all()}
    todo = [p for p in plans(asset.width, asset.height)
            if (p.kind, p.format, p.width) not in existing]
    if todo:
        for rendition in _make(asset, todo):
            existing[(rendition.kind, rendition.format, rendition.width)] = rendition
    return list(existing.values())


def make_rendition(asset: Asset, plan: Plan) -> Rendition | None:
    """One rendition of the asset: the one made before, or made now (None if the asset is
    no longer cleared for delivery by then). Concurrent callers (the first requests of one
    AVIF) take turns on the asset's row, so it is made once: one row, one key."""
    found = _existing(asset, plan)
    if found is not None:
        return found
    with transaction.atomic():
        locked = Asset.unscoped.select_for_update().filter(pk=asset.pk).first()
        if locked is None or not locked.deliverable:
            return None
        found = _existing(asset, plan)
        return found if found is not None else _make(asset, [plan])[0]


def make_thumbnail(asset: Asset) -> Rendition:
    """The asset's thumbnail (the eager set's first plan), made from its original now if it
    has none: the review queue's preview of an image still in review, whose other renditions
    wait for approval. Approval then reuses it; rejection deletes it with the rest."""
    plan = plans(asset.width, asset.height)[0]
    found = _existing(asset, plan)
    return found if found is not None else _make(asset, [plan])[0]


def _existing(asset: Asset, plan: Plan) -> Rendition | None:
    return Rendition.objects.for_tenant(asset.tenant).filter(
        asset=asset, kind=plan.kind, format=plan.format, width=plan.width).first()


def _make(asset: Asset, todo: list[Plan]) -> list[Rendition]:
    """Make, finish, store and record the planned renditions from the stored original."""
    with default_storage.open(asset.storage_key, "rb") as handle:
        original = handle.read()
    records: dict[str, dict[str, Any]] = {}
    rows = []
    with cpu.image_work:  # the pixels: one image per core at a time (core/cpu.py)
        encoded = list(_encoded(decode_original(original), todo))
    for plan, data in encoded:
        record: dict[str, Any] = {}
        for finisher in _finishers:
            data, note = finisher(asset, original, plan, data)
            record.update(note)
        records[plan.name] = {**record, "sha256": hashlib.sha256(data).hexdigest()}
        with object_extras(metadata={"tenant": asset.tenant.slug, "asset": str(asset.pk)},
                           tags={"stage": asset.stage, "tenant": asset.tenant.slug},
                           content_type=f"image/{plan.format}"):
            key = default_storage.save(rendition_key(asset, plan), ContentFile(data))
        rows.append(Rendition(tenant=asset.tenant, asset=asset, kind=plan.kind,
                              format=plan.format, width=plan.width, height=plan.height,
                              bytes=len(data), storage_key=key))
    scoped = Rendition.objects.for_tenant(asset.tenant)
    scoped.bulk_create(rows, ignore_conflicts=True)  # one row each, whoever wrote it first
    _record(asset, records)
    planned = {(plan.kind, plan.format, plan.width) for plan in todo}
    return [r for r in scoped.filter(asset=asset) if (r.kind, r.format, r.width) in planned]


def decode_original(data: bytes) -> Image.Image:
    """The original's pixels, upright, in RGB (RGBA when it has alpha): no copy when they
    already are."""
    image = Image.open(io.BytesIO(data))
    image.load()
    ImageOps.exif_transpose(image, in_place=True)
    mode = "RGBA" if "A" in image.getbands() else "RGB"
    return image if image.mode == mode else image.convert(mode)


def _encoded(image: Image.Image, todo: list[Plan]) -> Iterator[tuple[Plan, bytes]]:
    """Each plan's bytes, largest first, each size resized from the previous one: the one
    costly full-size pass happens once. Only the last size made is kept in memory."""
    source = image
    del image  # the full-size pixels go as soon as the first size is made
    for plan in sorted(todo, key=lambda p: (p.width, p.height), reverse=True):
        if source.size != (plan.width, plan.height):
            source = shrink(source, (plan.width, plan.height))
        yield plan, encode(source, plan.format)


def shrink(image: Image.Image, size: tuple[int, int]) -> Image.Image:
    """Bicubic, STRIP rows at a time (Pillow's whole-image resize holds a third image-sized
    buffer between its two passes); or an exact box reduction where the size divides (960 px
    to 480: the average of each 2 x 2, a twentieth of the time). Bicubic rather than Lanczos:
    a fifth less time, and once encoded as WebP the same image (measured: the same PSNR
    against a Lanczos resize, 42.4 dB on a render, 33.4 on a photograph)."""
    factor = image.width // size[0]
    if factor > 1 and image.size == (size[0] * factor, size[1] * factor):
        return image.reduce(factor)
    shrunk = Image.new(image.mode, size)
    for top in range(0, size[1], STRIP):
        bottom = min(top + STRIP, size[1])
        box = (0, top * image.height / size[1], image.width, bottom * image.height / size[1])
        shrunk.paste(image.resize((size[0], bottom - top), Image.Resampling.BICUBIC, box=box),
                     (0, top))
    return shrunk


def encode(image: Image.Image, fmt: str) -> bytes:
    pil_format, options = ENCODERS[fmt]
    buffer = io.BytesIO()
    image.save(buffer, pil_format, **options)
    return buffer.getvalue()


def _record(asset: Asset, records: dict[str, dict[str, Any]]) -> None:
    """Add the renditions' records to the asset's provenance: read fresh under the row's lock,
    so the eager set and an on-request rendition made at once both keep theirs."""
    with transaction.atomic():
        current = (Asset.unscoped.select_for_update().filter(pk=asset.pk)
                   .values_list("provenance", flat=True).first())
        provenance = dict(current or {})
        provenance["renditions"] = {**provenance.get("renditions", {}), **records}
        Asset.unscoped.filter(pk=asset.pk).update(provenance=provenance)
    asset.provenance = provenance
