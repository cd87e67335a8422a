"""Every tenant API endpoint shares one set of rules: key authentication, read/write scopes,
the per-key throttle and Idempotency-Key on POST. A view that forgot its base class would
silently lose them, so this walks the URL map.

Public endpoints (no key by design) are listed with the reason, and must still be throttled
per address and take no key at all (so a key can neither help nor change the answer)."""

from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.permissions import AllowAny

from api.authentication import ApiKeyAuthentication, ApiKeyRateThrottle, HasScope, HasTenant
from api.base import IdempotentPosts
from api.verify import VerifyRateThrottle

PUBLIC = {
    "api/v1/verify": "anyone may check whether Atelier made an image; the answer names no "
                     "tenant unless it allows it, and creates nothing (so no Idempotency-Key)",
}


def api_views():
    def walk(patterns, prefix=""):
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, route)
            elif isinstance(pattern, URLPattern) and route.startswith("api/v1/"):
                yield route, pattern.callback.cls

    return list(walk(get_resolver().url_patterns))


def test_every_api_view_has_the_shared_rules():
    views = api_views()
    assert len(views) >= 10
    for route, view in views:
        if route in PUBLIC:
            assert view.authentication_classes == [], route
            assert view.permission_classes == [AllowAny], route
            assert VerifyRateThrottle in view.throttle_classes, route
            continue
        assert issubclass(view, IdempotentPosts), route
        assert ApiKeyAuthentication in view.authentication_classes, route
        assert {HasTenant, HasScope} <= set(view.permission_classes), route
        assert ApiKeyRateThrottle in view.throttle_classes, route


def test_the_public_list_names_only_routes_that_exist():
    assert set(PUBLIC) <= {route for route, _ in api_views()}
