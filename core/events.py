"""Domain events: what happened, published inside the caller's transaction to the apps that
act on it.

A lower layer never calls a higher one; it publishes a small frozen fact instead, and each
app subscribes in its own `receivers.py` (imported by its AppConfig.ready). Subscribers run
synchronously, in the order their apps are installed, inside the publisher's transaction: a
charge made on `AssetModerated` commits or rolls back with the status change that caused it.
Work that must wait for the commit (queue messages, delete files) is deferred by the
subscriber itself (`core.tasks.send`, `transaction.on_commit`).

Events carry ids and plain values, never model instances, so this module depends on nothing.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar
from uuid import UUID

E = TypeVar("E", bound="Event")
_subscribers: defaultdict[type[Event], list[Callable[[Any], None]]] = defaultdict(list)


@dataclass(frozen=True)
class Event:
    """Base of every domain event."""


@dataclass(frozen=True)
class AssetModerated(Event):
    """An asset's moderation status was set (approved, pending_review or rejected);
    `changed` is false when it already had that status. `job_running` is true when the job's
    own run set it, while it is still making its other images (work that can wait for the
    job to finish should: JobFinished follows)."""

    asset_id: str
    tenant_id: UUID
    job_id: str | None
    status: str
    changed: bool
    job_running: bool = False


@dataclass(frozen=True)
class JobFinished(Event):
    """A job reached its final status (succeeded, partially_succeeded, failed, …)."""

    job_id: str
    tenant_id: UUID
    batch_id: str | None
    status: str


@dataclass(frozen=True)
class JobFellBack(Event):
    """A job runs on the fallback its tenant or template named (`model`) because the model
    it asked for (`requested`) may not be called now, for `reason`."""

    job_id: str
    tenant_id: UUID
    requested: str
    model: str
    reason: str


@dataclass(frozen=True)
class BatchCompleted(Event):
    """The last job of a batch finished (or the batch was canceled)."""

    batch_id: str
    tenant_id: UUID


def subscribe(event_type: type[E]) -> Callable[[Callable[[E], None]], Callable[[E], None]]:
    """Register the decorated function to run on every published `event_type`."""

    def register(handler: Callable[[E], None]) -> Callable[[E], None]:
        if handler not in _subscribers[event_type]:
            _subscribers[event_type].append(handler)
        return handler

    return register


def publish(event: Event) -> None:
    """Run every subscriber of the event's type, now, in the caller's transaction."""
    for handler in list(_subscribers[type(event)]):
        handler(event)
