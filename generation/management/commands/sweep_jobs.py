"""`manage.py sweep_jobs`: every task of the scheduler, once, now."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from core.scheduler import run_all_once


class Command(BaseCommand):
    help = ("Re-enqueue jobs whose worker died or whose queue message was lost, and run the "
            "scheduler's other repairs once (renditions, webhooks, batches, keys, usage "
            "reports, credit alerts, queue metrics).")

    def handle(self, *args: object, **opts: object) -> None:
        for task, result in run_all_once().items():
            if isinstance(result, list):  # the ids it acted on
                self.stdout.write(f"{task}: {len(result)}")
                for item in result:
                    self.stdout.write(f"  {item}")
            else:
                self.stdout.write(f"{task}: {result}")
