"""Fixtures of the partner API tests (the personas owner, stranger and anonymous are shared,
in tests/conftest.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from assets.models import Asset, Rendition
from generation.models import Job
from tenants.services import NewTenant
from tests.conftest import api_client
from tests.factories import ApiKeyFactory, JobFactory


@pytest.fixture
def read_only(acme: NewTenant) -> APIClient:
    """An API client with an Acme key of the `read` scope only."""
    return api_client(ApiKeyFactory(tenant=acme.tenant, name="reporting", scopes=["read"]).secret)


# A 512x512 image's renditions once all were made: kind, format, width (square), name.
RENDITIONS = [("thumbnail", "webp", 256, "thumb"), ("web", "webp", 480, "w480"),
              ("web", "avif", 480, "w480")]


def delivered_job(tenant: Any, images: int, **fields: Any) -> Job:
    """A finished job of `images` approved 512x512 images with their renditions: the rows a
    run and the renditions actor leave (no files; answers read rows only)."""
    job = JobFactory(tenant=tenant, n=images, size="512x512", **fields)
    Job.unscoped.filter(pk=job.pk).update(status=Job.Status.SUCCEEDED)
    job.refresh_from_db()
    made = Asset.objects.for_tenant(tenant).bulk_create([Asset(
        job=job, index=index, model_key="local", model_id="atelier.local-v1",
        operation="text_to_image", parameters={"prompt": job.prompt}, seed=index,
        storage_key=f"generated/{tenant.slug}/{job.pk}/{index}.png", sha256=f"{index:064x}",
        bytes=1000 + index, width=512, height=512, format="png",
        moderation_status=Asset.Moderation.APPROVED) for index in range(images)])
    Rendition.objects.for_tenant(tenant).bulk_create([Rendition(
        asset=asset, kind=kind, format=fmt, width=width, height=width, bytes=100,
        storage_key=f"renditions/{tenant.slug}/{asset.pk}/{name}.{fmt}")
        for asset in made for kind, fmt, width, name in RENDITIONS])
    return job


@pytest.fixture
def delivered(acme: NewTenant) -> Callable[..., Job]:
    """delivered_job for Acme: `delivered(images)`."""
    return lambda images, **fields: delivered_job(acme.tenant, images, **fields)


def queries_of(client: Any, path: str) -> int:
    """The database queries of a GET that answers 200 (a first request warms the key cache
    and its `last_used_at`: they are not the endpoint's)."""
    client.get(path)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200, response.content[:300]
    return len(captured)
