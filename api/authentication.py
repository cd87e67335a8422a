"""DRF authentication by `Authorization: Bearer <api key>`; the key decides the tenant."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from rest_framework import authentication, exceptions, permissions
from rest_framework.request import Request
from rest_framework.throttling import SimpleRateThrottle

from tenants.models import ApiKey, Tenant
from tenants.services import authenticate_api_key


@dataclass(frozen=True)
class ApiClient:
    """The principal behind an API request: a tenant acting through one of its keys."""

    api_key: ApiKey

    is_authenticated = True
    is_anonymous = False

    @property
    def tenant(self) -> Tenant:
        return self.api_key.tenant


class ApiKeyAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request: Request) -> tuple[ApiClient, ApiKey] | None:
        header = authentication.get_authorization_header(request).decode("latin-1")
        if not header:
            return None
        scheme, _, secret = header.partition(" ")
        if scheme.lower() != self.keyword.lower() or not secret.strip():
            raise exceptions.AuthenticationFailed("Authorization must be 'Bearer <api key>'.")
        api_key = authenticate_api_key(secret.strip())
        if api_key is None:
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
    counted in the cache: Redis in production, so every web process shares the count."""

    scope = "api_key"

    def __init__(self) -> None:  # the rate depends on the key, known only per request
        self.rate = None

    def get_cache_key(self, request: Request, view: object) -> str | None:
        if not isinstance(request.user, ApiClient):
            return None
        return f"throttle:api_key:{request.user.api_key.pk}"

    def allow_request(self, request: Request, view: object) -> bool:
        if isinstance(request.user, ApiClient):
            limit = request.user.api_key.rate_limit_per_minute or settings.ATELIER_API_RATE_LIMIT
            self.rate = f"{limit}/m"
            self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)


def request_tenant(request: Request) -> Tenant:
    """The tenant of an authenticated API request (HasTenant has already checked there is one)."""
    if not isinstance(request.user, ApiClient):
        raise exceptions.NotAuthenticated()
    return request.user.tenant
