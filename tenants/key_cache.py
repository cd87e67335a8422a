"""API keys remembered briefly by each process, so that a request costs no query for its key,
while revoking or changing a key is seen by the very next request.

Every key has a *stamp* in the shared cache (Redis in production, so every process sees it):
a random value, replaced whenever the key or its tenant changes (`changed`: revoking, any
save of the key, any save or delete of the tenant, the tenant's disclosure preferences). A
process keeps a key it read for at most REMEMBER_SECONDS, together with the stamp it read
*before* reading the row, and uses it only while the shared stamp is still that value: one
cache read per request instead of a query. A change replaces the stamp at once and again
after its transaction commits, so that a request that read the row just before the commit
cannot keep it either. A key found without a stamp (never made, expired, evicted) is used
but not remembered, and given a new random stamp for the next request: a missing stamp
costs a query, never a stale answer, and a wrong key's prefix leaves nothing in the cache.

The one change that does not pass through here is a tenant's status set by a queryset update
(billing.stripe_sync): the API sees it within REMEMBER_SECONDS.
"""

from __future__ import annotations

import copy
import secrets
import time
from collections.abc import Iterable
from typing import Any

from django.core.cache import cache
from django.db import transaction

from tenants.models import ApiKey

REMEMBER_SECONDS = 10.0
STAMP_SECONDS = 24 * 3600  # then a new stamp (and one query): nothing kept for ever
UNREAD = -1  # "the caller did not read the stamp" (stamps are never negative)
_MAX_ENTRIES = 10_000
# prefix -> (the key with its tenant, the stamp it was read under, when it was read)
_remembered: dict[str, tuple[ApiKey, int, float]] = {}


def stamp_key(prefix: str) -> str:
    """The shared cache key of a key's stamp."""
    return f"api-key-stamp:{prefix}"


def _new_stamp() -> int:
    return secrets.randbits(62)  # an integer: stored as is, read without unpickling


def read_stamp(prefix: str) -> int | None:
    stamp = cache.get(stamp_key(prefix))
    return stamp if isinstance(stamp, int) else None


def make_stamp(prefix: str) -> None:
    """A key was found without a stamp: give it one, so that the next request remembers it
    (never this one, which read the row before the stamp existed)."""
    cache.set(stamp_key(prefix), _new_stamp(), timeout=STAMP_SECONDS)


def remembered(prefix: str, stamp: int | None) -> ApiKey | None:
    """A copy of the key read under `stamp` less than REMEMBER_SECONDS ago, else None. A copy,
    tenant included, so that a request changing its objects cannot change another's."""
    entry = _remembered.get(prefix)
    if (stamp is None or entry is None or entry[1] != stamp
            or time.monotonic() - entry[2] > REMEMBER_SECONDS):
        return None
    api_key = copy.copy(entry[0])
    api_key.tenant = copy.copy(entry[0].tenant)
    return api_key


def remember(prefix: str, stamp: int, api_key: ApiKey) -> None:
    if len(_remembered) >= _MAX_ENTRIES:
        _remembered.clear()
    kept = copy.copy(api_key)
    kept.tenant = copy.copy(api_key.tenant)
    _remembered[prefix] = (kept, stamp, time.monotonic())


def note_last_use(prefix: str, api_key: ApiKey) -> None:
    """Keep the remembered copy's `last_used_at` in step with the row's."""
    entry = _remembered.get(prefix)
    if entry is not None and entry[0].pk == api_key.pk:
        entry[0].last_used_at = api_key.last_used_at


def changed(prefixes: Iterable[str]) -> None:
    """These keys (or their tenant) changed: every process reads them again on their next
    request. Now, and once more after the transaction commits (see the module docstring)."""
    prefixes = list(prefixes)
    if not prefixes:
        return

    def bump() -> None:
        cache.set_many({stamp_key(prefix): _new_stamp() for prefix in prefixes},
                       timeout=STAMP_SECONDS)

    bump()
    transaction.on_commit(bump)


def tenant_changed(tenant: Any) -> None:
    """Every key of `tenant` is read again (its status, name or preferences changed)."""
    changed(ApiKey.objects.filter(tenant_id=tenant.pk).values_list("prefix", flat=True))


def on_key_saved(sender: Any, instance: ApiKey, **kwargs: Any) -> None:
    """post_save and post_delete of a key (tenants/apps.py)."""
    changed([instance.prefix])


def on_tenant_saved(sender: Any, instance: Any, created: bool = False, **kwargs: Any) -> None:
    """post_save of a tenant (tenants/apps.py): a new one has no keys yet."""
    if not created:
        tenant_changed(instance)
