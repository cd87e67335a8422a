"""`manage.py iam_policy`: the least-privilege IAM policy for the catalog's callable models."""

from __future__ import annotations

import json

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from catalog.iam import policy_for


class Command(BaseCommand):
    help = "Print a least-privilege IAM policy for the Bedrock models Atelier may call."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--account", default="*", help="AWS account ID (default: *)")
        parser.add_argument("--region", default=settings.AWS_REGION)
        parser.add_argument("--include-retired", action="store_true",
                            help="also allow models past their end of life")

    def handle(self, *args: object, **opts: str) -> None:
        document = policy_for(account=opts["account"], region=opts["region"],
                              include_retired=bool(opts["include_retired"]))
        self.stdout.write(json.dumps(document, indent=2))
