"""Queue depth and age, published once a minute by the scheduler for autoscaling and alarms.

The figures go out as a CloudWatch Embedded Metric Format log line (namespace `Atelier`,
metrics `QueueDepth` and `QueueOldestAgeSeconds`): CloudWatch Logs turns it into metrics with
no API call and no extra permission, and the worker service scales on `QueueDepth`. The same
figures are Prometheus gauges on the scheduler's metrics port.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Any, cast

import dramatiq
from dramatiq.brokers.redis import RedisBroker

from core import metrics

log = logging.getLogger("atelier.queue")
NAMESPACE = "Atelier"


@dataclass(frozen=True)
class QueueFigures:
    depth: int
    oldest_age_seconds: float


def _waiting_queues(broker: dramatiq.Broker) -> list[str]:
    return sorted(q for q in broker.get_declared_queues() if not q.endswith((".DQ", ".XQ")))


def measure(broker: dramatiq.Broker | None = None) -> QueueFigures:
    """Messages waiting (delayed retries excluded) and the age of the oldest, all queues."""
    broker = broker or dramatiq.get_broker()
    now_ms = time.time() * 1000
    depth, oldest_ms = 0, now_ms
    if isinstance(broker, RedisBroker):
        client = broker.client
        for queue in _waiting_queues(broker):
            key = f"{broker.namespace}:{queue}"
            depth += client.llen(key)
            head = client.lindex(key, 0)
            encoded = client.hget(f"{key}.msgs", head) if head else None
            if encoded:
                # dramatiq builds its client without decode_responses: values come back as bytes
                # (dramatiq decodes the same hash's values as such).
                message = dramatiq.Message.decode(cast(bytes, encoded))
                oldest_ms = min(oldest_ms, message.message_timestamp)
    else:  # the in-process broker keeps Python queues
        for queue in _waiting_queues(broker):
            depth += broker.queues[queue].qsize()
    return QueueFigures(depth, round(max(0.0, now_ms - oldest_ms) / 1000, 1))


def emf_fields(figures: QueueFigures) -> dict[str, Any]:
    """The Embedded Metric Format fields for one log line."""
    return {
        "_aws": {"Timestamp": int(time.time() * 1000), "CloudWatchMetrics": [{
            "Namespace": NAMESPACE, "Dimensions": [[]],
            "Metrics": [{"Name": "QueueDepth", "Unit": "Count"},
                        {"Name": "QueueOldestAgeSeconds", "Unit": "Seconds"}]}]},
        "QueueDepth": figures.depth,
        "QueueOldestAgeSeconds": figures.oldest_age_seconds,
    }


def publish() -> dict[str, Any]:
    figures = measure()
    metrics.QUEUE_DEPTH.set(figures.depth)
    metrics.QUEUE_OLDEST_AGE.set(figures.oldest_age_seconds)
    log.info("queue.metrics", extra=emf_fields(figures))
    return {"depth": figures.depth, "oldest_age_seconds": figures.oldest_age_seconds}
