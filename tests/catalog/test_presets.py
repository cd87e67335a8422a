"""Marketplace presets as data: the shipped file is valid and sourced, and a wrong entry (in
the file or a tenant's own preset) is refused naming the preset and the field."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from django.core.exceptions import ValidationError

from assets.models import MarketplacePreset
from catalog.presets import FIELDS, PRESETS_FILE, PresetError, builtin_presets, load_presets

GOOD = {"key": "house", "name": "House style", "min_longest_side": 1000, "size": "1500x1500",
        "aspect": "1:1", "background": "#FFFFFF", "min_fill": 0.8, "formats": ["jpeg", "png"],
        "color_space": "srgb", "alpha": False, "text": False, "shadow": "soft",
        "source": "our brand book, p. 12"}


def write(tmp_path: Path, *entries: dict) -> Path:
    path = tmp_path / "presets.yaml"
    path.write_text(yaml.safe_dump({"presets": list(entries)}), encoding="utf-8")
    return path


def test_the_shipped_presets_load_with_a_source_each():
    presets = builtin_presets()
    assert list(presets) == ["amazon-main", "amazon-secondary", "shopify", "etsy", "ebay",
                             "google-merchant", "zalando-apparel"]
    for preset in presets.values():
        assert preset.source and preset.builtin
        assert set(preset.unsourced) <= set(FIELDS)
    amazon = presets["amazon-main"]
    assert (amazon.background, amazon.min_fill, amazon.min_longest_side) == (
        (255, 255, 255), 0.85, 1000)
    assert set(amazon.formats) == {"jpeg", "png", "tiff", "gif"} and not amazon.text
    shopify = presets["shopify"]
    assert (shopify.size, shopify.ratio) == ((2048, 2048), 1.0)
    assert presets["zalando-apparel"].ratio == pytest.approx(1 / 1.44)
    assert load_presets(PRESETS_FILE) == presets


@pytest.mark.parametrize("change, message", [
    ({"min_fill": 1.5}, "presets[house].min_fill: must be between 0 and 1 (got 1.5)"),
    ({"min_fill": "most"}, "presets[house].min_fill: expected int or float, got 'most'"),
    ({"background": "white"}, "presets[house].background: expected '#RRGGBB' (got 'white')"),
    ({"size": "2000"}, "presets[house].size: expected 'WxH'"),
    ({"aspect": "square"}, "presets[house].aspect: expected 'W:H'"),
    ({"formats": ["jpeg", "heic"]}, "presets[house].formats: unknown value 'heic'"),
    ({"formats": []}, "presets[house].formats: name at least one of"),
    ({"min_longest_side": 0}, "presets[house].min_longest_side: must be between 1 and 20000"),
    ({"min_longest_side": 3000, "max_longest_side": 2000},
     "presets[house].max_longest_side: must be at least min_longest_side (3000)"),
    ({"color_space": "adobe-rgb"}, "presets[house].color_space: must be one of srgb"),
    ({"shadow": "hard"}, "presets[house].shadow: must be one of none, soft, natural"),
    ({"alpha": "no"}, "presets[house].alpha: expected bool"),
    ({"source": None}, "presets[house].source: is required"),
    ({"unsourced": ["colour"]}, "presets[house].unsourced: unknown value 'colour'"),
    ({"fill": 0.9}, "presets[house].fill: unknown field"),
    ({"key": "House Style"}, "presets[House Style].key: lower-case letters"),
])
def test_a_bad_entry_is_refused_naming_the_preset_and_the_field(tmp_path, change, message):
    with pytest.raises(PresetError) as refused:
        load_presets(write(tmp_path, {**GOOD, **change}))
    assert str(refused.value).startswith(message), str(refused.value)


def test_duplicate_keys_and_a_missing_list_are_refused(tmp_path):
    with pytest.raises(PresetError, match=r"presets\[house\].key: used by two presets"):
        load_presets(write(tmp_path, GOOD, {**GOOD, "name": "again"}))
    bad = tmp_path / "bad.yaml"
    bad.write_text("models: []\n", encoding="utf-8")
    with pytest.raises(PresetError, match="expected a top-level `presets:` list"):
        load_presets(bad)


def test_a_tenant_preset_is_validated_the_same_way(acme):
    fields = {name: value for name, value in GOOD.items() if name != "key"}
    preset = MarketplacePreset(tenant=acme.tenant, key="house", **fields)
    preset.full_clean()
    preset.save()
    assert preset.as_preset().min_fill == 0.8 and not preset.as_preset().builtin

    preset.min_fill = 1.5
    with pytest.raises(ValidationError) as refused:
        preset.full_clean()
    assert refused.value.message_dict["min_fill"] == [
        "presets[house].min_fill: must be between 0 and 1 (got 1.5)"]

    clash = MarketplacePreset(tenant=acme.tenant, key="amazon-main", **fields)
    with pytest.raises(ValidationError) as refused:
        clash.full_clean()
    assert "a built-in preset's key" in refused.value.message_dict["key"][0]
