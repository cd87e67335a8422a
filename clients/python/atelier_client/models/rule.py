from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.fix_enum import FixEnum
from ..models.rule_enum import RuleEnum

T = TypeVar("T", bound="Rule")


@_attrs_define
class Rule:
    """
    Attributes:
        rule (RuleEnum): * `format` - format
            * `longest_side` - longest_side
            * `shortest_side` - shortest_side
            * `aspect` - aspect
            * `color_space` - color_space
            * `alpha` - alpha
            * `background` - background
            * `fill` - fill
            * `text` - text
        passed (bool):
        measured (float | str): What the image has: px, a share from 0 to 1, or a name (format, colour space).
        limit (str): The preset's limit, for people.
        fix (FixEnum | None): For a failed rule, the fix that makes it pass; null when it passed or has none.

            * `convert` - convert
            * `flatten` - flatten
            * `re-pad` - re-pad
            * `resize` - resize
    """

    rule: RuleEnum
    passed: bool
    measured: float | str
    limit: str
    fix: FixEnum | None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        rule = self.rule.value

        passed = self.passed

        measured: float | str
        measured = self.measured

        limit = self.limit

        fix: None | str
        if isinstance(self.fix, FixEnum):
            fix = self.fix.value
        else:
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
        rule = RuleEnum(d.pop("rule"))

        passed = d.pop("passed")

        def _parse_measured(data: object) -> float | str:
            return cast(float | str, data)

        measured = _parse_measured(d.pop("measured"))

        limit = d.pop("limit")

        def _parse_fix(data: object) -> FixEnum | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                fix_type_0 = FixEnum(data)

                return fix_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(FixEnum | None, data)

        fix = _parse_fix(d.pop("fix"))

        rule = cls(
            rule=rule,
            passed=passed,
            measured=measured,
            limit=limit,
            fix=fix,
        )

        rule.additional_properties = d
        return rule

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
