"""Source images and masks: checked against the model at submission, converted at run time.

At submission the upload ids must be the tenant's own uploads and fit the model's input rules
(smallest side, aspect ratio), and a mask must have its image's shape. At run time each image
is converted to what the model accepts: an allowed format, no transparency where the model
forbids it, downsized under its side and pixel caps; masks are resized to their image and
turned into the model's polarity (Atelier's convention: white = the area to change).
"""

from __future__ import annotations

import io
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.files.storage import default_storage
from PIL import Image, ImageOps

from assets.models import Asset
from catalog.validation import refuse

if TYPE_CHECKING:
    from catalog.requests import JobRequest
    from catalog.spec import InputRules, ModelSpec
    from tenants.models import Tenant

PIL_FORMATS = {"png": "PNG", "jpeg": "JPEG", "webp": "WEBP", "gif": "GIF"}


@dataclass(frozen=True)
class Sources:
    """The uploads a request names, in order, and the output size they imply."""

    images: list[Asset]
    mask: Asset | None

    @property
    def first_size(self) -> tuple[int, int] | None:
        return (self.images[0].width, self.images[0].height) if self.images else None


def _upload(tenant: Tenant, field: str, upload_id: Any,
            uploads: Mapping[str, Asset] | None = None) -> Asset:
    asset = (Asset.objects.owned(tenant, upload_id) if uploads is None
             else uploads.get(str(upload_id)))
    if asset is None:
        raise refuse(field, f"no such upload {upload_id!r}")
    if asset.moderation_status != Asset.Moderation.APPROVED:  # no edit launders a held image
        raise refuse(field, f"image {upload_id!r} is {asset.moderation_status.replace('_', ' ')}"
                            "; only approved images can be edited")
    return asset


def _fits(spec: ModelSpec, field: str, asset: Asset) -> None:
    rules = spec.limits.inputs
    short, long = sorted((asset.width, asset.height))
    if short < rules.min_side:
        raise refuse(field, f"{spec.key!r} needs images at least {rules.min_side} px on each "
                            f"side (got {asset.width}x{asset.height})")
    if long > rules.max_aspect * short:
        raise refuse(field, f"{spec.key!r} takes aspect ratios up to {rules.max_aspect:g}:1 "
                            f"(got {asset.width}x{asset.height})")


def resolve_sources(tenant: Tenant, spec: ModelSpec, request: JobRequest, *,
                    uploads: Mapping[str, Asset] | None = None) -> Sources:
    """The request's uploads, checked; `uploads` (the tenant's, by id as given) spares a batch
    a query per row."""
    images = [_upload(tenant, f"images[{i}]", upload_id, uploads)
              for i, upload_id in enumerate(request.images)]
    for i, asset in enumerate(images):
        _fits(spec, f"images[{i}]", asset)
    mask = _upload(tenant, "mask", request.mask, uploads) if request.mask else None
    if mask is not None and images:
        _same_shape(images[0], mask)
    return Sources(images=images, mask=mask)


def _same_shape(image: Asset, mask: Asset) -> None:
    """A mask is scaled to its image when the request is built, so it must have the image's
    aspect ratio (within 1%): another shape would move the area to change."""
    if abs(mask.width * image.height - image.width * mask.height) > (
            0.01 * image.width * mask.height):
        raise refuse("mask", f"a {mask.width}x{mask.height} mask does not fit the "
                             f"{image.width}x{image.height} image (another aspect ratio); "
                             "make the mask the image's size")


def outpaint_canvas(source: tuple[int, int], target: tuple[int, int], *, exact: bool
                    ) -> tuple[int, int]:
    """The canvas to extend the source to: `target` itself when `exact` (a size was asked
    for), else the smallest canvas with the target's aspect ratio that holds the source."""
    width, height = source
    if exact:
        if target[0] < width or target[1] < height:
            raise refuse("size", f"outpainting cannot shrink {width}x{height} to "
                                 f"{target[0]}x{target[1]}")
        return target
    ratio = target[0] / target[1]
    if width / height < ratio:
        return round(height * ratio), height
    return width, round(width / ratio)


# --- run time ---------------------------------------------------------------------------------

def _read(asset: Asset) -> Image.Image:
    with default_storage.open(asset.storage_key, "rb") as handle:
        image = Image.open(io.BytesIO(handle.read()))
        image.load()
    return ImageOps.exif_transpose(image)


def _fit(image: Image.Image, rules: InputRules) -> Image.Image:
    width, height = image.size
    scale = min(1.0, rules.max_side / max(width, height),
                math.sqrt(rules.max_pixels / (width * height)))
    if scale < 1.0:
        size = (max(1, int(width * scale)), max(1, int(height * scale)))
        image = image.resize(size, Image.Resampling.LANCZOS)
    return image


def encode(image: Image.Image, fmt: str) -> bytes:
    buffer = io.BytesIO()
    if fmt == "jpeg":
        image.convert("RGB").save(buffer, "JPEG", quality=95)
    else:
        image.save(buffer, PIL_FORMATS[fmt])
    return buffer.getvalue()


def _flatten(image: Image.Image) -> Image.Image:
    """Onto white: some models refuse transparent or translucent pixels."""
    rgba = image.convert("RGBA")
    background = Image.new("RGB", image.size, (255, 255, 255))
    background.paste(rgba, mask=rgba.getchannel("A"))
    return background


def model_ready(asset: Asset, rules: InputRules, *, opaque: bool) -> tuple[bytes, str, Image.Image]:
    """The upload as the model accepts it: bytes, their format, and the image itself.

    The stored bytes go untouched when they already fit; otherwise the image is downsized,
    flattened (`opaque`) and re-encoded in an accepted format.
    """
    original = _read(asset)
    image = _fit(original, rules)
    has_alpha = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
    flatten = opaque and has_alpha
    if image.size == (asset.width, asset.height) and asset.format in rules.formats \
            and not flatten:
        with default_storage.open(asset.storage_key, "rb") as handle:
            return handle.read(), asset.format, image
    if flatten:
        image = _flatten(image)
    elif image.mode not in ("RGB", "RGBA", "L"):
        image = image.convert("RGBA" if has_alpha else "RGB")
    fmt = asset.format if asset.format in rules.formats else rules.formats[0]
    return encode(image, fmt), fmt, image


def model_mask(asset: Asset, size: tuple[int, int], *, white_edits: bool) -> bytes:
    """The mask at the image's size, pure black and white, in the model's polarity."""
    mask = _read(asset).convert("L").resize(size, Image.Resampling.NEAREST)
    mask = mask.point(lambda value: 255 if value >= 128 else 0)
    if not white_edits:
        mask = ImageOps.invert(mask)
    return encode(mask.convert("RGB"), "png")
