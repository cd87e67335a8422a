"""The editor's compliance panel: the picked image measured against a marketplace preset,
rule by rule, as `POST /api/v1/assets/{id}/check` answers, with the fix for each failed rule.
The check changes nothing; a fix is a free `conform` job (docs/ecommerce.md) that makes a new
image, so the picked one stays as it is."""

from __future__ import annotations

from typing import Any

from assets.models import Asset
from assets.presets import all_presets, check_asset
from core.errors import AtelierError
from dashboard.access import Page

# The rules and fixes in the editor's words (the API's names are shown beside them).
RULE_NAMES = {"format": "File format", "longest_side": "Longest side",
              "shortest_side": "Shortest side", "aspect": "Aspect ratio",
              "color_space": "Colour space", "alpha": "Transparency",
              "background": "Background colour", "fill": "Product fill", "text": "Text or marks"}
FIX_NAMES = {"re-pad": "Re-pad on a clean canvas", "flatten": "Flatten onto the background",
             "resize": "Resize", "convert": "Convert format and colour space"}


def presets(page: Page) -> list[dict[str, str]]:
    """What the panel's preset picker offers."""
    return [{"key": preset.key, "name": preset.name} for preset in all_presets(page.tenant)]


def result(page: Page, asset: Asset, key: str | None) -> dict[str, Any]:
    """The panel's answer for preset `key`: rules with measured values and fixes, or the
    check's own error."""
    try:
        preset, report = check_asset(page.tenant, asset, key)
    except AtelierError as exc:
        return {"error": exc.message, "preset_key": key or ""}
    fixes = sorted({rule.fix for rule in report.rules if not rule.passed and rule.fix})
    return {"preset_key": preset.key, "preset_name": preset.name, "passed": report.passed,
            "source": preset.source,
            "rules": [{**rule.as_dict(), "name": RULE_NAMES.get(rule.rule, rule.rule)}
                      for rule in report.rules],
            "fixes": [{"key": fix, "name": FIX_NAMES.get(fix, fix)} for fix in fixes]}

