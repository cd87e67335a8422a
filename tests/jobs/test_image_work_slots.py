"""A process's CPU-heavy image work shares one set of slots, one per core (core/cpu.py):
drawing, marking and the renditions all take them, so however many threads and provider
calls a worker runs, no more images are being worked on at once than there are slots. (The
probe's name for each: the function that took the slot.)"""

from __future__ import annotations

import sys
import threading
from collections import Counter
from typing import Any

import pytest

from assets.models import Asset
from assets.services import render_asset
from core import cpu
from generation.runner import run_job


class Probe:
    """Slots like core.cpu's that count who took them."""

    def __init__(self, slots: int) -> None:
        self._slots = threading.BoundedSemaphore(slots)
        self._lock = threading.Lock()
        self.takers: Counter[str] = Counter()

    def __enter__(self) -> None:
        taker = sys._getframe(1).f_code.co_name
        self._slots.acquire()
        with self._lock:
            self.takers[taker] += 1

    def __exit__(self, *exc: Any) -> None:
        self._slots.release()


@pytest.fixture
def slots(monkeypatch):
    probe = Probe(2)
    monkeypatch.setattr(cpu, "image_work", probe)
    return probe


def test_drawing_marking_and_renditions_take_the_same_slots(submit, slots):
    job = submit(n=6, seed=7)
    run_job(job.pk)  # the job's six provider calls run side by side
    assets = list(Asset.objects.for_tenant(job.tenant).filter(job=job))
    assert len(assets) == 6 and all(a.moderation_status == "approved" for a in assets)
    for asset in assets:
        render_asset(str(asset.pk))
    assert slots.takers == {"generate": 6, "_finish_one": 6, "_make": 6}
    assert all(a.renditions.count() for a in assets)
