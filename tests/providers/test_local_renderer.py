"""The offline provider's operations each visibly do what they promise (checked on the
provider's own output, before the pipeline watermarks it): a cut-out has transparency, an
upscale is bigger by the model's factor, inpainting keeps every pixel outside the mask, an
outpainted canvas holds the original intact, a variation keeps the composition, colour words
colour the picture, and the same call makes the same bytes."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image, ImageDraw

from catalog.operations import OPERATION_DEFAULTS
from providers import local
from providers.base import ProviderCall, SourceImage
from providers.local_render import render_image
from providers.local_scene import colours_for, scene_for, subject_for

LOCAL = "atelier.local-v1"
REMOVE_BACKGROUND = "us.stability.stable-image-remove-background-v1:0"
FAST_UPSCALE = "us.stability.stable-fast-upscale-v1:0"
CREATIVE_UPSCALE = "us.stability.stable-creative-upscale-v1:0"
INPAINT = "us.stability.stable-image-inpaint-v1:0"  # white = change
NOVA_CANVAS = "amazon.nova-canvas-v1:0"  # black = change for inpainting
OUTPAINT = "us.stability.stable-outpaint-v1:0"
RECOLOR = "us.stability.stable-image-search-recolor-v1:0"
REPLACE = "us.stability.stable-image-search-replace-v1:0"
TITAN = "amazon.titan-image-generator-v2:0"
SIZE = 256


def source(image: Image.Image) -> SourceImage:
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return SourceImage(buffer.getvalue(), "png", image.width, image.height)


def call(model_id: str, operation: str, *, prompt: str = "",
         size: tuple[int, int] = (SIZE, SIZE), seed: int | None = 5,
         images: tuple[Image.Image, ...] = (), mask: Image.Image | None = None,
         **fields: object) -> ProviderCall:
    return ProviderCall(model_id=model_id, operation=operation, prompt=prompt, negative_prompt="",
                        width=size[0], height=size[1], seeds=(seed,),
                        images=tuple(map(source, images)),
                        mask=source(mask.convert("RGB")) if mask is not None else None,
                        **fields)  # type: ignore[arg-type]


def made(provider_call: ProviderCall) -> Image.Image:
    """The provider's one image, decoded from the bytes it returned."""
    (generated,) = local.generate(provider_call).images
    image = Image.open(io.BytesIO(generated.data))
    image.load()
    assert (generated.width, generated.height) == image.size
    return image


@pytest.fixture(scope="module")
def shot() -> Image.Image:
    return render_image("a red leather bag on a marble table", 3, SIZE, SIZE)


def box_mask(box: tuple[int, int, int, int], size: int = SIZE) -> Image.Image:
    mask = Image.new("L", (size, size), 0)
    ImageDraw.Draw(mask).rectangle(box, fill=255)
    return mask


def pixels(image: Image.Image) -> np.ndarray:
    return np.asarray(image.convert("RGB"), dtype=np.int16)


# --- generation -------------------------------------------------------------------------


def test_same_prompt_seed_and_size_make_identical_bytes():
    first = local.generate(call(LOCAL, "text_to_image", prompt="a teal mug", seed=11))
    second = local.generate(call(LOCAL, "text_to_image", prompt="a teal mug", seed=11))
    assert first.images[0].data == second.images[0].data


def test_different_seeds_make_different_images():
    images = [pixels(made(call(LOCAL, "text_to_image", prompt="a teal mug", seed=seed)))
              for seed in (1, 2)]
    assert np.abs(images[0] - images[1]).mean() > 8


@pytest.mark.parametrize(("prompt", "subject"), [
    ("a leather handbag on a marble table", "bag"), ("amber serum bottle", "bottle"),
    ("white sneakers, studio light", "shoe"), ("a ceramic coffee mug", "mug"),
    ("mid-century armchair", "chair"), ("a scented candle", "jar"), ("spring sale", None),
])
def test_the_subject_is_read_from_the_prompt(prompt, subject):
    assert subject_for(prompt) == subject
    assert scene_for(prompt, 1).subject == (subject or scene_for(prompt, 1).subject)


def test_colour_words_go_to_the_product_or_to_the_surface_they_precede():
    assert colours_for("gold watch on black velvet") == ([(212, 170, 60)], [(28, 28, 32)])
    assert colours_for("green velvet chair") == ([(46, 140, 70)], [])
    assert colours_for("a bag on a pink background") == ([], [(236, 130, 170)])


@pytest.mark.parametrize(("word", "channel"), [("red", 0), ("green", 1), ("blue", 2)])
def test_colour_words_colour_the_picture(word, channel):
    """More pixels lean to the named colour than to either other primary, whatever the seed."""
    for seed in (1, 2, 3):
        rgb = pixels(render_image(f"a {word} bottle", seed, SIZE, SIZE))
        others = [c for c in range(3) if c != channel]
        leaning = [((rgb[..., c] - rgb[..., [o for o in range(3) if o != c]].max(axis=2)) > 40)
                   .mean() for c in range(3)]
        assert leaning[channel] > 0.03, (word, seed, leaning)
        assert all(leaning[channel] > leaning[o] for o in others), (word, seed, leaning)


# --- edits ------------------------------------------------------------------------------


def test_remove_background_returns_a_cut_out_with_transparency(shot):
    cut = made(call(REMOVE_BACKGROUND, "remove_background", images=(shot,)))
    assert cut.mode == "RGBA" and cut.size == shot.size
    alpha = np.asarray(cut.getchannel("A"))
    assert (alpha == 0).mean() > 0.4  # the backdrop is gone…
    assert (alpha == 255).mean() > 0.1  # …the bag is there
    assert alpha[:8, :8].max() == 0  # a corner of the backdrop
    assert alpha[SIZE * 3 // 5, SIZE // 2] == 255  # the middle of the bag
    opaque = alpha == 255
    assert (pixels(cut)[opaque] == pixels(shot)[opaque]).all()  # its colours untouched


def test_a_cut_out_keeps_its_transparency_in_webp_and_is_flattened_in_jpeg(shot):
    webp = made(call(REMOVE_BACKGROUND, "remove_background", images=(shot,),
                     params={"output_format": "webp"}))
    assert webp.mode == "RGBA" and np.asarray(webp.getchannel("A")).min() == 0
    jpeg = made(call(REMOVE_BACKGROUND, "remove_background", images=(shot,),
                     params={"output_format": "jpeg"}))
    assert jpeg.mode == "RGB" and pixels(jpeg)[:8, :8].min() > 240  # on white


@pytest.mark.parametrize(("model_id", "size", "expected"), [
    (FAST_UPSCALE, (200, 100), (800, 400)),
    (FAST_UPSCALE, (256, 256), (1024, 1024)),
    (CREATIVE_UPSCALE, (512, 512), (2048, 2048)),
    (CREATIVE_UPSCALE, (256, 512), (1448, 2896)),
])
def test_upscale_enlarges_by_the_models_factor(model_id, size, expected):
    picture = render_image("a blue sneaker", 2, *size)
    bigger = made(call(model_id, "upscale", images=(picture,), size=size, seed=None))
    assert bigger.size == expected
    back = bigger.convert("RGB").resize(size, Image.Resampling.BOX)
    assert np.abs(pixels(back) - pixels(picture)).mean() < 4  # the same picture, only bigger


def test_upscale_keeps_a_cut_outs_transparency(shot):
    cut = made(call(REMOVE_BACKGROUND, "remove_background", images=(shot,)))
    bigger = made(call(FAST_UPSCALE, "upscale", images=(cut,), seed=None))
    assert bigger.mode == "RGBA" and bigger.size == (SIZE * 4, SIZE * 4)
    assert np.asarray(bigger.getchannel("A")).min() == 0


@pytest.mark.parametrize("prompt", ["a blue bottle", "yellow flowers", ""])
def test_inpaint_changes_only_the_masked_area(shot, prompt):
    mask = box_mask((150, 120, 240, 240))
    edited = made(call(INPAINT, "inpaint", prompt=prompt, images=(shot,), mask=mask))
    outside = np.asarray(mask) == 0
    difference = np.abs(pixels(edited) - pixels(shot)).sum(axis=2)
    assert (difference[outside] == 0).all()
    assert difference[~outside].mean() > 10


def test_inpaint_paints_in_the_prompts_colour(shot):
    mask = box_mask((150, 120, 240, 240))
    edited = pixels(made(call(INPAINT, "inpaint", prompt="a blue bottle", images=(shot,),
                              mask=mask)))
    inside = edited[np.asarray(mask) > 0]
    assert ((inside[:, 2] - inside[:, 0]) > 60).mean() > 0.2  # blue where it was not


def test_inpaint_follows_the_models_mask_polarity(shot):
    """Nova Canvas takes black as the area to change: the same edit, the mask inverted."""
    mask = box_mask((150, 120, 240, 240))
    inverted = Image.eval(mask, lambda value: 255 - value)
    edited = made(call(NOVA_CANVAS, "inpaint", prompt="a blue bottle", images=(shot,),
                       mask=inverted))
    keep = np.asarray(mask) == 0
    assert (pixels(edited)[keep] == pixels(shot)[keep]).all()
    assert not (pixels(edited)[~keep] == pixels(shot)[~keep]).all()


def test_outpaint_extends_the_canvas_with_the_original_intact(shot):
    wider = made(call(OUTPAINT, "outpaint", images=(shot,), size=(456, 300)))
    assert wider.size == (456, 300)
    left, top = (456 - SIZE) // 2, (300 - SIZE) // 2
    inner = pixels(wider)[top:top + SIZE, left:left + SIZE]
    assert (inner == pixels(shot)).all()
    edge = pixels(wider)[:, :left].reshape(-1, 3).mean(axis=0)  # continues, not black/white
    assert 60 < edge.mean() < 245


def test_outpaint_on_an_extended_canvas_fills_only_the_new_area(shot):
    """Nova Canvas / Titan get the canvas already extended, with a mask of the new area."""
    canvas = Image.new("RGB", (SIZE * 2, SIZE), (255, 255, 255))
    canvas.paste(shot, (SIZE // 2, 0))
    new_area = Image.new("L", canvas.size, 255)
    new_area.paste(0, (SIZE // 2, 0, SIZE // 2 + SIZE, SIZE))
    wider = made(call(NOVA_CANVAS, "outpaint", images=(canvas,), mask=new_area,
                      size=canvas.size))
    assert (pixels(wider)[:, SIZE // 2:SIZE // 2 + SIZE] == pixels(shot)).all()
    assert pixels(wider)[:, :8].mean() < 250  # the white padding was painted over


def test_recolour_paints_the_named_subject_in_the_named_colour(shot):
    green = pixels(made(call(RECOLOR, "search_recolor", prompt="emerald green", images=(shot,),
                             mask_prompt="the bag")))
    before, after = pixels(shot)[SIZE * 3 // 5, SIZE // 2], green[SIZE * 3 // 5, SIZE // 2]
    assert before[0] > before[1] + 60 and after[1] > after[0] + 30  # red bag -> green bag
    assert (green[:10, :10] == pixels(shot)[:10, :10]).all()  # the backdrop untouched


def test_recolour_of_the_background_leaves_the_subject(shot):
    navy = pixels(made(call(RECOLOR, "search_recolor", prompt="navy", images=(shot,),
                            mask_prompt="the background")))
    centre = (SIZE * 3 // 5, SIZE // 2)
    assert (navy[centre] == pixels(shot)[centre]).all()
    wall = navy[:40].reshape(-1, 3).mean(axis=0)
    assert wall[2] > 2 * wall[0] + 10  # the wall (pinkish grey before) is navy


def test_search_replace_puts_the_new_product_where_the_old_one_was(shot):
    replaced = pixels(made(call(REPLACE, "search_replace", prompt="a blue backpack",
                                images=(shot,), mask_prompt="the bag")))
    centre = replaced[SIZE * 3 // 5, SIZE // 2]
    assert centre[2] > centre[0] + 40
    assert (replaced[:10, :10] == pixels(shot)[:10, :10]).all()


def test_variations_keep_the_composition_and_differ_by_seed(shot):
    first, second = (pixels(made(call(TITAN, "variation", images=(shot,), seed=seed)))
                     for seed in (1, 2))
    original = pixels(shot)
    for variant in (first, second):
        luma = np.corrcoef(variant.sum(axis=2).ravel(), original.sum(axis=2).ravel())[0, 1]
        assert luma > 0.9
        assert np.abs(variant - original).mean() > 3
    assert np.abs(first - second).mean() > 3


@pytest.mark.parametrize("operation", sorted(name for name, spec in OPERATION_DEFAULTS.items()
                                              if spec.calls_model))  # conform calls none
def test_every_operation_has_a_stand_in_that_makes_the_promised_size(shot, operation):
    spec = OPERATION_DEFAULTS[operation]
    images = (shot,) * spec.images[0]
    size = (320, 256) if spec.sizing != "source" else (SIZE, SIZE)
    mask = box_mask((60, 60, 180, 180)) if spec.mask in ("image", "image_or_prompt") else None
    image = made(call(TITAN, spec.call_operation, prompt="a pink vase", images=images, size=size,
                      mask=mask, mask_prompt="the bag" if spec.mask == "prompt" else None))
    expected = (SIZE * 4, SIZE * 4) if operation == "upscale" else size
    assert image.size == expected
    assert spec.call_operation in local.OPERATIONS  # a composition's call (packshot's cut-out)
