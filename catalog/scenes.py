"""Product scene presets (catalog/scenes.yaml), parsed and validated at import.

A scene is data (what to ask the model for, where its light comes from, where its surface
is), so adding one is an entry in the file; a mistake stops the process with a message naming
the scene and the field, e.g. `scenes[kitchen].ground: must be between 0.3 and 0.98`.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

SCENES_FILE = Path(__file__).with_name("scenes.yaml")
KEY_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,31}$")
SHADOWS = ("none", "contact", "drop")  # as a packshot's (catalog/operations.py)
GROUND = (0.3, 0.98)  # a surface line outside this leaves no room to stand a product


class SceneError(ValueError):
    """scenes.yaml is wrong; the message names the scene and the field."""


@dataclass(frozen=True)
class Scene:
    """What a scene asks the model for and how the product is lit and stood in it."""

    key: str  # "" for a scene from the caller's prompt alone
    label: str
    prompt: str
    negative_prompt: str
    light_angle: float
    ground: float
    shadow: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Placement:
    x: float  # the product's centre, 0..1 of the width
    ground: float | None  # its own ground line, or None: the scene's


@dataclass(frozen=True)
class SceneBook:
    background: str  # added to every background prompt
    default: Scene  # a scene from a prompt alone
    scenes: dict[str, Scene]
    placements: dict[str, Placement]

    def get(self, key: str | None) -> Scene:
        """The scene `key` names, or the default for a prompt-only scene (KeyError if unknown:
        the operation's `scene` enum refuses unknown keys first)."""
        return self.scenes[key] if key else self.default


def _scene(raw: Any, where: str, *, key: str = "", label: str = "", prompt: str = ""
           ) -> Scene:
    if not isinstance(raw, dict):
        raise SceneError(f"{where}: must be a mapping")
    known = {"key", "label", "prompt", "negative_prompt", "light_angle", "ground", "shadow"}
    unknown = sorted(set(raw) - known)
    if unknown:
        raise SceneError(f"{where}.{unknown[0]}: unknown field")
    angle, ground = raw.get("light_angle"), raw.get("ground")
    if not isinstance(angle, int | float) or not 0 <= angle <= 360:
        raise SceneError(f"{where}.light_angle: must be between 0 and 360")
    if not isinstance(ground, int | float) or not GROUND[0] <= ground <= GROUND[1]:
        raise SceneError(f"{where}.ground: must be between {GROUND[0]} and {GROUND[1]}")
    if raw.get("shadow") not in SHADOWS:
        raise SceneError(f"{where}.shadow: must be one of {', '.join(SHADOWS)}")
    texts = {name: raw.get(name, default) for name, default in (
        ("key", key), ("label", label), ("prompt", prompt), ("negative_prompt", ""))}
    for name, value in texts.items():
        if not isinstance(value, str):
            raise SceneError(f"{where}.{name}: must be text")
    return Scene(key=texts["key"], label=texts["label"], prompt=" ".join(texts["prompt"].split()),
                 negative_prompt=" ".join(texts["negative_prompt"].split()),
                 light_angle=float(angle), ground=float(ground), shadow=raw["shadow"])


def parse_scenes(data: Any) -> SceneBook:
    if not isinstance(data, dict) or not isinstance(data.get("scenes"), list):
        raise SceneError("scenes: a list of scenes is required")
    background = data.get("background")
    if not isinstance(background, str) or not background.strip():
        raise SceneError("background: required text")
    scenes: dict[str, Scene] = {}
    for i, raw in enumerate(data["scenes"]):
        key = raw.get("key") if isinstance(raw, dict) else None
        where = f"scenes[{key or i}]"
        if not isinstance(key, str) or not KEY_PATTERN.match(key):
            raise SceneError(f"{where}.key: lower-case letters, digits and _ (got {key!r})")
        if key in scenes:
            raise SceneError(f"{where}.key: a second scene {key!r}")
        scene = _scene(raw, where)
        if not scene.prompt or not scene.label:
            raise SceneError(f"{where}: needs a label and a prompt")
        scenes[key] = scene
    default = _scene(data.get("defaults"), "defaults", label="From the prompt")
    return SceneBook(background=" ".join(background.split()), default=default, scenes=scenes,
                     placements=_placements(data.get("placements")))


def _placements(raw: Any) -> dict[str, Placement]:
    if not isinstance(raw, dict) or not raw:
        raise SceneError("placements: a mapping of placements is required")
    found = {}
    for name, spec in raw.items():
        where = f"placements[{name}]"
        if not isinstance(spec, dict) or set(spec) - {"x", "ground"}:
            raise SceneError(f"{where}: x and, optionally, ground")
        x, ground = spec.get("x"), spec.get("ground")
        if not isinstance(x, int | float) or not 0.1 <= x <= 0.9:
            raise SceneError(f"{where}.x: must be between 0.1 and 0.9")
        if ground is not None and (not isinstance(ground, int | float)
                                   or not GROUND[0] <= ground <= GROUND[1]):
            raise SceneError(f"{where}.ground: must be between {GROUND[0]} and {GROUND[1]}")
        found[str(name)] = Placement(x=float(x), ground=None if ground is None else float(ground))
    return found


@cache
def scene_book() -> SceneBook:
    with SCENES_FILE.open(encoding="utf-8") as handle:
        return parse_scenes(yaml.safe_load(handle))


SCENE_KEYS: tuple[str, ...] = tuple(scene_book().scenes)
PLACEMENTS: tuple[str, ...] = tuple(scene_book().placements)
