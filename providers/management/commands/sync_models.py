"""`manage.py sync_models`: read Bedrock's control plane now and store the model fleet.

The scheduler runs the same sync daily (config/schedule.py). A Region that cannot be read
keeps its last good data; the command says so and exits with status 1.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from catalog import fleet
from providers import fleet_sync


class Command(BaseCommand):
    help = ("Read Bedrock's control plane (models offered, access, lifecycle, inference "
            "profiles) for each configured Region and store it.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--region", action="append", dest="regions",
                            help="a Region to sync (repeatable; default: "
                                 "ATELIER_MODEL_SYNC_REGIONS or the Regions models are called in)")

    def handle(self, *args: Any, regions: list[str] | None = None, **options: Any) -> None:
        results = fleet_sync.sync(regions)
        for result in results:
            if not result.ok:
                continue
            self.stdout.write(f"{result.region}: synced {result.models} models")
            for change in result.changes:
                self.stdout.write(f"  {change}")
            if result.uncatalogued:
                self.stdout.write(f"  image models Bedrock offers that the catalog lacks: "
                                  f"{', '.join(result.uncatalogued)}")
        for warning in fleet.load().warnings(timezone.now()):
            self.stderr.write(self.style.WARNING(f"WARNING {warning}"))
        failed = [result.region for result in results if not result.ok]
        if failed:
            raise CommandError(f"could not sync {', '.join(failed)} (the last good data stays "
                               "in force)", returncode=1)
        if settings.ATELIER_PROVIDER != "bedrock":
            self.stdout.write("note: ATELIER_PROVIDER is not bedrock; the synced data still "
                              "decides which models may be called")
