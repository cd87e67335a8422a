from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="ModelInputLimits")


@_attrs_define
class ModelInputLimits:
    """
    Attributes:
        formats (list[str]):
        min_side (int):
        max_side (int):
        max_pixels (int):
        max_aspect (float | None):
    """

    formats: list[str]
    min_side: int
    max_side: int
    max_pixels: int
    max_aspect: float | None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        formats = self.formats

        min_side = self.min_side

        max_side = self.max_side

        max_pixels = self.max_pixels

        max_aspect: float | None
        max_aspect = self.max_aspect

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "formats": formats,
                "min_side": min_side,
                "max_side": max_side,
                "max_pixels": max_pixels,
                "max_aspect": max_aspect,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        formats = cast(list[str], d.pop("formats"))

        min_side = d.pop("min_side")

        max_side = d.pop("max_side")

        max_pixels = d.pop("max_pixels")

        def _parse_max_aspect(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        max_aspect = _parse_max_aspect(d.pop("max_aspect"))

        model_input_limits = cls(
            formats=formats,
            min_side=min_side,
            max_side=max_side,
            max_pixels=max_pixels,
            max_aspect=max_aspect,
        )

        model_input_limits.additional_properties = d
        return model_input_limits

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
