from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="ModelSizeRule")


@_attrs_define
class ModelSizeRule:
    """
    Attributes:
        min_ (int):
        max_ (int):
        multiple_of (int):
        max_pixels (int):
        max_aspect (float | None):
    """

    min_: int
    max_: int
    multiple_of: int
    max_pixels: int
    max_aspect: float | None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        min_ = self.min_

        max_ = self.max_

        multiple_of = self.multiple_of

        max_pixels = self.max_pixels

        max_aspect: float | None
        max_aspect = self.max_aspect

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "min": min_,
                "max": max_,
                "multiple_of": multiple_of,
                "max_pixels": max_pixels,
                "max_aspect": max_aspect,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        min_ = d.pop("min")

        max_ = d.pop("max")

        multiple_of = d.pop("multiple_of")

        max_pixels = d.pop("max_pixels")

        def _parse_max_aspect(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        max_aspect = _parse_max_aspect(d.pop("max_aspect"))

        model_size_rule = cls(
            min_=min_,
            max_=max_,
            multiple_of=multiple_of,
            max_pixels=max_pixels,
            max_aspect=max_aspect,
        )

        model_size_rule.additional_properties = d
        return model_size_rule

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
