"""REST endpoints for webhooks: parse, call one service (api.webhooks), shape the answer."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from api import webhooks
from api.authentication import request_tenant
from api.base import (
    NewestFirst,
    TenantViewSet,
    filtered,
    id_parameter,
    list_parameters,
    paginated,
    shows_secret_once,
)
from core.serializers import StrictFields
from generation.models import WebhookDelivery, WebhookEndpoint

EXAMPLE = {"url": "https://hooks.example.com/atelier", "description": "order system",
           "events": ["job.succeeded", "job.failed", "batch.completed"]}


class WebhookEndpointSerializer(serializers.ModelSerializer):
    class Meta:
        model = WebhookEndpoint
        fields = ["id", "url", "description", "events", "is_active", "created_at"]


class WebhookEndpointCreatedSerializer(WebhookEndpointSerializer):
    """The one answer that shows the signing secret; store it, it is never shown again."""

    secret = serializers.CharField(
        read_only=True, allow_null=True,
        help_text="The signing secret, shown only in this answer. `null` in a replay of it "
                  "(same Idempotency-Key; header `Idempotent-Replayed: true`), which adds a "
                  "`note` saying why: the secret is not kept for replays.")

    class Meta(WebhookEndpointSerializer.Meta):
        fields = [*WebhookEndpointSerializer.Meta.fields, "secret"]


class WebhookCreateSerializer(StrictFields, serializers.Serializer):
    """Types only; the URL rule (https, public addresses) and the event names are the
    service's."""

    url = serializers.CharField(max_length=2000, help_text="https URL that receives POSTs")
    events = serializers.ListField(child=serializers.CharField(max_length=40),
                                   help_text=f"any of: {', '.join(webhooks.EVENTS)}")
    description = serializers.CharField(max_length=200, required=False, allow_blank=True,
                                        default="")


class WebhookDeliverySerializer(serializers.ModelSerializer):
    endpoint = serializers.UUIDField(source="endpoint_id")

    class Meta:
        model = WebhookDelivery
        fields = ["id", "endpoint", "event", "status", "attempts", "next_attempt_at",
                  "last_status_code", "last_error", "log", "created_at", "delivered_at",
                  "payload"]


class WebhookViewSet(TenantViewSet):
    pagination_class = NewestFirst  # so the schema shows the lists' cursor envelope

    @extend_schema(responses=WebhookEndpointSerializer(many=True), parameters=list_parameters({}))
    def list(self, request: Request) -> Response:
        found = filtered(request, WebhookEndpoint.objects.for_tenant(request_tenant(request)),
                         {})
        return paginated(request, found, WebhookEndpointSerializer, self)

    @extend_schema(request=WebhookCreateSerializer,
                   responses={201: WebhookEndpointCreatedSerializer},
                   examples=[OpenApiExample("job and batch events", value=EXAMPLE,
                                            request_only=True)],
                   description="Create an endpoint. The answer holds the signing `secret`, "
                               "shown only this once (`Cache-Control: no-store`); a replay of "
                               "it with the same Idempotency-Key shows the endpoint with "
                               "`secret` null and a `note`.")
    def create(self, request: Request) -> Response:
        parsed = WebhookCreateSerializer(data=request.data)
        parsed.is_valid(raise_exception=True)
        endpoint, _secret = webhooks.create_endpoint(request_tenant(request),
                                                     **parsed.validated_data)
        return shows_secret_once(
            Response(WebhookEndpointCreatedSerializer(endpoint).data,
                     status=status.HTTP_201_CREATED,
                     headers={"Location": f"/api/v1/webhooks/{endpoint.pk}"}),
            "secret")

    @extend_schema(responses=WebhookEndpointSerializer, parameters=[id_parameter("webhook")])
    def retrieve(self, request: Request, pk: str) -> Response:
        endpoint = webhooks.get_endpoint(request_tenant(request), pk)
        return Response(WebhookEndpointSerializer(endpoint).data)

    @extend_schema(responses={204: None}, parameters=[id_parameter("webhook")])
    def destroy(self, request: Request, pk: str) -> Response:
        webhooks.delete_endpoint(request_tenant(request), pk)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(responses=WebhookDeliverySerializer(many=True),
                   parameters=[id_parameter("webhook")],
                   description="The delivery log, newest first: every event sent to this "
                               "endpoint with each attempt's time, HTTP status or error.")
    @action(detail=True, methods=["get"])
    def deliveries(self, request: Request, pk: str) -> Response:
        found = webhooks.endpoint_deliveries(request_tenant(request), pk)
        return paginated(request, found, WebhookDeliverySerializer, self)

    @extend_schema(request=None, responses={202: WebhookDeliverySerializer},
                   parameters=[id_parameter("webhook")],
                   description="Queue a signed `ping` event to this endpoint.")
    @action(detail=True, methods=["post"])
    def test(self, request: Request, pk: str) -> Response:
        delivery = webhooks.send_test(request_tenant(request), pk)
        return Response(WebhookDeliverySerializer(delivery).data,
                        status=status.HTTP_202_ACCEPTED)
