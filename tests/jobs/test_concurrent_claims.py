"""Many workers racing for one job: exactly one claims it (PostgreSQL in CI)."""

from django.db import connection

from generation.runner import claim_job
from tests.conftest import race


def test_the_suite_runs_on_postgresql_when_configured(postgres, db):
    assert connection.vendor == "postgresql"


def test_concurrent_claims_of_one_job_have_exactly_one_winner(submit, transactional_db):
    job = submit()
    winners = race(8, lambda: claim_job(job.pk) is not None)
    assert sorted(winners) == [False] * 7 + [True]
    job.refresh_from_db()
    assert job.status == "running" and job.attempts == 1
