"""Job and batch archives: streamed (the first bytes leave before the images are read, each
image opened once, when its turn comes), with a manifest whose digests match the bytes, the
asked-for stage only, a 409 that says what there is instead of an empty ZIP, and only to the
tenant that owns them."""

from __future__ import annotations

import csv
import hashlib
import io
import zipfile
from typing import Any, ClassVar

import pytest
from django.core.files.storage import FileSystemStorage
from django.http import StreamingHttpResponse
from django.urls import reverse

from assets.archives import MANIFEST_COLUMNS, spreadsheet_safe
from assets.models import Asset
from generation import batches
from generation.models import Job
from generation.runner import run_job
from tenants.services import ensure_owner
from tests.helpers import signed_in, temporary_bucket


class CountingStorage(FileSystemStorage):
    """The test media directory, noting each file opened for reading, in order."""

    opened: ClassVar[list[str]] = []

    def _open(self, name: str, mode: str = "rb") -> Any:
        CountingStorage.opened.append(name)
        return super()._open(name, mode)


@pytest.fixture
def counting(settings) -> list[str]:
    """From here on, the default storage counts the files it opens (the same files)."""
    CountingStorage.opened = []
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": f"{__name__}.CountingStorage",
        "OPTIONS": settings.STORAGES["default"].get("OPTIONS", {})}}
    return CountingStorage.opened


def made_batch(tenant: Any, items: list[dict[str, Any]]) -> Any:
    batch = batches.submit_batch(tenant, model="local", name="mugs", items=items)
    for job in Job.objects.for_tenant(tenant).filter(batch=batch):
        run_job(job.pk)
    return batch


@pytest.fixture
def acme_batch(acme):
    return made_batch(acme.tenant, [
        {"sku": "MUG-1", "prompt": "a red mug", "size": "256x256", "seed": 3},
        {"sku": "MUG-2", "prompt": "a blue mug", "size": "256x256", "seed": 5, "n": 2},
        {"sku": "MUG-3", "prompt": "a green mug", "size": "256x256", "seed": 7, "n": 3}])


def body_of(response: Any) -> bytes:
    return b"".join(response.streaming_content)


def manifest_of(archive: zipfile.ZipFile) -> list[dict[str, str]]:
    with archive.open("manifest.csv") as handle:
        return list(csv.DictReader(io.TextIOWrapper(handle, encoding="utf-8", newline="")))


# --- streaming ----------------------------------------------------------------------------

def test_the_archive_streams_before_reading_the_images(owner, acme, acme_batch, counting):
    response = owner.get(f"/api/v1/batches/{acme_batch.pk}/archive?stage=all")
    assert response.status_code == 200 and isinstance(response, StreamingHttpResponse)
    assert counting == []  # the rows are read; no image yet
    chunks = iter(response.streaming_content)
    first = next(chunks)
    assert first.startswith(b"PK\x03\x04") and counting == []
    opened_by_chunk = [len(counting)]
    rest = []
    for chunk in chunks:
        rest.append(chunk)
        opened_by_chunk.append(len(counting))
    body = first + b"".join(rest)
    assert int(response["Content-Length"]) == len(body)
    stored = set(Asset.objects.for_tenant(acme.tenant).values_list("storage_key", flat=True))
    assert sorted(counting) == sorted(stored)  # each image opened once, none twice
    assert len(set(opened_by_chunk)) > len(stored)  # one after another as the stream goes
    archive = zipfile.ZipFile(io.BytesIO(body))
    assert archive.testzip() is None
    images = [info for info in archive.infolist() if info.filename != "manifest.csv"]
    assert {info.compress_type for info in images} == {zipfile.ZIP_STORED}


def test_the_dashboard_archive_streams_too(acme, acme_batch, counting):
    browser = signed_in(ensure_owner(acme.tenant, "owner@acme.test", "correct horse")[0])
    response = browser.get(reverse("dashboard-batch-archive", args=["acme", acme_batch.pk]),
                           {"stage": "all"})
    assert isinstance(response, StreamingHttpResponse) and counting == []
    assert response["Content-Disposition"] == f'attachment; filename="batch-{acme_batch.pk}.zip"'
    names = zipfile.ZipFile(io.BytesIO(body_of(response))).namelist()
    assert names[0] == "manifest.csv" and len(names) == 1 + 6 and len(counting) == 6


@pytest.fixture(params=["filesystem", "s3"])
def backend(request, settings):
    """The filesystem, then a real S3 server (skipped on a bare machine, not in CI)."""
    if request.param == "s3":
        request.getfixturevalue("s3_endpoint")
        with temporary_bucket() as bucket:
            settings.ATELIER_BUCKET = bucket
            settings.STORAGES = {**settings.STORAGES, "default": {
                "BACKEND": "assets.storage.PrivateS3Storage",
                "OPTIONS": {"bucket_name": bucket, "default_acl": None,
                            "querystring_auth": True, "file_overwrite": True,
                            "signature_version": "s3v4",
                            "object_parameters": {"ServerSideEncryption": "AES256"}}}}
            yield request.param
        return
    yield request.param


def test_the_archive_holds_the_stored_bytes_on_either_backend(backend, owner, submit):
    job = submit(n=3, seed=21, size="512x512")
    run_job(job.pk)
    response = owner.get(f"/api/v1/jobs/{job.pk}/archive?stage=all")
    body = body_of(response)
    assert int(response["Content-Length"]) == len(body)
    archive = zipfile.ZipFile(io.BytesIO(body))
    rows = manifest_of(archive)
    assert len(rows) == 3
    for row, name in zip(rows, archive.namelist()[1:], strict=True):
        assert hashlib.sha256(archive.read(name)).hexdigest() == row["sha256"]


# --- the manifest --------------------------------------------------------------------------

def test_the_manifest_lists_every_image_with_the_digest_of_its_bytes(owner, acme, acme_batch):
    archive = zipfile.ZipFile(io.BytesIO(body_of(
        owner.get(f"/api/v1/batches/{acme_batch.pk}/archive?stage=all"))))
    assert archive.namelist()[0] == "manifest.csv"
    with archive.open("manifest.csv") as handle:
        assert handle.readline().decode().rstrip("\r\n") == ",".join(MANIFEST_COLUMNS)
    rows = manifest_of(archive)
    assets = {str(a.pk): a for a in Asset.objects.for_tenant(acme.tenant).select_related("job")}
    assert sorted(row["asset"] for row in rows) == sorted(assets)
    names = [name for name in archive.namelist() if name != "manifest.csv"]
    for row, name in zip(rows, names, strict=True):  # the manifest lists them in ZIP order
        asset = assets[row["asset"]]
        data = archive.read(name)
        assert name == f"{asset.job.sku}/{asset.index}-{asset.seed}.png"
        assert row["sha256"] == hashlib.sha256(data).hexdigest() == asset.sha256
        assert row == {"sku": asset.job.sku, "job": str(asset.job_id), "asset": str(asset.pk),
                       "stage": "draft", "status": "succeeded", "model": "local",
                       "seed": str(asset.seed), "prompt": asset.job.prompt,
                       "width": "256", "height": "256", "sha256": asset.sha256,
                       "preset": "", "compliance": "", "failed_rules": "",  # not packshots
                       "operation": "text_to_image", "scene": "", "format": ""}
    assert [row["sku"] for row in rows] == ["MUG-1", "MUG-2", "MUG-2", "MUG-3", "MUG-3",
                                            "MUG-3"]


def test_a_jobs_manifest_has_no_sku(owner, submit):
    job = submit(n=2, seed=11, prompt="a copper kettle")
    run_job(job.pk)
    archive = zipfile.ZipFile(io.BytesIO(body_of(
        owner.get(f"/api/v1/jobs/{job.pk}/archive?stage=draft"))))
    rows = manifest_of(archive)
    assert [(r["sku"], r["job"], r["prompt"], r["seed"]) for r in rows] == [
        ("", str(job.pk), "a copper kettle", "11"), ("", str(job.pk), "a copper kettle", "12")]
    for row, name in zip(rows, archive.namelist()[1:], strict=True):
        assert hashlib.sha256(archive.read(name)).hexdigest() == row["sha256"]


def test_manifest_cells_that_read_as_formulas_are_kept_as_text(owner, acme):
    formulas = ["=HYPERLINK(\"http://evil.test\",\"x\")", "+1+2", "-2+3", "@SUM(A1)",
                "\tTAB", "\r=1"]
    batch = made_batch(acme.tenant, [
        {"sku": f"F{i}", "prompt": formula, "size": "256x256", "seed": i}
        for i, formula in enumerate(formulas)] + [
        {"sku": "=1+1", "prompt": "a plain mug", "size": "256x256", "seed": 9}])
    rows = manifest_of(zipfile.ZipFile(io.BytesIO(body_of(
        owner.get(f"/api/v1/batches/{batch.pk}/archive?stage=all")))))
    prompts = {row["sku"]: row["prompt"] for row in rows}
    assert prompts == {**{f"F{i}": f"'{formula}" for i, formula in enumerate(formulas)},
                       "'=1+1": "a plain mug"}


def test_spreadsheet_safe_leaves_plain_cells_alone():
    assert [spreadsheet_safe(v) for v in ("a mug", "", "1+1", " =x", 42, -3, None)] == [
        "a mug", "", "1+1", " =x", 42, -3, None]
    assert spreadsheet_safe("=x") == "'=x" and spreadsheet_safe("-x") == "'-x"


# --- stages and the 409 --------------------------------------------------------------------

def test_only_the_asked_for_stage_is_in_the_archive(owner, acme, acme_batch):
    promoted = Asset.objects.for_tenant(acme.tenant).filter(job__sku="MUG-3")
    for asset in promoted:
        assert owner.post(f"/api/v1/assets/{asset.pk}/promote").status_code == 200
    for stage, skus in (("final", ["MUG-3"] * 3), ("draft", ["MUG-1", "MUG-2", "MUG-2"]),
                        ("all", ["MUG-1", "MUG-2", "MUG-2", "MUG-3", "MUG-3", "MUG-3"])):
        response = owner.get(f"/api/v1/batches/{acme_batch.pk}/archive?stage={stage}")
        assert response["Content-Disposition"].endswith(f'-{stage}.zip"')
        archive = zipfile.ZipFile(io.BytesIO(body_of(response)))
        rows = manifest_of(archive)
        assert [row["sku"] for row in rows] == skus, stage
        assert {row["stage"] for row in rows} == (
            {"draft", "final"} if stage == "all" else {stage})
        assert [name.split("/")[0] for name in archive.namelist()[1:]] == skus


def test_an_empty_stage_is_a_409_saying_what_there_is_and_how_to_promote(owner, acme,
                                                                          acme_batch):
    Asset.objects.for_tenant(acme.tenant).filter(job__sku="MUG-1").update(
        moderation_status=Asset.Moderation.PENDING_REVIEW)  # in no archive, nor counted
    response = owner.get(f"/api/v1/batches/{acme_batch.pk}/archive")
    assert response.status_code == 409
    body = response.json()
    assert {k: v for k, v in body.items() if k != "message"} == {
        "code": "archive_empty", "field": "stage", "stage": "final",
        "images_by_stage": {"draft": 5, "final": 0}}
    message = body["message"]
    assert message.startswith("stage: this batch has no final images")
    for words in ("5 draft images", "POST /api/v1/assets/{id}/promote", "?stage=draft"):
        assert words in message, words


def test_a_job_with_only_finals_asked_for_drafts(owner, submit):
    job = submit(n=2, seed=1)
    run_job(job.pk)
    for asset in job.assets.all():
        owner.post(f"/api/v1/assets/{asset.pk}/promote")
    body = owner.get(f"/api/v1/jobs/{job.pk}/archive?stage=draft").json()
    assert (body["stage"], body["images_by_stage"]) == ("draft", {"draft": 0, "final": 2})
    assert "this job has no draft images" in body["message"]
    assert "?stage=final" in body["message"] and "promote" not in body["message"]


def test_the_dashboard_shows_the_409s_message_instead_of_an_empty_zip(acme, acme_batch):
    browser = signed_in(ensure_owner(acme.tenant, "owner@acme.test", "correct horse")[0])
    response = browser.get(reverse("dashboard-batch-archive", args=["acme", acme_batch.pk]),
                           follow=True)
    assert response.redirect_chain[-1][0] == reverse("dashboard-batch",
                                                     args=["acme", acme_batch.pk])
    text = response.content.decode()
    assert "this batch has no final images to download, but 6 draft images" in text
    assert response["Content-Type"].startswith("text/html")
    job = Job.objects.for_tenant(acme.tenant).filter(batch=acme_batch).first()
    Asset.objects.for_tenant(acme.tenant).filter(job=job).update(
        moderation_status=Asset.Moderation.PENDING_REVIEW)
    response = browser.get(reverse("dashboard-job-archive", args=["acme", job.pk]),
                           follow=True)
    assert response.redirect_chain[-1][0] == reverse("dashboard-job", args=["acme", job.pk])
    assert "this job has no images cleared for delivery yet" in response.content.decode()


# --- who may download ----------------------------------------------------------------------

def test_archives_are_the_owners_only(owner, stranger, anonymous, acme, globex, acme_batch,
                                      submit):
    job = submit(n=1, seed=1)
    run_job(job.pk)
    paths = [f"/api/v1/batches/{acme_batch.pk}/archive?stage=all",
             f"/api/v1/jobs/{job.pk}/archive?stage=all"]
    for path in paths:
        assert owner.get(path).status_code == 200, path
        refused = stranger.get(path)
        assert refused.status_code == 404 and refused.json()["code"] == "not_found", path
        assert "MUG" not in refused.content.decode()
        assert anonymous.get(path).status_code == 401, path
    other = signed_in(ensure_owner(globex.tenant, "owner@globex.test", "correct horse")[0])
    for name, pk in (("dashboard-batch-archive", acme_batch.pk),
                     ("dashboard-job-archive", job.pk)):
        assert other.get(reverse(name, args=["acme", pk])).status_code == 404
        assert other.get(reverse(name, args=["globex", pk])).status_code == 404
