"""`manage.py sync_models` against a strict double of Bedrock's control plane, through the
real boto3 `bedrock` client: what is stored per model and Region, and how the synced fleet
decides what may be called — a model turning legacy, extended access, a Region losing a
model, access not granted, and the control plane out of reach (the last good data stays)."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from catalog import fleet
from catalog.models import ModelOffer, RegionSync
from catalog.requests import JobRequest
from catalog.spec import catalog
from tests.factories import StaffFactory
from tests.fakes.bedrock_control import (
    BedrockControlDouble,
    bedrock_control,  # noqa: F401
    seed_from_catalog,
)
from tests.helpers import signed_in

CORE = "stability.stable-image-core-v1:1"
INPAINT = "stability.stable-image-inpaint-v1:0"
REGIONS = ["us-east-1", "us-west-2"]


@pytest.fixture
def control(bedrock_control: BedrockControlDouble, settings, db  # noqa: F811
            ) -> Iterator[BedrockControlDouble]:
    """The double offering the catalog's models where the catalog says; two Regions synced."""
    seed_from_catalog(bedrock_control, catalog())
    settings.ATELIER_MODEL_SYNC_REGIONS = REGIONS
    settings.AWS_REGION = "us-east-1"
    fleet.forget()
    yield bedrock_control
    fleet.forget()


def sync(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("sync_models", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def row(model_id: str, region: str) -> ModelOffer:
    return ModelOffer.objects.get(model_id=model_id, region=region)


def estimate(owner, model: str) -> dict:
    response = owner.post("/api/v1/jobs", {"model": model, "prompt": "a lamp", "dry_run": True},
                          format="json")
    return {"status": response.status_code, **response.json()}


def test_a_sync_stores_each_catalog_model_in_each_region(control):
    out, err = sync()
    assert "us-east-1: synced" in out and "us-west-2: synced" in out and err == ""
    core = row(CORE, "us-west-2")
    assert (core.offered, core.status, core.access) == (True, "ACTIVE", "granted")
    assert core.synced_at is not None
    assert not row(CORE, "us-east-1").offered  # the catalog calls Core in us-west-2 only
    assert row(INPAINT, "us-east-1").profiles == ["us.stability.stable-image-inpaint-v1:0"]
    models = {spec.base_model_id for spec in catalog() if spec.family != "local"}
    assert ModelOffer.objects.count() == len(models) * len(REGIONS)
    listed = control.calls("ListFoundationModels")
    assert {(c.region, c.params["byOutputModality"]) for c in listed} == {
        (region, "IMAGE") for region in REGIONS}
    assert {c.region for c in control.calls("GetFoundationModelAvailability")} == set(REGIONS)
    assert set(RegionSync.objects.values_list("region", flat=True)) == set(REGIONS)


def test_a_model_turning_legacy_then_extended_access_then_eol(control, owner):
    sync()
    assert estimate(owner, "stable-image-core")["status"] == 200
    now = timezone.now()
    core = control.model("us-west-2", CORE)
    core.status, core.legacy_at = "LEGACY", now - timedelta(days=1)
    core.extended_access_at, core.eol_at = now + timedelta(days=90), now + timedelta(days=180)
    out, _ = sync()
    assert f"{CORE} in us-west-2: active -> legacy" in out
    assert f"{CORE} in us-west-2: end of life {core.eol_at:%Y-%m-%d}" in out
    assert row(CORE, "us-west-2").as_offer().state(now) == "legacy"
    assert estimate(owner, "stable-image-core")["status"] == 200  # legacy is still callable

    core.extended_access_at = now - timedelta(hours=1)
    out, _ = sync()
    assert "legacy -> extended_access" in out
    refused = estimate(owner, "stable-image-core")
    assert (refused["status"], refused["code"]) == (400, "model_unavailable")
    assert "extended access since" in refused["message"]  # no price for it: money fails closed

    core.eol_at = now - timedelta(minutes=1)
    sync()
    refused = estimate(owner, "stable-image-core")
    assert (refused["status"], refused["code"]) == (400, "model_retired")


def test_a_region_losing_a_model_stops_calls_there(control, owner):
    sync()
    control.withdraw("us-west-2", CORE)
    out, _ = sync()
    assert f"{CORE} in us-west-2: active -> not_offered" in out
    assert not row(CORE, "us-west-2").offered
    refused = estimate(owner, "stable-image-core")
    assert (refused["status"], refused["code"]) == (400, "model_unavailable")
    assert "not offered by Bedrock in us-west-2" in refused["message"]
    assert estimate(owner, "stable-image-ultra")["status"] == 200  # its neighbour is fine


def test_a_profile_that_no_longer_reaches_the_model_stops_calls(control, owner):
    control.profiles["us-east-1"] = [p for p in control.profiles["us-east-1"]
                                     if p.profile_id != f"us.{INPAINT}"]
    sync("--region", "us-east-1")  # the only Region the model is called in
    assert row(INPAINT, "us-east-1").profiles == []
    refused = estimate(owner, "stability-inpaint")
    assert refused["code"] == "model_unavailable"
    assert "inference profile" in refused["message"]
    sync()  # us-west-2 still reaches it: the calls go there instead (catalog.regions)
    spec = catalog().get("stability-inpaint")
    assert spec.check_callable(JobRequest(model=spec.key, operation="inpaint"), fleet.current(),
                               "us-east-1") == ("us-west-2",)


def test_access_not_granted_fails_closed_and_unknown_access_does_not(control, owner):
    control.model("us-west-2", CORE).authorization = "NOT_AUTHORIZED"
    control.fail("GetFoundationModelAvailability", "AccessDeniedException", region="us-west-2",
                 times=1)  # the first model asked about: access unknown, the sync goes on
    sync("--region", "us-west-2")
    assert row(CORE, "us-west-2").access == "denied"
    assert "NOT_AUTHORIZED" in row(CORE, "us-west-2").access_detail
    assert ModelOffer.objects.filter(region="us-west-2", offered=True,
                                     access="unknown").count() == 1
    refused = estimate(owner, "stable-image-core")
    assert refused["code"] == "model_unavailable" and "no access" in refused["message"]


def closed_port_url() -> str:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{probe.getsockname()[1]}"


@pytest.mark.parametrize("outage", ["unreachable", "throttled"])
def test_an_unreachable_control_plane_keeps_the_last_good_data_and_warns(control, owner,
                                                                         monkeypatch, outage):
    sync()
    control.withdraw("us-west-2", CORE)
    sync()  # the last good data: Core gone from us-west-2
    before = list(ModelOffer.objects.order_by("pk").values())
    if outage == "unreachable":  # nothing listens there: connections are refused
        monkeypatch.setenv("AWS_ENDPOINT_URL_BEDROCK", closed_port_url())
    else:  # boto3 retries (three attempts), then gives up
        control.fail("ListFoundationModels", "ThrottlingException", times=6)
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError, match="could not sync us-east-1, us-west-2"):
        call_command("sync_models", stdout=out, stderr=err)
    assert "WARNING us-west-2: the last sync failed" in err.getvalue()
    assert "stays in force" in err.getvalue()
    assert list(ModelOffer.objects.order_by("pk").values()) == before
    status = RegionSync.objects.get(region="us-west-2")
    expected = "unreachable" if outage == "unreachable" else "ThrottlingException"
    assert expected in status.error and status.succeeded_at is not None
    assert estimate(owner, "stable-image-core")["code"] == "model_unavailable"

    admin = signed_in(StaffFactory(is_superuser=True))
    page = admin.get("/admin/catalog/modeloffer/").content.decode()
    assert "Model sync: us-west-2: the last sync failed" in page
    assert "stays in force" in page


def test_the_admin_models_page_lists_state_dates_access_and_last_sync(control):
    now = timezone.now()
    canvas = control.model("us-east-1", "amazon.nova-canvas-v1:0")
    canvas.status, canvas.legacy_at, canvas.eol_at = ("LEGACY", now - timedelta(days=200),
                                                      now + timedelta(days=30))
    sync()
    admin = signed_in(StaffFactory(is_superuser=True))
    page = admin.get("/admin/catalog/modeloffer/?region=us-east-1").content.decode()
    assert "amazon.nova-canvas-v1:0" in page and "nova-canvas" in page
    assert "legacy" in page and "granted" in page
    assert "Model sync:" not in page  # nothing to warn about
    assert admin.get("/admin/catalog/modeloffer/add/").status_code == 403


def test_the_models_page_shows_the_quota_in_use_per_model_and_region(control):
    from providers import ratelimit

    sync()
    spec = catalog().get("stable-image-core")
    region = spec.region("us-east-1")
    window = ratelimit.limit_key(spec.key, region)
    ratelimit._window.cache_clear()  # a fresh window: not the calls of earlier tests
    assert ratelimit.in_use(window) == 0
    for _ in range(3):
        ratelimit.acquire(window, spec.rate_limit_rpm)
    admin = signed_in(StaffFactory(is_superuser=True))
    page = admin.get(f"/admin/catalog/modeloffer/?region={region}&q={spec.base_model_id}"
                     ).content.decode()
    assert f"stable-image-core: 3 / {spec.rate_limit_rpm} a minute" in page
    # The same model's window in another Region is its own.
    ratelimit.acquire(ratelimit.limit_key(spec.key, "eu-west-1"), spec.rate_limit_rpm)
    assert ratelimit.in_use(window) == 3
    ratelimit._window.cache_clear()


def test_no_sync_yet_leaves_the_static_catalog_in_charge(control, owner):
    assert not fleet.current().regions
    assert estimate(owner, "stable-image-core")["status"] == 200
    admin = signed_in(StaffFactory(is_superuser=True))
    assert "No Region has been synced yet" in admin.get(
        "/admin/catalog/modeloffer/").content.decode()


def test_the_scheduler_runs_the_sync_daily_only_where_bedrock_is_the_provider(control,
                                                                              settings):
    from core.scheduler import run_all_once
    from providers.fleet_sync import scheduled_sync

    path, every = settings.ATELIER_SCHEDULE["bedrock models"]
    assert (path, every) == ("providers.fleet_sync.scheduled_sync", 86400)
    settings.ATELIER_PROVIDER = "local"
    assert "skipped" in scheduled_sync() and not control.calls()
    settings.ATELIER_PROVIDER = "bedrock"
    assert run_all_once()["bedrock models"] == dict.fromkeys(REGIONS, "ok")
    assert ModelOffer.objects.filter(region="us-west-2", offered=True).exists()
