from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.prompt_assistant_usage import PromptAssistantUsage
    from ..models.usage_images import UsageImages
    from ..models.usage_spend import UsageSpend


T = TypeVar("T", bound="Usage")


@_attrs_define
class Usage:
    """
    Attributes:
        month (str): YYYY-MM (UTC).
        images (UsageImages):
        spend_usd (UsageSpend):
        prompt_assistant (PromptAssistantUsage):
    """

    month: str
    images: UsageImages
    spend_usd: UsageSpend
    prompt_assistant: PromptAssistantUsage
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        month = self.month

        images = self.images.to_dict()

        spend_usd = self.spend_usd.to_dict()

        prompt_assistant = self.prompt_assistant.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "month": month,
                "images": images,
                "spend_usd": spend_usd,
                "prompt_assistant": prompt_assistant,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.prompt_assistant_usage import PromptAssistantUsage  # noqa: PLC0415
        from ..models.usage_images import UsageImages  # noqa: PLC0415
        from ..models.usage_spend import UsageSpend  # noqa: PLC0415

        d = dict(src_dict)
        month = d.pop("month")

        images = UsageImages.from_dict(d.pop("images"))

        spend_usd = UsageSpend.from_dict(d.pop("spend_usd"))

        prompt_assistant = PromptAssistantUsage.from_dict(d.pop("prompt_assistant"))

        usage = cls(
            month=month,
            images=images,
            spend_usd=spend_usd,
            prompt_assistant=prompt_assistant,
        )

        usage.additional_properties = d
        return usage

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
