"""Batches in the dashboard: a CSV is checked and previewed (first rows, estimate) before it
starts; bad rows are listed by row and column and nothing is made; progress and the ZIP."""

import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from generation.models import Batch, Job

GOOD = ("sku,prompt,n\n" + "".join(f"SKU-{i},a lamp number {i},1\n" for i in range(12))).encode()
BAD = b"sku,prompt,n\nA,a lamp,0\nB,,1\nA,a chair,1\n"


def upload(data):
    return SimpleUploadedFile("catalog.csv", data, content_type="text/csv")


def test_preview_then_start(browser, acme, run_jobs):
    url = reverse("dashboard-batch-new", args=["acme"])
    preview = browser.post(url, {"file": upload(GOOD), "model": "local", "preview": "1"})
    assert preview.status_code == 200
    shown = preview.context["preview"]
    assert (shown["items"], shown["images"], len(shown["rows"])) == (12, 12, 10)
    assert shown["rows"][0] == {**shown["rows"][0], "row": 2, "sku": "SKU-0"}
    assert preview.context["preview_rows"][0]["makes"] == "Text to image"
    assert not Batch.objects.for_tenant(acme.tenant).exists()
    started = browser.post(url, {"csv_b64": preview.context["csv_b64"], "model": "local",
                                 "name": "lamps", "start": "1"})
    batch = Batch.objects.for_tenant(acme.tenant).get()
    assert started["Location"] == reverse("dashboard-batch", args=["acme", batch.pk])
    run_jobs(*Job.objects.for_tenant(acme.tenant).filter(batch=batch))
    page = browser.get(started["Location"])
    assert page.context["described"]["status"] == "completed"
    assert b"hx-trigger" not in browser.get(
        reverse("dashboard-batch-progress", args=["acme", batch.pk])).content
    archive = browser.get(reverse("dashboard-batch-archive", args=["acme", batch.pk]),
                          {"stage": "all"})
    names = zipfile.ZipFile(io.BytesIO(b"".join(archive.streaming_content))).namelist()
    assert len(names) == 1 + 12 and names[0] == "manifest.csv"
    assert names[1].startswith("SKU-0/")


def test_bad_rows_are_listed_and_nothing_is_made(browser, acme, empty_queue):
    url = reverse("dashboard-batch-new", args=["acme"])
    for button in ("preview", "start"):
        response = browser.post(url, {"file": upload(BAD), "model": "local", button: "1"})
        errors = {(e["row"], e["column"]) for e in response.context["errors"]}
        assert {(2, "n"), (3, "prompt"), (4, "sku")} <= errors, button
        assert b'id="batch-errors"' in response.content
    assert not Batch.objects.for_tenant(acme.tenant).exists()
    assert not Job.objects.for_tenant(acme.tenant).exists()


def test_another_tenants_batch_is_404(acme, globex, browser, empty_queue):
    from generation.batches import submit_batch

    theirs = submit_batch(globex.tenant, csv_data=GOOD, model="local")
    for name in ("dashboard-batch", "dashboard-batch-progress", "dashboard-batch-archive"):
        assert browser.get(reverse(name, args=["acme", theirs.pk])).status_code == 404
    assert browser.post(reverse("dashboard-batch-cancel",
                                args=["acme", theirs.pk])).status_code == 404
