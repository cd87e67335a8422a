"""Fixtures of the trial tests: fixed prices per image (so that a cell's price shows its model),
a text-to-image brand template of Acme's, and a submitted trial's jobs run to the end."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from billing.models import MonthlyLimits
from generation.models import Job, Trial
from generation.templates import create_template
from tenants.services import NewTenant

PRICES = {"local": "0.02", "stable-image-core": "0.04", "sd3.5-large": "0.08",
          "stable-image-ultra": "0.14"}


@pytest.fixture
def priced(acme: NewTenant) -> NewTenant:
    """Acme pays fixed prices per image."""
    MonthlyLimits.objects.update_or_create(tenant=acme.tenant,
                                           defaults={"model_prices": PRICES})
    return acme


@pytest.fixture
def studio(acme: NewTenant) -> Any:
    """Acme's text-to-image template "studio", on the local model."""
    return create_template(acme.tenant, name="studio", prompt="a {subject} on marble",
                           model_key="local")


@pytest.fixture
def run_trial(run_jobs: Callable[..., list[Job]]) -> Callable[[Any, str], list[Job]]:
    """Run every job of a trial (by id) on the in-process worker; its jobs, finished."""

    def run(tenant: Any, trial_id: str) -> list[Job]:
        trial = Trial.objects.for_tenant(tenant).get(pk=trial_id)
        return run_jobs(*Job.objects.for_tenant(tenant).filter(trial=trial), timeout=120)

    return run
