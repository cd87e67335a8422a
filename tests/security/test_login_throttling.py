"""Sign-in is throttled per account and per address on the dashboard and the admin: after
the failure limit even the right password is refused, with a clear page, until the lockout
ends or staff unlock it."""

from __future__ import annotations

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.test import Client

DASHBOARD, ADMIN = "/login/", "/admin/login/"
PASSWORD = "correct horse battery staple"


@pytest.fixture
def member(acme):
    user = get_user_model().objects.get(email="owner@acme.test")
    user.set_password(PASSWORD)
    user.is_staff = True
    user.save()
    return user


def sign_in(client: Client, url: str, username: str, password: str, address: str = "10.1.1.1"):
    return client.post(url, {"username": username, "password": password},
                       REMOTE_ADDR=address)


@pytest.mark.parametrize("url", [DASHBOARD, ADMIN])
def test_thirty_wrong_passwords_then_the_right_one_is_refused(url, member, settings):
    client = Client()
    for _ in range(30):
        sign_in(client, url, member.get_username(), "wrong")
    answer = sign_in(client, url, member.get_username(), PASSWORD)
    assert answer.status_code == 429
    assert b"Too many failed sign-ins" in answer.content
    assert b"Try again in 15 minutes" in answer.content
    assert "_auth_user_id" not in client.session


def test_below_the_limit_the_right_password_signs_in(member, settings):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert sign_in(client, DASHBOARD, member.get_username(), "wrong").status_code == 200
    answer = sign_in(client, DASHBOARD, member.get_username(), PASSWORD)
    assert answer.status_code == 302 and "_auth_user_id" in client.session


def test_the_account_is_locked_from_every_address(member, settings):
    for number in range(settings.AXES_FAILURE_LIMIT):
        sign_in(Client(), DASHBOARD, member.get_username(), "wrong", f"10.2.0.{number}")
    answer = sign_in(Client(), DASHBOARD, member.get_username(), PASSWORD, "10.9.9.9")
    assert answer.status_code == 429


def test_an_address_trying_many_accounts_is_locked_out(member, settings):
    for number in range(settings.AXES_FAILURE_LIMIT):
        sign_in(Client(), DASHBOARD, f"guess{number}@acme.test", "wrong", "10.3.3.3")
    assert sign_in(Client(), DASHBOARD, member.get_username(), PASSWORD,
                   "10.3.3.3").status_code == 429
    # Another address still signs in: the lock is on the address, not the account.
    assert sign_in(Client(), DASHBOARD, member.get_username(), PASSWORD,
                   "10.4.4.4").status_code == 302


def test_staff_unlock_by_deleting_the_access_attempts_in_the_admin(member, acme, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(Client(), DASHBOARD, member.get_username(), "wrong")
    assert sign_in(Client(), DASHBOARD, member.get_username(), PASSWORD).status_code == 429
    admin = get_user_model().objects.create_superuser("root@atelier.test", "root@atelier.test",
                                                      "x")
    staff = Client()
    staff.force_login(admin)
    listing = staff.get("/admin/axes/accessattempt/")
    assert listing.status_code == 200 and member.get_username().encode() in listing.content
    attempts = list(AccessAttempt.objects.values_list("pk", flat=True))
    staff.post("/admin/axes/accessattempt/", {
        "action": "delete_selected", "_selected_action": attempts, "post": "yes"})
    assert not AccessAttempt.objects.exists()
    assert sign_in(Client(), DASHBOARD, member.get_username(), PASSWORD).status_code == 302


def test_wrong_api_keys_from_one_address_are_rate_limited(acme, settings):
    from django.core.cache import cache

    cache.clear()
    settings.ATELIER_API_AUTH_FAILURE_LIMIT = 5
    client = Client()
    for number in range(5):
        wrong = client.get("/api/v1/jobs", HTTP_AUTHORIZATION=f"Bearer atl_guess{number}",
                           REMOTE_ADDR="10.5.5.5")
        assert wrong.status_code == 401
    refused = client.get("/api/v1/jobs", HTTP_AUTHORIZATION=f"Bearer {acme.key.secret}",
                         REMOTE_ADDR="10.5.5.5")
    assert refused.status_code == 429 and int(refused["Retry-After"]) >= 1
    assert refused.json()["code"] == "rate_limited"
    # Another address with the right key is served; the count is per address.
    assert client.get("/api/v1/jobs", HTTP_AUTHORIZATION=f"Bearer {acme.key.secret}",
                      REMOTE_ADDR="10.6.6.6").status_code == 200
