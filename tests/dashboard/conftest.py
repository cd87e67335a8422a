"""Dashboard fixtures: Acme's owner signed in (`browser`), and Globex's (`other`)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from tenants.services import NewTenant, ensure_owner
from tests.helpers import signed_in

PASSWORD = "correct horse battery"


@pytest.fixture
def owner_user(acme: NewTenant) -> Any:
    """Acme's owner (owner@acme.test), whose password is PASSWORD."""
    user, _ = ensure_owner(acme.tenant, "owner@acme.test", PASSWORD)
    return user


@pytest.fixture
def browser(owner_user: Any) -> Client:
    """A Django test client signed in as Acme's owner."""
    return signed_in(owner_user)


@pytest.fixture
def other(globex: NewTenant) -> Client:
    """A Django test client signed in as Globex's owner (another tenant's user)."""
    user, _ = ensure_owner(globex.tenant, "owner@globex.test", PASSWORD)
    return signed_in(user)
