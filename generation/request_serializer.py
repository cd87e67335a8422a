"""The submit body of a job, parsed into a JobRequest: the API's and every batch row's."""

from __future__ import annotations

from rest_framework import serializers

from catalog.requests import OPERATIONS, STAGES, JobRequest
from core.serializers import StrictFields


class JobRequestSerializer(StrictFields, serializers.Serializer):
    """Types and shapes only; the model's own limits are checked by the service (catalog)."""

    model = serializers.CharField(max_length=64, default="",
                                  help_text="a catalog key; optional when the template names one")
    operation = serializers.CharField(max_length=32, default="text_to_image",
                                      help_text=f"one of: {', '.join(OPERATIONS)}")
    prompt = serializers.CharField(allow_blank=True, trim_whitespace=False, default="",
                                   max_length=20_000)
    negative_prompt = serializers.CharField(allow_blank=True, trim_whitespace=False, default="",
                                            max_length=20_000)
    n = serializers.IntegerField(default=1, min_value=-(2**63), max_value=2**63 - 1)
    seed = serializers.IntegerField(required=False, allow_null=True, min_value=-(2**63),
                                    max_value=2**63 - 1)
    size = serializers.CharField(required=False, allow_null=True, max_length=20,
                                 help_text='"WIDTHxHEIGHT", e.g. "1024x1024"')
    aspect_ratio = serializers.CharField(required=False, allow_null=True, max_length=10)
    quality = serializers.CharField(required=False, allow_null=True, max_length=32)
    style = serializers.CharField(required=False, allow_null=True, max_length=64)  # type: ignore[assignment]  # a declared field (DRF's metaclass takes it off the class), not Field.style
    images = serializers.ListField(child=serializers.CharField(max_length=64), required=False,
                                   max_length=10)
    mask = serializers.CharField(required=False, allow_null=True, max_length=64)
    mask_prompt = serializers.CharField(required=False, allow_null=True, max_length=20_000)
    params = serializers.DictField(required=False)
    stage = serializers.ChoiceField(choices=STAGES, default="draft")
    template = serializers.CharField(required=False, allow_null=True, max_length=100,
                                     help_text="a brand template's id or name")
    slots = serializers.DictField(child=serializers.JSONField(), required=False,
                                  help_text="values for the template's {slots}")
    dry_run = serializers.BooleanField(default=False)

    def to_request(self) -> JobRequest:
        data = dict(self.validated_data)
        data["images"] = list(data.get("images") or [])
        data["params"] = dict(data.get("params") or {})
        data["slots"] = dict(data.get("slots") or {})
        return JobRequest(**data)
