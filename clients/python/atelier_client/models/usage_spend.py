from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="UsageSpend")


@_attrs_define
class UsageSpend:
    """
    Attributes:
        used (str): Spent this month, USD.
        reserved (str): Held for queued and running jobs, USD.
        budget (None | str): The month's budget; null: none.
        left (None | str): What is left; null: no budget.
    """

    used: str
    reserved: str
    budget: None | str
    left: None | str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        used = self.used

        reserved = self.reserved

        budget: None | str
        budget = self.budget

        left: None | str
        left = self.left

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "used": used,
                "reserved": reserved,
                "budget": budget,
                "left": left,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        used = d.pop("used")

        reserved = d.pop("reserved")

        def _parse_budget(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        budget = _parse_budget(d.pop("budget"))

        def _parse_left(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        left = _parse_left(d.pop("left"))

        usage_spend = cls(
            used=used,
            reserved=reserved,
            budget=budget,
            left=left,
        )

        usage_spend.additional_properties = d
        return usage_spend

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
