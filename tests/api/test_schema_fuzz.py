"""Schema fuzzing (issue 7): every operation in /api/schema/ gets generated input, valid and
invalid, through the WSGI app in this process, with a real tenant's API key, and never answers
5xx. Operations are read from the schema, so new endpoints are fuzzed without listing them here.

Beyond "no 5xx", each answer must be documented (status code, content type, body schema and
headers: every operation's error envelope comes from api/schema.py), and an operation that
needs a key must refuse a request without one. Not checked: "valid input is accepted"
(valid-looking ids name nothing, a 404; the catalog's limits are narrower than the schema's
types) and "invalid input is refused" (unknown query parameters and empty ones are ignored by
design).

Bounded and repeatable: a few dozen examples per operation, derandomized, no example database.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from ipaddress import ip_address
from typing import Any

import pytest
import schemathesis
from django.core.cache import cache
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    ignored_auth,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.factories import TenantFactory

EXAMPLES_PER_OPERATION = 25
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_headers_conformance, response_schema_conformance, ignored_auth]

schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", get_wsgi_application())


@pytest.fixture
def no_dns(monkeypatch: pytest.MonkeyPatch) -> None:
    """Generated webhook URLs name random hosts: answer "does not resolve" instead of asking
    the network (IP literals still resolve, locally)."""
    real = socket.getaddrinfo

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            ip_address(host.decode() if isinstance(host, bytes) else str(host))
        except ValueError:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known") from None
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)


@pytest.fixture
def bearer(transactional_db: None, empty_queue: None, no_dns: None) -> Iterator[dict[str, str]]:
    """A tenant's real API key (throttle out of the way), as the Authorization header.

    Transactional: the requests run through the WSGI handler, which closes the connection
    between requests, so they cannot share a test's open transaction. Jobs the fuzzer submits
    stay queued on the in-process broker; `empty_queue` drops them after the test.
    """
    cache.clear()
    made = TenantFactory(slug="fuzz", name="Fuzz")
    made.key.api_key.rate_limit_per_minute = 1_000_000
    made.key.api_key.save(update_fields=["rate_limit_per_minute"])
    yield {"Authorization": f"Bearer {made.key.secret}"}
    cache.clear()


@schema.parametrize()
@settings(max_examples=EXAMPLES_PER_OPERATION, derandomize=True, database=None, deadline=None,
          suppress_health_check=list(HealthCheck), print_blob=False)
def test_api_operation(case: schemathesis.Case, bearer: dict[str, str]) -> None:
    case.call_and_validate(headers=bearer, checks=CHECKS)
