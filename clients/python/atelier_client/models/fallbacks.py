from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.fallbacks_fallbacks import FallbacksFallbacks


T = TypeVar("T", bound="Fallbacks")


@_attrs_define
class Fallbacks:
    """A serializer mixin: a body field the serializer does not know is a 400 naming it,
    not silently ignored (a typo such as `negative_promt` must not pass unnoticed).

        Attributes:
            fallbacks (FallbacksFallbacks): Model key -> the model key that runs instead when the first is retired or
                unavailable. One step only: a fallback's own fallback is not followed.
    """

    fallbacks: FallbacksFallbacks
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        fallbacks = self.fallbacks.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "fallbacks": fallbacks,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.fallbacks_fallbacks import FallbacksFallbacks  # noqa: PLC0415

        d = dict(src_dict)
        fallbacks = FallbacksFallbacks.from_dict(d.pop("fallbacks"))

        fallbacks = cls(
            fallbacks=fallbacks,
        )

        fallbacks.additional_properties = d
        return fallbacks

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
