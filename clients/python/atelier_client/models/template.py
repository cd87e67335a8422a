from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.operation_enum import OperationEnum

T = TypeVar("T", bound="Template")


@_attrs_define
class Template:
    """The template as answers show it: every field there, `null`-free (the schema's
    `required`).

        Attributes:
            id (UUID):
            name (str):
            description (str):
            prompt (str): text with {slot} placeholders
            slots (list[str]): The prompt's {slot} names, in order.
            negative_prompt (str):
            model (str): The default model; empty: jobs name one.
            fallback_model (str): Runs instead of `model` when that is retired or unavailable; empty: none.
            operation (OperationEnum): * `text_to_image` - text_to_image
                * `image_to_image` - image_to_image
                * `variation` - variation
                * `inpaint` - inpaint
                * `outpaint` - outpaint
                * `remove_background` - remove_background
                * `replace_background` - replace_background
                * `color_guided` - color_guided
                * `upscale` - upscale
                * `search_replace` - search_replace
                * `search_recolor` - search_recolor
                * `erase` - erase
                * `sketch_to_image` - sketch_to_image
                * `structure_to_image` - structure_to_image
                * `style_guide` - style_guide
                * `style_transfer` - style_transfer
                * `virtual_try_on` - virtual_try_on
                * `packshot` - packshot
                * `scene` - scene
                * `conform` - conform
                * `shadow` - shadow
            size (str):
            aspect_ratio (str):
            quality (str):
            style (str):
            params (Any):
            slot_defaults (Any): values used when a job leaves a slot out
            created_at (datetime.datetime):
            updated_at (datetime.datetime):
    """

    id: UUID
    name: str
    description: str
    prompt: str
    slots: list[str]
    negative_prompt: str
    model: str
    fallback_model: str
    operation: OperationEnum
    size: str
    aspect_ratio: str
    quality: str
    style: str
    params: Any
    slot_defaults: Any
    created_at: datetime.datetime
    updated_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = str(self.id)

        name = self.name

        description = self.description

        prompt = self.prompt

        slots = self.slots

        negative_prompt = self.negative_prompt

        model = self.model

        fallback_model = self.fallback_model

        operation = self.operation.value

        size = self.size

        aspect_ratio = self.aspect_ratio

        quality = self.quality

        style = self.style

        params = self.params

        slot_defaults = self.slot_defaults

        created_at = self.created_at.isoformat()

        updated_at = self.updated_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "name": name,
                "description": description,
                "prompt": prompt,
                "slots": slots,
                "negative_prompt": negative_prompt,
                "model": model,
                "fallback_model": fallback_model,
                "operation": operation,
                "size": size,
                "aspect_ratio": aspect_ratio,
                "quality": quality,
                "style": style,
                "params": params,
                "slot_defaults": slot_defaults,
                "created_at": created_at,
                "updated_at": updated_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = UUID(d.pop("id"))

        name = d.pop("name")

        description = d.pop("description")

        prompt = d.pop("prompt")

        slots = cast(list[str], d.pop("slots"))

        negative_prompt = d.pop("negative_prompt")

        model = d.pop("model")

        fallback_model = d.pop("fallback_model")

        operation = OperationEnum(d.pop("operation"))

        size = d.pop("size")

        aspect_ratio = d.pop("aspect_ratio")

        quality = d.pop("quality")

        style = d.pop("style")

        params = d.pop("params")

        slot_defaults = d.pop("slot_defaults")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        template = cls(
            id=id,
            name=name,
            description=description,
            prompt=prompt,
            slots=slots,
            negative_prompt=negative_prompt,
            model=model,
            fallback_model=fallback_model,
            operation=operation,
            size=size,
            aspect_ratio=aspect_ratio,
            quality=quality,
            style=style,
            params=params,
            slot_defaults=slot_defaults,
            created_at=created_at,
            updated_at=updated_at,
        )

        template.additional_properties = d
        return template

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
