from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.model_input_limits import ModelInputLimits
    from ..models.model_limits_aspect_ratios import ModelLimitsAspectRatios
    from ..models.model_size_rule import ModelSizeRule


T = TypeVar("T", bound="ModelLimits")


@_attrs_define
class ModelLimits:
    """
    Attributes:
        prompt_chars (list[int]): prompt length: [min, max]
        negative_prompt_chars (list[int]): negative prompt length: [min, max]
        n (list[int]): images per job: [min, max]
        per_call (int): images per model call
        seed (list[int] | None): [min, max]; null: the model takes no seed
        size (ModelSizeRule | None): null: only `sizes` and `aspect_ratios`
        sizes (list[str]): "WIDTHxHEIGHT"
        default_size (str):
        aspect_ratios (ModelLimitsAspectRatios): ratio ("4:5") to size ("896x1152")
        qualities (list[str]):
        styles (list[str]):
        inputs (ModelInputLimits):
    """

    prompt_chars: list[int]
    negative_prompt_chars: list[int]
    n: list[int]
    per_call: int
    seed: list[int] | None
    size: ModelSizeRule | None
    sizes: list[str]
    default_size: str
    aspect_ratios: ModelLimitsAspectRatios
    qualities: list[str]
    styles: list[str]
    inputs: ModelInputLimits
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.model_size_rule import ModelSizeRule  # noqa: PLC0415

        prompt_chars = self.prompt_chars

        negative_prompt_chars = self.negative_prompt_chars

        n = self.n

        per_call = self.per_call

        seed: list[int] | None
        if isinstance(self.seed, list):
            seed = self.seed

        else:
            seed = self.seed

        size: dict[str, Any] | None
        if isinstance(self.size, ModelSizeRule):
            size = self.size.to_dict()
        else:
            size = self.size

        sizes = self.sizes

        default_size = self.default_size

        aspect_ratios = self.aspect_ratios.to_dict()

        qualities = self.qualities

        styles = self.styles

        inputs = self.inputs.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "prompt_chars": prompt_chars,
                "negative_prompt_chars": negative_prompt_chars,
                "n": n,
                "per_call": per_call,
                "seed": seed,
                "size": size,
                "sizes": sizes,
                "default_size": default_size,
                "aspect_ratios": aspect_ratios,
                "qualities": qualities,
                "styles": styles,
                "inputs": inputs,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.model_input_limits import ModelInputLimits  # noqa: PLC0415
        from ..models.model_limits_aspect_ratios import ModelLimitsAspectRatios  # noqa: PLC0415
        from ..models.model_size_rule import ModelSizeRule  # noqa: PLC0415

        d = dict(src_dict)
        prompt_chars = cast(list[int], d.pop("prompt_chars"))

        negative_prompt_chars = cast(list[int], d.pop("negative_prompt_chars"))

        n = cast(list[int], d.pop("n"))

        per_call = d.pop("per_call")

        def _parse_seed(data: object) -> list[int] | None:
            if data is None:
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                seed_type_0 = cast(list[int], data)

                return seed_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[int] | None, data)

        seed = _parse_seed(d.pop("seed"))

        def _parse_size(data: object) -> ModelSizeRule | None:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                size_type_0 = ModelSizeRule.from_dict(data)

                return size_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(ModelSizeRule | None, data)

        size = _parse_size(d.pop("size"))

        sizes = cast(list[str], d.pop("sizes"))

        default_size = d.pop("default_size")

        aspect_ratios = ModelLimitsAspectRatios.from_dict(d.pop("aspect_ratios"))

        qualities = cast(list[str], d.pop("qualities"))

        styles = cast(list[str], d.pop("styles"))

        inputs = ModelInputLimits.from_dict(d.pop("inputs"))

        model_limits = cls(
            prompt_chars=prompt_chars,
            negative_prompt_chars=negative_prompt_chars,
            n=n,
            per_call=per_call,
            seed=seed,
            size=size,
            sizes=sizes,
            default_size=default_size,
            aspect_ratios=aspect_ratios,
            qualities=qualities,
            styles=styles,
            inputs=inputs,
        )

        model_limits.additional_properties = d
        return model_limits

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
