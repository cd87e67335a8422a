from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.trial_cell import TrialCell


T = TypeVar("T", bound="TrialRow")


@_attrs_define
class TrialRow:
    """
    Attributes:
        row (int):
        prompt (str):
        cells (list[TrialCell]): By column (model).
    """

    row: int
    prompt: str
    cells: list[TrialCell]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        row = self.row

        prompt = self.prompt

        cells = []
        for cells_item_data in self.cells:
            cells_item = cells_item_data.to_dict()
            cells.append(cells_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "row": row,
                "prompt": prompt,
                "cells": cells,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.trial_cell import TrialCell  # noqa: PLC0415

        d = dict(src_dict)
        row = d.pop("row")

        prompt = d.pop("prompt")

        cells = []
        _cells = d.pop("cells")
        for cells_item_data in _cells:
            cells_item = TrialCell.from_dict(cells_item_data)

            cells.append(cells_item)

        trial_row = cls(
            row=row,
            prompt=prompt,
            cells=cells,
        )

        trial_row.additional_properties = d
        return trial_row

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
