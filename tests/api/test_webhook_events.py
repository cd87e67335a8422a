"""What emits which event: finished jobs (once), prompts blocked at submission, moderation
decisions on assets (once per transition); only to the tenant's own subscribed endpoints, and
never for a change that was rolled back."""

from __future__ import annotations

import pytest
from django.db import transaction

from api import webhooks
from assets.models import Asset
from generation.models import WebhookDelivery
from generation.runner import fail_exhausted_job, run_job
from moderation import services as moderation
from tests.factories import StaffFactory

HOOK = "http://127.0.0.1:9/hooks"


@pytest.fixture
def subscribe(acme, private_webhooks):
    def _subscribe(*events, tenant=None, url=HOOK):
        endpoint, _ = webhooks.create_endpoint(tenant or acme.tenant, url, list(events))
        return endpoint

    return _subscribe


def sent(endpoint) -> list[tuple[str, dict]]:
    return [(d.event, d.payload["data"]) for d in
            WebhookDelivery.unscoped.filter(endpoint=endpoint).order_by("created_at")]


def test_a_job_run_by_the_worker_emits_job_succeeded_with_the_job(subscribe, submit, receiver,
                                                                  run_jobs):
    subscribe("job.succeeded", url=f"{receiver.url}/hooks")
    job = submit(n=2)
    run_jobs(job)
    [request] = receiver.wait_for(1)
    payload = request.payload
    assert payload["type"] == "job.succeeded"
    assert payload["data"]["job"]["id"] == str(job.pk)
    assert payload["data"]["job"]["status"] == "succeeded"
    assert len(payload["data"]["job"]["assets"]) == 2


def test_a_job_is_announced_once_however_often_it_is_run(subscribe, submit):
    endpoint = subscribe("job.succeeded", "job.failed")
    job = submit()
    run_job(job.pk)
    run_job(job.pk)
    fail_exhausted_job(job.pk, "late duplicate")
    assert [event for event, _ in sent(endpoint)] == ["job.succeeded"]


def test_a_failed_job_emits_job_failed_with_its_error(subscribe, submit):
    endpoint = subscribe("job.failed")
    job = submit()
    fail_exhausted_job(job.pk, "gave up after 8 attempts")
    [(event, data)] = sent(endpoint)
    assert event == "job.failed" and data["job"]["id"] == str(job.pk)
    assert data["job"]["error"]["code"] == "retries_exhausted"


def test_a_blocked_prompt_emits_job_blocked(subscribe, owner):
    endpoint = subscribe("job.blocked")
    response = owner.post("/api/v1/jobs", {"model": "local", "prompt": "CSAM"}, format="json")
    assert response.status_code == 422
    [(event, data)] = sent(endpoint)
    assert event == "job.blocked"
    assert data["job"]["id"] == response.json()["job"]
    assert data["job"]["status"] == "blocked"


def test_automatic_approval_emits_asset_approved_per_image(subscribe, submit):
    endpoint = subscribe("asset.approved")
    job = submit(n=2)
    run_job(job.pk)
    events = sent(endpoint)
    assert [event for event, _ in events] == ["asset.approved", "asset.approved"]
    assert {data["asset"]["index"] for _, data in events} == {0, 1}
    assert all(data["asset"]["job"] == str(job.pk) for _, data in events)


@pytest.fixture
def in_review(submit):
    job = submit(n=2)
    run_job(job.pk)
    Asset.unscoped.filter(job=job).update(moderation_status="pending_review")
    return list(Asset.unscoped.filter(job=job).order_by("index"))


def test_moderator_decisions_emit_asset_approved_and_asset_rejected(subscribe, in_review):
    endpoint = subscribe("asset.approved", "asset.rejected")
    moderator = StaffFactory(username="mod")
    moderation.review(in_review[0], approve=True, moderator=moderator)
    moderation.review(in_review[1], approve=False, moderator=moderator, reason="gore")
    events = sent(endpoint)
    assert [(event, data["asset"]["id"]) for event, data in events] == [
        ("asset.approved", str(in_review[0].pk)), ("asset.rejected", str(in_review[1].pk))]
    assert events[1][1]["asset"]["moderation_status"] == "rejected"
    assert events[1][1]["asset"]["url"] is None


def test_a_decision_that_changes_nothing_emits_nothing(subscribe, in_review):
    endpoint = subscribe("asset.approved", "asset.rejected")
    moderator = StaffFactory(username="mod")
    moderation.review(in_review[0], approve=True, moderator=moderator)
    moderation.review(in_review[0], approve=True, moderator=moderator)
    moderation.review(in_review[0], approve=False, moderator=moderator)  # reversed: a change
    assert [event for event, _ in sent(endpoint)] == ["asset.approved", "asset.rejected"]


def test_no_delivery_for_an_endpoint_not_subscribed_to_the_event(subscribe, submit):
    endpoint = subscribe("job.failed", "batch.completed")
    run_job(submit().pk)
    assert sent(endpoint) == []


def test_no_delivery_for_another_tenants_endpoint(subscribe, submit, globex):
    theirs = subscribe("job.succeeded", "asset.approved", tenant=globex.tenant)
    run_job(submit().pk)
    assert sent(theirs) == []


def test_no_delivery_for_a_disabled_endpoint(subscribe, submit):
    endpoint = subscribe("job.succeeded")
    endpoint.is_active = False
    endpoint.save()
    run_job(submit().pk)
    assert sent(endpoint) == []


def test_nothing_is_queued_for_a_rolled_back_change(subscribe, acme,
                                                    django_capture_on_commit_callbacks):
    endpoint = subscribe("batch.completed")
    with (django_capture_on_commit_callbacks() as callbacks, pytest.raises(RuntimeError),
          transaction.atomic()):
        webhooks.emit(acme.tenant, "batch.completed", {"batch": {"id": "b-1"}})
        raise RuntimeError("the change failed")
    assert callbacks == [] and sent(endpoint) == []


def test_emit_queues_after_commit(subscribe, acme, django_capture_on_commit_callbacks):
    endpoint = subscribe("batch.completed")
    with django_capture_on_commit_callbacks() as callbacks:
        webhooks.emit(acme.tenant, "batch.completed", {"batch": {"id": "b-1"}})
    assert len(callbacks) == 1
    assert sent(endpoint) == [("batch.completed", {"batch": {"id": "b-1"}})]


def test_emit_is_one_query_when_nobody_listens(acme, django_assert_num_queries):
    with django_assert_num_queries(1):
        webhooks.emit(acme.tenant, "job.succeeded", lambda: pytest.fail("data was built"))
