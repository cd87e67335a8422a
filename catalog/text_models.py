"""The price table of the text models the prompt assistant may call (`text_models.yaml`).

Kept apart from the image catalog: a text model is billed per token and makes no images. A
model that is not in the table has no price, and is refused before it is called.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import cache
from pathlib import Path

import yaml

from catalog.spec import CatalogError, base_model_id
from core.errors import ConfigurationError

TEXT_MODELS_FILE = Path(__file__).with_name("text_models.yaml")
MILLION = Decimal(1_000_000)
COST_PLACES = Decimal("0.00000001")  # a call costs fractions of a cent: eight places


@dataclass(frozen=True)
class TextModelPrice:
    model_id: str  # the foundation model ID (a profile's base)
    name: str
    input_per_million: Decimal
    output_per_million: Decimal
    verified: bool

    def cost_usd(self, input_tokens: int, output_tokens: int) -> Decimal:
        """AWS's cost of one call, to eight decimal places."""
        total = (input_tokens * self.input_per_million
                 + output_tokens * self.output_per_million) / MILLION
        return total.quantize(COST_PLACES, rounding=ROUND_HALF_UP)


def _usd(where: str, value: object) -> Decimal:
    try:
        usd = Decimal(value) if isinstance(value, str) else None
    except InvalidOperation:
        usd = None
    if usd is None or not usd.is_finite() or usd < 0:
        raise CatalogError(f"{where}: expected a price in USD as a string, got {value!r}")
    return usd


def load_prices(path: Path = TEXT_MODELS_FILE) -> dict[str, TextModelPrice]:
    """Parse the table; raise CatalogError naming the entry and field of the first problem."""
    try:
        document = yaml.safe_load(path.read_text())
    except (OSError, yaml.YAMLError) as exc:
        raise CatalogError(f"text models {path}: {exc}") from exc
    models = document.get("models") if isinstance(document, dict) else None
    if not isinstance(models, dict):
        raise CatalogError(f"text models {path.name}: expected a `models` mapping")
    table = {}
    for model_id, entry in models.items():
        where = f"text models {path.name} {model_id}"
        if not isinstance(entry, dict) or set(entry) != {
                "name", "input_per_million", "output_per_million", "verified"}:
            raise CatalogError(f"{where}: expected name, input_per_million, "
                               "output_per_million and verified")
        table[model_id] = TextModelPrice(
            model_id=model_id, name=str(entry["name"]),
            input_per_million=_usd(f"{where}.input_per_million", entry["input_per_million"]),
            output_per_million=_usd(f"{where}.output_per_million", entry["output_per_million"]),
            verified=bool(entry["verified"]))
    return table


@cache
def prices() -> dict[str, TextModelPrice]:
    return load_prices()


def price_for(model_id: str) -> TextModelPrice:
    """The price of a text model or of an inference profile of one; ConfigurationError when the
    table has none (the model must not be called)."""
    found = prices().get(base_model_id(model_id))
    if found is None:
        known = ", ".join(sorted(prices()))
        raise ConfigurationError(
            f"ATELIER_PROMPT_MODEL: no price for {model_id!r} in catalog/text_models.yaml, so "
            f"it is not called (money fails closed); priced: {known}", code="prompt_model_unpriced")
    return found
