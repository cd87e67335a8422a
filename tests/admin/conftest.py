"""The admin's personas: a Finance staff user, a moderator, a tenant's own user (a merchant,
not staff) and nobody signed in; and images waiting in review."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from assets.models import Asset
from generation.runner import run_job
from tests.factories import StaffFactory
from tests.helpers import signed_in

IN_REVIEW = {"labels": [{"name": "Violence", "confidence": 61.5, "source": "rekognition"}],
             "reasons": ["Violence 62% >= review 50"], "checks": ["local policy", "rekognition"]}


@pytest.fixture
def finance(db: None) -> Client:
    return signed_in(StaffFactory(username="fin@atelier.test", groups=["Finance"]))


@pytest.fixture
def moderator(db: None) -> Client:
    return signed_in(StaffFactory(username="mod@atelier.test", groups=["Moderators"]))


@pytest.fixture
def merchant(acme: Any) -> Client:
    """Acme's owner: a tenant's user, not staff."""
    return signed_in(acme.owner)


@pytest.fixture
def pending(submit: Any) -> list[Asset]:
    """Three of Acme's images waiting in review, flagged for violence."""
    job = submit(n=3, seed=1)
    run_job(job.pk)
    Asset.unscoped.filter(job=job).update(moderation_status="pending_review",
                                          moderation=IN_REVIEW)
    return list(Asset.unscoped.filter(job=job).order_by("index"))
