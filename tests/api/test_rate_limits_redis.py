"""On Redis (production), the per-key rate limit is one round trip (a Lua script over a sorted
set of the key's last minute) and the key's stamp is read with the address's wrong-key count:
the same rules as with the local cache."""

from __future__ import annotations

import uuid

import pytest
from django.core.cache import caches

from api import counters
from tenants.models import ApiKey
from tenants.services import issue_api_key, revoke_api_key
from tests.conftest import api_client

pytestmark = pytest.mark.redis


@pytest.fixture
def on_redis(redis_url, settings):
    """The shared cache is Redis, under a key prefix of this test's own."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                   "LOCATION": redis_url,
                                   "KEY_PREFIX": f"atelier-test-{uuid.uuid4().hex}"}}
    assert counters.on_redis()


def test_a_key_past_its_limit_gets_429_and_refusals_do_not_count(acme, on_redis):
    issued = issue_api_key(acme.tenant, name="tight", rate_limit_per_minute=3)
    client = api_client(issued.secret)
    answers = [client.get("/api/v1/models") for _ in range(5)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429, 429]
    assert answers[3].json()["code"] == "rate_limited"
    assert 1 <= int(answers[3].headers["Retry-After"]) <= 60
    backend = caches["default"]
    window = backend.make_and_validate_key(f"throttle:api_key:{issued.api_key.pk}:window")
    assert counters._client(backend).zcard(window) == 3  # the two refusals left no trace


def test_limits_are_per_key_on_redis(acme, on_redis):
    tight = api_client(issue_api_key(acme.tenant, name="tight", rate_limit_per_minute=1).secret)
    other = api_client(issue_api_key(acme.tenant, name="other").secret)
    assert [tight.get("/api/v1/models").status_code for _ in range(2)] == [200, 429]
    assert other.get("/api/v1/models").status_code == 200


def test_a_revoked_key_is_refused_at_once_with_stamps_in_redis(acme, on_redis):
    client = api_client(acme.key.secret)
    assert [client.get("/api/v1/models").status_code for _ in range(2)] == [200, 200]
    revoke_api_key(ApiKey.objects.get(pk=acme.key.api_key.pk))
    assert client.get("/api/v1/models").status_code == 401


def test_wrong_keys_from_one_address_are_limited_on_redis(acme, on_redis, settings):
    settings.ATELIER_API_AUTH_FAILURE_LIMIT = 2
    wrong = api_client("atl_000000000000_" + "x" * 43)
    codes = [wrong.get("/api/v1/models").status_code for _ in range(3)]
    assert codes == [401, 401, 429]
    assert api_client(acme.key.secret).get("/api/v1/models").status_code == 429
