"""The API's renderer (api/renderers.py) gives DRF's own JSON renderer's bytes."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from django.utils.translation import gettext_lazy
from rest_framework.renderers import JSONRenderer as DRFRenderer

from api.renderers import JSONRenderer

CASES = [
    {"id": uuid.UUID(int=7), "n": 3, "ok": True, "none": None, "ratio": 0.1, "neg": -2.5,
     "e": 1e16},
    {"at": datetime(2026, 12, 7, 4, 5, 6, 123456, tzinfo=UTC),
     "local": datetime(2026, 12, 7, 4, 5, tzinfo=timezone(timedelta(hours=2))),
     "day": date(2026, 1, 2), "naive": datetime(2026, 1, 2, 3, 4)},
    {"cost": Decimal("0.0400"), "lazy": gettext_lazy("Not found."), "set": [1, 2]},
    {"text": "caf\u00e9 \u2028 line \u2029 para \U0001f600 \"quoted\" \\ </script>"},
    {"big": 2**70, "nested": {"deep": [{"a": [1, {"b": None}]}]}},
    {1: "an int key", "s": "x"},
    [],
    "plain",
]


@pytest.mark.parametrize("data", CASES, ids=range(len(CASES)))
def test_the_same_bytes_as_drfs_renderer(data):
    assert JSONRenderer().render(data) == DRFRenderer().render(data)


def test_a_float_with_an_exponent_is_the_same_number():
    data = {"tiny": -2.5e-9, "huge": 1.5e300}
    ours, drfs = JSONRenderer().render(data), DRFRenderer().render(data)
    assert json.loads(ours) == json.loads(drfs) == data  # spelled 2.5e-9 for 2.5e-09


def test_an_indented_answer_when_accept_asks_for_one():
    data = {"a": [1, 2]}
    assert JSONRenderer().render(data, "application/json; indent=2") == (
        DRFRenderer().render(data, "application/json; indent=2"))
    assert b"\n" in JSONRenderer().render(data, "application/json; indent=2")


def test_nothing_for_no_data():
    assert JSONRenderer().render(None) == b""


def test_the_api_answers_with_it(owner):
    response = owner.get("/api/v1/models")
    assert response.status_code == 200
    assert isinstance(response.accepted_renderer, JSONRenderer)
