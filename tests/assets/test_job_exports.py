"""A job's contact sheet (PNG) and its ZIP archive of finals."""

from __future__ import annotations

import io
import zipfile

from PIL import Image

from generation.runner import run_job


def test_contact_sheet_shows_the_jobs_images(owner, submit):
    job = submit(n=4, seed=1)
    run_job(job.pk)
    response = owner.get(f"/api/v1/jobs/{job.pk}/contact-sheet")
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    sheet = Image.open(io.BytesIO(response.content))
    assert sheet.width > 256 * 2 and sheet.height > 256


def zip_of(response) -> zipfile.ZipFile:
    body = b"".join(response.streaming_content)
    assert int(response["Content-Length"]) == len(body)
    return zipfile.ZipFile(io.BytesIO(body))


def test_archive_holds_finals_by_default_and_everything_on_request(owner, submit):
    job = submit(n=3, seed=1)
    run_job(job.pk)
    first = job.assets.order_by("index").first()
    assert owner.post(f"/api/v1/assets/{first.pk}/promote").status_code == 200
    finals = owner.get(f"/api/v1/jobs/{job.pk}/archive")
    assert finals["Content-Disposition"] == f'attachment; filename="job-{job.pk}-final.zip"'
    assert zip_of(finals).namelist() == ["manifest.csv", f"{job.pk}/0-1.png"]
    everything = owner.get(f"/api/v1/jobs/{job.pk}/archive?stage=all")
    assert everything["Content-Disposition"].endswith(f'job-{job.pk}-all.zip"')
    assert len(zip_of(everything).namelist()) == 1 + 3
    drafts = zip_of(owner.get(f"/api/v1/jobs/{job.pk}/archive?stage=draft")).namelist()
    assert drafts == ["manifest.csv", f"{job.pk}/1-2.png", f"{job.pk}/2-3.png"]
    assert owner.get(f"/api/v1/jobs/{job.pk}/archive?stage=bogus").status_code == 400


def test_exports_of_a_job_without_images_and_of_a_foreign_job(owner, stranger, submit):
    job = submit()
    assert owner.get(f"/api/v1/jobs/{job.pk}/contact-sheet").status_code == 409
    assert owner.get(f"/api/v1/jobs/{job.pk}/archive?stage=all").status_code == 409
    run_job(job.pk)
    assert stranger.get(f"/api/v1/jobs/{job.pk}/contact-sheet").status_code == 404
    assert stranger.get(f"/api/v1/jobs/{job.pk}/archive").status_code == 404
