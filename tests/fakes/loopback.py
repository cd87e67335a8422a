"""The HTTP plumbing every test double shares: a threaded server on 127.0.0.1 (port 0),
keep-alive like the real endpoints, started and stopped by the double."""

from __future__ import annotations

import logging
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

LOG = logging.getLogger("tests.fakes")


class LoopbackServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False  # stop() must not wait for idle keep-alive connections
    request_queue_size = 256  # benchmarks open many connections at once
    double: Any

    def handle_error(self, request: Any, client_address: Any) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):  # idle keep-alive resets are normal
            LOG.exception("%s: error serving %s", type(self.double).__name__, client_address)


class LoopbackHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, like the real endpoint
    disable_nagle_algorithm = True  # else headers and body wait for a 40 ms delayed ACK
    server: LoopbackServer

    def do_POST(self) -> None:
        self.server.double._handle(self)

    do_GET = do_PUT = do_DELETE = do_PATCH = do_POST  # answered 404 by the double's router

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass


class LoopbackDouble:
    """Start, stop and context-manager support; the subclass implements `_handle(handler)`."""

    url: str = ""

    def _loopback_setup(self) -> None:
        self._stopping = threading.Event()
        self._server: LoopbackServer | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> Any:
        self._stopping.clear()
        self._server = LoopbackServer(("127.0.0.1", 0), LoopbackHandler)
        self._server.double = self
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={
            "poll_interval": 0.01}, name=type(self).__name__, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()  # wakes requests sleeping in latency/delay
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> Any:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def point_aws_client_at(monkeypatch: Any, endpoint_variable: str, url: str) -> None:
    """Aim the real boto3 client at a double: its endpoint variable, fake credentials and a
    Region, with nothing else in the environment (profiles, tokens, opt-outs) in the way."""
    monkeypatch.setenv(endpoint_variable, url)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_REGION", "us-east-1")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")  # botocore 1.44 reads only this one
    for name in ("AWS_SESSION_TOKEN", "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS",
                 "AWS_BEARER_TOKEN_BEDROCK", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
