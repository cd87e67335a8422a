"""POST /api/v1/verify: anyone may ask whether Atelier made an image (no API key).

The image comes as multipart `file` or as the raw body (`Content-Type: image/png`, …), under
the uploads' byte and pixel caps. Each address may ask ATELIER_VERIFY_RATE_LIMIT times (30 a
minute by default; 429 with `Retry-After` past it), counted together with the public page
/verify. The answer is provenance.verify's, the same for every caller: an API key, valid or
not, changes nothing, and the tenant is named only when it allows it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from drf_spectacular.utils import OpenApiRequest, extend_schema
from rest_framework import serializers
from rest_framework.parsers import BaseParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from api.schema import BinaryFileField, error_responses
from core.body_limits import limit_body, room_for
from core.errors import InvalidParameter
from provenance.verify import FORMATS, verify


class VerifyRateThrottle(AnonRateThrottle):
    """ATELIER_VERIFY_RATE_LIMIT (e.g. `30/min`) per client address, signed in or not (the
    public page uses it too, so the page and the API share one count per address)."""

    scope = "verify"

    def get_rate(self) -> str:
        return str(settings.ATELIER_VERIFY_RATE_LIMIT)

    def allow_request(self, request: Any, view: Any) -> bool:
        # The rate is read per request, so a changed setting applies at once.
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)

    def get_cache_key(self, request: Any, view: Any) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


def verify_body_limit(request: HttpRequest) -> int:
    """The largest body that can carry one image under the uploads' cap."""
    return room_for(settings.ATELIER_UPLOAD_MAX_BYTES)


# The formats provenance.verify reads, as media types: image/png, image/jpeg, image/webp and
# image/avif.
IMAGE_TYPES = tuple(f"image/{name}" for name in FORMATS.values())


class ImageBodyParser(BaseParser):
    """A raw image body (`image/png`, `image/jpeg`, `image/webp`, `image/avif`): its bytes."""

    media_type = "image/*"

    def parse(self, stream: Any, media_type: str | None = None,
              parser_context: Mapping[str, Any] | None = None) -> dict[str, Any]:
        data = stream.read(settings.ATELIER_UPLOAD_MAX_BYTES + 1) if stream else b""
        return {"image": data}


# --- wire shapes -------------------------------------------------------------------------------

class VerifyUploadSerializer(serializers.Serializer):
    file = BinaryFileField(help_text="The image: PNG, JPEG, WebP or AVIF.")


class ModelSerializer(serializers.Serializer):
    name = serializers.CharField()
    id = serializers.CharField(help_text="the provider's model id")


class PublisherSerializer(serializers.Serializer):
    name = serializers.CharField()


class ChangeSerializer(serializers.Serializer):
    code = serializers.ChoiceField(["credentials_removed", "credentials_broken",
                                    "credentials_replaced", "later_edits"])
    message = serializers.CharField()


class WatermarkSerializer(serializers.Serializer):
    found = serializers.BooleanField()
    payload = serializers.CharField(allow_null=True, help_text="hex; the first 8 bytes of an "
                                                               "Atelier image's id")
    matches_image_on_record = serializers.BooleanField()


class ActionSerializer(serializers.Serializer):
    action = serializers.CharField(help_text="e.g. c2pa.created, c2pa.opened, c2pa.edited")
    digital_source_type = serializers.CharField(allow_null=True)
    software_agent = serializers.CharField(allow_null=True)
    ingredients = serializers.ListField(child=serializers.CharField(),
                                        help_text="titles of the ingredients it used")


class IngredientSerializer(serializers.Serializer):
    title = serializers.CharField(allow_null=True)
    relationship = serializers.CharField(allow_null=True,
                                         help_text="parentOf, componentOf or inputTo")
    description = serializers.CharField(allow_null=True)
    has_credentials = serializers.BooleanField()


class ManifestSerializer(serializers.Serializer):
    claim_generator = serializers.CharField(allow_null=True)
    issuer = serializers.CharField(allow_null=True)
    signed_by_atelier = serializers.BooleanField()
    signed_at = serializers.CharField(allow_null=True)
    actions = ActionSerializer(many=True)
    ingredients = IngredientSerializer(many=True)


class CredentialsSerializer(serializers.Serializer):
    state = serializers.ChoiceField(["trusted", "valid", "invalid", "none"],
                                    help_text="trusted: valid and signed by a certificate "
                                              "Atelier trusts (its own)")
    signed_by_atelier = serializers.BooleanField()
    claim_generator = serializers.CharField(allow_null=True)
    issuer = serializers.CharField(allow_null=True)
    title = serializers.CharField(allow_null=True)
    digital_source_type = serializers.CharField(allow_null=True)
    actions = ActionSerializer(many=True, help_text="the active manifest's")
    ingredients = IngredientSerializer(many=True, help_text="the active manifest's")
    history = ManifestSerializer(many=True, help_text="the active manifest, then its "
                                                      "parents'")
    errors = serializers.ListField(child=serializers.CharField())  # type: ignore[assignment]  # a declared field (DRF's metaclass takes it off the class), not Serializer.errors


class VerificationSerializer(serializers.Serializer):
    made_by_atelier = serializers.BooleanField()
    verdict = serializers.ChoiceField(["unaltered", "edited_since", "not_recognized"])
    evidence = serializers.ListField(child=serializers.ChoiceField(
        ["content_credentials", "watermark", "exact_copy"]))
    asset_id = serializers.CharField(allow_null=True)
    created_at = serializers.DateTimeField(allow_null=True)
    model = ModelSerializer(allow_null=True)
    operation = serializers.CharField(allow_null=True)
    edited_since = serializers.BooleanField(allow_null=True,
                                            help_text="null when Atelier did not make it")
    changes = ChangeSerializer(many=True)
    publisher = PublisherSerializer(allow_null=True, help_text="only if the tenant allows it")
    watermark = WatermarkSerializer()
    content_credentials = CredentialsSerializer()
    format = serializers.CharField()
    summary = serializers.ListField(child=serializers.CharField(),
                                    help_text="the answer in words")


class VerifyView(APIView):
    """Public: no key, a per-address rate limit, no Idempotency-Key (nothing is created)."""

    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]
    throttle_classes = [VerifyRateThrottle]
    parser_classes = [MultiPartParser, ImageBodyParser]

    @extend_schema(
        operation_id="verify_image",
        request={"multipart/form-data": OpenApiRequest(VerifyUploadSerializer, encoding={
                     "file": {"contentType": ", ".join(IMAGE_TYPES)}}),
                 "image/*": {"type": "string", "format": "binary",
                             "description": "The image itself, with its own Content-Type: "
                                            f"{', '.join(IMAGE_TYPES)}."}},
        responses={200: VerificationSerializer, **error_responses(413, 415)},
        auth=[],
        description="Did Atelier make this image, when, with which model, and has it been "
                    "changed since? Send a PNG, JPEG, WebP or AVIF image as multipart `file` or "
                    "as the body (`Content-Type: image/png`, …); any other format is a 400 "
                    "(`invalid_image`). No API key; rate-limited per address.")
    @limit_body(verify_body_limit)
    def post(self, request: Request) -> Response:
        data: Any = request.data
        if "image" in data and isinstance(data["image"], bytes):
            image = data["image"]
        else:
            files = request.FILES.getlist("file")
            if len(files) > 1:
                raise InvalidParameter("file: one image per request", field="file")
            if not files:
                raise InvalidParameter("file: send the image as multipart `file` or as the "
                                       "body (Content-Type: image/png, …)", field="file")
            image = files[0].read(settings.ATELIER_UPLOAD_MAX_BYTES + 1)
        return Response(VerificationSerializer(verify(image).as_dict()).data)
