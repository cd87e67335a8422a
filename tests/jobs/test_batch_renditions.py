"""Renditions wait for a job's run to end; a batch job's wait a few seconds more, so that a
burst of a batch's images (a quota window's calls answered together) is stored before its
renditions compete for the worker's CPU. A lone job's are queued at once."""

from __future__ import annotations

import dramatiq

from assets.models import Asset
from assets.receivers import BATCH_RENDITIONS_DELAY_MS
from generation import batches
from generation.models import Job
from generation.runner import run_job


def renditions_queued() -> tuple[list[dramatiq.Message], list[dramatiq.Message]]:
    """The renditions messages on the in-process broker, taken off it: (queued now, delayed)."""
    broker = dramatiq.get_broker()
    found: dict[str, list[dramatiq.Message]] = {"assets": [], "assets.DQ": []}
    for name in found:
        queue = broker.queues.get(name)
        while queue is not None and not queue.empty():
            found[name].append(dramatiq.Message.decode(queue.get_nowait()))
            queue.task_done()  # else the queue counts it unfinished, and every join waits
    return found["assets"], found["assets.DQ"]


def test_a_lone_jobs_renditions_are_queued_when_it_finishes(submit, empty_queue,
                                                             django_capture_on_commit_callbacks):
    job = submit(seed=5)
    with django_capture_on_commit_callbacks(execute=True):
        run_job(job.pk)
    now, delayed = renditions_queued()
    asset = Asset.unscoped.get(job=job)
    assert [m.args for m in now if m.actor_name == "make_renditions_actor"] == [(str(asset.pk),)]
    assert not [m for m in delayed if m.actor_name == "make_renditions_actor"]


def test_a_batch_jobs_renditions_wait_a_few_seconds(acme, empty_queue,
                                                    django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        batch = batches.submit_batch(acme.tenant, model="local", items=[
            {"sku": "S-1", "prompt": "a stool", "seed": 7, "size": "256x256"}])
    job = Job.unscoped.get(batch=batch)
    renditions_queued()  # the batch's own messages (its job's) are not what this is about
    with django_capture_on_commit_callbacks(execute=True):
        run_job(job.pk)
    now, delayed = renditions_queued()
    asset = Asset.unscoped.get(job=job)
    assert not [m for m in now if m.actor_name == "make_renditions_actor"]
    (message,) = [m for m in delayed if m.actor_name == "make_renditions_actor"]
    assert message.args == (str(asset.pk),)
    assert message.options["eta"] - message.message_timestamp >= BATCH_RENDITIONS_DELAY_MS - 50
