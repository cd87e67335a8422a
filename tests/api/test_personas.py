"""Every endpoint with the three personas: owner, stranger (another tenant), anonymous.

Another tenant's object is a 404 with no data, never a 403; anonymous is a 401; a revoked
key is a 401.
"""

import pytest

from assets.models import Asset
from generation.runner import run_job
from tenants.services import revoke_api_key

JOB_BODY = {"model": "local", "prompt": "a linen shirt on a hanger", "size": "256x256"}


@pytest.fixture
def acme_job(submit):
    job = submit(n=2)
    run_job(job.pk)
    return job


@pytest.fixture
def acme_asset(acme_job):
    return Asset.objects.for_tenant(acme_job.tenant).get(job=acme_job, index=0)


def object_endpoints(job, asset):
    return [
        ("get", f"/api/v1/jobs/{job.pk}"),
        ("post", f"/api/v1/jobs/{job.pk}/cancel"),
        ("get", f"/api/v1/assets/{asset.pk}"),
    ]


def all_endpoints(job, asset):
    return [("post", "/api/v1/jobs"), ("get", "/api/v1/jobs"), ("get", "/api/v1/assets"),
            ("get", "/api/v1/models"), *object_endpoints(job, asset)]


def test_owner_sees_its_job_and_assets(owner, acme_job, acme_asset):
    job = owner.get(f"/api/v1/jobs/{acme_job.pk}").json()
    assert job["id"] == str(acme_job.pk)
    assert job["status"] == "succeeded"
    assert [a["index"] for a in job["assets"]] == [0, 1]
    asset = owner.get(f"/api/v1/assets/{acme_asset.pk}").json()
    assert asset["id"] == str(acme_asset.pk)
    assert asset["url"]
    listed = owner.get("/api/v1/jobs").json()["results"]
    assert [j["id"] for j in listed] == [str(acme_job.pk)]
    assert len(owner.get("/api/v1/assets").json()["results"]) == 2


def test_stranger_gets_404_for_every_foreign_object(stranger, acme_job, acme_asset):
    for method, path in object_endpoints(acme_job, acme_asset):
        response = getattr(stranger, method)(path)
        assert response.status_code == 404, path
        body = response.json()
        assert body["code"] == "not_found"
        assert str(acme_job.pk) not in response.content.decode()
        assert acme_job.prompt not in response.content.decode()


def test_stranger_lists_do_not_contain_foreign_objects(stranger, acme_job):
    assert stranger.get("/api/v1/jobs").json()["results"] == []
    assert stranger.get("/api/v1/assets").json()["results"] == []


def test_stranger_cannot_cancel_a_foreign_queued_job(stranger, submit):
    job = submit()
    assert stranger.post(f"/api/v1/jobs/{job.pk}/cancel").status_code == 404
    job.refresh_from_db()
    assert job.status == "queued"


def test_anonymous_gets_401_everywhere(anonymous, acme_job, acme_asset):
    for method, path in all_endpoints(acme_job, acme_asset):
        response = getattr(anonymous, method)(path, JOB_BODY, format="json")
        assert response.status_code == 401, path
        assert response.json()["code"] == "not_authenticated"
        assert response["WWW-Authenticate"].startswith("Bearer")


def test_revoked_key_gets_401_everywhere(owner, acme, acme_job, acme_asset):
    revoke_api_key(acme.key.api_key)
    for method, path in all_endpoints(acme_job, acme_asset):
        response = getattr(owner, method)(path, JOB_BODY, format="json")
        assert response.status_code == 401, path


def test_unknown_and_malformed_ids_are_404(owner, acme):
    for path in ["/api/v1/jobs/00000000-0000-0000-0000-000000000000", "/api/v1/jobs/nope",
                 "/api/v1/assets/12", "/api/v1/jobs/nope/cancel"]:
        method = owner.post if path.endswith("cancel") else owner.get
        assert method(path).status_code == 404, path
