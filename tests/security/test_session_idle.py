"""A signed-in session ends after ATELIER_SESSION_IDLE_MINUTES without a request; every
request renews it."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone


def signed_in(acme) -> tuple[Client, Session]:
    client = Client()
    client.force_login(get_user_model().objects.get(email="owner@acme.test"))
    return client, Session.objects.get(session_key=client.session.session_key)


def test_each_request_renews_the_idle_timeout(acme, settings):
    client, session = signed_in(acme)
    Session.objects.filter(pk=session.pk).update(expire_date=timezone.now() + timedelta(minutes=1))
    assert client.get(f"/t/{acme.tenant.slug}/").status_code == 200
    renewed = Session.objects.get(pk=session.pk).expire_date - timezone.now()
    assert renewed > timedelta(seconds=settings.SESSION_COOKIE_AGE - 60)
    assert settings.SESSION_COOKIE_AGE == 120 * 60


def test_an_idle_session_has_ended(acme):
    client, session = signed_in(acme)
    Session.objects.filter(pk=session.pk).update(expire_date=timezone.now() - timedelta(seconds=1))
    answer = client.get(f"/t/{acme.tenant.slug}/")
    assert answer.status_code == 302 and "/login/" in answer["Location"]
