"""Schema fuzzing (issue 7): every operation in /api/schema/ gets generated input, valid and
invalid, through the WSGI app in this process, with a real tenant's API key, and never answers
5xx. Operations are read from the schema, so new endpoints are fuzzed without listing them here.

All four of schemathesis' phases run:
* examples - the schema's own request examples;
* coverage - every boundary and negation the schema allows: values just past each limit,
  wrong types, missing required parts, path ids of the wrong shape (`/assets/0.5`), and
  methods an operation does not have (405 with `Allow`);
* fuzzing - random valid and invalid input, a bounded number per operation;
* stateful - short scenarios that follow the links between operations (create, then read,
  act on and delete what was created), so ids are real and not only 404s.

Beyond "no 5xx", each answer must be documented (status code, content type, body schema and
headers: every operation's error envelope comes from api/schema.py), an operation that needs a
key must refuse a request without one, a method an operation lacks is a 405 naming the allowed
ones, a required header left out is refused, and in the scenarios a created object can be read
and a deleted one is gone. Not checked: "valid input is accepted" (valid-looking ids name
nothing, a 404; the catalog's limits are narrower than the schema's types) and "invalid input
is refused" (unknown query parameters and empty ones are ignored by design).

DEBUG is on while fuzzing: with it, Django answers any path it cannot route with its HTML debug
page, so an API path that escapes the JSON envelope shows up here as an undocumented content
type (with DEBUG off it would be handler404's JSON and go unnoticed).

Bounded and repeatable: a few dozen examples per operation and a few dozen scenarios,
derandomized, no example database.
"""

from __future__ import annotations

import socket
import uuid
from collections.abc import Iterator
from ipaddress import ip_address
from typing import Any

import dramatiq
import pytest
import schemathesis
from django.apps import apps
from django.core.cache import cache
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    ensure_resource_availability,
    ignored_auth,
    missing_required_header,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
    unsupported_method,
    use_after_free,
)

from billing.models import UsageEvent
from catalog import fleet
from generation.templates import create_template
from moderation.models import AuditEvent
from tenants.models import Tenant
from tenants.scoping import TenantOwnedModel
from tests.api.conftest import delivered_job
from tests.factories import TenantFactory

EXAMPLES_PER_OPERATION = 25
SCENARIOS = 40
STEPS_PER_SCENARIO = 6
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_headers_conformance, response_schema_conformance, ignored_auth,
          unsupported_method, missing_required_header]
STATEFUL_CHECKS = [*CHECKS, use_after_free, ensure_resource_availability]
BOUNDED = settings(derandomize=True, database=None, deadline=None,
                   suppress_health_check=list(HealthCheck), print_blob=False)

# UUIDs from Hypothesis' own draws, so derandomized runs replay: schemathesis' default draws
# them from a random source, which Hypothesis reports as a flaky strategy in stateful runs.
schemathesis.openapi.format("uuid", st.integers(0, 2**128 - 1).map(
    lambda n: str(uuid.UUID(int=n))))

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
def bearer(transactional_db: None, empty_queue: None, no_dns: None, settings: Any
           ) -> Iterator[dict[str, str]]:
    """A tenant's real API key (throttle out of the way), as the Authorization header; DEBUG
    on (see the module docstring).

    Transactional: the requests run through the WSGI handler, which closes the connection
    between requests, so they cannot share a test's open transaction. Jobs the fuzzer submits
    stay queued on the in-process broker; `empty_queue` drops them after the test.
    """
    settings.DEBUG = True
    # The ignored_auth check sends wrong keys; past this many a minute the address would be
    # refused (429) even with the right key, and the rest of the run would test nothing.
    settings.ATELIER_API_AUTH_FAILURE_LIMIT = 1_000_000
    cache.clear()
    made = TenantFactory(slug="fuzz", name="Fuzz")
    made.key.api_key.rate_limit_per_minute = 1_000_000
    made.key.api_key.save(update_fields=["rate_limit_per_minute"])
    fuzz_objects(made.tenant)
    yield {"Authorization": f"Bearer {made.key.secret}"}
    cache.clear()


def fuzz_objects(tenant: Any) -> None:
    """Objects for the lists to show, so that scenarios reach real ids (and not only 404s)."""
    delivered_job(tenant, 2)
    create_template(tenant, name="studio", prompt="a {subject} on marble", model_key="local")


def reset_fuzz_tenant() -> None:
    """The fuzz tenant with only `fuzz_objects`, and nothing else that could answer differently:
    every row the tenant owns (jobs, assets, presets, holds, the month's ledger, idempotency
    records, moderation history...), queued messages, cached counters and the fleet snapshot.
    Whatever is left over changes what later scenarios are answered for the same choices."""
    tenant = Tenant.objects.get(slug="fuzz")
    owned = [model for model in apps.get_models() if issubclass(model, TenantOwnedModel)]
    for model in (UsageEvent, AuditEvent, *owned):  # before the jobs they protect
        model._base_manager.filter(tenant=tenant).delete()
    dramatiq.get_broker().flush_all()
    cache.clear()
    fleet.forget()
    fuzz_objects(tenant)


@schema.parametrize()
@settings(BOUNDED, max_examples=EXAMPLES_PER_OPERATION)
def test_api_operation(case: schemathesis.Case, bearer: dict[str, str]) -> None:
    """The examples, coverage and fuzzing phases, one test per operation."""
    case.call_and_validate(headers=bearer, checks=CHECKS)


def test_api_scenarios(bearer: dict[str, str]) -> None:
    """The stateful phase: scenarios along the schema's links (and the ones schemathesis
    infers from `Location` headers and shared parameter names)."""

    class Scenarios(schema.as_state_machine()):  # type: ignore[misc]
        def setup(self) -> None:
            """Every scenario starts from the same objects: what earlier scenarios made or
            deleted would otherwise change what the lists answer, and so what Hypothesis
            draws for the same choices (FlakyStrategyDefinition)."""
            reset_fuzz_tenant()

        def get_call_kwargs(self, case: schemathesis.Case) -> dict[str, Any]:
            return {"headers": bearer}

        def validate_response(self, response: Any, case: schemathesis.Case,
                              additional_checks: Any = None, **kwargs: Any) -> None:
            case.validate_response(response, checks=STATEFUL_CHECKS,
                                   headers=kwargs.get("headers"), transport_kwargs=kwargs,
                                   recorder=getattr(self, "recorder", None))

    Scenarios.run(settings=settings(BOUNDED, max_examples=SCENARIOS,
                                    stateful_step_count=STEPS_PER_SCENARIO))
