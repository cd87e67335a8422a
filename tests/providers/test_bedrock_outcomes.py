"""Every way a Bedrock call can end, normalized into the job's outcome (the table in
docs/bedrock.md, "3. Outcomes, retries and timeouts")."""

from __future__ import annotations

import pytest

from assets.models import Asset
from assets.uploads import create_upload
from catalog.requests import JobRequest
from generation.models import Job, ProviderAttempt
from generation.runner import run_job
from generation.services import submit_job
from providers.base import ProviderError
from tests.factories import JobFactory
from tests.fakes import bedrock_outcomes as out
from tests.helpers import png_bytes

CORE = "stability.stable-image-core-v1:1"
NOVA = "amazon.nova-canvas-v1:0"
OMNI = "us.amazon.nova-2-omni-v1:0"


def submit(tenant, model="stable-image-core", **fields):
    fields.setdefault("prompt", "a leather bag")
    return JobFactory(tenant=tenant, model=model, **fields)


def attempts(job):
    return list(ProviderAttempt.objects.for_tenant(job.tenant).filter(job=job)
                .values_list("outcome", "http_status", "images"))


@pytest.mark.parametrize(("outcome", "code", "status"), [
    (out.throttle(), "throttled", 429),
    (out.model_not_ready(), "model_not_ready", 429),
    (out.server_error(500), "service_error", 500),
    (out.server_error(503), "service_unavailable", 503),
    (out.model_timeout(), "model_timeout", 408),
    (out.model_error(), "model_error", 424),
])
def test_transient_errors_hand_the_job_back_for_a_retry(acme, bedrock, outcome, code, status):
    job = submit(acme.tenant)
    bedrock.script(CORE, outcome)
    with pytest.raises(ProviderError) as raised:
        run_job(job.pk)
    assert raised.value.retryable and raised.value.code == code
    job.refresh_from_db()
    assert job.status == "running" and not job.assets.exists()
    assert attempts(job) == [(code, status, 0)]
    run_job(job.pk)  # what Dramatiq's retry does
    job.refresh_from_db()
    assert job.status == "succeeded" and job.assets.count() == 1
    assert attempts(job) == [(code, status, 0), ("ok", None, 1)]


@pytest.mark.parametrize(("outcome", "status", "code", "words"), [
    (out.access_denied(), "failed", "model_access_denied", "Bedrock console"),
    (out.quota_exceeded(), "failed", "aws_quota_exceeded", "per day"),
    (out.eol(), "failed", "model_eol", "end of its life"),
    (out.block_input_text(), "blocked", "input_blocked", "content filters"),
])
def test_final_errors_end_the_job_with_the_reason(acme, bedrock, outcome, status, code, words):
    job = submit(acme.tenant, model="nova-2-omni")
    bedrock.script(OMNI, outcome)
    run_job(job.pk)
    job.refresh_from_db()
    assert (job.status, job.error_code) == (status, code)
    assert words in job.error_message
    assert not job.assets.exists()
    assert len(attempts(job)) == 1


def test_a_legacy_model_whose_access_lapsed_fails_with_the_reason(acme, bedrock):
    job = submit(acme.tenant, model="nova-canvas")
    bedrock.legacy_inactive.add(NOVA)
    run_job(job.pk)
    job.refresh_from_db()
    assert (job.status, job.error_code) == ("failed", "model_access_lapsed")


def test_a_service_called_by_its_bare_id_explains_the_inference_profile(acme, bedrock,
                                                                        monkeypatch):
    from catalog.spec import catalog

    monkeypatch.setenv("ATELIER_MODEL_ID__STABILITY_REMOVE_BACKGROUND",
                       "stability.stable-image-remove-background-v1:0")
    catalog.cache_clear()
    source = create_upload(acme.tenant, png_bytes((256, 256), (9, 9, 9)))
    job = submit_job(acme.tenant, JobRequest(model="stability-remove-background",
                                             operation="remove_background",
                                             images=[str(source.pk)]))
    run_job(job.pk)
    job.refresh_from_db()
    assert (job.status, job.error_code) == ("failed", "inference_profile_required")
    assert "ATELIER_MODEL_ID__" in job.error_message
    assert not Asset.objects.for_tenant(acme.tenant).filter(job=job).exists()


def test_throttling_then_success_makes_one_set_of_assets(acme, bedrock):
    job = submit(acme.tenant, model="nova-canvas", n=7, seed=3)
    bedrock.script(NOVA, out.OK, out.throttle())
    with pytest.raises(ProviderError):
        run_job(job.pk)  # both calls (5 and 2 images) go out: one lands, one is throttled
    made = job.assets.count()
    assert made in (5, 2)
    run_job(job.pk)
    job.refresh_from_db()
    assert job.status == "succeeded" and job.attempts == 2
    assert sorted(job.assets.values_list("index", flat=True)) == list(range(7))
    numbers = [body["imageGenerationConfig"]["numberOfImages"] for body in bedrock.bodies(NOVA)]
    assert sorted(numbers[:2]) == [2, 5]
    assert numbers[2:] == [7 - made]  # the retry asked only for the missing images
    assert sorted(a[0] for a in attempts(job)) == ["ok", "ok", "throttled"]


def test_some_outputs_filtered_partially_succeeds_with_only_the_delivered_images(acme,
                                                                                  bedrock):
    job = submit(acme.tenant, model="nova-canvas", n=3)
    bedrock.script(NOVA, out.filter_outputs(1))
    run_job(job.pk)
    job.refresh_from_db()
    assert job.status == "partially_succeeded" and job.error_code == "output_blocked"
    assert sorted(job.assets.values_list("index", flat=True)) == [0, 1]
    assert job.withheld == [{"index": 2, "reason": job.withheld[0]["reason"]}]
    assert "blocked by our content filters" in job.withheld[0]["reason"]
    run_job(job.pk)  # a finished job is never re-run, so the withheld image stays withheld
    assert len(bedrock.requests) == 1
    from moderation.models import AuditEvent

    event = AuditEvent.objects.get(job=job, action="output_blocked")
    assert event.policy == "model" and event.details == {"indices": [2]}


def test_all_outputs_filtered_blocks_the_job(acme, bedrock):
    job = submit(acme.tenant, model="nova-canvas", n=2)
    bedrock.script(NOVA, out.filter_outputs())
    run_job(job.pk)
    job.refresh_from_db()
    assert (job.status, job.error_code) == ("blocked", "output_blocked")
    assert not job.assets.exists() and len(job.withheld) == 2


def test_stability_output_filter_is_read_from_finish_reasons(acme, bedrock):
    job = submit(acme.tenant, n=2)
    bedrock.script(CORE, out.OK, out.filter_outputs())
    run_job(job.pk)
    job.refresh_from_db()
    assert job.status == "partially_succeeded"
    assert job.assets.count() == 1
    assert "output image" in job.withheld[0]["reason"]


def test_stability_prompt_filter_blocks_the_job(acme, bedrock):
    from moderation.models import AuditEvent

    job = submit(acme.tenant)
    bedrock.script(CORE, out.block_input_text())
    run_job(job.pk)
    job.refresh_from_db()
    assert (job.status, job.error_code) == ("blocked", "input_blocked")
    assert AuditEvent.objects.filter(job=job, action="prompt_blocked", policy="model").exists()


def test_omni_answering_in_words_fails_the_job_with_its_words(acme, bedrock):
    job = submit(acme.tenant, model="nova-2-omni")
    bedrock.script(OMNI, out.text_only("Which bag do you mean?"))
    run_job(job.pk)
    job.refresh_from_db()
    assert (job.status, job.error_code) == ("failed", "no_image")
    assert "Which bag do you mean?" in job.error_message


def test_omni_filtered_output_blocks_the_job(acme, bedrock):
    job = submit(acme.tenant, model="nova-2-omni")
    bedrock.script(OMNI, out.filter_outputs())
    run_job(job.pk)
    job.refresh_from_db()
    assert (job.status, job.error_code) == ("blocked", "output_blocked")
    assert "content_filtered" in job.withheld[0]["reason"]


def test_a_throttled_job_is_retried_by_the_worker_and_succeeds(acme, bedrock, run_jobs):
    job = submit(acme.tenant, n=2)
    bedrock.script(CORE, out.throttle())
    (done,) = run_jobs(job, timeout=60)
    assert done.status == "succeeded" and done.assets.count() == 2
    # Both calls went out together; the one that made its image is kept, and the retry makes
    # only the throttled one's.
    by_attempt = sorted(ProviderAttempt.objects.for_tenant(acme.tenant).filter(job=job)
                        .values_list("job_attempt", "outcome"))
    assert by_attempt == [(1, "ok"), (1, "throttled"), (2, "ok")]
    assert Job.objects.for_tenant(acme.tenant).get(pk=job.pk).attempts == 2
