from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="TrialFavouriteRequest")


@_attrs_define
class TrialFavouriteRequest:
    """A serializer mixin: a body field the serializer does not know is a 400 naming it,
    not silently ignored (a typo such as `negative_promt` must not pass unnoticed).

        Attributes:
            row (int): The prompt's index, from 0.
            column (int): The model's index, from 0.
            favourite (bool | Unset): false unmarks the cell. Default: True.
    """

    row: int
    column: int
    favourite: bool | Unset = True

    def to_dict(self) -> dict[str, Any]:
        row = self.row

        column = self.column

        favourite = self.favourite

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "row": row,
                "column": column,
            }
        )
        if favourite is not UNSET:
            field_dict["favourite"] = favourite

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        row = d.pop("row")

        column = d.pop("column")

        favourite = d.pop("favourite", UNSET)

        trial_favourite_request = cls(
            row=row,
            column=column,
            favourite=favourite,
        )

        return trial_favourite_request
