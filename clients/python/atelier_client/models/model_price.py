from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="ModelPrice")


@_attrs_define
class ModelPrice:
    """
    Attributes:
        usd (str): price per image, USD
        quality (None | str): for this quality only
        max_pixels (int | None): for images up to this size
        estimate (bool): true when this is Atelier's estimate per image, not AWS's own price per image
    """

    usd: str
    quality: None | str
    max_pixels: int | None
    estimate: bool
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        usd = self.usd

        quality: None | str
        quality = self.quality

        max_pixels: int | None
        max_pixels = self.max_pixels

        estimate = self.estimate

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "usd": usd,
                "quality": quality,
                "max_pixels": max_pixels,
                "estimate": estimate,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        usd = d.pop("usd")

        def _parse_quality(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        quality = _parse_quality(d.pop("quality"))

        def _parse_max_pixels(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        max_pixels = _parse_max_pixels(d.pop("max_pixels"))

        estimate = d.pop("estimate")

        model_price = cls(
            usd=usd,
            quality=quality,
            max_pixels=max_pixels,
            estimate=estimate,
        )

        model_price.additional_properties = d
        return model_price

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
