"""Checking one normalized request against one model's limits, before anything is queued.

Every refusal is an InvalidParameter whose message starts with the field and names the limit,
e.g. `n: must be between 1 and 16 for 'local' (got 0)`. Checks that need the database (do
the source images exist, how big are they) are made by `generation.inputs`.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from catalog.requests import OPERATIONS, JobRequest, ResolvedRequest
from core.errors import InvalidParameter

if TYPE_CHECKING:
    from catalog.operations import OperationSpec
    from catalog.spec import ModelSpec

PARAM_TYPES = ("enum", "int", "float", "string", "colors")
SIZE_PATTERN = re.compile(r"^(\d{1,5})x(\d{1,5})$")
HEX_COLOR = re.compile(r"^#[0-9A-Fa-f]{6}$")


def refuse(field: str, message: str) -> InvalidParameter:
    return InvalidParameter(f"{field}: {message}", field=field)


@dataclass(frozen=True)
class ParamSpec:
    """One model-specific named parameter (`--param NAME=VALUE`, `params` in the API)."""

    name: str
    type: str
    values: tuple[Any, ...] = ()
    min: float | None = None
    max: float | None = None
    max_length: int | None = None
    default: Any = None
    operations: tuple[str, ...] = ()  # empty: every operation of the model
    required_for: tuple[str, ...] = ()

    @classmethod
    def parse(cls, name: str, raw: dict[str, Any], fail: Callable[[str, str], Exception]
              ) -> ParamSpec:
        known = {"type", "values", "min", "max", "max_length", "default", "operations",
                 "required_for"}
        unknown = sorted(set(raw) - known)
        if unknown:
            raise fail(f"params.{name}.{unknown[0]}", "unknown field")
        kind = raw.get("type")
        if kind not in PARAM_TYPES:
            raise fail(f"params.{name}.type", f"must be one of {', '.join(PARAM_TYPES)}")
        if kind == "enum" and not raw.get("values"):
            raise fail(f"params.{name}.values", "an enum needs values")
        for field in ("operations", "required_for"):
            bad = [op for op in raw.get(field, ()) if op not in OPERATIONS]
            if bad:
                raise fail(f"params.{name}.{field}", f"unknown operation {bad[0]!r}")
        return cls(name=name, type=kind, values=tuple(raw.get("values", ())),
                   min=raw.get("min"), max=raw.get("max"), max_length=raw.get("max_length"),
                   default=raw.get("default"), operations=tuple(raw.get("operations", ())),
                   required_for=tuple(raw.get("required_for", ())))

    def applies_to(self, operation: str) -> bool:
        return not self.operations or operation in self.operations

    def coerce(self, value: Any) -> Any:
        """The value in its proper type, or InvalidParameter naming `params.NAME` and the limit."""
        field = f"params.{self.name}"
        if self.type == "enum":
            if value not in self.values:
                allowed = ", ".join(map(str, self.values))
                raise refuse(field, f"must be one of {allowed} (got {value!r})")
            return value
        if self.type == "string":
            if not isinstance(value, str):
                raise refuse(field, f"must be text (got {value!r})")
            if self.max_length is not None and len(value) > self.max_length:
                raise refuse(field, f"at most {self.max_length} characters (got {len(value)})")
            return value
        if self.type == "colors":
            return self._colors(field, value)
        number = _number(field, value, integer=self.type == "int")
        if (self.min is not None and number < self.min) or (
                self.max is not None and number > self.max):
            raise refuse(field, f"must be between {self.min} and {self.max} (got {number})")
        return number

    def _colors(self, field: str, value: Any) -> list[str]:
        if isinstance(value, str):
            value = [part.strip() for part in value.split(",") if part.strip()]
        if not isinstance(value, list) or not all(isinstance(c, str) for c in value):
            raise refuse(field, f"must be a list of #RRGGBB colors (got {value!r})")
        low, high = int(self.min or 1), int(self.max or 10)
        if not low <= len(value) <= high:
            raise refuse(field, f"between {low} and {high} colors (got {len(value)})")
        bad = [c for c in value if not HEX_COLOR.match(c)]
        if bad:
            raise refuse(field, f"colors must look like #A1B2C3 (got {bad[0]!r})")
        return [c.upper() for c in value]

    def describe(self) -> dict[str, Any]:
        body = {"type": self.type, "values": list(self.values), "min": self.min, "max": self.max,
                "max_length": self.max_length, "default": self.default,
                "operations": list(self.operations), "required_for": list(self.required_for)}
        return {k: v for k, v in body.items() if v not in (None, [])}


def _number(field: str, value: Any, *, integer: bool) -> int | float:
    if isinstance(value, str):
        with contextlib.suppress(ValueError):
            value = int(value) if integer else float(value)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or (
            integer and not isinstance(value, int)):
        kind = "a whole number" if integer else "a number"
        raise refuse(field, f"must be {kind} (got {value!r})")
    if isinstance(value, float) and (value != value or value in (float("inf"), float("-inf"))):
        raise refuse(field, f"must be a finite number (got {value})")
    return value


def _in_range(field: str, value: int, bounds: tuple[int, int], key: str) -> None:
    low, high = bounds
    if not low <= value <= high:
        raise refuse(field, f"must be between {low} and {high} for {key!r} (got {value})")


def _text(field: str, text: str, bounds: tuple[int, int], key: str) -> None:
    low, high = bounds
    if len(text) > high:
        limit = f"at most {high} characters" if high else "not supported"
        raise refuse(field, f"{limit} for {key!r} (got {len(text)})")
    if len(text.strip()) < low:
        what = "is required" if low == 1 else f"at least {low} characters"
        raise refuse(field, f"{what} for {key!r} (got {len(text)})")


def _choice(field: str, value: str | None, allowed: tuple[str, ...], key: str) -> None:
    if value is None:
        return
    if not allowed:
        raise refuse(field, f"{key!r} takes no {field}")
    if value not in allowed:
        raise refuse(field, f"must be one of {', '.join(allowed)} for {key!r} (got {value!r})")


def _prompt(spec: ModelSpec, op: OperationSpec, request: JobRequest) -> None:
    low, high = spec.limits.prompt_chars
    if op.prompt == "none":
        if request.prompt.strip():
            raise refuse("prompt", f"{op.name!r} takes no prompt")
        return
    if op.prompt == "required" and not request.prompt.strip():
        raise refuse("prompt", f"is required for {op.name!r}")
    _text("prompt", request.prompt, (0 if op.prompt == "optional" else max(low, 1), high),
          spec.key)


def _sources(spec: ModelSpec, op: OperationSpec, request: JobRequest) -> None:
    low, high = op.images
    count = len(request.images)
    if not low <= count <= high:
        if high == 0:
            raise refuse("images", f"{op.name!r} on {spec.key!r} takes no source images")
        wanted = str(low) if low == high else f"{low} to {high}"
        roles = ", ".join(dict.fromkeys(op.image_roles[:high]))
        raise refuse("images", f"{op.name!r} on {spec.key!r} needs {wanted} source image(s) "
                               f"({roles}); got {count}")


def _mask(spec: ModelSpec, op: OperationSpec, request: JobRequest) -> None:
    has_image, has_prompt = bool(request.mask), bool(request.mask_prompt)
    if has_image and has_prompt:
        raise refuse("mask", "give mask or mask_prompt, not both")
    allowed = {
        "none": (False, False), "image": (True, False), "optional_image": (True, False),
        "prompt": (False, True), "image_or_prompt": (True, True), "optional_any": (True, True),
    }[op.mask]
    if has_image and not allowed[0]:
        raise refuse("mask", f"{op.name!r} on {spec.key!r} takes no mask image")
    if has_prompt and not allowed[1]:
        raise refuse("mask_prompt", f"{op.name!r} on {spec.key!r} takes no mask_prompt")
    if op.mask == "image" and not has_image:
        raise refuse("mask", f"{op.name!r} on {spec.key!r} needs a mask image")
    if op.mask == "prompt" and not has_prompt:
        raise refuse("mask_prompt", f"{op.name!r} on {spec.key!r} needs mask_prompt "
                                    "(what to find in the image)")
    if op.mask == "image_or_prompt" and not (has_image or has_prompt):
        raise refuse("mask", f"{op.name!r} on {spec.key!r} needs a mask image or mask_prompt")
    if has_prompt:
        _text("mask_prompt", request.mask_prompt or "", (1, spec.limits.prompt_chars[1] or 10000),
              spec.key)


def _check_size(spec: ModelSpec, field: str, size: tuple[int, int]) -> None:
    limits, (width, height) = spec.limits, size
    if limits.sizes and size in limits.sizes:
        return
    rule = limits.size
    if rule is None:
        allowed = ", ".join(f"{w}x{h}" for w, h in limits.sizes)
        hint = f"one of {allowed}" if allowed else "given as aspect_ratio"
        raise refuse(field, f"must be {hint} for {spec.key!r} (got {width}x{height})")
    if not (rule.min <= width <= rule.max and rule.min <= height <= rule.max):
        raise refuse(field, f"width and height must be between {rule.min} and {rule.max} "
                            f"for {spec.key!r} (got {width}x{height})")
    if width % rule.multiple_of or height % rule.multiple_of:
        raise refuse(field, f"width and height must be multiples of {rule.multiple_of} "
                            f"for {spec.key!r} (got {width}x{height})")
    if width * height > rule.max_pixels:
        raise refuse(field, f"at most {rule.max_pixels} pixels for {spec.key!r} "
                            f"(got {width}x{height} = {width * height})")
    if rule.max_aspect and max(width, height) > rule.max_aspect * min(width, height):
        raise refuse(field, f"aspect ratio at most {rule.max_aspect:g}:1 for {spec.key!r} "
                            f"(got {width}x{height})")


def _check_canvas(spec: ModelSpec, size: tuple[int, int]) -> None:
    """An outpainting canvas is an input to the model: its input rules apply."""
    rules, (width, height) = spec.limits.inputs, size
    if max(width, height) > rules.max_side or width * height > rules.max_pixels:
        raise refuse("size", f"at most {rules.max_side} px a side and {rules.max_pixels} pixels "
                             f"for {spec.key!r} (got {width}x{height})")


def parse_size(text: str) -> tuple[int, int] | None:
    """"WIDTHxHEIGHT" as two ints, or None."""
    match = SIZE_PATTERN.match(text.strip().lower()) if isinstance(text, str) else None
    return (int(match[1]), int(match[2])) if match else None


def _dimensions(spec: ModelSpec, op: OperationSpec, request: JobRequest
                ) -> tuple[int, int] | None:
    """The requested output size; None where the source image decides (resolved later)."""
    limits = spec.limits
    if request.size and request.aspect_ratio:
        raise refuse("size", "give size or aspect_ratio, not both")
    if op.sizing == "source" and (request.size or request.aspect_ratio):
        field = "size" if request.size else "aspect_ratio"
        raise refuse(field, f"{op.name!r} keeps the source image's size; leave {field} out")
    if request.aspect_ratio:
        if request.aspect_ratio not in limits.aspect_ratios:
            allowed = ", ".join(limits.aspect_ratios) or "none"
            raise refuse("aspect_ratio", f"must be one of {allowed} for {spec.key!r} "
                                         f"(got {request.aspect_ratio!r})")
        return limits.aspect_ratios[request.aspect_ratio]
    if request.size:
        size = parse_size(request.size)
        if size is None:
            raise refuse("size", f"must look like 1024x1024 (got {request.size!r})")
        if op.sizing == "target":
            _check_canvas(spec, size)
        else:
            _check_size(spec, "size", size)
        return size
    if op.sizing == "target":
        raise refuse("aspect_ratio", f"{op.name!r} needs the aspect_ratio or size to extend to")
    return limits.default_size if op.sizing == "output" else None


def _params(spec: ModelSpec, operation: str, given: dict[str, Any], *,
            complete: bool = True) -> dict[str, Any]:
    """The model's parameters resolved; `complete`: the request must hold every required one
    (a template's defaults need not: the job may add the rest)."""
    unknown = sorted(set(given) - set(spec.params))
    if unknown:
        known = ", ".join(sorted(spec.params)) or "none"
        raise refuse(f"params.{unknown[0]}",
                     f"{spec.key!r} has no parameter {unknown[0]!r}; known: {known}")
    for name in given:
        if not spec.params[name].applies_to(operation):
            only = ", ".join(spec.params[name].operations)
            raise refuse(f"params.{name}", f"applies to {only} only, not {operation!r}")
    for name, param in spec.params.items():
        if complete and operation in param.required_for and name not in given:
            raise refuse(f"params.{name}", f"is required for {operation!r} on {spec.key!r}")
    resolved = {name: p.default for name, p in spec.params.items()
                if p.default is not None and p.applies_to(operation)}
    resolved.update({name: spec.params[name].coerce(value) for name, value in given.items()})
    return resolved


def validate_request(spec: ModelSpec, request: JobRequest) -> ResolvedRequest:
    limits = spec.limits
    if request.operation not in OPERATIONS:
        raise refuse("operation", f"unknown operation {request.operation!r}; "
                                  f"known: {', '.join(OPERATIONS)}")
    op = spec.operations.get(request.operation)
    if op is None:
        raise refuse("operation", f"{spec.key!r} does not support {request.operation!r}; "
                                  f"it supports: {', '.join(spec.operations)}")
    _prompt(spec, op, request)
    _text("negative_prompt", request.negative_prompt, (0, limits.negative_prompt_chars[1]),
          spec.key)
    _in_range("n", request.n, limits.n, spec.key)
    if op.max_n is not None and request.n > op.max_n:
        raise refuse("n", f"{op.name!r} makes {op.max_n} image (got {request.n})")
    if request.seed is not None:
        if limits.seed is None:
            raise refuse("seed", f"{spec.key!r} takes no seed (its images cannot be "
                                 "re-rendered from one)")
        _in_range("seed", request.seed, limits.seed, spec.key)
    _choice("quality", request.quality, limits.qualities, spec.key)
    _choice("style", request.style, limits.styles, spec.key)
    size = _dimensions(spec, op, request)
    _sources(spec, op, request)
    _mask(spec, op, request)
    width, height = size or (0, 0)
    return ResolvedRequest(request=request, model_id=spec.model_id, width=width, height=height,
                           params=_params(spec, request.operation, request.params))


def validate_defaults(spec: ModelSpec, request: JobRequest) -> None:
    """A brand template's defaults against its model: what validate_request checks that needs
    neither a prompt nor source images (negative prompt, quality, style, size or aspect ratio,
    parameters); InvalidParameter naming the field and the limit. The operation must be one
    of the model's."""
    op = spec.operations[request.operation]
    _text("negative_prompt", request.negative_prompt,
          (0, spec.limits.negative_prompt_chars[1]), spec.key)
    _choice("quality", request.quality, spec.limits.qualities, spec.key)
    _choice("style", request.style, spec.limits.styles, spec.key)
    if request.size or request.aspect_ratio:
        _dimensions(spec, op, request)
    _params(spec, request.operation, request.params, complete=False)
