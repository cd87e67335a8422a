from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..models.use_enum import UseEnum
from ..types import UNSET, Unset

T = TypeVar("T", bound="PromptSuggestRequest")


@_attrs_define
class PromptSuggestRequest:
    """A serializer mixin: a body field the serializer does not know is a 400 naming it,
    not silently ignored (a typo such as `negative_promt` must not pass unnoticed).

        Attributes:
            brief (str): What the image is, in a few words: `red handbag, marble, for Instagram`.
            model (str | Unset): A model key: the aspect ratio is one it takes and the prompts fit its limits.
            use (UseEnum | Unset): * `instagram-feed` - instagram-feed
                * `instagram-story` - instagram-story
                * `banner` - banner
                * `marketplace` - marketplace
                * `pinterest` - pinterest
                * `youtube` - youtube
                * `print` - print
    """

    brief: str
    model: str | Unset = UNSET
    use: UseEnum | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        brief = self.brief

        model = self.model

        use: str | Unset = UNSET
        if not isinstance(self.use, Unset):
            use = self.use.value

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "brief": brief,
            }
        )
        if model is not UNSET:
            field_dict["model"] = model
        if use is not UNSET:
            field_dict["use"] = use

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        brief = d.pop("brief")

        model = d.pop("model", UNSET)

        _use = d.pop("use", UNSET)
        use: UseEnum | Unset
        if isinstance(_use, Unset):
            use = UNSET
        else:
            use = UseEnum(_use)

        prompt_suggest_request = cls(
            brief=brief,
            model=model,
            use=use,
        )

        return prompt_suggest_request
