"""`manage.py usage_report [--month YYYY-MM] [--tenant SLUG] [--format csv|json]`."""

from __future__ import annotations

import json
import re

from django.core.management.base import BaseCommand, CommandError, CommandParser

from billing.reports import as_csv, usage_rows


class Command(BaseCommand):
    help = "The finance report: images, AWS cost, credits, billed and margin per tenant, " \
           "model and month, with totals."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--month", help="YYYY-MM")
        parser.add_argument("--tenant", metavar="SLUG")
        parser.add_argument("--format", choices=["csv", "json"], default="csv")

    def handle(self, *args: object, **opts: str) -> None:
        if opts["month"] and not re.match(r"^\d{4}-(0[1-9]|1[0-2])$", opts["month"]):
            raise CommandError(f"--month: expected YYYY-MM (got {opts['month']!r})")
        rows = usage_rows(month=opts["month"], tenant_slug=opts["tenant"])
        if opts["format"] == "json":
            self.stdout.write(json.dumps(rows, indent=2, default=str))
        else:
            self.stdout.write(as_csv(rows), ending="")
