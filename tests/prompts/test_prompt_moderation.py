"""The brief is moderated like a job's prompt before anything is suggested or any model is
called; what is suggested is moderated too."""

from __future__ import annotations

import json

import pytest

from billing.models import PromptAssistantCall
from generation.prompt_assistant import suggest_prompt
from moderation.models import AuditEvent
from moderation.services import PromptBlocked
from tests.factories import TenantPolicyFactory
from tests.fakes.bedrock import text_only
from tests.prompts.conftest import MODEL_ID


def test_a_blocked_brief_calls_nothing_and_charges_nothing(assistant_model, acme):
    with pytest.raises(PromptBlocked) as raised:
        suggest_prompt(acme.tenant, "c s a m, marble, for Instagram")
    assert (raised.value.code, raised.value.field, raised.value.policy) == (
        "prompt_blocked", "brief", "platform")
    assert raised.value.message.startswith("brief: refused by the platform policy")
    assert assistant_model.requests == []
    assert not PromptAssistantCall.objects.for_tenant(acme.tenant).exists()
    event = AuditEvent.objects.get(tenant=acme.tenant)
    assert (event.action, event.details) == ("prompt_blocked", {"source": "prompt_assistant"})


def test_the_api_answers_a_blocked_brief_as_a_blocked_job_prompt(owner, acme):
    TenantPolicyFactory(tenant=acme.tenant, blocked_terms=["Globex"])
    answer = owner.post("/api/v1/prompts/suggest", {"brief": "a GLOBEX mug"}, format="json")
    job = owner.post("/api/v1/jobs", {"model": "local", "prompt": "a GLOBEX mug"},
                     format="json")
    assert answer.status_code == job.status_code == 422
    for key in ("code", "policy", "reason"):
        assert answer.json()[key] == job.json()[key]
    assert answer.json()["field"] == "brief"


def test_a_suggestion_a_policy_refuses_is_refused(acme):
    TenantPolicyFactory(tenant=acme.tenant, blocked_terms=["watermark"])  # in every negative
    with pytest.raises(PromptBlocked) as raised:
        suggest_prompt(acme.tenant, "red handbag, marble")
    assert (raised.value.field, raised.value.policy) == ("prompt", "tenant")


def test_a_refused_model_suggestion_gives_way_to_the_rules(assistant_model, acme):
    TenantPolicyFactory(tenant=acme.tenant, blocked_terms=["Globex"])
    assistant_model.script(MODEL_ID, text_only(json.dumps({
        "prompt": "red handbag next to a Globex logo", "negative_prompt": "",
        "aspect_ratio": "4:5"})))
    made = suggest_prompt(acme.tenant, "red handbag, for Instagram")
    assert made.source == "rules" and "Globex" not in made.prompt
    assert "refused" in made.notes[0] and made.cost_usd is not None
