"""REST endpoints for webhooks: parse, call one service (api.webhooks), shape the answer.

A signing secret appears in two answers only, creation and rotation, each marked
shows_secret_once (no-store, redacted in Idempotency-Key replays); no other answer has it.

The events Atelier POSTs are described here too (the schema's `webhooks`, one envelope per
event family), so that generated clients type them as they type answers."""

from __future__ import annotations

from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    OpenApiWebhook,
    extend_schema,
)
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from api import webhooks
from api.authentication import request_tenant
from api.base import (
    ORDERINGS,
    NewestFirst,
    TenantViewSet,
    filtered,
    id_parameter,
    list_parameters,
    paginated,
    shows_secret_once,
)
from api.batches import BatchSerializer
from api.schema import PAGE_SIZE
from api.serializers import JobSerializer
from assets.serializers import AssetSerializer
from core.serializers import StrictFields
from generation.models import WebhookDelivery, WebhookEndpoint

EXAMPLE = {"url": "https://hooks.example.com/atelier", "description": "order system",
           "events": ["job.succeeded", "job.failed", "batch.completed"]}


class WebhookEndpointSerializer(serializers.ModelSerializer):
    previous_secret_expires_at = serializers.DateTimeField(
        read_only=True, allow_null=True,
        help_text="Set by the last secret rotation: until this time every message is signed "
                  "with the previous secret too. `null` if that rotation had no overlap or "
                  "there was none.")

    class Meta:
        model = WebhookEndpoint
        fields = ["id", "url", "description", "events", "is_active", "created_at",
                  "previous_secret_expires_at"]
        read_only_fields = fields  # an answer: every field always there


class WebhookEndpointCreatedSerializer(WebhookEndpointSerializer):
    """The one answer that shows the signing secret; store it, it is never shown again."""

    secret = serializers.CharField(
        read_only=True, allow_null=True,
        help_text="The signing secret, shown only in this answer. `null` in a replay of it "
                  "(same Idempotency-Key; header `Idempotent-Replayed: true`), which adds a "
                  "`note` saying why: the secret is not kept for replays.")

    class Meta(WebhookEndpointSerializer.Meta):
        fields = [*WebhookEndpointSerializer.Meta.fields, "secret"]


class WebhookEndpointRotatedSerializer(WebhookEndpointSerializer):
    """The answer to a rotation: the one that shows the new secret."""

    secret = serializers.CharField(
        read_only=True, allow_null=True,
        help_text="The new signing secret (`whsec_…`), shown only in this answer. `null` in a "
                  "replay of it (same Idempotency-Key), which adds a `note`: the secret is not "
                  "kept for replays.")

    class Meta(WebhookEndpointSerializer.Meta):
        fields = [*WebhookEndpointSerializer.Meta.fields, "secret"]


class WebhookRotateSerializer(StrictFields, serializers.Serializer):
    overlap_hours = serializers.IntegerField(
        required=False, default=webhooks.DEFAULT_OVERLAP_HOURS, min_value=0,
        max_value=webhooks.MAX_OVERLAP_HOURS,
        help_text="How long the previous secret keeps signing too (each message then carries "
                  "both signatures). 0 stops it at once, e.g. when it leaked.")


class WebhookCreateSerializer(StrictFields, serializers.Serializer):
    """Types only; the URL rule (https, public addresses) and the event names are the
    service's."""

    url = serializers.CharField(max_length=2000, help_text="The https URL that receives the "
                                                           "POSTs (a public address).")
    events = serializers.ListField(child=serializers.CharField(max_length=40),
                                   help_text=f"any of: {', '.join(webhooks.EVENTS)}")
    description = serializers.CharField(max_length=200, required=False, allow_blank=True,
                                        default="", help_text="For you, e.g. `order system`.")


class WebhookDeliverySerializer(serializers.ModelSerializer):
    endpoint = serializers.UUIDField(source="endpoint_id", read_only=True)

    class Meta:
        model = WebhookDelivery
        fields = ["id", "endpoint", "event", "status", "attempts", "next_attempt_at",
                  "last_status_code", "last_error", "log", "created_at", "delivered_at",
                  "payload"]
        read_only_fields = fields


class WebhookViewSet(TenantViewSet):
    pagination_class = NewestFirst  # so the schema shows the lists' cursor envelope

    @extend_schema(responses=WebhookEndpointSerializer(many=True),
                   parameters=[*list_parameters({}), PAGE_SIZE])
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
                   parameters=[id_parameter("webhook"), PAGE_SIZE,
                               OpenApiParameter("ordering", str, enum=[*ORDERINGS],
                                                description="newest first by default")],
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

    @extend_schema(
        request=WebhookRotateSerializer,
        responses={200: OpenApiResponse(WebhookEndpointRotatedSerializer,
                                        description="The endpoint with its new `secret`, "
                                                    "shown only in this answer.")},
        parameters=[id_parameter("webhook")],
        examples=[OpenApiExample("a day of overlap", value={"overlap_hours": 24},
                                 request_only=True)],
        summary="Rotate the signing secret",
        description="Give the endpoint a new signing `secret`, shown only in this answer "
                    "(`Cache-Control: no-store`). For `overlap_hours` (default 24, at most "
                    f"{webhooks.MAX_OVERLAP_HOURS}) every message is signed with the new and the "
                    "previous secret, two `v1,…` entries in `webhook-signature`, so a receiver "
                    "holding either verifies; then only the new one signs. Rotating again "
                    "within the overlap drops the oldest secret at once. A replay with the same "
                    "Idempotency-Key rotates nothing and shows `secret` null and a `note`.")
    @action(detail=True, methods=["post"], url_path="rotate-secret")
    def rotate_secret(self, request: Request, pk: str) -> Response:
        parsed = WebhookRotateSerializer(data=request.data)
        parsed.is_valid(raise_exception=True)
        endpoint, _secret = webhooks.rotate_secret(request_tenant(request), pk,
                                                   **parsed.validated_data)
        return shows_secret_once(Response(WebhookEndpointRotatedSerializer(endpoint).data),
                                 "secret")


# --- the events Atelier POSTs to endpoints: the schema's `webhooks` (docs/webhooks.md) ---------

class _Event(serializers.Serializer):
    id = serializers.UUIDField(help_text="The message id, equal to the `webhook-id` header and "
                                         "the same on every retry: deduplicate on it.")
    created = serializers.DateTimeField(help_text="When the event happened.")
    tenant = serializers.CharField(help_text="Your account's slug.")


def _event(name: str, events: list[str], data: type[serializers.Serializer]) -> type:
    """An event envelope whose `type` is one of `events` and whose `data` is `data`."""
    fields = {"type": serializers.ChoiceField(choices=events, help_text="The event type."),
              "data": data(), "Meta": type("Meta", (), {"ref_name": name})}
    return type(f"{name}Serializer", (_Event,), fields)


class JobEventDataSerializer(serializers.Serializer):
    job = JobSerializer(help_text="The job as `GET /api/v1/jobs/{id}` shows it.")

    class Meta:
        ref_name = "JobEventData"


class BatchEventDataSerializer(serializers.Serializer):
    batch = BatchSerializer(help_text="The batch as `GET /api/v1/batches/{id}` shows it.")

    class Meta:
        ref_name = "BatchEventData"


class AssetEventDataSerializer(serializers.Serializer):
    asset = AssetSerializer(help_text="The image as `GET /api/v1/assets/{id}` shows it.")

    class Meta:
        ref_name = "AssetEventData"


class PingEventDataSerializer(serializers.Serializer):
    message = serializers.CharField()
    endpoint = serializers.UUIDField(help_text="The endpoint tested.")

    class Meta:
        ref_name = "PingEventData"


JobEventSerializer = _event("JobEvent", ["job.succeeded", "job.failed", "job.blocked",
                                         "job.fallback"],
                            JobEventDataSerializer)
BatchEventSerializer = _event("BatchEvent", ["batch.completed"], BatchEventDataSerializer)
AssetEventSerializer = _event("AssetEvent", ["asset.approved", "asset.rejected"],
                              AssetEventDataSerializer)
PingEventSerializer = _event("PingEvent", ["ping"], PingEventDataSerializer)

_DELIVERY = ("Atelier POSTs this JSON to each active endpoint subscribed to the event, signed "
             "as Standard Webhooks specifies (headers `webhook-id`, `webhook-timestamp`, "
             "`webhook-signature`). Verify the signature over the raw body, deduplicate on "
             "`id`, and answer any 2xx within 10 s; anything else is retried with backoff for "
             "up to 24 hours.")
_RECEIVED = {200: OpenApiResponse(description="Received (any 2xx will do).")}


def _webhook(event: str, when: str, serializer: type) -> OpenApiWebhook:
    return OpenApiWebhook(name=event, decorator=extend_schema(
        summary=event, description=f"{when} {_DELIVERY}", request=serializer,
        responses=_RECEIVED))


JOB_SUCCEEDED_EVENT = _webhook("job.succeeded", "A job ended `succeeded` or "
                               "`partially_succeeded` (its `status` says which).",
                               JobEventSerializer)
JOB_FAILED_EVENT = _webhook("job.failed", "A job ended `failed` (`error` says why).",
                            JobEventSerializer)
JOB_BLOCKED_EVENT = _webhook("job.blocked", "A prompt was refused at submission, or the "
                             "model's filters withheld every image.", JobEventSerializer)
JOB_FALLBACK_EVENT = _webhook("job.fallback", "A job runs on the fallback model its tenant or "
                              "template named, because the model it asked for "
                              "(`requested_model`) is retired or unavailable "
                              "(`fallback_reason`); its price follows the fallback.",
                              JobEventSerializer)
BATCH_COMPLETED_EVENT = _webhook("batch.completed", "The last job of a batch finished.",
                                 BatchEventSerializer)
ASSET_APPROVED_EVENT = _webhook("asset.approved", "An image was approved (automatically when "
                                "stored, or by a moderator).", AssetEventSerializer)
ASSET_REJECTED_EVENT = _webhook("asset.rejected", "An image was rejected (automatically or by "
                                "a moderator).", AssetEventSerializer)
PING_EVENT = _webhook("ping", "Sent only by `POST /api/v1/webhooks/{id}/test`.",
                      PingEventSerializer)
