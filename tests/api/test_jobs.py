"""POST /jobs and GET /jobs: the happy paths, filters, pagination, cancel, dry runs."""

from generation.models import Job
from tests.conftest import queued_messages


def test_submit_returns_202_with_the_job_and_its_estimate(owner, acme, empty_queue):
    response = owner.post("/api/v1/jobs", {"model": "local", "prompt": "a brass lamp", "n": 3,
                                           "seed": 5, "aspect_ratio": "16:9"}, format="json")
    assert response.status_code == 202
    body = response.json()
    assert body["status"] == "queued"
    assert body["n"] == 3 and body["seed"] == 5 and body["size"] == "1344x768"
    assert body["estimated_cost_usd"] == "0.0000"
    assert response["Location"] == f"/api/v1/jobs/{body['id']}"
    assert Job.objects.for_tenant(acme.tenant).get(pk=body["id"]).params == {
        "output_format": "png"}


def test_submit_enqueues_exactly_one_message_after_commit(owner, transactional_db, acme,
                                                          empty_queue):
    owner.post("/api/v1/jobs", {"model": "local", "prompt": "a brass lamp"}, format="json")
    assert queued_messages() == 1


def test_dry_run_estimates_without_creating_or_queueing(owner, acme, empty_queue):
    response = owner.post("/api/v1/jobs", {"model": "local", "prompt": "x", "n": 4,
                                           "dry_run": True}, format="json")
    assert response.status_code == 200
    body = response.json()
    assert body.pop("quota")["images"] == {"used": 0, "reserved": 0, "limit": None,
                                           "left": None}
    assert body == {"dry_run": True, "model": "local", "operation": "text_to_image",
                    "n": 4, "size": "1024x1024", "params": {"output_format": "png"},
                    "estimated_cost_usd": "0.0000", "price_is_estimate": False}
    assert not Job.objects.for_tenant(acme.tenant).exists()
    assert queued_messages() == 0


def test_list_filters_by_status_and_model_and_paginates(owner, submit):
    jobs = [submit() for _ in range(3)]
    Job.unscoped.filter(pk=jobs[0].pk).update(status="succeeded")
    queued = owner.get("/api/v1/jobs?status=queued").json()["results"]
    assert {j["id"] for j in queued} == {str(jobs[1].pk), str(jobs[2].pk)}
    assert owner.get("/api/v1/jobs?model=other").json()["results"] == []
    first = owner.get("/api/v1/jobs?limit=2").json()
    assert len(first["results"]) == 2 and first["next"]
    second = owner.get(first["next"]).json()
    seen = [j["id"] for j in first["results"] + second["results"]]
    assert sorted(seen) == sorted(str(j.pk) for j in jobs)


def test_list_refuses_an_unknown_status_filter(owner, acme):
    response = owner.get("/api/v1/jobs?status=done")
    assert response.status_code == 400
    assert response.json()["field"] == "status"


def test_cancel_a_queued_job_and_refuse_to_cancel_a_finished_one(owner, submit):
    job = submit()
    response = owner.post(f"/api/v1/jobs/{job.pk}/cancel")
    assert response.status_code == 200
    assert response.json()["status"] == "canceled"
    Job.unscoped.filter(pk=job.pk).update(status="succeeded")
    response = owner.post(f"/api/v1/jobs/{job.pk}/cancel")
    assert response.status_code == 409
    assert response.json()["field"] == "status"


def test_canceled_job_is_never_run(submit):
    from generation.runner import run_job
    from generation.services import cancel_job

    job = submit()
    cancel_job(job.tenant, job.pk)
    run_job(job.pk)
    job.refresh_from_db()
    assert job.status == "canceled" and not job.assets.exists()


def test_models_endpoint_lists_the_catalog(owner):
    models = owner.get("/api/v1/models").json()["models"]
    local = next(m for m in models if m["key"] == "local")
    assert list(local["operations"]) == ["text_to_image", "remove_background", "packshot",
                                         "shadow", "scene", "conform"]
    # One parameter for the compositions that share it, naming each of them.
    assert local["params"]["preset"] == {"type": "string", "max_length": 64,
                                         "operations": ["packshot", "conform"],
                                         "required_for": ["packshot", "conform"]}
    assert local["params"]["light_angle"]["operations"] == ["shadow"]
    assert local["lifecycle"]["state"] == "active"
    assert local["limits"]["n"] == [1, 16]


def test_suspended_tenant_cannot_submit(owner, acme):
    acme.tenant.status = "past_due"
    acme.tenant.save()
    response = owner.post("/api/v1/jobs", {"model": "local", "prompt": "x"}, format="json")
    assert response.status_code == 402
    assert response.json()["code"] == "tenant_inactive"
    assert not Job.objects.for_tenant(acme.tenant).exists()
