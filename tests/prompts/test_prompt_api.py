"""POST /api/v1/prompts/suggest: the three personas, bad input naming the field and the limit,
and the assistant's calls in GET /api/v1/usage, each tenant seeing only its own."""

from __future__ import annotations

import json

import pytest

from tests.conftest import api_client
from tests.factories import ApiKeyFactory
from tests.fakes.bedrock import text_only
from tests.prompts.conftest import MODEL_ID

URL = "/api/v1/prompts/suggest"


def test_the_owner_gets_a_suggestion_from_the_rules(owner):
    answer = owner.post(URL, {"brief": "red handbag, marble, for Instagram",
                              "model": "stable-image-core"}, format="json")
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert body["source"] == "rules" and body["aspect_ratio"] == "4:5"
    assert body["use"] == "instagram-feed" and body["prompt"].startswith("red handbag")
    assert "blurry" in body["negative_prompt"] and body["notes"] == []
    assert "cost_usd" not in body


def test_anonymous_gets_401(anonymous):
    assert anonymous.post(URL, {"brief": "red handbag"}, format="json").status_code == 401


def test_a_read_only_key_may_not_ask(acme):
    read_only = api_client(ApiKeyFactory(tenant=acme.tenant, scopes=["read"]).secret)
    assert read_only.post(URL, {"brief": "red handbag"}, format="json").status_code == 403


def test_another_tenant_sees_only_its_own_assistant_usage(owner, stranger, assistant_model):
    assistant_model.script(MODEL_ID, text_only(json.dumps({
        "prompt": "red handbag on marble", "negative_prompt": "blurry",
        "aspect_ratio": "4:5"})))
    answer = owner.post(URL, {"brief": "red handbag, marble, for Instagram"}, format="json")
    assert answer.status_code == 200 and answer.json()["source"] == "model"
    cost = answer.json()["cost_usd"]
    mine = owner.get("/api/v1/usage").json()["prompt_assistant"]
    theirs = stranger.get("/api/v1/usage").json()["prompt_assistant"]
    assert mine["calls"] == 1 and mine["cost_usd"] == cost and mine["input_tokens"] > 0
    assert theirs == {"calls": 0, "input_tokens": 0, "output_tokens": 0,
                      "cost_usd": "0.00000000"}


@pytest.mark.parametrize("body, field, words", [
    ({"brief": "x" * 501}, "brief", "500"),
    ({"brief": "   "}, "brief", ""),
    ({}, "brief", ""),
    ({"brief": "a bag", "use": "billboard"}, "use", "billboard"),
    ({"brief": "a bag", "model": "dall-e"}, "model", "unknown model"),
    ({"brief": "a bag", "style": "noir"}, "style", "unknown field"),
])
def test_bad_input_names_the_field(owner, body, field, words):
    answer = owner.post(URL, body, format="json")
    assert answer.status_code == 400, answer.content
    assert answer.json()["field"] == field and words in answer.json()["message"]
