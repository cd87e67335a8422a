"""The catalog file: validated at start-up, overridable per model, lifecycle enforced."""

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from catalog.requests import JobRequest
from catalog.spec import CATALOG_FILE, CatalogError, env_key, load_catalog
from core.errors import InvalidParameter


def base_entry(**changes):
    entry = yaml.safe_load(CATALOG_FILE.read_text())["models"][0]
    entry.update(changes)
    return entry


def write_catalog(tmp_path: Path, *entries) -> Path:
    path = tmp_path / "catalog.yaml"
    path.write_text(yaml.safe_dump({"models": list(entries)}))
    return path


def test_the_shipped_catalog_loads():
    catalog = load_catalog(environ={})
    assert catalog.get("local").family == "local"


@pytest.mark.parametrize(("key", "expected"), [
    ("sd3.5-large", "SD3_5_LARGE"), ("nova-canvas", "NOVA_CANVAS"), ("local", "LOCAL"),
    ("stability-upscale-fast", "STABILITY_UPSCALE_FAST")])
def test_env_key_upper_cases_with_underscores(key, expected):
    assert env_key(key) == expected


@pytest.mark.parametrize(("changes", "message"), [
    ({"family": "dall-e"}, "models[0].family: unknown family 'dall-e'"),
    ({"operations": {"teleport": {}}}, "models[0].operations: unknown operation 'teleport'"),
    ({"operations": {"inpaint": {"mask": "maybe"}}}, "operations.inpaint: mask must be one of"),
    ({"operations": {}}, "models[0].operations: needs at least one operation"),
    ({"lifecycle": {"state": "zombie"}}, "models[0].lifecycle.state: must be one of"),
    ({"lifecycle": {"state": "legacy", "eol": "soon"}}, "lifecycle.eol: expected YYYY-MM-DD"),
    ({"prices": [{"usd": 0.04}]}, "prices[0].usd: expected str"),
    ({"prices": [{"usd": "-1"}]}, "prices[0].usd: must be zero or more"),
    ({"prices": []}, "models[0].prices: needs at least one rule"),
    ({"name": None}, "models[0].name: expected str"),
    ({"limits": {"n": [1, 5]}}, "models[0].limits.prompt_chars: is required"),
    ({"params": {"steps": {"type": "integer"}}}, "params.steps.type: must be one of"),
    ({"lifecycle": {"state": "legacy", "successor": "ghost"}},
     "successor.conform.draft: unknown 'ghost'"),  # the first operation, by name
    ({"operations": {"packshot": {}}},
     "operations.packshot: a packshot is made by a 'remove_background' call: the model must "
     "offer 'remove_background' too"),
    ({"params": {"preset": {"type": "string"}}}, "params.preset: already a parameter of "
                                                 "'conform'"),
    ({"lifecycle": {"state": "legacy", "successor": {"inpaint": "local"}}},
     "successor.inpaint: not an operation of this model"),
    ({"price_unit": "token"}, "token_prices: required exactly when price_unit is token"),
    ({"price_unit": "token", "token_prices": {"input_per_million": "0.3",
                                              "output_per_million": "2.5", "verified": False}},
     "prices: a model billed per token has per-image estimates only"),
    ({"prices": [{"usd": "0.01", "estimate": "yes"}]}, "prices[0].estimate: expected bool"),
    ({"max_n": 4}, "models[0].max_n: unknown field"),
    ({"lifecycle": {"state": "legacy", "end": "2026-01-01"}}, "lifecycle.end: unknown field"),
])
def test_a_broken_entry_names_the_entry_and_field(tmp_path, changes, message):
    with pytest.raises(CatalogError) as raised:
        load_catalog(write_catalog(tmp_path, base_entry(**changes)), environ={})
    assert message in str(raised.value)


def test_size_limits_must_be_pairs(tmp_path):
    entry = base_entry()
    entry["limits"]["n"] = [5, 1]
    with pytest.raises(CatalogError, match=r"limits.n: expected \[min, max\]"):
        load_catalog(write_catalog(tmp_path, entry), environ={})


def test_duplicate_keys_are_refused(tmp_path):
    with pytest.raises(CatalogError, match="duplicate keys"):
        load_catalog(write_catalog(tmp_path, base_entry(), base_entry()), environ={})


def test_environment_overrides_model_id_lifecycle_and_rate_limit(tmp_path):
    path = write_catalog(tmp_path, base_entry())
    spec = load_catalog(path, environ={"ATELIER_MODEL_ID__LOCAL": "us.atelier.local-v2",
                                       "ATELIER_MODEL_LIFECYCLE__LOCAL": "legacy",
                                       "ATELIER_MODEL_RPM__LOCAL": "120"}).get("local")
    assert (spec.model_id, spec.lifecycle.state, spec.rate_limit_rpm) == (
        "us.atelier.local-v2", "legacy", 120)
    with pytest.raises(CatalogError, match="ATELIER_MODEL_RPM__LOCAL"):
        load_catalog(path, environ={"ATELIER_MODEL_RPM__LOCAL": "lots"})


def retiring_file(tmp_path, **lifecycle) -> Path:
    return write_catalog(tmp_path, base_entry(),
                         base_entry(key="old-model", lifecycle={"state": "legacy", **lifecycle}))


def retiring_catalog(tmp_path, **lifecycle):
    return load_catalog(retiring_file(tmp_path, **lifecycle), environ={})


def test_an_eol_model_is_refused_naming_its_successor(tmp_path, db):
    catalog = retiring_catalog(tmp_path, eol="2026-09-30", successor="local")
    spec = catalog.get("old-model")
    assert spec.state(date(2026, 9, 29)) == "legacy"
    assert spec.state(date(2026, 9, 30)) == "eol"
    with pytest.raises(InvalidParameter) as raised:
        spec.validate(JobRequest(model="old-model", prompt="x"))
    assert raised.value.field == "model" and raised.value.code == "model_retired"
    assert "'local'" in raised.value.message and "2026-09-30" in raised.value.message


def test_an_operator_override_keeps_a_model_past_its_eol_date(tmp_path, db):
    path = write_catalog(tmp_path, base_entry(),
                         base_entry(key="old-model", lifecycle={
                             "state": "legacy", "eol": "2020-01-01", "successor": "local"}))
    spec = load_catalog(path, environ={"ATELIER_MODEL_LIFECYCLE__OLD_MODEL": "legacy"}).get(
        "old-model")
    assert spec.state() == "legacy"
    assert spec.validate(JobRequest(model="old-model", prompt="x")).width == 1024


def test_an_eol_job_is_refused_through_the_api_before_anything_is_created(
        owner, acme, tmp_path, settings, empty_queue):
    from generation.models import Job

    settings.ATELIER_CATALOG_FILE = str(retiring_file(tmp_path, eol="2020-01-01",
                                                      successor="local"))
    assert owner.get("/api/v1/models").json()["models"][1]["lifecycle"]["state"] == "eol"
    response = owner.post("/api/v1/jobs", {"model": "old-model", "prompt": "x"}, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "model_retired"
    assert response.json()["successor"] == "local"
    assert not Job.objects.for_tenant(acme.tenant).exists()


def test_a_new_price_list_takes_over_on_its_date(tmp_path):
    entry = base_entry(prices=[{"usd": "0.05"}, {"usd": "0.04", "from": "2027-01-01"}])
    spec = load_catalog(write_catalog(tmp_path, entry), environ={}).get("local")
    assert spec.unit_cost_usd(None, 1024 * 1024, date(2026, 12, 31)) == Decimal("0.05")
    assert spec.unit_cost_usd(None, 1024 * 1024, date(2027, 1, 1)) == Decimal("0.04")
