"""Clients made once per process however many threads ask at once (core/once.py): a worker's
provider-call threads at the start of a burst built one bedrock-runtime client each."""

from __future__ import annotations

import threading
import time
from typing import Any

from core.once import made_once
from providers.bedrock import client as bedrock


def at_once(threads: int, ask: Any) -> list[Any]:
    start, got = threading.Barrier(threads), []

    def caller() -> None:
        start.wait()
        got.append(ask())

    callers = [threading.Thread(target=caller) for _ in range(threads)]
    for each in callers:
        each.start()
    for each in callers:
        each.join()
    return got


def test_threads_asking_at_once_share_the_one_value_made():
    made: list[str] = []

    @made_once
    def slow(name: str) -> object:
        made.append(name)
        time.sleep(0.05)  # the callers that miss arrive while it is being made
        return object()

    got = at_once(16, lambda: slow("a"))
    assert made == ["a"]
    assert len({id(value) for value in got}) == 1
    assert slow("b") is not slow("a") and made == ["a", "b"]


def test_a_burst_of_provider_calls_builds_one_bedrock_client(monkeypatch):
    monkeypatch.setenv("AWS_ENDPOINT_URL_BEDROCK_RUNTIME", "http://127.0.0.1:9/once-test")
    got = at_once(16, lambda: bedrock.client("eu-north-1"))
    assert len({id(client) for client in got}) == 1
