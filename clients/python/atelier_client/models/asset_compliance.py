from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.compliance_rule import ComplianceRule


T = TypeVar("T", bound="AssetCompliance")


@_attrs_define
class AssetCompliance:
    """An image made for a preset (a packshot) checked against it as it was stored.

    Attributes:
        preset (str): the preset's key
        passed (bool):
        failed (list[str]): the rules that failed (empty when it passed)
        rules (list[ComplianceRule]):
    """

    preset: str
    passed: bool
    failed: list[str]
    rules: list[ComplianceRule]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        preset = self.preset

        passed = self.passed

        failed = self.failed

        rules = []
        for rules_item_data in self.rules:
            rules_item = rules_item_data.to_dict()
            rules.append(rules_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "preset": preset,
                "passed": passed,
                "failed": failed,
                "rules": rules,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.compliance_rule import ComplianceRule  # noqa: PLC0415

        d = dict(src_dict)
        preset = d.pop("preset")

        passed = d.pop("passed")

        failed = cast(list[str], d.pop("failed"))

        rules = []
        _rules = d.pop("rules")
        for rules_item_data in _rules:
            rules_item = ComplianceRule.from_dict(rules_item_data)

            rules.append(rules_item)

        asset_compliance = cls(
            preset=preset,
            passed=passed,
            failed=failed,
            rules=rules,
        )

        asset_compliance.additional_properties = d
        return asset_compliance

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
