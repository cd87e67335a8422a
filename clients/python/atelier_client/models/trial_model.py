from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="TrialModel")


@_attrs_define
class TrialModel:
    """
    Attributes:
        column (int):
        key (str): The model key.
        name (str):
        operations (list[str]): What the model can do (the catalog's operations): its editing support.
        seed (int | None): The seed its cells used; null: the model takes none.
        total_usd (str): The sum of its cells' prices, USD.
        charged_usd (str): What its delivered images were charged so far, USD.
        price_is_estimate (bool):
    """

    column: int
    key: str
    name: str
    operations: list[str]
    seed: int | None
    total_usd: str
    charged_usd: str
    price_is_estimate: bool
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        column = self.column

        key = self.key

        name = self.name

        operations = self.operations

        seed: int | None
        seed = self.seed

        total_usd = self.total_usd

        charged_usd = self.charged_usd

        price_is_estimate = self.price_is_estimate

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "column": column,
                "key": key,
                "name": name,
                "operations": operations,
                "seed": seed,
                "total_usd": total_usd,
                "charged_usd": charged_usd,
                "price_is_estimate": price_is_estimate,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        column = d.pop("column")

        key = d.pop("key")

        name = d.pop("name")

        operations = cast(list[str], d.pop("operations"))

        def _parse_seed(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        seed = _parse_seed(d.pop("seed"))

        total_usd = d.pop("total_usd")

        charged_usd = d.pop("charged_usd")

        price_is_estimate = d.pop("price_is_estimate")

        trial_model = cls(
            column=column,
            key=key,
            name=name,
            operations=operations,
            seed=seed,
            total_usd=total_usd,
            charged_usd=charged_usd,
            price_is_estimate=price_is_estimate,
        )

        trial_model.additional_properties = d
        return trial_model

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
