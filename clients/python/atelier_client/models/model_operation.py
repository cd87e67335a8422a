from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="ModelOperation")


@_attrs_define
class ModelOperation:
    """
    Attributes:
        images (list[int]): source images: [min, max]
        mask (str): none, image, image_or_prompt, prompt, optional_image or optional_any
        prompt (str): required, optional or none
        sizing (str): output (size asked for), source (the source image's) or target (the canvas to outpaint to)
    """

    images: list[int]
    mask: str
    prompt: str
    sizing: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        images = self.images

        mask = self.mask

        prompt = self.prompt

        sizing = self.sizing

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "images": images,
                "mask": mask,
                "prompt": prompt,
                "sizing": sizing,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        images = cast(list[int], d.pop("images"))

        mask = d.pop("mask")

        prompt = d.pop("prompt")

        sizing = d.pop("sizing")

        model_operation = cls(
            images=images,
            mask=mask,
            prompt=prompt,
            sizing=sizing,
        )

        model_operation.additional_properties = d
        return model_operation

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
