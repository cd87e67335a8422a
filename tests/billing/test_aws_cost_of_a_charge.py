"""The AWS cost a charge records is the price of the image's own quality and size (found by
`make mutate`: a charge that priced every image at the model's default quality, and a price
that read the aspect ratio for the pixel count, survived)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from billing.models import UsageEvent
from generation.runner import run_job
from tests.factories import JobFactory


@pytest.mark.parametrize(("quality", "size", "aws"), [
    ("standard", "1024x1024", "0.04"), ("premium", "1024x1024", "0.06"),
    ("premium", "1280x1280", "0.08")])
def test_the_aws_cost_is_that_of_the_images_quality_and_size(acme, bedrock, quality, size,
                                                             aws):
    job = JobFactory(tenant=acme.tenant, model="nova-canvas", prompt="a bag", n=1, seed=1,
                     quality=quality, size=size)
    run_job(job.pk)
    event = UsageEvent.objects.for_tenant(acme.tenant).get(job=job)
    assert event.aws_cost_usd == Decimal(aws)


@pytest.mark.parametrize(("size", "price"), [("1024x1024", "0.0600"), ("1280x1280", "0.0900")])
def test_the_tenants_price_follows_the_aws_price_of_the_images_size(acme, bedrock, size, price,
                                                                     empty_queue):
    from billing.models import Reservation
    from billing.services import set_monthly_limits

    limits = set_monthly_limits(acme.tenant, images=None, budget_usd=None)
    limits.price_multiplier = Decimal("1.5")
    limits.save()
    job = JobFactory(tenant=acme.tenant, model="nova-canvas", prompt="a bag", n=1, size=size)
    assert Reservation.objects.for_tenant(acme.tenant).get(job=job).unit_price_usd == Decimal(
        price)  # AWS: $0.04 up to 1,048,576 pixels, $0.06 above; times 1.5
