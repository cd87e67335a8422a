"""A batch's messages go to Redis in one stream of calls of the broker's own enqueue script; a
Redis consumer (what a worker runs) reads every one of them, once, in order."""

from __future__ import annotations

import uuid

import pytest
from dramatiq.brokers.redis import RedisBroker
from redis.exceptions import ResponseError

from generation.actors import run_job_actor
from generation.bulk_enqueue import BLOCK_MESSAGES, enqueue_all

pytestmark = pytest.mark.redis


def test_pipelined_messages_are_read_by_a_redis_consumer(redis_url):
    broker = RedisBroker(url=redis_url, namespace=f"atelier-test-{uuid.uuid4().hex[:8]}")
    broker.declare_queue("jobs")
    ids = [str(uuid.uuid4()) for _ in range(2 * BLOCK_MESSAGES + 3)]
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


def test_a_refused_call_raises_and_leaves_no_reply_behind(redis_url):
    """Redis refuses every call (the queue's message hash is a string, not a hash): the error
    is raised, and the connection goes back to the pool without the replies left unread."""
    broker = RedisBroker(url=redis_url, namespace=f"atelier-test-{uuid.uuid4().hex[:8]}")
    broker.declare_queue("jobs")
    broker.client.set(f"{broker.namespace}:jobs.msgs", "not a hash")
    try:
        with pytest.raises(ResponseError, match="WRONGTYPE"):
            enqueue_all(broker, (run_job_actor.message(str(i)) for i in range(3)))
        assert broker.client.echo("next") == b"next"
    finally:
        broker.client.delete(f"{broker.namespace}:jobs.msgs")
        broker.flush_all()
        broker.close()
