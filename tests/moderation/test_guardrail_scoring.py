"""Guardrails findings on images are scored by the policy: each category maps to a policy
label, each band to a confidence, and whatever Guardrails BLOCKED is never approved."""

from __future__ import annotations

import pytest

from generation.runner import run_job
from moderation import policy
from moderation.clients import GuardrailFinding, GuardrailVerdict
from moderation.services import PENDING, REJECTED, Verdict, _judge_guardrails
from tests.factories import TenantPolicyFactory

GUARDRAIL = "gr1abc"
REVIEW, REJECT = "pending_review", "rejected"
# The platform policy (moderation/policy.yaml) as a table: category -> status per band.
EXPECTED = {
    "SEXUAL": {"LOW": REVIEW, "MEDIUM": REJECT, "HIGH": REJECT},        # Explicit 30/60
    "VIOLENCE": {"LOW": REVIEW, "MEDIUM": REVIEW, "HIGH": REJECT},      # Violence 50/80
    "HATE": {"LOW": REVIEW, "MEDIUM": REJECT, "HIGH": REJECT},          # Hate Symbols 30/60
    "INSULTS": {"LOW": REVIEW, "MEDIUM": REVIEW, "HIGH": REJECT},       # Insults 40/90
    "MISCONDUCT": {"LOW": REVIEW, "MEDIUM": REVIEW, "HIGH": REJECT},    # Misconduct 40/85
    "PROMPT_ATTACK": {"LOW": REVIEW, "MEDIUM": REJECT, "HIGH": REJECT},  # Prompt Attack 0/70
}
CASES = [(category, band, status) for category, bands in EXPECTED.items()
         for band, status in bands.items()]


@pytest.fixture
def guardrail(bedrock_double, settings):
    settings.ATELIER_GUARDRAIL_ID = GUARDRAIL
    bedrock_double.guardrails.add(GUARDRAIL)
    bedrock_double.guardrail_image_verdict = "block"
    return bedrock_double


def moderated(submit):
    job = submit(n=1, seed=4)
    run_job(job.pk)
    return job.assets.get()


@pytest.mark.parametrize(("category", "band", "status"), CASES,
                         ids=[f"{c}-{b}" for c, b, _ in CASES])
def test_every_category_and_band_through_the_guardrails_double(category, band, status, submit,
                                                                guardrail):
    guardrail.guardrail_image_filter = category
    guardrail.guardrail_image_confidence = band
    asset = moderated(submit)
    assert asset.moderation_status == status
    assert asset.moderation_status != "approved"
    assert {"name": f"content: {category} {band}", "source": "guardrails"} in \
        asset.moderation["labels"]
    assert not asset.renditions.exists()  # nothing is delivered


def test_a_low_confidence_block_is_never_approved(submit, guardrail):
    guardrail.guardrail_image_filter = "VIOLENCE"
    guardrail.guardrail_image_confidence = "LOW"  # 40, below Violence's review threshold of 50
    asset = moderated(submit)
    assert asset.moderation_status == REVIEW
    assert any("never approved" in reason for reason in asset.moderation["reasons"])


def test_a_tenants_stricter_label_threshold_applies_to_guardrails(acme, submit, guardrail):
    TenantPolicyFactory(tenant=acme.tenant,
                        label_thresholds={"Violence": {"review": 30, "reject": 60}})
    guardrail.guardrail_image_filter = "VIOLENCE"
    guardrail.guardrail_image_confidence = "MEDIUM"  # 70: review on the platform, reject here
    assert moderated(submit).moderation_status == REJECT


@pytest.mark.parametrize(("kind", "status"), [("topic", REJECTED), ("word", PENDING),
                                              ("pii", PENDING)])
def test_topics_words_and_pii_follow_the_policy(kind, status, db):
    judged = Verdict(status="approved")
    _judge_guardrails(judged, policy.for_tenant(None), GuardrailVerdict(
        intervened=True, message="", blocked=[GuardrailFinding(kind, "something")]))
    assert judged.status == status


def test_an_intervention_without_findings_goes_to_review(db):
    judged = Verdict(status="approved")
    _judge_guardrails(judged, policy.for_tenant(None),
                      GuardrailVerdict(intervened=True, message="", blocked=[]))
    assert judged.status == PENDING


def test_every_guardrails_category_maps_to_a_policy_label():
    data = policy.platform()
    assert set(data["guardrail_categories"]) == set(policy.GUARDRAIL_CATEGORIES)
    assert set(data["guardrail_categories"].values()) <= set(data["labels"])
