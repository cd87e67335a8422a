"""`manage.py run_workers` (`make worker`): Dramatiq worker processes on the Redis broker."""

from __future__ import annotations

import os

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

MALLOC = {"MALLOC_ARENA_MAX": "2", "MALLOC_MMAP_THRESHOLD_": "262144"}
# An idle Dramatiq consumer polls Redis less and less often, down to once per worker timeout
# (1 s by default), so a job submitted to idle workers waited 0.2-0.5 s before it started
# (docs/benchmarks.md, "Contact sheet at model latency"). A quarter of a second makes the
# wait about 0.1 s, for 2 % of a core per idle process (1 s: 0.6 %; 0.1 s: 5 %, measured).
POLL_MS = "250"


class Command(BaseCommand):
    help = "Run Dramatiq worker processes (needs REDIS_URL; the embedded default runs its " \
           "worker inside `make serve`)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--processes", type=int, default=os.cpu_count() or 1)
        parser.add_argument("--threads", type=int, default=settings.ATELIER_WORKER_THREADS)

    def handle(self, *args: object, **opts: int) -> None:
        if settings.ATELIER_QUEUE != "redis":
            raise CommandError("separate worker processes need a shared broker: set REDIS_URL "
                               "(the embedded default runs its worker inside `make serve`)")
        os.environ.setdefault("ATELIER_LOG_LEVEL", "INFO")
        # glibc keeps what a thread freed in that thread's own arena; with a worker's many
        # threads handling megabyte images that idle memory added up to a third of its peak
        # (docs/benchmarks.md, "Worker memory"). Big buffers go back to the system instead.
        for name, value in MALLOC.items():
            os.environ.setdefault(name, value)
        os.environ.setdefault("dramatiq_worker_timeout", POLL_MS)
        call_command("rundramatiq", processes=opts["processes"], threads=opts["threads"])
