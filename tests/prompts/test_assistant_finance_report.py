"""The prompt assistant's calls in the finance report: a token row of AWS cost per tenant and
text model, nothing billed, and the totals' images unchanged."""

from __future__ import annotations

from decimal import Decimal

from billing.assistant_usage import record_call
from billing.reports import as_csv, usage_rows


def test_assistant_calls_are_a_token_row_of_their_own(acme, globex):
    for tenant, cost in ((acme.tenant, "0.00012000"), (acme.tenant, "0.00003000"),
                         (globex.tenant, "0.00100000")):
        record_call(tenant, month="2026-12", model_id="us.amazon.nova-lite-v1:0",
                    input_tokens=1000, output_tokens=100, cost_usd=Decimal(cost))
    *rows, total = usage_rows(month="2026-12")
    assert [(r["tenant"], r["sku"], r["usage_unit"], r["usage_quantity"]) for r in rows] == [
        ("acme", "prompt-assistant:us.amazon.nova-lite-v1:0", "token", 2200),
        ("globex", "prompt-assistant:us.amazon.nova-lite-v1:0", "token", 1100)]
    assert rows[0]["aws_cost_usd"] == Decimal("0.0002")  # the report's four places
    assert rows[0]["billed_cost_usd"] == 0 and rows[0]["margin_usd"] == Decimal("-0.0002")
    assert total["usage_quantity"] == 0  # images only
    assert total["aws_cost_usd"] == Decimal("0.0012")
    assert "prompt-assistant:us.amazon.nova-lite-v1:0,1100,token,0.0010" in as_csv([*rows, total])
