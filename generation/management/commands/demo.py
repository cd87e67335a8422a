"""`manage.py demo` (`make demo`): a demo tenant, a 4 prompts x 4 seeds batch through the queue,
a contact sheet, the e-commerce compositions of one product shot (generation.showcase: a
packshot checked against Amazon's rules, a marketplace fix, a cut-out, a shadow, two scenes) on
a second sheet, and a summary of what happened and where everything is.

The demo tenant has one API key, named `demo`. The first run makes it and prints its secret;
later runs reuse it (the secret is stored only as a digest, so they show its prefix and how to
get a new one) rather than leave another valid key behind each time. `--new-key` revokes it
and prints a new one."""

from __future__ import annotations

import secrets
import sys
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from assets.exports import contact_sheet
from assets.models import Asset
from catalog.requests import JobRequest
from core.cli import reports_errors
from generation import services, showcase
from generation.models import BrandTemplate, Job
from generation.templates import create_template
from generation.worker import inprocess_worker, wait_for_jobs
from moderation.models import TenantPolicy
from moderation.modes import local_only
from tenants.models import ApiKey, Tenant
from tenants.services import create_tenant, ensure_owner, issue_api_key, revoke_api_key

PROMPTS = (
    "a red leather handbag on white marble, soft studio light",
    "blue ceramic vase with dried flowers, minimalist scandinavian interior",
    "gold wristwatch on black velvet, dramatic rim lighting",
    "green sneakers floating above a pastel pink background",
)
SEEDS_PER_PROMPT = 4
BASE_SEED = 1000
# The product shot the shop round starts from: (prompt, image) — the handbag with no plinth,
# whose cut-out is the bag alone.
SHOP_SHOT = (0, 2)
OWNER = "demo@atelier.local"
DEMO_KEY = "demo"  # the name of the demo tenant's API key
DEMO_TEMPLATE = {"name": "studio shot", "model_key": "local", "aspect_ratio": "4:5",
                 "prompt": "a {subject} on {surface}, soft studio light, product photography",
                 "negative_prompt": "text, watermark, people",
                 "slot_defaults": {"surface": "white marble"}}


class Command(BaseCommand):
    help = "Seed the demo tenant and run a small batch end to end."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--tenant", default="demo")
        parser.add_argument("--size", default="512x512")
        parser.add_argument("--new-key", action="store_true",
                            help="revoke the demo's API key and print a new one")

    @reports_errors
    def handle(self, *args: object, **opts: str) -> None:
        started = time.monotonic()
        tenant, password, made = self._tenant(opts["tenant"])
        key = made or self._api_key(tenant, renew=bool(opts["new_key"]))
        with inprocess_worker():
            jobs = [services.submit_job(tenant, JobRequest(
                model="local", prompt=prompt, n=SEEDS_PER_PROMPT, seed=BASE_SEED,
                size=opts["size"])) for prompt in PROMPTS]
            jobs = wait_for_jobs([job.pk for job in jobs], timeout=600,
                                 on_progress=self._progress)
            sys.stderr.write("\n")
            shop = self._compositions(tenant, jobs)
        sheet = self._contact_sheet(tenant, jobs)
        self._shop_summary(shop)
        self._summary(jobs, sheet, key, password, time.monotonic() - started)

    def _tenant(self, slug: str) -> tuple[Tenant, str, str | None]:
        """The demo tenant, its owner's new password, and the secret of its API key when the
        tenant is made now."""
        tenant = Tenant.objects.filter(slug=slug).first()
        made = None
        if tenant is None:
            new = create_tenant(slug, name="Demo Merchant")
            tenant, made = new.tenant, new.key.secret
            # The tenant's first key is the demo key: one key, its secret printed below.
            ApiKey.objects.filter(pk=new.key.api_key.pk).update(name=DEMO_KEY)
        password = secrets.token_urlsafe(9)
        ensure_owner(tenant, OWNER, password)
        if not BrandTemplate.objects.for_tenant(tenant).filter(name=DEMO_TEMPLATE["name"]).exists():
            create_template(tenant, **DEMO_TEMPLATE)
        if local_only():  # the demo's images would all wait for a moderator otherwise
            TenantPolicy.objects.update_or_create(
                tenant=tenant, defaults={"approve_without_services": True})
            self.stderr.write("local-only moderation: the demo tenant's policy approves images "
                              "on the local policy\n")
        return tenant, password, made

    def _api_key(self, tenant: Tenant, *, renew: bool) -> str | ApiKey:
        """The newest demo key an earlier run made (older ones are revoked), or, when there is
        none or `renew`, a new key's secret with every earlier demo key revoked."""
        active = list(ApiKey.objects.filter(tenant=tenant, name=DEMO_KEY,
                                            revoked_at__isnull=True).order_by("-created_at"))
        kept = active[0] if active and not renew else None
        stale = [key for key in active if key is not kept]  # earlier runs piled some up
        for key in stale:
            revoke_api_key(key)
        if stale:
            self.stderr.write(f"revoked {len(stale)} earlier demo key(s): "
                              f"{', '.join(key.prefix for key in stale)}\n")
        return kept or issue_api_key(tenant, name=DEMO_KEY).secret

    def _progress(self, jobs: list[Job]) -> None:
        total = SEEDS_PER_PROMPT * len(PROMPTS)
        made = Asset.unscoped.filter(job__in=jobs).count()
        if made == getattr(self, "_shown", None):
            return
        self._shown = made
        width = 32
        filled = width * made // total
        sys.stderr.write(f"\r  generating [{'#' * filled}{'.' * (width - filled)}] "
                         f"{made}/{total} images")
        sys.stderr.flush()

    def _contact_sheet(self, tenant: Tenant, jobs: list[Job]) -> Path:
        assets = Asset.objects.for_tenant(tenant).filter(job__in=jobs).order_by(
            "job__created_at", "index")
        path = settings.VAR_DIR / "demo" / "contact-sheet.png"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(contact_sheet(assets, title="Atelier demo: 4 prompts x 4 seeds",
                                       columns=SEEDS_PER_PROMPT))
        return path

    def _compositions(self, tenant: Tenant, jobs: list[Job]) -> list[showcase.Made]:
        """The shop round on the SHOP_SHOT image."""
        prompt, index = SHOP_SHOT
        job = next(job for job in jobs if job.prompt == PROMPTS[prompt])
        source = Asset.objects.for_tenant(tenant).filter(job=job, index=index).first()
        if source is None or not source.deliverable:
            return []
        sys.stderr.write("  composing for a shop: packshot, fix, cut-out, shadow, scenes\n")
        return [showcase.Made("the product shot", job, source),
                *showcase.compose(tenant, source)]

    def _shop_summary(self, made: list[showcase.Made]) -> None:
        if not made:
            return
        out = self.stdout.write
        path = settings.VAR_DIR / "demo" / "shop.png"
        path.write_bytes(contact_sheet(
            [item.asset for item in made if item.asset is not None],
            title="Atelier demo: one product shot, made ready for a shop", columns=3,
            caption=showcase.caption(made)))
        out("")
        out("made for a shop from one product shot (all free, on the offline renderer):")
        for item in made[1:]:
            out(f"  {showcase.verdict(item)}")
        out(f"  shop sheet: {path}")

    def _summary(self, jobs: list[Job], sheet: Path, key: str | ApiKey, password: str,
                 seconds: float) -> None:
        out = self.stdout.write
        out("")
        out(f"{'job':<38} {'status':<20} {'images':>6} {'seconds':>8}  prompt")
        for job in sorted(jobs, key=lambda j: j.created_at):
            took = (job.finished_at - job.created_at).total_seconds() if job.finished_at else 0
            out(f"{job.pk!s:<38} {job.status:<20} {job.assets.count():>6} {took:>8.2f}  "
                f"{job.prompt[:40]}")
        out("")
        if settings.ATELIER_BUCKET:
            out(f"images:        s3://{settings.ATELIER_BUCKET}/generated/{jobs[0].tenant.slug}/")
        else:
            out(f"images:        {settings.MEDIA_ROOT / 'generated' / jobs[0].tenant.slug}/")
        out(f"contact sheet: {sheet}")
        out(f"owner login:   {OWNER} / {password}  (new each run)")
        out(f"dashboard:     make serve, open {settings.ATELIER_PUBLIC_URL}/ and sign in")
        if isinstance(key, str):
            out(f"API key:       {key}  (shown this once; stored only as a digest)")
            bearer = key
        else:
            out(f"API key:       the demo key atl_{key.prefix}_… from "
                f"{key.created_at:%Y-%m-%d %H:%M} UTC, printed by the run that made it; "
                "its secret is stored only as a digest")
            out("               lost it? `.venv/bin/python manage.py demo --new-key` revokes "
                "it and prints a new one")
            bearer = "$ATELIER_API_KEY"
        out("try it:        make serve, then")
        out(f"  curl -H \"Authorization: Bearer {bearer}\" "
            f"{settings.ATELIER_PUBLIC_URL}/api/v1/jobs/{jobs[0].pk}")
        out(f"done in {seconds:.1f} s")
