"""Work queued by name, after the transaction commits.

Services never import `actors.py` (actors import services, so the reverse would be a cycle);
they name the actor instead. The actor modules of every installed app are imported the first
time a name is not yet declared on the broker, which is what the workers do at start-up.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable
from typing import Any

import dramatiq
from django.apps import apps
from django.db import transaction

_discovered = False


def discover() -> None:
    """Declare every app's actors on the broker (importing `<app>.actors` where there is one)."""
    global _discovered
    for config in apps.get_app_configs():
        try:
            importlib.import_module(f"{config.name}.actors")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.actors":
                raise
    _discovered = True


def actor(name: str) -> dramatiq.Actor[Any, Any]:
    """The declared actor called `name` (its function's name unless it was given another)."""
    broker = dramatiq.get_broker()
    if name not in broker.actors and not _discovered:
        discover()
    return broker.get_actor(name)


def send(name: str, *args: Any, delay_ms: int | None = None) -> None:
    """Send a message to the named actor once the current transaction commits (at once when
    there is none)."""
    actor(name)  # fail now, inside the transaction, on an unknown name
    transaction.on_commit(lambda: send_now(name, *args, delay_ms=delay_ms))


def send_now(name: str, *args: Any, delay_ms: int | None = None) -> None:
    """Send at once, whatever transaction is open (callers already deferred to the commit,
    and sweeps that own no transaction)."""
    if delay_ms:
        actor(name).send_with_options(args=args, delay=delay_ms)
    else:
        actor(name).send(*args)


def messages(name: str, args: Iterable[tuple[Any, ...]]) -> Iterable[dramatiq.Message[Any]]:
    """Messages for the named actor, not sent: bulk enqueueing builds thousands."""
    target = actor(name)
    return (target.message(*arguments) for arguments in args)
