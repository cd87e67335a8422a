"""Marketplace image presets (catalog/presets.yaml), parsed and validated.

A marketplace suppresses a listing whose main image breaks its rules, so the rules are data
with their source beside them, not constants in code. One parser serves the shipped file and
the presets tenants define (assets.MarketplacePreset), so both are refused the same way: a
PresetError whose message names the preset and the field, e.g.
`presets[amazon-main].min_fill: must be between 0 and 1 (got 1.5)`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

PRESETS_FILE = Path(__file__).with_name("presets.yaml")
KEY_PATTERN = r"^[a-z0-9][a-z0-9-]{0,63}$"
FORMATS = ("jpeg", "png", "tiff", "gif", "webp", "bmp")
COLOR_SPACES = ("srgb",)
SHADOWS = ("none", "soft", "natural")
# The compliance check's fixes (assets.compliance.FIXES does them), in the order they apply.
FIX_NAMES = ("convert", "flatten", "re-pad", "resize")
MAX_SIDE = 20000
# The fields a preset may set (beyond key and name), in the order answers show them.
FIELDS = ("min_longest_side", "min_shortest_side", "max_longest_side", "size", "aspect",
          "background", "min_fill", "formats", "color_space", "alpha", "text", "shadow",
          "source", "unsourced")
_HEX = re.compile(r"^#[0-9A-Fa-f]{6}$")
_SIZE = re.compile(r"^(\d{1,5})x(\d{1,5})$")
_ASPECT = re.compile(r"^(\d+(?:\.\d+)?):(\d+(?:\.\d+)?)$")


class PresetError(ValueError):
    """A preset is wrong; the message names the preset and the field, `field` the field."""

    def __init__(self, message: str, *, field: str) -> None:
        super().__init__(message)
        self.message, self.field = message, field


@dataclass(frozen=True)
class Preset:
    key: str
    name: str
    formats: tuple[str, ...]
    source: str
    min_longest_side: int | None = None
    min_shortest_side: int | None = None
    max_longest_side: int | None = None
    size: tuple[int, int] | None = None
    aspect: str | None = None  # "W:H" as written; `ratio` is width / height
    background: tuple[int, int, int] | None = None
    min_fill: float | None = None
    color_space: str | None = None
    alpha: bool = False
    text: bool = True
    shadow: str = "none"
    unsourced: tuple[str, ...] = ()
    builtin: bool = True

    @property
    def ratio(self) -> float | None:
        if self.aspect is None:
            return None
        width, height = (float(part) for part in self.aspect.split(":"))
        return width / height

    @property
    def background_hex(self) -> str | None:
        return None if self.background is None else "#{:02X}{:02X}{:02X}".format(
            *self.background)

    def as_dict(self) -> dict[str, Any]:
        """The preset as the API and the file spell it."""
        return {"key": self.key, "name": self.name, "builtin": self.builtin,
                "min_longest_side": self.min_longest_side,
                "min_shortest_side": self.min_shortest_side,
                "max_longest_side": self.max_longest_side,
                "size": None if self.size is None else f"{self.size[0]}x{self.size[1]}",
                "aspect": self.aspect, "background": self.background_hex,
                "min_fill": self.min_fill, "formats": list(self.formats),
                "color_space": self.color_space, "alpha": self.alpha, "text": self.text,
                "shadow": self.shadow, "source": self.source,
                "unsourced": list(self.unsourced)}


class _Entry:
    """Typed access to one preset, so every error names the preset and the field."""

    def __init__(self, where: str, data: Any) -> None:
        if not isinstance(data, Mapping):
            raise PresetError(f"{where}: expected a mapping, got {data!r}", field="preset")
        self.where, self.data = where, data

    def fail(self, field: str, problem: str) -> PresetError:
        return PresetError(f"{self.where}.{field}: {problem}", field=field)

    def get(self, field: str, kind: type | tuple[type, ...], default: Any = ...) -> Any:
        value = self.data.get(field)
        if value is None:
            if default is ...:
                raise self.fail(field, "is required")
            return default
        if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
            kinds = kind if isinstance(kind, tuple) else (kind,)
            expected = " or ".join(k.__name__ for k in kinds)
            raise self.fail(field, f"expected {expected}, got {value!r}")
        return value

    def side(self, field: str) -> int | None:
        value = self.get(field, int, None)
        if value is not None and not 1 <= value <= MAX_SIDE:
            raise self.fail(field, f"must be between 1 and {MAX_SIDE} px (got {value})")
        return value


def parse_preset(raw: Any, *, where: str | None = None, builtin: bool = True) -> Preset:
    """One preset from its mapping (a file entry, or a tenant preset's fields), validated."""
    key = raw.get("key") if isinstance(raw, Mapping) else None
    entry = _Entry(where or f"presets[{key if isinstance(key, str) else '?'}]", raw)
    unknown = sorted(set(entry.data) - {"key", "name", *FIELDS})
    if unknown:
        raise entry.fail(unknown[0], f"unknown field; expected one of key, name, "
                                     f"{', '.join(FIELDS)}")
    key = entry.get("key", str)
    if not re.match(KEY_PATTERN, key):
        raise entry.fail("key", "lower-case letters, digits and dashes, 1 to 64 characters "
                                f"(got {key!r})")
    name = entry.get("name", str).strip()
    if not name or len(name) > 100:
        raise entry.fail("name", "1 to 100 characters")
    low, short, high = (entry.side(f) for f in ("min_longest_side", "min_shortest_side",
                                               "max_longest_side"))
    if low is not None and high is not None and low > high:
        raise entry.fail("max_longest_side", f"must be at least min_longest_side ({low}), "
                                             f"got {high}")
    size = _size(entry)
    aspect = _aspect(entry)
    background = _background(entry)
    min_fill = entry.get("min_fill", (int, float), None)
    if min_fill is not None and not 0 < min_fill <= 1:
        raise entry.fail("min_fill", f"must be between 0 and 1 (got {min_fill})")
    formats = _choices(entry, "formats", FORMATS, required=True)
    color_space = entry.get("color_space", str, None)
    if color_space is not None and color_space not in COLOR_SPACES:
        raise entry.fail("color_space", f"must be one of {', '.join(COLOR_SPACES)} or left out "
                                        f"(got {color_space!r})")
    shadow = entry.get("shadow", str, "none")
    if shadow not in SHADOWS:
        raise entry.fail("shadow", f"must be one of {', '.join(SHADOWS)} (got {shadow!r})")
    source = " ".join(entry.get("source", str).split())
    if not source:
        raise entry.fail("source", "name the marketplace's page or document, or say "
                                   "'unsourced'")
    unsourced = _choices(entry, "unsourced", FIELDS[:-2], required=False)
    return Preset(key=key, name=name, formats=formats, source=source, min_longest_side=low,
                  min_shortest_side=short, max_longest_side=high, size=size, aspect=aspect,
                  background=background, min_fill=None if min_fill is None else float(min_fill),
                  color_space=color_space, alpha=entry.get("alpha", bool, False),
                  text=entry.get("text", bool, True), shadow=shadow, unsourced=unsourced,
                  builtin=builtin)


def _size(entry: _Entry) -> tuple[int, int] | None:
    value = entry.get("size", str, None)
    if value is None:
        return None
    found = _SIZE.match(value)
    if not found or not all(1 <= int(n) <= MAX_SIDE for n in found.groups()):
        raise entry.fail("size", f"expected 'WxH', each 1 to {MAX_SIDE} px (got {value!r})")
    return int(found[1]), int(found[2])


def _aspect(entry: _Entry) -> str | None:
    value = entry.get("aspect", str, None)
    if value is None:
        return None
    found = _ASPECT.match(value)
    if not found or not all(0 < float(n) <= 100 for n in found.groups()):
        raise entry.fail("aspect", f"expected 'W:H' with positive numbers up to 100, e.g. "
                                   f"'1:1' or '1:1.44' (got {value!r})")
    return value


def _background(entry: _Entry) -> tuple[int, int, int] | None:
    value = entry.get("background", str, None)
    if value is None:
        return None
    if not _HEX.match(value):
        raise entry.fail("background", f"expected '#RRGGBB' (got {value!r})")
    return int(value[1:3], 16), int(value[3:5], 16), int(value[5:7], 16)


def _choices(entry: _Entry, field: str, allowed: tuple[str, ...], *, required: bool
             ) -> tuple[str, ...]:
    values = entry.get(field, list, ... if required else [])
    if required and not values:
        raise entry.fail(field, f"name at least one of {', '.join(allowed)}")
    bad = [v for v in values if v not in allowed]
    if bad:
        raise entry.fail(field, f"unknown value {bad[0]!r}; expected some of "
                                f"{', '.join(allowed)}")
    if len(set(values)) != len(values):
        raise entry.fail(field, "names a value twice")
    return tuple(values)


def load_presets(path: Path = PRESETS_FILE) -> dict[str, Preset]:
    """Parse and validate a presets file; PresetError naming the first problem."""
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise PresetError(f"presets {path.name}: {exc}", field="file") from exc
    if not isinstance(document, Mapping) or not isinstance(document.get("presets"), list):
        raise PresetError(f"presets {path.name}: expected a top-level `presets:` list",
                          field="presets")
    presets: dict[str, Preset] = {}
    for index, raw in enumerate(document["presets"]):
        key = raw.get("key") if isinstance(raw, Mapping) else None
        preset = parse_preset(raw, where=f"presets[{key if isinstance(key, str) else index}]")
        if preset.key in presets:
            raise PresetError(f"presets[{preset.key}].key: used by two presets", field="key")
        presets[preset.key] = preset
    return presets


@cache
def builtin_presets() -> dict[str, Preset]:
    """The shipped presets, by key (validated once per process)."""
    return load_presets()
