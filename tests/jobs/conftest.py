"""Fixtures of the job and batch tests."""

from __future__ import annotations

from typing import Any

import pytest

from generation.templates import create_template
from tenants.services import NewTenant


@pytest.fixture
def studio(acme: NewTenant) -> Any:
    """Acme's brand template "studio" (local model, 256x256) with the slots product and color."""
    return create_template(acme.tenant, name="studio", prompt="a {product} in {color}",
                           model_key="local", size="256x256")
