"""Errors to Sentry when SENTRY_DSN is set: web requests (Django) and jobs (Dramatiq).

Called from the settings, before django_dramatiq builds the broker: the Dramatiq integration
patches `Broker.__init__` and misses a broker that already exists.
"""

from __future__ import annotations

import sentry_sdk
from sentry_sdk.integrations.django import DjangoIntegration
from sentry_sdk.integrations.dramatiq import DramatiqIntegration


def init(dsn: str, *, environment: str) -> None:
    """Report unhandled errors (and ERROR log lines); never request bodies, cookies or users."""
    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        integrations=[DjangoIntegration(), DramatiqIntegration()],
        send_default_pii=False,
    )
