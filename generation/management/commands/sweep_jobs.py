"""`manage.py sweep_jobs`: the workers' periodic sweep, once, on demand."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from generation.services import sweep_stale_jobs
from generation.sweeper import sweep_repairs


class Command(BaseCommand):
    help = ("Re-enqueue jobs whose worker died or whose queue message was lost, and repair "
            "what else the workers' sweep repairs (renditions, webhooks, batches, keys).")

    def handle(self, *args: object, **opts: object) -> None:
        swept = sweep_stale_jobs()
        self.stdout.write(f"re-enqueued {len(swept)} job(s)")
        for job_id in swept:
            self.stdout.write(f"  {job_id}")
        for what, count in sweep_repairs().items():
            self.stdout.write(f"{what}: {count}")
