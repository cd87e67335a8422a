"""GET /api/v1/models describes the catalog once per catalog and day, not per request; a new
catalog (an operator's override, reloaded) or a new day (a model reaching its end of life)
shows at once."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone

from catalog.spec import catalog, env_key


def states(client) -> dict[str, str]:
    return {m["key"]: m["lifecycle"]["state"] for m in client.get("/api/v1/models").json()[
        "models"]}


def test_a_reloaded_catalog_is_described_at_once(owner, monkeypatch):
    assert states(owner)["local"] == "active"
    monkeypatch.setenv(f"ATELIER_MODEL_LIFECYCLE__{env_key('local')}", "legacy")
    catalog.cache_clear()
    try:
        assert states(owner)["local"] == "legacy"
    finally:
        monkeypatch.undo()
        catalog.cache_clear()
    assert states(owner)["local"] == "active"


def test_a_model_reaching_its_end_of_life_is_described_so_the_next_day(owner, monkeypatch):
    retiring = next(spec for spec in catalog() if spec.lifecycle.eol is not None
                    and spec.lifecycle.state != "eol")
    eol = retiring.lifecycle.eol
    assert eol is not None

    def on(day) -> None:
        moment = timezone.make_aware(datetime.combine(day, datetime.min.time()))
        monkeypatch.setattr(timezone, "now", lambda: moment)

    on(eol - timedelta(days=1))
    assert states(owner)[retiring.key] == retiring.lifecycle.state
    on(eol)
    assert states(owner)[retiring.key] == "eol"
