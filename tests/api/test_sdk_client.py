"""The generated Python client (clients/python, `make sdk`) against a live server, end to end.

Only the client is used (its models, its calls, its httpx client for the signed links): if
the schema misdescribes an answer, a file upload, a binary body or an error, a partner's
generated client breaks in the same place this test does.
"""

from __future__ import annotations

import base64
import io
import sys
import time
import zipfile
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.helpers import png_bytes

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "clients" / "python"))

from atelier_client import AuthenticatedClient
from atelier_client.api.assets import list_assets
from atelier_client.api.batches import (
    create_batch,
    download_batch_archive,
    get_batch,
    list_batch_results,
)
from atelier_client.api.jobs import (
    create_job,
    download_job_archive,
    get_job,
    get_job_contact_sheet,
    list_jobs,
)
from atelier_client.api.models import list_models
from atelier_client.api.templates import create_template
from atelier_client.api.uploads import create_upload
from atelier_client.api.usage import get_usage
from atelier_client.api.webhooks import create_webhook
from atelier_client.models import (
    Asset,
    Batch,
    BatchItem,
    BatchRequest,
    BatchUpload,
    DownloadBatchArchiveStage,
    DownloadJobArchiveStage,
    Error,
    Estimate,
    Job,
    JobRequest,
    JobRequestSlots,
    ListAssetsKind,
    ListJobsStatus,
    ModelCatalog,
    PaginatedJobListList,
    TemplateRequest,
    UploadBase64,
    UploadFile,
    Usage,
    WebhookCreate,
    WebhookEndpointCreated,
)
from atelier_client.types import File

FINISHED = {"succeeded", "partially_succeeded", "failed", "canceled", "blocked"}


def wait_job(client: AuthenticatedClient, job_id: str, timeout: float = 60) -> Job:
    deadline = time.monotonic() + timeout
    while True:
        job = get_job.sync(client=client, id=job_id)
        assert isinstance(job, Job), job
        if job.status.value in FINISHED or time.monotonic() > deadline:
            return job
        time.sleep(0.2)


def wait_batch(client: AuthenticatedClient, batch_id: str, timeout: float = 60) -> Batch:
    deadline = time.monotonic() + timeout
    while True:
        batch = get_batch.sync(client=client, id=batch_id)
        assert isinstance(batch, Batch), batch
        if batch.status.value in ("completed", "canceled") or time.monotonic() > deadline:
            return batch
        time.sleep(0.2)


def submitted(client: AuthenticatedClient, body: JobRequest, **kwargs: Any) -> Job:
    job = create_job.sync(client=client, body=body, **kwargs)
    assert isinstance(job, Job), job
    return job


def download(client: AuthenticatedClient, url: str) -> bytes:
    response = client.get_httpx_client().get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.content


def zip_names(data: bytes) -> list[str]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.namelist()


@pytest.fixture
def client(live_server: Any, acme: Any, run_jobs: Any, bedrock: Any, private_webhooks: Any
           ) -> AuthenticatedClient:
    return AuthenticatedClient(base_url=live_server.url, token=acme.key.secret, timeout=30.0,
                               raise_on_unexpected_status=True)


def test_the_generated_client_does_a_partners_whole_day(client, receiver):
    # Uploads: an image as a multipart file, a mask as base64 JSON (both shapes the API reads).
    photo = png_bytes((640, 480), (200, 40, 40), box=(160, 120, 321, 241),
                      box_color=(20, 20, 20))
    mask = png_bytes((640, 480), 0, mode="L", box=(160, 120, 480, 360), box_color=255)
    image = create_upload.sync(client=client, body=UploadFile(
        file=File(payload=io.BytesIO(photo), file_name="photo.png", mime_type="image/png")))
    assert isinstance(image, Asset), image
    mask_upload = create_upload.sync(client=client, body=UploadBase64(
        data=base64.b64encode(mask).decode(), filename="mask.png"))
    assert isinstance(mask_upload, Asset), mask_upload
    assert (image.kind.value, image.width, mask_upload.height) == ("upload", 640, 480)

    # The catalog and the month's usage, typed.
    catalog = list_models.sync(client=client)
    assert isinstance(catalog, ModelCatalog)
    local = next(model for model in catalog.models if model.key == "local")
    assert "text_to_image" in local.operations.additional_properties
    assert local.limits.n == [1, 16]
    usage = get_usage.sync(client=client)
    assert isinstance(usage, Usage) and usage.images.used == 0

    # Text to image, n=4: every image downloaded through its signed link.
    job = submitted(client, JobRequest(model="local", prompt="a teapot", n=4, size="256x256",
                                       seed=7))
    done = wait_job(client, str(job.id))
    assert done.status.value == "succeeded", done.error
    assert len(done.assets) == 4
    for asset in done.assets:
        assert isinstance(asset.url, str)
        assert download(client, asset.url).startswith(b"\x89PNG")
        for rendition in asset.renditions:
            assert rendition.width > 0 and rendition.url
    sheet = get_job_contact_sheet.sync(client=client, id=job.id)
    assert isinstance(sheet, File) and sheet.payload.read().startswith(b"\x89PNG")

    # A dry run answers the typed estimate.
    estimate = create_job.sync(client=client, body=JobRequest(model="local", prompt="a lamp",
                                                              dry_run=True))
    assert isinstance(estimate, Estimate) and estimate.dry_run is True

    # A template job that names no model: the template's model, the template's prompt.
    template = create_template.sync(client=client, body=TemplateRequest(
        name="studio", prompt="a {subject} on white marble", model="local", size="256x256"))
    assert template is not None and not isinstance(template, Error), template
    from_template = submitted(client, JobRequest(template="studio",
                                                 slots=JobRequestSlots.from_dict(
                                                     {"subject": "vase"})))
    assert from_template.model == "local"
    assert from_template.prompt == "a vase on white marble"
    assert wait_job(client, str(from_template.id)).status.value == "succeeded"

    # Its error envelope, typed: the missing slot named.
    missing = create_job.sync(client=client, body=JobRequest(template="studio"))
    assert isinstance(missing, Error), missing
    assert (missing.code, missing.field, missing.missing) == ("invalid_parameter", "slots",
                                                              ["subject"])

    # Inpaint from the two uploads (Bedrock's local double).
    inpaint = submitted(client, JobRequest(model="stability-inpaint", operation="inpaint",
                                           prompt="a blue vase", images=[str(image.id)],
                                           mask=str(mask_upload.id)))
    inpainted = wait_job(client, str(inpaint.id))
    assert inpainted.status.value == "succeeded", inpainted.error
    assert (inpainted.operation, inpainted.width, inpainted.height) == ("inpaint", 640, 480)

    # Lists: a filter and a cursor.
    first = list_jobs.sync(client=client, status=ListJobsStatus.SUCCEEDED, limit=2)
    assert isinstance(first, PaginatedJobListList) and len(first.results) == 2
    assert isinstance(first.next_, str)
    cursor = parse_qs(urlsplit(first.next_).query)["cursor"][0]
    second = list_jobs.sync(client=client, status=ListJobsStatus.SUCCEEDED, limit=2,
                            cursor=cursor)
    assert isinstance(second, PaginatedJobListList)
    assert {j.id for j in first.results}.isdisjoint({j.id for j in second.results})
    assert {j.id for j in [*first.results, *second.results]} == {
        job.id, from_template.id, inpaint.id}
    uploads = list_assets.sync(client=client, kind=ListAssetsKind.UPLOAD)
    assert uploads is not None and not isinstance(uploads, Error)
    assert {a.id for a in uploads.results} == {image.id, mask_upload.id}

    # Batches: a CSV file (multipart), a text/csv body and JSON rows taking the batch's model.
    csv = b"sku,prompt,size\nTEA-1,a cast-iron teapot,256x256\nTEA-2,a glass teapot,256x256\n"
    from_file = create_batch.sync(client=client, body=BatchUpload(
        file=File(payload=io.BytesIO(csv), file_name="teapots.csv", mime_type="text/csv"),
        model="local"))
    from_body = create_batch.sync(client=client, body=File(payload=io.BytesIO(csv)),
                                  model="local", name="teapots, again")
    from_rows = create_batch.sync(client=client, body=BatchRequest(model="local", items=[
        BatchItem(sku="MUG-1", prompt="a mug", size="256x256"),
        BatchItem(sku="MUG-2", prompt="a cup", size="256x256", n=2)]))
    for batch in (from_file, from_body, from_rows):
        assert isinstance(batch, Batch), batch
        assert wait_batch(client, str(batch.id)).status.value == "completed"
    assert isinstance(from_rows, Batch) and from_rows.images == 3
    results = list_batch_results.sync(client=client, id=from_rows.id)
    assert results is not None and not isinstance(results, Error)
    rows = results.results.additional_properties
    assert set(rows) == {"MUG-1", "MUG-2"} and len(rows["MUG-2"].assets) == 2

    # A refused batch: every row's error, typed.
    refused = create_batch.sync(client=client, body=BatchRequest(model="local", items=[
        BatchItem(sku="A", prompt="x", n=0), BatchItem(sku="A", prompt="y")]))
    assert isinstance(refused, Error) and refused.code == "invalid_batch", refused
    assert isinstance(refused.errors, list) and refused.error_count == len(refused.errors) == 2
    assert [(e.row, e.code) for e in refused.errors] == [(1, "invalid_parameter"),
                                                         (2, "duplicate_sku")]

    # Archives: drafts as ZIPs; none final yet, a 409 saying which stages have images.
    job_zip = download_job_archive.sync(client=client, id=job.id,
                                        stage=DownloadJobArchiveStage.DRAFT)
    assert isinstance(job_zip, File) and len(zip_names(job_zip.payload.read())) >= 4
    assert isinstance(from_rows, Batch)
    batch_zip = download_batch_archive.sync(client=client, id=from_rows.id,
                                            stage=DownloadBatchArchiveStage.ALL)
    assert isinstance(batch_zip, File)
    names = zip_names(batch_zip.payload.read())
    assert any(name.startswith("MUG-2/") for name in names), names
    empty = download_job_archive.sync(client=client, id=job.id)
    assert isinstance(empty, Error) and empty.field == "stage", empty

    # A webhook endpoint: its secret shown once.
    endpoint = create_webhook.sync(client=client, body=WebhookCreate(
        url=f"{receiver.url}/hooks", events=["job.succeeded", "batch.completed"]))
    assert isinstance(endpoint, WebhookEndpointCreated), endpoint
    assert isinstance(endpoint.secret, str) and endpoint.secret.startswith("whsec_")

    # An idempotent POST, replayed: the same job, marked as a replay.
    body = JobRequest(model="local", prompt="once", size="256x256")
    once = create_job.sync_detailed(client=client, body=body, idempotency_key="order-42")
    again = create_job.sync_detailed(client=client, body=body, idempotency_key="order-42")
    assert isinstance(once.parsed, Job) and isinstance(again.parsed, Job)
    assert again.parsed.id == once.parsed.id
    assert again.headers.get("Idempotent-Replayed") == "true"
    other = create_job.sync(client=client, body=JobRequest(model="local", prompt="twice"),
                            idempotency_key="order-42")
    assert isinstance(other, Error) and other.code == "idempotency_key_reused", other

    # Errors the server refuses with, each its typed envelope.
    unknown = get_job.sync(client=client, id=inpaint.id.__class__(int=1))
    assert isinstance(unknown, Error) and unknown.code == "not_found"
    blank_model = create_job.sync(client=client, body=JobRequest(model="", prompt="x"))
    assert isinstance(blank_model, Error) and blank_model.field == "model"
    unauthenticated = get_usage.sync(client=AuthenticatedClient(
        base_url=client._base_url, token="ak_wrong"))
    assert isinstance(unauthenticated, Error) and unauthenticated.code in (
        "authentication_failed", "not_authenticated")
