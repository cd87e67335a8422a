"""API keys carry scopes: `read` for GET, `write` for anything that changes state."""

import pytest

from generation.models import Job
from tenants.services import issue_api_key
from tests.conftest import api_client

BODY = {"model": "local", "prompt": "a ceramic mug", "size": "256x256"}


@pytest.fixture
def write_only(acme):
    return api_client(issue_api_key(acme.tenant, name="uploader", scopes=["write"]).secret)


def test_a_read_only_key_reads(read_only, submit):
    job = submit()
    assert read_only.get("/api/v1/jobs").status_code == 200
    assert read_only.get(f"/api/v1/jobs/{job.pk}").status_code == 200
    assert read_only.get("/api/v1/usage").status_code == 200


def test_a_read_only_key_cannot_write(read_only, acme, submit, empty_queue):
    job = submit()
    for path, body in (("/api/v1/jobs", BODY), (f"/api/v1/jobs/{job.pk}/cancel", None),
                       ("/api/v1/templates", {"name": "t", "prompt": "a {x}"})):
        response = read_only.post(path, body, format="json")
        assert response.status_code == 403, path
        assert response.json()["code"] == "insufficient_scope"
        assert "write" in response.json()["message"]
    assert Job.objects.for_tenant(acme.tenant).get().status == "queued"
    assert Job.objects.for_tenant(acme.tenant).count() == 1


def test_a_write_only_key_cannot_read(write_only, submit):
    job = submit()
    response = write_only.get(f"/api/v1/jobs/{job.pk}")
    assert response.status_code == 403
    assert response.json()["code"] == "insufficient_scope"
    assert write_only.post("/api/v1/jobs", BODY, format="json").status_code == 202


def test_scopes_are_checked_after_the_tenant(read_only, globex, submit):
    """A read-only key asking for a foreign object still learns nothing but 404."""
    foreign = submit(tenant=globex.tenant)
    assert read_only.get(f"/api/v1/jobs/{foreign.pk}").status_code == 404


def test_unknown_scopes_are_refused(acme):
    from core.errors import InvalidParameter

    with pytest.raises(InvalidParameter, match="scopes"):
        issue_api_key(acme.tenant, scopes=["admin"])
    with pytest.raises(InvalidParameter, match="scopes"):
        issue_api_key(acme.tenant, scopes=[])
