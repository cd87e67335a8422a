"""Contact sheets of a job's images (docs/storage.md); its ZIP archives are assets.archives."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import IO

from django.core.files.storage import default_storage

from assets import archives
from assets.contact_sheet import SheetTile, render_contact_sheet
from assets.models import Asset


def seed_and_model(asset: Asset) -> str:
    """A contact sheet's default caption."""
    seed = "no seed" if asset.seed is None else f"seed {asset.seed}"
    return f"{seed} · {asset.model_key}"


def contact_sheet(assets: Iterable[Asset], *, title: str = "", columns: int | None = None,
                  caption: Callable[[Asset], str] = seed_and_model) -> bytes:
    """A PNG grid of the assets cleared for delivery, each labelled by `caption` (its seed and
    model unless told otherwise)."""
    tiles = []
    for asset in assets:
        if not asset.deliverable:
            continue
        with default_storage.open(asset.storage_key, "rb") as handle:
            tiles.append(SheetTile(image=handle.read(), caption=caption(asset)))
    if not tiles:
        raise ValueError("no images to show")
    return render_contact_sheet(tiles, title=title, columns=columns)


def write_archive(assets: Iterable[Asset], target: IO[bytes], *,
                  folder: Callable[[Asset], str] | None = None) -> int:
    """The archive of assets.archives (manifest.csv, then the deliverable images, each in
    `folder(asset)`, default its job's id) written into `target`; the number of images.
    Raises archives.EmptyArchive when there is none. The API and the dashboard stream the
    archive instead; this is for a caller that wants it in a file."""
    archive = archives.build(assets, filename="archive.zip", folder=folder)
    for chunk in archive:
        target.write(chunk)
    return archive.images
