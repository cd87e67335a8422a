"""How the dashboard shows money, moments, states and models to people."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.template.defaultfilters import truncatechars
from django.utils import timezone

from dashboard.formatting import (
    clipped,
    job_state,
    model_name,
    moment,
    money,
    per_image,
    status_label,
)


@pytest.mark.parametrize("value, shown", [
    (Decimal("0"), "$0.00"),
    ("0.0000", "$0.00"),
    (Decimal("0.04"), "$0.04"),
    (Decimal("0.045"), "$0.05"),  # half up, as a bill rounds
    (Decimal("1234.5"), "$1,234.50"),
    (Decimal("0.0040"), "$0.0040"),  # under a cent: four decimals, not "$0.00"
    (Decimal("0.00995"), "$0.0100"),
    (Decimal("0.00001"), "under $0.0001"),
    (Decimal("-2.5"), "-$2.50"),
    (7, "$7.00"),
    (None, "—"),
    ("", "—"),
    ("not money", "—"),
])
def test_money(value, shown):
    assert money(value) == shown


def test_an_images_share_of_its_job_stays_decimal():
    share = per_image(Decimal("0.1600"), 4)
    assert share == Decimal("0.04") and isinstance(share, Decimal)
    assert per_image(Decimal("0.01"), 0) is None
    assert money(per_image("0.0100", 4)) == "$0.0025"


@pytest.mark.parametrize("value, words", [
    ("pending_review", "Pending review"), ("partially_succeeded", "Partly succeeded"),
    ("succeeded", "Succeeded"), ("final", "Final"), ("some_new_state", "Some new state"),
    ("", "—"), (None, "—"),
])
def test_status_label(value, words):
    assert status_label(value) == words


def test_a_finished_job_with_images_in_review_says_so():
    state = job_state("succeeded", {"pending_review": 3, "approved": 1})
    assert state.label == "Waiting for review (3 of 4)"
    assert state.key == "pending_review" and state.waiting == 3
    assert job_state("succeeded", {"approved": 4}).label == "Succeeded"
    assert job_state("partially_succeeded", {"approved": 2, "rejected": 1}).label == \
        "Partly succeeded (2 of 3 ready)"
    running = job_state("running", {"pending_review": 1})
    assert running.label == "Running" and not running.finished
    assert job_state("failed").label == "Failed" and job_state("failed").finished


def test_moment_gives_iso_for_the_browser_and_a_readable_fallback(settings):
    value = datetime(2026, 3, 5, 14, 7, 9, tzinfo=UTC)
    shown = moment(value)
    assert shown is not None
    assert shown.iso == "2026-03-05T14:07:09+00:00"
    assert shown.text == "5 Mar 2026, 14:07 UTC"
    assert moment("2026-03-05T14:07:09Z") == shown  # the services' ISO strings too
    assert moment(None) is None and moment("") is None and moment("yesterday") is None
    with timezone.override("Europe/Paris"):
        paris = moment(value)
        assert paris is not None and paris.text == "5 Mar 2026, 15:07 CET"


def test_model_names_come_from_the_catalog():
    assert model_name("stable-image-ultra") == "Stable Image Ultra"
    assert model_name("no-such-model") == "no-such-model"
    assert model_name("") == "—"


@pytest.mark.parametrize("text", ["", "short", "x" * 60, "x" * 61, "a red shoe " * 20,
                                  "café crème " * 9, "emoji \N{CAMERA} " * 12])
@pytest.mark.parametrize("limit", [1, 60, 100, 180])
def test_clipped_cuts_a_prompt_as_the_truncatechars_filter_does(text, limit):
    assert clipped(text, limit) == truncatechars(text, limit)
    assert len(clipped(text, limit)) <= limit
