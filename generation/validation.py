"""Checking one normalized request against one model's limits, before anything is queued.

Every refusal is an InvalidParameter whose message starts with the field and names the limit,
e.g. `n: must be between 1 and 16 for 'local' (got 0)`.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from config.errors import InvalidParameter
from generation.requests import OPERATIONS, PROMPT_REQUIRED, JobRequest, ResolvedRequest

if TYPE_CHECKING:
    from generation.catalog import ModelSpec

PARAM_TYPES = ("enum", "int", "float", "string")


def _refuse(field: str, message: str) -> InvalidParameter:
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

    @classmethod
    def parse(cls, name: str, raw: dict[str, Any], fail: Callable[[str, str], Exception]
              ) -> ParamSpec:
        kind = raw.get("type")
        if kind not in PARAM_TYPES:
            raise fail(f"params.{name}.type", f"must be one of {', '.join(PARAM_TYPES)}")
        if kind == "enum" and not raw.get("values"):
            raise fail(f"params.{name}.values", "an enum needs values")
        return cls(name=name, type=kind, values=tuple(raw.get("values", ())),
                   min=raw.get("min"), max=raw.get("max"), max_length=raw.get("max_length"),
                   default=raw.get("default"))

    def coerce(self, value: Any) -> Any:
        """The value in its proper type, or InvalidParameter naming `params.NAME` and the limit."""
        field = f"params.{self.name}"
        if self.type == "enum":
            if value not in self.values:
                allowed = ", ".join(map(str, self.values))
                raise _refuse(field, f"must be one of {allowed} (got {value!r})")
            return value
        if self.type == "string":
            if not isinstance(value, str):
                raise _refuse(field, f"must be text (got {value!r})")
            if self.max_length is not None and len(value) > self.max_length:
                raise _refuse(field, f"at most {self.max_length} characters (got {len(value)})")
            return value
        number = _number(field, value, integer=self.type == "int")
        if (self.min is not None and number < self.min) or (
                self.max is not None and number > self.max):
            raise _refuse(field, f"must be between {self.min} and {self.max} (got {number})")
        return number

    def describe(self) -> dict[str, Any]:
        body = {"type": self.type, "values": list(self.values), "min": self.min, "max": self.max,
                "max_length": self.max_length, "default": self.default}
        return {k: v for k, v in body.items() if v not in (None, [])}


def _number(field: str, value: Any, *, integer: bool) -> int | float:
    if isinstance(value, str):
        with contextlib.suppress(ValueError):
            value = int(value) if integer else float(value)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or (
            integer and not isinstance(value, int)):
        kind = "a whole number" if integer else "a number"
        raise _refuse(field, f"must be {kind} (got {value!r})")
    if isinstance(value, float) and value != value:  # NaN
        raise _refuse(field, "must be a number (got NaN)")
    return value


def _in_range(field: str, value: int, bounds: tuple[int, int], key: str) -> None:
    low, high = bounds
    if not low <= value <= high:
        raise _refuse(field, f"must be between {low} and {high} for {key!r} (got {value})")


def _text(field: str, text: str, bounds: tuple[int, int], key: str) -> None:
    low, high = bounds
    if len(text) > high:
        raise _refuse(field, f"at most {high} characters for {key!r} (got {len(text)})")
    if len(text) < low:
        what = "is required" if low == 1 else f"at least {low} characters"
        raise _refuse(field, f"{what} for {key!r} (got {len(text)})")


def _choice(field: str, value: str | None, allowed: tuple[str, ...], key: str) -> None:
    if value is None:
        return
    if not allowed:
        raise _refuse(field, f"{key!r} takes no {field}")
    if value not in allowed:
        raise _refuse(field, f"must be one of {', '.join(allowed)} for {key!r} (got {value!r})")


def _dimensions(spec: ModelSpec, request: JobRequest) -> tuple[int, int]:
    from generation.catalog import parse_size

    limits = spec.limits
    if request.size and request.aspect_ratio:
        raise _refuse("size", "give size or aspect_ratio, not both")
    if request.aspect_ratio:
        if request.aspect_ratio not in limits.aspect_ratios:
            allowed = ", ".join(limits.aspect_ratios) or "none"
            raise _refuse("aspect_ratio", f"must be one of {allowed} for {spec.key!r} "
                                          f"(got {request.aspect_ratio!r})")
        return limits.aspect_ratios[request.aspect_ratio]
    if not request.size:
        return limits.default_size
    size = parse_size(request.size)
    if size is None:
        raise _refuse("size", f"must look like 1024x1024 (got {request.size!r})")
    rule = limits.size
    width, height = size
    if not (rule.min <= width <= rule.max and rule.min <= height <= rule.max):
        raise _refuse("size", f"width and height must be between {rule.min} and {rule.max} "
                              f"for {spec.key!r} (got {width}x{height})")
    if width % rule.multiple_of or height % rule.multiple_of:
        raise _refuse("size", f"width and height must be multiples of {rule.multiple_of} "
                              f"for {spec.key!r} (got {width}x{height})")
    if width * height > rule.max_pixels:
        raise _refuse("size", f"at most {rule.max_pixels} pixels for {spec.key!r} "
                              f"(got {width}x{height} = {width * height})")
    return size


def _params(spec: ModelSpec, given: dict[str, Any]) -> dict[str, Any]:
    unknown = sorted(set(given) - set(spec.params))
    if unknown:
        known = ", ".join(sorted(spec.params)) or "none"
        raise _refuse(f"params.{unknown[0]}",
                      f"{spec.key!r} has no parameter {unknown[0]!r}; known: {known}")
    resolved = {name: p.default for name, p in spec.params.items() if p.default is not None}
    resolved.update({name: spec.params[name].coerce(value) for name, value in given.items()})
    return resolved


def validate_request(spec: ModelSpec, request: JobRequest) -> ResolvedRequest:
    limits = spec.limits
    if request.operation not in OPERATIONS:
        raise _refuse("operation", f"unknown operation {request.operation!r}; "
                                   f"known: {', '.join(OPERATIONS)}")
    if request.operation not in spec.operations:
        raise _refuse("operation", f"{spec.key!r} does not support {request.operation!r}; "
                                   f"it supports: {', '.join(spec.operations)}")
    prompt_bounds = limits.prompt_chars
    if request.operation in PROMPT_REQUIRED:
        prompt_bounds = (max(1, prompt_bounds[0]), prompt_bounds[1])
    if request.prompt.strip() == "" and prompt_bounds[0] > 0:
        raise _refuse("prompt", f"is required for {request.operation!r}")
    _text("prompt", request.prompt, prompt_bounds, spec.key)
    _text("negative_prompt", request.negative_prompt, limits.negative_prompt_chars, spec.key)
    _in_range("n", request.n, limits.n, spec.key)
    if request.seed is not None:
        _in_range("seed", request.seed, limits.seed, spec.key)
    _choice("quality", request.quality, limits.qualities, spec.key)
    _choice("style", request.style, limits.styles, spec.key)
    width, height = _dimensions(spec, request)
    if request.images or request.mask or request.mask_prompt:
        field = "images" if request.images else "mask"
        raise _refuse(field, f"{request.operation!r} on {spec.key!r} takes no source images "
                             "or masks")
    return ResolvedRequest(request=request, model_id=spec.model_id, width=width, height=height,
                           params=_params(spec, request.params))
