"""Observability: JSON log lines with a request id that follows the work from the API call into
the worker, the events the infrastructure alarms on, Prometheus metrics, and Sentry."""

from __future__ import annotations

import io
import json
import logging
import re
import time
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any

import pytest
import structlog
from prometheus_client import REGISTRY

from billing.services import set_monthly_limits
from catalog.requests import JobRequest
from core import logs, metrics, request_id
from generation.models import Job, ProviderAttempt
from generation.runner import run_job
from moderation import services as moderation
from providers.base import ProviderError
from tests.conftest import manage, subprocess_env
from tests.factories import CreditPoolFactory, JobFactory
from tests.fakes import bedrock_outcomes as out
from tests.fakes import rekognition as rekognition_fakes

CORE = "stability.stable-image-core-v1:1"
TOKEN = "metrics-token-for-tests"

Lines = Callable[[], list[dict[str, Any]]]


@pytest.fixture
def json_logs() -> Iterator[Lines]:
    """Every log line of the test, from any thread, through the production JSON formatter."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logs.formatter())
    root, atelier = logging.getLogger(), logging.getLogger("atelier")
    levels = root.level, atelier.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    atelier.setLevel(logging.INFO)
    try:
        yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    finally:
        root.removeHandler(handler)
        root.setLevel(levels[0])
        atelier.setLevel(levels[1])


def events(lines: list[dict[str, Any]], name: str) -> list[dict[str, Any]]:
    return [line for line in lines if line["event"] == name]


def sample(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


# --- log lines --------------------------------------------------------------------------------

def test_standard_logging_calls_become_one_json_object_per_line(json_logs):
    emf = {"Timestamp": 1, "CloudWatchMetrics": [{"Namespace": "Atelier", "Dimensions": [[]],
                                                  "Metrics": [{"Name": "QueueDepth"}]}]}
    logging.getLogger("atelier.scheduler").info("queue.metrics",
                                                extra={"_aws": emf, "QueueDepth": 3})
    logging.getLogger("atelier.jobs").warning("job %s is %s", "j1", "late")
    structlog.get_logger("atelier.native").info("native.event", answer=42)
    first, second, third = json_logs()
    assert first["event"] == "queue.metrics" and first["_aws"] == emf
    assert first["QueueDepth"] == 3 and first["level"] == "info"
    assert first["logger"] == "atelier.scheduler"
    assert datetime.fromisoformat(first["timestamp"]).tzinfo is not None
    assert "request_id" not in first  # nothing bound outside a request or job
    assert (second["event"], second["level"]) == ("job j1 is late", "warning")
    assert (third["event"], third["answer"], third["logger"]) == ("native.event", 42,
                                                                  "atelier.native")


def test_bound_fields_and_exceptions_are_in_the_line(json_logs):
    with logs.log_context(request_id="r-1", tenant="acme"):
        try:
            raise ValueError("boom")
        except ValueError:
            logging.getLogger("atelier.x").exception("it.failed", extra={"tenant": "globex"})
    (line,) = json_logs()
    assert line["request_id"] == "r-1" and line["tenant"] == "globex"  # explicit wins
    assert line["level"] == "error" and "ValueError: boom" in line["exception"]


def test_the_settings_log_json_lines_on_stderr_at_log_level():
    code = ("import logging; log = logging.getLogger('atelier.check'); "
            "log.info('obs.info', extra={'n': 1}); log.warning('obs.warning')")
    result = manage("shell", "-c", code, env=subprocess_env())
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stderr.splitlines() if line.startswith("{")]
    assert [(line["event"], line["level"]) for line in lines] == [("obs.info", "info"),
                                                                  ("obs.warning", "warning")]
    assert lines[0]["n"] == 1 and "obs.info" not in result.stdout
    quiet = manage("shell", "-c", code, env=subprocess_env(LOG_LEVEL="warning"))
    assert "obs.info" not in quiet.stderr and "obs.warning" in quiet.stderr


# --- request ids ------------------------------------------------------------------------------

def test_a_request_id_is_returned_or_made_up(owner, json_logs):
    given = owner.get("/api/v1/models", HTTP_X_REQUEST_ID="edge-4f2a.7")
    assert given["X-Request-ID"] == "edge-4f2a.7"
    made = owner.get("/api/v1/models")["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", made)
    assert owner.get("/api/v1/models")["X-Request-ID"] != made
    hostile = owner.get("/api/v1/models", HTTP_X_REQUEST_ID='x" injected\tvalue')
    assert re.fullmatch(r"[0-9a-f]{32}", hostile["X-Request-ID"])
    assert owner.get("/no/such/page", HTTP_X_REQUEST_ID="r-404")["X-Request-ID"] == "r-404"
    (not_found,) = [line for line in json_logs() if line["logger"] == "django.request"]
    assert not_found["request_id"] == "r-404"  # Django's own line, logged after the middleware
    assert request_id.current() is None  # and forgotten once the response is closed


def test_a_jobs_worker_lines_share_the_api_requests_id(owner, run_jobs, json_logs, monkeypatch):
    import assets.services

    inherited: list[str | None] = []
    render = assets.services.render_asset

    def spy(asset_id: Any) -> Any:
        inherited.append(request_id.current())
        return render(asset_id)

    monkeypatch.setattr(assets.services, "render_asset", spy)
    response = owner.post("/api/v1/jobs", {"model": "local", "prompt": "a brass lamp",
                                           "size": "256x256"},
                          format="json", HTTP_X_REQUEST_ID="req-job-1")
    assert response.status_code == 202 and response["X-Request-ID"] == "req-job-1"
    job_id = response.json()["id"]
    (job,) = run_jobs(Job.unscoped.get(pk=job_id))
    assert job.status == "succeeded"
    deadline = time.monotonic() + 30
    while not inherited and time.monotonic() < deadline:  # the rendition the job queued
        time.sleep(0.05)
    assert inherited == ["req-job-1"]

    def ours() -> list[dict[str, Any]]:
        return [line for line in json_logs() if line.get("request_id") == "req-job-1"]

    # The job's status is visible before its worker writes the job.finished line.
    while not events(ours(), "job.finished") and time.monotonic() < deadline:
        time.sleep(0.05)
    lines = ours()
    (submitted,) = events(lines, "job.submitted")
    assert (submitted["job_id"], submitted["tenant"]) == (job_id, "acme")
    worker = [line for line in lines if line.get("actor") == "run_job_actor"]
    assert worker and all(line["job_id"] == job_id and line["tenant"] == "acme"
                          and line["model"] == "local" and line["operation"] == job.operation
                          for line in worker)
    (call,) = events(worker, "provider.call")
    assert call["outcome"] == "ok" and call["latency_ms"] >= 0
    (finished,) = events(worker, "job.finished")
    assert finished["outcome"] == "succeeded" and finished["images"] == {"approved": 1}


def test_work_queued_outside_a_request_gets_an_id_of_its_own():
    middleware = request_id.DramatiqRequestId()

    class Message:
        actor_name = "some_actor"

        def __init__(self) -> None:
            self.options: dict[str, Any] = {}

    queued = Message()
    middleware.before_enqueue(None, queued, None)
    assert "request_id" not in queued.options  # nothing bound: nothing copied
    middleware.before_process_message(None, queued)
    made = request_id.current()
    assert made and queued.options["request_id"] == made  # kept for its retries
    follow_up = Message()
    middleware.before_enqueue(None, follow_up, None)
    assert follow_up.options["request_id"] == made
    middleware.after_process_message(None, queued)
    assert request_id.current() is None


# --- metrics ----------------------------------------------------------------------------------

def test_metrics_need_the_token_and_are_off_without_one(client, settings):
    settings.ATELIER_METRICS_TOKEN = ""
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer anything").status_code == 404
    settings.ATELIER_METRICS_TOKEN = TOKEN
    assert client.get("/metrics").status_code == 401
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 403
    assert client.get("/metrics", HTTP_AUTHORIZATION=f"Basic {TOKEN}").status_code == 401
    response = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    text = response.content.decode()
    assert "django_http_requests_total_by_method_total" in text  # django-prometheus


def test_a_bedrock_job_shows_in_the_metrics(acme, bedrock, client, settings,
                                            django_capture_on_commit_callbacks):
    settings.ATELIER_METRICS_TOKEN = TOKEN
    approved = sample("atelier_images_total", model="stable-image-core", outcome="approved")
    cost = sample("atelier_cost_usd_total", model="stable-image-core")
    with django_capture_on_commit_callbacks(execute=True):
        job = JobFactory(tenant=acme.tenant, model="stable-image-core", prompt="a lamp")
        run_job(job.pk)
    region = ProviderAttempt.unscoped.get(job=job).region
    labels = {"model": "stable-image-core", "region": region}
    assert sample("atelier_images_total", model="stable-image-core",
                  outcome="approved") == approved + 1
    assert sample("atelier_bedrock_latency_seconds_count", **labels) >= 1
    assert sample("atelier_bedrock_calls_total", outcome="ok", **labels) >= 1
    assert sample("atelier_cost_usd_total", model="stable-image-core") == pytest.approx(
        cost + 0.04)
    text = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}").content.decode()
    assert 'atelier_images_total{model="stable-image-core",outcome="approved"}' in text
    assert (f'atelier_bedrock_latency_seconds_bucket{{le="300.0",model="stable-image-core",'
            f'region="{region}"}}') in text


def test_quota_refusals_and_webhook_failures_are_counted(acme, owner, receiver,
                                                         private_webhooks):
    from api import webhooks
    from generation.models import WebhookDelivery

    before = sample("atelier_quota_refusals_total", kind="images")
    set_monthly_limits(acme.tenant, images=0, budget_usd=None)
    response = owner.post("/api/v1/jobs", {"model": "local", "prompt": "x"}, format="json")
    assert response.status_code == 402
    assert sample("atelier_quota_refusals_total", kind="images") == before + 1

    webhooks.create_endpoint(acme.tenant, f"{receiver.url}/hooks", ["job.failed"])
    webhooks.emit(acme.tenant, "job.failed", {"job": {"id": "job-1"}})
    delivery = WebhookDelivery.objects.for_tenant(acme.tenant).get()
    receiver.fail_first(1)
    retrying = sample("atelier_webhook_delivery_failures_total", outcome="retrying")
    assert webhooks.deliver(delivery.pk) == "pending"
    assert sample("atelier_webhook_delivery_failures_total",
                  outcome="retrying") == retrying + 1


def test_the_scheduler_serves_its_metrics_on_a_port():
    import urllib.request

    server = metrics.serve(0)
    try:
        port = server.server_address[1]
        # A generous timeout: the whole suite's metrics are in the registry by now, and a
        # loaded CI machine once took over 5 s to write them out.
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=60) as answer:
            assert b"atelier_images_total" in answer.read()
    finally:
        server.shutdown()
        server.server_close()


# --- the events the alarms watch --------------------------------------------------------------

def test_each_bedrock_throttle_is_an_event_and_a_count(acme, bedrock, json_logs):
    job = JobFactory(tenant=acme.tenant, model="stable-image-core", prompt="a lamp")
    bedrock.script(CORE, out.throttle())
    with pytest.raises(ProviderError):
        run_job(job.pk)
    region = ProviderAttempt.unscoped.get(job=job).region
    throttles = sample("atelier_bedrock_throttles_total", model="stable-image-core",
                       region=region)
    assert throttles >= 1
    (event,) = events(json_logs(), "bedrock.throttled")
    assert (event["model"], event["region"], event["level"]) == ("stable-image-core", region,
                                                                 "warning")
    assert event["model_id"] == CORE and event["job_id"] == str(job.pk)


def test_each_failed_rekognition_call_is_an_event(submit, rekognition, json_logs):
    before = sample("atelier_moderation_decisions_total", service="rekognition", status="error")
    rekognition.script(rekognition_fakes.server_error(), rekognition_fakes.server_error())
    run_job(submit().pk)
    (event,) = events(json_logs(), "moderation.service_error")
    assert event["service"] == "rekognition" and "InternalServerError" in event["error"]
    assert sample("atelier_moderation_decisions_total", service="rekognition",
                  status="error") == before + 1
    run_job(submit().pk)  # answered this time
    assert sample("atelier_moderation_decisions_total", service="rekognition",
                  status="clean") >= 1
    assert len(events(json_logs(), "moderation.service_error")) == 1


def test_a_failed_guardrails_call_is_an_event(acme, bedrock_double, settings, json_logs):
    settings.ATELIER_GUARDRAIL_ID = "gr1abc"
    bedrock_double.guardrails.add("gr1abc")
    bedrock_double.script("guardrail:gr1abc", out.server_error(503), out.server_error(503))
    with pytest.raises(moderation.ModerationUnavailable):
        moderation.check_prompt(acme.tenant, JobRequest(model="local", prompt="a lamp"))
    (event,) = events(json_logs(), "moderation.service_error")
    assert event["service"] == "guardrails" and event["error"]


def test_credit_alerts_are_events_naming_the_tenant(acme, bedrock, json_logs,
                                                    django_capture_on_commit_callbacks):
    CreditPoolFactory(name="activate-2026", amount_usd="0.10", priority=1, expires_in=90)
    with django_capture_on_commit_callbacks(execute=True):
        job = JobFactory(tenant=acme.tenant, model="stable-image-core", prompt="a", n=2)
        run_job(job.pk)  # 2 x $0.04 = 80 % of the pool
    alerts = events(json_logs(), "billing.credit_alert")
    assert [(a["tenant"], a["pool"], a["percent"]) for a in alerts] == [
        ("acme", "activate-2026", 50), ("acme", "activate-2026", 80)]
    assert all(alert["level"] == "warning" for alert in alerts)


# --- Sentry -----------------------------------------------------------------------------------

SENTRY_STATE = ("import json, sentry_sdk; client = sentry_sdk.get_client(); "
                "print(json.dumps({'active': client.is_active(), "
                "'environment': client.options.get('environment'), "
                "'pii': client.options.get('send_default_pii'), "
                "'integrations': sorted(getattr(client, 'integrations', {}))}))")


def test_sentry_starts_only_when_a_dsn_is_set():
    off = manage("shell", "-c", SENTRY_STATE, env=subprocess_env())
    assert off.returncode == 0, off.stderr
    assert json.loads(off.stdout.splitlines()[-1])["active"] is False
    on = manage("shell", "-c", SENTRY_STATE,
                env=subprocess_env(SENTRY_DSN="https://public@127.0.0.1:9/1"))
    assert on.returncode == 0, on.stderr
    state = json.loads(on.stdout.splitlines()[-1])
    assert state["active"] is True and state["environment"] == "development"
    assert state["pii"] is False
    assert {"django", "dramatiq"} <= set(state["integrations"])

