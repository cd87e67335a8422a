"""apply_status, exactly (found by `make mutate`: the audit record's job and its default policy
word, and the published event's tenant, job and `job_running` could be dropped or changed
without a test in tests/moderation noticing; only the webhook tests in tests/api read some).

The audit trail is what a moderator and an auditor read, and the event is what charges,
withdraws and notifies: both must name the right tenant and job, and say whether anything
changed."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from assets.uploads import create_upload
from core import events
from core.events import AssetModerated
from generation.runner import run_job
from moderation import services as moderation
from moderation.models import AuditEvent
from moderation.services import APPROVED, PENDING, REJECTED
from tests.factories import StaffFactory
from tests.fakes.rekognition import RekognitionDouble, label
from tests.helpers import png_bytes


@pytest.fixture
def published() -> Iterator[list[AssetModerated]]:
    """Every AssetModerated published during the test."""
    seen: list[AssetModerated] = []
    handler = events.subscribe(AssetModerated)(seen.append)
    yield seen
    events._subscribers[AssetModerated].remove(handler)


@pytest.fixture
def waiting(acme, submit, settings, rekognition_double: RekognitionDouble):
    """An image of a finished job, waiting for a moderator."""
    settings.ATELIER_REKOGNITION = True
    rekognition_double.labels = [label("Violence", 62.0)]
    job = submit(n=1, seed=6)
    run_job(job.pk)
    asset = job.assets.get()
    assert asset.moderation_status == PENDING
    return asset


def audits(asset) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(asset=asset).order_by("pk"))


def test_an_automatic_decision_is_audited_under_the_job_as_automatic(waiting, published):
    before = len(audits(waiting))
    moderation.apply_status(waiting, APPROVED)
    record = audits(waiting)[before]
    assert (record.action, record.job_id, record.tenant_id) == (
        AuditEvent.Action.ASSET_APPROVED, waiting.job_id, waiting.tenant_id)
    assert (record.policy, record.reason, record.actor) == ("automatic", "", None)
    assert published == [AssetModerated(
        asset_id=str(waiting.pk), tenant_id=waiting.tenant_id, job_id=str(waiting.job_id),
        status=APPROVED, changed=True, job_running=False)]


def test_a_moderators_decision_is_audited_as_the_moderators(waiting):
    moderator = StaffFactory(username="moderator@atelier.test")
    moderation.apply_status(waiting, REJECTED, actor=moderator)
    record = audits(waiting)[-1]
    assert (record.policy, record.actor, record.job_id) == ("moderator", moderator,
                                                            waiting.job_id)


def test_setting_the_same_status_again_says_nothing_changed(waiting, published):
    moderation.apply_status(waiting, APPROVED)
    moderation.apply_status(waiting, APPROVED)
    assert [event.changed for event in published] == [True, False]
    waiting.refresh_from_db()
    assert waiting.moderation_status == APPROVED


def test_the_jobs_own_run_says_so(waiting, published):
    moderation.apply_status(waiting, REJECTED, job_running=True, reason="late label",
                            policy="rekognition")
    assert [(e.status, e.job_running) for e in published] == [(REJECTED, True)]
    record = audits(waiting)[-1]
    assert (record.reason, record.policy) == ("late label", "rekognition")


def test_an_image_without_a_job_publishes_no_job(acme, published):
    upload = create_upload(acme.tenant, png_bytes((64, 48)), filename="u.png")
    published.clear()
    moderation.apply_status(upload, PENDING)
    assert [(e.job_id, e.tenant_id, e.asset_id) for e in published] == [
        (None, acme.tenant.pk, str(upload.pk))]
    assert audits(upload)[-1].job_id is None


def test_a_record_without_a_policy_or_reason_leaves_them_blank(acme):
    """(found by `make mutate`: record()'s defaults were never read)"""
    made = moderation.record(AuditEvent.Action.OUTPUT_BLOCKED, tenant=acme.tenant)
    made.refresh_from_db()
    assert (made.policy, made.reason, made.job_id, made.asset_id) == ("", "", None, None)
