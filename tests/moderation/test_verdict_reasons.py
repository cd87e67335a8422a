"""What a verdict says, exactly (found by `make mutate`: reasons and record keys that could be
emptied or reworded, a confidence exactly at the review threshold, an unknown Guardrails band,
and the tenant's own policy when a caller passes none all survived).

A moderator reads these reasons in the review queue and the audit trail keeps them, so their
words are part of the behaviour, not decoration."""

from __future__ import annotations

import logging
from datetime import datetime

import pytest

from moderation import services as moderation
from moderation.clients import GuardrailFinding, GuardrailVerdict
from moderation.models import TenantPolicy
from moderation.policy import Policy, Thresholds
from moderation.services import APPROVED, PENDING, REJECTED, Verdict
from tests.fakes.rekognition import RekognitionDouble, label
from tests.helpers import png_bytes

POLICY = Policy(
    blocked_terms={}, blocked_patterns={}, default=Thresholds(review=60, reject=90),
    labels={"Explicit": Thresholds(review=50, reject=80)},
    guardrail_confidence={"HIGH": 95.0, "MEDIUM": 60.0},
    guardrail_categories={"SEXUAL": "Explicit"},
    guardrail_other={"topic": "reject", "word": "review"})


def judged(*findings: GuardrailFinding) -> Verdict:
    verdict = Verdict(status=APPROVED)
    moderation._judge_guardrails(verdict, POLICY, GuardrailVerdict(
        intervened=True, blocked=list(findings), message=""))
    return verdict


def test_a_content_filter_is_judged_by_its_labels_thresholds_and_never_approved():
    verdict = judged(GuardrailFinding("content", "SEXUAL", "HIGH"))
    assert verdict.status == REJECTED
    assert verdict.reasons == ["guardrail content: SEXUAL HIGH 95% >= reject 80",
                               "guardrail content: SEXUAL HIGH: blocked, never approved"]


def test_a_confidence_exactly_at_the_review_threshold_goes_to_review():
    verdict = judged(GuardrailFinding("content", "VIOLENCE", "MEDIUM"))  # 60, the default's
    assert verdict.status == PENDING
    assert verdict.reasons[0] == "guardrail content: VIOLENCE MEDIUM 60% >= review 60"


def test_a_band_the_policy_does_not_know_counts_as_certain():
    verdict = judged(GuardrailFinding("content", "VIOLENCE", "EXTREME"))
    assert verdict.status == REJECTED
    assert verdict.reasons[0] == "guardrail content: VIOLENCE EXTREME 100% >= reject 90"


def test_topics_words_and_pii_are_rejected_or_reviewed_as_the_policy_says():
    verdict = judged(GuardrailFinding("topic", "Weapons"), GuardrailFinding("word", "nude"),
                     GuardrailFinding("pii", "EMAIL"))
    assert verdict.status == REJECTED
    assert verdict.reasons == ["guardrail topic: Weapons: rejected by policy",
                               "guardrail word: nude: blocked, never approved",
                               "guardrail pii: EMAIL: blocked, never approved"]


def test_the_record_keeps_checks_labels_reasons_and_when():
    record = Verdict(status=PENDING, checks=["local policy"], reasons=["why"]).as_record()
    assert set(record) == {"checks", "labels", "reasons", "external", "at"}
    assert datetime.fromisoformat(record["at"]).tzinfo is not None


@pytest.mark.django_db
def test_without_a_policy_given_the_tenants_own_is_read(acme, settings):
    settings.ATELIER_OUTPUT_MODERATION = "local-only"
    image = png_bytes((32, 32))
    waiting = moderation.moderate_output(acme.tenant, image)
    assert (waiting.status, waiting.checks) == (PENDING, ["local policy", "local-only"])
    assert waiting.reasons == ["output moderation is local-only: a moderator decides"]
    TenantPolicy.objects.update_or_create(tenant=acme.tenant,
                                          defaults={"approve_without_services": True})
    assert moderation.moderate_output(acme.tenant, image).status == APPROVED


@pytest.mark.django_db
def test_rekognitions_labels_are_kept_as_the_review_queue_reads_them(
        acme, rekognition_double: RekognitionDouble, settings):
    settings.ATELIER_REKOGNITION = True
    settings.ATELIER_OUTPUT_MODERATION = "services"
    rekognition_double.labels = [label("Graphic Violence", 62.123, parent="Violence")]
    verdict = moderation.moderate_output(acme.tenant, png_bytes((256, 256)))  # its minimum: 80
    assert verdict.labels == [{"name": "Graphic Violence", "parent": "Violence",
                               "confidence": 62.12, "source": "rekognition"}]
    assert verdict.status == PENDING and verdict.external


# --- moderate_output with the services (doubles), word for word ------------------------------

GUARDRAIL = "gr1reasons"


@pytest.fixture
def guardrail(bedrock_double, settings):
    settings.ATELIER_GUARDRAIL_ID = GUARDRAIL
    bedrock_double.guardrails.add(GUARDRAIL)
    return bedrock_double


@pytest.mark.django_db
def test_a_rekognition_label_over_a_threshold_is_named_in_the_reason(acme, rekognition):
    rekognition.labels = [label("Violence", 93.0)]
    verdict = moderation.moderate_output(acme.tenant, png_bytes((128, 128)), policy=POLICY)
    assert verdict.status == REJECTED
    assert verdict.reasons == ["Violence 93% >= reject 90"]
    assert verdict.checks == ["local policy", "rekognition"] and verdict.external is True


@pytest.mark.django_db
def test_guardrails_alone_is_an_external_check_and_says_so(acme, guardrail):
    verdict = moderation.moderate_output(acme.tenant, png_bytes((128, 128)), policy=POLICY)
    assert (verdict.status, verdict.checks) == (APPROVED, ["local policy", "guardrails"])
    assert verdict.external is True and verdict.reasons == []


@pytest.mark.django_db
def test_when_every_service_fails_the_reasons_say_local_policy_only(acme, rekognition,
                                                                    guardrail):
    from tests.fakes import bedrock_outcomes as out
    from tests.fakes import rekognition as fakes

    rekognition.script(*[fakes.server_error()] * 4)
    guardrail.script(f"guardrail:{GUARDRAIL}:OUTPUT", *[out.server_error(503)] * 4)
    verdict = moderation.moderate_output(acme.tenant, png_bytes((128, 128)), policy=POLICY)
    assert verdict.status == PENDING and verdict.external is False
    assert verdict.reasons[-1] == ("no external moderation service is configured; "
                                   "local policy only")
    assert verdict.reasons[0].startswith("rekognition unavailable: ")
    assert verdict.reasons[1].startswith("guardrails unavailable: ")


@pytest.mark.django_db
def test_a_prompt_the_guardrail_blocks_names_each_finding(acme, guardrail):
    from catalog.requests import JobRequest

    guardrail.guardrail_blocked_terms = {"gizmo", "widget"}
    with pytest.raises(moderation.PromptBlocked) as blocked:
        moderation.check_prompt(acme.tenant, JobRequest(prompt="a gizmo beside a widget"))
    assert (blocked.value.policy, blocked.value.reason) == ("guardrails",
                                                          "word: gizmo; word: widget")
    assert blocked.value.message == ("prompt: refused by the guardrail "
                                     "(word: gizmo; word: widget)")


@pytest.mark.django_db
def test_a_prompt_the_guardrail_only_masks_is_refused_showing_what_it_masked(acme, guardrail):
    """An ANONYMIZED PII filter intervenes without blocking anything: the prompt is refused
    (Atelier does not silently send a rewritten prompt) and the reason is the masked text."""
    from catalog.requests import JobRequest

    guardrail.guardrail_pii = {"EMAIL": "ANONYMIZED"}
    with pytest.raises(moderation.PromptBlocked) as blocked:
        moderation.check_prompt(acme.tenant, JobRequest(prompt="a mug for ann@example.com"))
    assert (blocked.value.policy, blocked.value.reason) == ("guardrails", "a mug for {EMAIL}")
    moderation.check_prompt(acme.tenant, JobRequest(prompt="a mug for Ann"))


@pytest.mark.django_db
def test_pii_and_custom_regexes_the_guardrail_blocks_are_named(acme, guardrail):
    from catalog.requests import JobRequest

    guardrail.guardrail_pii = {"US_SOCIAL_SECURITY_NUMBER": "BLOCKED", "EMAIL": "ANONYMIZED"}
    guardrail.guardrail_regexes = {"order-id": (r"ORD-\d{6}", "BLOCKED")}
    with pytest.raises(moderation.PromptBlocked) as blocked:
        moderation.check_prompt(acme.tenant, JobRequest(
            prompt="label ORD-123456 for 123-45-6789", negative_prompt="ann@example.com"))
    assert blocked.value.reason == "pii: US_SOCIAL_SECURITY_NUMBER; pii: order-id"


@pytest.mark.django_db
def test_the_guardrail_is_sent_each_text_the_merchant_wrote_and_nothing_else(acme, guardrail):
    from catalog.requests import JobRequest

    moderation.check_prompt(acme.tenant, JobRequest(prompt="a mug", negative_prompt="blur"))
    moderation.check_prompt(acme.tenant, JobRequest(prompt="a mug", mask_prompt="the cup"))
    first, second = (sent.body for sent in guardrail.requests)
    assert first == {"source": "INPUT", "content": [{"text": {"text": "a mug"}},
                                                    {"text": {"text": "blur"}}]}
    assert second["content"] == [{"text": {"text": "a mug"}}, {"text": {"text": "the cup"}}]


@pytest.mark.django_db
def test_a_prompt_is_checked_against_the_policy_the_caller_read(acme):
    """A batch reads the tenant's policy once and checks every row with it."""
    from dataclasses import replace

    from catalog.requests import JobRequest
    from moderation.policy import for_tenant

    read = for_tenant(acme.tenant)
    read = replace(read, blocked_terms={**read.blocked_terms, "tenant": ["teapot"]})
    moderation.check_prompt(acme.tenant, JobRequest(prompt="a teapot"))  # the tenant's own
    with pytest.raises(moderation.PromptBlocked) as blocked:
        moderation.check_prompt(acme.tenant, JobRequest(prompt="a teapot"), policy=read)
    assert (blocked.value.policy, blocked.value.reason) == ("tenant", "blocked term 'teapot'")


@pytest.mark.django_db
def test_a_blocked_pattern_is_named_as_a_pattern(acme):
    from dataclasses import replace

    from catalog.requests import JobRequest
    from moderation.policy import for_tenant

    read = for_tenant(acme.tenant)
    read = replace(read, blocked_patterns={**read.blocked_patterns, "tenant": ["sku [0-9]{4}"]})
    with pytest.raises(moderation.PromptBlocked) as blocked:
        moderation.check_prompt(acme.tenant, JobRequest(prompt="a mug, SKU 1234"), policy=read)
    assert (blocked.value.policy, blocked.value.reason) == (
        "tenant", "blocked pattern 'sku [0-9]{4}'")
    assert blocked.value.message == ("prompt: refused by the tenant policy (blocked pattern "
                                     "'sku [0-9]{4}')")


@pytest.mark.django_db
def test_a_guardrail_outage_refuses_the_prompt_word_for_word(acme, guardrail, caplog):
    from catalog.requests import JobRequest
    from tests.fakes import bedrock_outcomes as out

    guardrail.script(f"guardrail:{GUARDRAIL}:INPUT", *[out.server_error(503)] * 4)
    with caplog.at_level(logging.WARNING, logger="atelier.moderation"), \
            pytest.raises(moderation.ModerationUnavailable) as refused:
        moderation.check_prompt(acme.tenant, JobRequest(prompt="a plain mug"))
    logged = [r.getMessage() for r in caplog.records if r.name == "atelier.moderation"]
    assert logged[-1].startswith("prompt moderation unavailable: Guardrails: An error occurred "
                                 "(ServiceUnavailableException)")  # the operator sees why
    assert refused.value.field == "prompt"
    assert refused.value.message == ("prompt: the moderation service is unavailable; nothing "
                                     "was queued or charged, try again shortly")
