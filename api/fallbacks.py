"""`GET/PUT /api/v1/fallbacks`: the tenant's consent to run another model when one it names is
retired or unavailable (generation/fallbacks.py). PUT replaces the whole mapping, so sending
the same body twice changes nothing; `{}` removes every fallback."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from api.authentication import request_tenant
from api.base import TenantAPIView
from core.serializers import StrictFields
from generation import fallbacks


class FallbacksSerializer(StrictFields, serializers.Serializer):
    fallbacks = serializers.DictField(
        child=serializers.CharField(max_length=64),
        help_text="Model key -> the model key that runs instead when the first is retired or "
                  "unavailable. One step only: a fallback's own fallback is not followed.")

    class Meta:
        ref_name = "Fallbacks"


EXAMPLE = {"fallbacks": {"sd3.5-large": "stable-image-core"}}


class FallbacksView(TenantAPIView):
    @extend_schema(responses={200: FallbacksSerializer})
    def get(self, request: Request) -> Response:
        return Response({"fallbacks": fallbacks.fallbacks(request_tenant(request))})

    @extend_schema(request=FallbacksSerializer,
                   responses={200: FallbacksSerializer},
                   examples=[OpenApiExample("Stable Image Core instead of SD3.5 Large",
                                            value=EXAMPLE, request_only=True)])
    def put(self, request: Request) -> Response:
        parsed = FallbacksSerializer(data=request.data)
        parsed.is_valid(raise_exception=True)
        saved = fallbacks.set_fallbacks(request_tenant(request),
                                        parsed.validated_data["fallbacks"])
        return Response({"fallbacks": saved})
