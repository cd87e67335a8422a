"""An image's AWS cost is the price on the day it was made, even when a moderator approves it
after the price changed; and an image the catalog no longer prices (its model gone, or its
size no longer listed) is charged with an AWS cost of zero rather than not at all (found by
`make mutate`: the day, and the zero, could be dropped unseen)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from django.utils import timezone

from assets.models import Asset
from billing.models import UsageEvent
from billing.services import set_monthly_limits
from catalog.spec import CATALOG_FILE, catalog
from generation import runner
from moderation import services as moderation
from tests.factories import StaffFactory
from tests.fakes.rekognition import RekognitionDouble, label

MODEL = "stable-image-core"


def write_catalog(path: Path, change) -> str:
    data = yaml.safe_load(CATALOG_FILE.read_text())
    change(data["models"])
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return str(path)


@pytest.fixture
def in_review(acme, submit, rekognition_double: RekognitionDouble, settings):
    """An image of MODEL waiting for a moderator, made yesterday."""
    settings.ATELIER_REKOGNITION = True
    rekognition_double.labels = [label("Violence", 62.0)]  # review, not reject
    limits = set_monthly_limits(acme.tenant, images=None, budget_usd=None)
    limits.model_prices = {MODEL: "0.09"}
    limits.save()
    job = submit(model=MODEL, n=1, seed=5, size=None, aspect_ratio="1:1")
    runner.run_job(job.pk)
    asset = Asset.unscoped.get(job=job)
    assert asset.moderation_status == "pending_review"
    Asset.unscoped.filter(pk=asset.pk).update(created_at=timezone.now() - timedelta(days=1))
    asset.refresh_from_db()
    return asset


@pytest.fixture
def catalog_file(settings):
    yield lambda path: setattr(settings, "ATELIER_CATALOG_FILE", path) or catalog.cache_clear()
    catalog.cache_clear()


def approved(asset) -> UsageEvent:
    moderation.review(asset, approve=True, moderator=StaffFactory(username="mod@atelier.test"))
    return UsageEvent.unscoped.get(job_id=asset.job_id)


def test_the_aws_cost_is_the_price_on_the_day_the_image_was_made(in_review, catalog_file,
                                                                 tmp_path):
    made_on = catalog().get(MODEL).unit_cost_usd(None, 1024 * 1024)
    today = timezone.now().date().isoformat()

    def rise_today(models):
        entry = next(m for m in models if m["key"] == MODEL)
        entry["prices"] = [*entry["prices"], {"usd": "9.99", "from": today}]

    catalog_file(write_catalog(tmp_path / "catalog.yaml", rise_today))
    assert catalog().get(MODEL).unit_cost_usd(None, 1024 * 1024) == Decimal("9.99")
    event = approved(in_review)
    assert event.aws_cost_usd == made_on != Decimal("9.99")
    assert event.price_usd == Decimal("0.09")


def test_an_image_the_catalog_no_longer_prices_is_charged_at_no_aws_cost(
        in_review, catalog_file, tmp_path):
    def only_tiny_images(models):
        entry = next(m for m in models if m["key"] == MODEL)
        entry["prices"] = [{"usd": "0.04", "max_pixels": 4096}]

    catalog_file(write_catalog(tmp_path / "catalog.yaml", only_tiny_images))
    event = approved(in_review)
    assert event.aws_cost_usd == Decimal("0") and event.price_usd == Decimal("0.09")
