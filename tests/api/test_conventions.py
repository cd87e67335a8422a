"""Every tenant API endpoint shares one set of rules: key authentication, read/write scopes,
the per-key throttle and Idempotency-Key on POST. A view that forgot its base class would
silently lose them, so this walks the URL map."""

from django.urls import URLPattern, URLResolver, get_resolver

from api.authentication import ApiKeyAuthentication, ApiKeyRateThrottle, HasScope, HasTenant
from api.base import IdempotentPosts


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
        assert issubclass(view, IdempotentPosts), route
        assert ApiKeyAuthentication in view.authentication_classes, route
        assert {HasTenant, HasScope} <= set(view.permission_classes), route
        assert ApiKeyRateThrottle in view.throttle_classes, route
