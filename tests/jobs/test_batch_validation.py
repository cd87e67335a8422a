"""A batch is checked all or nothing: every bad row is listed with its row and column, and a
refused batch (bad rows, a blocked prompt, too little quota) creates, reserves and queues
nothing.

Rows are numbered as in a spreadsheet: the CSV header is row 1, the first data row row 2;
JSON items count from 1.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from billing.models import Ledger, Reservation
from billing.services import set_monthly_limits
from generation.models import Batch, Job
from tests.conftest import queued_messages

HEADER = "sku,product,color,model,n,size,seed"


def post_csv(client, text: str | bytes, **fields):
    data = text.encode() if isinstance(text, str) else text
    return client.post("/api/v1/batches", {"file": SimpleUploadedFile("catalog.csv", data,
                                                                      "text/csv"), **fields},
                       format="multipart")


def post_items(client, items, **fields):
    return client.post("/api/v1/batches", {"items": items, **fields}, format="json")


def refused(response, code: str = "invalid_batch") -> dict:
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] == code, body
    return body


def places(body) -> list[tuple[int, str | None]]:
    return [(error["row"], error["column"]) for error in body["errors"]]


@pytest.fixture
def nothing_created(acme, empty_queue, django_capture_on_commit_callbacks):
    """After the test: no batch, job, hold or message, and no callback waiting for a commit."""
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        yield
    tenant = acme.tenant
    assert not Batch.objects.for_tenant(tenant).exists()
    assert not Job.objects.for_tenant(tenant).exists()
    assert not Reservation.objects.for_tenant(tenant).exists()
    assert not Ledger.objects.for_tenant(tenant).exclude(reserved_images=0).exists()
    assert callbacks == [] and queued_messages() == 0


def test_every_bad_row_is_listed_with_its_row_and_column(owner, studio, nothing_created):
    csv = "\n".join([
        HEADER,
        "A-1,mug,red,local,1,256x256,1",    # row 2: fine
        "A-2,mug,red,no-such-model,1,,",    # row 3: unknown model
        "A-3,mug,red,,0,,",                 # row 4: n=0
        "A-4,mug,red,,1,1000x1000,",        # row 5: not a multiple of 16
        "A-5,mug,,,1,,",                    # row 6: a slot left empty
        "A-1,mug,red,,1,,",                 # row 7: the SKU of row 2
        ",mug,red,,,,",                     # row 8: no SKU
        "A-8,mug,red,,four,,",              # row 9: n is not a number
        "A-9,mug,red,,1,,-1",               # row 10: seed below 0
    ]) + "\n"
    body = refused(post_csv(owner, csv, template="studio"))
    assert places(body) == [(3, "model"), (4, "n"), (5, "size"), (6, "color"), (7, "sku"),
                            (8, "sku"), (9, "n"), (10, "seed")]
    assert body["error_count"] == 8
    by_row = {error["row"]: error for error in body["errors"]}
    assert by_row[3]["code"] == "unknown_model"
    assert by_row[5]["message"].startswith("size:") and "16" in by_row[5]["message"]
    assert "row 2" in by_row[7]["message"]
    assert by_row[6]["message"].startswith("color:")


def test_json_rows_are_numbered_from_one_and_name_their_fields(owner, studio, nothing_created):
    body = refused(post_items(owner, [
        {"sku": "A", "model": "local", "prompt": "a vase"},
        {"sku": "B", "model": "local", "prompt": ""},
        {"sku": "C", "model": "local", "prompt": "a vase", "colour": "red"},
        "not an object",
        {"sku": "E", "template": "studio", "slots": {"product": "cup"}},
        {"sku": "F", "model": "local", "prompt": "a vase", "images": ["nope"]},
        {"sku": "G", "model": "local", "prompt": "a vase", "dry_run": True},
    ]))
    assert places(body) == [(2, "prompt"), (3, "colour"), (4, None), (5, "slots.color"),
                            (6, "images"), (7, "dry_run")]


@pytest.mark.parametrize(("csv", "expected"), [
    ("sku,product,color,colour\nA,mug,red,red\n", [(1, "colour")]),
    ("product,color\nmug,red\n", [(1, "sku")]),
    ("sku,product,product,color\nA,mug,mug,red\n", [(1, "product")]),
    ("", [(1, None)]),
    ("\n\n", [(1, None)]),
    ("sku,product,color\nA,mug,red,extra\n", [(2, None)]),
], ids=["unknown column", "no sku column", "a column twice", "empty file", "blank header",
        "more cells than columns"])
def test_header_problems_are_row_one_errors(owner, studio, nothing_created, csv, expected):
    assert places(refused(post_csv(owner, csv, template="studio"))) == expected


def test_slot_columns_need_a_template(owner, acme, nothing_created):
    body = refused(post_csv(owner, "sku,product\nA,mug\n", model="local"))
    assert places(body) == [(1, "product")]
    assert "template" in body["errors"][0]["message"]


def test_an_empty_prompt_cell_is_a_row_error(owner, acme, nothing_created):
    body = refused(post_csv(owner, "sku,prompt,model\nA,a vase,local\nB,,local\n"))
    assert places(body) == [(3, "prompt")]


def test_a_file_that_is_not_utf8_names_the_row(owner, acme, nothing_created):
    body = refused(post_csv(owner, b"sku,prompt\nA,a vase\nB,caf\xe9 au lait\n", model="local"))
    assert places(body) == [(3, None)] and body["errors"][0]["code"] == "invalid_encoding"


def test_a_byte_order_mark_is_tolerated(owner, acme, empty_queue):
    response = post_csv(owner, "\ufeffSKU,Prompt\nA,a vase\n".encode(), model="local")
    assert response.status_code == 202, response.content


def test_too_many_rows_is_refused_before_checking_them(owner, acme, settings,
                                                        nothing_created):
    settings.ATELIER_BATCH_MAX_ROWS = 3
    rows = "".join(f"S{i},a vase\n" for i in range(5))
    body = refused(post_csv(owner, "sku,prompt\n" + rows, model="local"))
    assert places(body) == [(5, None)] and body["errors"][0]["code"] == "too_many_rows"
    assert "this one has 5" in body["message"] + body["errors"][0]["message"]
    body = refused(post_items(owner, [{"sku": f"S{i}", "prompt": "x"} for i in range(4)],
                              model="local"))
    assert places(body) == [(4, None)]


def test_a_file_over_the_byte_cap_is_refused(owner, acme, settings, nothing_created):
    settings.ATELIER_BATCH_MAX_BYTES = 40
    body = refused(post_csv(owner, "sku,prompt\n" + "A,a vase on a table\n" * 5,
                            model="local"), code="invalid_parameter")
    assert body["field"] == "file"


def test_only_the_first_hundred_errors_are_shown(owner, acme, nothing_created):
    body = refused(post_items(owner, [{"sku": f"S{i}", "model": "local", "n": 0,
                                       "prompt": "x"} for i in range(150)]))
    assert body["error_count"] == 150 and len(body["errors"]) == 100


def test_a_blocked_prompt_is_a_row_error_naming_the_policy(owner, acme, nothing_created):
    body = refused(post_items(owner, [
        {"sku": "A", "prompt": "a vase"}, {"sku": "B", "prompt": "c s a m"},
        {"sku": "C", "prompt": "a vase", "negative_prompt": "csam"}], model="local"))
    assert places(body) == [(2, "prompt"), (3, "prompt")]
    assert {(e["code"], e["policy"]) for e in body["errors"]} == {("prompt_blocked",
                                                                   "platform")}


def test_an_unknown_template_refuses_the_batch(owner, acme, nothing_created):
    response = post_items(owner, [{"sku": "A", "slots": {"x": "y"}}], template="nope")
    assert response.status_code == 400
    assert response.json()["field"] == "template"


def test_a_batch_over_the_image_quota_is_402_and_creates_nothing(owner, acme,
                                                                 nothing_created):
    set_monthly_limits(acme.tenant, images=5, budget_usd=None)
    response = post_items(owner, [{"sku": f"S{i}", "prompt": "a vase", "n": 2}
                                  for i in range(3)], model="local")
    assert response.status_code == 402
    body = response.json()
    assert (body["code"], body["images_left"]) == ("quota_exceeded", 5)
    assert "6 image(s)" in body["message"]


def test_a_batch_over_the_budget_is_402_budget_exceeded(owner, acme, nothing_created):
    from billing.models import MonthlyLimits

    set_monthly_limits(acme.tenant, images=None, budget_usd=Decimal("1.00"))
    MonthlyLimits.objects.filter(tenant=acme.tenant).update(model_prices={"local": "0.50"})
    response = post_items(owner, [{"sku": f"S{i}", "prompt": "a vase"} for i in range(3)],
                          model="local")
    assert response.status_code == 402
    body = response.json()
    assert body["code"] == "budget_exceeded"
    assert Decimal(body["budget_left_usd"]) == Decimal("1.00")
    assert "costs $1.50, $1.00 left of $1.00" in body["message"]


@pytest.mark.parametrize("body", [
    [], {"items": []}, {"items": "rows"}, {"items": [{"sku": "A"}], "colour": "red"},
    {"items": [{"sku": "A"}], "template": 5},
], ids=["a list", "no rows", "rows not a list", "unknown field", "template not text"])
def test_a_malformed_body_is_a_400(owner, acme, nothing_created, body):
    response = owner.post("/api/v1/batches", body, format="json")
    assert response.status_code == 400, response.content


def test_an_unknown_batch_model_is_one_error(owner, acme, nothing_created):
    response = post_items(owner, [{"sku": "A", "prompt": "a vase"}], model="nope")
    assert response.status_code == 400
    assert (response.json()["code"], response.json()["field"]) == ("unknown_model", "model")


def test_a_nul_character_in_the_csv_is_a_row_error_not_a_500(owner, acme, empty_queue):
    """Found by schema fuzzing: PostgreSQL cannot store NUL, so it must never reach a row."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from generation.models import Batch

    data = b"sku,prompt\nA,a lamp\nB\x00,a chair\n"
    response = owner.post("/api/v1/batches", {
        "file": SimpleUploadedFile("c.csv", data, content_type="text/csv"), "model": "local"},
        format="multipart")
    assert response.status_code == 400
    assert response.json()["errors"][0]["row"] == 3
    assert "NUL" in response.json()["errors"][0]["message"]
    assert not Batch.objects.for_tenant(acme.tenant).exists()
