"""Fallback models with consent: a job naming a retired or unavailable model runs on the
fallback its tenant (or brand template) named — at submission or when the model stops being
callable while the job waits — says so on the job and in a `job.fallback` webhook, and is
priced as the fallback; without one it fails naming the successor, as before."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from billing import services as billing
from billing.models import Ledger, MonthlyLimits, Reservation, UsageEvent
from catalog.requests import JobRequest
from generation import fallbacks, services
from generation.models import Job, WebhookDelivery, WebhookEndpoint
from generation.templates import create_template
from generation.worker import inprocess_worker, wait_for_jobs
from tenants.services import ensure_owner
from tests.helpers import signed_in

PRICES = {"nova-2-omni": "0.05", "local": "0.02", "stable-image-core": "0.04"}


@pytest.fixture
def run_later(transactional_db, empty_queue):
    """Run jobs submitted earlier in the test: the worker starts only when asked, after the
    test changed what it needed to (a worker running from the start would take them at once)."""

    def run(*jobs: Job) -> list[Job]:
        with inprocess_worker(threads=2):
            return wait_for_jobs([job.pk for job in jobs], timeout=60)

    return run


@pytest.fixture
def priced(acme):
    """Acme pays fixed prices per image, so that what a job holds and pays shows its model."""
    MonthlyLimits.objects.update_or_create(tenant=acme.tenant, defaults={
        "model_prices": PRICES})
    return acme


def held(tenant) -> Decimal:
    return Ledger.objects.for_tenant(tenant).get(month=billing.current_month()).reserved_usd


# --- at submission ---------------------------------------------------------------------------

def test_without_a_fallback_a_retired_model_still_fails_naming_its_successor(owner, acme,
                                                                            empty_queue):
    response = owner.post("/api/v1/jobs", {"model": "nova-canvas", "prompt": "a bag"},
                          format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "model_retired"
    assert response.json()["successor"] == "stable-image-core"
    assert not Job.objects.for_tenant(acme.tenant).exists()


def test_a_retired_model_runs_on_the_tenants_fallback_priced_as_the_fallback(
        owner, priced, empty_queue):
    assert owner.put("/api/v1/fallbacks", {"fallbacks": {"nova-canvas": "stable-image-core"}},
                     format="json").status_code == 200
    response = owner.post("/api/v1/jobs", {"model": "nova-canvas", "prompt": "a bag", "n": 2},
                          format="json")
    assert response.status_code == 202, response.json()
    body = response.json()
    assert body["model"] == "stable-image-core"
    assert body["fallback"]["requested_model"] == "nova-canvas"
    assert "end of life" in body["fallback"]["reason"]
    assert body["estimated_cost_usd"] == "0.0800"
    job = Job.objects.for_tenant(priced.tenant).get(pk=body["id"])
    assert job.request["model"] == "stable-image-core"
    assert Reservation.objects.for_tenant(priced.tenant).get(job=job).unit_price_usd == \
        Decimal("0.04")
    assert held(priced.tenant) == Decimal("0.08")
    # The dashboard's job page says so too.
    user, _ = ensure_owner(priced.tenant, "owner@acme.test", "correct horse battery")
    page = signed_in(user).get(reverse("dashboard-job", args=["acme", job.pk]))
    assert page.status_code == 200
    text = " ".join(page.content.decode().split())
    assert ("Ran on your fallback <strong>stable-image-core</strong> instead of "
            "<strong>nova-canvas</strong>") in text


def test_the_dry_run_estimate_is_the_fallbacks(owner, priced, empty_queue):
    fallbacks.set_fallbacks(priced.tenant, {"nova-canvas": "stable-image-core"})
    response = owner.post("/api/v1/jobs", {"model": "nova-canvas", "prompt": "a bag",
                                           "dry_run": True}, format="json")
    assert response.status_code == 200
    assert Decimal(response.json()["estimated_cost_usd"]) == Decimal("0.04")
    assert not Job.objects.for_tenant(priced.tenant).exists()


def test_a_fallback_that_cannot_take_the_job_fails_it_with_both_reasons(owner, acme,
                                                                        empty_queue):
    # Titan v2 is retired; Stable Image Core does not remove backgrounds.
    fallbacks.set_fallbacks(acme.tenant, {"titan-image-v2": "stable-image-core"})
    upload = owner.post("/api/v1/uploads", {"data": _png_b64()}, format="json").json()
    response = owner.post("/api/v1/jobs", {"model": "titan-image-v2",
                                           "operation": "remove_background",
                                           "images": [upload["id"]]}, format="json")
    assert response.status_code == 400
    message = response.json()["message"]
    assert "end of life" in message and "'stable-image-core' cannot take the job" in message
    assert response.json()["code"] == "model_retired"
    assert not Job.objects.for_tenant(acme.tenant).exists()


def test_a_templates_fallback_wins_for_its_own_model(priced, empty_queue):
    fallbacks.set_fallbacks(priced.tenant, {"nova-canvas": "local"})
    create_template(priced.tenant, name="studio", prompt="a {subject} on marble",
                    model_key="nova-canvas", fallback_model="stable-image-core")
    via_template = services.submit_job(priced.tenant, JobRequest(
        template="studio", slots={"subject": "vase"}))
    direct = services.submit_job(priced.tenant, JobRequest(model="nova-canvas", prompt="a vase"))
    assert (via_template.model_key, via_template.requested_model) == (
        "stable-image-core", "nova-canvas")
    assert (direct.model_key, direct.requested_model) == ("local", "nova-canvas")


def test_a_fallback_is_one_step_never_a_chain(acme, settings, empty_queue):
    """Nova 2 Omni (a preview, off here) falls back to Nova Canvas, which is retired: Nova
    Canvas's own fallback is not followed."""
    settings.ATELIER_PREVIEW_MODELS = True
    fallbacks.set_fallbacks(acme.tenant, {"nova-canvas": "local"})
    with pytest.raises(services.AtelierError, match="'nova-canvas' is eol"):
        fallbacks.check_fallback("nova-2-omni", "nova-canvas", field="f")
    settings.ATELIER_PREVIEW_MODELS = False
    fallbacks.set_fallbacks(acme.tenant, {"nova-canvas": "local",
                                          "nova-2-omni": "stable-image-core"})
    job = services.submit_job(acme.tenant, JobRequest(model="nova-2-omni", prompt="a vase"))
    assert (job.model_key, job.requested_model) == ("stable-image-core", "nova-2-omni")
    assert "ATELIER_PREVIEW_MODELS" in job.fallback_reason


# --- while the job waits -----------------------------------------------------------------------

def test_a_queued_job_whose_model_became_unavailable_moves_to_the_fallback(
        priced, settings, run_later, owner):
    settings.ATELIER_PREVIEW_MODELS = True
    WebhookEndpoint.objects.for_tenant(priced.tenant).create(
        url="https://hooks.example.com/atelier", events=["job.fallback"], secret="whsec_x")
    fallbacks.set_fallbacks(priced.tenant, {"nova-2-omni": "local"})
    job = services.submit_job(priced.tenant, JobRequest(model="nova-2-omni", prompt="a vase",
                                                         n=2, size="1024x1024"))
    assert (job.model_key, held(priced.tenant)) == ("nova-2-omni", Decimal("0.10"))
    # The operator turns previews off before the worker gets to the job.
    settings.ATELIER_PREVIEW_MODELS = False
    [done] = run_later(job)
    assert done.status == Job.Status.SUCCEEDED, done.error_message
    assert (done.model_key, done.model_id) == ("local", "atelier.local-v1")
    assert done.requested_model == "nova-2-omni"
    assert "preview" in done.fallback_reason
    charged = UsageEvent.objects.for_tenant(priced.tenant).filter(job=done)
    assert sorted((e.model_key, e.price_usd) for e in charged) == [
        ("local", Decimal("0.0200")), ("local", Decimal("0.0200"))]
    ledger = Ledger.objects.for_tenant(priced.tenant).get(month=billing.current_month())
    assert (ledger.used_usd, ledger.reserved_usd, ledger.reserved_images) == (
        Decimal("0.04"), Decimal("0"), 0)
    [sent] = WebhookDelivery.objects.for_tenant(priced.tenant).filter(event="job.fallback")
    assert sent.payload["data"]["job"]["fallback"]["requested_model"] == "nova-2-omni"
    assert sent.payload["data"]["job"]["model"] == "local"
    shown = owner.get(f"/api/v1/jobs/{done.pk}").json()
    assert shown["fallback"] == {"requested_model": "nova-2-omni",
                                 "reason": done.fallback_reason}


def test_without_a_fallback_the_queued_job_fails_naming_why_and_releases_its_hold(
        priced, settings, run_later):
    settings.ATELIER_PREVIEW_MODELS = True
    job = services.submit_job(priced.tenant, JobRequest(model="nova-2-omni", prompt="a vase"))
    settings.ATELIER_PREVIEW_MODELS = False
    [done] = run_later(job)
    assert (done.status, done.error_code) == (Job.Status.FAILED, "model_unavailable")
    assert done.model_key == "nova-2-omni" and not done.requested_model
    assert held(priced.tenant) == Decimal("0")


def test_a_dearer_fallback_the_budget_cannot_hold_fails_the_job(priced, settings, run_later):
    settings.ATELIER_PREVIEW_MODELS = True
    MonthlyLimits.objects.filter(tenant=priced.tenant).update(
        budget_usd=Decimal("0.12"), model_prices={**PRICES, "local": "0.07"})
    fallbacks.set_fallbacks(priced.tenant, {"nova-2-omni": "local"})
    job = services.submit_job(priced.tenant, JobRequest(model="nova-2-omni", prompt="a vase",
                                                         n=2))  # holds 0.10 of 0.12
    settings.ATELIER_PREVIEW_MODELS = False
    [done] = run_later(job)  # at 0.07 the two images need 0.14
    assert (done.status, done.error_code) == (Job.Status.FAILED, "budget_exceeded")
    assert done.model_key == "nova-2-omni"  # nothing of the move was kept
    assert not UsageEvent.objects.for_tenant(priced.tenant).exists()
    assert held(priced.tenant) == Decimal("0")


def test_reprice_moves_the_hold_both_ways(priced, empty_queue):
    job = services.submit_job(priced.tenant, JobRequest(model="local", prompt="a vase", n=3))
    assert held(priced.tenant) == Decimal("0.06")
    billing.reprice(job, Decimal("0.05"))
    assert held(priced.tenant) == Decimal("0.15")
    billing.reprice(job, Decimal("0.01"))
    assert held(priced.tenant) == Decimal("0.03")
    assert billing.release(job) == 3
    assert held(priced.tenant) == Decimal("0")


# --- the API -------------------------------------------------------------------------------------

def test_fallbacks_api_three_personas(owner, stranger, anonymous, acme, globex):
    body = {"fallbacks": {"nova-canvas": "stable-image-core", "titan-image-v2": "local"}}
    assert anonymous.get("/api/v1/fallbacks").status_code == 401
    assert anonymous.put("/api/v1/fallbacks", body, format="json").status_code == 401
    assert owner.put("/api/v1/fallbacks", body, format="json").json() == body
    assert owner.get("/api/v1/fallbacks").json() == body
    # Another tenant sees and changes only its own.
    assert stranger.get("/api/v1/fallbacks").json() == {"fallbacks": {}}
    assert stranger.put("/api/v1/fallbacks", {"fallbacks": {}}, format="json").status_code == 200
    assert owner.get("/api/v1/fallbacks").json() == body
    # PUT replaces: a model left out loses its fallback; {} clears them all.
    smaller = {"fallbacks": {"titan-image-v2": "local"}}
    assert owner.put("/api/v1/fallbacks", smaller, format="json").json() == smaller
    assert owner.put("/api/v1/fallbacks", {"fallbacks": {}}, format="json").json() == {
        "fallbacks": {}}


@pytest.mark.parametrize(("mapping", "field", "words"), [
    ({"no-such-model": "local"}, "model", "no-such-model"),
    ({"local": "no-such-model"}, "model", "no-such-model"),
    ({"local": "local"}, "fallbacks.local", "its own fallback"),
    ({"local": "nova-canvas"}, "fallbacks.local", "'nova-canvas' is eol"),
])
def test_bad_fallbacks_are_refused_naming_the_field_and_nothing_changes(owner, acme, mapping,
                                                                        field, words):
    fallbacks.set_fallbacks(acme.tenant, {"titan-image-v2": "local"})
    response = owner.put("/api/v1/fallbacks", {"fallbacks": mapping}, format="json")
    assert response.status_code == 400
    assert response.json()["field"] == field and words in response.json()["message"]
    assert fallbacks.fallbacks(acme.tenant) == {"titan-image-v2": "local"}


def test_a_template_fallback_must_do_the_templates_operation(owner, acme):
    response = owner.post("/api/v1/templates", {
        "name": "cut", "prompt": "product", "model": "stability-remove-background",
        "operation": "remove_background", "fallback_model": "stable-image-core"}, format="json")
    assert response.status_code == 400
    assert response.json()["field"] == "fallback_model"
    ok = owner.post("/api/v1/templates", {
        "name": "studio", "prompt": "a {subject}", "model": "nova-canvas",
        "fallback_model": "stable-image-core"}, format="json")
    assert ok.status_code == 201, ok.json()
    assert ok.json()["fallback_model"] == "stable-image-core"


def _png_b64() -> str:
    import base64

    from tests.helpers import png_bytes

    return base64.b64encode(png_bytes((64, 64))).decode()
