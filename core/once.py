"""Made once per process and arguments, however many threads ask at the same moment.

`functools.cache` lets every caller that misses compute the value itself: the 32
provider-call threads of a newly started worker, all asking for the bedrock-runtime client at
the start of a burst, built 32 clients, 4.4 s of CPU where one takes 40 ms, and the last of
their calls left 2.5 s late (docs/benchmarks.md, "Batch throughput against a Bedrock
quota"). `made_once` is `functools.cache` with a lock around it: the first caller makes the
value and the others wait for it. The lock is held only while looking up or making a value:
a lookup takes 0.25 µs against `functools.cache`'s 0.07 (measured).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from functools import cache, wraps
from typing import TypeVar

T = TypeVar("T")


def made_once(make: Callable[..., T]) -> Callable[..., T]:
    """`make(*args)` once per distinct `args` (hashable, positional), shared by all threads."""
    cached = cache(make)
    lock = threading.Lock()

    @wraps(make)
    def get(*args: Hashable) -> T:
        with lock:
            return cached(*args)

    return get
