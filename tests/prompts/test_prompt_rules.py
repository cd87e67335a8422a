"""The prompt assistant's offline rules: the prompt's order, the aspect ratio for the use, and a
model's limits (its aspect ratios, its prompt and negative prompt lengths)."""

from __future__ import annotations

import dataclasses

import pytest

from catalog.spec import catalog
from generation.prompt_rules import ORDER, suggest


def positions(prompt: str, *pieces: str) -> list[int]:
    found = [prompt.find(piece) for piece in pieces]
    assert -1 not in found, (pieces, prompt)
    return found


def test_the_prompt_runs_subject_action_setting_lighting_style_camera():
    made = suggest("red handbag, marble, golden hour, vintage, close-up, for Instagram")
    assert list(made.parts) == list(ORDER)
    assert made.prompt.startswith("red handbag, standing upright")
    spots = positions(made.prompt, "red handbag", "standing upright", "marble surface",
                      "golden-hour sunlight", "vintage analog film", "macro close-up",
                      "vertical frame")
    assert spots == sorted(spots)
    assert "marble" not in made.parts["subject"] and "Instagram" not in made.prompt


def test_the_brief_s_own_words_name_the_subject_and_its_details():
    made = suggest("Acme espresso cup on oak, gold rim, banner")
    assert made.parts["subject"] == "Acme espresso cup with gold rim"
    assert made.parts["setting"] == "on a warm oak tabletop"


def test_a_negative_prompt_leaves_out_defects_and_the_subject_s_own_flaws():
    made = suggest("red handbag, marble, for Instagram")
    assert "blurry" in made.negative_terms and "warped hardware" in made.negative_terms
    assert "cartoon" in made.negative_terms  # a photographic style
    drawn = suggest("red handbag, watercolour")
    assert "cartoon" not in drawn.negative_terms
    assert "props" in suggest("red handbag, amazon listing").negative_terms


@pytest.mark.parametrize("brief, use, ratio", [
    ("red handbag, marble, for Instagram", "instagram-feed", "4:5"),
    ("sneakers, neon, for our TikTok", "instagram-story", "9:16"),
    ("sneakers, instagram story", "instagram-story", "9:16"),  # the longer phrase wins
    ("summer sale banner, beach", "banner", "16:9"),
    ("gold ring, amazon listing", "marketplace", "1:1"),
    ("linen dress, pinterest", "pinterest", "2:3"),
    ("a teapot", None, "1:1"),
])
def test_the_aspect_ratio_follows_the_use(brief, use, ratio):
    made = suggest(brief)
    assert (made.use, made.aspect_ratio) == (use, ratio)


def test_a_use_given_wins_over_the_brief():
    made = suggest("red handbag, for Instagram", use="banner")
    assert (made.use, made.aspect_ratio) == ("banner", "16:9")
    assert "open space on the left for text" in made.prompt


def test_a_marketplace_image_gets_a_white_background_unless_the_brief_names_one():
    assert "pure white background" in suggest("gold ring, amazon").prompt
    assert "velvet" in suggest("gold ring, velvet, amazon").prompt


def test_the_same_brief_always_gives_the_same_suggestion():
    brief = "sneakers floating, neon, close-up, tiktok"
    assert suggest(brief) == suggest(brief)


def test_a_model_gets_an_aspect_ratio_it_takes():
    titan = catalog().get("titan-image-v2")  # no 4:5
    made = suggest("red handbag, for Instagram", spec=titan)
    assert made.aspect_ratio == "1:1" and "1:1" in titan.limits.aspect_ratios
    assert any("4:5" in note and "titan-image-v2" in note for note in made.notes)
    assert suggest("red handbag, for Instagram",
                   spec=catalog().get("stable-image-core")).aspect_ratio == "4:5"


def test_without_any_ratio_of_the_use_the_closest_the_model_takes_is_chosen():
    core = catalog().get("stable-image-core")
    narrow = dataclasses.replace(core, limits=dataclasses.replace(
        core.limits, aspect_ratios={"16:9": (1344, 768), "3:4": (896, 1152)}))
    made = suggest("linen dress, pinterest", spec=narrow)  # wants 2:3
    assert made.aspect_ratio == "3:4"
    assert any("closest" in note for note in made.notes)


def test_a_model_that_takes_sizes_only_gets_no_aspect_ratio():
    made = suggest("red handbag, for Instagram", spec=catalog().get("stability-inpaint"))
    assert made.aspect_ratio is None and any("aspect ratio" in n for n in made.notes)


def test_the_prompt_fits_the_model_s_limit_dropping_from_the_end():
    core = catalog().get("stable-image-core")
    for limit in (200, 120, 60):
        small = dataclasses.replace(core, limits=dataclasses.replace(
            core.limits, prompt_chars=(0, limit)))
        made = suggest("red handbag, marble, golden hour, vintage, close-up, for Instagram",
                       spec=small)
        assert len(made.prompt) <= limit
        assert made.prompt.startswith("red handbag") and "marble" in made.prompt
        assert any(f"limit of {limit} characters" in note for note in made.notes)
    assert not suggest("red handbag, marble", spec=core).notes  # 10,000 characters: all fits


def test_titan_s_short_prompt_limit_is_kept():
    titan = catalog().get("titan-image-v2")
    brief = "hand-stitched burgundy leather handbag with brass buckle " * 7
    made = suggest(brief.strip()[:450] + ", marble, instagram", spec=titan)
    assert len(made.prompt) <= titan.limits.prompt_chars[1] == 512
    assert len(made.negative_prompt) <= titan.limits.negative_prompt_chars[1]


def test_a_model_without_negative_prompts_gets_none():
    made = suggest("red handbag, marble", spec=catalog().get("nova-2-omni"))
    assert made.negative_prompt == ""
    assert any("no negative prompt" in note for note in made.notes)
