"""The prompt model's calls are counted per tenant and per account (the model's quota in its
Region): past either, the rules answer at once with a note, nothing is called or charged, and
other tenants keep their share."""

from __future__ import annotations

import json

from billing.models import PromptAssistantCall
from generation.prompt_assistant import suggest_prompt
from tests.fakes.bedrock import text_only
from tests.prompts.conftest import MODEL_ID

ANSWER = json.dumps({"prompt": "red leather handbag on white marble, soft light, product photo",
                     "negative_prompt": "blurry", "aspect_ratio": "1:1"})
MICRO = "amazon.nova-micro-v1:0"  # a model of this test alone: its quota window is fresh


def charged(tenant):
    return PromptAssistantCall.objects.for_tenant(tenant).count()


def test_a_tenant_past_its_share_gets_the_rules_and_others_keep_theirs(assistant_model, acme,
                                                                      globex, settings):
    settings.ATELIER_PROMPT_TENANT_RPM = 2
    assistant_model.script(MODEL_ID, *[text_only(ANSWER)] * 3)
    made = [suggest_prompt(acme.tenant, "red handbag, marble") for _ in range(3)]
    assert [m.source for m in made] == ["model", "model", "rules"]
    assert "at 2 a minute" in made[2].notes[0] and made[2].cost_usd is None
    assert charged(acme.tenant) == 2 and len(assistant_model.bodies(MODEL_ID)) == 2
    assert suggest_prompt(globex.tenant, "red handbag, marble").source == "model"


def test_past_the_models_quota_every_tenant_gets_the_rules_without_a_call(assistant_model, acme,
                                                                          globex, settings):
    settings.ATELIER_PROMPT_MODEL = MICRO
    settings.ATELIER_PROMPT_MODEL_RPM = 1
    assistant_model.regions[MICRO] = frozenset({"us-east-1"})
    assistant_model.script(MICRO, text_only(ANSWER), text_only(ANSWER))
    assert suggest_prompt(acme.tenant, "red handbag, marble").source == "model"
    later = suggest_prompt(globex.tenant, "red handbag, marble")
    assert later.source == "rules" and "quota of 1 calls a minute" in later.notes[0]
    assert len(assistant_model.bodies(MICRO)) == 1 and charged(globex.tenant) == 0
