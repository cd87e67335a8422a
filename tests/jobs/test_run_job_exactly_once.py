"""Running a job is idempotent: any number of runs, from any worker, make one set of assets."""

from datetime import timedelta

from django.core.files.storage import default_storage
from django.utils import timezone

from assets.models import Asset
from generation.models import Job
from generation.runner import claim_job, run_job


def asset_rows(job):
    return list(Asset.objects.for_tenant(job.tenant).filter(job=job).order_by("index")
                .values_list("index", "seed", "sha256", "storage_key"))


def test_a_job_makes_n_assets_with_consecutive_seeds_and_stored_bytes(submit):
    job = submit(n=3, seed=41)
    run_job(job.pk)
    job.refresh_from_db()
    assert job.status == "succeeded" and job.attempts == 1
    rows = asset_rows(job)
    assert [(i, seed) for i, seed, *_ in rows] == [(0, 41), (1, 42), (2, 43)]
    for index, seed, _sha, key in rows:
        assert key == (f"generated/acme/{key.split('/')[2]}/{job.pk}/{index}-{seed}.png")
        assert default_storage.exists(key)


def test_running_a_finished_job_again_changes_nothing(submit):
    job = submit(n=2)
    run_job(job.pk)
    before = asset_rows(job)
    run_job(job.pk)
    job.refresh_from_db()
    assert asset_rows(job) == before
    assert job.attempts == 1


def test_a_job_whose_worker_died_resumes_at_the_missing_images(submit):
    job = submit(n=4, seed=7)
    run_job(job.pk)
    first_ids = dict(Asset.unscoped.filter(job=job).values_list("index", "pk"))
    # The state a crash leaves: images 2 and 3 never recorded, the runner's lease lapsed.
    Asset.unscoped.filter(job=job, index__gte=2).delete()
    Job.unscoped.filter(pk=job.pk).update(
        status="running", finished_at=None,
        lease_expires_at=timezone.now() - timedelta(seconds=1))
    run_job(job.pk)
    job.refresh_from_db()
    assert job.status == "succeeded" and job.attempts == 2
    again = dict(Asset.unscoped.filter(job=job).values_list("index", "pk"))
    assert sorted(again) == [0, 1, 2, 3]
    assert again[0] == first_ids[0] and again[1] == first_ids[1]
    assert [seed for _i, seed, *_ in asset_rows(job)] == [7, 8, 9, 10]


def test_a_job_with_a_live_lease_cannot_be_claimed_twice(submit):
    job = submit()
    assert claim_job(job.pk) is not None
    assert claim_job(job.pk) is None
    Job.unscoped.filter(pk=job.pk).update(lease_expires_at=timezone.now() - timedelta(seconds=1))
    assert claim_job(job.pk) is not None


def test_same_prompt_and_seed_reproduce_the_same_image(submit):
    """Pixels match to within the invisible watermark (which carries each asset's own id, so
    two marks differ): far closer than another seed's image."""
    import io

    from PIL import Image, ImageChops, ImageStat

    from provenance import watermark

    first, second, other = submit(seed=99), submit(seed=99), submit(seed=100)
    images = []
    for job in (first, second, other):
        run_job(job.pk)
        with default_storage.open(asset_rows(job)[0][3], "rb") as handle:
            images.append(Image.open(io.BytesIO(handle.read())).convert("RGB"))
    same = max(ImageStat.Stat(ImageChops.difference(images[0], images[1])).mean)
    different = max(ImageStat.Stat(ImageChops.difference(images[0], images[2])).mean)
    assert same < 1.5 * watermark.STRENGTH  # two independent marks of this RMS strength
    assert different > 4 * same


def test_requested_formats_are_stored_as_such(submit):
    for fmt, ext, magic in [("jpeg", "jpg", b"\xff\xd8\xff"), ("webp", "webp", b"RIFF"),
                            ("png", "png", b"\x89PNG")]:
        job = submit(params={"output_format": fmt})
        run_job(job.pk)
        asset = Asset.unscoped.get(job=job)
        assert asset.format == fmt and asset.storage_key.endswith(f".{ext}")
        with default_storage.open(asset.storage_key, "rb") as handle:
            assert handle.read(4).startswith(magic[:4])


def test_asset_records_everything_needed_to_reproduce_it(submit):
    job = submit(prompt="oak chair", negative_prompt="people", seed=3, size="320x256",
                 quality="premium")
    run_job(job.pk)
    asset = Asset.unscoped.get(job=job)
    assert (asset.model_key, asset.model_id, asset.operation) == (
        "local", "atelier.local-v1", "text_to_image")
    assert (asset.width, asset.height, asset.seed) == (320, 256, 3)
    assert asset.parameters == {"prompt": "oak chair", "negative_prompt": "people",
                                "width": 320, "height": 256, "quality": "premium",
                                "style": None, "params": {"output_format": "png"}}
    assert len(asset.sha256) == 64 and asset.bytes > 0
