"""What each normalized operation takes: source images, a mask, a prompt
(docs/bedrock.md, "Operations").

The catalog may narrow these per model (`operations: {inpaint: {mask: image}}`); everything not
said there comes from this table.

Compositions (docs/ecommerce.md) are rows here too, so nothing else needs a branch for them:
`call` names the model operation a composition's one provider call makes (a packshot is
priced and made as its model's `remove_background` call, then composited in the worker:
generation/compositions.py), and `params` are the operation's own parameters, the same on every
model that offers it (merged into each such model's params by catalog/spec.py). A local-only
composition (`shadow`) is an operation only the `local` model offers: the registry never sends
that family to Bedrock, and its catalog price (0.00) is what it costs. A `scene`'s call is its
model's `text_to_image` (the background); its source image, the product's cut-out, is the
composition's own and is not sent (generation/compositions.py). Two compositions may share a
parameter when they define it alike (`shadow`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from catalog.presets import FIX_NAMES
from catalog.scenes import PLACEMENTS, SCENE_KEYS

# Parameters shared by the compositions that take them, defined once so a model offering
# several gets one parameter (a packshot's and a scene's shadow: one vocabulary for both).
PRESET_PARAM: dict[str, Any] = {"type": "string", "max_length": 64,
                                "required_for": ["packshot", "conform"]}
SHADOW_PARAM: dict[str, Any] = {"type": "enum", "values": ["none", "contact", "drop"]}
MASK_MODES = ("none", "image", "image_or_prompt", "prompt", "optional_image", "optional_any")
PROMPT_MODES = ("required", "optional", "none")


@dataclass(frozen=True)
class OperationSpec:
    name: str
    images: tuple[int, int]  # how many source images, [min, max]
    mask: str  # one of MASK_MODES
    prompt: str  # one of PROMPT_MODES
    # Where the output size comes from: "output" (size / aspect_ratio ask for it), "target"
    # (outpaint: the canvas to extend to), "source" (edits keep the source image's size).
    sizing: str = "source"
    image_roles: tuple[str, ...] = ()  # what each source image is, for error messages
    max_n: int | None = None  # deterministic operations make one image
    call: str | None = None  # a composition: the model operation its call makes
    calls_model: bool = True  # False: made from the source image alone, no provider call
    # The operation's own parameters, as catalog.yaml spells a model's `params`.
    params: tuple[tuple[str, dict[str, Any]], ...] = ()

    @property
    def call_operation(self) -> str:
        """The operation the provider is asked for (a composition's call, else itself)."""
        return self.call or self.name

    def with_overrides(self, overrides: dict[str, Any]) -> OperationSpec:
        changes = dict(overrides)
        unknown = set(changes) - {"images", "mask", "prompt", "sizing"}
        if unknown:
            raise ValueError(f"unknown field {sorted(unknown)[0]!r}")
        if changes.get("mask", self.mask) not in MASK_MODES:
            raise ValueError(f"mask must be one of {', '.join(MASK_MODES)}")
        if changes.get("prompt", self.prompt) not in PROMPT_MODES:
            raise ValueError(f"prompt must be one of {', '.join(PROMPT_MODES)}")
        if "images" in changes:
            changes["images"] = tuple(changes["images"])
        return replace(self, **changes)


def _op(name: str, images: tuple[int, int], mask: str, prompt: str, sizing: str,
        roles: tuple[str, ...]) -> OperationSpec:
    return OperationSpec(name=name, images=images, mask=mask, prompt=prompt, sizing=sizing,
                         image_roles=roles)


OPERATION_DEFAULTS: dict[str, OperationSpec] = {op.name: op for op in (
    _op("text_to_image", (0, 0), "none", "required", "output", ("condition image",)),
    _op("image_to_image", (1, 1), "none", "required", "source", ("source",)),
    _op("variation", (1, 5), "none", "optional", "output", ("reference",) * 5),
    _op("inpaint", (1, 1), "image_or_prompt", "optional", "source", ("source",)),
    _op("outpaint", (1, 1), "none", "optional", "target", ("source",)),
    replace(_op("remove_background", (1, 1), "none", "none", "source", ("source",)), max_n=1),
    _op("replace_background", (1, 1), "optional_any", "required", "source", ("source",)),
    _op("color_guided", (0, 1), "none", "required", "output", ("reference",)),
    _op("upscale", (1, 1), "none", "optional", "source", ("source",)),
    _op("search_replace", (1, 1), "prompt", "required", "source", ("source",)),
    _op("search_recolor", (1, 1), "prompt", "required", "source", ("source",)),
    _op("erase", (1, 1), "optional_image", "none", "source", ("source",)),
    _op("sketch_to_image", (1, 1), "none", "required", "source", ("sketch",)),
    _op("structure_to_image", (1, 1), "none", "required", "source", ("structure",)),
    _op("style_guide", (1, 1), "none", "required", "output", ("style reference",)),
    _op("style_transfer", (2, 2), "none", "optional", "source", ("content", "style")),
    _op("virtual_try_on", (2, 2), "optional_any", "none", "source", ("person", "garment")),
    # Compositions. A packshot's job keeps the product photo's size (its cut-out call is priced
    # on it); the image it delivers has the preset's canvas.
    replace(_op("packshot", (1, 1), "none", "none", "source", ("product photo",)), max_n=1,
            call="remove_background", params=(
                ("preset", PRESET_PARAM),
                ("shadow", SHADOW_PARAM))),
    # A scene's job has the size asked for (its call, the background, is priced on it); its
    # one source image is the product's cut-out, placed on each background made.
    replace(_op("scene", (1, 1), "none", "optional", "output", ("product cut-out",)),
            call="text_to_image", params=(
                ("scene", {"type": "enum", "values": list(SCENE_KEYS)}),
                ("placement", {"type": "enum", "values": list(PLACEMENTS), "default": "centre"}),
                ("scale", {"type": "float", "min": 0.2, "max": 0.9, "default": 0.6}),
                ("shadow", SHADOW_PARAM),
                ("harmonize", {"type": "float", "min": 0, "max": 1, "default": 0.5}))),
    # A marketplace fix (the compliance check's one-click fix): the source image itself, fixed
    # for a preset by Atelier (no model call, free): local-only, like `shadow`.
    replace(_op("conform", (1, 1), "none", "none", "source", ("image",)), max_n=1,
            calls_model=False, params=(
        ("preset", PRESET_PARAM),
        ("fix", {"type": "enum", "values": ["all", *FIX_NAMES], "default": "all"}))),
    replace(_op("shadow", (1, 1), "none", "none", "source", ("cut-out",)), max_n=1, params=(
        ("light_angle", {"type": "float", "min": 0, "max": 360, "default": 315}),
        ("softness", {"type": "float", "min": 0, "max": 1, "default": 0.5}),
        ("opacity", {"type": "float", "min": 0, "max": 1, "default": 0.5}),
        ("distance", {"type": "float", "min": 0, "max": 1, "default": 0.15}),
        ("contact", {"type": "float", "min": 0, "max": 1, "default": 0.6}))),
)}
