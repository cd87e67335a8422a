from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="ComplianceRule")


@_attrs_define
class ComplianceRule:
    """One rule of a compliance check (docs/ecommerce.md, "The check").

    Attributes:
        rule (str):
        passed (bool):
        measured (Any): a number (px, a share 0 to 1) or a name
        limit (str):
        fix (None | str):
    """

    rule: str
    passed: bool
    measured: Any
    limit: str
    fix: None | str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        rule = self.rule

        passed = self.passed

        measured = self.measured

        limit = self.limit

        fix: None | str
        fix = self.fix

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "rule": rule,
                "passed": passed,
                "measured": measured,
                "limit": limit,
                "fix": fix,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        rule = d.pop("rule")

        passed = d.pop("passed")

        measured = d.pop("measured")

        limit = d.pop("limit")

        def _parse_fix(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        fix = _parse_fix(d.pop("fix"))

        compliance_rule = cls(
            rule=rule,
            passed=passed,
            measured=measured,
            limit=limit,
            fix=fix,
        )

        compliance_rule.additional_properties = d
        return compliance_rule

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
