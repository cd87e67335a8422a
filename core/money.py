"""US dollars as people read them: two decimals, four below one cent. Money is a Decimal
everywhere; this is only how an amount is written in a page or an error message."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

CENT = Decimal("0.01")
TENTH_OF_A_CENT = Decimal("0.0001")


def money(value: Decimal | str | int | None) -> str:
    """US dollars for people: two decimals, four below one cent, "—" for no amount."""
    if value is None or value == "":
        return "—"
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        return "—"
    sign = "-" if amount < 0 else ""
    amount = abs(amount)
    if amount and amount < CENT:
        shown = amount.quantize(TENTH_OF_A_CENT, rounding=ROUND_HALF_UP)
        if not shown:
            return f"{sign}under $0.0001"
        return f"{sign}${shown:.4f}"
    return f"{sign}${amount.quantize(CENT, rounding=ROUND_HALF_UP):,.2f}"
