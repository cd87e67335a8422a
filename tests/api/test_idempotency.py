"""Idempotency-Key on POST: the same key and body replays the first answer without doing the
work again; the same key with another body is a 409; concurrent duplicates make one job."""

from datetime import timedelta

import pytest
from django.utils import timezone

from generation.models import Job
from tenants.models import IdempotencyRecord
from tests.conftest import api_client, queued_messages, race
from tests.helpers import png_bytes

BODY = {"model": "local", "prompt": "a wool scarf on a chair", "size": "256x256", "n": 2}


def post_job(client, body=BODY, key="order-1234"):
    return client.post("/api/v1/jobs", body, format="json", HTTP_IDEMPOTENCY_KEY=key)


def test_four_identical_posts_make_one_job(owner, acme, empty_queue,
                                          django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        answers = [post_job(owner) for _ in range(4)]
    assert [a.status_code for a in answers] == [202] * 4
    assert len({a.json()["id"] for a in answers}) == 1
    assert Job.objects.for_tenant(acme.tenant).count() == 1
    assert queued_messages() == 1
    assert "Idempotent-Replayed" not in answers[0].headers
    assert all(a.headers["Idempotent-Replayed"] == "true" for a in answers[1:])
    assert answers[3].headers["Location"] == answers[0].headers["Location"]


def test_same_key_with_another_body_is_a_conflict(owner, acme, empty_queue):
    assert post_job(owner).status_code == 202
    changed = post_job(owner, {**BODY, "prompt": "a silk scarf on a chair"})
    assert changed.status_code == 409
    assert changed.json()["code"] == "idempotency_key_reused"
    assert changed.json()["field"] == "Idempotency-Key"
    assert Job.objects.for_tenant(acme.tenant).count() == 1


def test_same_key_on_another_endpoint_is_a_conflict(owner, acme, empty_queue):
    job = post_job(owner).json()
    response = owner.post(f"/api/v1/jobs/{job['id']}/cancel", HTTP_IDEMPOTENCY_KEY="order-1234")
    assert response.status_code == 409
    assert Job.objects.for_tenant(acme.tenant).get().status == "queued"


def test_posts_without_a_key_are_not_deduplicated(owner, acme, empty_queue):
    for _ in range(2):
        assert owner.post("/api/v1/jobs", BODY, format="json").status_code == 202
    assert Job.objects.for_tenant(acme.tenant).count() == 2


def test_keys_belong_to_one_tenant(owner, stranger, acme, globex, empty_queue):
    assert post_job(owner).status_code == 202
    assert post_job(stranger).status_code == 202
    assert Job.objects.for_tenant(acme.tenant).count() == 1
    assert Job.objects.for_tenant(globex.tenant).count() == 1


def test_an_error_answer_is_replayed_too(owner, acme, empty_queue):
    bad = {**BODY, "n": 0}
    first, second = post_job(owner, bad), post_job(owner, bad)
    assert first.status_code == second.status_code == 400
    assert first.json() == second.json()
    assert second.headers["Idempotent-Replayed"] == "true"
    assert Job.objects.for_tenant(acme.tenant).count() == 0


def test_an_answer_echoing_a_nul_character_is_kept(acme):
    """Found by the schema fuzzer: PostgreSQL's jsonb cannot hold NUL, so storing a 400 that
    quoted the client's NUL (a CSV batch's unknown column name) was a 500."""
    from api import idempotency

    record = idempotency.begin(acme.tenant, "csv-1", "print")
    body = {"code": "invalid_batch", "errors": [{"column": "a\x00b", "a\x00": ["\x00"]}]}
    idempotency.finish(record, 400, body, {})
    replay = idempotency.begin(acme.tenant, "csv-1", "print")
    assert isinstance(replay, idempotency.Replay) and replay.status == 400
    assert replay.body == {"code": "invalid_batch",
                           "errors": [{"column": "a\ufffdb", "a\ufffd": ["\ufffd"]}]}


def test_a_key_expires_after_24_hours(owner, acme, empty_queue):
    first = post_job(owner).json()
    IdempotencyRecord.objects.for_tenant(acme.tenant).update(
        created_at=timezone.now() - timedelta(hours=24, minutes=1))
    second = post_job(owner).json()
    assert second["id"] != first["id"]
    assert Job.objects.for_tenant(acme.tenant).count() == 2


@pytest.mark.parametrize("key", ["", "x" * 256, "tab\there"])
def test_a_malformed_key_is_refused(owner, acme, empty_queue, key):
    response = post_job(owner, key=key)
    assert response.status_code == 400
    assert response.json()["field"] == "Idempotency-Key"
    assert Job.objects.for_tenant(acme.tenant).count() == 0
    assert queued_messages() == 0


def test_uploads_are_idempotent(owner, acme):
    import base64

    body = {"data": base64.b64encode(png_bytes((64, 64), (10, 200, 30))).decode(),
            "filename": "a.png"}
    first = owner.post("/api/v1/uploads", body, format="json", HTTP_IDEMPOTENCY_KEY="up-1")
    second = owner.post("/api/v1/uploads", body, format="json", HTTP_IDEMPOTENCY_KEY="up-1")
    assert first.status_code == second.status_code == 201
    assert first.json() == second.json()


def test_concurrent_duplicates_make_one_job(acme, transactional_db, empty_queue):
    """Eight requests with one key at the same instant (PostgreSQL in CI): one job, and every
    answer is that job."""

    def attempt():
        return post_job(api_client(acme.key.secret), key="burst-1")

    answers = race(8, attempt)
    assert sorted(a.status_code for a in answers) == [202] * 8
    assert len({a.json()["id"] for a in answers}) == 1
    assert Job.objects.for_tenant(acme.tenant).count() == 1
    assert queued_messages() == 1
