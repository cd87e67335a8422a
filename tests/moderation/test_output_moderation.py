"""Every generated image is moderated on its original bytes before delivery: Rekognition and
Guardrails when configured, the tenant's thresholds, and failing closed into review."""

from __future__ import annotations

import pytest
from django.core.files.storage import default_storage

from assets.models import Asset
from generation.models import Job
from generation.runner import run_job
from moderation.models import AuditEvent
from tests.factories import TenantPolicyFactory
from tests.fakes import bedrock_outcomes as out
from tests.fakes.rekognition import label

GUARDRAIL = "gr1abc"


def make(submit, n: int = 1) -> Job:
    job = submit(n=n, seed=4)
    run_job(job.pk)
    job.refresh_from_db()
    return job


def test_clean_images_are_approved_and_delivered(owner, submit, rekognition):
    job = make(submit)
    asset = job.assets.get()
    assert asset.moderation_status == "approved"
    assert asset.moderation["external"] is True and "rekognition" in asset.moderation["checks"]
    assert owner.get(f"/api/v1/assets/{asset.pk}").json()["url"]
    sent = rekognition.requests[0]
    assert sent.body["Image"]["Bytes"]  # the original PNG, not a rendition


def test_flagged_above_the_threshold_is_rejected_and_withdrawn(owner, submit, rekognition):
    rekognition.labels = [label("Violence", 93.0), label("Graphic Violence", 91.0, "Violence")]
    job = make(submit)
    asset = job.assets.get()
    assert asset.moderation_status == "rejected"
    assert asset.storage_key.startswith("quarantine/")
    assert owner.get(f"/api/v1/assets/{asset.pk}").json()["url"] is None
    assert job.status == "blocked" and "moderation" in job.error_message
    assert AuditEvent.objects.filter(asset=asset, action="asset_rejected").exists()


def test_borderline_goes_to_review_and_is_shown_as_in_review(owner, submit, rekognition):
    rekognition.labels = [label("Violence", 62.0)]
    job = make(submit)
    asset = job.assets.get()
    assert asset.moderation_status == "pending_review"
    body = owner.get(f"/api/v1/assets/{asset.pk}").json()
    assert body["moderation_status"] == "pending_review" and body["url"] is None
    assert default_storage.exists(asset.storage_key)  # kept for the moderator
    assert job.status == "succeeded"


def test_allowed_categories_pass_and_tenants_can_be_stricter(submit, rekognition, acme):
    rekognition.labels = [label("Swimwear or Underwear", 97.0)]
    assert make(submit).assets.get().moderation_status == "approved"
    TenantPolicyFactory(tenant=acme.tenant, label_thresholds={
        "Swimwear or Underwear": {"review": 50, "reject": 95}})
    assert make(submit).assets.get().moderation_status == "rejected"


@pytest.mark.parametrize("failure", ["server_error", "throttle", "timeout"])
def test_a_failing_moderation_service_means_review_never_approval(submit, rekognition,
                                                                  failure, settings):
    from tests.fakes import rekognition as fakes

    outcome = {"server_error": fakes.server_error(), "throttle": fakes.throttle(),
               "timeout": fakes.delay(2.5)}[failure]
    rekognition.script(outcome, outcome)
    job = make(submit)
    asset = job.assets.get()
    assert asset.moderation_status == "pending_review"
    assert "unavailable" in "; ".join(asset.moderation["reasons"])


@pytest.fixture
def guardrail(bedrock_double, settings):
    settings.ATELIER_GUARDRAIL_ID = GUARDRAIL
    bedrock_double.guardrails.add(GUARDRAIL)
    return bedrock_double


def test_guardrail_image_filter_rejects(owner, submit, guardrail):
    bedrock_double = guardrail
    bedrock_double.guardrail_image_verdict = "block"
    asset = make(submit).assets.get()
    assert asset.moderation_status == "rejected"
    assert any(item["source"] == "guardrails" for item in asset.moderation["labels"])


def test_guardrail_failure_on_an_image_means_review(submit, guardrail):
    guardrail.script(f"guardrail:{GUARDRAIL}:OUTPUT", out.server_error(503),
                     out.server_error(503))
    asset = make(submit).assets.get()
    assert asset.moderation_status == "pending_review"


def test_without_external_services_the_local_policy_approves_and_says_so(submit):
    asset = make(submit).assets.get()
    assert asset.moderation_status == "approved"
    assert asset.moderation["external"] is False
    assert any("no external moderation" in r for r in asset.moderation["reasons"])


def test_guardrail_blocks_prompts_and_fails_closed_when_unavailable(owner, acme, guardrail,
                                                                   empty_queue):
    bedrock_double = guardrail
    bedrock_double.guardrail_blocked_terms = {"forbidden gizmo"}
    response = owner.post("/api/v1/jobs", {"model": "local", "prompt": "a Forbidden Gizmo"},
                          format="json")
    assert response.status_code == 422 and response.json()["policy"] == "guardrails"
    assert Job.objects.for_tenant(acme.tenant).get().status == "blocked"
    bedrock_double.script(f"guardrail:{GUARDRAIL}:INPUT", out.server_error(500),
                          out.server_error(500))
    response = owner.post("/api/v1/jobs", {"model": "local", "prompt": "a plain mug"},
                          format="json")
    assert response.status_code == 503
    assert response.json()["code"] == "moderation_unavailable"
    assert Job.objects.for_tenant(acme.tenant).count() == 1
    ok = owner.post("/api/v1/jobs", {"model": "local", "prompt": "a plain mug"}, format="json")
    assert ok.status_code == 202


def test_rejected_images_do_not_count_as_made(submit, rekognition):
    rekognition.labels = []
    job = make(submit, n=2)
    assert job.status == "succeeded"
    assert Asset.unscoped.filter(job=job, moderation_status="approved").count() == 2
