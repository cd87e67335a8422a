from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.usage_images import UsageImages
    from ..models.usage_spend import UsageSpend


T = TypeVar("T", bound="Quota")


@_attrs_define
class Quota:
    """
    Attributes:
        month (str): YYYY-MM (UTC).
        images (UsageImages):
        spend_usd (UsageSpend):
    """

    month: str
    images: UsageImages
    spend_usd: UsageSpend
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        month = self.month

        images = self.images.to_dict()

        spend_usd = self.spend_usd.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "month": month,
                "images": images,
                "spend_usd": spend_usd,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.usage_images import UsageImages  # noqa: PLC0415
        from ..models.usage_spend import UsageSpend  # noqa: PLC0415

        d = dict(src_dict)
        month = d.pop("month")

        images = UsageImages.from_dict(d.pop("images"))

        spend_usd = UsageSpend.from_dict(d.pop("spend_usd"))

        quota = cls(
            month=month,
            images=images,
            spend_usd=spend_usd,
        )

        quota.additional_properties = d
        return quota

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
