from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.state_enum import StateEnum

if TYPE_CHECKING:
    from ..models.action import Action
    from ..models.ingredient import Ingredient
    from ..models.manifest import Manifest


T = TypeVar("T", bound="Credentials")


@_attrs_define
class Credentials:
    """
    Attributes:
        state (StateEnum): * `trusted` - trusted
            * `valid` - valid
            * `invalid` - invalid
            * `none` - none
        signed_by_atelier (bool):
        claim_generator (None | str):
        issuer (None | str):
        title (None | str):
        digital_source_type (None | str):
        actions (list[Action]): the active manifest's
        ingredients (list[Ingredient]): the active manifest's
        history (list[Manifest]): the active manifest, then its parents'
        errors (list[str]):
    """

    state: StateEnum
    signed_by_atelier: bool
    claim_generator: None | str
    issuer: None | str
    title: None | str
    digital_source_type: None | str
    actions: list[Action]
    ingredients: list[Ingredient]
    history: list[Manifest]
    errors: list[str]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        state = self.state.value

        signed_by_atelier = self.signed_by_atelier

        claim_generator: None | str
        claim_generator = self.claim_generator

        issuer: None | str
        issuer = self.issuer

        title: None | str
        title = self.title

        digital_source_type: None | str
        digital_source_type = self.digital_source_type

        actions = []
        for actions_item_data in self.actions:
            actions_item = actions_item_data.to_dict()
            actions.append(actions_item)

        ingredients = []
        for ingredients_item_data in self.ingredients:
            ingredients_item = ingredients_item_data.to_dict()
            ingredients.append(ingredients_item)

        history = []
        for history_item_data in self.history:
            history_item = history_item_data.to_dict()
            history.append(history_item)

        errors = self.errors

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "state": state,
                "signed_by_atelier": signed_by_atelier,
                "claim_generator": claim_generator,
                "issuer": issuer,
                "title": title,
                "digital_source_type": digital_source_type,
                "actions": actions,
                "ingredients": ingredients,
                "history": history,
                "errors": errors,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.action import Action  # noqa: PLC0415
        from ..models.ingredient import Ingredient  # noqa: PLC0415
        from ..models.manifest import Manifest  # noqa: PLC0415

        d = dict(src_dict)
        state = StateEnum(d.pop("state"))

        signed_by_atelier = d.pop("signed_by_atelier")

        def _parse_claim_generator(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        claim_generator = _parse_claim_generator(d.pop("claim_generator"))

        def _parse_issuer(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        issuer = _parse_issuer(d.pop("issuer"))

        def _parse_title(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        title = _parse_title(d.pop("title"))

        def _parse_digital_source_type(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        digital_source_type = _parse_digital_source_type(d.pop("digital_source_type"))

        actions = []
        _actions = d.pop("actions")
        for actions_item_data in _actions:
            actions_item = Action.from_dict(actions_item_data)

            actions.append(actions_item)

        ingredients = []
        _ingredients = d.pop("ingredients")
        for ingredients_item_data in _ingredients:
            ingredients_item = Ingredient.from_dict(ingredients_item_data)

            ingredients.append(ingredients_item)

        history = []
        _history = d.pop("history")
        for history_item_data in _history:
            history_item = Manifest.from_dict(history_item_data)

            history.append(history_item)

        errors = cast(list[str], d.pop("errors"))

        credentials = cls(
            state=state,
            signed_by_atelier=signed_by_atelier,
            claim_generator=claim_generator,
            issuer=issuer,
            title=title,
            digital_source_type=digital_source_type,
            actions=actions,
            ingredients=ingredients,
            history=history,
            errors=errors,
        )

        credentials.additional_properties = d
        return credentials

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
