"""`manage.py create_tenant SLUG`: a tenant, its first API key (shown once), maybe an owner."""

from __future__ import annotations

import argparse
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from billing.services import set_monthly_limits
from core.cli import reports_errors
from tenants.services import create_tenant


def _usd(value: str) -> Decimal:
    try:
        amount = Decimal(value)
    except InvalidOperation:
        raise argparse.ArgumentTypeError(f"{value!r} is not an amount in USD") from None
    if not amount.is_finite() or amount < 0:
        raise argparse.ArgumentTypeError(f"{value!r} must be zero or more")
    return amount.quantize(Decimal("0.01"))


def _count(value: str) -> int:
    if not value.isdigit():
        raise argparse.ArgumentTypeError(f"{value!r} must be a whole number, zero or more")
    return int(value)


class Command(BaseCommand):
    help = "Create a tenant and print its first API key (shown once)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug")
        parser.add_argument("--name", default="")
        parser.add_argument("--owner", metavar="EMAIL", help="create or reuse this user as owner")
        parser.add_argument("--password", help="the owner's password (default: generated)")
        parser.add_argument("--monthly-images", type=_count, metavar="N")
        parser.add_argument("--monthly-budget-usd", type=_usd, metavar="X")

    @reports_errors
    def handle(self, *args: Any, **opts: Any) -> None:
        new = create_tenant(opts["slug"], name=opts["name"], owner_email=opts["owner"],
                            owner_password=opts["password"])
        if opts["monthly_images"] is not None or opts["monthly_budget_usd"] is not None:
            set_monthly_limits(new.tenant, images=opts["monthly_images"],
                               budget_usd=opts["monthly_budget_usd"])
        self.stdout.write(f"tenant:  {new.tenant.slug} ({new.tenant.name})")
        self.stdout.write(f"api key: {new.key.secret}")
        self.stdout.write("         (shown once; store it now)")
        if new.owner is not None:
            self.stdout.write(f"owner:   {new.owner.get_username()}")
            if new.generated_password:
                self.stdout.write(f"password: {new.generated_password}  (shown once)")
