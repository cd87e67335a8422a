"""What each normalized operation takes: source images, a mask, a prompt
(docs/bedrock.md, "Operations").

The catalog may narrow these per model (`operations: {inpaint: {mask: image}}`); everything not
said there comes from this table.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

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
)}
