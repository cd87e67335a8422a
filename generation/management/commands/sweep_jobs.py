"""`manage.py sweep_jobs`: re-enqueue stuck jobs once (workers also do this every minute)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from generation.services import sweep_stale_jobs


class Command(BaseCommand):
    help = "Re-enqueue jobs whose worker died or whose queue message was lost."

    def handle(self, *args: object, **opts: object) -> None:
        swept = sweep_stale_jobs()
        self.stdout.write(f"re-enqueued {len(swept)} job(s)")
        for job_id in swept:
            self.stdout.write(f"  {job_id}")
