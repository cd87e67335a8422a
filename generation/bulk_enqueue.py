"""Handing a batch's messages to the broker: thousands at once, after the batch commits.

On Redis, RedisBroker.enqueue costs a round trip per message (10,000 messages: about 5 s on
the 2-core benchmark box). Here the broker's own enqueue script is called for many messages
in one pipeline — the same script and arguments as RedisBroker.enqueue (see
dramatiq/brokers/redis/dispatch.lua; its occasional queue maintenance is left to the
workers' own calls), the same middleware hooks — which took 1.5 s.
tests/jobs/test_batch_enqueue_redis.py checks that a Redis consumer reads what it writes. Any other
broker (the in-process one) gets broker.enqueue in a loop.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Iterator
from typing import TypeGuard

from dramatiq import Broker, Message
from dramatiq.brokers.redis import RedisBroker
from dramatiq.common import current_millis

PIPELINE_MESSAGES = 500


def enqueue_all(broker: Broker, messages: Iterable[Message]) -> int:
    """Enqueue every message (no delay); the number enqueued."""
    if not _pipelined(broker):
        count = 0
        for message in messages:
            broker.enqueue(message)
            count += 1
        return count
    return sum(_pipeline(broker, chunk) for chunk in _chunks(messages, PIPELINE_MESSAGES))


def _pipelined(broker: Broker) -> TypeGuard[RedisBroker]:
    return isinstance(broker, RedisBroker) and "dispatch" in getattr(broker, "scripts", {})


def _chunks(messages: Iterable[Message], size: int) -> Iterator[list[Message]]:
    chunk: list[Message] = []
    for message in messages:
        chunk.append(message)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _pipeline(broker: RedisBroker, chunk: list[Message]) -> int:
    dispatch, keys = broker.scripts["dispatch"], [broker.namespace]
    sent = []
    with broker.client.pipeline(transaction=False) as pipe:
        for message in chunk:
            message = message.copy(options={"redis_message_id": str(uuid.uuid4())})
            broker.emit_before("enqueue", message, None)
            dispatch(keys=keys, client=pipe, args=[
                "enqueue", current_millis(), message.queue_name, broker.broker_id,
                broker.heartbeat_timeout, broker.dead_message_ttl, 0,  # 0: no maintenance
                broker._max_unpack_size(), message.options["redis_message_id"],
                message.encode()])
            sent.append(message)
        pipe.execute()
    for message in sent:
        broker.emit_after("enqueue", message, None)
    return len(sent)
