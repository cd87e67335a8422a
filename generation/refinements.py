"""What the dashboard can do with a picked image, as data: each action is an operation, the
models that can do it (the first callable one is the default) and how the new job is built
from the picked image. The dashboard's editor (dashboard/editor.py) builds each action's
requests and submits them as ordinary jobs through `submit_job`, so limits, moderation,
quotas and prices apply exactly as in the API.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from catalog.spec import catalog

AD_FORMATS = ("1:1", "4:5", "16:9", "9:16")


@dataclass(frozen=True)
class Refinement:
    label: str
    operation: str
    models: tuple[str, ...]
    uses_image: bool = True  # the picked image is the job's source
    keeps_seed: bool = False
    stage: str = "draft"
    n: int = 1
    params: tuple[str, ...] = ()  # the operation's own parameters the merchant sets
    inherits_prompt: bool = True  # a blank prompt means the picked image's


ACTIONS: dict[str, Refinement] = {
    "variations": Refinement("Variations", "image_to_image",
                             ("sd3.5-large", "stable-image-ultra", "nova-2-omni"), n=4),
    "finish": Refinement("Finish on a premium model", "text_to_image",
                         ("stable-image-ultra", "sd3.5-large", "nova-2-omni"),
                         uses_image=False, keeps_seed=True, stage="final"),
    "upscale": Refinement("Upscale", "upscale", ("stability-upscale-fast",
                                                 "stability-upscale-conservative",
                                                 "stability-upscale-creative")),
    "inpaint": Refinement("Inpaint", "inpaint", ("stability-inpaint", "nova-canvas",
                                                 "titan-image-v2")),
    "search_replace": Refinement("Replace what a prompt finds", "search_replace",
                                 ("stability-search-replace",)),
    "outpaint": Refinement("Outpaint to ad formats", "outpaint",
                           ("stability-outpaint", "nova-canvas", "titan-image-v2")),
    "remove_background": Refinement("Remove the background", "remove_background",
                                    ("stability-remove-background", "nova-2-omni",
                                     "nova-canvas")),
    "replace_background": Refinement("Replace the background", "replace_background",
                                     ("nova-2-omni", "nova-canvas")),
    # Compositions (docs/ecommerce.md): a cut-out call, then pixel work in the worker.
    "packshot": Refinement("Marketplace packshot", "packshot",
                           ("stability-remove-background", "nova-2-omni", "nova-canvas"),
                           params=("preset", "shadow")),
    "shadow": Refinement("Add a shadow", "shadow", ("local",),
                         params=("light_angle", "softness", "opacity", "distance", "contact")),
    "scene": Refinement("Product scene", "scene",
                        ("stable-image-core", "stable-image-ultra", "sd3.5-large"),
                        params=("scene", "placement", "scale", "shadow", "harmonize"),
                        inherits_prompt=False),
    "conform": Refinement("Marketplace fix", "conform", ("local",), params=("preset", "fix")),
}


def models_for(action: str) -> list[str]:
    """The action's models that can be called now (not past their end of life)."""
    specs = {spec.key: spec for spec in catalog()}
    refinement = ACTIONS[action]
    return [key for key in refinement.models if key in specs
            and refinement.operation in specs[key].operations and specs[key].usable()]


def shape(spec: Any, width: int, height: int) -> dict[str, str]:
    """The model's aspect ratio nearest the picked image's, or its exact size where the model
    takes sizes."""
    ratios = spec.limits.aspect_ratios
    if not ratios:
        return {"size": f"{width}x{height}"}
    wanted = math.log(width / height)
    nearest = min(ratios, key=lambda r: abs(math.log(ratios[r][0] / ratios[r][1]) - wanted))
    return {"aspect_ratio": nearest}

