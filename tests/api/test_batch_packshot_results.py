"""What a batch of packshots answers: results by SKU with each preset's job and compliance, a
summary of the SKUs passing each preset, and a ZIP whose manifest carries preset and verdict;
another tenant finds none of it."""

from __future__ import annotations

import csv
import io
import zipfile

import pytest

from assets.uploads import create_upload
from generation import batches
from generation.models import Job
from generation.runner import run_job
from tests.jobs.test_batch_packshots import catalog_photo


@pytest.fixture
def packshot_batch(acme, empty_queue):
    """LAMP-1: two packshots that pass; LAMP-2: the same presets with a drop shadow, which
    amazon-main's white background does not allow; PLAIN: a generated image, no preset."""
    photos = [str(create_upload(acme.tenant, catalog_photo(i), filename=f"p{i}.png").pk)
              for i in range(2)]
    batch = batches.submit_batch(acme.tenant, model="local", name="lamps", items=[
        {"sku": "LAMP-1", "images": [photos[0]], "packshots": ["amazon-main", "shopify"]},
        {"sku": "LAMP-2", "images": [photos[1]], "packshots": ["amazon-main", "shopify"],
         "params": {"shadow": "drop"}},
        {"sku": "PLAIN", "prompt": "a lamp", "size": "256x256", "seed": 7}])
    for job in Job.objects.for_tenant(acme.tenant).filter(batch=batch):
        run_job(job.pk)
    return batch


def test_results_give_each_preset_its_job_and_compliance(owner, packshot_batch):
    results = owner.get(f"/api/v1/batches/{packshot_batch.pk}/results").json()["results"]
    assert list(results) == ["LAMP-1", "LAMP-2", "PLAIN"]
    first, second, plain = results["LAMP-1"], results["LAMP-2"], results["PLAIN"]
    assert (first["job"], first["status"], first["error"]) == (None, "succeeded", None)
    assert {preset: (found["status"], found["passed"], found["failed"])
            for preset, found in first["packshots"].items()} == {
        "amazon-main": ("succeeded", True, []), "shopify": ("succeeded", True, [])}
    assert second["packshots"]["amazon-main"]["passed"] is False
    assert "background" in second["packshots"]["amazon-main"]["failed"]
    assert second["packshots"]["shopify"]["passed"] is True
    # Each image carries its own check, every rule with its measure.
    checks = {asset["compliance"]["preset"]: asset["compliance"] for asset in second["assets"]}
    assert set(checks) == {"amazon-main", "shopify"}
    background = next(rule for rule in checks["amazon-main"]["rules"]
                      if rule["rule"] == "background")
    assert background["passed"] is False and background["fix"] == "re-pad"
    assert plain["packshots"] is None and plain["job"] is not None
    assert [asset["compliance"] for asset in plain["assets"]] == [None]
    job_id = first["packshots"]["shopify"]["job"]
    assert Job.unscoped.get(pk=job_id).params["preset"] == "shopify"


def test_a_page_of_results_never_splits_a_skus_packshots(owner, packshot_batch):
    url, pages = f"/api/v1/batches/{packshot_batch.pk}/results?limit=1", []
    while url:
        page = owner.get(url).json()
        pages.append(page["results"])
        url = page["next"]
    assert [list(page) for page in pages] == [["LAMP-1"], ["LAMP-2"], ["PLAIN"]]
    assert set(pages[0]["LAMP-1"]["packshots"]) == {"amazon-main", "shopify"}


def test_the_batch_counts_the_skus_passing_each_preset(owner, packshot_batch):
    detail = owner.get(f"/api/v1/batches/{packshot_batch.pk}").json()
    assert (detail["items"], detail["jobs"], detail["status"]) == (3, 5, "completed")
    assert detail["compliance"] == {
        "amazon-main": {"skus": 2, "passed": 1, "failed": 1, "no_image": 0},
        "shopify": {"skus": 2, "passed": 2, "failed": 0, "no_image": 0}}
    listed = owner.get("/api/v1/batches").json()["results"][0]
    assert listed["compliance"] == detail["compliance"]


def test_the_zip_keeps_a_folder_per_sku_and_preset_and_the_manifest_says_the_verdict(
        owner, packshot_batch):
    response = owner.get(f"/api/v1/batches/{packshot_batch.pk}/archive?stage=draft")
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    folders = sorted(name.rsplit("/", 1)[0] for name in archive.namelist()[1:])
    assert folders == ["LAMP-1/amazon-main", "LAMP-1/shopify", "LAMP-2/amazon-main",
                       "LAMP-2/shopify", "PLAIN"]
    rows = list(csv.DictReader(io.StringIO(archive.read("manifest.csv").decode())))
    verdicts = {(row["sku"], row["preset"]): (row["compliance"], row["failed_rules"])
                for row in rows}
    assert verdicts[("LAMP-1", "amazon-main")] == ("pass", "")
    assert verdicts[("LAMP-2", "amazon-main")][0] == "fail"
    assert "background" in verdicts[("LAMP-2", "amazon-main")][1].split("|")
    assert verdicts[("PLAIN", "")] == ("", "")


def test_an_images_own_answer_carries_its_compliance(owner, packshot_batch):
    job = Job.unscoped.get(batch=packshot_batch, sku="LAMP-1", params__preset="amazon-main")
    body = owner.get(f"/api/v1/assets/{job.assets.get().pk}").json()
    assert (body["compliance"]["preset"], body["compliance"]["passed"]) == ("amazon-main", True)
    assert [rule["rule"] for rule in body["compliance"]["rules"]][:2] == ["format",
                                                                         "longest_side"]


def test_another_tenant_finds_no_part_of_a_packshot_batch(stranger, anonymous, owner,
                                                          packshot_batch):
    paths = [f"/api/v1/batches/{packshot_batch.pk}",
             f"/api/v1/batches/{packshot_batch.pk}/results",
             f"/api/v1/batches/{packshot_batch.pk}/archive?stage=all"]
    for path in paths:
        assert owner.get(path).status_code == 200, path
        response = stranger.get(path)
        assert response.status_code == 404 and "LAMP" not in response.content.decode(), path
        assert anonymous.get(path).status_code == 401, path
    assert stranger.get("/api/v1/batches").json()["results"] == []
