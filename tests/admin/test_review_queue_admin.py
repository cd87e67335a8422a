"""The review queue in the admin: the list says why each image is in review and shows its
labels and a thumbnail (a rendition, never the original); each image's page has Approve and
Reject, and a rejection needs a reason, chosen or typed. Only moderators reach any of it."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from assets.models import Asset, Rendition
from moderation.models import AuditEvent

QUEUE = "/admin/moderation/reviewitem/"


def page_of(asset: Asset) -> str:
    return f"{QUEUE}{asset.pk}/change/"


@pytest.fixture
def queue(pending: list[Asset]) -> list[Asset]:
    """The images in the queue's order: the oldest first (then by id)."""
    return sorted(pending, key=lambda asset: (asset.created_at, str(asset.pk)))


def image_sources(html: str) -> list[str]:
    """The stored images a page shows (not the admin's own icons)."""
    return [src.replace("&amp;", "&") for src in re.findall(r'<img src="([^"]+)"', html)
            if not src.startswith("/static/")]


def test_the_list_says_why_with_labels_and_rendition_thumbnails(moderator, pending):
    page = moderator.get(QUEUE)
    assert page.status_code == 200
    html = page.content.decode()
    assert "why in review" in html.lower() and html.count("Violence 62% &gt;= review 50") == 3
    assert "Violence 62%" in html
    sources = image_sources(html)
    assert len(sources) == 3
    thumbnails = Rendition.unscoped.filter(asset__in=pending, kind="thumbnail")
    assert thumbnails.count() == 3
    for src in sources:
        assert "/renditions/acme/" in src and "purpose=review" in src
        assert not any(asset.storage_key in src for asset in pending)  # never the original
        image = Client().get(src)
        assert image.status_code == 200 and image["Content-Type"] == "image/webp"
    moderator.get(QUEUE)  # seen again: the same thumbnails, none made twice
    assert Rendition.unscoped.filter(asset__in=pending).count() == 3


def test_approval_reuses_the_review_thumbnail(moderator, pending):
    moderator.get(QUEUE)
    thumbnail = Rendition.unscoped.get(asset=pending[0], kind="thumbnail")
    moderator.post(page_of(pending[0]), {"decision": "approve"})
    assert Rendition.unscoped.filter(asset=pending[0], kind="thumbnail").get() == thumbnail


def test_the_page_has_the_image_why_and_the_buttons(moderator, pending):
    page = moderator.get(page_of(pending[0]))
    assert page.status_code == 200
    html = page.content.decode()
    assert '<button type="submit" name="decision" value="approve"' in html
    assert '<button type="submit" name="decision" value="reject"' in html
    assert "Violence 62% &gt;= review 50" in html
    choices = re.findall(r'<option value="([^"]*)"', html)
    assert choices[:2] == ["", "Violence"] and "Explicit" in choices
    assert "Swimwear or Underwear" not in choices  # the policy never flags it
    assert choices[-1] == "__other__"


def test_approve_without_a_reason_moves_to_the_next_image(moderator, queue):
    response = moderator.post(page_of(queue[0]), {"decision": "approve"})
    assert response.status_code == 302 and response["Location"] == page_of(queue[1])
    queue[0].refresh_from_db()
    assert queue[0].moderation_status == "approved"
    event = AuditEvent.objects.get(asset=queue[0], action="asset_approved",
                                   actor__isnull=False)
    assert (event.actor.username, event.reason) == ("mod@atelier.test", "approved")


def test_reject_without_a_reason_is_refused_naming_the_field(moderator, pending):
    for data in ({"decision": "reject"}, {"decision": "reject", "reason_text": "   "},
                 {"decision": "reject", "reason_choice": "__other__"}):
        response = moderator.post(page_of(pending[0]), data)
        assert response.status_code == 200  # the page again, with the error
        assert "Reason: a rejection needs one" in response.content.decode()
    pending[0].refresh_from_db()
    assert pending[0].moderation_status == "pending_review"
    assert not AuditEvent.objects.filter(asset=pending[0], action="asset_rejected").exists()


@pytest.mark.parametrize(("data", "recorded"), [
    ({"reason_choice": "Violence"}, "Violence"),
    ({"reason_choice": "__other__", "reason_text": "off-brand gore"}, "off-brand gore"),
    ({"reason_text": "off-brand gore"}, "off-brand gore"),
    ({"reason_choice": "Violence", "reason_text": "blood on the blade"},
     "Violence: blood on the blade"),
])
def test_reject_with_a_reason_withdraws_and_records_it(moderator, queue, data, recorded):
    response = moderator.post(page_of(queue[2]), {"decision": "reject", **data})
    assert response.status_code == 302 and response["Location"] == QUEUE  # the last one
    queue[2].refresh_from_db()
    assert queue[2].moderation_status == "rejected"
    assert AuditEvent.objects.get(asset=queue[2], action="asset_rejected",
                                  actor__isnull=False).reason == recorded


def test_an_unknown_reason_choice_is_refused(moderator, pending):
    response = moderator.post(page_of(pending[0]), {"decision": "reject",
                                                    "reason_choice": "Made up"})
    assert response.status_code == 200  # the page again, with the error
    assert "Select a valid choice" in response.content.decode()
    pending[0].refresh_from_db()
    assert pending[0].moderation_status == "pending_review"


def test_bulk_reject_needs_a_reason(moderator, pending):
    response = moderator.post(QUEUE, {"action": "reject",
                                      "_selected_action": [a.pk for a in pending]},
                              follow=True)
    assert "Nothing was rejected. Reason: a rejection needs one" in response.content.decode()
    assert Asset.unscoped.filter(pk__in=[a.pk for a in pending],
                                 moderation_status="pending_review").count() == 3
    moderator.post(QUEUE, {"action": "reject", "_selected_action": [pending[0].pk],
                           "reason": "gore"})
    pending[0].refresh_from_db()
    assert pending[0].moderation_status == "rejected"


def test_an_empty_queue_says_so(moderator, db):
    html = moderator.get(QUEUE).content.decode()
    assert "0 review queue" in html


@pytest.mark.parametrize("path", ["list", "page"])
def test_other_personas_cannot_reach_the_queue(finance, merchant, pending, path):
    url = QUEUE if path == "list" else page_of(pending[0])
    assert finance.get(url).status_code == 403
    assert finance.post(url, {"decision": "approve"}).status_code == 403
    assert merchant.get(url).status_code == 302
    anonymous = Client().get(url)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/admin/login/")
    pending[0].refresh_from_db()
    assert pending[0].moderation_status == "pending_review"
