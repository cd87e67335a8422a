"""REST endpoints for brand templates: parse, call one service, shape the answer."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from api.authentication import request_tenant
from api.base import (
    NewestFirst,
    TenantViewSet,
    filtered,
    id_parameter,
    list_parameters,
    paginated,
)
from api.schema import PAGE_SIZE
from catalog.requests import OPERATIONS
from core.serializers import StrictFields
from generation import templates
from generation.models import BrandTemplate

EXAMPLE = {"name": "studio-shot", "prompt": "a {subject} on a {surface}, soft studio light",
           "negative_prompt": "text, watermark", "model": "stable-image-core",
           "aspect_ratio": "4:5", "slot_defaults": {"surface": "white marble"}}


class TemplateSerializer(StrictFields, serializers.ModelSerializer):
    model = serializers.CharField(source="model_key", required=False, allow_blank=True,
                                  max_length=64, help_text="The default model (a catalog key) "
                                                           "of jobs made from it.")
    fallback_model = serializers.CharField(
        required=False, allow_blank=True, max_length=64,
        help_text="Runs instead of `model` when that is retired or unavailable (a catalog key "
                  "that does the template's operation); empty: such jobs fail, naming the "
                  "successor.")
    slots = serializers.SerializerMethodField(help_text="The prompt's {slot} names, in order.")
    operation = serializers.ChoiceField(choices=OPERATIONS, required=False,
                                        help_text="The jobs' operation. Default "
                                                  "`text_to_image`.")

    class Meta:
        model = BrandTemplate
        fields = ["id", "name", "description", "prompt", "slots", "negative_prompt", "model",
                  "fallback_model", "operation", "size", "aspect_ratio", "quality", "style",
                  "params", "slot_defaults", "created_at", "updated_at"]
        read_only_fields = ["id", "slots", "created_at", "updated_at"]
        validators: list[Any] = []  # the service reports a duplicate name as a 409

    def get_slots(self, template: BrandTemplate) -> list[str]:
        return templates.slot_names(template.prompt)


class TemplateAnswerSerializer(TemplateSerializer):
    """The template as answers show it: every field there, `null`-free (the schema's
    `required`)."""

    model = serializers.CharField(source="model_key", read_only=True,
                                  help_text="The default model; empty: jobs name one.")
    fallback_model = serializers.CharField(read_only=True, help_text="Runs instead of `model` "
                                           "when that is retired or unavailable; empty: none.")
    operation = serializers.ChoiceField(choices=OPERATIONS, read_only=True)

    class Meta(TemplateSerializer.Meta):
        read_only_fields = TemplateSerializer.Meta.fields
        ref_name = "Template"


@extend_schema_serializer(exclude_fields=["id", "slots", "created_at", "updated_at"])
class TemplateRequestSerializer(TemplateSerializer):
    """The fields a template is made of (the schema's; the view reads TemplateSerializer)."""

    class Meta(TemplateSerializer.Meta):
        ref_name = "TemplateRequest"


class TemplateViewSet(TenantViewSet):
    pagination_class = NewestFirst  # the schema documents the list as a cursor page

    @extend_schema(responses=TemplateAnswerSerializer(many=True),
                   parameters=[*list_parameters({}), PAGE_SIZE])
    def list(self, request: Request) -> Response:
        found = filtered(request, BrandTemplate.objects.for_tenant(request_tenant(request)), {})
        return paginated(request, found, TemplateSerializer, self)

    @extend_schema(request=TemplateRequestSerializer, responses={201: TemplateAnswerSerializer},
                   examples=[OpenApiExample("a studio template", value=EXAMPLE,
                                            request_only=True)])
    def create(self, request: Request) -> Response:
        parsed = TemplateSerializer(data=request.data)
        parsed.is_valid(raise_exception=True)
        template = templates.create_template(request_tenant(request), **parsed.validated_data)
        return Response(TemplateSerializer(template).data, status=status.HTTP_201_CREATED,
                        headers={"Location": f"/api/v1/templates/{template.pk}"})

    @extend_schema(responses=TemplateAnswerSerializer, parameters=[id_parameter("template")])
    def retrieve(self, request: Request, pk: str) -> Response:
        template = BrandTemplate.objects.owned_or_404(request_tenant(request), pk)
        return Response(TemplateSerializer(template).data)

    @extend_schema(request=TemplateRequestSerializer, responses=TemplateAnswerSerializer,
                   parameters=[id_parameter("template")])
    def partial_update(self, request: Request, pk: str) -> Response:
        tenant = request_tenant(request)
        template = BrandTemplate.objects.owned_or_404(tenant, pk)
        parsed = TemplateSerializer(template, data=request.data, partial=True)
        parsed.is_valid(raise_exception=True)
        template = templates.update_template(tenant, pk, **parsed.validated_data)
        return Response(TemplateSerializer(template).data)

    @extend_schema(responses={204: None}, parameters=[id_parameter("template")])
    def destroy(self, request: Request, pk: str) -> Response:
        templates.delete_template(request_tenant(request), pk)
        return Response(status=status.HTTP_204_NO_CONTENT)
