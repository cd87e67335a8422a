"""The submit body of a job, parsed into a JobRequest: the API's and every batch row's.

No field declares a default: a field left out is left to the template (if any) and then to the
model, and a generated client that sends every declared default would otherwise send values
that override the template (or that the server refuses, such as an empty `model`). The
defaults are JobRequest's and are stated in each field's description.
"""

from __future__ import annotations

from rest_framework import serializers

from catalog.requests import OPERATIONS, STAGES, JobRequest
from core.serializers import StrictFields

INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1


class JobRequestSerializer(StrictFields, serializers.Serializer):
    """Types and shapes only; the model's own limits are checked by the service (catalog)."""

    model = serializers.CharField(
        max_length=64, required=False,
        help_text="A model key from `GET /api/v1/models`, e.g. `nova-canvas` (`local` makes "
                  "placeholder images offline). Leave it out when the template names one.")
    operation = serializers.CharField(
        max_length=32, required=False,
        help_text=f"One of: {', '.join(OPERATIONS)}. Default: the template's, else "
                  "`text_to_image`.")
    prompt = serializers.CharField(
        allow_blank=True, trim_whitespace=False, required=False, max_length=20_000,
        help_text="What to make. Leave it out when a template fills it from `slots`.")
    negative_prompt = serializers.CharField(
        allow_blank=True, trim_whitespace=False, required=False, max_length=20_000,
        help_text="What to keep out of the image. Default: the template's, else none.")
    n = serializers.IntegerField(required=False, min_value=INT64_MIN, max_value=INT64_MAX,
                                 help_text="How many images, 1 to the model's maximum. "
                                           "Default 1.")
    seed = serializers.IntegerField(required=False, allow_null=True, min_value=INT64_MIN,
                                    max_value=INT64_MAX,
                                    help_text="Repeatable results: image i uses seed + i. "
                                              "Default: a random seed (returned as "
                                              "`base_seed`).")
    size = serializers.CharField(required=False, allow_null=True, max_length=20,
                                 help_text='"WIDTHxHEIGHT", e.g. "1024x1024"; or give '
                                           "`aspect_ratio`, not both.")
    aspect_ratio = serializers.CharField(required=False, allow_null=True, max_length=10,
                                         help_text='e.g. "4:5"; the model picks the nearest '
                                                   "size it makes.")
    quality = serializers.CharField(required=False, allow_null=True, max_length=32,
                                    help_text="A quality the model lists, e.g. `standard`.")
    style = serializers.CharField(required=False, allow_null=True, max_length=64,  # type: ignore[assignment]  # a declared field (DRF's metaclass takes it off the class), not Field.style
                                  help_text="A style preset the model lists.")
    images = serializers.ListField(child=serializers.CharField(max_length=64), required=False,
                                   max_length=10,
                                   help_text="Source images: upload ids (`POST /api/v1/uploads`)"
                                             " or ids of earlier results.")
    mask = serializers.CharField(required=False, allow_null=True, max_length=64,
                                 help_text="A mask image's upload id (white: the area to "
                                           "change), for inpaint.")
    mask_prompt = serializers.CharField(required=False, allow_null=True, max_length=20_000,
                                        help_text="Or describe the area to change, for models "
                                                  "that take a mask prompt.")
    params = serializers.DictField(required=False,
                                   help_text="Parameters the model lists for the operation "
                                             "(`GET /api/v1/models`): its own (e.g. "
                                             "`cfg_scale`) and the operation's (`preset` and "
                                             "`shadow` for `packshot`; `light_angle`, "
                                             "`softness`, `opacity`, `distance`, `contact` for "
                                             "`shadow`).")
    stage = serializers.ChoiceField(choices=STAGES, required=False,
                                    help_text="`draft` (default) or `final`: final images "
                                              "are full quality and go into archives by "
                                              "default.")
    template = serializers.CharField(required=False, allow_null=True, max_length=100,
                                     help_text="A brand template's id or name: its prompt "
                                               "filled from `slots`, its fields used where "
                                               "this request leaves them out.")
    slots = serializers.DictField(child=serializers.JSONField(), required=False,
                                  help_text="Values for the template's `{slots}`.")
    dry_run = serializers.BooleanField(required=False,
                                       help_text="true: check and price the job, make "
                                                 "nothing (200 with the estimate). "
                                                 "Default false.")

    def to_request(self) -> JobRequest:
        data = dict(self.validated_data)
        data["images"] = list(data.get("images") or [])
        data["params"] = dict(data.get("params") or {})
        data["slots"] = dict(data.get("slots") or {})
        return JobRequest(**data, explicit=frozenset(self.validated_data))
