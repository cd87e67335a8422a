"""The dashboard's pages answer in a fixed number of queries, whatever the number of images or
rows they show: the same for 2 images as for 12 (their renditions and their jobs' facts in one
query each), with or without the Library's search and filters."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from generation.models import BrandTemplate
from tests.api.conftest import delivered_job
from tests.dashboard.helpers import delivered_batch


def page_queries(browser, path: str, data=None) -> tuple[int, str]:
    browser.get(path, data)  # the session's first read and renewal are not the page's
    with CaptureQueriesContext(connection) as captured:
        response = browser.get(path, data)
    assert response.status_code == 200
    return len(captured), response.content.decode()


def sheet_images(html: str) -> list[str]:
    return re.findall(r"<img [^>]*>", html.split('class="sheet"', 1)[1])


def test_the_job_page_does_not_grow_with_images(browser, acme, django_assert_max_num_queries):
    few, many = delivered_job(acme.tenant, 2), delivered_job(acme.tenant, 12)
    path = "/t/acme/jobs/{}/"
    assert page_queries(browser, path.format(few.pk))[0] == page_queries(
        browser, path.format(many.pk))[0]
    with django_assert_max_num_queries(10):  # session, user, membership, job, images…
        html = browser.get(path.format(many.pk)).content.decode()
    images = sheet_images(html)
    assert len(images) == 12
    for tag in images:  # the thumbnail, lazily, with the small WebP for sharp screens
        assert 'loading="lazy"' in tag and "/thumb.webp?" in tag
        assert re.search(r'srcset="[^"]*thumb\.webp\?[^"]* 256w, [^"]*w480\.webp\?[^"]* 480w"',
                         tag), tag
        assert ".avif" not in tag
    assert "Download 12 approved images (ZIP)" in html
    assert "Promote 12 drafts to final" in html
    sheet = f"/t/acme/jobs/{many.pk}/sheet"
    assert page_queries(browser, f"/t/acme/jobs/{few.pk}/sheet")[0] == page_queries(
        browser, sheet)[0]


def test_the_library_does_not_grow_with_images(browser, acme, django_assert_max_num_queries):
    delivered_job(acme.tenant, 2)
    few, _ = page_queries(browser, "/t/acme/library/")
    delivered_job(acme.tenant, 12)
    many, html = page_queries(browser, "/t/acme/library/")
    assert many == few
    assert len(sheet_images(html)) == 14
    with django_assert_max_num_queries(12):
        browser.get("/t/acme/library/")


@pytest.mark.parametrize("filters", [
    {"q": "lamp"}, {"q": "SKU-1"}, {"stage": "draft"}, {"model": "local"},
    {"from": "2020-01-01", "to": "2099-12-31"}, {"q": "lamp", "stage": "final", "page": "1"},
    {"template": "TEMPLATE"},
])
def test_the_librarys_search_and_filters_do_not_grow_with_images(browser, acme, filters,
                                                                 empty_queue):
    template = BrandTemplate.objects.for_tenant(acme.tenant).create(name="t", prompt="a {x}")
    filters = {k: str(template.pk) if v == "TEMPLATE" else v for k, v in filters.items()}
    delivered_batch(acme.tenant, 2)
    few, _ = page_queries(browser, "/t/acme/library/", filters)
    delivered_batch(acme.tenant, 9)
    delivered_job(acme.tenant, 3)
    many, _ = page_queries(browser, "/t/acme/library/", filters)
    assert many == few


def test_the_compare_page_does_not_grow_with_images(browser, acme):
    job = delivered_job(acme.tenant, 4)
    ids = [str(pk) for pk in job.assets.order_by("index").values_list("pk", flat=True)]
    url = reverse("dashboard-compare", args=["acme"])
    two, _ = page_queries(browser, url, {"ids": ids[:2]})
    four, html = page_queries(browser, url, {"ids": ids})
    assert two == four
    assert html.count("<dt>Seed</dt>") == 4


def test_the_batch_page_does_not_grow_with_rows(browser, acme, empty_queue):
    few, many = delivered_batch(acme.tenant, 2), delivered_batch(acme.tenant, 12)
    for name in ("dashboard-batch", "dashboard-batch-progress"):
        assert page_queries(browser, reverse(name, args=["acme", few.pk]))[0] == page_queries(
            browser, reverse(name, args=["acme", many.pk]))[0], name
    assert page_queries(browser, reverse("dashboard-batches", args=["acme"]))[0] <= 10


def test_another_tenants_job_is_still_a_404(other, acme):
    job = delivered_job(acme.tenant, 2)
    assert other.get(f"/t/acme/jobs/{job.pk}/").status_code == 404
    assert other.get(f"/t/globex/jobs/{job.pk}/").status_code == 404
