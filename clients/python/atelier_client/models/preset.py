from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.preset_formats_enum import PresetFormatsEnum
from ..models.shadow_enum import ShadowEnum

T = TypeVar("T", bound="Preset")


@_attrs_define
class Preset:
    """
    Attributes:
        key (str): What `?preset=` takes, e.g. `amazon-main`.
        name (str):
        builtin (bool): Shipped with Atelier (false: your own).
        min_longest_side (int | None): px; null: no minimum
        min_shortest_side (int | None): px
        max_longest_side (int | None): px
        size (None | str): `WxH`: the canvas the fixes produce (the recommended size).
        aspect (None | str): `W:H`, e.g. `1:1`; null: any.
        background (None | str): `#RRGGBB` required exactly; null: any.
        min_fill (float | None): 0-1: the product's extent on the frame's longer axis.
        formats (list[PresetFormatsEnum]):
        color_space (None | str): `srgb`, or null: any.
        alpha (bool): Transparency allowed.
        text (bool): Text, logos and marks allowed in the background.
        shadow (ShadowEnum): * `none` - none
            * `soft` - soft
            * `natural` - natural
        source (str): The marketplace's page the numbers come from.
        unsourced (list[str]): Fields whose value is Atelier's default, not stated by the source.
    """

    key: str
    name: str
    builtin: bool
    min_longest_side: int | None
    min_shortest_side: int | None
    max_longest_side: int | None
    size: None | str
    aspect: None | str
    background: None | str
    min_fill: float | None
    formats: list[PresetFormatsEnum]
    color_space: None | str
    alpha: bool
    text: bool
    shadow: ShadowEnum
    source: str
    unsourced: list[str]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        key = self.key

        name = self.name

        builtin = self.builtin

        min_longest_side: int | None
        min_longest_side = self.min_longest_side

        min_shortest_side: int | None
        min_shortest_side = self.min_shortest_side

        max_longest_side: int | None
        max_longest_side = self.max_longest_side

        size: None | str
        size = self.size

        aspect: None | str
        aspect = self.aspect

        background: None | str
        background = self.background

        min_fill: float | None
        min_fill = self.min_fill

        formats = []
        for formats_item_data in self.formats:
            formats_item = formats_item_data.value
            formats.append(formats_item)

        color_space: None | str
        color_space = self.color_space

        alpha = self.alpha

        text = self.text

        shadow = self.shadow.value

        source = self.source

        unsourced = self.unsourced

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "key": key,
                "name": name,
                "builtin": builtin,
                "min_longest_side": min_longest_side,
                "min_shortest_side": min_shortest_side,
                "max_longest_side": max_longest_side,
                "size": size,
                "aspect": aspect,
                "background": background,
                "min_fill": min_fill,
                "formats": formats,
                "color_space": color_space,
                "alpha": alpha,
                "text": text,
                "shadow": shadow,
                "source": source,
                "unsourced": unsourced,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        key = d.pop("key")

        name = d.pop("name")

        builtin = d.pop("builtin")

        def _parse_min_longest_side(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        min_longest_side = _parse_min_longest_side(d.pop("min_longest_side"))

        def _parse_min_shortest_side(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        min_shortest_side = _parse_min_shortest_side(d.pop("min_shortest_side"))

        def _parse_max_longest_side(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        max_longest_side = _parse_max_longest_side(d.pop("max_longest_side"))

        def _parse_size(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        size = _parse_size(d.pop("size"))

        def _parse_aspect(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        aspect = _parse_aspect(d.pop("aspect"))

        def _parse_background(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        background = _parse_background(d.pop("background"))

        def _parse_min_fill(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        min_fill = _parse_min_fill(d.pop("min_fill"))

        formats = []
        _formats = d.pop("formats")
        for formats_item_data in _formats:
            formats_item = PresetFormatsEnum(formats_item_data)

            formats.append(formats_item)

        def _parse_color_space(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        color_space = _parse_color_space(d.pop("color_space"))

        alpha = d.pop("alpha")

        text = d.pop("text")

        shadow = ShadowEnum(d.pop("shadow"))

        source = d.pop("source")

        unsourced = cast(list[str], d.pop("unsourced"))

        preset = cls(
            key=key,
            name=name,
            builtin=builtin,
            min_longest_side=min_longest_side,
            min_shortest_side=min_shortest_side,
            max_longest_side=max_longest_side,
            size=size,
            aspect=aspect,
            background=background,
            min_fill=min_fill,
            formats=formats,
            color_space=color_space,
            alpha=alpha,
            text=text,
            shadow=shadow,
            source=source,
            unsourced=unsourced,
        )

        preset.additional_properties = d
        return preset

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
