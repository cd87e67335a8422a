from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="Action")


@_attrs_define
class Action:
    """
    Attributes:
        action (str): e.g. c2pa.created, c2pa.opened, c2pa.edited
        digital_source_type (None | str):
        software_agent (None | str):
        ingredients (list[str]): titles of the ingredients it used
    """

    action: str
    digital_source_type: None | str
    software_agent: None | str
    ingredients: list[str]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        action = self.action

        digital_source_type: None | str
        digital_source_type = self.digital_source_type

        software_agent: None | str
        software_agent = self.software_agent

        ingredients = self.ingredients

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "action": action,
                "digital_source_type": digital_source_type,
                "software_agent": software_agent,
                "ingredients": ingredients,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        action = d.pop("action")

        def _parse_digital_source_type(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        digital_source_type = _parse_digital_source_type(d.pop("digital_source_type"))

        def _parse_software_agent(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        software_agent = _parse_software_agent(d.pop("software_agent"))

        ingredients = cast(list[str], d.pop("ingredients"))

        action = cls(
            action=action,
            digital_source_type=digital_source_type,
            software_agent=software_agent,
            ingredients=ingredients,
        )

        action.additional_properties = d
        return action

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
