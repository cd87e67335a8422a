"""Many workers racing for one job: exactly one claims it (PostgreSQL in CI)."""

import threading

from django.db import connection, connections

from generation.services import claim_job


def test_the_suite_runs_on_postgresql_when_configured(postgres, db):
    assert connection.vendor == "postgresql"


def test_concurrent_claims_of_one_job_have_exactly_one_winner(submit, transactional_db):
    job = submit()
    barrier = threading.Barrier(8)
    winners: list[bool] = []

    def race() -> None:
        barrier.wait()
        try:
            winners.append(claim_job(job.pk) is not None)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=race) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(winners) == [False] * 7 + [True]
    job.refresh_from_db()
    assert job.status == "running" and job.attempts == 1
