"""`manage.py generate`: submit a job through the same service as the API (docs/jobs.md)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from api.serializers import JobSerializer
from assets.models import Asset
from assets.services import delete_asset
from assets.uploads import store_upload
from core.cli import reports_errors
from core.errors import AtelierError, InvalidParameter
from generation import services
from generation.models import Job
from generation.presenters import estimate_body
from generation.request_serializer import JobRequestSerializer
from generation.worker import in_process, inprocess_worker, wait_for_jobs
from moderation.services import PromptBlocked
from tenants.models import Tenant
from tenants.services import get_tenant

OPTION_FIELDS = ("model", "operation", "prompt", "negative_prompt", "n", "seed", "size",
                 "aspect_ratio", "quality", "style", "mask", "mask_prompt", "stage")


def parse_params(pairs: list[str]) -> dict[str, Any]:
    """`NAME=VALUE` pairs; a VALUE that is a JSON list or object is decoded."""
    params: dict[str, Any] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name:
            raise InvalidParameter(f"params: expected NAME=VALUE, got {pair!r}", field="params")
        if value[:1] in "[{":
            try:
                value = json.loads(value)
            except json.JSONDecodeError as exc:
                raise InvalidParameter(f"params.{name}: not valid JSON ({exc.msg})",
                                       field=f"params.{name}") from None
        params[name] = value
    return params


def upload_file(tenant: Tenant, field: str, path: str, made: list[Asset] | None = None
                ) -> str:
    """A local image file as an upload of the tenant's; its id. A new upload is added to
    `made`, so that a refused job can take it back (discard_uploads)."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise InvalidParameter(f"{field}: cannot read {path!r} ({exc.strerror})",
                               field=field) from None
    try:
        asset, new = store_upload(tenant, data, filename=Path(path).name)
    except InvalidParameter as exc:
        raise InvalidParameter(f"{field}: {path}: {exc.message.removeprefix('file: ')}",
                               field=field) from None
    if new and made is not None:
        made.append(asset)
    return str(asset.pk)


def discard_uploads(tenant: Tenant, made: list[Asset]) -> None:
    """Delete the uploads this command added for a job that was refused or only estimated:
    bad input leaves nothing behind. Uploads the tenant already had are kept."""
    for asset in made:
        delete_asset(tenant, asset.pk)
    made.clear()


def job_request_from_options(tenant: Tenant, opts: dict[str, Any],
                             made: list[Asset] | None = None) -> Any:
    data = {name: opts[name] for name in OPTION_FIELDS if opts.get(name) is not None}
    if opts.get("image"):
        data["images"] = [upload_file(tenant, f"images[{i}]", path, made)
                          for i, path in enumerate(opts["image"])]
    if opts.get("mask"):
        data["mask"] = upload_file(tenant, "mask", opts["mask"], made)
    data["params"] = parse_params(opts.get("param") or [])
    data["dry_run"] = bool(opts.get("estimate"))
    parsed = JobRequestSerializer(data=data)
    if not parsed.is_valid():
        field, errors = next(iter(parsed.errors.items()))
        message = errors[0] if isinstance(errors, list) else errors
        raise InvalidParameter(f"{field}: {message}", field=field)
    return parsed.to_request()


class Command(BaseCommand):
    help = "Submit an image job; --wait to wait for it, --json to print it as the API does."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--tenant", required=True, metavar="SLUG")
        parser.add_argument("--model", required=True, metavar="KEY")
        parser.add_argument("--prompt", default="")
        parser.add_argument("--operation", default="text_to_image", metavar="OP")
        parser.add_argument("--negative-prompt", dest="negative_prompt")
        parser.add_argument("--n", type=int, default=1)
        parser.add_argument("--seed", type=int)
        size = parser.add_mutually_exclusive_group()
        size.add_argument("--aspect-ratio", dest="aspect_ratio", metavar="R")
        size.add_argument("--size", metavar="WxH")
        parser.add_argument("--quality")
        parser.add_argument("--style")
        parser.add_argument("--image", action="append", metavar="PATH")
        mask = parser.add_mutually_exclusive_group()
        mask.add_argument("--mask", metavar="PATH")
        mask.add_argument("--mask-prompt", dest="mask_prompt", metavar="TEXT")
        parser.add_argument("--param", action="append", metavar="NAME=VALUE")
        parser.add_argument("--stage", choices=["draft", "final"], default="draft")
        parser.add_argument("--estimate", action="store_true",
                            help="print the estimated cost; create nothing")
        parser.add_argument("--wait", action="store_true", help="wait until the job ends")
        parser.add_argument("--timeout", type=float, default=3600, help="seconds to --wait")
        parser.add_argument("--json", action="store_true", help="print the job as JSON")

    @reports_errors
    def handle(self, *args: Any, **opts: Any) -> None:
        tenant = get_tenant(opts["tenant"])
        made: list[Asset] = []
        try:
            request = job_request_from_options(tenant, opts, made)
            if request.dry_run:
                estimate = services.estimate_job(tenant, request)
                discard_uploads(tenant, made)  # an estimate creates nothing
                self.stdout.write(json.dumps(estimate_body(estimate), indent=2))
                return
        except AtelierError:
            discard_uploads(tenant, made)
            raise
        if not opts["wait"]:
            job = self._submit(tenant, request, made)
            self._report(job, opts)
            if in_process():
                self.stderr.write("queued; the in-process worker of `make serve` (or "
                                  "`generate --wait`) will run it")
            return
        with inprocess_worker():
            job = self._submit(tenant, request, made)
            if not opts["json"]:
                self.stderr.write(f"job {job.pk} queued; waiting…")
            job = wait_for_jobs([job.pk], timeout=opts["timeout"])[0]
        self._report(job, opts)
        if job.status not in Job.DELIVERED:
            raise CommandError(f"job {job.pk} ended {job.status}: {job.error_message}",
                               returncode=1)

    def _submit(self, tenant: Tenant, request: Any, made: list[Asset]) -> Job:
        """submit_job; when it refuses the job, the uploads made for it go too (a blocked
        prompt keeps them: its job is recorded, naming them)."""
        try:
            return services.submit_job(tenant, request)
        except PromptBlocked:
            raise
        except AtelierError:
            discard_uploads(tenant, made)
            raise

    def _report(self, job: Job, opts: dict[str, Any]) -> None:
        if opts["json"]:
            body = JobSerializer(job, context={"base_url": settings.ATELIER_PUBLIC_URL}).data
            self.stdout.write(json.dumps(body, indent=2, default=str))
            return
        self.stdout.write(f"job {job.pk}: {job.status} ({job.n} x {job.model_key}, "
                          f"{job.width}x{job.height}, est. ${job.estimated_cost_usd})")
        for asset in job.assets.order_by("index"):
            self.stdout.write(f"  [{asset.index}] seed {asset.seed}  {asset.storage_key}")
        sys.stdout.flush()
