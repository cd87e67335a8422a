"""Fixtures of the partner API tests (the personas owner, stranger and anonymous are shared,
in tests/conftest.py)."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from tenants.services import NewTenant
from tests.conftest import api_client
from tests.factories import ApiKeyFactory


@pytest.fixture
def read_only(acme: NewTenant) -> APIClient:
    """An API client with an Acme key of the `read` scope only."""
    return api_client(ApiKeyFactory(tenant=acme.tenant, name="reporting", scopes=["read"]).secret)
