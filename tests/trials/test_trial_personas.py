"""Every trial endpoint and page with the three personas: the owner, a stranger (another
tenant's key or member: a 404 that tells nothing) and anonymous (401 in the API, the sign-in
page on the dashboard)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from generation.models import Trial
from generation.templates import create_template
from tests.factories import MembershipFactory
from tests.helpers import signed_in


@pytest.fixture
def trial(owner, acme, empty_queue):
    body = owner.post("/api/v1/trials", {"prompts": ["a secret spring handbag"],
                                         "models": ["local"]}, format="json").json()
    return Trial.objects.for_tenant(acme.tenant).get(pk=body["id"])


@pytest.fixture
def template(acme):
    return create_template(acme.tenant, name="studio", prompt="a {subject}", model_key="")


def object_endpoints(trial, template):
    return [("get", f"/api/v1/trials/{trial.pk}", None),
            ("post", f"/api/v1/trials/{trial.pk}/favourites", {"row": 0, "column": 0}),
            ("post", f"/api/v1/trials/{trial.pk}/adopt",
             {"model": "local", "template": str(template.pk)})]


def test_the_owner_reaches_every_endpoint(owner, trial, template):
    for method, path, body in object_endpoints(trial, template):
        response = getattr(owner, method)(path, body, format="json")
        assert response.status_code == 200, (path, response.json())
    assert owner.get("/api/v1/trials").json()["results"][0]["id"] == str(trial.pk)


def test_a_stranger_gets_404_for_every_trial_endpoint(stranger, trial, template):
    for method, path, body in object_endpoints(trial, template):
        response = getattr(stranger, method)(path, body, format="json")
        assert response.status_code == 404, path
        assert response.json()["code"] == "not_found"
        assert "secret spring handbag" not in response.content.decode()
    assert stranger.get("/api/v1/trials").json()["results"] == []
    trial.refresh_from_db()
    assert trial.favourites == []
    template.refresh_from_db()
    assert template.model_key == ""


def test_a_stranger_cannot_start_a_trial_for_another_tenant(stranger, acme, trial):
    assert stranger.post("/api/v1/trials", {"prompts": ["a vase"], "models": ["local"]},
                         format="json").status_code == 202
    assert Trial.objects.for_tenant(acme.tenant).count() == 1


def test_anonymous_gets_401_everywhere(anonymous, trial, template):
    endpoints = [("get", "/api/v1/trials", None),
                 ("post", "/api/v1/trials", {"prompts": ["a vase"], "models": ["local"]}),
                 *object_endpoints(trial, template)]
    for method, path, body in endpoints:
        response = getattr(anonymous, method)(path, body, format="json")
        assert response.status_code == 401, path
        assert response.json()["code"] == "not_authenticated"
    assert Trial.objects.for_tenant(trial.tenant).count() == 1


# --- the dashboard ---------------------------------------------------------------------------

def pages(trial):
    slug = trial.tenant.slug
    return [("get", reverse("dashboard-trials", args=[slug]), {}),
            ("get", reverse("dashboard-trial", args=[slug, trial.pk]), {}),
            ("post", reverse("dashboard-trial-estimate", args=[slug]),
             {"prompts": "a vase", "models": "local"}),
            ("post", reverse("dashboard-trial-favourite", args=[slug, trial.pk]),
             {"row": "0", "column": "0", "favourite": "1"}),
            ("post", reverse("dashboard-trial-adopt", args=[slug, trial.pk]),
             {"model": "local", "template": "x"})]


def test_the_owner_opens_every_trial_page(acme, trial):
    browser = signed_in(acme.owner)
    for method, path, data in pages(trial):
        response = getattr(browser, method)(path, data)
        assert response.status_code in (200, 302), path


def test_a_member_of_another_tenant_gets_404_on_every_trial_page(globex, trial):
    browser = signed_in(globex.owner)
    for method, path, data in pages(trial):
        response = getattr(browser, method)(path, data)
        assert response.status_code == 404, path
        assert b"secret spring handbag" not in response.content
    trial.refresh_from_db()
    assert trial.favourites == []


def test_a_strangers_own_page_does_not_show_another_tenants_trial(globex, trial):
    browser = signed_in(globex.owner)
    response = browser.get(reverse("dashboard-trial", args=[globex.tenant.slug, trial.pk]))
    assert response.status_code == 404


def test_anonymous_is_sent_to_sign_in_from_every_trial_page(client, trial):
    for method, path, data in pages(trial):
        response = getattr(client, method)(path, data)
        assert response.status_code == 302, path
        assert response["Location"].startswith(reverse("login")), path
    trial.refresh_from_db()
    assert trial.favourites == []


@pytest.mark.parametrize(("role", "status"), [("member", 200), ("finance", 403),
                                              ("moderator", 403)])
def test_roles_that_may_not_generate_do_not_open_trials(acme, trial, role, status):
    membership = MembershipFactory(tenant=acme.tenant, role=role,
                                   user__username=f"{role}@acme.test")
    browser = signed_in(membership.user)
    for url in (reverse("dashboard-trials", args=["acme"]),
                reverse("dashboard-trial", args=["acme", trial.pk])):
        assert browser.get(url).status_code == status, (role, url)
    nav = browser.get(reverse("dashboard-library" if role == "moderator" else
                              "dashboard-usage", args=["acme"])).content.decode()
    assert (f'href="{reverse("dashboard-trials", args=["acme"])}"' in nav) == (status == 200)
