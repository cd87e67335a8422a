"""Shared fixtures: the three personas, the in-process queue, the doubles of Bedrock,
Rekognition, Stripe and a webhook receiver, and the real services CI provides.

Each area (tests/<area>/) has a conftest.py of its own for what only it uses; plain helpers
are in tests/helpers.py and factories in tests/factories.py.

Tests that need Redis, PostgreSQL or S3 skip on a bare machine and fail when CI=true, so a
misconfigured CI can never pass by skipping.
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import dramatiq
import pytest
from django.conf import settings
from django.db import connection
from rest_framework.test import APIClient

from generation.models import Job
from generation.worker import inprocess_worker, wait_for_jobs
from tenants.services import NewTenant
from tests.factories import JobFactory, TenantFactory
from tests.helpers import png_bytes

ROOT = Path(__file__).resolve().parent.parent
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def _require(variable: str, what: str) -> str:
    value = os.environ.get(variable, "")
    if not value:
        message = f"{what} not configured: set {variable}"
        if IN_CI:
            pytest.fail(f"{message} (CI=true: this test must run, not skip)")
        pytest.skip(message)
    return value


@pytest.fixture
def redis_url() -> str:
    return _require("REDIS_URL", "Redis")


@pytest.fixture
def s3_endpoint() -> str:
    return _require("AWS_ENDPOINT_URL_S3", "S3")


@pytest.fixture
def postgres() -> None:
    _require("DATABASE_URL", "PostgreSQL")
    if connection.vendor != "postgresql":
        pytest.fail(f"DATABASE_URL is set but the tests run on {connection.vendor}")


# --- personas ------------------------------------------------------------------------------

@pytest.fixture
def acme(db: None) -> NewTenant:
    return TenantFactory(slug="acme", name="Acme Goods")


@pytest.fixture
def globex(db: None) -> NewTenant:
    return TenantFactory(slug="globex", name="Globex")


def api_client(secret: str | None = None) -> APIClient:
    client = APIClient()
    if secret:
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    return client


@pytest.fixture
def owner(acme: NewTenant) -> APIClient:
    """Acme's own API key."""
    return api_client(acme.key.secret)


@pytest.fixture
def stranger(globex: NewTenant) -> APIClient:
    """A valid key of another tenant (Globex)."""
    return api_client(globex.key.secret)


@pytest.fixture
def anonymous() -> APIClient:
    return api_client()


# --- jobs and the queue --------------------------------------------------------------------

@pytest.fixture
def submit(acme: NewTenant) -> Callable[..., Job]:
    """Submit a local-model job for Acme (or the tenant given)."""

    def _submit(tenant: Any = None, **fields: Any) -> Job:
        fields.setdefault("size", "256x256")
        return JobFactory(tenant=tenant or acme.tenant, **fields)

    return _submit


def queued_messages() -> int:
    """Messages waiting on the in-process broker (delayed and dead-lettered included)."""
    broker = dramatiq.get_broker()
    return sum(queue.qsize() for queue in getattr(broker, "queues", {}).values())


@pytest.fixture
def empty_queue() -> Iterator[None]:
    dramatiq.get_broker().flush_all()
    yield
    dramatiq.get_broker().flush_all()


@pytest.fixture
def run_jobs(transactional_db: None, empty_queue: None) -> Iterator[Callable[..., list[Job]]]:
    """An in-process Dramatiq worker (the embedded default's) running for the test."""
    with inprocess_worker(threads=2):
        def _wait(*jobs: Job, timeout: float = 60) -> list[Job]:
            return wait_for_jobs([job.pk for job in jobs], timeout=timeout)

        yield _wait


# --- manage.py in a subprocess, against the test database -----------------------------------

def subprocess_database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    return (f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST'] or '127.0.0.1'}:"
            f"{db['PORT'] or 5432}/{db['NAME']}")


def subprocess_env(**overrides: str) -> dict[str, str]:
    """config.settings (not the test settings) aimed at this test run's database and media.

    The embedded in-process queue unless REDIS_URL is passed in `overrides`.
    """
    env = dict(os.environ)
    env.pop("REDIS_URL", None)
    env.update({
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": subprocess_database_url(),
        "ATELIER_VAR_DIR": str(settings.TEST_VAR_DIR),
        "SECRET_KEY": settings.SECRET_KEY,
        # Development mode with its embedded defaults; tests of production mode set
        # ATELIER_ENV=production and the variables it requires.
        "ATELIER_ENV": "development",
        "ATELIER_C2PA_TEST_CA": "0",
        "ATELIER_HTTPS": "0",
        "ATELIER_QUEUE_NAMESPACE": f"atelier-test-{uuid.uuid4().hex[:8]}",
        "PYTHONUNBUFFERED": "1",
    })
    env.update(overrides)
    return env


def manage(*args: str, env: dict[str, str], timeout: float = 120
           ) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=timeout)


def start_manage(*args: str, env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    handle = log.open("ab")
    return subprocess.Popen([sys.executable, "manage.py", *args], cwd=ROOT, env=env,
                            stdout=handle, stderr=subprocess.STDOUT, start_new_session=True)


# --- Bedrock through the real boto3 client and the local double ----------------------------

from tests.fakes.bedrock import BedrockDouble, bedrock_double  # noqa: E402, F401
from tests.fakes.rekognition import rekognition_double  # noqa: E402, F401
from tests.fakes.stripe import stripe_double  # noqa: E402, F401
from tests.fakes.webhook_receiver import private_webhooks, receiver  # noqa: E402, F401


@pytest.fixture
def bedrock(bedrock_double: BedrockDouble, settings, monkeypatch  # noqa: F811
            ) -> Iterator[BedrockDouble]:
    """ATELIER_PROVIDER=bedrock against the double, with every catalog model callable (the
    retired ones kept alive by the operator override, as an account with access would)."""
    from catalog.spec import catalog, env_key

    settings.ATELIER_PROVIDER = "bedrock"
    settings.AWS_REGION = "us-east-1"
    for spec in catalog():
        if spec.state() == "eol":
            monkeypatch.setenv(f"ATELIER_MODEL_LIFECYCLE__{env_key(spec.key)}", "active")
    catalog.cache_clear()
    yield bedrock_double
    monkeypatch.undo()
    catalog.cache_clear()


@pytest.fixture
def uploads(acme: NewTenant) -> dict[str, Any]:
    """Acme's source images: a photo, a mask (white = change), a person and a garment."""
    from assets.uploads import create_upload

    def photo(size: tuple[int, int], color: tuple[int, int, int]) -> bytes:
        """A flat `color` with a dark square from a quarter to half of each side."""
        w, h = size
        return png_bytes(size, color, box=(w // 4, h // 4, w // 2 + 1, h // 2 + 1),
                         box_color=(20, 20, 20))

    made = {
        "photo": photo((640, 480), (200, 40, 40)),
        "person": photo((512, 768), (40, 160, 40)),
        "garment": photo((512, 512), (40, 40, 200)),
        "style": photo((512, 512), (230, 200, 20)),
        "mask": png_bytes((640, 480), 0, mode="L", box=(160, 120, 480, 360), box_color=255),
    }
    return {name: create_upload(acme.tenant, data, filename=f"{name}.png")
            for name, data in made.items()}


@pytest.fixture
def rekognition(rekognition_double: Any, settings: Any) -> Any:  # noqa: F811
    """Output moderation on, calling the Rekognition double."""
    settings.ATELIER_REKOGNITION = True
    return rekognition_double


@pytest.fixture
def fresh_verification_counts() -> Iterator[None]:
    """No verifications counted for the test client's address (the rate limit is per address)."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def verifiable_image(acme: NewTenant) -> tuple[Any, bytes]:
    """An image Atelier made for Acme, and its delivered bytes."""
    from tests.provenance.c2pa_checks import generate, stored

    asset = generate(acme.tenant, seed=31, size="768x768")
    return asset, stored(asset)


def race(count: int, attempt: Callable[[], Any]) -> list[Any]:
    """Run `attempt` in `count` threads released at the same instant; their results.

    Each thread closes its own database connections, as a worker or web thread would.
    """
    import threading

    from django.db import connections

    barrier = threading.Barrier(count)
    results: list[Any] = []

    def run() -> None:
        barrier.wait()
        try:
            results.append(attempt())
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results
