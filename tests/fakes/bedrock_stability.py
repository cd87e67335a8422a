"""Stability AI InvokeModel bodies: SD3/SD3.5, Ultra, Core, SDXL and the Image Services (the
models and their operations: docs/bedrock.md, "1. The catalog" and "2. Operations, and how
Atelier maps them").

Choices where AWS's and Stability's documentation are silent or split: `prompt` may be empty on
SD3.5/SD3 and the Image Services (0-10,000 chars, as documented) but not on Ultra/Core (Stability's
own API says 1-10,000); Core takes no `mode` (text-to-image only); Ultra accepts image-to-image
only with `mode: "image-to-image"` and an optional `strength` (AWS's page and its model table
conflict); output sizes follow Stability's SD3 table per aspect ratio, about 1 MP of the input's
aspect for image-to-image, the input size for edits, 4x for Fast Upscale (at most 16.7 MP, since
its input is at most 1 MP) and about 4 MP for Creative/Conservative Upscale. Service masks of
another size are accepted (the service resizes).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from tests.fakes.bedrock_schema import (
    AnyObject,
    Arr,
    Ctx,
    Enum,
    Family,
    ImageRule,
    Img,
    Int,
    Invalid,
    Node,
    Num,
    Obj,
    Plan,
    Str,
    Tagged,
    about_one_megapixel,
)

# --- SD3.5, SD3, Ultra, Core and SDXL --------------------------------------------------------

ASPECT_SIZES = {"1:1": (1024, 1024), "16:9": (1344, 768), "21:9": (1536, 640),
                "2:3": (832, 1216), "3:2": (1216, 832), "4:5": (896, 1088), "5:4": (1088, 896),
                "9:16": (768, 1344), "9:21": (640, 1536)}
STYLE_PRESETS = ("3d-model", "analog-film", "anime", "cinematic", "comic-book", "digital-art",
                 "enhance", "fantasy-art", "isometric", "line-art", "low-poly",
                 "modeling-compound", "neon-punk", "origami", "photographic", "pixel-art",
                 "tile-texture")
STABILITY_FORMATS = ("PNG", "JPEG", "WEBP")
PROMPT = Str(0, 10_000)
ASPECT = Enum(tuple(ASPECT_SIZES))
FORMAT = Enum(("jpeg", "png", "webp"))
# AWS's page gives JPEG | PNG in capitals for Ultra/Core; the casing is unverified: accept both.
FORMAT_CAPS = Enum(("png", "PNG", "jpeg", "JPEG"))
SEED_32 = Int(0, 4_294_967_295)
SEED_SD = Int(0, 4_294_967_294)
STD_IMAGE = Img(ImageRule(formats=STABILITY_FORMATS, min_side=64, max_pixels=9_437_184,
                          aspect=(1 / 2.5, 2.5)))


def sd3_schema(prompt: Node, seed: Node, fmt: Node, *, strength_required: bool = True) -> Tagged:
    """The 3.x body: `mode` (default text-to-image) decides between aspect_ratio and image."""
    base = {"prompt": prompt, "negative_prompt": PROMPT, "mode": Str(), "seed": seed,
            "output_format": fmt}
    image = Img(ImageRule(formats=STABILITY_FORMATS, min_side=64))
    required = ("prompt", "image", "strength") if strength_required else ("prompt", "image")
    return Tagged("mode", {
        "text-to-image": Obj({**base, "aspect_ratio": ASPECT}, ("prompt",)),
        "image-to-image": Obj({**base, "image": image, "strength": Num(0, 1)}, required),
    }, default="text-to-image")


def stability_plan(seed_max: int) -> Callable[[dict, Ctx], Plan]:
    def plan(body: dict, ctx: Ctx) -> Plan:
        size = ASPECT_SIZES[body.get("aspect_ratio", "1:1")]
        if "#/image" in ctx.images:
            size = about_one_megapixel(*ctx.images["#/image"].size)
        return Plan("stability", size, fmt=body.get("output_format", "png").lower(),
                    seed=body.get("seed", 0), seed_max=seed_max, key=body.get("prompt", ""))

    return plan


SDXL_SIZES = frozenset({(1024, 1024), (1152, 896), (1216, 832), (1344, 768), (1536, 640),
                        (640, 1536), (768, 1344), (832, 1216), (896, 1152)})


def sdxl_size(body: dict, ptr: str, ctx: Ctx) -> None:
    size = (body.get("width", 1024), body.get("height", 1024))
    if ("width" in body or "height" in body) and size not in SDXL_SIZES:
        allowed = ", ".join(f"{w}x{h}" for w, h in sorted(SDXL_SIZES))
        raise Invalid(ptr, f"{size[0]}x{size[1]} is not a supported width x height "
                           f"combination, expected one of [{allowed}]")  # invented wording
    if body.get("mask_source", "INIT_IMAGE_ALPHA") != "INIT_IMAGE_ALPHA" \
            and "mask_image" not in body:
        raise Invalid(ptr, "required key [mask_image] not found")


SDXL = Obj({
    "text_prompts": Arr(Obj({"text": Str(1), "weight": Num()}, ("text",)), 1),
    "height": Int(), "width": Int(), "cfg_scale": Num(0, 35),
    "clip_guidance_preset": Enum(("FAST_BLUE", "FAST_GREEN", "NONE", "SIMPLE", "SLOW",
                                  "SLOWER", "SLOWEST")),
    "sampler": Enum(("DDIM", "DDPM", "K_DPMPP_2M", "K_DPMPP_2S_ANCESTRAL", "K_DPM_2",
                     "K_DPM_2_ANCESTRAL", "K_EULER", "K_EULER_ANCESTRAL", "K_HEUN", "K_LMS")),
    "samples": Int(1, 1), "seed": SEED_32, "steps": Int(10, 50), "style_preset":
        Enum(STYLE_PRESETS), "extras": AnyObject(),
    "init_image": Img(ImageRule()), "init_image_mode": Enum(("IMAGE_STRENGTH", "STEP_SCHEDULE")),
    "image_strength": Num(0, 1), "step_schedule_start": Num(0, 1), "step_schedule_end": Num(0, 1),
    "mask_source": Enum(("MASK_IMAGE_WHITE", "MASK_IMAGE_BLACK", "INIT_IMAGE_ALPHA")),
    "mask_image": Img(ImageRule()),
}, ("text_prompts",), needs=dict.fromkeys((
    "init_image_mode", "image_strength", "step_schedule_start", "step_schedule_end",
    "mask_source"), ("init_image",)) | {"mask_image": ("mask_source",)}, checks=(sdxl_size,))


def sdxl_plan(body: dict, ctx: Ctx) -> Plan:
    size = (body.get("width", 1024), body.get("height", 1024))
    if "#/init_image" in ctx.images:
        size = ctx.images["#/init_image"].size
    return Plan("sdxl", size, seed=body.get("seed", 0), seed_max=4_294_967_295,
                key=" ".join(p["text"] for p in body["text_prompts"]))


# --- Stability Image Services (us. inference profiles) ----------------------------------------

SERVICE_FIELDS: dict[str, Node] = {
    "prompt": PROMPT, "negative_prompt": PROMPT, "select_prompt": PROMPT, "search_prompt": PROMPT,
    "seed": SEED_SD, "output_format": FORMAT, "grow_mask": Num(0, 20),
    "style_preset": Enum(STYLE_PRESETS), "image": STD_IMAGE, "init_image": STD_IMAGE,
    "style_image": STD_IMAGE, "mask": Img(ImageRule(formats=STABILITY_FORMATS)),
    "left": Int(0, 2000), "right": Int(0, 2000), "up": Int(0, 2000), "down": Int(0, 2000),
    "control_strength": Num(0, 1), "aspect_ratio": ASPECT, "fidelity": Num(0, 1),
    "composition_fidelity": Num(0, 1), "style_strength": Num(0, 1), "change_strength": Num(0.1, 1),
}


def outpaint_sides(body: dict, ptr: str, ctx: Ctx) -> None:
    if not any(body.get(side, 0) for side in ("left", "right", "up", "down")):
        raise Invalid(ptr, "at least one of [left, right, up, down] must be greater than 0")


def same(field_ptr: str) -> Callable[[dict, Ctx], tuple[int, int]]:
    return lambda body, ctx: ctx.images[field_ptr].size


SAME_SIZE = same("#/image")


def four_megapixels(body: dict, ctx: Ctx) -> tuple[int, int]:
    return about_one_megapixel(*ctx.images["#/image"].size, step=8, area=4 * 1024 * 1024)


def four_times(body: dict, ctx: Ctx) -> tuple[int, int]:
    w, h = ctx.images["#/image"].size  # input ≤ 1,048,576 px, so output ≤ 16,777,216 px
    return (4 * w, 4 * h)


def outpainted(body: dict, ctx: Ctx) -> tuple[int, int]:
    w, h = ctx.images["#/image"].size
    return (w + body.get("left", 0) + body.get("right", 0), h + body.get("up", 0) +
            body.get("down", 0))


@dataclass(frozen=True)
class Service:
    required: tuple[str, ...]
    optional: tuple[str, ...]
    size: Callable[[dict, Ctx], tuple[int, int]] = SAME_SIZE
    fields: dict[str, Node] = field(default_factory=dict)
    checks: tuple = ()
    alpha: bool = False

    def family(self) -> Family:
        props = {k: self.fields.get(k) or SERVICE_FIELDS[k] for k in self.required + self.optional}

        def plan(body: dict, ctx: Ctx) -> Plan:
            return Plan("stability", self.size(body, ctx), fmt=body.get("output_format", "png"),
                        alpha=self.alpha, seed=body.get("seed", 0),
                        key=str(body.get("prompt", "")))

        return Family(Obj(props, self.required, checks=self.checks), plan)


STD = ("seed", "output_format")
EDIT = ("grow_mask", "style_preset", "negative_prompt", *STD)
CONTROL = ("control_strength", "negative_prompt", "style_preset", *STD)
SERVICES = {  # bare model id -> Service; call them as "us." + id
    "stability.stable-creative-upscale-v1:0": Service(
        ("prompt", "image"), ("creativity", "negative_prompt", "style_preset", *STD),
        four_megapixels, {"creativity": Num(0.1, 0.5), "image": Img(ImageRule(
            formats=STABILITY_FORMATS, min_side=64, min_pixels=4096, max_pixels=1_048_576,
            aspect=(1 / 2.5, 2.5)))}),
    "stability.stable-conservative-upscale-v1:0": Service(
        ("prompt", "image"), ("creativity", "negative_prompt", *STD), four_megapixels,
        {"creativity": Num(0.1, 0.5)}),
    "stability.stable-fast-upscale-v1:0": Service(
        ("image",), ("output_format",), four_times, {"image": Img(ImageRule(
            formats=STABILITY_FORMATS, min_side=32, max_side=1536, min_pixels=1024,
            max_pixels=1_048_576, aspect=(1 / 2.5, 2.5)))}),
    "stability.stable-image-inpaint-v1:0": Service(("prompt", "image"), ("mask", *EDIT)),
    "stability.stable-outpaint-v1:0": Service(
        ("image",), ("left", "right", "up", "down", "creativity", "prompt", "style_preset", *STD),
        outpainted, {"creativity": Num(0.1, 1.0)}, (outpaint_sides,)),
    "stability.stable-image-search-recolor-v1:0": Service(("prompt", "image", "select_prompt"),
                                                         EDIT),
    "stability.stable-image-search-replace-v1:0": Service(("prompt", "image", "search_prompt"),
                                                         EDIT),
    "stability.stable-image-erase-object-v1:0": Service(("image",), ("mask", "grow_mask", *STD)),
    "stability.stable-image-remove-background-v1:0": Service(("image",), STD, alpha=True),
    "stability.stable-image-control-sketch-v1:0": Service(("prompt", "image"), CONTROL),
    "stability.stable-image-control-structure-v1:0": Service(("prompt", "image"), CONTROL),
    "stability.stable-image-style-guide-v1:0": Service(
        ("prompt", "image"), ("aspect_ratio", "fidelity", "negative_prompt", "style_preset", *STD),
        lambda body, ctx: ASPECT_SIZES[body.get("aspect_ratio", "1:1")]),
    "stability.stable-style-transfer-v1:0": Service(
        ("init_image", "style_image"), ("prompt", "negative_prompt", "composition_fidelity",
                                        "style_strength", "change_strength", *STD),
        same("#/init_image")),
}



SD35 = Family(sd3_schema(PROMPT, SEED_SD, FORMAT), stability_plan(4_294_967_294))
FAMILIES = {
    "sd3.5": SD35,
    "sd3": SD35,  # no longer listed; historically the same body as SD3.5
    # Ultra: AWS's page shows an image-to-image block, its model table says text only.
    "ultra": Family(sd3_schema(Str(1, 10_000), SEED_32, FORMAT_CAPS, strength_required=False),
                    stability_plan(4_294_967_295)),
    "core": Family(Obj({"prompt": Str(1, 10_000), "negative_prompt": PROMPT,
                        "aspect_ratio": ASPECT, "seed": SEED_32, "output_format": FORMAT_CAPS,
                        "style_preset": Enum(STYLE_PRESETS)}, ("prompt",)),
                   stability_plan(4_294_967_295)),
    "sdxl": Family(SDXL, sdxl_plan),
    **{model_id: service.family() for model_id, service in SERVICES.items()},
}
