"""Every dashboard page: it renders for the roles that may open it, is a 403 for a member
whose role may not, a 404 for a user of another tenant, and sends anonymous users to sign in."""

import pytest
from django.test import Client
from django.urls import reverse

from generation.models import BrandTemplate
from generation.runner import run_job
from tests.dashboard.conftest import PASSWORD
from tests.factories import MembershipFactory
from tests.helpers import signed_in


def member(tenant, email, role):
    membership = MembershipFactory(tenant=tenant, role=role, user__username=email,
                                   user__email=email, user__password=PASSWORD)
    return signed_in(membership.user)


@pytest.fixture
def picked(acme, submit):
    job = submit(n=2)
    run_job(job.pk)
    return job, job.assets.order_by("index").first()


@pytest.fixture
def template(acme):
    return BrandTemplate.objects.for_tenant(acme.tenant).create(
        name="studio", prompt="a {subject} on marble", model_key="local")


def page_urls(slug, job, asset, template):
    return {
        "generate": [reverse("dashboard-generate", args=[slug]),
                     reverse("dashboard-job", args=[slug, job.pk]),
                     reverse("dashboard-job-sheet", args=[slug, job.pk]),
                     reverse("dashboard-asset", args=[slug, asset.pk])],
        "library": [reverse("dashboard-library", args=[slug])],
        "batches": [reverse("dashboard-batches", args=[slug]),
                    reverse("dashboard-batch-new", args=[slug])],
        "templates": [reverse("dashboard-templates", args=[slug]),
                      reverse("dashboard-template-new", args=[slug]),
                      reverse("dashboard-template-edit", args=[slug, template.pk])],
        "usage": [reverse("dashboard-usage", args=[slug])],
        "settings": [reverse("dashboard-settings", args=[slug])],
    }


def test_the_owner_opens_every_page(browser, acme, picked, template):
    job, asset = picked
    for page, urls in page_urls("acme", job, asset, template).items():
        for url in urls:
            response = browser.get(url)
            assert response.status_code == 200, (page, url)
            assert b"Acme Goods" in response.content or page == "generate", url


def test_another_tenants_user_gets_404_everywhere(other, acme, picked, template):
    job, asset = picked
    for urls in page_urls("acme", job, asset, template).values():
        for url in urls:
            assert other.get(url).status_code == 404, url


def test_foreign_objects_under_the_users_own_tenant_are_404(other, globex, picked, template):
    """Globex's owner asking for Acme's job through Globex's own pages: still nothing."""
    job, asset = picked
    urls = page_urls("globex", job, asset, template)
    for url in urls["generate"][1:] + urls["templates"][2:]:
        assert other.get(url).status_code == 404, url


def test_anonymous_is_sent_to_sign_in(client, acme, picked, template):
    job, asset = picked
    for urls in page_urls("acme", job, asset, template).values():
        for url in urls:
            response = client.get(url)
            assert response.status_code == 302, url
            assert response["Location"].startswith(reverse("login")), url


@pytest.mark.parametrize("role, allowed", [
    ("member", {"generate", "library", "batches", "templates", "usage"}),
    ("finance", {"usage"}),
    ("moderator", {"library"}),
])
def test_roles_open_their_pages_only(acme, picked, template, role, allowed):
    job, asset = picked
    client = member(acme.tenant, f"{role}@acme.test", role)
    for page, urls in page_urls("acme", job, asset, template).items():
        for url in urls:
            expected = 200 if page in allowed else 403
            assert client.get(url).status_code == expected, (role, url)
    navigation = client.get(reverse(f"dashboard-{sorted(allowed)[0]}", args=["acme"]))
    links = navigation.content.decode()
    for page in ("settings", "batches", "usage"):
        url = reverse(f"dashboard-{page}", args=["acme"])
        assert (f'href="{url}"' in links) == (page in allowed), (role, page)


def test_signing_in_lands_on_the_tenant(client, owner_user):
    response = client.post(reverse("login"), {"username": "owner@acme.test",
                                              "password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("dashboard-generate", args=["acme"])
    bad = Client().post(reverse("login"), {"username": "owner@acme.test", "password": "nope"})
    assert b"do not match" in bad.content


def test_the_switcher_offers_only_the_users_tenants(owner_user, acme, globex):
    MembershipFactory(user=owner_user, tenant=globex.tenant, role="member")
    client = signed_in(owner_user)
    page = client.get(reverse("dashboard-generate", args=["acme"])).content.decode()
    assert 'id="tenant-switcher"' in page and "Globex" in page
    response = client.get(reverse("dashboard-switch"), {"tenant": "globex"})
    assert response["Location"] == reverse("dashboard-generate", args=["globex"])
    outsider = member(acme.tenant, "solo@acme.test", "member")
    assert outsider.get(reverse("dashboard-switch"), {"tenant": "globex"}).status_code == 404
