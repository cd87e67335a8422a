from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.trial_cell_ref import TrialCellRef
    from ..models.trial_model import TrialModel
    from ..models.trial_row import TrialRow


T = TypeVar("T", bound="Trial")


@_attrs_define
class Trial:
    """
    Attributes:
        id (UUID):
        seed (int): The trial's seed, before clamping.
        finished (bool): true when every cell's job has finished.
        estimated_cost_usd (str): The sum of its jobs' prices, USD: what it held at submission.
        total_usd (str): The sum of the models' totals, USD.
        models (list[TrialModel]): The columns.
        rows (list[TrialRow]): The prompts, with their cells.
        favourites (list[TrialCellRef]):
        created_at (datetime.datetime):
    """

    id: UUID
    seed: int
    finished: bool
    estimated_cost_usd: str
    total_usd: str
    models: list[TrialModel]
    rows: list[TrialRow]
    favourites: list[TrialCellRef]
    created_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = str(self.id)

        seed = self.seed

        finished = self.finished

        estimated_cost_usd = self.estimated_cost_usd

        total_usd = self.total_usd

        models = []
        for models_item_data in self.models:
            models_item = models_item_data.to_dict()
            models.append(models_item)

        rows = []
        for rows_item_data in self.rows:
            rows_item = rows_item_data.to_dict()
            rows.append(rows_item)

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
                "seed": seed,
                "finished": finished,
                "estimated_cost_usd": estimated_cost_usd,
                "total_usd": total_usd,
                "models": models,
                "rows": rows,
                "favourites": favourites,
                "created_at": created_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.trial_cell_ref import TrialCellRef  # noqa: PLC0415
        from ..models.trial_model import TrialModel  # noqa: PLC0415
        from ..models.trial_row import TrialRow  # noqa: PLC0415

        d = dict(src_dict)
        id = UUID(d.pop("id"))

        seed = d.pop("seed")

        finished = d.pop("finished")

        estimated_cost_usd = d.pop("estimated_cost_usd")

        total_usd = d.pop("total_usd")

        models = []
        _models = d.pop("models")
        for models_item_data in _models:
            models_item = TrialModel.from_dict(models_item_data)

            models.append(models_item)

        rows = []
        _rows = d.pop("rows")
        for rows_item_data in _rows:
            rows_item = TrialRow.from_dict(rows_item_data)

            rows.append(rows_item)

        favourites = []
        _favourites = d.pop("favourites")
        for favourites_item_data in _favourites:
            favourites_item = TrialCellRef.from_dict(favourites_item_data)

            favourites.append(favourites_item)

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        trial = cls(
            id=id,
            seed=seed,
            finished=finished,
            estimated_cost_usd=estimated_cost_usd,
            total_usd=total_usd,
            models=models,
            rows=rows,
            favourites=favourites,
            created_at=created_at,
        )

        trial.additional_properties = d
        return trial

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
