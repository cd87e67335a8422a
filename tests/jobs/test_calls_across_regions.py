"""A model the account may call in several Regions has a quota in each: a job's calls take a slot
in the first Region with room and are made there, skip a Region held off after a throttle or
one that lost the model, and never leave the tenant's geography (catalog.regions)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

import pytest
from django.core.cache import cache
from django.utils import timezone

from catalog import fleet
from catalog.fleet import ACCESS_DENIED, ACCESS_GRANTED, Offer
from catalog.requests import JobRequest
from catalog.spec import ModelUnavailable, catalog
from core import metrics
from generation.models import Job, ProviderAttempt
from generation.runner import run_job
from generation.services import submit_job
from providers import ratelimit
from providers.base import ProviderError
from tests.factories import JobFactory
from tests.fakes import bedrock_outcomes as out
from tests.fakes.sigv4 import credential_scope

CANVAS = "amazon.nova-canvas-v1:0"
KEY = "nova-canvas"


@pytest.fixture
def regions(bedrock, settings, monkeypatch) -> Iterator[None]:
    """Nova Canvas at 2 requests a minute per Region, fresh windows, no fleet data; a call
    that finds no slot gives up at once instead of waiting a minute."""
    monkeypatch.setenv(f"ATELIER_MODEL_RPM__{KEY.replace('-', '_').upper()}", "2")
    settings.ATELIER_RATE_WAIT_SECONDS = 5
    settings.ATELIER_THROTTLE_PENALTY_SECONDS = 300
    catalog.cache_clear()
    ratelimit._window.cache_clear()
    cache.clear()
    fleet.forget()
    yield
    ratelimit._window.cache_clear()
    cache.clear()
    fleet.forget()


def only_in(monkeypatch, *names: str) -> None:
    monkeypatch.setenv("ATELIER_MODEL_REGIONS__NOVA_CANVAS", ",".join(names))
    catalog.cache_clear()


def fill(region: str, calls: int = 2) -> None:
    for _ in range(calls):
        ratelimit.acquire(ratelimit.limit_key(KEY, region), 2)


def synced(region: str, *, offered: bool = True, access: str = ACCESS_GRANTED) -> None:
    fleet.store_region(region, [Offer(model_id=CANVAS, region=region, offered=offered,
                                      status="ACTIVE" if offered else "", access=access)],
                       timezone.now())


def called_regions(double) -> Counter[str]:
    found: Counter[str] = Counter()
    for request in double.requests:
        if request.operation == "invoke":
            scope = credential_scope(request.headers["authorization"])
            assert scope is not None
            found[scope.region] += 1
    return found


def attempt_regions(job: Job) -> Counter[str]:
    return Counter(ProviderAttempt.unscoped.filter(job=job).values_list("region", flat=True))


def run(job: Job) -> Job:
    run_job(job.pk)
    job.refresh_from_db()
    return job


def test_a_full_first_region_sends_the_calls_to_the_second(acme, bedrock, regions,
                                                           monkeypatch):
    only_in(monkeypatch, "us-east-1", "eu-west-1")
    fill("us-east-1")
    before = metrics.BEDROCK_CALLS.labels(KEY, "eu-west-1", "ok")._value.get()
    job = run(JobFactory(tenant=acme.tenant, model=KEY, n=8))  # two calls (5 a call)
    assert job.status == Job.Status.SUCCEEDED, job.error_message
    assert called_regions(bedrock) == {"eu-west-1": 2}
    assert attempt_regions(job) == {"eu-west-1": 2}
    assert metrics.BEDROCK_CALLS.labels(KEY, "eu-west-1", "ok")._value.get() == before + 2
    assert bedrock.throttled == 0


def test_calls_fill_the_first_region_before_the_next(acme, bedrock, regions, monkeypatch):
    only_in(monkeypatch, "us-east-1", "eu-west-1")
    fill("us-east-1", calls=1)
    job = run(JobFactory(tenant=acme.tenant, model=KEY, n=8))
    assert job.status == Job.Status.SUCCEEDED, job.error_message
    assert called_regions(bedrock) == {"us-east-1": 1, "eu-west-1": 1}
    assert attempt_regions(job) == {"us-east-1": 1, "eu-west-1": 1}


def test_every_region_full_gives_the_job_back_to_the_queue(acme, bedrock, regions,
                                                           monkeypatch):
    only_in(monkeypatch, "us-east-1", "eu-west-1")
    fill("us-east-1")
    fill("eu-west-1")
    job = JobFactory(tenant=acme.tenant, model=KEY, n=1)
    with pytest.raises(ProviderError) as caught:
        run_job(job.pk)
    assert caught.value.code == "rate_limited" and caught.value.retryable
    assert "us-east-1" in caught.value.message and "eu-west-1" in caught.value.message
    assert not called_regions(bedrock)


def test_a_throttled_region_is_held_off_and_skipped(acme, bedrock, regions, monkeypatch):
    only_in(monkeypatch, "us-east-1", "eu-west-1")
    bedrock.script(CANVAS, out.throttle())
    job = JobFactory(tenant=acme.tenant, model=KEY, n=1)
    with pytest.raises(ProviderError) as caught:
        run_job(job.pk)  # throttled in us-east-1: the job goes back to the queue
    assert caught.value.code == "throttled"
    assert attempt_regions(job) == {"us-east-1": 1}
    job = run(job)
    assert job.status == Job.Status.SUCCEEDED, job.error_message
    assert attempt_regions(job) == {"us-east-1": 1, "eu-west-1": 1}
    assert called_regions(bedrock) == {"us-east-1": 1, "eu-west-1": 1}


def test_synced_regions_with_access_join_the_list(acme, bedrock, regions):
    synced("us-east-1")
    synced("eu-west-1")
    synced("ap-northeast-1", access=ACCESS_DENIED)
    fill("us-east-1")
    job = run(JobFactory(tenant=acme.tenant, model=KEY, n=8))
    assert job.status == Job.Status.SUCCEEDED, job.error_message
    assert called_regions(bedrock) == {"eu-west-1": 2}


def test_a_region_that_lost_the_model_is_not_called(acme, bedrock, regions, monkeypatch):
    only_in(monkeypatch, "us-east-1", "eu-west-1")
    job = JobFactory(tenant=acme.tenant, model=KEY, n=3)
    synced("us-east-1", offered=False)  # after submission: the daily sync saw it go
    job = run(job)
    assert job.status == Job.Status.SUCCEEDED, job.error_message
    assert called_regions(bedrock) == {"eu-west-1": 1}


def test_an_eu_tenant_is_called_in_the_eu_only(acme, bedrock, regions):
    acme.tenant.bedrock_geography = "eu"
    acme.tenant.save(update_fields=["bedrock_geography"])
    synced("us-east-1")
    synced("eu-west-1")
    job = run(JobFactory(tenant=acme.tenant, model=KEY, n=8))
    assert job.status == Job.Status.SUCCEEDED, job.error_message
    assert called_regions(bedrock) == {"eu-west-1": 2}
    assert attempt_regions(job) == {"eu-west-1": 2}


def test_an_eu_tenant_is_refused_when_no_eu_region_has_the_model(acme, bedrock, regions):
    acme.tenant.bedrock_geography = "eu"
    acme.tenant.save(update_fields=["bedrock_geography"])
    synced("us-east-1")
    synced("eu-west-1", offered=False)
    with pytest.raises(ModelUnavailable) as caught:
        submit_job(acme.tenant, JobRequest(model=KEY, prompt="a lamp"))
    assert "bedrock_geography: eu" in caught.value.message
    assert caught.value.code == "model_unavailable"
    assert not bedrock.requests


def test_a_us_profile_is_never_sent_outside_the_us(acme, bedrock, regions, settings):
    settings.AWS_REGION = "eu-west-1"
    acme.tenant.bedrock_geography = "eu"
    acme.tenant.save(update_fields=["bedrock_geography"])
    with pytest.raises(ModelUnavailable) as caught:  # a `us.` profile: no EU Region at all
        submit_job(acme.tenant, JobRequest(model="stability-inpaint", operation="inpaint",
                                           prompt="a lamp"))
    assert "bedrock_geography: eu" in caught.value.message
