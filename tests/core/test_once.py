"""Clients made once per process however many threads ask at once (core/once.py): a worker's
provider-call threads at the start of a burst built one bedrock-runtime client each."""

from __future__ import annotations

import time

from core.once import made_once
from providers.bedrock import client as bedrock
from tests.conftest import race


def test_threads_asking_at_once_share_the_one_value_made():
    made: list[str] = []

    @made_once
    def slow(name: str) -> object:
        made.append(name)
        time.sleep(0.05)  # the callers that miss arrive while it is being made
        return object()

    got = race(16, lambda: slow("a"))
    assert made == ["a"]
    assert len({id(value) for value in got}) == 1
    assert slow("b") is not slow("a") and made == ["a", "b"]


def test_a_burst_of_provider_calls_builds_one_bedrock_client(monkeypatch):
    monkeypatch.setenv("AWS_ENDPOINT_URL_BEDROCK_RUNTIME", "http://127.0.0.1:9/once-test")
    got = race(16, lambda: bedrock.client("eu-north-1"))
    assert len({id(client) for client in got}) == 1
