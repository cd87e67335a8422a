"""A batch of packshots in the dashboard: its page counts the SKUs passing each preset and
shows each packshot's compliance, with the rules a failing one breaks; another tenant's user
gets a 404."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from assets.uploads import create_upload
from generation.batches import submit_batch
from generation.models import Job
from generation.runner import run_job
from tests.jobs.test_batch_packshots import catalog_photo


@pytest.fixture
def packshot_batch(acme, empty_queue):
    photos = [str(create_upload(acme.tenant, catalog_photo(i), filename=f"p{i}.png").pk)
              for i in range(2)]
    batch = submit_batch(acme.tenant, model="local", name="lamps", items=[
        {"sku": "LAMP-1", "images": [photos[0]], "packshots": ["amazon-main"]},
        {"sku": "LAMP-2", "images": [photos[1]], "packshots": ["amazon-main"],
         "params": {"shadow": "drop"}}])
    for job in Job.objects.for_tenant(acme.tenant).filter(batch=batch):
        run_job(job.pk)
    return batch


def test_the_batch_page_counts_passing_skus_and_shows_each_packshots_compliance(
        browser, packshot_batch):
    page = browser.get(reverse("dashboard-batch", args=["acme", packshot_batch.pk]))
    assert page.status_code == 200 and page.context["packshots"] is True
    html = page.content.decode()
    summary = re.search(r'<table id="batch-compliance">.*?</table>', html, re.DOTALL)
    assert summary is not None
    assert re.search(r"<code>amazon-main</code></td><td>1 of 2</td><td>1</td><td>0</td>",
                     summary.group(0))
    rows = {row["job"].sku: row for row in page.context["jobs"]}
    assert (rows["LAMP-1"]["preset"], rows["LAMP-1"]["passed"]) == ("amazon-main", True)
    assert rows["LAMP-2"]["passed"] is False and "background" in rows["LAMP-2"]["failed"]
    results = re.search(r'<table id="batch-results">.*?</table>', html, re.DOTALL).group(0)
    assert "<th scope=\"col\">Compliance</th>" in results
    assert "Passes" in results and re.search(r"Fails</span> [^<]*background", results)


def test_a_batch_without_packshots_keeps_its_prompt_column(browser, acme, empty_queue):
    batch = submit_batch(acme.tenant, model="local", items=[
        {"sku": "A", "prompt": "a lamp", "size": "256x256"}])
    html = browser.get(reverse("dashboard-batch", args=["acme", batch.pk])).content.decode()
    assert 'id="batch-compliance"' not in html and "<th scope=\"col\">Prompt</th>" in html


def test_another_tenants_user_gets_404_for_a_packshot_batch(other, packshot_batch):
    for name in ("dashboard-batch", "dashboard-batch-progress"):
        assert other.get(reverse(name, args=["globex", packshot_batch.pk])).status_code == 404


def test_the_preview_says_what_each_row_makes(browser, acme, empty_queue):
    photo = create_upload(acme.tenant, catalog_photo(1), filename="p.png")
    csv = (f"sku,image,packshots,scenes\nLAMP-1,{photo.pk},amazon-main|etsy,marble_counter\n"
           ).encode()
    page = browser.post(reverse("dashboard-batch-new", args=["acme"]), {
        "file": SimpleUploadedFile("c.csv", csv, content_type="text/csv"), "model": "local",
        "preview": "1"})
    assert page.status_code == 200, page.content.decode()[:2000]
    makes = [row["makes"] for row in page.context["preview_rows"]]
    assert makes[:2] == ["Packshot: amazon-main", "Packshot: etsy"]
    assert "Remove background" in makes
