"""A DRF building block used by every layer that reads request bodies (the API, batch rows)."""

from __future__ import annotations

from typing import Any

from rest_framework import exceptions as drf_exceptions
from rest_framework import serializers


class StrictFields(serializers.Serializer):
    """A serializer mixin: a body field the serializer does not know is a 400 naming it,
    not silently ignored (a typo such as `negative_promt` must not pass unnoticed)."""

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        initial = getattr(self, "initial_data", None)
        if isinstance(initial, dict):
            unknown = sorted(set(initial) - set(self.fields))
            if unknown:
                raise drf_exceptions.ValidationError({unknown[0]: "unknown field"})
        return super().validate(attrs)
