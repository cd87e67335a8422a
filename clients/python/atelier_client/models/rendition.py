from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="Rendition")


@_attrs_define
class Rendition:
    """A web rendition of an image (the schema's; asset_body builds it).

    Attributes:
        kind (str): `web` (the thumbnail is `thumbnail_url`).
        format_ (str): `webp` or `avif`.
        width (int):
        height (int):
        bytes_ (int | None): null until it is made: an AVIF is made on first request.
        url (str): A time-limited link, as the asset's `url`.
    """

    kind: str
    format_: str
    width: int
    height: int
    bytes_: int | None
    url: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        kind = self.kind

        format_ = self.format_

        width = self.width

        height = self.height

        bytes_: int | None
        bytes_ = self.bytes_

        url = self.url

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "kind": kind,
                "format": format_,
                "width": width,
                "height": height,
                "bytes": bytes_,
                "url": url,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        kind = d.pop("kind")

        format_ = d.pop("format")

        width = d.pop("width")

        height = d.pop("height")

        def _parse_bytes_(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        bytes_ = _parse_bytes_(d.pop("bytes"))

        url = d.pop("url")

        rendition = cls(
            kind=kind,
            format_=format_,
            width=width,
            height=height,
            bytes_=bytes_,
            url=url,
        )

        rendition.additional_properties = d
        return rendition

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
