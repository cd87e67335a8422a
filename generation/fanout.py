"""A job's provider calls in flight together, so a contact sheet takes one model latency.

The calls run on one thread pool per worker process (ATELIER_PROVIDER_CALLS threads, shared by
the process's jobs), each waiting for its own slot under the model's rate limit (in the first
of its Regions with room, and the call is then made in that Region). The waiting,
the call and a `finish` step that needs no database (moderation's service calls and the
provenance marks: generation.finishing) run there. Everything a job records or stores stays
on the job's own thread, which owns its database connection, so pool threads never open one
(four worker threads times sixteen pool threads would otherwise be 64 connections per
process), and the job's lease is renewed from that thread while its calls are out. Outcomes
come back as they complete; after the first failed call, calls still queued for the pool are
skipped (the job then fails or retries as a whole, as it did when its calls ran one after
another), but a call that already holds a rate-limit slot goes out: the slot is spent either
way.
"""

from __future__ import annotations

import contextvars
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from django.utils import timezone

from providers.base import ProviderCall, ProviderError, ProviderResult
from providers.ratelimit import Slot


@dataclass
class Outcome:
    """One call's result or error, with when it went out, how long it took and waited."""

    indices: list[int]
    call: ProviderCall
    waited: float = 0.0
    started: datetime | None = None
    elapsed: float = 0.0
    result: ProviderResult | None = None
    error: ProviderError | None = None
    finished: Any = None  # what `finish` made of the result, on the call's thread
    crash: Exception | None = None  # `finish` failed (a bug, not the provider): re-raised

    @property
    def skipped(self) -> bool:
        """Never sent: an earlier call of the job failed first."""
        return self.started is None


@cache
def _pool(threads: int) -> ThreadPoolExecutor:
    return ThreadPoolExecutor(max_workers=threads, thread_name_prefix="provider-call")


Finish = Callable[[list[int], ProviderCall, ProviderResult], Any]


Place = Callable[[ProviderCall, Slot], ProviderCall]


def _one(indices: list[int], call: ProviderCall, wait_for_slot: Callable[[], Slot],
         make: Callable[[ProviderCall], ProviderResult], finish: Finish,
         stop: threading.Event, place: Place | None) -> Outcome:
    outcome = Outcome(indices, call)
    if stop.is_set():
        return outcome
    try:
        slot = wait_for_slot()
    except ProviderError as exc:  # no slot in time: the others find out for themselves
        outcome.error = exc
        return outcome
    if place is not None:  # the call goes where its slot is (its Region)
        call = outcome.call = place(call, slot)
    outcome.waited = slot.waited
    outcome.started, clock = timezone.now(), time.monotonic()
    try:
        outcome.result = make(call)
    except ProviderError as exc:
        outcome.error = exc
        stop.set()
    finally:
        outcome.elapsed = time.monotonic() - clock
        slot.arrived(_seconds_since_arrival(outcome.result))
    if outcome.result is not None:
        try:
            outcome.finished = finish(indices, call, outcome.result)
        except Exception as exc:  # recorded as a call that landed, then raised on the job's thread
            outcome.crash = exc
            stop.set()
    return outcome


def _seconds_since_arrival(result: ProviderResult | None) -> float:
    """How long ago the provider got the call, as well as is known, and never too long ago:
    its own time on the call (Bedrock's invocation latency) before its answer arrived, plus
    the time since then. 0 (now) without an answer."""
    if result is None:
        return 0.0
    since = 0.0 if result.answered_at is None else max(0.0, time.monotonic() - result.answered_at)
    return (result.provider_seconds or 0.0) + since


def run_calls(planned: Sequence[tuple[list[int], ProviderCall]], *, threads: int,
              wait_for_slot: Callable[[], Slot], make: Callable[[ProviderCall], ProviderResult],
              finish: Finish, keepalive: Callable[[], None], keepalive_every: float,
              place: Place | None = None) -> Iterator[Outcome]:
    """Send every planned call at once (up to the pool's size), `finish` each result on its
    call's thread, and yield the outcomes as they complete, calling `keepalive` at least every
    `keepalive_every` seconds meanwhile. `place` gives the call as sent in the slot it got
    (the slot's Region); the outcome carries that call.

    An exception other than ProviderError from `make` (a bug, a lost connection) is raised
    here when its call's outcome would have been yielded, after the other calls are told to
    stop; one from `finish` comes back as the outcome's `crash`."""
    stop = threading.Event()
    pool = _pool(max(1, threads))
    pending: set[Future[Outcome]] = {
        pool.submit(contextvars.copy_context().run, _one, indices, call, wait_for_slot, make,
                    finish, stop, place)
        for indices, call in planned}
    try:
        while pending:
            done, pending = wait(pending, timeout=keepalive_every, return_when=FIRST_COMPLETED)
            keepalive()
            for future in done:
                yield future.result()
    finally:
        stop.set()  # an exception, or the caller stopped listening: send nothing more
        wait(pending)
