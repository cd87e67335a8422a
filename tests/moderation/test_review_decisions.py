"""A moderator's decision and the verdict's record, exactly (found by `make mutate`): an
approval without a reason is audited as "approved", a rejected image cannot be approved again
(code already_rejected), and what Guardrails blocked is added to Rekognition's labels, not put
in their place."""

from __future__ import annotations

import pytest

from core.errors import AtelierError
from generation.runner import run_job
from moderation import policy
from moderation import services as moderation
from moderation.clients import GuardrailFinding, GuardrailVerdict
from moderation.models import AuditEvent
from moderation.services import APPROVED, PENDING, Verdict, _judge_guardrails
from tests.factories import StaffFactory
from tests.fakes.rekognition import RekognitionDouble, label


@pytest.fixture
def pending(acme, submit, settings, rekognition_double: RekognitionDouble):
    settings.ATELIER_REKOGNITION = True
    rekognition_double.labels = [label("Violence", 62.0)]  # review, not reject
    job = submit(n=2, seed=5)
    run_job(job.pk)
    first, second = job.assets.order_by("index")
    assert first.moderation_status == second.moderation_status == PENDING
    return first, second


def decisions(asset) -> list[tuple[str, str, str]]:
    return [(e.action, e.reason, e.policy) for e in AuditEvent.objects.filter(
        asset=asset, actor__isnull=False).order_by("pk")]


def test_a_decision_without_a_reason_is_audited_as_what_it_decided(pending):
    moderator = StaffFactory(username="moderator@atelier.test")
    first, second = pending
    moderation.review(first, approve=True, moderator=moderator)
    moderation.review(second, approve=False, moderator=moderator)
    assert decisions(first) == [(AuditEvent.Action.ASSET_APPROVED, "approved", "moderator")]
    assert decisions(second) == [(AuditEvent.Action.ASSET_REJECTED, "rejected", "moderator")]
    moderation.review(first, approve=False, moderator=moderator, reason="a logo after all")
    assert decisions(first)[-1] == (AuditEvent.Action.ASSET_REJECTED, "a logo after all",
                                    "moderator")


def test_a_rejected_image_cannot_be_approved_again(pending):
    moderator = StaffFactory(username="moderator@atelier.test")
    first, _ = pending
    moderation.review(first, approve=False, moderator=moderator)
    with pytest.raises(AtelierError) as refused:
        moderation.review(first, approve=True, moderator=moderator)
    assert (refused.value.code, refused.value.field) == ("already_rejected", "asset")
    assert refused.value.message == "asset: a rejected asset cannot be approved again"
    first.refresh_from_db()
    assert first.moderation_status == "rejected"


def test_guardrail_findings_are_added_to_the_labels_already_found():
    judged = Verdict(status=APPROVED, labels=[
        {"name": "Violence", "parent": "", "confidence": 62.0, "source": "rekognition"}])
    _judge_guardrails(judged, policy.for_tenant(None), GuardrailVerdict(
        intervened=True, message="", blocked=[GuardrailFinding("word", "nude")]))
    assert [item["source"] for item in judged.labels] == ["rekognition", "guardrails"]
    assert judged.labels[1]["name"] == "word: nude"
    assert judged.status == PENDING


def test_an_intervention_without_findings_says_so():
    judged = Verdict(status=APPROVED)
    _judge_guardrails(judged, policy.for_tenant(None),
                      GuardrailVerdict(intervened=True, message="", blocked=[]))
    assert (judged.status, judged.reasons) == (PENDING, ["guardrail intervened"])
