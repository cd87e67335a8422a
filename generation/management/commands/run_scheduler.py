"""`manage.py run_scheduler` (the container's `scheduler` role): the periodic work, once."""

from __future__ import annotations

import signal
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from core.scheduler import Scheduler


class Command(BaseCommand):
    help = ("Run the periodic work (sweeps, retries, usage reports, alerts, queue metrics). "
            "Start one; a second waits on standby behind a Redis lock.")

    def handle(self, *args: object, **opts: object) -> None:
        if settings.ATELIER_QUEUE != "redis":
            raise CommandError("a separate scheduler needs the shared Redis: set REDIS_URL "
                               "(the embedded default schedules inside `make serve`)")
        scheduler = Scheduler()

        def stop(signum: int, frame: Any) -> None:
            scheduler.stop()

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        self.stdout.write(f"scheduler: {len(settings.ATELIER_SCHEDULE)} tasks; waiting for "
                          "the lead")
        scheduler.run()
