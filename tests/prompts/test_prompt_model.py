"""The prompt assistant through a Bedrock text model (Converse, the real boto3 client against
the strict double): the request, the tokens and cost recorded, the answer checked, the rules
when it cannot be used, throttles retried, and no call without a price."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from billing.models import PromptAssistantCall
from core.errors import ConfigurationError
from generation.prompt_assistant import PromptModelUnavailable, suggest_prompt
from tests.fakes import bedrock_converse
from tests.fakes.bedrock import text_only, throttle
from tests.prompts.conftest import MODEL_ID

ANSWER = {"prompt": "red leather handbag, standing upright, on white marble, soft window "
                    "light, editorial product photography, three-quarter view",
          "negative_prompt": "blurry, text, watermark", "aspect_ratio": "4:5"}


def calls(tenant):
    return list(PromptAssistantCall.objects.for_tenant(tenant))


def test_the_request_is_a_conversation_the_double_accepts(assistant_model, acme):
    assistant_model.script(MODEL_ID, text_only(json.dumps(ANSWER)))
    made = suggest_prompt(acme.tenant, "red handbag, marble, for Instagram",
                          model="stable-image-core")
    (recorded,) = [r for r in assistant_model.requests if r.operation == "converse"]
    assert recorded.model_id == MODEL_ID
    body = recorded.body
    assert [m["role"] for m in body["messages"]] == ["user"]
    user_text = body["messages"][0]["content"][0]["text"]
    assert "Brief: red handbag, marble, for Instagram" in user_text
    assert "prompt: at most 10000 characters" in user_text and "4:5" in user_text
    assert "JSON" in body["system"][0]["text"]
    assert body["inferenceConfig"] == {"maxTokens": 800, "temperature": 0.0}
    assert (made.source, made.prompt, made.aspect_ratio) == ("model", ANSWER["prompt"], "4:5")


def test_each_call_records_its_tokens_and_a_decimal_cost(assistant_model, acme):
    text = json.dumps(ANSWER)
    assistant_model.script(MODEL_ID, text_only(text))
    made = suggest_prompt(acme.tenant, "red handbag, marble, for Instagram")
    body = assistant_model.bodies(MODEL_ID)[0]
    # what the double billed: its own count of the request, and of the words it answered
    input_tokens = bedrock_converse.validate(body).input_tokens
    output_tokens = len(text) // 4 + 1
    (call,) = calls(acme.tenant)
    assert (call.model_id, call.input_tokens, call.output_tokens) == (
        MODEL_ID, input_tokens, output_tokens)
    expected = ((input_tokens * Decimal("0.06") + output_tokens * Decimal("0.24"))
                / Decimal(1_000_000)).quantize(Decimal("0.00000001"))
    assert isinstance(made.cost_usd, Decimal) and made.cost_usd == call.cost_usd == expected
    assert made.as_dict()["cost_usd"] == str(expected)
    assert made.as_dict()["tokens"] == {"input": input_tokens, "output": output_tokens}


def test_a_fenced_json_answer_is_read(assistant_model, acme):
    assistant_model.script(MODEL_ID, text_only(f"```json\n{json.dumps(ANSWER)}\n```"))
    assert suggest_prompt(acme.tenant, "red handbag, instagram").source == "model"


def test_an_answer_that_is_not_json_gives_the_rules_with_a_note(assistant_model, acme):
    assistant_model.script(MODEL_ID, text_only("Sure! Here is a lovely prompt: a red bag."))
    made = suggest_prompt(acme.tenant, "red handbag, marble, for Instagram")
    assert made.source == "rules" and made.prompt.startswith("red handbag, standing upright")
    assert "not valid JSON" in made.notes[0]
    assert made.cost_usd is not None and len(calls(acme.tenant)) == 1  # the call still cost


@pytest.mark.parametrize("change, words", [
    ({"prompt": "red handbag " * 60}, "over titan-image-v2's 512"),
    ({"aspect_ratio": "4:5"}, "aspect ratio '4:5' is not one of"),
    ({"negative_prompt": ["blurry"]}, "not a JSON object"),
])
def test_an_answer_over_the_limits_gives_the_rules(assistant_model, acme, change, words):
    assistant_model.script(MODEL_ID, text_only(json.dumps({**ANSWER, **change})))
    made = suggest_prompt(acme.tenant, "red handbag, for Instagram", model="titan-image-v2")
    assert made.source == "rules" and made.aspect_ratio == "1:1"
    assert words in made.notes[0]


def test_throttles_are_retried(assistant_model, acme):
    assistant_model.script(MODEL_ID, throttle(), throttle(), text_only(json.dumps(ANSWER)))
    made = suggest_prompt(acme.tenant, "red handbag, for Instagram")
    assert made.source == "model"
    assert len(assistant_model.bodies(MODEL_ID)) == 3 and len(calls(acme.tenant)) == 1


def test_a_model_throttled_through_every_attempt_is_a_clear_error(assistant_model, acme):
    assistant_model.script(MODEL_ID, throttle(), throttle(), throttle())
    with pytest.raises(PromptModelUnavailable) as raised:
        suggest_prompt(acme.tenant, "red handbag, for Instagram")
    assert raised.value.http_status == 503 and "throttled" in raised.value.message
    assert len(assistant_model.bodies(MODEL_ID)) == 3 and calls(acme.tenant) == []


def test_a_model_without_a_price_is_never_called(assistant_model, acme, settings):
    settings.ATELIER_PROMPT_MODEL = "us.anthropic.claude-3-haiku-20240307-v1:0"
    with pytest.raises(ConfigurationError) as raised:
        suggest_prompt(acme.tenant, "red handbag, for Instagram")
    assert raised.value.code == "prompt_model_unpriced"
    assert assistant_model.requests == [] and calls(acme.tenant) == []
