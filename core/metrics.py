"""Atelier's own Prometheus metrics, the structured events alarms watch, and where both are
read: `GET /metrics` behind a bearer token (web), `serve(port)` (scheduler). Worker processes
are read through Dramatiq's exporter on port 9191 (its Prometheus middleware)."""

from __future__ import annotations

import hmac
import logging
import os
import time
from collections import Counter as Tally
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_GET
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
    start_http_server,
)

jobs_log = logging.getLogger("atelier.jobs")
bedrock_log = logging.getLogger("atelier.bedrock")
moderation_log = logging.getLogger("atelier.moderation")

IMAGES = Counter("atelier_images", "Images of finished jobs, by model and what became of each "
                 "(approved, pending_review, rejected, withheld, failed).", ["model", "outcome"])
BEDROCK_LATENCY = Histogram(
    "atelier_bedrock_latency_seconds", "Duration of Bedrock image calls, whatever their outcome.",
    ["model", "region"], buckets=(0.5, 1, 2, 4, 8, 15, 30, 60, 120, 300))
BEDROCK_CALLS = Counter("atelier_bedrock_calls", "Bedrock image calls by outcome (ok or the "
                        "error code).", ["model", "region", "outcome"])
BEDROCK_THROTTLES = Counter("atelier_bedrock_throttles", "ThrottlingExceptions from Bedrock.",
                            ["model", "region"])
MODERATION = Counter("atelier_moderation_decisions", "Answers of the moderation services: "
                     "clean, flagged (labels found, guardrail intervened) or error.",
                     ["service", "status"])
COST = Counter("atelier_cost_usd", "AWS cost of the images charged, in US dollars.", ["model"])
QUOTA_REFUSALS = Counter("atelier_quota_refusals", "Submissions refused by a tenant's monthly "
                         "limit (images or budget).", ["kind"])
QUEUE_DEPTH = Gauge("atelier_queue_depth", "Messages waiting on every queue (delayed retries "
                    "excluded), as the scheduler last measured.")
QUEUE_OLDEST_AGE = Gauge("atelier_queue_oldest_age_seconds", "Age of the oldest waiting "
                         "message, as the scheduler last measured.")
WEBHOOK_FAILURES = Counter("atelier_webhook_delivery_failures", "Failed webhook delivery "
                           "attempts: retrying, or failed for good.", ["outcome"])


# --- recording: one call per event from the services ------------------------------------------

@contextmanager
def provider_call(model: str, region: str, *, bedrock: bool, model_id: str = "") -> Iterator[None]:
    """Time one image-model call; for Bedrock, its latency, outcome and throttles."""
    started, outcome = time.perf_counter(), "ok"
    try:
        yield
    except BaseException as exc:  # a time limit too: Dramatiq's interrupts are BaseExceptions
        outcome = str(getattr(exc, "code", type(exc).__name__))
        raise
    finally:
        seconds = time.perf_counter() - started
        if bedrock:
            BEDROCK_LATENCY.labels(model, region).observe(seconds)
            BEDROCK_CALLS.labels(model, region, outcome).inc()
        if bedrock and outcome == "throttled":
            BEDROCK_THROTTLES.labels(model, region).inc()
            bedrock_log.warning("bedrock.throttled", extra={
                "model": model, "region": region, "model_id": model_id})
        jobs_log.info("provider.call", extra={
            "provider": "bedrock" if bedrock else "local", "model_id": model_id,
            "region": region, "latency_ms": round(seconds * 1000, 1), "outcome": outcome})


def job_finished(job: Any, status: str, code: str = "", *,
                 images: Iterable[str] | None = None) -> None:
    """Count what became of each image the job asked for, and log the job's outcome.
    `images`: its images' moderation statuses, when the caller read them already."""
    outcomes = Tally(job.assets.values_list("moderation_status", flat=True)
                     if images is None else images)
    outcomes["withheld"] = len(job.withheld)
    outcomes["failed"] = max(job.n - sum(outcomes.values()), 0)
    images = {outcome: count for outcome, count in outcomes.items() if count}
    for outcome, count in images.items():
        IMAGES.labels(job.model_key, outcome).inc(count)
    jobs_log.info("job.finished", extra={
        "job_id": str(job.pk), "tenant": job.tenant.slug, "model": job.model_key,
        "operation": job.operation, "outcome": status, "error_code": code, "images": images})


def moderation_decision(service: str, status: str) -> None:
    MODERATION.labels(service, status).inc()


def moderation_failed(service: str, error: BaseException) -> None:
    """A moderation service gave no answer: counted, and the event the alarm watches."""
    MODERATION.labels(service, "error").inc()
    moderation_log.warning("moderation.service_error", extra={
        "service": service, "error": f"{type(error).__name__}: {error}"[:500]})


def charged(model: str, aws_cost_usd: Decimal) -> None:
    COST.labels(model).inc(float(aws_cost_usd))


def quota_refused(kind: str) -> None:
    QUOTA_REFUSALS.labels(kind).inc()


def webhook_failed(*, gave_up: bool) -> None:
    WEBHOOK_FAILURES.labels("failed" if gave_up else "retrying").inc()


# --- exposition -------------------------------------------------------------------------------

def registry() -> CollectorRegistry:
    """Every process's metrics when they share a directory (gunicorn workers), else this one's."""
    if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        return REGISTRY
    merged = CollectorRegistry()
    multiprocess.MultiProcessCollector(merged)
    return merged


def _bearer_token(request: HttpRequest) -> str | None:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


@require_GET
def metrics_view(request: HttpRequest) -> HttpResponse:
    """The metrics for a scraper holding ATELIER_METRICS_TOKEN; not there at all without one."""
    expected = settings.ATELIER_METRICS_TOKEN
    if not expected:
        raise Http404("metrics are off: ATELIER_METRICS_TOKEN is not set")
    token = _bearer_token(request)
    if token is None:
        return HttpResponse("a bearer token is required\n", status=401, content_type="text/plain",
                            headers={"WWW-Authenticate": 'Bearer realm="metrics"'})
    if not hmac.compare_digest(token.encode(), expected.encode()):
        return HttpResponse("wrong token\n", status=403, content_type="text/plain")
    return HttpResponse(generate_latest(registry()), content_type=CONTENT_TYPE_LATEST,
                        headers={"Cache-Control": "no-store"})


def serve(port: int | None = None) -> Any:
    """Expose this process's metrics on `port` (ATELIER_METRICS_PORT) from a thread; the
    scheduler calls it. Returns the server, so that a caller may shut it down."""
    server, _thread = start_http_server(
        settings.ATELIER_METRICS_PORT if port is None else port, registry=registry())
    return server
