"""First run: `create_platform_admin` makes the platform's staff (idempotent, with clear
errors), and `demo` keeps one valid demo API key instead of leaving a new one each run."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from tenants.models import ApiKey
from tenants.services import authenticate_api_key

PASSWORD = "a long platform password"


@pytest.fixture
def password(monkeypatch):
    monkeypatch.setenv("ATELIER_ADMIN_PASSWORD", PASSWORD)
    return PASSWORD


def admin_sign_in(email: str, password: str) -> Client | None:
    """Signed in through the admin's own sign-in form, or None if it refused."""
    client = Client()
    response = client.post("/admin/login/?next=/admin/",
                           {"username": email, "password": password})
    return client if response.status_code == 302 else None


def groups_of(email: str) -> list[str]:
    user = get_user_model().objects.get(username=email)
    return sorted(user.groups.values_list("name", flat=True))


def test_the_first_platform_admin_signs_in_and_sees_everything(db, password, capsys):
    call_command("create_platform_admin", "Root@Atelier.test", "--no-input")
    out = capsys.readouterr().out
    assert "created superuser root@atelier.test; groups: Finance, Moderators; password set" \
        in out
    user = get_user_model().objects.get(username="root@atelier.test")
    assert user.is_superuser and user.is_staff and user.email == "root@atelier.test"
    client = admin_sign_in("root@atelier.test", PASSWORD)
    assert client is not None
    assert client.get("/admin/finance/report/").status_code == 200
    assert client.get("/admin/moderation/reviewitem/").status_code == 200


def test_running_it_again_changes_nothing(db, password, capsys, monkeypatch):
    call_command("create_platform_admin", "root@atelier.test", "--no-input")
    monkeypatch.delenv("ATELIER_ADMIN_PASSWORD")
    call_command("create_platform_admin", "root@atelier.test", "--no-input")
    assert "updated superuser root@atelier.test; groups: Finance, Moderators; " \
           "password unchanged" in capsys.readouterr().out
    assert get_user_model().objects.filter(username="root@atelier.test").count() == 1
    assert admin_sign_in("root@atelier.test", PASSWORD) is not None
    assert admin_sign_in("root@atelier.test", "not the password") is None


def test_finance_and_moderator_staff(db, password):
    call_command("create_platform_admin", "fin@atelier.test", "--role", "finance",
                 "--no-input")
    user = get_user_model().objects.get(username="fin@atelier.test")
    assert user.is_staff and not user.is_superuser
    assert groups_of("fin@atelier.test") == ["Finance"]
    call_command("create_platform_admin", "fin@atelier.test", "--role", "moderator",
                 "--no-input")  # a second role adds to the first
    assert groups_of("fin@atelier.test") == ["Finance", "Moderators"]
    assert not get_user_model().objects.get(username="fin@atelier.test").is_superuser


def test_a_new_user_needs_a_password(db):
    with pytest.raises(CommandError, match="password: set ATELIER_ADMIN_PASSWORD"):
        call_command("create_platform_admin", "root@atelier.test", "--no-input")
    assert not get_user_model().objects.exists()


def test_a_weak_password_is_refused(db, monkeypatch):
    monkeypatch.setenv("ATELIER_ADMIN_PASSWORD", "12345678")
    with pytest.raises(CommandError, match=r"password: .*(common|numeric).*nothing was changed"):
        call_command("create_platform_admin", "root@atelier.test", "--no-input")
    assert not get_user_model().objects.exists()


def test_clear_errors_for_a_bad_email_and_missing_groups(db, password):
    with pytest.raises(CommandError, match="email: 'root' is not an e-mail address"):
        call_command("create_platform_admin", "root", "--no-input")
    Group.objects.filter(name="Moderators").delete()
    with pytest.raises(CommandError, match=r"Moderators group.*manage\.py migrate"):
        call_command("create_platform_admin", "mod@atelier.test", "--role", "moderator",
                     "--no-input")
    assert not get_user_model().objects.exists()


def demo_keys() -> tuple[list[ApiKey], list[ApiKey]]:
    keys = list(ApiKey.objects.filter(tenant__slug="demo"))
    return ([k for k in keys if k.revoked_at is None], [k for k in keys if k.revoked_at])


def printed_secret(out: str) -> str | None:
    found = re.search(r"API key:\s+(atl_\S+)\s+\(shown this once", out)
    return found.group(1) if found else None


def test_demo_reuses_its_key_and_new_key_replaces_it(transactional_db, empty_queue, capsys):
    call_command("demo", "--size", "256x256")
    first = printed_secret(capsys.readouterr().out)
    assert first is not None and authenticate_api_key(first) is not None
    active, revoked = demo_keys()
    assert len(active) == 1 and not revoked  # the tenant's first key is the demo key

    call_command("demo", "--size", "256x256")
    out = capsys.readouterr().out
    assert printed_secret(out) is None and f"atl_{active[0].prefix}_…" in out
    assert "manage.py demo --new-key" in out and "$ATELIER_API_KEY" in out
    assert demo_keys() == (active, [])  # the same key, still the only one
    assert authenticate_api_key(first) is not None

    call_command("demo", "--size", "256x256", "--new-key")
    captured = capsys.readouterr()
    second = printed_secret(captured.out)
    assert second is not None and second != first
    assert f"revoked 1 earlier demo key(s): {active[0].prefix}" in captured.err
    active_now, revoked_now = demo_keys()
    assert [k.pk for k in revoked_now] == [active[0].pk] and len(active_now) == 1
    assert authenticate_api_key(first) is None and authenticate_api_key(second) is not None
