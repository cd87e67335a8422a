"""`manage.py run_scheduler` (the container's `scheduler` role): the periodic work, once."""

from __future__ import annotations

import logging
import signal
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from core import metrics
from core.scheduler import Scheduler

log = logging.getLogger("atelier.scheduler")


class Command(BaseCommand):
    help = ("Run the periodic work (sweeps, retries, usage reports, alerts, queue metrics). "
            "Start one; a second waits on standby behind a Redis lock.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--metrics-port", type=int, default=settings.ATELIER_METRICS_PORT,
                            help="serve Prometheus metrics here (0: not at all)")

    def handle(self, *args: object, **opts: Any) -> None:
        if settings.ATELIER_QUEUE != "redis":
            raise CommandError("a separate scheduler needs the shared Redis: set REDIS_URL "
                               "(the embedded default schedules inside `make serve`)")
        scheduler = Scheduler()

        def stop(signum: int, frame: Any) -> None:
            scheduler.stop()

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        if opts["metrics_port"]:
            try:
                metrics.serve(opts["metrics_port"])
            except OSError as exc:  # the periodic work matters more than its metrics
                log.error("scheduler.metrics_unavailable", extra={
                    "port": opts["metrics_port"], "error": str(exc)})
        self.stdout.write(f"scheduler: {len(settings.ATELIER_SCHEDULE)} tasks; waiting for "
                          "the lead")
        scheduler.run()
