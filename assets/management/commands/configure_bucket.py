"""`manage.py configure_bucket`: create and configure the private bucket (ATELIER_BUCKET)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from assets.bucket import configure_bucket


class Command(BaseCommand):
    help = ("Create the bucket if needed; set default encryption, the lifecycle rule that "
            "expires drafts, CORS for the dashboard, and block public access.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--bucket", default=settings.ATELIER_BUCKET)
        parser.add_argument("--draft-days", type=int,
                            default=settings.ATELIER_DRAFT_RETENTION_DAYS)
        parser.add_argument("--cors-origin", action="append",
                            help="allowed origin (default: ATELIER_PUBLIC_URL)")

    def handle(self, *args: Any, **opts: Any) -> None:
        if not opts["bucket"]:
            raise CommandError("no bucket: set ATELIER_BUCKET or pass --bucket")
        if int(opts["draft_days"]) < 1:
            raise CommandError("--draft-days must be at least 1")
        steps = configure_bucket(
            str(opts["bucket"]), retention_days=int(opts["draft_days"]),
            cors_origins=list(opts["cors_origin"] or [settings.ATELIER_PUBLIC_URL]),
            region=settings.AWS_REGION)
        for step in steps:
            mark = "ok  " if step.ok else "WARN"
            self.stdout.write(f"{mark} {step.name}: {step.detail}")
