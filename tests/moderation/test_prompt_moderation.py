"""Prompts are moderated before anything is queued or charged: platform and tenant policies,
matched on normalized text, and Bedrock Guardrails when configured (failing closed)."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from generation.models import Job
from moderation.models import AuditEvent
from tests.conftest import queued_messages
from tests.factories import TenantPolicyFactory


def post(client, **fields):
    return client.post("/api/v1/jobs", {"model": "local", **fields}, format="json")


@pytest.mark.parametrize("prompt", [
    "CSAM", "c s a m", "C.S.A.M!", "\uff23\uff33\uff21\uff2d", "a photo with cs@m",
    "Child   Nudity",
    "a naked model next to a child",
])
def test_platform_policy_blocks_obfuscated_terms_and_patterns(owner, acme, empty_queue, prompt):
    response = post(owner, prompt=prompt)
    assert response.status_code == 422, response.content
    error = response.json()
    assert (error["code"], error["field"], error["policy"]) == ("prompt_blocked", "prompt",
                                                                "platform")
    job = Job.objects.for_tenant(acme.tenant).get(pk=error["job"])
    assert job.status == "blocked" and job.error_code == "prompt_blocked"
    assert queued_messages() == 0
    event = AuditEvent.objects.get(job=job)
    assert (event.action, event.policy, event.actor) == ("prompt_blocked", "platform", None)


def test_negative_and_mask_prompts_are_checked_too(owner, acme, empty_queue):
    assert post(owner, prompt="a vase", negative_prompt="csam").status_code == 422
    assert queued_messages() == 0


def test_tenant_policy_blocks_its_own_terms_for_that_tenant_only(owner, stranger, acme, globex,
                                                                 empty_queue):
    TenantPolicyFactory(tenant=acme.tenant, blocked_terms=["Globex"],
                        blocked_patterns=[r"\bcompetitor\s+logo\b"])
    refused = post(owner, prompt="a mug with the GLOBEX logo")
    assert refused.status_code == 422 and refused.json()["policy"] == "tenant"
    assert post(owner, prompt="our competitor   logo on a mug").status_code == 422
    assert post(stranger, prompt="a mug with the Globex logo").status_code == 202


def test_clean_prompts_pass(owner, acme, empty_queue):
    response = post(owner, prompt="a linen shirt on a wooden hanger, soft light")
    assert response.status_code == 202 and response.json()["status"] == "queued"


def test_a_dry_run_of_a_blocked_prompt_creates_nothing(owner, acme, empty_queue):
    response = post(owner, prompt="csam", dry_run=True)
    assert response.status_code == 422
    assert "job" not in response.json()
    assert not Job.objects.for_tenant(acme.tenant).exists()


def test_generate_reports_a_blocked_prompt(acme, empty_queue):
    with pytest.raises(CommandError) as raised:
        call_command("generate", "--tenant", "acme", "--model", "local", "--prompt", "CSAM")
    assert "prompt_blocked" in str(raised.value) and raised.value.returncode == 2
    assert Job.objects.for_tenant(acme.tenant).get().status == "blocked"
    assert queued_messages() == 0
