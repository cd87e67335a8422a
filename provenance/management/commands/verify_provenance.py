"""`manage.py verify_provenance FILE`: the watermark payload (or none) and the C2PA state."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from PIL import Image, UnidentifiedImageError

from assets.models import Asset
from provenance.marks import inspect

FORMATS = {"PNG": "png", "JPEG": "jpeg", "WEBP": "webp"}


class Command(BaseCommand):
    help = "Print an image's Atelier watermark payload and its C2PA validation state."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")
        parser.add_argument("--json", action="store_true")

    def handle(self, *args: object, **opts: object) -> None:
        path = Path(str(opts["file"]))
        try:
            data = path.read_bytes()
            with Image.open(path) as image:
                fmt = FORMATS.get(image.format or "")
        except (OSError, UnidentifiedImageError) as exc:
            raise CommandError(f"{path}: not an image Atelier can read ({exc})") from exc
        if fmt is None:
            raise CommandError(f"{path}: PNG, JPEG or WebP only")
        report = inspect(data, fmt)
        if report["watermark"]:  # the payload is the first 8 bytes of the asset's id
            prefix = bytes.fromhex(report["watermark"])
            asset = Asset.unscoped.filter(pk__gte=uuid.UUID(bytes=prefix + b"\x00" * 8),
                                          pk__lte=uuid.UUID(bytes=prefix + b"\xff" * 8)).first()
            report["asset"] = str(asset.pk) if asset else None
        if opts["json"]:
            self.stdout.write(json.dumps(report, indent=2))
            return
        self.stdout.write(f"watermark: {report['watermark'] or 'none'}"
                          + (f" (asset {report['asset']})" if report.get("asset") else ""))
        c2pa = report["c2pa"]
        self.stdout.write(f"c2pa:      {c2pa['state']}")
        for name in ("claim_generator", "digital_source_type", "issuer"):
            if c2pa.get(name):
                self.stdout.write(f"  {name}: {c2pa[name]}")
        for error in c2pa["errors"]:
            self.stdout.write(f"  error: {error}")
