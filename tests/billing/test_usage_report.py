"""usage(): the month's images and spend — used, held for running jobs, and what is left of
each limit — exactly (found by `make mutate`: a `left` that added the held images back, and
renamed keys, survived)."""

from __future__ import annotations

from decimal import Decimal

from billing import services as billing
from billing.services import current_month, set_monthly_limits


def test_usage_is_used_held_and_left_of_each_limit(acme, submit, empty_queue):
    limits = set_monthly_limits(acme.tenant, images=10, budget_usd=Decimal("1.00"))
    limits.model_prices = {"local": "0.04"}
    limits.save()
    job = submit(n=3)
    billing.settle(job, 0, aws_cost_usd=Decimal("0"))
    assert billing.usage(acme.tenant) == {
        "month": current_month(),
        "images": {"used": 1, "reserved": 2, "limit": 10, "left": 7},
        "spend_usd": {"used": "0.0400", "reserved": "0.0800", "budget": "1.00",
                      "left": "0.8800"}}


def test_a_month_without_a_ledger_row_is_all_left_and_no_limit_is_none(acme, globex, submit,
                                                                     empty_queue):
    set_monthly_limits(acme.tenant, images=5, budget_usd=None)
    submit(globex.tenant, n=2)  # another tenant's month changes nothing here
    assert billing.usage(acme.tenant, "1999-01") == {
        "month": "1999-01",
        "images": {"used": 0, "reserved": 0, "limit": 5, "left": 5},
        "spend_usd": {"used": "0", "reserved": "0", "budget": None, "left": None}}
