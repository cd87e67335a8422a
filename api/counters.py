"""The shared cache's per-request reads and counts, one round trip each.

On Redis (production) the commands go through one client per cache backend: Django's
RedisCache makes a new client, about 0.1 ms of CPU, for every call. The rate limit is one
Lua script (the count, the check and the add together, atomically). Other backends (local
memory: development, tests) use the cache API.
"""

from __future__ import annotations

import secrets
import time
from functools import lru_cache
from typing import Any

from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache

# KEYS[1]: the sorted set of the key's requests (score: time). ARGV: now, window, limit, entry.
# Returns -1 when the request is counted, else the oldest counted request's time (a string:
# Redis turns Lua numbers into integers).
_SLIDING_WINDOW = """
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', tonumber(ARGV[1]) - tonumber(ARGV[2]))
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[3]) then
  redis.call('ZADD', KEYS[1], ARGV[1], ARGV[4])
  redis.call('EXPIRE', KEYS[1], tonumber(ARGV[2]) + 1)
  return -1
end
return redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')[2]
"""


def _backend() -> Any:
    return caches["default"]


@lru_cache(maxsize=64)  # a backend per thread (Django's cache handler), a few threads each
def _client(backend: RedisCache) -> Any:
    return backend._cache.get_client(write=True)  # Django's RedisCache's redis-py client


@lru_cache(maxsize=64)
def _script(backend: RedisCache) -> Any:
    return _client(backend).register_script(_SLIDING_WINDOW)


def read_ints(keys: list[str]) -> list[int | None]:
    """The integer values (counters, stamps) of `keys`, None where missing: one MGET."""
    backend = _backend()
    if not isinstance(backend, RedisCache):
        found = backend.get_many(keys)
        return [found.get(key) for key in keys]
    values = _client(backend).mget([backend.make_and_validate_key(key) for key in keys])
    return [_int(value) for value in values]


def _int(value: bytes | None) -> int | None:
    """Django's RedisCache stores an int as its digits (anything else pickled: not ours)."""
    return int(value) if value is not None and value.isdigit() else None


def count_request(key: str, limit: int, window: int) -> float | None:
    """Count a request in `key` if fewer than `limit` were counted in the last `window`
    seconds: None, else the seconds until the oldest of them leaves the window (refused
    requests are not counted). Only on Redis: elsewhere the caller keeps its own count."""
    backend = _backend()
    assert isinstance(backend, RedisCache)
    now = time.time()
    oldest = _script(backend)(keys=[backend.make_and_validate_key(key)],
                              args=[f"{now:.6f}", window, limit,
                                    f"{now:.6f}:{secrets.token_hex(4)}"])
    if oldest == -1:
        return None
    return max(1.0, float(oldest) + window - now)


def on_redis() -> bool:
    return isinstance(_backend(), RedisCache)
