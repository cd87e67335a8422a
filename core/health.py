"""Liveness and readiness for load balancers and orchestrators (and the metrics endpoint).

Both answer from a middleware placed first, before host validation and the HTTPS redirect:
a load balancer probes a task by its IP address over plain HTTP, which `ALLOWED_HOSTS` and
`SECURE_SSL_REDIRECT` would otherwise refuse. `/healthz` says only that the process answers;
`/readyz` checks what a request needs (database, migrations, Redis, the bucket) and answers 503
naming the check that failed, with each check's latency.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from functools import cache
from typing import Any

from django.conf import settings
from django.core.files.storage import FileSystemStorage, storages
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, HttpResponse, JsonResponse

from core import metrics

CHECK_TIMEOUT_SECONDS = 2.0
_migrated = False  # once every migration is applied it stays so for this process's lifetime


def check_database() -> None:
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT 1")


def check_migrations() -> None:
    global _migrated
    if _migrated:
        return
    executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
    pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if pending:
        raise RuntimeError(f"{len(pending)} migration(s) not applied; run the migrate role")
    _migrated = True


@cache
def _redis() -> Any:
    import redis

    return redis.Redis.from_url(settings.REDIS_URL, socket_timeout=CHECK_TIMEOUT_SECONDS,
                                socket_connect_timeout=CHECK_TIMEOUT_SECONDS)


def check_redis() -> None:
    if settings.REDIS_URL:
        _redis().ping()


@cache
def _s3(region: str | None, endpoint: str | None) -> Any:
    """A client that answers within the probe's timeout: one attempt, short timeouts."""
    import boto3
    from botocore.config import Config

    return boto3.client("s3", region_name=region, endpoint_url=endpoint, config=Config(
        connect_timeout=CHECK_TIMEOUT_SECONDS, read_timeout=CHECK_TIMEOUT_SECONDS,
        retries={"max_attempts": 1, "mode": "standard"}))


def check_storage() -> None:
    storage = storages["default"]
    bucket = getattr(storage, "bucket_name", None)
    if bucket:  # django-storages' S3Storage (untyped), which always sets both attributes
        region = getattr(storage, "region_name", None)
        _s3(region, getattr(storage, "endpoint_url", None)).head_bucket(Bucket=bucket)
    else:  # files on disk: the directory exists (or can be made) and is writable
        # config/blocks.py configures either the bucket or a FileSystemStorage.
        assert isinstance(storage, FileSystemStorage)
        location = storage.location
        os.makedirs(location, exist_ok=True)
        if not os.access(location, os.W_OK):
            raise RuntimeError(f"{location} is not writable")


CHECKS: dict[str, Callable[[], None]] = {
    "database": check_database, "migrations": check_migrations,
    "redis": check_redis, "storage": check_storage,
}


def readiness() -> tuple[bool, dict[str, dict[str, Any]]]:
    results: dict[str, dict[str, Any]] = {}
    for name, check in CHECKS.items():
        started = time.perf_counter()
        try:
            check()
            result: dict[str, Any] = {"ok": True}
        except Exception as exc:  # any failure means not ready; say which and why
            result = {"ok": False, "error": f"{type(exc).__name__}: {exc}"[:300]}
        result["ms"] = round((time.perf_counter() - started) * 1000, 1)
        results[name] = result
    return all(r["ok"] for r in results.values()), results


def healthz(request: HttpRequest) -> HttpResponse:
    return JsonResponse({"status": "ok"})


def readyz(request: HttpRequest) -> HttpResponse:
    ready, checks = readiness()
    return JsonResponse({"status": "ok" if ready else "fail", "checks": checks},
                        status=200 if ready else 503, headers={"Cache-Control": "no-store"})


# Answered for any Host and scheme: load balancers probe a task by IP over plain HTTP, and
# so do metrics scrapers (/metrics stays behind its bearer token).
PROBES = {"/healthz": healthz, "/readyz": readyz, "/metrics": metrics.metrics_view}


class HealthCheckMiddleware:
    """Answers the probes before any middleware can refuse the probe's Host or scheme."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        probe = PROBES.get(request.path_info)
        if probe is not None and request.method in ("GET", "HEAD"):
            return probe(request)
        return self.get_response(request)
