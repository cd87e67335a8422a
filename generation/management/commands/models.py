"""`manage.py models`: the catalog as a table (DESIGN §6)."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandParser

from generation.catalog import catalog
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
        header = f"{'key':<32} {'lifecycle':<22} {'USD/image':<12} operations"
        self.stdout.write(header)
        self.stdout.write("-" * len(header))
        for model in models:
            life = model["lifecycle"]
            state = life["state"] + (f" → {life['successor']}" if life["successor"] else "")
            prices = "/".join(sorted({p["usd"] for p in model["prices"]}))
            self.stdout.write(f"{model['key']:<32} {state:<22} {prices:<12} "
                              f"{', '.join(model['operations'])}")
            params = ", ".join(f"{name}={spec.get('values') or spec['type']}"
                               for name, spec in model["params"].items())
            if params:
                self.stdout.write(f"{'':<32} params: {params}")
