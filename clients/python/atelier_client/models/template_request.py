from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..models.operation_enum import OperationEnum
from ..types import UNSET, Unset

T = TypeVar("T", bound="TemplateRequest")


@_attrs_define
class TemplateRequest:
    """The fields a template is made of (the schema's; the view reads TemplateSerializer).

    Attributes:
        name (str):
        prompt (str): text with {slot} placeholders
        description (str | Unset):
        negative_prompt (str | Unset):
        model (str | Unset): The default model (a catalog key) of jobs made from it.
        fallback_model (str | Unset): Runs instead of `model` when that is retired or unavailable (a catalog key that
            does the template's operation); empty: such jobs fail, naming the successor.
        operation (OperationEnum | Unset): * `text_to_image` - text_to_image
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
        size (str | Unset):
        aspect_ratio (str | Unset):
        quality (str | Unset):
        style (str | Unset):
        params (Any | Unset):
        slot_defaults (Any | Unset): values used when a job leaves a slot out
    """

    name: str
    prompt: str
    description: str | Unset = UNSET
    negative_prompt: str | Unset = UNSET
    model: str | Unset = UNSET
    fallback_model: str | Unset = UNSET
    operation: OperationEnum | Unset = UNSET
    size: str | Unset = UNSET
    aspect_ratio: str | Unset = UNSET
    quality: str | Unset = UNSET
    style: str | Unset = UNSET
    params: Any | Unset = UNSET
    slot_defaults: Any | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        prompt = self.prompt

        description = self.description

        negative_prompt = self.negative_prompt

        model = self.model

        fallback_model = self.fallback_model

        operation: str | Unset = UNSET
        if not isinstance(self.operation, Unset):
            operation = self.operation.value

        size = self.size

        aspect_ratio = self.aspect_ratio

        quality = self.quality

        style = self.style

        params = self.params

        slot_defaults = self.slot_defaults

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "name": name,
                "prompt": prompt,
            }
        )
        if description is not UNSET:
            field_dict["description"] = description
        if negative_prompt is not UNSET:
            field_dict["negative_prompt"] = negative_prompt
        if model is not UNSET:
            field_dict["model"] = model
        if fallback_model is not UNSET:
            field_dict["fallback_model"] = fallback_model
        if operation is not UNSET:
            field_dict["operation"] = operation
        if size is not UNSET:
            field_dict["size"] = size
        if aspect_ratio is not UNSET:
            field_dict["aspect_ratio"] = aspect_ratio
        if quality is not UNSET:
            field_dict["quality"] = quality
        if style is not UNSET:
            field_dict["style"] = style
        if params is not UNSET:
            field_dict["params"] = params
        if slot_defaults is not UNSET:
            field_dict["slot_defaults"] = slot_defaults

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        name = d.pop("name")

        prompt = d.pop("prompt")

        description = d.pop("description", UNSET)

        negative_prompt = d.pop("negative_prompt", UNSET)

        model = d.pop("model", UNSET)

        fallback_model = d.pop("fallback_model", UNSET)

        _operation = d.pop("operation", UNSET)
        operation: OperationEnum | Unset
        if isinstance(_operation, Unset):
            operation = UNSET
        else:
            operation = OperationEnum(_operation)

        size = d.pop("size", UNSET)

        aspect_ratio = d.pop("aspect_ratio", UNSET)

        quality = d.pop("quality", UNSET)

        style = d.pop("style", UNSET)

        params = d.pop("params", UNSET)

        slot_defaults = d.pop("slot_defaults", UNSET)

        template_request = cls(
            name=name,
            prompt=prompt,
            description=description,
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
        )

        return template_request
