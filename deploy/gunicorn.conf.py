"""Gunicorn settings for the `web` role (deploy/entrypoint.sh web), all from the environment.

PORT (8000), WEB_CONCURRENCY worker processes (2) of GUNICORN_THREADS threads (4),
GUNICORN_TIMEOUT and GUNICORN_GRACEFUL_TIMEOUT seconds (30 each; on SIGTERM in-flight
requests get the graceful timeout to finish), GUNICORN_KEEPALIVE seconds (75: longer than a
load balancer's 60 s idle timeout, so it never reuses a connection gunicorn just closed),
FORWARDED_ALLOW_IPS (gunicorn's own variable: the proxies trusted for X-Forwarded-*).

The access log is one JSON object per line on stdout (`event` "http.access", with the method,
path, status, duration in ms, X-Request-ID, remote address and user agent); gunicorn's own
messages are JSON lines on stderr. Both use the app's log keys: `timestamp`, `level`,
`logger`, `event`.
"""

from __future__ import annotations

import datetime
import json
import logging
import os
import sys
from typing import Any

from gunicorn.glogging import Logger


def _seconds(name: str, default: int, minimum: int = 0) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        value = minimum - 1
    if value < minimum:
        sys.exit(f"{name}={raw!r} must be a whole number, at least {minimum}")
    return value


bind = f"0.0.0.0:{_seconds('PORT', 8000, 1)}"
workers = _seconds("WEB_CONCURRENCY", 2, 1)
threads = _seconds("GUNICORN_THREADS", 4, 1)
worker_class = "gthread"
timeout = _seconds("GUNICORN_TIMEOUT", 30)
graceful_timeout = _seconds("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = _seconds("GUNICORN_KEEPALIVE", 75)
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
# Worker heartbeats in memory, not on the container's (read-only, or overlay) disk.
worker_tmp_dir = "/dev/shm" if os.access("/dev/shm", os.W_OK) else None
# No control socket: it would be created under $HOME, and nothing here uses it.
control_socket_disable = True
proc_name = "atelier-web"
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()


def _now() -> str:
    return datetime.datetime.now(datetime.UTC).isoformat(timespec="milliseconds")


class _JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line = {"event": record.getMessage(), "level": record.levelname.lower(),
                "logger": record.name, "timestamp": _now()}
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False)


class JsonLogger(Logger):
    """Gunicorn's logger with JSON lines: one access record per request on stdout."""

    def setup(self, cfg: Any) -> None:
        super().setup(cfg)
        for handler in self.error_log.handlers:
            handler.setFormatter(_JsonFormatter())

    def access(self, resp: Any, req: Any, environ: dict, request_time: Any) -> None:
        if not self.access_log_enabled:
            return
        try:
            status = resp.status
            if isinstance(status, str):
                status = status.split(None, 1)[0]
            request_id = environ.get("HTTP_X_REQUEST_ID")
            if not request_id:  # the one the app made up for this request, if it did
                request_id = next((value for name, value in (resp.headers or [])
                                   if name.lower() == "x-request-id"), None)
            line = {
                "event": "http.access",
                "level": "info",
                "logger": "gunicorn.access",
                "timestamp": _now(),
                "method": environ.get("REQUEST_METHOD"),
                "path": environ.get("PATH_INFO"),  # no query string: it may hold signatures
                "status": int(status),
                "duration_ms": round(request_time.total_seconds() * 1000, 1),
                "bytes": getattr(resp, "sent", None),
                "request_id": request_id,
                "remote_addr": environ.get("REMOTE_ADDR"),
                "forwarded_for": environ.get("HTTP_X_FORWARDED_FOR"),
                "user_agent": environ.get("HTTP_USER_AGENT"),
                "protocol": environ.get("SERVER_PROTOCOL"),
            }
            self.access_log.info(json.dumps(line, ensure_ascii=False))
        except Exception:
            self.exception("could not write the access log line")


logger_class = JsonLogger

# Prometheus metrics across worker processes (when prometheus-client is installed): the files
# of a worker that exited are merged into the totals and no longer counted as live.
try:
    from prometheus_client import multiprocess as _prometheus_multiprocess
except ImportError:
    _prometheus_multiprocess = None


def child_exit(server: Any, worker: Any) -> None:
    if _prometheus_multiprocess is not None and os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        _prometheus_multiprocess.mark_process_dead(worker.pid)
