"""POST /api/v1/uploads: a source or mask image, as multipart `file` or base64 JSON `data`.

The body is at most `assets.uploads.max_request_bytes()` (core.body_limits: refused by its
Content-Length before it is read, 413); a multipart file stays in its temporary file and is
read from there by the service.
"""

from __future__ import annotations

import binascii

from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from api.authentication import request_tenant
from api.base import TenantAPIView, serializer_context
from api.parsers import JSONParser
from api.schema import BinaryFileField
from assets.serializers import AssetSerializer
from assets.uploads import body_hint, create_upload, max_request_bytes
from core.body_limits import limit_body
from core.errors import InvalidParameter

# An 8x8 mask (a white square on black), a whole PNG: the example's `data`.
EXAMPLE_PNG = ("iVBORw0KGgoAAAANSUhEUgAAAAgAAAAICAAAAADhZOFXAAAAG0lEQVR42mNgQAeMDAz/"
               "GRgYGBmYYCKYDEwAADRSAQiRgurpAAAAAElFTkSuQmCC")


class UploadSerializer(serializers.Serializer):
    """What the view reads: either shape below (the schema documents them apart)."""

    file = serializers.FileField(required=False, help_text="multipart upload")
    data = serializers.CharField(required=False, help_text="or: the image as base64")  # type: ignore[assignment]  # a declared field (DRF's metaclass takes it off the class), not Serializer.data
    filename = serializers.CharField(required=False, max_length=200)


class UploadFileSerializer(serializers.Serializer):
    file = BinaryFileField(help_text="The image: PNG, JPEG or WebP.")

    class Meta:
        ref_name = "UploadFile"


class UploadBase64Serializer(serializers.Serializer):
    """UploadSerializer's JSON shape: neither field may be blank (DRF's CharField refuses "")."""

    data = serializers.CharField(min_length=1,  # type: ignore[assignment]  # a declared field (DRF's metaclass takes it off the class), not Serializer.data
                                 help_text="The image (PNG, JPEG or WebP) in base64, without a "
                                           "`data:` prefix.")
    filename = serializers.CharField(required=False, min_length=1, max_length=200,
                                     help_text="A name to keep with it, e.g. `mask.png`.")

    class Meta:
        ref_name = "UploadBase64"


class UploadView(TenantAPIView):
    parser_classes = [JSONParser, MultiPartParser]

    @limit_body(lambda request: max_request_bytes(), hint=body_hint)
    @extend_schema(
        request={"multipart/form-data": UploadFileSerializer,
                 "application/json": UploadBase64Serializer},
        responses={201: AssetSerializer},
        examples=[OpenApiExample("base64", request_only=True, media_type="application/json",
                                 value={"data": EXAMPLE_PNG, "filename": "mask.png"})])
    def post(self, request: Request) -> Response:
        tenant = request_tenant(request)
        # The body's shape first (an object; `file` a file, `data` a string): a JSON list or
        # a number is a 400 naming the problem, not an error deep in the view.
        parsed = UploadSerializer(data=request.data)
        parsed.is_valid(raise_exception=True)
        fields = parsed.validated_data
        upload = fields.get("file")
        if upload is not None and "data" in fields:
            raise InvalidParameter("data: send the image as `file` or as `data`, not both",
                                   field="data")
        if len(request.FILES.getlist("file")) > 1:
            raise InvalidParameter("file: one file per upload", field="file")
        if upload is not None:  # the file, not its bytes: the service reads it in pieces
            data, filename = upload, getattr(upload, "name", "") or ""
        elif "data" in fields:
            try:  # base64.b64decode(validate=True), without first copying the text to bytes
                data = binascii.a2b_base64(fields["data"], strict_mode=True)
            except (binascii.Error, ValueError):
                hint = (" (send the base64 text alone, without the `data:…;base64,` prefix)"
                        if fields["data"].startswith("data:") else "")
                raise InvalidParameter(f"data: not valid base64{hint}", field="data") from None
            filename = fields.get("filename", "")
        else:
            raise InvalidParameter("file: send the image as multipart `file` or base64 `data`",
                                   field="file")
        asset = create_upload(tenant, data, filename=filename)
        body = AssetSerializer(asset, context=serializer_context(request)).data
        return Response(body, status=status.HTTP_201_CREATED)
