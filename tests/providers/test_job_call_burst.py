"""A job's calls go out together, up to what the model's quota window has free, and never
above it: against the Bedrock double with a sliding-window quota like Bedrock's."""

from __future__ import annotations

import pytest

from catalog.spec import catalog
from generation.models import ProviderAttempt
from generation.runner import run_job
from providers import ratelimit
from providers.base import ProviderError
from tests.factories import JobFactory

SD35 = "stability.sd3-5-large-v1:0"


@pytest.fixture
def quota(bedrock, monkeypatch):
    """Set the model's quota at the double and in Atelier's catalog alike."""

    def _quota(rpm: int) -> None:
        ratelimit._window.cache_clear()  # a window of its own: earlier tests' calls not in it
        monkeypatch.setenv("ATELIER_MODEL_RPM__SD3_5_LARGE", str(rpm))
        catalog.cache_clear()
        bedrock.rpm[SD35] = rpm

    yield _quota
    catalog.cache_clear()


def sd35_job(tenant, n: int):
    return JobFactory(tenant=tenant, model="sd3.5-large", prompt="a linen shirt on a hanger",
                      n=n, aspect_ratio="1:1", seed=5)


@pytest.mark.django_db
def test_a_contact_sheets_calls_are_in_flight_together(acme, bedrock, quota, settings):
    quota(100)
    # The first call still out when the last goes, even on a CI machine busy enough that the
    # tenth started over 2 s after the first (peaked at 8 of 10 with 2 s).
    bedrock.latency = 6
    job = sd35_job(acme.tenant, 10)
    run_job(job.pk)
    job.refresh_from_db()
    assert job.status == "succeeded"
    assert sorted(job.assets.values_list("index", flat=True)) == list(range(10))
    assert bedrock.peak_in_flight == 10  # one latency for the sheet, not ten
    assert bedrock.throttled == 0


@pytest.mark.django_db
def test_calls_share_the_process_pool_and_never_exceed_it(acme, bedrock, quota, settings):
    quota(100)
    bedrock.latency = 0.3
    settings.ATELIER_PROVIDER_CALLS = 3
    job = sd35_job(acme.tenant, 6)
    run_job(job.pk)
    job.refresh_from_db()
    assert job.status == "succeeded" and job.assets.count() == 6
    assert bedrock.peak_in_flight <= 3


@pytest.mark.django_db
def test_a_burst_takes_what_the_window_has_free_and_never_draws_a_throttle(acme, bedrock,
                                                                           quota, settings):
    quota(4)
    settings.ATELIER_RATE_WAIT_SECONDS = 2  # the window frees in a minute: give up sooner
    job = sd35_job(acme.tenant, 6)
    with pytest.raises(ProviderError) as raised:
        run_job(job.pk)
    assert raised.value.code == "rate_limited" and raised.value.retryable
    assert job.assets.count() == 4  # four went at once; two wait for the window to free
    assert bedrock.throttled == 0
    assert ProviderAttempt.objects.for_tenant(acme.tenant).filter(job=job).count() == 4
    job.refresh_from_db()
    assert job.status == "running" and job.assets.count() == 4  # returned to the queue


def test_bedrocks_own_time_on_a_call_reaches_the_limiter(bedrock):
    from providers.base import ProviderCall
    from providers.bedrock.adapter import generate

    bedrock.latency = 0.3
    call = ProviderCall(model_id=SD35, operation="text_to_image", prompt="a linen shirt",
                        negative_prompt="", width=1024, height=1024, seeds=(5,),
                        aspect_ratio="1:1", region="us-west-2")
    result = generate("stability", call)
    assert result.images and result.provider_seconds is not None
    assert result.provider_seconds >= 0.3  # the double's X-Amzn-Bedrock-Invocation-Latency
