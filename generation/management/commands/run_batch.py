"""`manage.py run_batch --tenant SLUG FILE.csv [--template NAME] [--model KEY]` (docs/batches.md):
one job per row through the same service as POST /batches, a progress bar while they run,
then a summary.

Exit status: 0 when every job delivered, 1 when some did not (failed, blocked, canceled or
still running at --timeout), 2 when the batch was refused (each row error is printed).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any, NoReturn

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.cli import reports_errors
from core.errors import InvalidParameter
from generation import batch_progress, batches
from generation.batch_input import InvalidBatch
from generation.models import Batch, Job
from generation.worker import inprocess_worker
from tenants.services import get_tenant

BAR_WIDTH = 32


class Command(BaseCommand):
    help = "Run a catalog CSV: one job per row, with a progress bar and a summary."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--tenant", required=True, metavar="SLUG")
        parser.add_argument("file", metavar="FILE.csv")
        parser.add_argument("--template", metavar="NAME", help="brand template for every row")
        parser.add_argument("--model", metavar="KEY", help="model of rows that name none")
        parser.add_argument("--name", help="the batch's name (default: the file name)")
        parser.add_argument("--timeout", type=float, default=24 * 3600,
                            help="seconds to wait for the jobs")

    @reports_errors
    def handle(self, *args: Any, **opts: Any) -> None:
        tenant = get_tenant(opts["tenant"])
        path = Path(opts["file"])
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise InvalidParameter(f"file: cannot read {str(path)!r} ({exc.strerror})",
                                   field="file") from None
        started = time.monotonic()
        with inprocess_worker():
            try:
                batch = batches.submit_batch(tenant, csv_data=data, template=opts["template"],
                                             model=opts["model"], name=opts["name"] or path.name)
            except InvalidBatch as exc:
                self._refused(exc)
            self.stderr.write(f"batch {batch.pk}: {batch.items} rows, {batch.images} images, "
                              f"est. ${batch.estimated_cost_usd}; running…")
            jobs = self._wait(batch, opts["timeout"])
        batch.refresh_from_db()
        self._summary(batch, jobs, time.monotonic() - started)
        if jobs[Job.Status.SUCCEEDED] + jobs[Job.Status.PARTIALLY_SUCCEEDED] < sum(jobs.values()):
            raise CommandError(f"batch {batch.pk}: not every row delivered", returncode=1)

    def _refused(self, exc: InvalidBatch) -> NoReturn:
        for error in exc.extra["errors"]:
            column = f", column {error['column']}" if error["column"] else ""
            self.stderr.write(f"  row {error['row']}{column}: {error['message']}")
        hidden = exc.extra["error_count"] - len(exc.extra["errors"])
        if hidden:
            self.stderr.write(f"  … and {hidden} more")
        raise CommandError(f"[{exc.code}] {exc.message}", returncode=2)

    def _wait(self, batch: Batch, timeout: float) -> dict[str, int]:
        """Poll the jobs' counts (the database is the truth) and draw the bar until none is
        waiting, queued or running."""
        deadline = time.monotonic() + timeout
        while True:
            jobs = batch_progress.counts([batch.pk])[batch.pk]
            total = sum(jobs.values())  # a row with packshots is a job per preset
            finished = total - batch_progress.unfinished(jobs)
            filled = BAR_WIDTH * finished // max(total, 1)
            sys.stderr.write(f"\r  [{'#' * filled}{'.' * (BAR_WIDTH - filled)}] "
                             f"{finished}/{total} jobs")
            sys.stderr.flush()
            if finished == total or time.monotonic() > deadline:
                sys.stderr.write("\n")
                return jobs
            time.sleep(0.25)

    def _summary(self, batch: Batch, jobs: dict[str, int], seconds: float) -> None:
        out = self.stdout.write
        body = batches.describe(batch)
        out(f"batch {batch.pk} ({batch.name}): {body['status']}")
        out(f"  rows {batch.items}, images asked {batch.images}, made {body['images_made']}, "
            f"est. ${batch.estimated_cost_usd}")
        out("  " + ", ".join(f"{status} {count}" for status, count in jobs.items() if count))
        for preset, found in body["compliance"].items():
            out(f"  {preset}: {found['passed']} of {found['skus']} SKUs pass, "
                f"{found['failed']} fail, {found['no_image']} without an image")
        failed = (Job.objects.for_tenant(batch.tenant).filter(batch=batch)
                  .exclude(status__in=Job.DELIVERED).order_by("sku")[:10])
        for job in failed:
            out(f"  {job.sku}: {job.status} {job.error_message[:100]}")
        out(f"  results: {settings.ATELIER_PUBLIC_URL}/api/v1/batches/{batch.pk}/results")
        out(f"  images:  {settings.ATELIER_PUBLIC_URL}/api/v1/batches/{batch.pk}/archive")
        out(f"done in {seconds:.1f} s")
