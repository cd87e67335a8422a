from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.action import Action
    from ..models.ingredient import Ingredient


T = TypeVar("T", bound="Manifest")


@_attrs_define
class Manifest:
    """
    Attributes:
        claim_generator (None | str):
        issuer (None | str):
        signed_by_atelier (bool):
        signed_at (None | str):
        actions (list[Action]):
        ingredients (list[Ingredient]):
    """

    claim_generator: None | str
    issuer: None | str
    signed_by_atelier: bool
    signed_at: None | str
    actions: list[Action]
    ingredients: list[Ingredient]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        claim_generator: None | str
        claim_generator = self.claim_generator

        issuer: None | str
        issuer = self.issuer

        signed_by_atelier = self.signed_by_atelier

        signed_at: None | str
        signed_at = self.signed_at

        actions = []
        for actions_item_data in self.actions:
            actions_item = actions_item_data.to_dict()
            actions.append(actions_item)

        ingredients = []
        for ingredients_item_data in self.ingredients:
            ingredients_item = ingredients_item_data.to_dict()
            ingredients.append(ingredients_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "claim_generator": claim_generator,
                "issuer": issuer,
                "signed_by_atelier": signed_by_atelier,
                "signed_at": signed_at,
                "actions": actions,
                "ingredients": ingredients,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.action import Action  # noqa: PLC0415
        from ..models.ingredient import Ingredient  # noqa: PLC0415

        d = dict(src_dict)

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

        signed_by_atelier = d.pop("signed_by_atelier")

        def _parse_signed_at(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        signed_at = _parse_signed_at(d.pop("signed_at"))

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

        manifest = cls(
            claim_generator=claim_generator,
            issuer=issuer,
            signed_by_atelier=signed_by_atelier,
            signed_at=signed_at,
            actions=actions,
            ingredients=ingredients,
        )

        manifest.additional_properties = d
        return manifest

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
