"""A trial is accepted whole or not at all: a bad field, a blocked prompt or a quota that cannot
hold the whole group leaves no trial, no job, no hold and no queued message, and the error
names the field and the limit."""

from __future__ import annotations

from decimal import Decimal

import pytest

from billing import services as billing
from billing.models import Ledger, Reservation
from generation.models import Job, Trial
from tests.conftest import queued_messages


def nothing_made(tenant) -> bool:
    return (not Trial.objects.for_tenant(tenant).exists()
            and not Job.objects.for_tenant(tenant).exists()
            and not Reservation.objects.for_tenant(tenant).exists()
            and not Ledger.objects.for_tenant(tenant).filter(
                month=billing.current_month(), reserved_images__gt=0).exists()
            and queued_messages() == 0)


@pytest.mark.parametrize(("body", "field", "words"), [
    ({"prompts": [f"a vase {i}" for i in range(11)], "models": ["local"]},
     "prompts", "prompts: at most 10"),
    ({"prompts": [], "models": ["local"]}, "prompts", "prompts: a list of 1 to 10"),
    ({"prompts": ["a vase", "  "], "models": ["local"]}, "prompts[1]", "prompts[1]: required"),
    ({"prompts": ["a vase"], "models": ["local", "sd3.5-large", "stable-image-core",
                                        "stable-image-ultra", "nova-canvas", "titan-image-v2",
                                        "sdxl"]},
     "models", "models: at most 6"),
    ({"prompts": ["a vase"], "models": ["local", "stable-image-core", "local"]},
     "models[2]", "models[2]: 'local' is also models[0]"),
    ({"prompts": ["a vase"], "models": ["local", "stability-erase"]},
     "models[1]", "models[1]: 'stability-erase' does not make images from text"),
    ({"prompts": ["a vase"], "models": ["dall-e-9"]},
     "models[0]", "models[0]: unknown model 'dall-e-9'"),
    ({"prompts": ["a vase"], "models": ["nova-canvas"]},
     "models[0]", "models[0]: 'nova-canvas' reached end of life"),
    ({"prompts": ["a vase"], "models": ["local"], "seed": -1}, "seed", "seed: a whole number"),
    ({"prompts": ["a vase"], "models": ["local"], "colour": "red"}, "colour", "unknown field"),
])
def test_a_refused_trial_makes_and_charges_nothing(owner, acme, empty_queue, body, field,
                                                   words):
    response = owner.post("/api/v1/trials", body, format="json")
    assert response.status_code == 400, response.json()
    assert response.json()["field"] == field
    assert words in response.json()["message"]
    assert nothing_made(acme.tenant)


def test_a_prompt_too_long_for_one_model_names_the_prompt_and_the_model(owner, acme,
                                                                        empty_queue):
    response = owner.post("/api/v1/trials", {"prompts": ["a vase", "x" * 20000],
                                             "models": ["local", "stable-image-core"]},
                          format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["field"] == "prompts[1]"
    assert body["message"].startswith("prompts[1]: ") and "'local'" in body["message"]
    assert nothing_made(acme.tenant)


def test_a_blocked_prompt_refuses_the_whole_trial(owner, acme, empty_queue):
    response = owner.post("/api/v1/trials", {
        "prompts": ["a vase on a table", "a beheading scene"],
        "models": ["local"]}, format="json")
    assert response.status_code == 422, response.json()
    assert response.json()["code"] == "prompt_blocked"
    assert response.json()["field"] == "prompts[1]"
    assert nothing_made(acme.tenant)


def test_a_quota_that_cannot_hold_the_whole_group_refuses_it(owner, acme, empty_queue):
    billing.set_monthly_limits(acme.tenant, images=5, budget_usd=None)
    response = owner.post("/api/v1/trials", {"prompts": ["a vase", "a lamp", "a mug"],
                                             "models": ["local", "stable-image-core"]},
                          format="json")
    assert response.status_code == 402, response.json()
    body = response.json()
    assert body["code"] == "quota_exceeded" and body["field"] == "prompts"
    assert "makes 6 images" in body["message"] and "5 left" in body["message"]
    assert nothing_made(acme.tenant)
    # Two prompts on two models fit: the same quota takes four.
    assert owner.post("/api/v1/trials", {"prompts": ["a vase", "a lamp"],
                                         "models": ["local", "stable-image-core"]},
                      format="json").status_code == 202
    assert Job.objects.for_tenant(acme.tenant).count() == 4


def test_a_budget_that_cannot_pay_for_the_whole_group_refuses_it(owner, priced, empty_queue):
    billing.set_monthly_limits(priced.tenant, images=None, budget_usd=Decimal("0.10"))
    response = owner.post("/api/v1/trials", {"prompts": ["a vase", "a lamp"],
                                             "models": ["local", "stable-image-core"]},
                          format="json")
    assert response.status_code == 402, response.json()
    assert response.json()["code"] == "budget_exceeded"
    assert "costs $0.12 (2 prompt(s) x 2 model(s)); $0.10 left" in response.json()["message"]
    assert nothing_made(priced.tenant)
