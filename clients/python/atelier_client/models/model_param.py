from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="ModelParam")


@_attrs_define
class ModelParam:
    """
    Attributes:
        type_ (str): int, float, bool, enum or string
        values (list[Any] | Unset):
        min_ (float | Unset):
        max_ (float | Unset):
        max_length (int | Unset):
        default (Any | Unset):
        operations (list[str] | Unset): only for these operations
        required_for (list[str] | Unset):
    """

    type_: str
    values: list[Any] | Unset = UNSET
    min_: float | Unset = UNSET
    max_: float | Unset = UNSET
    max_length: int | Unset = UNSET
    default: Any | Unset = UNSET
    operations: list[str] | Unset = UNSET
    required_for: list[str] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        type_ = self.type_

        values: list[Any] | Unset = UNSET
        if not isinstance(self.values, Unset):
            values = self.values

        min_ = self.min_

        max_ = self.max_

        max_length = self.max_length

        default = self.default

        operations: list[str] | Unset = UNSET
        if not isinstance(self.operations, Unset):
            operations = self.operations

        required_for: list[str] | Unset = UNSET
        if not isinstance(self.required_for, Unset):
            required_for = self.required_for

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "type": type_,
            }
        )
        if values is not UNSET:
            field_dict["values"] = values
        if min_ is not UNSET:
            field_dict["min"] = min_
        if max_ is not UNSET:
            field_dict["max"] = max_
        if max_length is not UNSET:
            field_dict["max_length"] = max_length
        if default is not UNSET:
            field_dict["default"] = default
        if operations is not UNSET:
            field_dict["operations"] = operations
        if required_for is not UNSET:
            field_dict["required_for"] = required_for

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        type_ = d.pop("type")

        values = cast(list[Any], d.pop("values", UNSET))

        min_ = d.pop("min", UNSET)

        max_ = d.pop("max", UNSET)

        max_length = d.pop("max_length", UNSET)

        default = d.pop("default", UNSET)

        operations = cast(list[str], d.pop("operations", UNSET))

        required_for = cast(list[str], d.pop("required_for", UNSET))

        model_param = cls(
            type_=type_,
            values=values,
            min_=min_,
            max_=max_,
            max_length=max_length,
            default=default,
            operations=operations,
            required_for=required_for,
        )

        model_param.additional_properties = d
        return model_param

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
