"""The database connection of a worker dropped in the middle of settling an image's charge (and,
the harder case, the worker killed right there): the job still completes after its retry, with
exactly one usage event per image and a ledger without drift.

To land the fault at the right moment, the test holds the tenant's ledger row locked from a
connection of its own. A worker settling an image then waits on that lock, inside the
transaction that has just recorded the asset and inserted its usage event; pg_locks shows
which backends are waiting there. The test terminates those backends (pg_terminate_backend,
what a failover or a restarted PgBouncer does to a session) or SIGKILLs the worker, then lets
the ledger go.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
import pytest
from django.db import connection

from assets.models import Asset
from billing.models import Ledger, UsageEvent
from tests.helpers import wait_until

from .harness import UNIT_PRICE, batch_job_ids, catalog_batch, priced, wait_for_jobs
from .invariants import assert_promise_kept, generated_objects_on_disk

pytestmark = [pytest.mark.reliability, pytest.mark.redis, pytest.mark.postgres]

ROWS, N = 8, 3
ROUNDS = 3

# Backends waiting for a lock while they hold one on the usage events: settling an image.
SETTLING = """
    SELECT activity.pid FROM pg_stat_activity AS activity
    WHERE activity.datname = current_database() AND activity.pid <> pg_backend_pid()
      AND activity.wait_event_type = 'Lock'
      AND EXISTS (SELECT 1 FROM pg_locks JOIN pg_class ON pg_class.oid = pg_locks.relation
                  WHERE pg_locks.pid = activity.pid AND pg_class.relname = %s)
"""


def admin_connection() -> psycopg.Connection:
    """A connection of the test's own to the test database, outside Django's."""
    db = connection.settings_dict
    return psycopg.connect(dbname=db["NAME"], user=db["USER"], password=db["PASSWORD"] or None,
                           host=db["HOST"] or "127.0.0.1", port=db["PORT"] or 5432,
                           autocommit=True)


@contextmanager
def ledger_held(admin: psycopg.Connection, tenant_id: int) -> Iterator[None]:
    """The tenant's ledger rows locked FOR UPDATE until the block ends."""
    with admin.transaction():
        admin.execute(f"SELECT id FROM {Ledger._meta.db_table} WHERE tenant_id = %s FOR UPDATE",
                      [tenant_id])
        yield


def settling(admin: psycopg.Connection) -> list[int]:
    admin.execute("SELECT pg_stat_clear_snapshot()")  # else frozen for the transaction
    return [row[0] for row in admin.execute(SETTLING, [UsageEvent._meta.db_table])]


@contextmanager
def caught_settling(admin: psycopg.Connection, tenant_id: int, timeout: float = 90
                    ) -> Iterator[list[int]]:
    """Hold the ledger until workers wait on it while settling an image; the block runs with
    the ledger still held and gets their backends' pids. Workers that wait on it for something
    else (a finished job giving back its hold) are let through, and the ledger taken again."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with ledger_held(admin, tenant_id):
            attempt = time.monotonic() + 5
            while time.monotonic() < attempt:
                victims = settling(admin)
                if victims:
                    yield victims
                    return
                time.sleep(0.1)
        time.sleep(0.3)
    pytest.fail(f"no worker was caught settling an image within {timeout:.0f} s")


@pytest.fixture
def admin(services: str) -> Iterator[psycopg.Connection]:
    with admin_connection() as conn:
        yield conn


def test_a_connection_dropped_while_settling_still_charges_each_image_once(
        acme, env, workers, to_workers, admin):
    env.update(ATELIER_LOCAL_LATENCY_MS="50")
    priced(acme.tenant, "local")
    workers.start(threads=2)
    batch = catalog_batch(acme.tenant, rows=ROWS, n=N)
    ids = batch_job_ids(batch)
    made = Asset.unscoped.filter(job_id__in=ids)

    dropped = 0
    for round_ in range(ROUNDS):
        wait_until(lambda round_=round_: made.count() >= round_ * ROWS * N // (ROUNDS + 1), 60,
                   "progress before the next drop")
        with caught_settling(admin, acme.tenant.pk) as victims:
            for pid in victims:
                admin.execute("SELECT pg_terminate_backend(%s)", [pid])
            dropped += len(victims)

    wait_for_jobs(ids, 120, workers)
    print(f"{dropped} connections dropped while settling")
    assert dropped >= ROUNDS
    assert_promise_kept(acme.tenant, ids, objects=generated_objects_on_disk(ids),
                        unit_price=UNIT_PRICE)


def test_a_worker_killed_while_settling_still_charges_each_image_once(
        acme, env, workers, to_workers, admin):
    env.update(ATELIER_LOCAL_LATENCY_MS="50")
    priced(acme.tenant, "local")
    group = workers.start(threads=2)
    batch = catalog_batch(acme.tenant, rows=ROWS, n=N)
    ids = batch_job_ids(batch)

    for _ in range(2):
        with caught_settling(admin, acme.tenant.pk):
            workers.kill(group)
            group = workers.start(threads=2)
        # The killed worker's backends die (rolling back) once the ledger is let go.

    wait_for_jobs(ids, 120, workers)
    assert_promise_kept(acme.tenant, ids, objects=generated_objects_on_disk(ids),
                        unit_price=UNIT_PRICE)
