"""A row shaped like one accepted before it is checked only for what its own values change
(generation/batch_shapes.py), and that shortcut changes nothing: every row of these batches,
good or bad, JSON or CSV, gets exactly the job or the errors it gets when every row goes the
whole way through the job API's serializer and prepare_job."""

from __future__ import annotations

from typing import Any

import pytest

from catalog.spec import catalog
from generation import batches
from generation.batch_input import parse_csv, parse_items
from generation.batch_shapes import Shapes
from tests.factories import MonthlyLimitsFactory

SLOTS = {"product": "mug", "color": "red"}


def with_slots(**changes: Any) -> dict[str, Any]:
    return {**SLOTS, **changes}


ITEMS = [
    {"slots": SLOTS, "seed": 1},  # the first of its shape: the whole way
    {"slots": with_slots(product="cup"), "seed": 7},
    {"slots": with_slots(product="bowl"), "seed": "8"},
    {"slots": with_slots(product="vase")},  # no seed: a random base seed
    {"slots": with_slots(product="jug"), "seed": None},
    {"slots": SLOTS, "seed": True},
    {"slots": SLOTS, "seed": 2.0},
    {"slots": SLOTS, "seed": "2.0"},
    {"slots": SLOTS, "seed": -1},
    {"slots": SLOTS, "seed": 2 ** 63},
    {"slots": SLOTS, "seed": "99999999999999999999"},
    {"slots": SLOTS, "seed": 2 ** 40},  # over the local model's seed range
    {"slots": SLOTS, "seed": "\u0663"},  # ARABIC-INDIC DIGIT THREE: int() reads it
    {"slots": {"product": "cup"}},  # a slot missing
    {"slots": with_slots(shade="pale")},  # a slot the template has not
    {"slots": with_slots(product=5)},  # a number: the serializer keeps it, the template too
    {"slots": with_slots(product=True)},
    {"slots": with_slots(product="x" * 2001)},
    {"slots": with_slots(product="  ")},
    {"slots": with_slots(product="caf\u00e9", color="r\u00f6d")},
    {"slots": with_slots(product="nul\x00")},
    {"slots": "mug"},
    {"slots": SLOTS, "prompt": "a mug"},  # a prompt and a template
    {"slots": SLOTS, "prompt": ""},
    {"slots": SLOTS, "n": 2},  # another shape
    {"slots": with_slots(product="cup"), "n": 2, "seed": 3},
    {"slots": SLOTS, "n": 0},
    {"slots": SLOTS, "n": True},
    {"slots": SLOTS, "n": 1.0},
    {"slots": SLOTS, "size": "1000x1000"},
    {"template": None, "model": "local", "prompt": "a vase"},  # no template
    {"template": None, "model": "local", "prompt": "a bowl", "seed": 5},
    {"template": None, "model": "local", "prompt": ""},
    {"template": None, "model": "local", "prompt": "   "},
    {"template": None, "model": "local", "prompt": "x" * 2001},  # over local's limit
    {"template": None, "model": "local", "prompt": "x" * 20001},  # over the serializer's
    {"template": None, "model": "local", "prompt": 42},
    {"template": None, "model": "local", "prompt": None},
    {"template": None, "model": "local", "prompt": "a\x00b"},
    {"template": None, "model": "local", "prompt": "bad \ud800"},
    {"template": None, "model": "local", "prompt": "a cup", "slots": {"a": "b"}},
    {"template": None, "model": "local", "prompt": "a cup", "slots": {}},
    {"template": None, "model": "local", "prompt": "a cup", "images": ["nope"]},
    {"template": None, "model": "local", "prompt": "a jug", "images": ["nope"]},
    {"template": None, "model": "nova-canvas", "prompt": "a cup", "seed": 2147483646},
    {"template": None, "model": "nova-canvas", "prompt": "a jug", "seed": 2147483647},
    {"template": None, "model": "nova-canvas", "prompt": "a jug", "quality": "premium"},
    {"template": None, "model": "nova-canvas", "prompt": "a pot", "quality": "premium"},
    {"template": None, "model": "nova-canvas", "prompt": "a pot", "quality": "ultra"},
    {"template": None, "model": "nova-canvas", "prompt": "a pot", "params": {"x": 1}},
    {"template": None, "model": "nova-canvas", "prompt": "a pan", "params": {"x": 1}},
]

CSV = """sku,product,color,seed,n,size,model,prompt
A,mug,red,1,,,,
B,cup,red,2,,,,
C,bowl,blue,,,,,
D,jug,blue,abc,,,,
E,pot,blue,+5,,,,
F,pan,blue,007,,,,
G,pan,blue,-0,,,,
H,pan,,3,,,,
I,pan,blue,3,2,,,
J,lid,blue,4,2,,,
K,lid,blue,4,0,,,
L,lid,blue,4,,512x512,,
M,lid,blue,4,,512x512,,
N,lid,blue,4,,513x512,,
O,lid,blue,4,,,nova-canvas,
P,cap,blue,4,,,nova-canvas,
Q,cap,blue,4,,,,a cap
R,cap,blue,\u0663,,,,
"""


@pytest.fixture
def tenant(acme, studio):
    MonthlyLimitsFactory(tenant=acme.tenant, model_prices={"local": "0.0125"})
    return acme.tenant


def check(tenant: Any, parsed: Any, template: Any, monkeypatch: Any, *, whole_way: bool
          ) -> tuple[list[tuple[Any, ...]], list[dict[str, Any]], int]:
    """The rows accepted (row, sku, request, price, job fields), the errors, and how many rows
    the shortcut prepared."""
    shortcut = Shapes.prepared
    taken = []

    def prepared(self: Shapes, data: dict[str, Any]) -> Any:
        found = None if whole_way else shortcut(self, data)
        taken.append(found is not None)
        return found

    monkeypatch.setattr(Shapes, "prepared", prepared)
    lookups = batches._Lookups(tenant, parsed.rows, template, parsed.columns)
    accepted, _, errors = batches._check_rows(tenant, parsed, lookups,
                                              batch_template=template, model="", user=None,
                                              api_key=None)
    monkeypatch.setattr(Shapes, "prepared", shortcut)
    rows = []
    for row, job in accepted:
        fields = dict(job.fields)
        if job.request.seed is None:  # chosen at random: in the model's range either way
            low, high = catalog().get(job.spec.key).limits.seed or (0, 0)
            assert max(1, low) <= fields.pop("base_seed") <= high
        rows.append((row.number, row.sku, job.request, job.unit_price, fields))
    return rows, errors, sum(taken)


@pytest.mark.parametrize("source", ["json", "csv"])
def test_the_shortcut_accepts_and_refuses_exactly_what_the_whole_way_does(
        tenant, studio, monkeypatch, source):
    def parsed() -> Any:
        if source == "csv":
            return parse_csv(CSV.encode(), studio)
        return parse_items([{"sku": f"S{i}", **item} for i, item in enumerate(ITEMS)])

    whole, whole_errors, _ = check(tenant, parsed(), studio, monkeypatch, whole_way=True)
    fast, fast_errors, shortcuts = check(tenant, parsed(), studio, monkeypatch,
                                         whole_way=False)
    assert fast_errors == whole_errors and fast == whole
    assert whole_errors and whole, "the rows cover both outcomes"
    assert shortcuts >= 5, "the shortcut was taken"


def test_a_catalog_of_one_shape_goes_the_whole_way_once(tenant, studio, monkeypatch):
    data = "sku,product,color,seed\n" + "".join(f"S{i},mug {i},red,{i}\n" for i in range(50))
    rows, errors, shortcuts = check(tenant, parse_csv(data.encode(), studio), studio,
                                    monkeypatch, whole_way=False)
    assert not errors and len(rows) == 50 and shortcuts == 49
    assert rows[7][2].prompt == "a mug 7 in red" and rows[7][4]["base_seed"] == 7
