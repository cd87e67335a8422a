"""A tiny JSON-schema engine that words its refusals the way Bedrock's InvokeModel does.

Bedrock validates model bodies with everit-json-schema and answers the first problem as
`Malformed input request: #/<pointer>: <reason>, please reformat your input and try again.`
(wording captured from real answers). The reasons below copy everit's wording. Checks that JSON
schema cannot express (image decoding, image sizes, mask colours, aspect ratios) have no captured
wording: those reasons are invented here, in the same sentence frame, and marked "invented" where
they are built.

The real service collects every violation and, when there are several, answers
`N schema violations found`; this double stops at the first one, which is what tests want.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import io
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from PIL import Image

MALFORMED = "Malformed input request: {ptr}: {reason}, please reformat your input and try again."


class ApiError(Exception):
    """An error answer: HTTP status, x-amzn-ErrorType name, message and extra body members."""

    def __init__(self, status: int, code: str, message: str, **extra: Any) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.extra = status, code, message, extra


class Invalid(ApiError):
    """A body-schema violation at a JSON pointer ("#" is the root)."""

    def __init__(self, ptr: str, reason: str) -> None:
        super().__init__(400, "ValidationException", MALFORMED.format(ptr=ptr, reason=reason))
        self.ptr, self.reason = ptr, reason


def validation(message: str) -> ApiError:
    return ApiError(400, "ValidationException", message)


@dataclass
class Ctx:
    """State shared by one validation: options and the images decoded so far, by pointer."""

    pixel_cap_inclusive: bool = False
    images: dict[str, Image.Image] = field(default_factory=dict)


def java(value: Any) -> str:
    """How everit prints a value: Java toString of the org.json value."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    return str(value)


def java_type(value: Any) -> str:
    if value is None:
        return "Null"
    if isinstance(value, bool):
        return "Boolean"
    if isinstance(value, int):
        return "Integer" if -(2**31) <= value < 2**31 else "Long"
    return {float: "BigDecimal", str: "String", list: "JSONArray", dict: "JSONObject"}[type(value)]


def expect(value: Any, types: type | tuple[type, ...], name: str, ptr: str) -> None:
    if not isinstance(value, types) or (isinstance(value, bool) and bool not in _tuple(types)):
        raise Invalid(ptr, f"expected type: {name}, found: {java_type(value)}")


def _tuple(types: type | tuple[type, ...]) -> tuple[type, ...]:
    return types if isinstance(types, tuple) else (types,)


def java_len(text: str) -> int:
    """Java String.length(): UTF-16 code units."""
    return len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF)


class Node:
    def check(self, value: Any, ptr: str, ctx: Ctx) -> None:  # pragma: no cover - interface
        raise NotImplementedError


@dataclass(frozen=True)
class Str(Node):
    min: int | None = None
    max: int | None = None
    pattern: str | None = None

    def check(self, value: Any, ptr: str, ctx: Ctx) -> None:
        expect(value, str, "String", ptr)
        size = java_len(value)
        if self.min is not None and size < self.min:
            raise Invalid(ptr, f"expected minLength: {self.min}, actual: {size}")
        if self.max is not None and size > self.max:
            raise Invalid(ptr, f"expected maxLength: {self.max}, actual: {size}")
        if self.pattern is not None and not re.search(self.pattern, value):
            raise Invalid(ptr, f"string [{value}] does not match pattern {self.pattern}")


@dataclass(frozen=True)
class Enum(Node):
    values: tuple[Any, ...]

    def check(self, value: Any, ptr: str, ctx: Ctx) -> None:
        if isinstance(value, (dict, list, bool)) or value not in self.values:
            raise Invalid(ptr, f"{java(value)} is not a valid enum value")


@dataclass(frozen=True)
class Num(Node):
    """A JSON number in [lo, hi]; integer=True refuses fractions (everit "Integer")."""

    lo: float | None = None
    hi: float | None = None
    integer: bool = False
    multiple_of: int | None = None

    def check(self, value: Any, ptr: str, ctx: Ctx) -> None:
        if self.integer:
            expect(value, int, "Integer", ptr)
        else:
            expect(value, (int, float), "Number", ptr)
        if self.lo is not None and value < self.lo:
            raise Invalid(ptr, f"{java(value)} is not greater or equal to {java(self.lo)}")
        if self.hi is not None and value > self.hi:
            raise Invalid(ptr, f"{java(value)} is not less or equal to {java(self.hi)}")
        if self.multiple_of and value % self.multiple_of:
            raise Invalid(ptr, f"{java(value)} is not a multiple of {self.multiple_of}")


def Int(lo: int | None = None, hi: int | None = None, multiple_of: int | None = None) -> Num:
    return Num(lo, hi, integer=True, multiple_of=multiple_of)


@dataclass(frozen=True)
class Bool(Node):
    def check(self, value: Any, ptr: str, ctx: Ctx) -> None:
        expect(value, bool, "Boolean", ptr)


@dataclass(frozen=True)
class AnyObject(Node):
    """A free-form JSON object (SDXL `extras`)."""

    def check(self, value: Any, ptr: str, ctx: Ctx) -> None:
        expect(value, dict, "JSONObject", ptr)


@dataclass(frozen=True)
class Arr(Node):
    items: Node
    min: int | None = None
    max: int | None = None

    def check(self, value: Any, ptr: str, ctx: Ctx) -> None:
        expect(value, list, "JSONArray", ptr)
        if self.min is not None and len(value) < self.min:
            raise Invalid(ptr, f"expected minimum item count: {self.min}, found: {len(value)}")
        if self.max is not None and len(value) > self.max:
            raise Invalid(ptr, f"expected maximum item count: {self.max}, found: {len(value)}")
        for index, item in enumerate(value):
            self.items.check(item, f"{ptr}/{index}", ctx)


Check = Callable[[dict, str, Ctx], None]


@dataclass(frozen=True)
class Obj(Node):
    """An object with declared properties only (additionalProperties: false).

    `needs` maps a property to the properties it depends on (everit "property [x] is required");
    `one_of` lists groups of which exactly one member must be present; `checks` run last.
    """

    props: Mapping[str, Node]
    required: tuple[str, ...] = ()
    needs: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    one_of: tuple[tuple[str, ...], ...] = ()
    checks: tuple[Check, ...] = ()

    def check(self, value: Any, ptr: str, ctx: Ctx) -> None:
        expect(value, dict, "JSONObject", ptr)
        for key in self.required:
            if key not in value:
                raise Invalid(ptr, f"required key [{key}] not found")
        for key in value:
            if key not in self.props:
                raise Invalid(ptr, f"extraneous key [{key}] is not permitted")
        for key, item in value.items():
            self.props[key].check(item, f"{ptr}/{key}", ctx)
        for key, needed in self.needs.items():
            for other in needed:
                if key in value and other not in value:
                    raise Invalid(ptr, f"property [{other}] is required")
        for group in self.one_of:
            present = sum(key in value for key in group)
            if present != 1:  # everit's oneOf wording; Bedrock's own text for this is not captured
                raise Invalid(ptr, f"{present} subschemas matched instead of one")
        for extra_check in self.checks:
            extra_check(value, ptr, ctx)

    def but(self, *, drop: tuple[str, ...] = (), **changes: Any) -> Obj:
        """A copy without some properties, or with some fields replaced."""
        props = {k: v for k, v in (changes.pop("props", None) or self.props).items()
                 if k not in drop}
        required = tuple(k for k in changes.pop("required", self.required) if k not in drop)
        needs = {k: v for k, v in changes.pop("needs", self.needs).items() if k not in drop}
        return Obj(props, required, needs, changes.pop("one_of", self.one_of),
                   changes.pop("checks", self.checks))


@dataclass(frozen=True)
class Tagged(Node):
    """An object whose schema depends on a discriminating property (taskType, mode, maskType)."""

    tag: str
    variants: Mapping[str, Obj]
    default: str | None = None

    def check(self, value: Any, ptr: str, ctx: Ctx) -> None:
        expect(value, dict, "JSONObject", ptr)
        if self.tag not in value and self.default is None:
            raise Invalid(ptr, f"required key [{self.tag}] not found")
        chosen = value.get(self.tag, self.default)
        if not isinstance(chosen, str) or chosen not in self.variants:
            raise Invalid(f"{ptr}/{self.tag}", f"{java(chosen)} is not a valid enum value")
        self.variants[chosen].check(value, ptr, ctx)


# --- images -------------------------------------------------------------------------------

@dataclass(frozen=True)
class ImageRule:
    """Limits on a decoded input image. All the reasons it gives are invented wording."""

    formats: tuple[str, ...] = ("PNG", "JPEG")
    min_side: int = 1
    max_side: int | None = None
    max_long_side: int | None = None
    min_pixels: int = 1
    max_pixels: int | None = None
    pixels_exclusive: bool | None = False  # None: `< max` unless ctx.pixel_cap_inclusive
    aspect: tuple[float, float] | None = None  # (min w/h, max w/h)
    opaque: bool = False

    def check(self, image: Image.Image, ptr: str, ctx: Ctx) -> None:
        w, h = image.size
        dims = f"image dimensions {w}x{h}"
        if image.format not in self.formats:
            raise Invalid(ptr, f"image format {image.format} is not supported, "
                               f"expected one of [{', '.join(self.formats)}]")
        if min(w, h) < self.min_side:
            raise Invalid(ptr, f"{dims}: each side must be at least {self.min_side} px")
        if self.max_side is not None and max(w, h) > self.max_side:
            raise Invalid(ptr, f"{dims}: each side must be at most {self.max_side} px")
        if self.max_long_side is not None and max(w, h) > self.max_long_side:
            raise Invalid(ptr, f"{dims}: the longer side must be at most {self.max_long_side} px")
        if w * h < self.min_pixels:
            raise Invalid(ptr, f"{dims}: at least {self.min_pixels} pixels are required")
        if self.max_pixels is not None:
            check_pixels(w * h, self.max_pixels, self.pixels_exclusive, ptr, dims, ctx)
        if self.aspect is not None:
            check_aspect(w, h, self.aspect, ptr, dims)
        if self.opaque and "A" in image.getbands() and image.getchannel("A").getextrema()[0] < 255:
            raise Invalid(ptr, "image must not contain transparent or translucent pixels")


def check_pixels(pixels: int, cap: int, exclusive: bool | None, ptr: str, what: str,
                 ctx: Ctx) -> None:
    if exclusive is None:
        exclusive = not ctx.pixel_cap_inclusive
    if pixels > cap or (exclusive and pixels == cap):
        bound = "less than" if exclusive else "at most"
        raise Invalid(ptr, f"{what}: total pixels {pixels} must be {bound} {cap}")


def ratio_text(value: float) -> str:
    return f"1:{1 / value:g}" if value < 1 else f"{value:g}:1"


def check_aspect(w: int, h: int, bounds: tuple[float, float], ptr: str, what: str) -> None:
    lo, hi = bounds
    if not lo <= w / h <= hi:
        raise Invalid(ptr, f"{what}: aspect ratio must be between {ratio_text(lo)} and "
                           f"{ratio_text(hi)}")


def decode_image(value: str, ptr: str) -> Image.Image:
    try:
        raw = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise Invalid(ptr, "invalid base64 image data (standard alphabet, no data: URI prefix)") \
            from None
    try:
        image = Image.open(io.BytesIO(raw))
        image.load()
    except Exception:
        raise Invalid(ptr, "unable to decode the image bytes") from None
    return image


@dataclass(frozen=True)
class Img(Node):
    """A base64 image string; the decoded image is kept in ctx.images[ptr]."""

    rule: ImageRule = ImageRule()

    def check(self, value: Any, ptr: str, ctx: Ctx) -> None:
        Str(min=1).check(value, ptr, ctx)
        image = decode_image(value, ptr)
        self.rule.check(image, ptr, ctx)
        ctx.images[ptr] = image


def mask_matches(mask_ptr: str, image_ptr: str) -> Check:
    """Nova/Titan masks: same size as their image, pure black and pure white only."""

    def check(obj: dict, ptr: str, ctx: Ctx) -> None:
        mask = ctx.images.get(f"{ptr}/{mask_ptr}")
        image = ctx.images.get(f"{ptr}/{image_ptr}")
        if mask is None or image is None:
            return
        where = f"{ptr}/{mask_ptr}"
        if mask.size != image.size:
            raise Invalid(where, f"mask size {mask.size[0]}x{mask.size[1]} does not match "
                                 f"image size {image.size[0]}x{image.size[1]}")
        colours = mask.convert("RGB").getcolors(maxcolors=2) or [(0, (1, 1, 1))]
        if any(colour not in ((0, 0, 0), (255, 255, 255)) for _, colour in colours):
            raise Invalid(where, "mask must contain only pure black (0,0,0) and pure white "
                                 "(255,255,255) pixels")

    return check


# --- output images ------------------------------------------------------------------------

def colour_for(key: str) -> tuple[int, int, int]:
    """One of 64 colours, from a hash of the prompt (few colours keep the cache warm)."""
    digest = hashlib.blake2b(key.encode(), digest_size=3).digest()
    return tuple(40 + (byte & 3) * 60 for byte in digest)  # type: ignore[return-value]


@lru_cache(maxsize=256)
def encode(width: int, height: int, colour: tuple[int, int, int], fmt: str = "png",
           alpha: bool = False) -> str:
    """A solid-colour image as base64: PNG (compress_level 1), JPEG or WEBP."""
    fmt = fmt.lower()
    mode = "RGBA" if alpha and fmt != "jpeg" else "RGB"
    fill = (*colour, 255) if mode == "RGBA" else colour
    image = Image.new(mode, (width, height), fill)
    if mode == "RGBA":  # a transparent border, so the alpha channel is really used
        image.paste((0, 0, 0, 0), (0, 0, width, max(1, height // 16)))
    out = io.BytesIO()
    if fmt == "png":
        image.save(out, "PNG", compress_level=1)
    elif fmt == "jpeg":
        image.save(out, "JPEG", quality=85)
    else:
        image.save(out, "WEBP", quality=80, method=0)
    return base64.b64encode(out.getvalue()).decode("ascii")


def about_one_megapixel(w: int, h: int, step: int = 64, area: int = 1024 * 1024) -> tuple[int, int]:
    """A size of the same aspect ratio as w:h, close to `area` pixels, sides multiples of `step`."""
    scale = (area / (w * h)) ** 0.5
    return (max(step, round(w * scale / step) * step), max(step, round(h * scale / step) * step))


# --- what a valid request asks for ---------------------------------------------------------

@dataclass
class Plan:
    kind: str  # "amazon" | "stability" | "sdxl"
    size: tuple[int, int]
    count: int = 1
    fmt: str = "png"
    alpha: bool = False
    seed: int = 0  # 0: pick a random one (Stability)
    seed_max: int = 4_294_967_294
    key: str = ""  # hashed into the colour of the output
    return_mask: bool = False
    titan: bool = False


@dataclass(frozen=True)
class Family:
    """The rules of one model family: a schema, and how to read a valid body into a Plan."""

    schema: Node
    plan: Callable[[dict, Ctx], Plan]
