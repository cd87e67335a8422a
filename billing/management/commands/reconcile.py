"""`manage.py reconcile`: release holds of finished jobs and report drift between the
ledger, the holds and the usage events."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from billing.services import reconcile


class Command(BaseCommand):
    help = "Repair stale holds and report any drift between ledgers, holds and usage events."

    def handle(self, *args: object, **opts: object) -> None:
        report = reconcile()
        self.stdout.write(f"stale holds released: {report['released']}")
        for line in report["drift"]:
            self.stdout.write(f"DRIFT {line}")
        if not report["drift"]:
            self.stdout.write("no drift: ledgers match holds and usage events")
