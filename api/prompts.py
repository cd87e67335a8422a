"""`POST /api/v1/prompts/suggest`: the prompt assistant (generation/prompt_assistant.py) turns
a short brief into a prompt, a negative prompt and an aspect ratio; it makes no job."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from api.authentication import request_tenant
from api.base import TenantAPIView
from api.schema import error_responses
from core.serializers import StrictFields
from generation.prompt_assistant import BRIEF_MAX_CHARS, suggest_prompt
from generation.prompt_rules import uses


class SuggestRequestSerializer(StrictFields, serializers.Serializer):
    brief = serializers.CharField(
        max_length=BRIEF_MAX_CHARS,
        help_text="What the image is, in a few words: `red handbag, marble, for Instagram`.")
    model = serializers.CharField(
        required=False, max_length=64,
        help_text="A model key: the aspect ratio is one it takes and the prompts fit its "
                  "limits.")
    use = serializers.ChoiceField(
        required=False, choices=list(uses()),
        help_text="What the image is for (default: read from the brief); picks the aspect "
                  "ratio.")

    class Meta:
        ref_name = "PromptSuggestRequest"


class TokensSerializer(serializers.Serializer):
    input = serializers.IntegerField()
    output = serializers.IntegerField()

    class Meta:
        ref_name = "PromptSuggestTokens"


class SuggestionSerializer(serializers.Serializer):
    prompt = serializers.CharField(help_text="Subject, action, setting, lighting, style, then "
                                             "camera and composition.")
    negative_prompt = serializers.CharField(allow_blank=True,
                                            help_text="Empty when the model takes none.")
    aspect_ratio = serializers.CharField(allow_null=True,
                                         help_text="`W:H`; null for a model that takes sizes.")
    use = serializers.CharField(allow_null=True, help_text="The use it was made for, if known.")
    source = serializers.ChoiceField(choices=["rules", "model"])  # type: ignore[assignment]  # a declared field (DRF's metaclass takes it off the class), not Field.source
    notes = serializers.ListField(child=serializers.CharField(),
                                  help_text="What was adjusted, and why.")
    cost_usd = serializers.CharField(required=False,
                                     help_text="When a text model was called: its AWS cost.")
    tokens = TokensSerializer(required=False)

    class Meta:
        ref_name = "PromptSuggestion"


EXAMPLE = {"brief": "red handbag, marble, for Instagram", "model": "stable-image-core"}


class PromptSuggestView(TenantAPIView):
    @extend_schema(request=SuggestRequestSerializer,
                   responses={200: SuggestionSerializer, **error_responses(422, 503)},
                   examples=[OpenApiExample("A handbag for Instagram", value=EXAMPLE,
                                            request_only=True)])
    def post(self, request: Request) -> Response:
        parsed = SuggestRequestSerializer(data=request.data)
        parsed.is_valid(raise_exception=True)
        data = parsed.validated_data
        suggestion = suggest_prompt(request_tenant(request), data["brief"],
                                    model=data.get("model"), use=data.get("use"))
        return Response(suggestion.as_dict())
