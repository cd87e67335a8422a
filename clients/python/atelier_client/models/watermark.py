from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="Watermark")


@_attrs_define
class Watermark:
    """
    Attributes:
        found (bool):
        payload (None | str): hex; the first 8 bytes of an Atelier image's id
        matches_image_on_record (bool):
    """

    found: bool
    payload: None | str
    matches_image_on_record: bool
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        found = self.found

        payload: None | str
        payload = self.payload

        matches_image_on_record = self.matches_image_on_record

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "found": found,
                "payload": payload,
                "matches_image_on_record": matches_image_on_record,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        found = d.pop("found")

        def _parse_payload(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        payload = _parse_payload(d.pop("payload"))

        matches_image_on_record = d.pop("matches_image_on_record")

        watermark = cls(
            found=found,
            payload=payload,
            matches_image_on_record=matches_image_on_record,
        )

        watermark.additional_properties = d
        return watermark

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
