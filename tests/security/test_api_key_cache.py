"""API keys are remembered briefly by each process (tenants/key_cache.py) so that a request
costs no query for its key; revoking or changing a key or its tenant is still seen by the very
next request, and a key never reaches another tenant's objects."""

from __future__ import annotations

from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tenants import key_cache
from tenants.models import ApiKey, Tenant
from tenants.services import issue_api_key, revoke_api_key, set_credentials_preferences
from tests.api.conftest import delivered_job
from tests.conftest import api_client


def key_queries(client, path: str = "/api/v1/models") -> int:
    """Queries of a request to an endpoint that reads nothing but the key."""
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured)


def test_a_remembered_key_costs_no_query(owner):
    owner.get("/api/v1/models")
    assert key_queries(owner) == 0


def test_a_revoked_key_is_refused_on_the_very_next_request(acme, owner):
    for _ in range(3):
        assert owner.get("/api/v1/models").status_code == 200  # remembered now
    revoke_api_key(ApiKey.objects.get(pk=acme.key.api_key.pk))
    response = owner.get("/api/v1/models")
    assert response.status_code == 401
    assert response.json()["code"] == "authentication_failed"


def test_revoking_from_the_admin_action_or_a_save_is_seen_at_once(acme, owner):
    owner.get("/api/v1/models")
    row = ApiKey.objects.get(pk=acme.key.api_key.pk)
    row.scopes = ["read"]
    row.save()  # the admin's edit of a key
    assert owner.post("/api/v1/jobs", {"model": "local", "prompt": "x"},
                      format="json").status_code == 403
    row.delete()
    assert owner.get("/api/v1/models").status_code == 401


def test_a_tenant_suspended_by_a_save_is_seen_at_once(acme, owner):
    owner.get("/api/v1/models")
    tenant = Tenant.objects.get(pk=acme.tenant.pk)
    tenant.status = Tenant.Status.SUSPENDED
    tenant.save()
    response = owner.post("/api/v1/jobs", {"model": "local", "prompt": "x"}, format="json")
    assert (response.status_code, response.json()["code"]) == (402, "tenant_inactive")


def test_changing_the_tenants_preferences_makes_its_keys_read_again(acme, owner):
    owner.get("/api/v1/models")
    set_credentials_preferences(acme.tenant, embed_prompt=True, reveal_tenant=False)
    assert key_queries(owner) == 1  # read again (last_used_at is recent: no update)


def test_a_revocation_is_announced_again_after_its_transaction_commits(
        acme, django_capture_on_commit_callbacks):
    """A request that read the row just before the commit (still active) cannot keep it: the
    stamp changes once more when the revocation commits."""
    stamp_key = key_cache.stamp_key(acme.key.api_key.prefix)
    with django_capture_on_commit_callbacks(execute=True):
        revoke_api_key(ApiKey.objects.get(pk=acme.key.api_key.pk))
        during = cache.get(stamp_key)
    assert cache.get(stamp_key) != during


def test_an_evicted_stamp_means_a_fresh_read_never_a_stale_key(acme, owner):
    owner.get("/api/v1/models")
    ApiKey.objects.filter(pk=acme.key.api_key.pk).update(revoked_at="2026-01-01T00:00:00Z")
    cache.delete(key_cache.stamp_key(acme.key.api_key.prefix))  # Redis evicted it
    assert owner.get("/api/v1/models").status_code == 401


def test_a_wrong_secret_with_a_remembered_prefix_is_still_refused(acme, owner):
    owner.get("/api/v1/models")
    scheme, prefix, secret = acme.key.secret.split("_", 2)
    wrong = api_client(f"{scheme}_{prefix}_{secret[:-1]}{'x' if secret[-1] != 'x' else 'y'}")
    assert wrong.get("/api/v1/models").status_code == 401


def test_remembered_keys_keep_tenants_apart(acme, globex, owner, stranger):
    job = delivered_job(acme.tenant, 1)
    for client in (owner, stranger):
        client.get("/api/v1/models")  # both remembered
    assert owner.get(f"/api/v1/jobs/{job.pk}").status_code == 200
    response = stranger.get(f"/api/v1/jobs/{job.pk}")
    assert (response.status_code, response.json()["code"]) == (404, "not_found")
    assert str(job.pk) not in [j["id"] for j in stranger.get("/api/v1/jobs").json()["results"]]


def test_a_new_rate_limit_applies_on_the_next_request(acme):
    issued = issue_api_key(acme.tenant, name="tight")
    client = api_client(issued.secret)
    assert [client.get("/api/v1/models").status_code for _ in range(3)] == [200] * 3
    row = ApiKey.objects.get(pk=issued.api_key.pk)
    row.rate_limit_per_minute = 3
    row.save()
    assert client.get("/api/v1/models").status_code == 429


def test_a_key_without_a_stamp_is_read_each_time_until_it_has_one(acme, owner):
    owner.get("/api/v1/models")
    cache.delete(key_cache.stamp_key(acme.key.api_key.prefix))
    assert [key_queries(owner) for _ in range(3)] == [1, 1, 0]  # read; read, kept; kept


def test_an_unknown_prefix_leaves_nothing_in_the_cache(acme):
    assert api_client("atl_0123456789ab_" + "x" * 43).get("/api/v1/models").status_code == 401
    assert cache.get(key_cache.stamp_key("0123456789ab")) is None
