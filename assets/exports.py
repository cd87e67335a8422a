"""Contact sheets and ZIP archives of a job's images (docs/storage.md)."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable, Iterable
from typing import IO

from django.core.files.storage import default_storage

from assets.contact_sheet import SheetTile, render_contact_sheet
from assets.delivery import download_filename
from assets.models import Asset


def contact_sheet(assets: Iterable[Asset], *, title: str = "", columns: int | None = None
                  ) -> bytes:
    """A PNG grid of the assets cleared for delivery, each labelled with its seed and model."""
    tiles = []
    for asset in assets:
        if not asset.deliverable:
            continue
        with default_storage.open(asset.storage_key, "rb") as handle:
            seed = "no seed" if asset.seed is None else f"seed {asset.seed}"
            tiles.append(SheetTile(image=handle.read(), caption=f"{seed} · {asset.model_key}"))
    if not tiles:
        raise ValueError("no images to show")
    return render_contact_sheet(tiles, title=title, columns=columns)


def archive(assets: Iterable[Asset]) -> bytes:
    """A ZIP of the assets' original bytes (deliverable ones only), named by index and seed."""
    buffer = io.BytesIO()
    write_archive(assets, buffer)
    return buffer.getvalue()


def write_archive(assets: Iterable[Asset], target: IO[bytes], *,
                  folder: Callable[[Asset], str] | None = None) -> int:
    """archive() into a file (a batch's ZIP need not fit in memory), each image in
    `folder(asset)` (default: its job id); the number of images written."""
    written = 0
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_STORED) as bundle:
        for asset in assets:
            if not asset.deliverable:
                continue
            with default_storage.open(asset.storage_key, "rb") as handle:
                where = folder(asset) if folder else str(asset.job_id or "uploads")
                bundle.writestr(f"{where}/{download_filename(asset.storage_key)}", handle.read())
            written += 1
    return written
