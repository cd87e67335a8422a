from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="TrialRequest")


@_attrs_define
class TrialRequest:
    """A serializer mixin: a body field the serializer does not know is a 400 naming it,
    not silently ignored (a typo such as `negative_promt` must not pass unnoticed).

        Attributes:
            prompts (list[str]): The rows: 1 to 10 representative prompts.
            models (list[str]): The columns: 1 to 6 distinct model keys, each a model that makes images from text
                (`text_to_image`) and that you may call now.
            seed (int | None | Unset): One seed for every cell, 0 to 4294967295, clamped into each model's seed range (a
                model without a seed gets none). Default: drawn at random.
    """

    prompts: list[str]
    models: list[str]
    seed: int | None | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        prompts = self.prompts

        models = self.models

        seed: int | None | Unset
        if isinstance(self.seed, Unset):
            seed = UNSET
        else:
            seed = self.seed

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "prompts": prompts,
                "models": models,
            }
        )
        if seed is not UNSET:
            field_dict["seed"] = seed

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        prompts = cast(list[str], d.pop("prompts"))

        models = cast(list[str], d.pop("models"))

        def _parse_seed(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        seed = _parse_seed(d.pop("seed", UNSET))

        trial_request = cls(
            prompts=prompts,
            models=models,
            seed=seed,
        )

        return trial_request
