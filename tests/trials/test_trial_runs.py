"""A trial runs every prompt on every model as one group of jobs, with one seed, and answers a
grid: model columns with their operations and totals, prompt rows with each cell's image,
latency and price. It costs exactly the sum of its jobs."""

from __future__ import annotations

from decimal import Decimal

from billing.models import Reservation, UsageEvent
from catalog.spec import catalog
from generation.models import Job
from tests.helpers import ledger

PROMPTS = ["a red leather handbag on white marble", "a linen shirt on a wooden hanger",
           "a ceramic mug on an oak table"]


def test_a_trial_runs_every_cell_on_local_and_bedrock(owner, priced, bedrock, run_trial):
    response = owner.post("/api/v1/trials", {"prompts": PROMPTS,
                                             "models": ["local", "stable-image-core"],
                                             "seed": 1234}, format="json")
    assert response.status_code == 202, response.json()
    body = response.json()
    assert response["Location"] == f"/api/v1/trials/{body['id']}"
    # Accepted as one group: six jobs, held together at the sum of their prices.
    assert body["estimated_cost_usd"] == "0.1800"
    assert ledger(priced.tenant).reserved_usd == Decimal("0.18")
    assert ledger(priced.tenant).reserved_images == 6

    jobs = run_trial(priced.tenant, body["id"])
    assert len(jobs) == 6 and {job.status for job in jobs} == {"succeeded"}
    assert len(bedrock.bodies()) == 3  # the three stable-image-core cells went to Bedrock

    grid = owner.get(f"/api/v1/trials/{body['id']}").json()
    assert grid["finished"] is True
    assert [m["key"] for m in grid["models"]] == ["local", "stable-image-core"]
    assert [row["prompt"] for row in grid["rows"]] == PROMPTS
    for row in grid["rows"]:
        assert [cell["model"] for cell in row["cells"]] == ["local", "stable-image-core"]
        for cell in row["cells"]:
            assert cell["status"] == "succeeded"
            assert cell["image"]["moderation_status"] == "approved"
            assert cell["image"]["url"].startswith("http://testserver/files/")
            assert cell["latency_ms"] is not None and cell["latency_ms"] >= 0
            # the image is the one the job's own answer gives
            job = owner.get(f"/api/v1/jobs/{cell['job']}").json()
            assert job["assets"][0]["id"] == cell["image"]["id"]
            assert job["prompt"] == row["prompt"]
    # Prices: each cell its model's, each model's total the sum of its cells, the trial's
    # total the sum of the models' (and of its jobs).
    prices = [[Decimal(cell["price_usd"]) for cell in row["cells"]] for row in grid["rows"]]
    assert prices == [[Decimal("0.02"), Decimal("0.04")]] * 3
    assert [Decimal(m["total_usd"]) for m in grid["models"]] == [Decimal("0.06"),
                                                                 Decimal("0.12")]
    assert Decimal(grid["total_usd"]) == Decimal("0.18")
    # Delivered: charged exactly the sum of its jobs, nothing left held.
    charged = sum(UsageEvent.objects.for_tenant(priced.tenant).filter(job__trial_id=body["id"])
                  .values_list("price_usd", flat=True), Decimal("0"))
    assert charged == Decimal("0.18")
    assert [m["charged_usd"] for m in grid["models"]] == ["0.0600", "0.1200"]
    assert ledger(priced.tenant).reserved_usd == Decimal("0")


def test_the_grid_names_each_models_operations(owner, priced, empty_queue):
    body = owner.post("/api/v1/trials", {"prompts": ["a vase"],
                                         "models": ["stable-image-ultra", "local"]},
                      format="json").json()
    models = {m["key"]: m for m in body["models"]}
    ultra = models["stable-image-ultra"]["operations"]
    assert ultra == list(catalog().get("stable-image-ultra").operations)
    assert "image_to_image" in ultra and "remove_background" not in ultra
    assert "remove_background" in models["local"]["operations"]
    assert body["rows"][0]["cells"][0]["status"] == "queued"
    assert body["rows"][0]["cells"][0]["image"] is None
    assert body["rows"][0]["cells"][0]["latency_ms"] is None


def test_every_cell_uses_the_same_seed_clamped_into_each_models_range(
        owner, acme, bedrock, settings, empty_queue):
    settings.ATELIER_PREVIEW_MODELS = True  # Nova 2 Omni: a model that takes no seed
    body = owner.post("/api/v1/trials", {
        "prompts": ["a vase", "a lamp"],
        "models": ["local", "stable-image-core", "sd3.5-large", "nova-2-omni"],
        "seed": 4294967295}, format="json").json()
    seeds = {m["key"]: m["seed"] for m in body["models"]}
    assert seeds == {"local": 4294967295, "stable-image-core": 4294967295,
                     "sd3.5-large": 4294967294, "nova-2-omni": None}
    jobs = Job.objects.for_tenant(acme.tenant).filter(trial_id=body["id"])
    assert {(job.model_key, job.seed) for job in jobs} == set(seeds.items())


def test_a_drawn_seed_is_shared_by_every_cell(owner, acme, empty_queue):
    body = owner.post("/api/v1/trials", {"prompts": ["a vase", "a lamp"],
                                         "models": ["local", "stable-image-core"]},
                      format="json").json()
    jobs = Job.objects.for_tenant(acme.tenant).filter(trial_id=body["id"])
    assert {job.seed for job in jobs} == {body["seed"]}
    assert 1 <= body["seed"] <= 2147483646


def test_each_cell_holds_its_own_reservation(owner, priced, empty_queue):
    body = owner.post("/api/v1/trials", {"prompts": ["a vase", "a lamp"],
                                         "models": ["local", "sd3.5-large"]},
                      format="json").json()
    held = Reservation.objects.for_tenant(priced.tenant).filter(job__trial_id=body["id"])
    assert sorted(held.values_list("unit_price_usd", flat=True)) == [
        Decimal("0.02"), Decimal("0.02"), Decimal("0.08"), Decimal("0.08")]


def test_the_list_shows_the_tenants_trials_newest_first(owner, acme, empty_queue):
    first = owner.post("/api/v1/trials", {"prompts": ["a vase"], "models": ["local"]},
                       format="json").json()
    second = owner.post("/api/v1/trials", {"prompts": ["a lamp"], "models": ["local"]},
                        format="json").json()
    listed = owner.get("/api/v1/trials").json()
    assert [t["id"] for t in listed["results"]] == [second["id"], first["id"]]
    assert listed["results"][0]["models"] == ["local"]
    page = owner.get("/api/v1/trials?limit=1").json()
    assert len(page["results"]) == 1 and page["next"]
