"""`manage.py models`: the catalog as a table (docs/bedrock.md, "The catalog")."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandParser

from catalog.spec import catalog
from generation.presenters import describe_model


class Command(BaseCommand):
    help = "List the model catalog: keys, operations, lifecycle, limits, parameters, prices."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--json", action="store_true")

    def handle(self, *args: object, **opts: object) -> None:
        models = [describe_model(spec) for spec in catalog()]
        if opts["json"]:
            self.stdout.write(json.dumps(models, indent=2, default=str))
            return
        header = f"{'key':<31} {'lifecycle':<22} {'USD/image':<17} {'rpm':>4}  operations"
        self.stdout.write(header)
        self.stdout.write("-" * 110)
        for model in models:
            life = model["lifecycle"]
            state = life["state"] + (f" -> {life['successor']}" if life["successor"] else "")
            prices = "/".join(dict.fromkeys(p["usd"] for p in model["prices"]))
            rpm = model["rate_limit_rpm"] or "-"
            self.stdout.write(f"{model['key']:<31} {state:<22} {prices:<17} {rpm:>4}  "
                              f"{', '.join(model['operations'])}")
            if model["params"]:
                self.stdout.write(f"{'':<31} params: {', '.join(model['params'])}")
        self.stdout.write("\n`manage.py models --json` shows every limit, parameter and price.")
