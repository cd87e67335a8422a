"""The job and asset answers are built directly (api/serializers.py job_body,
assets/serializers.py asset_body) rather than field by field: they must say exactly what DRF's
own rendering of the declared fields says, key for key and value for value."""

from __future__ import annotations

import json
from typing import Any

from rest_framework import serializers
from rest_framework.renderers import JSONRenderer

from api.serializers import JobListSerializer, JobSerializer
from assets.models import Asset
from assets.serializers import AssetSerializer
from generation.models import Job

COMPUTED = ("url", "url_expires_at", "thumbnail_url", "renditions")
CONTEXT = {"base_url": "http://testserver/"}


def rendered(data: Any) -> Any:
    """As the client gets it: through the API's JSON renderer and back."""
    return json.loads(JSONRenderer().render(data))


def drf_fields(serializer_class: type, instance: Any, leave_out: tuple[str, ...]) -> Any:
    """DRF's generic field-by-field rendering of the declared fields, less `leave_out`."""
    class Generic(serializer_class):  # type: ignore[misc, valid-type]
        class Meta(serializer_class.Meta):  # type: ignore[name-defined]
            fields = [f for f in serializer_class.Meta.fields if f not in leave_out]
    return rendered(serializers.ModelSerializer.to_representation(Generic(context=CONTEXT),
                                                                  instance))


def test_the_asset_answer_says_what_its_declared_fields_say(delivered):
    job = delivered(2)
    asset = Asset.unscoped.get(job=job, index=1)
    body = rendered(AssetSerializer(asset, context=CONTEXT).data)
    assert list(body) == AssetSerializer.Meta.fields
    assert {k: v for k, v in body.items() if k not in COMPUTED} == drf_fields(
        AssetSerializer, asset, COMPUTED)
    assert body["url"].startswith(f"http://testserver/files/{asset.storage_key}?exp=")
    assert body["url_expires_at"].endswith("+00:00")
    assert "/thumb.webp?" in body["thumbnail_url"]
    assert [(r["format"], r["width"]) for r in body["renditions"]] == [("avif", 480),
                                                                       ("webp", 480)]
    assert set(body["renditions"][0]) == {"kind", "format", "width", "height", "bytes", "url"}


def test_an_asset_in_review_shows_no_link_and_no_rendition(delivered):
    job = delivered(1)
    Asset.unscoped.filter(job=job).update(moderation_status=Asset.Moderation.PENDING_REVIEW)
    body = AssetSerializer(Asset.unscoped.get(job=job), context=CONTEXT).data
    assert (body["url"], body["url_expires_at"], body["thumbnail_url"], body["renditions"]) == (
        None, None, None, [])


def test_the_job_answer_says_what_its_declared_fields_say(delivered, acme):
    job = delivered(3)
    Job.unscoped.filter(pk=job.pk).update(error_code="withheld", error_message="one withheld",
                                          withheld=[{"index": 2, "reason": "policy"}])
    job.refresh_from_db()
    body = rendered(JobSerializer(job, context=CONTEXT).data)
    assert list(body) == JobSerializer.Meta.fields
    assert {k: v for k, v in body.items() if k != "assets"} == drf_fields(
        JobSerializer, job, ("assets",))
    assert body["assets"] == rendered(AssetSerializer(
        job.assets.order_by("index"), many=True, context=CONTEXT).data)
    assert [asset["index"] for asset in body["assets"]] == [0, 1, 2]
    listed = rendered(JobListSerializer(job, context=CONTEXT).data)
    assert listed == {k: v for k, v in body.items() if k != "assets"}


def test_a_job_of_a_template_and_a_batch_names_them(acme, owner):
    from generation import batches
    from generation.templates import create_template

    template = create_template(acme.tenant, name="studio", prompt="a {subject}",
                               model_key="local")
    batch = batches.submit_batch(acme.tenant, template="studio", items=[
        {"sku": "MUG-1", "slots": {"subject": "mug"}, "size": "256x256", "quality": "premium"}])
    job = Job.objects.for_tenant(acme.tenant).get(batch=batch)
    body = rendered(JobSerializer(job, context=CONTEXT).data)
    assert (body["template"], body["batch"], body["slots"], body["quality"]) == (
        str(template.pk), str(batch.pk), {"subject": "mug"}, "premium")
    assert {k: v for k, v in body.items() if k != "assets"} == drf_fields(
        JobSerializer, job, ("assets",))
