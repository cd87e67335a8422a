"""A batch's messages go to Redis in pipelines through the broker's own enqueue script; a
Redis consumer (what a worker runs) reads every one of them, once, in order."""

from __future__ import annotations

import uuid

import pytest
from dramatiq.brokers.redis import RedisBroker

from generation.actors import run_job_actor
from generation.bulk_enqueue import PIPELINE_MESSAGES, enqueue_all

pytestmark = pytest.mark.redis


def test_pipelined_messages_are_read_by_a_redis_consumer(redis_url):
    broker = RedisBroker(url=redis_url, namespace=f"atelier-test-{uuid.uuid4().hex[:8]}")
    broker.declare_queue("jobs")
    ids = [str(uuid.uuid4()) for _ in range(2 * PIPELINE_MESSAGES + 3)]
    try:
        assert enqueue_all(broker, (run_job_actor.message(job_id) for job_id in ids)) == len(ids)
        consumer = broker.consume("jobs", prefetch=len(ids), timeout=1000)
        read = []
        for message in consumer:
            if message is None:  # the queue is empty
                break
            assert message.actor_name == run_job_actor.actor_name
            read.append(message.args[0])
            consumer.ack(message)
        consumer.close()
        assert read == ids
    finally:
        broker.flush_all()
        broker.close()
