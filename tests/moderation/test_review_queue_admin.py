"""The review queue in the Django admin: moderators only; approve and reject, one by one or
in bulk, with the effects following and every decision audited."""

from __future__ import annotations

import pytest
from django.core.files.storage import default_storage
from django.test import Client

from assets.models import Asset
from generation.runner import run_job
from moderation.models import AuditEvent
from tests.helpers import signed_in, staff_client

QUEUE = "/admin/moderation/reviewitem/"
AUDIT = "/admin/moderation/auditevent/"


@pytest.fixture
def pending(submit):
    job = submit(n=3, seed=1)
    run_job(job.pk)
    Asset.unscoped.filter(job=job).update(moderation_status="pending_review",
                                          moderation={"labels": [{"name": "Violence",
                                                                  "confidence": 61.5}],
                                                      "reasons": ["Violence 62% >= review 50"]})
    return list(Asset.unscoped.filter(job=job).order_by("index"))


def test_moderators_see_pending_items_with_previews_and_labels(db, pending):
    moderator = staff_client("mod", "Moderators")
    page = moderator.get(QUEUE)
    assert page.status_code == 200
    html = page.content.decode()
    assert html.count('alt="asset ') == 3
    assert "Violence 62%" in html and "a teapot on a wooden table" in html
    preview = html.split('<img src="', 1)[1].split('"', 1)[0].replace("&amp;", "&")
    image = Client().get(preview.replace("http://testserver", ""))
    assert image.status_code == 200  # review links open images still waiting in review


def test_approving_one_delivers_it_and_is_audited(db, pending, owner):
    moderator = staff_client("mod", "Moderators")
    target = pending[0]
    response = moderator.post(QUEUE, {"action": "approve", "_selected_action": [target.pk],
                                      "reason": "product shot, fine"}, follow=True)
    assert response.status_code == 200
    target.refresh_from_db()
    assert target.moderation_status == "approved"
    assert owner.get(f"/api/v1/assets/{target.pk}").json()["url"]
    event = AuditEvent.objects.get(asset=target, action="asset_approved", actor__isnull=False)
    assert (event.actor.username, event.reason, event.policy) == ("mod", "product shot, fine",
                                                                  "moderator")
    assert Asset.unscoped.filter(pk__in=[a.pk for a in pending],
                                 moderation_status="pending_review").count() == 2


def test_rejecting_in_bulk_withdraws_them_and_records_the_reason(db, pending, owner, settings):
    settings.ATELIER_REJECTED_ACTION = "quarantine"
    moderator = staff_client("mod", "Moderators")
    keys = [a.storage_key for a in pending]
    moderator.post(QUEUE, {"action": "reject", "_selected_action": [a.pk for a in pending],
                           "reason": "gore"})
    for asset, key in zip(pending, keys, strict=True):
        asset.refresh_from_db()
        assert asset.moderation_status == "rejected"
        assert not default_storage.exists(key)
        assert asset.storage_key == f"quarantine/{key}" and default_storage.exists(
            asset.storage_key)
        assert owner.get(f"/api/v1/assets/{asset.pk}").json()["url"] is None
    assert AuditEvent.objects.filter(action="asset_rejected", reason="gore").count() == 3
    assert moderator.get(QUEUE).content.decode().count('alt="asset ') == 0


def test_rejected_images_are_deleted_when_the_setting_says_so(db, pending, settings):
    settings.ATELIER_REJECTED_ACTION = "delete"
    moderator = staff_client("mod", "Moderators")
    moderator.post(QUEUE, {"action": "reject", "_selected_action": [pending[0].pk],
                           "reason": "gore"})  # a rejection needs a reason
    assert not default_storage.exists(pending[0].storage_key)
    assert not default_storage.exists(f"quarantine/{pending[0].storage_key}")


def test_other_staff_and_tenant_owners_cannot_reach_the_queue_or_the_log(db, pending, acme):
    other_staff = staff_client("ops")
    assert other_staff.get(QUEUE).status_code == 403
    assert other_staff.get(AUDIT).status_code == 403
    other_staff.post(QUEUE, {"action": "approve", "_selected_action": [pending[0].pk]})
    pending[0].refresh_from_db()
    assert pending[0].moderation_status == "pending_review"
    owner = signed_in(acme.owner)
    assert owner.get(QUEUE).status_code == 302  # not staff: sent to the admin login
    assert Client().get(QUEUE).status_code == 302


def test_the_audit_log_is_viewable_but_not_editable(db, pending):
    moderator = staff_client("mod", "Moderators")
    moderator.post(QUEUE, {"action": "approve", "_selected_action": [pending[0].pk]})
    event = AuditEvent.objects.get(action="asset_approved", actor__isnull=False)
    assert moderator.get(AUDIT).status_code == 200
    assert moderator.get(f"{AUDIT}{event.pk}/change/").status_code == 200
    moderator.post(f"{AUDIT}{event.pk}/change/", {"reason": "edited"})
    moderator.post(f"{AUDIT}{event.pk}/delete/", {"post": "yes"})
    event.refresh_from_db()
    assert event.reason != "edited"
    assert moderator.get(f"{AUDIT}add/").status_code == 403
