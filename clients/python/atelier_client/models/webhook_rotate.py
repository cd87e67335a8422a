from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="WebhookRotate")


@_attrs_define
class WebhookRotate:
    """A serializer mixin: a body field the serializer does not know is a 400 naming it,
    not silently ignored (a typo such as `negative_promt` must not pass unnoticed).

        Attributes:
            overlap_hours (int | Unset): How long the previous secret keeps signing too (each message then carries both
                signatures). 0 stops it at once, e.g. when it leaked. Default: 24.
    """

    overlap_hours: int | Unset = 24

    def to_dict(self) -> dict[str, Any]:
        overlap_hours = self.overlap_hours

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if overlap_hours is not UNSET:
            field_dict["overlap_hours"] = overlap_hours

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        overlap_hours = d.pop("overlap_hours", UNSET)

        webhook_rotate = cls(
            overlap_hours=overlap_hours,
        )

        return webhook_rotate
