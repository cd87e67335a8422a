from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="BatchPresetSummary")


@_attrs_define
class BatchPresetSummary:
    """
    Attributes:
        skus (int): rows that asked for a packshot for this preset
        passed (int): SKUs whose approved packshot passes the preset's compliance check
        failed (int): SKUs whose approved packshot fails it
        no_image (int): SKUs without an approved packshot (yet: queued, running, in review; or failed)
    """

    skus: int
    passed: int
    failed: int
    no_image: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        skus = self.skus

        passed = self.passed

        failed = self.failed

        no_image = self.no_image

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "skus": skus,
                "passed": passed,
                "failed": failed,
                "no_image": no_image,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        skus = d.pop("skus")

        passed = d.pop("passed")

        failed = d.pop("failed")

        no_image = d.pop("no_image")

        batch_preset_summary = cls(
            skus=skus,
            passed=passed,
            failed=failed,
            no_image=no_image,
        )

        batch_preset_summary.additional_properties = d
        return batch_preset_summary

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
