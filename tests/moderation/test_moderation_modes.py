"""Moderation cannot be configured open: production needs an output moderation service or
an explicit, logged local-only mode (every image to review unless the tenant's policy says
otherwise), and a reduced mode shows on every admin and dashboard page."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from core.checks import production_fallbacks
from generation.runner import run_job
from tests.conftest import manage, subprocess_env
from tests.factories import TenantPolicyFactory
from tests.helpers import signed_in, staff_client

BANNER = b'id="moderation-reduced"'


def errors(settings) -> set[str]:
    settings.ATELIER_PRODUCTION = True
    return {message.id for message in production_fallbacks(None)}


def test_production_without_a_moderation_service_is_refused(settings):
    settings.ATELIER_REKOGNITION, settings.ATELIER_GUARDRAIL_ID = False, ""
    assert "atelier.E110" in errors(settings)


@pytest.mark.parametrize("configured", [{"ATELIER_REKOGNITION": True},
                                        {"ATELIER_GUARDRAIL_ID": "gr1abc"},
                                        {"ATELIER_OUTPUT_MODERATION": "local-only"}])
def test_a_service_or_local_only_on_purpose_satisfies_production(configured, settings):
    settings.ATELIER_REKOGNITION, settings.ATELIER_GUARDRAIL_ID = False, ""
    for name, value in configured.items():
        setattr(settings, name, value)
    assert "atelier.E110" not in errors(settings)


def test_local_only_sends_every_image_to_review(submit, settings):
    settings.ATELIER_OUTPUT_MODERATION = "local-only"
    job = submit(n=2)
    run_job(job.pk)
    assert set(job.assets.values_list("moderation_status", flat=True)) == {"pending_review"}
    assert not any(asset.renditions.exists() for asset in job.assets.all())


def test_a_tenant_may_approve_on_the_local_policy_under_local_only(acme, submit, settings):
    settings.ATELIER_OUTPUT_MODERATION = "local-only"
    TenantPolicyFactory(tenant=acme.tenant, approve_without_services=True)
    job = submit(n=1)
    run_job(job.pk)
    asset = job.assets.get()
    assert asset.moderation_status == "approved"
    assert "local-only" in asset.moderation["checks"]


def test_local_only_says_so_at_every_start(db):
    result = manage("check", env=subprocess_env(ATELIER_OUTPUT_MODERATION="local-only"))
    assert result.returncode == 0, result.stderr
    assert "moderation.local_only" in result.stderr


@pytest.mark.parametrize("mode", ["no service", "local-only"])
def test_a_reduced_mode_shows_on_admin_and_dashboard_pages(mode, acme, settings):
    settings.ATELIER_REKOGNITION, settings.ATELIER_GUARDRAIL_ID = False, ""
    if mode == "local-only":
        settings.ATELIER_OUTPUT_MODERATION = "local-only"
    owner = signed_in(get_user_model().objects.get(email="owner@acme.test"))
    assert BANNER in owner.get(f"/t/{acme.tenant.slug}/").content
    assert BANNER in staff_client("moderator", "Moderators").get("/admin/").content


def test_no_banner_when_a_service_moderates(acme, settings):
    settings.ATELIER_REKOGNITION = True
    owner = signed_in(get_user_model().objects.get(email="owner@acme.test"))
    assert BANNER not in owner.get(f"/t/{acme.tenant.slug}/").content
    assert BANNER not in staff_client("moderator", "Moderators").get("/admin/").content
