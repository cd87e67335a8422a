"""URL map: the admin, the REST API under /api/v1/, its schema and docs, file downloads.

Every path under /api/ answers errors in the API's JSON envelope: an id of any shape reaches
its endpoint (which answers 404 for one it does not know), and a path matching no endpoint
reaches `api_not_found`, with DEBUG on or off (handler404 is not asked under DEBUG)."""

from typing import Any

from csp.decorators import csp_update
from django.contrib import admin
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import SimpleRouter

from api import downloads, stripe
from api.assets import AssetViewSet
from api.base import api_not_found
from api.batches import BatchViewSet
from api.fallbacks import FallbacksView
from api.jobs import JobViewSet, ModelCatalogView
from api.presets import AssetCheckView, PresetListView
from api.prompts import PromptSuggestView
from api.templates import TemplateViewSet
from api.trials import TrialViewSet
from api.uploads import UploadView
from api.usage import UsageView
from api.verify import VerifyView
from api.webhook_endpoints import WebhookViewSet
from config.csp import SWAGGER_UI
from core import health, metrics
from dashboard.finance import finance_report


class AnyIdRouter(SimpleRouter):
    """DRF's router, but a detail route takes any one path segment as its id (DRF's default
    stops at a dot): `/assets/0.5` is the endpoint's own 404 (after authentication), not an
    unmatched URL."""

    def get_lookup_regex(self, viewset: Any, lookup_prefix: str = "") -> str:
        kwarg = getattr(viewset, "lookup_url_kwarg", None) or getattr(viewset, "lookup_field",
                                                                      "pk")
        value = getattr(viewset, "lookup_value_regex", "[^/]+")
        return f"(?P<{lookup_prefix}{kwarg}>{value})"


router = AnyIdRouter(trailing_slash=False)
router.register("jobs", JobViewSet, basename="job")
router.register("batches", BatchViewSet, basename="batch")
router.register("assets", AssetViewSet, basename="asset")
router.register("templates", TemplateViewSet, basename="template")
router.register("webhooks", WebhookViewSet, basename="webhook")
router.register("trials", TrialViewSet, basename="trial")

api_v1 = [
    path("models", ModelCatalogView.as_view(), name="models"),
    path("uploads", UploadView.as_view(), name="uploads"),
    path("usage", UsageView.as_view(), name="usage"),
    path("fallbacks", FallbacksView.as_view(), name="fallbacks"),
    path("prompts/suggest", PromptSuggestView.as_view(), name="prompt-suggest"),
    path("verify", VerifyView.as_view(), name="api-verify"),  # public: no key (api/verify.py)
    path("presets", PresetListView.as_view(), name="presets"),
    path("assets/<str:id>/check", AssetCheckView.as_view(), name="asset-check"),
    *router.urls,
]

urlpatterns = [
    path("admin/finance/report/", finance_report, name="finance-report"),
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(permission_classes=[],
                                                   authentication_classes=[]), name="schema"),
    # Swagger UI's page has an inline <style> block: nonce'd styles are allowed here only
    # (config/csp.py SWAGGER_UI; the template gives them the nonce).
    path("api/docs/", csp_update(SWAGGER_UI)(SpectacularSwaggerView.as_view(
        url_name="schema", permission_classes=[], authentication_classes=[])), name="docs"),
    re_path(r"^api/", api_not_found),  # after every API route: no HTML 404 under /api/
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("metrics", metrics.metrics_view, name="metrics"),
    path("billing/stripe/webhook", stripe.stripe_webhook, name="stripe-webhook"),
    path("files/<path:key>", downloads.download, name="asset-download"),
    path("", include("dashboard.urls")),
]

handler400 = "api.base.json_bad_request"
handler403 = "api.base.json_permission_denied"
handler404 = "api.base.json_not_found"
handler500 = "api.base.json_server_error"
