"""Idempotency-Key: a POST repeated with the same key and body returns the first answer.

The record is committed before the work starts (its unique (tenant, key) index is the lock),
so a concurrent duplicate finds it, waits for the first request's answer and replays it: the
work is done once. Answers below 500 are kept for 24 hours; a 5xx or a crash deletes the
record so that the client's retry does the work. The same key with another body is a 409.
"""

from __future__ import annotations

import hashlib
import json
import re
import time
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.utils import timezone

from core.errors import Conflict, InvalidParameter
from tenants.models import IdempotencyRecord, Tenant

KEY_MAX_CHARS = 255
# A key: 1 to KEY_MAX_CHARS printable characters, with no space at either end. A header value
# reaches Django decoded as Latin-1 (PEP 3333), so these are the printable ones among
# U+0020-U+00FF (str.isprintable: no control characters, no U+00A0, no U+00AD); HTTP drops the
# spaces around a header value (and clients refuse to send them), so a key starting or ending
# with one is refused whatever the transport. The same text is the header's `pattern` in the
# OpenAPI schema (api/schema.py): one rule.
_VISIBLE = "\\u0021-\\u007E\\u00A1-\\u00AC\\u00AE-\\u00FF"
KEY_PATTERN = f"^[{_VISIBLE}](?:[ {_VISIBLE}]*[{_VISIBLE}])?$"
_KEY = re.compile(KEY_PATTERN)
REPLAYED_HEADER = "Idempotent-Replayed"
_KEPT_HEADERS = ("Location",)


class KeyReused(Conflict):
    code = "idempotency_key_reused"


class KeyInUse(Conflict):
    code = "idempotency_key_in_use"


@dataclass(frozen=True)
class Replay:
    status: int
    body: Any
    headers: dict[str, str]


def fingerprint(method: str, path: str, data: Any) -> str:
    """sha256 of what makes two requests "the same": method, path and the parsed body (files
    by their content hash, so a re-sent multipart upload with a new boundary still matches)."""
    def plain(value: Any) -> Any:
        if hasattr(value, "read") and hasattr(value, "seek"):
            value.seek(0)
            digest = hashlib.sha256()
            while chunk := value.read(64 * 1024):  # an upload is hashed in pieces, not read whole
                digest.update(chunk)
            value.seek(0)
            return {"file_sha256": digest.hexdigest()}
        if hasattr(value, "lists"):  # QueryDict / MultiValueDict
            return {k: [plain(v) for v in vs] for k, vs in value.lists()}
        if isinstance(value, dict):
            return {str(k): plain(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [plain(v) for v in value]
        return value

    canonical = json.dumps([method, path, plain(data)], sort_keys=True, cls=DjangoJSONEncoder)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _ttl() -> timedelta:
    return timedelta(hours=settings.ATELIER_IDEMPOTENCY_TTL_HOURS)


def valid_key(key: str) -> bool:
    """KEY_PATTERN and KEY_MAX_CHARS: what the schema's `Idempotency-Key` says, exactly."""
    return len(key) <= KEY_MAX_CHARS and _KEY.fullmatch(key) is not None


def begin(tenant: Tenant, key: str, print_: str) -> IdempotencyRecord | Replay:
    """Claim `key` for this request (the record to finish later), or the stored answer."""
    if not valid_key(key):
        raise InvalidParameter(f"Idempotency-Key: 1 to {KEY_MAX_CHARS} printable characters, "
                               "no space at either end", field="Idempotency-Key")
    records = IdempotencyRecord.objects.for_tenant(tenant)
    deadline = time.monotonic() + settings.ATELIER_IDEMPOTENCY_WAIT_SECONDS
    while True:
        try:
            with transaction.atomic():
                return records.create(key=key, fingerprint=print_)
        except IntegrityError:
            pass
        found = records.filter(key=key).first()
        if found is None:  # the first request failed and let go of the key: take it
            continue
        if found.created_at < timezone.now() - _ttl():  # past its 24 hours: a new key again
            records.filter(pk=found.pk).delete()
            continue
        if found.fingerprint != print_:
            raise KeyReused("Idempotency-Key: already used with a different request in the "
                            "last 24 hours; use a new key for a new request",
                            field="Idempotency-Key")
        if found.status_code is not None:
            return Replay(found.status_code, found.response, found.headers)
        if found.created_at < timezone.now() - timedelta(
                seconds=settings.ATELIER_IDEMPOTENCY_LOCK_SECONDS):  # its worker died
            records.filter(pk=found.pk, status_code__isnull=True).delete()
            continue
        if time.monotonic() > deadline:
            raise KeyInUse("Idempotency-Key: the first request with this key is still being "
                           "processed; retry shortly", field="Idempotency-Key")
        time.sleep(0.05)


def finish(record: IdempotencyRecord, status: int, body: Any, headers: dict[str, str]) -> None:
    """Keep the answer for replays, or let go of the key after a server error."""
    if status >= 500:
        IdempotencyRecord.unscoped.filter(pk=record.pk).delete()
        return
    kept = {name: headers[name] for name in _KEPT_HEADERS if name in headers}
    body = _storable(json.loads(json.dumps(body, cls=DjangoJSONEncoder)))
    IdempotencyRecord.unscoped.filter(pk=record.pk).update(status_code=status, response=body,
                                                           headers=kept)


def _storable(value: Any) -> Any:
    """The answer as PostgreSQL's jsonb can hold it: an answer that echoes a NUL character the
    client sent (e.g. a bad CSV column's name) is kept with U+FFFD in its place."""
    if isinstance(value, str):
        return value.replace("\x00", "\ufffd")
    if isinstance(value, dict):
        return {_storable(key): _storable(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_storable(item) for item in value]
    return value


def abandon(record: IdempotencyRecord) -> None:
    IdempotencyRecord.unscoped.filter(pk=record.pk).delete()


def purge_expired() -> int:
    """Delete records past their 24 hours (run by the sweep)."""
    return IdempotencyRecord.unscoped.filter(created_at__lt=timezone.now() - _ttl()).delete()[0]
