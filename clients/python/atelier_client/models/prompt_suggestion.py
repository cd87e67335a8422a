from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.prompt_suggestion_source_enum import PromptSuggestionSourceEnum
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.prompt_suggest_tokens import PromptSuggestTokens


T = TypeVar("T", bound="PromptSuggestion")


@_attrs_define
class PromptSuggestion:
    """
    Attributes:
        prompt (str): Subject, action, setting, lighting, style, then camera and composition.
        negative_prompt (str): Empty when the model takes none.
        aspect_ratio (None | str): `W:H`; null for a model that takes sizes.
        use (None | str): The use it was made for, if known.
        source (PromptSuggestionSourceEnum): * `rules` - rules
            * `model` - model
        notes (list[str]): What was adjusted, and why.
        cost_usd (str | Unset): When a text model was called: its AWS cost.
        tokens (PromptSuggestTokens | Unset):
    """

    prompt: str
    negative_prompt: str
    aspect_ratio: None | str
    use: None | str
    source: PromptSuggestionSourceEnum
    notes: list[str]
    cost_usd: str | Unset = UNSET
    tokens: PromptSuggestTokens | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        prompt = self.prompt

        negative_prompt = self.negative_prompt

        aspect_ratio: None | str
        aspect_ratio = self.aspect_ratio

        use: None | str
        use = self.use

        source = self.source.value

        notes = self.notes

        cost_usd = self.cost_usd

        tokens: dict[str, Any] | Unset = UNSET
        if not isinstance(self.tokens, Unset):
            tokens = self.tokens.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "prompt": prompt,
                "negative_prompt": negative_prompt,
                "aspect_ratio": aspect_ratio,
                "use": use,
                "source": source,
                "notes": notes,
            }
        )
        if cost_usd is not UNSET:
            field_dict["cost_usd"] = cost_usd
        if tokens is not UNSET:
            field_dict["tokens"] = tokens

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.prompt_suggest_tokens import PromptSuggestTokens  # noqa: PLC0415

        d = dict(src_dict)
        prompt = d.pop("prompt")

        negative_prompt = d.pop("negative_prompt")

        def _parse_aspect_ratio(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        aspect_ratio = _parse_aspect_ratio(d.pop("aspect_ratio"))

        def _parse_use(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        use = _parse_use(d.pop("use"))

        source = PromptSuggestionSourceEnum(d.pop("source"))

        notes = cast(list[str], d.pop("notes"))

        cost_usd = d.pop("cost_usd", UNSET)

        _tokens = d.pop("tokens", UNSET)
        tokens: PromptSuggestTokens | Unset
        if isinstance(_tokens, Unset):
            tokens = UNSET
        else:
            tokens = PromptSuggestTokens.from_dict(_tokens)

        prompt_suggestion = cls(
            prompt=prompt,
            negative_prompt=negative_prompt,
            aspect_ratio=aspect_ratio,
            use=use,
            source=source,
            notes=notes,
            cost_usd=cost_usd,
            tokens=tokens,
        )

        prompt_suggestion.additional_properties = d
        return prompt_suggestion

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
