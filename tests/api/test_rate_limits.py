"""Per-key rate limits: past the key's requests per minute, 429 with Retry-After."""

from tenants.services import issue_api_key
from tests.conftest import api_client


def test_a_key_past_its_limit_gets_429_with_retry_after(acme, settings):
    limited = api_client(issue_api_key(acme.tenant, name="tight", rate_limit_per_minute=3).secret)
    answers = [limited.get("/api/v1/jobs") for _ in range(4)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    refused = answers[3]
    assert refused.json()["code"] == "rate_limited"
    assert 1 <= int(refused.headers["Retry-After"]) <= 60


def test_limits_are_per_key(acme):
    tight = api_client(issue_api_key(acme.tenant, name="tight", rate_limit_per_minute=1).secret)
    other = api_client(issue_api_key(acme.tenant, name="other").secret)
    assert tight.get("/api/v1/jobs").status_code == 200
    assert tight.get("/api/v1/jobs").status_code == 429
    assert other.get("/api/v1/jobs").status_code == 200


def test_the_default_limit_comes_from_settings(acme, settings):
    settings.ATELIER_API_RATE_LIMIT = 2
    client = api_client(acme.key.secret)
    assert [client.get("/api/v1/models").status_code for _ in range(3)] == [200, 200, 429]
