"""DRF authentication by `Authorization: Bearer <api key>`; the key decides the tenant.

Each request makes two round trips to the shared cache and, most of the time, no query for
its key: one read of the address's wrong-key count and the key's stamp together (the key row
itself is remembered briefly: tenants/key_cache.py), and one for the rate limit (api.counters).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.cache import cache
from rest_framework import authentication, exceptions, permissions
from rest_framework.request import Request
from rest_framework.throttling import BaseThrottle, SimpleRateThrottle

from api import counters
from tenants import key_cache
from tenants.models import ApiKey, Tenant
from tenants.services import authenticate_api_key, key_prefix

if TYPE_CHECKING:  # rest_framework.views loads this module (its authentication settings)
    from rest_framework.views import APIView


@dataclass(frozen=True)
class ApiClient:
    """The principal behind an API request: a tenant acting through one of its keys."""

    api_key: ApiKey

    is_authenticated = True
    is_anonymous = False

    @property
    def tenant(self) -> Tenant:
        return self.api_key.tenant


class FailedKeyAttempts:
    """Wrong API keys per client address, counted in the cache per minute: past
    ATELIER_API_AUTH_FAILURE_LIMIT the address gets 429 until the minute is over, so keys
    cannot be guessed at speed (a right key from that address waits too)."""

    WINDOW_SECONDS = 60

    def __init__(self, request: Request) -> None:
        address = BaseThrottle().get_ident(request)
        window = int(time.time() // self.WINDOW_SECONDS)
        self.key = f"api-key-failures:{address}:{window}"
        self.retry_after = self.WINDOW_SECONDS - int(time.time() % self.WINDOW_SECONDS)

    def refuse_when_over_limit(self, count: int | None) -> None:
        """`count`: the address's wrong keys this minute, as read from the cache."""
        if (count or 0) >= settings.ATELIER_API_AUTH_FAILURE_LIMIT:
            raise exceptions.Throttled(wait=self.retry_after,
                                       detail="Too many wrong API keys from this address.")

    def record(self) -> None:
        if cache.add(self.key, 1, timeout=self.WINDOW_SECONDS + 1):
            return
        try:
            cache.incr(self.key)
        except ValueError:  # expired between add and incr: start the count again
            cache.add(self.key, 1, timeout=self.WINDOW_SECONDS + 1)


class ApiKeyAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request: Request) -> tuple[ApiClient, ApiKey] | None:
        header = authentication.get_authorization_header(request).decode("latin-1")
        if not header:
            return None
        failures = FailedKeyAttempts(request)
        scheme, _, secret = header.partition(" ")
        secret = secret.strip()
        prefix = key_prefix(secret)
        failed, stamp = counters.read_ints(
            [failures.key, key_cache.stamp_key(prefix or "-")])  # one round trip for both
        failures.refuse_when_over_limit(failed)
        if scheme.lower() != self.keyword.lower() or not secret:
            failures.record()
            raise exceptions.AuthenticationFailed("Authorization must be 'Bearer <api key>'.")
        api_key = authenticate_api_key(secret, stamp=stamp)
        if api_key is None:
            failures.record()
            raise exceptions.AuthenticationFailed("Invalid or revoked API key.")
        return ApiClient(api_key), api_key

    def authenticate_header(self, request: Request) -> str:
        return f'{self.keyword} realm="atelier"'


class HasTenant(permissions.BasePermission):
    """Every API view acts for exactly one tenant; without one the request is unauthenticated."""

    def has_permission(self, request: Request, view: object) -> bool:
        return isinstance(request.user, ApiClient)


class InsufficientScope(exceptions.PermissionDenied):
    default_code = "insufficient_scope"


class HasScope(permissions.BasePermission):
    """Reading needs the key's `read` scope; anything that changes state needs `write`."""

    def has_permission(self, request: Request, view: object) -> bool:
        if not isinstance(request.user, ApiClient):
            return False
        needed = "read" if request.method in permissions.SAFE_METHODS else "write"
        if not request.user.api_key.allows(needed):
            raise InsufficientScope(f"scope: this API key lacks the {needed!r} scope")
        return True


class ApiKeyRateThrottle(SimpleRateThrottle):
    """Requests per minute per API key (the key's own limit, else ATELIER_API_RATE_LIMIT),
    counted in the cache: Redis in production, so every web process shares the count.

    The rule is DRF's (at most `limit` requests in any 60 seconds; refused requests do not
    count): on Redis a sorted set of the key's last minute of requests, counted and added to
    in one round trip (api.counters); elsewhere (local memory) DRF's list of timestamps."""

    scope = "api_key"
    _wait: float | None = None

    def __init__(self) -> None:  # the rate depends on the key, known only per request
        self.rate = None

    def get_cache_key(self, request: Request, view: APIView) -> str | None:
        if not isinstance(request.user, ApiClient):
            return None
        return f"throttle:api_key:{request.user.api_key.pk}"

    def allow_request(self, request: Request, view: APIView) -> bool:
        if not isinstance(request.user, ApiClient):
            return True
        limit = request.user.api_key.rate_limit_per_minute or settings.ATELIER_API_RATE_LIMIT
        self.rate = f"{limit}/m"
        self.num_requests, self.duration = self.parse_rate(self.rate)
        if not counters.on_redis():
            return super().allow_request(request, view)
        # A key of its own (":window"): DRF's pickled list, of another type, may still be
        # under the plain one for a minute after an upgrade.
        self._wait = counters.count_request(f"{self.get_cache_key(request, view)}:window",
                                            self.num_requests, self.duration)
        return self._wait is None

    def wait(self) -> float | None:
        return self._wait if self._wait is not None else super().wait()


def request_tenant(request: Request) -> Tenant:
    """The tenant of an authenticated API request (HasTenant has already checked there is one)."""
    if not isinstance(request.user, ApiClient):
        raise exceptions.NotAuthenticated()
    return request.user.tenant


def request_api_key(request: Request) -> ApiKey:
    """The API key an authenticated API request came with (`request.auth`, typed)."""
    if not isinstance(request.user, ApiClient):
        raise exceptions.NotAuthenticated()
    return request.user.api_key
