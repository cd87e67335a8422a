"""Amazon Nova Canvas and Titan Image Generator v1/v2 InvokeModel bodies: the `taskType`s, their
`*Params` and `imageGenerationConfig` (Atelier's side of each operation: docs/bedrock.md,
"2. Operations, and how Atelier maps them").

Choices where AWS's pages for these models disagree: `text` is optional for IMAGE_VARIATION and
INPAINTING and required for OUTPAINTING (where the task-type pages and the examples conflict, both
readings pass); width and height come together or not at all (everit "property [x] is required");
Nova input images follow the output limits (320-4096 px a side, aspect up to 4:1, under 4.19 MP;
docs/bedrock.md, "Sizes") but need not be multiples of 16; Titan accepts width/height on
inpaint/outpaint as the AWS samples send them, but answers at the input size; Titan defaults to
1024x1024 (the samples), not the 1408 of its page; the Nova pixel cap is `< 4,194,304` unless the
double's `pixel_cap_inclusive` is set.
"""

from __future__ import annotations

from collections.abc import Callable

from tests.fakes.bedrock_schema import (
    Arr,
    Bool,
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
    check_aspect,
    check_pixels,
    mask_matches,
)

NOVA_STYLES = ("3D_ANIMATED_FAMILY_FILM", "DESIGN_SKETCH", "FLAT_VECTOR_ILLUSTRATION",
               "GRAPHIC_NOVEL_ILLUSTRATION", "MAXIMALISM", "MIDCENTURY_RETRO", "PHOTOREALISM",
               "SOFT_DIGITAL_PAINTING")
GARMENT_CLASSES = ("UPPER_BODY", "LOWER_BODY", "FULL_BODY", "FOOTWEAR", "LONG_SLEEVE_SHIRT",
                   "SHORT_SLEEVE_SHIRT", "NO_SLEEVE_SHIRT", "OTHER_UPPER_BODY", "LONG_PANTS",
                   "SHORT_PANTS", "OTHER_LOWER_BODY", "LONG_DRESS", "SHORT_DRESS",
                   "FULL_BODY_OUTFIT", "OTHER_FULL_BODY", "SHOES", "BOOTS", "OTHER_FOOTWEAR")
TITAN_SIZES = frozenset({
    (1024, 1024), (768, 768), (512, 512), (768, 1152), (384, 576), (1152, 768), (576, 384),
    (768, 1280), (384, 640), (1280, 768), (640, 384), (896, 1152), (448, 576), (1152, 896),
    (576, 448), (768, 1408), (384, 704), (1408, 768), (704, 384), (640, 1408), (320, 704),
    (1408, 640), (704, 320), (1152, 640), (1173, 640)})
NOVA_PIXEL_CAP = 4_194_304
HEX_COLOUR = "^#[0-9A-Fa-f]{6}$"

NOVA_IMAGE = Img(ImageRule(min_side=320, max_side=4096, max_pixels=NOVA_PIXEL_CAP,
                           pixels_exclusive=None, aspect=(1 / 4, 4), opaque=True))
TITAN_IMAGE = Img(ImageRule(max_long_side=1408))
MASK = Img(ImageRule())
CONTROL_MODE = Enum(("CANNY_EDGE", "SEGMENTATION"))
OUTPAINT_MODE = Enum(("DEFAULT", "PRECISE"))
MASKS = ((("maskPrompt", "maskImage"),))


def nova_size(cfg: dict, ptr: str, ctx: Ctx) -> None:
    if "width" in cfg and "height" in cfg:
        w, h = cfg["width"], cfg["height"]
        dims = f"requested size {w}x{h}"  # invented wording, like every non-schema reason
        check_aspect(w, h, (1 / 4, 4), ptr, dims)
        check_pixels(w * h, NOVA_PIXEL_CAP, None, ptr, dims, ctx)


def titan_size(cfg: dict, ptr: str, ctx: Ctx) -> None:
    size = (cfg.get("width"), cfg.get("height"))
    if "width" in cfg and size not in TITAN_SIZES:
        allowed = ", ".join(f"{w}x{h}" for w, h in sorted(TITAN_SIZES))
        raise Invalid(ptr, f"{size[0]}x{size[1]} is not a supported width x height "
                           f"combination, expected one of [{allowed}]")


def image_config(sizes: bool, side: Node, check: Callable) -> Obj:
    """imageGenerationConfig, with or without width/height (INPAINTING, OUTPAINTING and
    VIRTUAL_TRY_ON take no size on Nova: the output has the input's size)."""
    props = {"width": side, "height": side, "quality": Enum(("standard", "premium")),
             "cfgScale": Num(1.1, 10), "numberOfImages": Int(1, 5), "seed": Int(0, 2_147_483_646)}
    config = Obj(props, needs={"width": ("height",), "height": ("width",)}, checks=(check,))
    return config if sizes else config.but(drop=("width", "height"))


def amazon_tasks(text: Node, image: Node, *, titan_v1: bool = False,
                 titan: bool = False) -> dict[str, tuple[str, Obj, Obj | None]]:
    """taskType -> (params field, params schema, imageGenerationConfig schema or None)."""
    prose = {"text": text, "negativeText": text}
    mask_check = (mask_matches("maskImage", "image"),)
    sized = image_config(True, Int(320, 4096, 16), nova_size) if not titan else \
        image_config(True, Int(), titan_size)
    unsized = sized if titan else image_config(False, Int(), nova_size)
    t2i = {**prose, "conditionImage": image, "controlMode": CONTROL_MODE,
           "controlStrength": Num(0, 1.0)}
    if not titan:
        t2i["style"] = Enum(NOVA_STYLES)
    text_to_image = Obj(t2i, ("text",), needs={"controlMode": ("conditionImage",),
                                                "controlStrength": ("conditionImage",)}
                        if titan else {})
    mask_fields = {"image": image, "maskPrompt": Str(1, 1024), "maskImage": MASK}
    returns = {"returnMask": Bool()} if titan else {}
    tasks = {
        "TEXT_IMAGE": ("textToImageParams", text_to_image, sized),
        "COLOR_GUIDED_GENERATION": ("colorGuidedGenerationParams", Obj(
            {**prose, "colors": Arr(Str(pattern=HEX_COLOUR), 1, 10), "referenceImage": image},
            ("text", "colors")), sized),
        "IMAGE_VARIATION": ("imageVariationParams", Obj(
            {**prose, "images": Arr(image, 1, 5), "similarityStrength": Num(0.2, 1.0)},
            ("images",)), sized),
        "INPAINTING": ("inPaintingParams", Obj(
            {**prose, **mask_fields, **returns}, ("image",), one_of=MASKS, checks=mask_check),
            unsized),
        "OUTPAINTING": ("outPaintingParams", Obj(
            {**prose, **mask_fields, **returns, "outPaintingMode": OUTPAINT_MODE},
            ("image", "text"), one_of=MASKS, checks=mask_check), unsized),
        "BACKGROUND_REMOVAL": ("backgroundRemovalParams", Obj({"image": image}, ("image",)),
                               None),
    }
    if titan_v1:
        del tasks["COLOR_GUIDED_GENERATION"], tasks["BACKGROUND_REMOVAL"]
        name, params, config = tasks["TEXT_IMAGE"]
        tasks["TEXT_IMAGE"] = (name, params.but(drop=("conditionImage", "controlMode",
                                                      "controlStrength")), config)
    if not titan:
        tasks["VIRTUAL_TRY_ON"] = ("virtualTryOnParams", virtual_try_on(image), unsized)
    return tasks


def virtual_try_on(image: Node) -> Tagged:
    preserve = Enum(("ON", "OFF", "DEFAULT"))
    shape = Enum(("CONTOUR", "BOUNDING_BOX", "DEFAULT"))
    masks = {
        "IMAGE": ("imageBasedMask", Obj({"maskImage": MASK}, ("maskImage",))),
        "GARMENT": ("garmentBasedMask", Obj({
            "maskShape": shape, "garmentClass": Enum(GARMENT_CLASSES),
            "garmentStyling": Obj({"longSleeveStyle": Enum(("SLEEVE_DOWN", "SLEEVE_UP")),
                                   "tuckingStyle": Enum(("UNTUCKED", "TUCKED")),
                                   "outerLayerStyle": Enum(("CLOSED", "OPEN"))})},
            ("garmentClass",))),
        "PROMPT": ("promptBasedMask", Obj({"maskShape": shape, "maskPrompt": Str(1, 1024)},
                                          ("maskPrompt",))),
    }
    common = {"sourceImage": image, "referenceImage": image, "maskType": Str(),
              "maskExclusions": Obj({"preserveBodyPose": preserve, "preserveHands": preserve,
                                     "preserveFace": preserve}),
              "mergeStyle": Enum(("BALANCED", "SEAMLESS", "DETAILED")), "returnMask": Bool()}
    # maskType picks which mask object is required; the other two are not permitted.
    checks = (mask_matches("imageBasedMask/maskImage", "sourceImage"),)
    return Tagged("maskType", {
        kind: Obj({**common, name: schema}, ("sourceImage", "referenceImage", name),
                  checks=checks if kind == "IMAGE" else ())
        for kind, (name, schema) in masks.items()})


def amazon_schema(tasks: dict[str, tuple[str, Obj, Obj | None]]) -> Tagged:
    variants = {}
    for task, (name, params, config) in tasks.items():
        props: dict[str, Node] = {"taskType": Str(), name: params}
        if config is not None:
            props["imageGenerationConfig"] = config
        variants[task] = Obj(props, (name,))
    return Tagged("taskType", variants)


def amazon_planner(titan: bool) -> Callable[[dict, Ctx], Plan]:
    def plan(body: dict, ctx: Ctx) -> Plan:
        task = body["taskType"]
        name = next(key for key in body if key.endswith("Params"))
        params, cfg = body[name], body.get("imageGenerationConfig", {})
        images = {p.rsplit("/", 1)[-1]: im for p, im in ctx.images.items()
                  if p.startswith(f"#/{name}/")}
        size = (cfg.get("width", 1024), cfg.get("height", 1024))
        if task in ("INPAINTING", "OUTPAINTING", "BACKGROUND_REMOVAL"):
            size = images["image"].size
        elif task == "VIRTUAL_TRY_ON":
            size = images["sourceImage"].size
        elif task == "IMAGE_VARIATION" and "width" not in cfg:
            size = ctx.images[f"#/{name}/images/0"].size
        return Plan("amazon", size, count=1 if task == "BACKGROUND_REMOVAL" else
                    cfg.get("numberOfImages", 1), alpha=task == "BACKGROUND_REMOVAL",
                    seed=cfg.get("seed", 42 if titan else 12), titan=titan,
                    key=str(params.get("text", task)), return_mask=params.get("returnMask", False))

    return plan



TITAN_TEXT = Str(1, 512)
FAMILIES = {
    "nova-canvas": Family(amazon_schema(amazon_tasks(Str(1, 1024), NOVA_IMAGE)),
                          amazon_planner(titan=False)),
    "titan-v1": Family(amazon_schema(amazon_tasks(TITAN_TEXT, TITAN_IMAGE, titan=True,
                                                  titan_v1=True)), amazon_planner(titan=True)),
    "titan-v2": Family(amazon_schema(amazon_tasks(TITAN_TEXT, TITAN_IMAGE, titan=True)),
                       amazon_planner(titan=True)),
}
