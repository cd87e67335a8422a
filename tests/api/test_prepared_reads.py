"""The job answer's prepared reads (core/prepared.py, assets/job_reads.py, get_job) read
what the ORM's querysets read, only the tenant's rows, and refuse malformed ids."""

from __future__ import annotations

import threading
import uuid

import pytest

from assets.job_reads import job_assets, job_renditions
from assets.models import Asset, Rendition
from assets.serializers import renditions_by_asset
from core.errors import NotFound
from core.prepared import PreparedRead
from generation.models import Job
from generation.services import get_job


def test_the_job_is_the_tenants_own(delivered, acme, globex):
    job = delivered(2)
    assert get_job(acme.tenant, str(job.pk)) == job
    assert get_job(acme.tenant, job.pk).prompt == job.prompt
    for tenant, job_id in ((globex.tenant, job.pk), (acme.tenant, uuid.uuid4()),
                           (acme.tenant, "0.5"), (acme.tenant, "")):
        with pytest.raises(NotFound, match="job: no such job"):
            get_job(tenant, job_id)


def test_the_read_job_has_every_column(delivered, acme):
    job = delivered(1)
    read = get_job(acme.tenant, job.pk)
    for field in Job._meta.concrete_fields:
        assert getattr(read, field.attname) == getattr(job, field.attname), field.name


def test_the_assets_are_the_orms_in_order_without_their_moderation_details(delivered, acme):
    job = delivered(3)
    read = job_assets(acme.tenant, job.pk)
    expected = list(job.assets.order_by("index"))
    assert [asset.pk for asset in read] == [asset.pk for asset in expected]
    for got, want in zip(read, expected, strict=True):
        assert "moderation" in got.get_deferred_fields()
        assert Asset.tenant.is_cached(got) and got.tenant == acme.tenant
        for field in Asset._meta.concrete_fields:
            if field.name != "moderation":
                assert getattr(got, field.attname) == getattr(want, field.attname), field.name


def test_the_renditions_are_those_renditions_by_asset_reads(delivered, acme):
    job = delivered(3)
    Asset.unscoped.filter(job=job, index=1).update(
        moderation_status=Asset.Moderation.REJECTED)
    assets = job_assets(acme.tenant, job.pk)
    read = job_renditions(acme.tenant, job.pk, assets)
    expected = renditions_by_asset(list(job.assets.order_by("index")), tenant=acme.tenant)
    assert read == expected
    assert len(read) == 2 and all(read.values())  # the rejected image's are not listed


def test_another_tenants_job_reads_nothing(delivered, globex):
    job = delivered(2)
    assert job_assets(globex.tenant, job.pk) == []
    assert job_renditions(globex.tenant, job.pk, []) == {}
    assert Rendition.unscoped.filter(asset__job=job).exists()


def test_a_malformed_id_is_refused_before_any_sql(django_assert_num_queries, acme):
    with django_assert_num_queries(0), pytest.raises(ValueError):
        job_assets(acme.tenant, "not-a-uuid")


def test_each_thread_compiles_its_own_statement(delivered, acme, transactional_db):
    job = delivered(2)
    read = PreparedRead(lambda tenant, job: Asset.unscoped.filter(
        tenant_id=tenant, job_id=job).order_by("index").values_list("index", "seed"),
        "tenant", "job")
    assert read.rows(tenant=acme.tenant.pk, job=job.pk) == [(0, 0), (1, 1)]
    found: list[object] = []
    thread = threading.Thread(target=lambda: found.extend(
        read.rows(tenant=acme.tenant.pk, job=job.pk)))
    thread.start()
    thread.join()
    assert found == [(0, 0), (1, 1)]


def test_every_named_id_must_reach_the_sql(acme):
    read = PreparedRead(lambda tenant, job: Asset.unscoped.filter(tenant_id=tenant),
                        "tenant", "job")
    with pytest.raises(ValueError, match="compared with a column"):
        read.rows(tenant=acme.tenant.pk, job=uuid.uuid4())


def test_read_instances_are_loaded_rows_that_save_as_updates(delivered, acme,
                                                              django_assert_num_queries):
    job = delivered(1)
    (asset,) = job_assets(acme.tenant, job.pk)
    assert (asset._state.adding, asset._state.db) == (False, "default")
    asset.stage = Asset.Stage.FINAL
    with django_assert_num_queries(1) as captured:  # an UPDATE of the row, never an INSERT
        asset.save(update_fields=["stage"])
    assert captured.captured_queries[0]["sql"].startswith("UPDATE")
    assert Asset.unscoped.get(pk=asset.pk).stage == Asset.Stage.FINAL
    assert asset.moderation == {}  # a deferred column is read on first use


def test_instances_run_init_when_something_listens_to_it(delivered, acme):
    from django.db.models.signals import post_init

    job = delivered(2)
    seen: list[object] = []

    def listener(sender: type, instance: Asset, **kwargs: object) -> None:
        seen.append(instance.pk)

    post_init.connect(listener, sender=Asset)
    try:
        read = job_assets(acme.tenant, job.pk)
    finally:
        post_init.disconnect(listener, sender=Asset)
    assert seen == [asset.pk for asset in read]
