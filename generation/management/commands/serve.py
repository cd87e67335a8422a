"""`manage.py serve` (`make serve`): the web app, plus the in-process worker on the embedded
default. With REDIS_URL set it serves the web only; run `make worker` beside it."""

from __future__ import annotations

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from generation.worker import in_process, inprocess_worker


class Command(BaseCommand):
    help = "Serve Atelier on ADDRPORT (default 127.0.0.1:8000) with its worker when embedded."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")

    def handle(self, *args: object, **opts: str) -> None:
        if in_process():
            self.stdout.write("embedded default: jobs run on an in-process worker")
        else:
            self.stdout.write("Redis broker: jobs run on `make worker` processes")
        with inprocess_worker():
            call_command("runserver", opts["addrport"], use_reloader=False,
                         use_threading=True)
