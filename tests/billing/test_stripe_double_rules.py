"""The Stripe double refuses what Stripe refuses (tests/fakes/stripe.py names each rule's
source), answered in Stripe's error shape and raised as Stripe's own exceptions by the real
stripe-python client; and Atelier's usage reporting keeps to those rules."""

from __future__ import annotations

import time
import urllib.error
import urllib.request
from datetime import timedelta

import pytest
import stripe
from django.utils import timezone

from billing.models import UsageEvent
from billing.stripe_sync import customer_id, report_usage
from generation.runner import run_job
from tests.fakes.stripe import StripeDouble

DAY = 86400


@pytest.fixture
def double():
    with StripeDouble() as running:
        yield running


def client(double: StripeDouble, key: str = "sk_test_atelier") -> stripe.StripeClient:
    return stripe.StripeClient(key, base_addresses={"api": double.url}, max_network_retries=0)


@pytest.fixture
def customer(double) -> str:
    return client(double).v1.customers.create(params={"name": "Acme"}).id


def meter_event(double: StripeDouble, customer: str, **params):
    params = {"event_name": "atelier_images",
              "payload": {"stripe_customer_id": customer, "value": "1"}} | params
    return client(double).v1.billing.meter_events.create(params=params)


def refused(exc: pytest.ExceptionInfo) -> dict:
    """The error body as the client received it."""
    return exc.value.json_body["error"]


def test_a_valid_meter_event_is_taken_with_its_own_timestamp(double, customer):
    at = int(time.time()) - 34 * DAY
    event = meter_event(double, customer, identifier="usage-1", timestamp=at)
    assert (event.identifier, event.timestamp) == ("usage-1", at)
    assert double.meter_events["usage-1"]["payload"] == {"stripe_customer_id": customer,
                                                         "value": "1"}


@pytest.mark.parametrize(("age", "code"), [
    (36 * DAY, "timestamp_too_far_in_past"),
    (40 * DAY, "timestamp_too_far_in_past"),
    (-6 * 60, "timestamp_in_future"),
    (-3600, "timestamp_in_future")])
def test_a_timestamp_outside_35_days_back_and_5_minutes_ahead_is_refused(double, customer,
                                                                         age, code):
    with pytest.raises(stripe.InvalidRequestError) as exc:
        meter_event(double, customer, timestamp=int(time.time()) - age)
    assert exc.value.http_status == 400
    assert refused(exc) | {"message": "…"} == {
        "type": "invalid_request_error", "code": code, "param": "timestamp", "message": "…"}
    assert double.meter_events == {}


def test_the_window_edges_are_accepted(double, customer):
    now = int(time.time())
    meter_event(double, customer, identifier="past", timestamp=now - 35 * DAY + 60)
    meter_event(double, customer, identifier="ahead", timestamp=now + 4 * 60)
    assert set(double.meter_events) == {"past", "ahead"}


@pytest.mark.parametrize("value", ["soon", "1.5", "", "1e9"])
def test_a_timestamp_that_is_not_an_integer_is_400_not_a_crash(double, customer, value):
    with pytest.raises(stripe.InvalidRequestError) as exc:
        meter_event(double, customer, timestamp=value)
    assert exc.value.http_status == 400
    assert (refused(exc)["code"], refused(exc)["param"]) == ("parameter_invalid_integer",
                                                             "timestamp")


@pytest.mark.parametrize(("param", "value", "code"), [
    ("event_name", "e" * 101, None),
    ("identifier", "i" * 101, None),
    ("event_name", "   ", "parameter_invalid_string_blank"),
    ("identifier", " ", "parameter_invalid_string_blank")])
def test_names_and_identifiers_over_100_characters_or_blank_are_refused(double, customer,
                                                                        param, value, code):
    with pytest.raises(stripe.InvalidRequestError) as exc:
        meter_event(double, customer, **{param: value})
    assert (refused(exc)["param"], refused(exc)["code"]) == (param, code)
    assert double.meter_events == {}


def test_100_characters_are_still_accepted(double, customer):
    meter_event(double, customer, event_name="e" * 100, identifier="i" * 100)
    assert set(double.meter_events) == {"i" * 100}


def test_a_missing_event_name_or_payload_key_is_parameter_missing(double, customer):
    with pytest.raises(stripe.InvalidRequestError) as exc:
        client(double).v1.billing.meter_events.create(params={  # type: ignore[typeddict-item]
            "payload": {"stripe_customer_id": customer, "value": "1"}})
    assert (refused(exc)["code"], refused(exc)["param"]) == ("parameter_missing", "event_name")
    with pytest.raises(stripe.InvalidRequestError) as exc:
        meter_event(double, customer, payload={"stripe_customer_id": customer})
    assert (refused(exc)["code"], refused(exc)["param"]) == ("parameter_missing",
                                                             "payload[value]")


def test_an_unknown_customer_is_resource_missing(double, customer):
    with pytest.raises(stripe.InvalidRequestError) as exc:
        meter_event(double, "cus_nobody")
    assert refused(exc)["code"] == "resource_missing"


def test_a_reused_identifier_is_resource_already_exists(double, customer):
    meter_event(double, customer, identifier="usage-1")
    with pytest.raises(stripe.InvalidRequestError) as exc:
        meter_event(double, customer, identifier="usage-1")
    assert (refused(exc)["code"], refused(exc)["param"]) == ("resource_already_exists",
                                                             "identifier")


@pytest.mark.parametrize("create", [
    lambda c, customer: c.v1.billing.meter_events.create(params={
        "event_name": "atelier_images", "value": 1,
        "payload": {"stripe_customer_id": customer, "value": "1"}}),
    lambda c, customer: c.v1.customers.create(params={"name": "Acme", "tenant": "acme"})])
def test_an_unknown_parameter_is_parameter_unknown(double, customer, create):
    with pytest.raises(stripe.InvalidRequestError) as exc:
        create(client(double), customer)
    assert exc.value.http_status == 400
    assert refused(exc)["code"] == "parameter_unknown"
    assert refused(exc)["param"] in ("value", "tenant")
    assert len(double.customers) == 1 and double.meter_events == {}


def test_an_idempotency_key_replays_the_same_request_and_refuses_different_ones(double):
    key = {"idempotency_key": "atelier-customer-1"}
    first = client(double).v1.customers.create(params={"name": "Acme"}, options=key)
    again = client(double).v1.customers.create(params={"name": "Acme"}, options=key)
    assert again.id == first.id and len(double.customers) == 1
    with pytest.raises(stripe.IdempotencyError) as exc:
        client(double).v1.customers.create(params={"name": "Acme Goods"}, options=key)
    assert exc.value.http_status == 400
    assert refused(exc)["type"] == "idempotency_error"
    assert "same parameters" in refused(exc)["message"]
    assert len(double.customers) == 1


@pytest.mark.parametrize("key", ["", "sk_", "sk_test_", "pk_test_abc123", "sk_test_a b",
                                 "whsec_test_secret"])
def test_a_missing_empty_or_malformed_key_is_401(double, key):
    with pytest.raises(stripe.AuthenticationError) as exc:
        client(double, key).v1.customers.create(params={"name": "Acme"})
    assert exc.value.http_status == 401
    error = refused(exc)
    assert set(error) == {"type", "code", "message", "param"}
    assert error["type"] == "invalid_request_error" and error["message"]
    assert double.customers == {}


def test_no_authorization_header_at_all_is_401_in_stripes_shape(double):
    request = urllib.request.Request(f"{double.url}/v1/customers", data=b"name=Acme",
                                     method="POST")
    with pytest.raises(urllib.error.HTTPError) as exc:
        urllib.request.urlopen(request, timeout=5)
    assert exc.value.code == 401
    import json

    body = json.loads(exc.value.read())
    assert body["error"]["type"] == "invalid_request_error"
    assert "did not provide an API key" in body["error"]["message"]


def test_a_key_sent_as_the_basic_auth_user_is_accepted(double):
    import base64

    request = urllib.request.Request(
        f"{double.url}/v1/customers", data=b"name=Acme", method="POST",
        headers={"Authorization": "Basic " + base64.b64encode(b"sk_test_abc:").decode()})
    with urllib.request.urlopen(request, timeout=5) as response:
        assert response.status == 200
    assert len(double.customers) == 1


# --- Atelier's own calls keep to the rules ---------------------------------------------------

def test_atelier_reports_usage_without_a_single_refusal(acme, submit, stripe_double):
    job = submit(n=3)
    run_job(job.pk)
    events = list(UsageEvent.objects.for_tenant(acme.tenant).filter(job=job))
    assert len(events) == 3
    for usage in events:
        assert report_usage(usage.pk)
    assert stripe_double.refusals == []
    assert set(stripe_double.meter_events) == {str(u.pk) for u in events}
    for usage in events:
        sent = stripe_double.meter_events[str(usage.pk)]
        assert sent["timestamp"] == int(usage.created_at.timestamp())


def test_a_resent_usage_event_is_success_and_the_customer_key_is_replayed(acme, submit,
                                                                          stripe_double):
    job = submit()
    run_job(job.pk)
    usage = UsageEvent.objects.for_tenant(acme.tenant).get(job=job)
    assert report_usage(usage.pk)
    UsageEvent.unscoped.filter(pk=usage.pk).update(reported_at=None)
    assert report_usage(usage.pk)
    assert [r["code"] for r in stripe_double.refusals] == ["resource_already_exists"]
    first = customer_id(acme.tenant)
    assert customer_id(acme.tenant) == first and len(stripe_double.customers) == 1


def test_usage_of_34_days_ago_still_reaches_stripe(acme, submit, stripe_double):
    job = submit()
    run_job(job.pk)
    usage = UsageEvent.objects.for_tenant(acme.tenant).get(job=job)
    UsageEvent.unscoped.filter(pk=usage.pk).update(
        created_at=timezone.now() - timedelta(days=34))
    assert report_usage(usage.pk)
    assert stripe_double.refusals == [] and str(usage.pk) in stripe_double.meter_events


def test_usage_older_than_35_days_is_refused_and_stays_unreported(acme, submit, stripe_double):
    job = submit()
    run_job(job.pk)
    usage = UsageEvent.objects.for_tenant(acme.tenant).get(job=job)
    UsageEvent.unscoped.filter(pk=usage.pk).update(
        created_at=timezone.now() - timedelta(days=36))
    with pytest.raises(stripe.InvalidRequestError):
        report_usage(usage.pk)
    assert UsageEvent.unscoped.get(pk=usage.pk).reported_at is None  # never marked as billed
    assert stripe_double.meter_events == {}
