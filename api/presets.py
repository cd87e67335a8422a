"""Marketplace presets in the partner API: `GET /api/v1/presets` lists the built-in presets
(catalog/presets.yaml) and the tenant's own; `POST /api/v1/assets/{id}/check?preset=KEY`
measures one of the tenant's images against one and answers pass or fail per rule.

The check changes nothing (no image is written, the asset is untouched); it is a POST because
it is a computation asked of the server, and like every POST it needs the `write` scope (the
key scopes are decided by method, api.authentication.HasScope). Another tenant's asset is a
404, as a missing one is.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
)
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from api.authentication import request_tenant
from api.base import TenantAPIView, id_parameter
from api.schema import error_responses
from assets.compliance import FIXES, RULES
from assets.presets import all_presets, check_asset
from assets.services import get_asset
from catalog.presets import FORMATS, KEY_PATTERN, SHADOWS

# --- wire shapes -------------------------------------------------------------------------------

class PresetSerializer(serializers.Serializer):
    key = serializers.CharField(help_text="What `?preset=` takes, e.g. `amazon-main`.")
    name = serializers.CharField()
    builtin = serializers.BooleanField(help_text="Shipped with Atelier (false: your own).")
    min_longest_side = serializers.IntegerField(allow_null=True, help_text="px; null: no "
                                                                           "minimum")
    min_shortest_side = serializers.IntegerField(allow_null=True, help_text="px")
    max_longest_side = serializers.IntegerField(allow_null=True, help_text="px")
    size = serializers.CharField(allow_null=True, help_text="`WxH`: the canvas the fixes "
                                                            "produce (the recommended size).")
    aspect = serializers.CharField(allow_null=True, help_text="`W:H`, e.g. `1:1`; null: any.")
    background = serializers.CharField(allow_null=True, help_text="`#RRGGBB` required "
                                                                  "exactly; null: any.")
    min_fill = serializers.FloatField(allow_null=True, help_text="0-1: the product's extent on "
                                                                 "the frame's longer axis.")
    formats = serializers.ListField(child=serializers.ChoiceField(FORMATS))
    color_space = serializers.CharField(allow_null=True, help_text="`srgb`, or null: any.")
    alpha = serializers.BooleanField(help_text="Transparency allowed.")
    text = serializers.BooleanField(help_text="Text, logos and marks allowed in the "
                                              "background.")
    shadow = serializers.ChoiceField(SHADOWS, help_text="What a composition adds by default.")
    source = serializers.CharField(  # type: ignore[assignment]  # a declared field (DRF's metaclass takes it off the class), not Field.source
        help_text="The marketplace's page the numbers come from.")
    unsourced = serializers.ListField(child=serializers.CharField(), help_text=(
        "Fields whose value is Atelier's default, not stated by the source."))


class PresetListSerializer(serializers.Serializer):
    presets = PresetSerializer(many=True)


@extend_schema_field({"oneOf": [{"type": "number"}, {"type": "string"}]})
class MeasuredField(serializers.Field):
    """A number (px, a share from 0 to 1) or a word (a format, a colour space)."""

    def to_representation(self, value: Any) -> Any:
        return value


class RuleSerializer(serializers.Serializer):
    rule = serializers.ChoiceField(RULES)
    passed = serializers.BooleanField()
    measured = MeasuredField(help_text="What the image has: px, a share from 0 to 1, or a "
                                       "name (format, colour space).")
    limit = serializers.CharField(help_text="The preset's limit, for people.")
    fix = serializers.ChoiceField(list(FIXES), allow_null=True, help_text=(
        "For a failed rule, the fix that makes it pass; null when it passed or has none."))


class CheckSerializer(serializers.Serializer):
    preset = serializers.CharField()
    passed = serializers.BooleanField(help_text="Every rule passed.")
    rules = RuleSerializer(many=True)


CHECK_EXAMPLE = {"preset": "amazon-main", "passed": False, "rules": [
    {"rule": "format", "passed": True, "measured": "png", "limit": "jpeg, tiff, png, gif",
     "fix": None},
    {"rule": "longest_side", "passed": True, "measured": 2048,
     "limit": ">= 1000 px and <= 10000 px", "fix": None},
    {"rule": "color_space", "passed": True, "measured": "sRGB", "limit": "sRGB", "fix": None},
    {"rule": "alpha", "passed": True, "measured": 0.0, "limit": "none (fully opaque)",
     "fix": None},
    {"rule": "background", "passed": False, "measured": 0.0,
     "limit": "#FFFFFF exactly, on >= 0.99 of the background", "fix": "re-pad"},
    {"rule": "fill", "passed": False, "measured": 0.52, "limit": ">= 0.85", "fix": "re-pad"},
    {"rule": "text", "passed": True, "measured": 0.0,
     "limit": "<= 0.0005 (sharp-edge share of the background outside the product)",
     "fix": None}]}


# --- presets -----------------------------------------------------------------------------------

class PresetListView(TenantAPIView):
    @extend_schema(responses={200: PresetListSerializer})
    def get(self, request: Request) -> Response:
        presets = all_presets(request_tenant(request))
        return Response(PresetListSerializer(
            {"presets": [preset.as_dict() for preset in presets]}).data)


# --- the check ---------------------------------------------------------------------------------

class AssetCheckView(TenantAPIView):
    @extend_schema(
        request=None,
        parameters=[id_parameter("asset"), OpenApiParameter(
            "preset", str, required=True, pattern=KEY_PATTERN,
            description="The preset's key (GET /api/v1/presets), e.g. `amazon-main`.")],
        responses={200: CheckSerializer, **error_responses(409)},
        examples=[OpenApiExample("failed", value=CHECK_EXAMPLE,
                                 response_only=True, status_codes=["200"])])
    def post(self, request: Request, id: str) -> Response:
        tenant = request_tenant(request)
        _, report = check_asset(tenant, get_asset(tenant, id), request.query_params.get("preset"))
        return Response(CheckSerializer(report.as_dict()).data)
