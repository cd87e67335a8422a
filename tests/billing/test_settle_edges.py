"""billing.settle at its edges (found by `make mutate`): the last image a job holds is taken
off the hold like the others, a job that holds nothing (accepted before billing existed) is
not charged and says so, and the AWS cost is counted under the model's label."""

from __future__ import annotations

from decimal import Decimal

from prometheus_client import REGISTRY

from billing import services as billing
from billing.models import Reservation, UsageEvent
from tests.helpers import ledger


def cost_counted(model: str) -> float:
    return REGISTRY.get_sample_value("atelier_cost_usd_total", {"model": model}) or 0.0


def test_the_last_held_image_leaves_the_hold_when_charged(acme, submit, empty_queue,
                                                          django_capture_on_commit_callbacks):
    job = submit(n=1)
    before = cost_counted("local")
    with django_capture_on_commit_callbacks(execute=True):
        assert billing.settle(job, 0, aws_cost_usd=Decimal("0.25")) is True
    assert Reservation.unscoped.get(job=job).images == 0
    row = ledger(acme.tenant)
    assert (row.reserved_images, row.used_images) == (0, 1)
    assert cost_counted("local") == before + 0.25


def test_a_job_that_holds_nothing_is_not_charged(acme, submit, empty_queue):
    job = submit(n=1)
    Reservation.unscoped.filter(job=job).delete()
    assert billing.settle(job, 0, aws_cost_usd=Decimal("0.25")) is False
    assert not UsageEvent.unscoped.filter(job=job).exists()
