"""/api/v1/webhooks with every persona: the owner manages its endpoints (rotating a secret is
in test_standard_webhooks_rotation.py) and reads their delivery log; a stranger (another
tenant) gets 404s and never sees them; anonymous gets 401; a read-only key may look but not
change anything."""

from __future__ import annotations

import pytest

from api import webhooks

BODY = {"url": "http://127.0.0.1:9/hooks", "events": ["job.succeeded", "batch.completed"],
        "description": "order system"}


@pytest.fixture(autouse=True)
def _private(settings):
    settings.ATELIER_WEBHOOK_ALLOW_PRIVATE = True


@pytest.fixture
def endpoint(owner):
    response = owner.post("/api/v1/webhooks", BODY, format="json")
    assert response.status_code == 201, response.content
    return response.json()


def test_owner_creates_an_endpoint_and_sees_the_secret_only_then(owner, endpoint):
    assert endpoint["secret"].startswith("whsec_")
    assert endpoint["url"] == BODY["url"] and endpoint["events"] == BODY["events"]
    assert endpoint["is_active"] is True
    detail = owner.get(f"/api/v1/webhooks/{endpoint['id']}")
    assert detail.status_code == 200 and "secret" not in detail.json()
    listed = owner.get("/api/v1/webhooks").json()
    assert [item["id"] for item in listed["results"]] == [endpoint["id"]]
    assert "secret" not in listed["results"][0]
    assert endpoint["secret"] not in owner.get("/api/v1/webhooks").content.decode()


def test_owner_reads_the_delivery_log_newest_first(owner, endpoint, acme):
    webhooks.emit(acme.tenant, "job.succeeded", {"job": {"id": "job-1"}})
    webhooks.emit(acme.tenant, "batch.completed", {"batch": {"id": "batch-1"}})
    response = owner.get(f"/api/v1/webhooks/{endpoint['id']}/deliveries?limit=1")
    assert response.status_code == 200
    page = response.json()
    [newest] = page["results"]
    assert newest["event"] == "batch.completed" and newest["status"] == "pending"
    assert newest["payload"]["id"] == newest["id"] and newest["log"] == []
    assert page["next"]
    older = owner.get(page["next"]).json()["results"]
    assert [item["event"] for item in older] == ["job.succeeded"]


def test_owner_can_send_a_test_ping(owner, endpoint):
    response = owner.post(f"/api/v1/webhooks/{endpoint['id']}/test")
    assert response.status_code == 202
    assert response.json()["event"] == "ping"


def test_owner_deletes_an_endpoint_with_its_log(owner, endpoint):
    assert owner.delete(f"/api/v1/webhooks/{endpoint['id']}").status_code == 204
    assert owner.get(f"/api/v1/webhooks/{endpoint['id']}").status_code == 404
    assert owner.get(f"/api/v1/webhooks/{endpoint['id']}/deliveries").status_code == 404


def test_stranger_gets_404_for_a_foreign_endpoint_and_never_lists_it(stranger, owner, endpoint):
    base = f"/api/v1/webhooks/{endpoint['id']}"
    for method, path in [("get", base), ("delete", base), ("get", f"{base}/deliveries"),
                         ("post", f"{base}/test"), ("post", f"{base}/rotate-secret")]:
        response = getattr(stranger, method)(path)
        assert response.status_code == 404, (method, path)
        assert response.json()["code"] == "not_found"
        assert endpoint["url"] not in response.content.decode()
    assert stranger.get("/api/v1/webhooks").json()["results"] == []
    assert owner.get(base).status_code == 200  # still there


def test_anonymous_gets_401(anonymous, endpoint):
    for method, path in [("get", "/api/v1/webhooks"), ("post", "/api/v1/webhooks"),
                         ("get", f"/api/v1/webhooks/{endpoint['id']}"),
                         ("delete", f"/api/v1/webhooks/{endpoint['id']}"),
                         ("post", f"/api/v1/webhooks/{endpoint['id']}/rotate-secret")]:
        assert getattr(anonymous, method)(path).status_code == 401, (method, path)


def test_a_read_only_key_may_list_but_not_create_or_delete(read_only, endpoint):
    assert read_only.get("/api/v1/webhooks").status_code == 200
    assert read_only.get(f"/api/v1/webhooks/{endpoint['id']}/deliveries").status_code == 200
    for response in (read_only.post("/api/v1/webhooks", BODY, format="json"),
                     read_only.delete(f"/api/v1/webhooks/{endpoint['id']}"),
                     read_only.post(f"/api/v1/webhooks/{endpoint['id']}/test"),
                     read_only.post(f"/api/v1/webhooks/{endpoint['id']}/rotate-secret")):
        assert response.status_code == 403
        assert response.json()["code"] == "insufficient_scope"


@pytest.mark.parametrize(("body", "field"), [
    ({**BODY, "events": ["job.succeeded", "job.exploded"]}, "events"),
    ({**BODY, "events": []}, "events"),
    ({"events": ["job.failed"]}, "url"),
    ({**BODY, "url": "ftp://127.0.0.1/hooks"}, "url"),
    ({**BODY, "url": ""}, "url"),
    ({**BODY, "secret": "mine"}, "secret"),
    ({**BODY, "description": "x" * 201}, "description"),
])
def test_bad_input_is_a_400_naming_the_field(owner, body, field):
    response = owner.post("/api/v1/webhooks", body, format="json")
    assert response.status_code == 400, response.content
    error = response.json()
    assert error["field"] == field and error["message"].startswith(f"{field}: ")


def test_unknown_events_are_named(owner):
    response = owner.post("/api/v1/webhooks", {**BODY, "events": ["job.exploded", "job.failed"]},
                          format="json")
    assert "job.exploded" in response.json()["message"]


def test_the_schema_documents_the_webhook_endpoints(anonymous):
    schema = anonymous.get("/api/schema/?format=json").json()
    paths = schema["paths"]
    assert {"get", "post"} <= set(paths["/api/v1/webhooks"])
    assert {"get", "delete"} <= set(paths["/api/v1/webhooks/{id}"])
    assert "get" in paths["/api/v1/webhooks/{id}/deliveries"]
    assert "post" in paths["/api/v1/webhooks/{id}/rotate-secret"]
    created = paths["/api/v1/webhooks"]["post"]["responses"]["201"]
    assert "secret" in str(schema["components"]["schemas"]) and created
