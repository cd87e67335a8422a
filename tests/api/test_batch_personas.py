"""The batch endpoints with the personas: the owner sees its batches; a stranger (another
tenant) gets 404 for every one of them; anonymous gets 401; a read-only key cannot POST."""

from __future__ import annotations

import io
import zipfile

import pytest

from generation import batches
from generation.models import Job
from generation.runner import run_job


@pytest.fixture
def acme_batch(acme):
    batch = batches.submit_batch(acme.tenant, model="local", name="mugs", items=[
        {"sku": "MUG-1", "prompt": "a red mug", "size": "256x256", "seed": 3},
        {"sku": "MUG/2", "prompt": "a blue mug", "size": "256x256", "seed": 5, "n": 2}])
    for job in Job.objects.for_tenant(acme.tenant).filter(batch=batch):
        run_job(job.pk)
    return batch


def object_endpoints(batch):
    return [("get", f"/api/v1/batches/{batch.pk}"),
            ("get", f"/api/v1/batches/{batch.pk}/results"),
            ("get", f"/api/v1/batches/{batch.pk}/archive?stage=all"),
            ("post", f"/api/v1/batches/{batch.pk}/cancel")]


def test_owner_sees_its_batch_its_results_and_its_archive(owner, acme_batch):
    detail = owner.get(f"/api/v1/batches/{acme_batch.pk}").json()
    assert (detail["name"], detail["status"], detail["images_made"]) == ("mugs", "completed", 3)
    listed = owner.get("/api/v1/batches").json()["results"]
    assert [b["id"] for b in listed] == [str(acme_batch.pk)]
    assert listed[0]["counts"]["succeeded"] == 2
    results = owner.get(f"/api/v1/batches/{acme_batch.pk}/results").json()["results"]
    assert set(results) == {"MUG-1", "MUG/2"}
    response = owner.get(f"/api/v1/batches/{acme_batch.pk}/archive?stage=all")
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))).namelist()
    assert sorted(names) == ["MUG-1/0-3.png", "MUG_2/0-5.png", "MUG_2/1-6.png", "manifest.csv"]


def test_the_archive_defaults_to_final_images(owner, acme_batch):
    response = owner.get(f"/api/v1/batches/{acme_batch.pk}/archive")
    assert response.status_code == 409  # all three are drafts: no empty ZIP
    assert (response.json()["code"], response.json()["stage"]) == ("archive_empty", "final")
    assert owner.get(f"/api/v1/batches/{acme_batch.pk}/archive?stage=raw").status_code == 400


def test_stranger_gets_404_for_every_batch_endpoint(stranger, acme_batch):
    for method, path in object_endpoints(acme_batch):
        response = getattr(stranger, method)(path)
        assert response.status_code == 404, path
        assert response.json()["code"] == "not_found"
        assert "MUG" not in response.content.decode()
    assert stranger.get("/api/v1/batches").json()["results"] == []


def test_stranger_cannot_use_another_tenants_template_or_uploads(stranger, acme, uploads):
    from generation.templates import create_template

    create_template(acme.tenant, name="studio", prompt="a {product}", model_key="local")
    response = stranger.post("/api/v1/batches", {"template": "studio", "items": [
        {"sku": "A", "slots": {"product": "mug"}}]}, format="json")
    assert response.status_code == 400 and response.json()["field"] == "template"
    response = stranger.post("/api/v1/batches", {"model": "nova-2-omni", "items": [
        {"sku": "A", "prompt": "a mug", "operation": "image_to_image",
         "images": [str(uploads["photo"].pk)]}]}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["column"].startswith("images")


def test_anonymous_gets_401_everywhere(anonymous, acme_batch):
    for method, path in [("post", "/api/v1/batches"), ("get", "/api/v1/batches"),
                         *object_endpoints(acme_batch)]:
        response = getattr(anonymous, method)(path)
        assert response.status_code == 401, path
        assert response.json()["code"] == "not_authenticated"


def test_a_read_only_key_reads_but_cannot_submit_or_cancel(acme, acme_batch, read_only,
                                                           empty_queue):
    assert read_only.get(f"/api/v1/batches/{acme_batch.pk}").status_code == 200
    response = read_only.post("/api/v1/batches", {"model": "local", "items": [
        {"sku": "A", "prompt": "a mug"}]}, format="json")
    assert response.status_code == 403 and response.json()["code"] == "insufficient_scope"
    assert read_only.post(f"/api/v1/batches/{acme_batch.pk}/cancel").status_code == 403
    assert Job.objects.for_tenant(acme.tenant).filter(sku="A").count() == 0
