"""`manage.py verify_provenance FILE`: the watermark payload (or none), the C2PA state, and the
verdict the public verification gives (provenance/verify.py)."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.errors import InvalidParameter
from provenance.marks import inspect
from provenance.verify import decode, verify


class Command(BaseCommand):
    help = ("Print an image's Atelier watermark payload, its C2PA validation state, and "
            "whether Atelier made it and it was changed since.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")
        parser.add_argument("--json", action="store_true")

    def handle(self, *args: object, **opts: object) -> None:
        path = Path(str(opts["file"]))
        try:
            data = path.read_bytes()
            _, fmt = decode(data)
        except OSError as exc:
            raise CommandError(f"{path}: cannot read it ({exc.strerror or exc})") from exc
        except InvalidParameter as exc:
            raise CommandError(f"{path}: {exc.message.removeprefix('file: ')}") from exc
        report = inspect(data, fmt)
        verification = verify(data)
        if report["watermark"]:  # the payload is the first 8 bytes of the asset's id
            report["asset"] = verification.asset_id if verification.watermark_matches else None
        report["verification"] = verification.as_dict()
        if opts["json"]:
            self.stdout.write(json.dumps(report, indent=2, default=str))
            return
        self.stdout.write(f"watermark: {report['watermark'] or 'none'}"
                          + (f" (asset {report['asset']})" if report.get("asset") else ""))
        c2pa = report["c2pa"]
        self.stdout.write(f"c2pa:      {c2pa['state']}"
                          + (" (signed by Atelier)" if verification.as_dict()[
                              "content_credentials"]["signed_by_atelier"] else ""))
        for name in ("claim_generator", "digital_source_type", "issuer"):
            if c2pa.get(name):
                self.stdout.write(f"  {name}: {c2pa[name]}")
        for error in c2pa["errors"]:
            self.stdout.write(f"  error: {error}")
        self.stdout.write(f"verdict:   {verification.verdict}")
        for sentence in verification.sentences():
            self.stdout.write(f"  {sentence}")
