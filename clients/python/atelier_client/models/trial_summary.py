from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.trial_cell_ref import TrialCellRef


T = TypeVar("T", bound="TrialSummary")


@_attrs_define
class TrialSummary:
    """A trial in a list: its shape and price; fetch one trial for its grid.

    Attributes:
        id (UUID):
        prompts (list[str]):
        models (list[str]):
        seed (int):
        estimated_cost_usd (str):
        favourites (list[TrialCellRef]):
        created_at (datetime.datetime):
    """

    id: UUID
    prompts: list[str]
    models: list[str]
    seed: int
    estimated_cost_usd: str
    favourites: list[TrialCellRef]
    created_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = str(self.id)

        prompts = self.prompts

        models = self.models

        seed = self.seed

        estimated_cost_usd = self.estimated_cost_usd

        favourites = []
        for favourites_item_data in self.favourites:
            favourites_item = favourites_item_data.to_dict()
            favourites.append(favourites_item)

        created_at = self.created_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "prompts": prompts,
                "models": models,
                "seed": seed,
                "estimated_cost_usd": estimated_cost_usd,
                "favourites": favourites,
                "created_at": created_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.trial_cell_ref import TrialCellRef  # noqa: PLC0415

        d = dict(src_dict)
        id = UUID(d.pop("id"))

        prompts = cast(list[str], d.pop("prompts"))

        models = cast(list[str], d.pop("models"))

        seed = d.pop("seed")

        estimated_cost_usd = d.pop("estimated_cost_usd")

        favourites = []
        _favourites = d.pop("favourites")
        for favourites_item_data in _favourites:
            favourites_item = TrialCellRef.from_dict(favourites_item_data)

            favourites.append(favourites_item)

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        trial_summary = cls(
            id=id,
            prompts=prompts,
            models=models,
            seed=seed,
            estimated_cost_usd=estimated_cost_usd,
            favourites=favourites,
            created_at=created_at,
        )

        trial_summary.additional_properties = d
        return trial_summary

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
