"""Rekognition answering 500 and Bedrock Guardrails timing out on every image of a catalog
batch: moderation fails closed. Every image waits in review — never approved, no link, not in
the batch's results, not charged (only a delivered image is). When the services come back
nothing changes by itself; a moderator's decision does: approved images are delivered and
charged once, rejected ones are withdrawn and never charged.

The worker processes reach both doubles, in this process, through the real boto3 clients
(AWS_ENDPOINT_URL_REKOGNITION, AWS_ENDPOINT_URL_BEDROCK_RUNTIME). During the outage, the
images the services would have judged (their labels say Violence 93 %) are unsafe.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from django.contrib.auth.models import Group, User

from assets.models import Asset, Rendition
from assets.services import open_deliverable
from billing.models import UsageEvent
from generation.batch_results import batch_assets
from moderation import services as moderation
from moderation.models import MODERATORS_GROUP, AuditEvent
from tests.fakes.bedrock import BedrockDouble
from tests.fakes.bedrock_schema import ApiError
from tests.fakes.loopback import point_aws_client_at
from tests.fakes.rekognition import ERRORS, RekognitionDouble, label
from tests.helpers import wait_until

from .harness import UNIT_PRICE, batch_job_ids, catalog_batch, priced, wait_for_jobs
from .invariants import assert_promise_kept, generated_objects_on_disk

pytestmark = [pytest.mark.reliability, pytest.mark.redis, pytest.mark.postgres]

GUARDRAIL = "groutage1"
ROWS, N = 10, 4  # 40 images
MODERATION_TIMEOUT, GUARDRAIL_STALL = 1.0, 2.5


class RekognitionOutage(RekognitionDouble):
    """Answers InternalServerError (500) to everything while `down`."""

    down = False

    def _answer(self, method: str, path: str, headers: dict[str, str], raw: bytes,
                started: float) -> dict:
        if self.down:
            raise ApiError(*ERRORS["server_error_500"])
        return super()._answer(method, path, headers, raw, started)


class GuardrailOutage(BedrockDouble):
    """Never answers an image check (source OUTPUT) within the moderation timeout while
    `outputs_down`; prompts (INPUT) are answered as usual."""

    outputs_down = False

    def _apply_guardrail(self, identifier: str, version: str, body: object,
                         problem: str | None, started: float, region: str) -> dict:
        if self.outputs_down and isinstance(body, dict) and body.get("source") == "OUTPUT":
            self._stopping.wait(GUARDRAIL_STALL)
        return super()._apply_guardrail(identifier, version, body, problem, started, region)


@pytest.fixture
def outage(monkeypatch: pytest.MonkeyPatch, settings
           ) -> Iterator[tuple[RekognitionOutage, GuardrailOutage]]:
    rekognition, guardrails = RekognitionOutage().start(), GuardrailOutage().start()
    guardrails.guardrails.add(GUARDRAIL)
    settings.ATELIER_GUARDRAIL_ID = GUARDRAIL  # prompts are checked here, at submission
    point_aws_client_at(monkeypatch, "AWS_ENDPOINT_URL_BEDROCK_RUNTIME", guardrails.url)
    try:
        yield rekognition, guardrails
    finally:
        rekognition.stop()
        guardrails.stop()


def snapshot(ids: list) -> tuple:
    assets = Asset.unscoped.filter(job_id__in=ids)
    return (sorted(assets.values_list("pk", "moderation_status", "storage_key")),
            AuditEvent.objects.filter(asset__in=assets).count(),
            UsageEvent.unscoped.filter(job_id__in=ids).count(),
            Rendition.unscoped.filter(asset__in=assets).count())


def test_moderation_down_keeps_every_image_in_review_until_a_moderator_decides(
        acme, owner, env, workers, to_workers, outage):
    rekognition, guardrails = outage
    env.update({
        "ATELIER_REKOGNITION": "on", "AWS_ENDPOINT_URL_REKOGNITION": rekognition.url,
        "ATELIER_GUARDRAIL_ID": GUARDRAIL, "AWS_ENDPOINT_URL_BEDROCK_RUNTIME": guardrails.url,
        "ATELIER_MODERATION_TIMEOUT": str(MODERATION_TIMEOUT),
        "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_REGION": "us-east-1", "AWS_DEFAULT_REGION": "us-east-1",
    })
    rekognition.labels = [label("Violence", 93.0)]  # what the service would have said
    rekognition.down = guardrails.outputs_down = True
    priced(acme.tenant, "local")
    workers.start(threads=3)
    workers.start(threads=3)
    batch = catalog_batch(acme.tenant, rows=ROWS, n=N)
    ids = batch_job_ids(batch)
    wait_for_jobs(ids, 120, workers)

    assets = list(Asset.unscoped.filter(job_id__in=ids).order_by("job__sku", "index"))
    assert len(assets) == ROWS * N
    assert {asset.moderation_status for asset in assets} == {"pending_review"}
    for asset in assets:
        reasons = "; ".join(asset.moderation["reasons"])
        assert "rekognition unavailable" in reasons and "guardrails unavailable" in reasons
        assert owner.get(f"/api/v1/assets/{asset.pk}").json()["url"] is None
        assert open_deliverable(asset.storage_key) is None
    assert not batch_assets(acme.tenant, batch.pk)[1].exists()
    assert not UsageEvent.unscoped.filter(job_id__in=ids).exists(), "nothing delivered yet"

    # The services recover: nothing is judged again behind the moderators' backs.
    before = snapshot(ids)
    rekognition.down = guardrails.outputs_down = False
    time.sleep(3 * int(env["ATELIER_SWEEP_INTERVAL_SECONDS"]) + 0.5)
    assert snapshot(ids) == before

    moderator = User.objects.create_user("moderator@atelier.test", is_staff=True)
    group, _ = Group.objects.get_or_create(name=MODERATORS_GROUP)  # earlier tests flush it
    moderator.groups.add(group)
    approved, rejected = assets[: len(assets) // 2], assets[len(assets) // 2:]
    for asset in approved:
        moderation.review(asset, approve=True, moderator=moderator, reason="checked by hand")
    for asset in rejected:
        moderation.review(asset, approve=False, moderator=moderator, reason="violence")

    for asset in approved:
        assert owner.get(f"/api/v1/assets/{asset.pk}").json()["url"]
    for asset in rejected:
        asset.refresh_from_db()
        assert asset.storage_key.startswith("quarantine/")
        assert owner.get(f"/api/v1/assets/{asset.pk}").json()["url"] is None
    wait_until(lambda: Rendition.unscoped.filter(asset__in=approved).values("asset")
               .distinct().count() == len(approved), 60, "the approved images' renditions")
    assert not Rendition.unscoped.filter(asset__in=rejected).exists()
    assert_promise_kept(acme.tenant, ids, objects=generated_objects_on_disk(ids),
                        unit_price=UNIT_PRICE)
