"""DRF authentication by `Authorization: Bearer <api key>`; the key decides the tenant."""

from __future__ import annotations

from dataclasses import dataclass

from rest_framework import authentication, exceptions, permissions
from rest_framework.request import Request

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


def request_tenant(request: Request) -> Tenant:
    """The tenant of an authenticated API request (HasTenant has already checked there is one)."""
    if not isinstance(request.user, ApiClient):
        raise exceptions.NotAuthenticated()
    return request.user.tenant
