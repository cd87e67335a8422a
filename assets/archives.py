"""Job and batch ZIPs, streamed: the first bytes leave as soon as the rows are read, and the
images' bytes never gather in memory, however large the batch (up to 10,000 rows).

The ZIP is written by zipstream-ng, the maintained library for streaming ZIPs (Python's
zipfile needs a seekable file, so before it an archive was built whole, in memory or on disk,
before its first byte went out). Images are stored, not deflated (PNG, JPEG and WebP are
compressed already), and each is read from storage 64 KiB at a time when its turn comes. The
asset rows carry every image's size, so the stream's length is known before it starts: the
response has a Content-Length and a client shows real progress.

Every archive starts with `manifest.csv`, one row per image (a packshot's with its preset and
its compliance check: pass or fail, and the rules it fails; every image with its operation,
and a batch's scenes and ad formats with the scene and the format, which the batch's query
annotates as `scene_key` and `ad_format`). Its `sha256` is the asset row's,
taken from the very bytes written to storage when the image was stored (the digest
`POST /verify` matches). Read from the rows, the manifest is complete before any image is
read, so it can go first (a reader of the stream meets it before the images), and checking an
image against it catches damage in storage or on the way, which a digest computed while
streaming would bless. Text cells are guarded against spreadsheet formulas.

What stays in memory grows with the number of images, not their bytes: the ZIP's central
directory is written last, so each entry's name and offsets (a few hundred bytes) are kept
until the end; the manifest waits in a temporary file that spills to disk past 1 MiB.
"""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import IO, Any

from django.core.files.storage import default_storage
from django.db.models import Count, F, QuerySet
from django.http import StreamingHttpResponse
from storages.utils import clean_name
from zipstream import ZipStream  # type: ignore[import-untyped]  # no type hints shipped

from assets.delivery import download_filename
from assets.models import Asset
from assets.storage import s3_storage
from core.errors import Conflict

CHUNK = 64 * 1024
MANIFEST = "manifest.csv"
MANIFEST_COLUMNS = ("sku", "job", "asset", "stage", "status", "model", "seed", "prompt",
                    "width", "height", "sha256", "preset", "compliance", "failed_rules",
                    "operation", "scene", "format")
RULE_SEPARATOR = "|"  # between the failed rules' names in `failed_rules`
MANIFEST_IN_MEMORY = 1024 * 1024  # bytes of manifest kept in memory before it goes to disk
STAGES = ("final", "draft", "all")
PROMOTE_HINT = ("POST /api/v1/assets/{id}/promote for each, or Promote on the image's page in "
                "the dashboard")

# What a spreadsheet reads as the start of a formula (OWASP's list): such a cell is written
# with a leading apostrophe, which spreadsheets show as text and do not evaluate.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class EmptyArchive(Conflict):
    """Nothing in the asked-for stage: a 409 saying what there is, rather than an empty ZIP."""

    code = "archive_empty"


def spreadsheet_safe(value: object) -> object:
    """A CSV cell that a spreadsheet shows as text: text starting like a formula gets a
    leading apostrophe; numbers and empty cells are left as they are."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return f"'{value}"
    return value


class _StoredObject:
    """A stored image's bytes, read a piece at a time when the ZIP reaches it (nothing is
    opened before then: an archive holds thousands of these)."""

    __slots__ = ("key",)

    def __init__(self, key: str) -> None:
        self.key = key

    def __iter__(self) -> Iterator[bytes]:
        storage = s3_storage()
        if storage is not None:  # straight from the GET's body: S3File would buffer it whole
            body = storage.connection.meta.client.get_object(
                Bucket=storage.bucket_name,
                Key=storage._normalize_name(clean_name(self.key)))["Body"]
            try:
                yield from body.iter_chunks(CHUNK)
            finally:
                body.close()
            return
        with default_storage.open(self.key, "rb") as handle:
            while chunk := handle.read(CHUNK):
                yield chunk


def _spooled(spool: IO[bytes]) -> Iterator[bytes]:
    spool.seek(0)
    while chunk := spool.read(CHUNK):
        yield chunk


@dataclass
class Archive:
    """A ZIP ready to stream: `size` bytes (the Content-Length), `images` images."""

    filename: str
    images: int
    size: int
    _zip: Any
    _manifest: IO[bytes]

    def __iter__(self) -> Iterator[bytes]:
        try:
            yield from self._zip
        finally:
            self._manifest.close()

    def response(self) -> StreamingHttpResponse:
        response = StreamingHttpResponse(iter(self), content_type="application/zip")
        response["Content-Length"] = str(self.size)
        response["Content-Disposition"] = f'attachment; filename="{self.filename}"'
        response["X-Accel-Buffering"] = "no"  # a proxy passes it on as it comes
        return response


def build(assets: QuerySet[Asset] | Iterable[Asset], *, filename: str,
          stage: str | None = None, scope: str = "job",
          folder: Callable[[Asset], str] | None = None) -> Archive:
    """The archive of the images cleared for delivery among `assets` (of `stage`, or all),
    each in `folder(asset)` (default: its job's id), after manifest.csv.

    `assets` is best a QuerySet (of every stage: the 409 counts the others): it is read once,
    only the columns the archive needs, with its jobs' SKU, status and prompt joined in.
    Raises EmptyArchive (409) when no image is in the archive, saying what `scope` (a job, a
    batch) has in the other stages and how to get it."""
    rows: Iterable[Asset]
    if isinstance(assets, QuerySet):
        chosen = assets.filter(moderation_status=Asset.Moderation.APPROVED)
        if stage:
            chosen = chosen.filter(stage=stage)
        rows = chosen.only(*_COLUMNS).annotate(
            archive_sku=F("job__sku"), archive_status=F("job__status"),
            archive_prompt=F("job__prompt")).iterator(chunk_size=2000)
    else:
        rows = (asset for asset in assets
                if asset.deliverable and (not stage or asset.stage == stage))
    manifest = tempfile.SpooledTemporaryFile(max_size=MANIFEST_IN_MEMORY)  # noqa: SIM115  # closed by Archive
    try:
        entries = _write_manifest(rows, manifest, folder)
    except BaseException:
        manifest.close()
        raise
    if not entries:
        manifest.close()
        raise _empty(assets, stage, scope)
    stream = ZipStream(sized=True)
    stream.add(_spooled(manifest), MANIFEST, size=manifest.tell())
    for arcname, key, size in entries:
        stream.add(_StoredObject(key), arcname, size=size)
    return Archive(filename=filename, images=len(entries), size=len(stream), _zip=stream,
                   _manifest=manifest)


_COLUMNS = ("id", "job_id", "storage_key", "sha256", "bytes", "width", "height", "stage",
            "model_key", "seed", "preset", "compliant", "compliance", "operation")


def _write_manifest(rows: Iterable[Asset], target: IO[bytes],
                    folder: Callable[[Asset], str] | None) -> list[tuple[str, str, int]]:
    """Write manifest.csv to `target`; each image's (name in the ZIP, storage key, size)."""
    line = io.StringIO()
    writer = csv.writer(line)

    def write(cells: Iterable[object]) -> None:
        line.seek(0)
        line.truncate()
        writer.writerow([spreadsheet_safe(cell) for cell in cells])
        target.write(line.getvalue().encode())

    write(MANIFEST_COLUMNS)
    entries = []
    for asset in rows:
        where = folder(asset) if folder else str(asset.job_id or "uploads")
        entries.append((f"{where}/{download_filename(asset.storage_key)}", asset.storage_key,
                        asset.bytes))
        write(_manifest_row(asset))
    return entries


def _manifest_row(asset: Asset) -> tuple[object, ...]:
    if hasattr(asset, "archive_sku"):  # joined in by build()
        sku, status, prompt = (getattr(asset, name) for name in (
            "archive_sku", "archive_status", "archive_prompt"))
    elif (job := asset.job) is not None:  # a plain Asset: its job read here, a query each
        sku, status, prompt = job.sku, job.status, job.prompt
    else:
        sku, status, prompt = "", "", (asset.parameters or {}).get("prompt", "")
    verdict = {True: "pass", False: "fail", None: ""}[asset.compliant]
    failed = RULE_SEPARATOR.join((asset.compliance or {}).get("failed", []))
    return (sku or "", asset.job_id or "", asset.pk, asset.stage, status or "", asset.model_key,
            "" if asset.seed is None else asset.seed, prompt or "", asset.width, asset.height,
            asset.sha256, asset.preset, verdict, failed, asset.operation,
            getattr(asset, "scene_key", "") or "", getattr(asset, "ad_format", "") or "")


def _empty(assets: QuerySet[Asset] | Iterable[Asset], stage: str | None, scope: str
           ) -> EmptyArchive:
    """The 409 of an archive with nothing in it: how many images cleared for delivery each
    stage has, and how to get them."""
    by_stage: dict[str, int] = dict.fromkeys(Asset.Stage.values, 0)
    if isinstance(assets, QuerySet):
        approved = assets.filter(moderation_status=Asset.Moderation.APPROVED).order_by()
        for item in approved.values("stage").annotate(n=Count("pk")):
            by_stage[item["stage"]] = by_stage.get(item["stage"], 0) + item["n"]
    others = {name: n for name, n in by_stage.items() if n and name != stage}
    if not stage or not others:
        message = f"stage: this {scope} has no images cleared for delivery yet."
    else:
        listed = ", ".join(f"{n} {name}" for name, n in others.items())
        plural = "s" if sum(others.values()) != 1 else ""
        message = (f"stage: this {scope} has no {stage} images to download, but {listed} "
                   f"image{plural}.")
        if stage == Asset.Stage.FINAL and others.get(Asset.Stage.DRAFT):
            message += (f" Promote the drafts to keep to final ({PROMOTE_HINT}), or download "
                        "the drafts with ?stage=draft (everything with ?stage=all).")
        else:
            message += " Download them with " + " or ".join(
                f"?stage={name}" for name in [*others, "all"]) + "."
    return EmptyArchive(message, field="stage",
                        extra={"stage": stage or "all", "images_by_stage": by_stage})
