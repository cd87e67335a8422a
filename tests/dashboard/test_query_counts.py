"""The job page and the Library answer in a fixed number of queries, whatever the number of
images they show: the same for 2 images as for 12 (their renditions in one query)."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.api.conftest import delivered_job


def page_queries(browser, path: str) -> tuple[int, str]:
    browser.get(path)  # the session's first read and renewal are not the page's
    with CaptureQueriesContext(connection) as captured:
        response = browser.get(path)
    assert response.status_code == 200
    return len(captured), response.content.decode()


def test_the_job_page_does_not_grow_with_images(browser, acme, django_assert_max_num_queries):
    few, many = delivered_job(acme.tenant, 2), delivered_job(acme.tenant, 12)
    path = "/t/acme/jobs/{}/"
    assert page_queries(browser, path.format(few.pk))[0] == page_queries(
        browser, path.format(many.pk))[0]
    with django_assert_max_num_queries(10):  # session, user, membership, job, images…
        html = browser.get(path.format(many.pk)).content.decode()
    assert html.count("/thumb.webp?") == 12
    assert "Download all (ZIP)" in html
    sheet = f"/t/acme/jobs/{many.pk}/sheet"
    assert page_queries(browser, f"/t/acme/jobs/{few.pk}/sheet")[0] == page_queries(
        browser, sheet)[0]


def test_the_library_does_not_grow_with_images(browser, acme, django_assert_max_num_queries):
    delivered_job(acme.tenant, 2)
    few, _ = page_queries(browser, "/t/acme/library/")
    delivered_job(acme.tenant, 12)
    many, html = page_queries(browser, "/t/acme/library/")
    assert many == few
    assert html.count("/thumb.webp?") == 14
    with django_assert_max_num_queries(12):
        browser.get("/t/acme/library/")


def test_another_tenants_job_is_still_a_404(other, acme):
    job = delivered_job(acme.tenant, 2)
    assert other.get(f"/t/acme/jobs/{job.pk}/").status_code == 404
    assert other.get(f"/t/globex/jobs/{job.pk}/").status_code == 404
