from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.model_lifecycle_successors import ModelLifecycleSuccessors


T = TypeVar("T", bound="ModelLifecycle")


@_attrs_define
class ModelLifecycle:
    """
    Attributes:
        state (str): active, legacy or eol (no new jobs)
        since (datetime.date | None):
        eol (datetime.date | None): when it stops taking jobs
        successor (None | str): the model to move to
        successors (ModelLifecycleSuccessors): the model to move to, by operation and then stage (`draft`, `final`)
    """

    state: str
    since: datetime.date | None
    eol: datetime.date | None
    successor: None | str
    successors: ModelLifecycleSuccessors
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        state = self.state

        since: None | str
        if isinstance(self.since, datetime.date):
            since = self.since.isoformat()
        else:
            since = self.since

        eol: None | str
        if isinstance(self.eol, datetime.date):
            eol = self.eol.isoformat()
        else:
            eol = self.eol

        successor: None | str
        successor = self.successor

        successors = self.successors.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "state": state,
                "since": since,
                "eol": eol,
                "successor": successor,
                "successors": successors,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.model_lifecycle_successors import ModelLifecycleSuccessors  # noqa: PLC0415

        d = dict(src_dict)
        state = d.pop("state")

        def _parse_since(data: object) -> datetime.date | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                since_type_0 = datetime.date.fromisoformat(data)

                return since_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.date | None, data)

        since = _parse_since(d.pop("since"))

        def _parse_eol(data: object) -> datetime.date | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                eol_type_0 = datetime.date.fromisoformat(data)

                return eol_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.date | None, data)

        eol = _parse_eol(d.pop("eol"))

        def _parse_successor(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        successor = _parse_successor(d.pop("successor"))

        successors = ModelLifecycleSuccessors.from_dict(d.pop("successors"))

        model_lifecycle = cls(
            state=state,
            since=since,
            eol=eol,
            successor=successor,
            successors=successors,
        )

        model_lifecycle.additional_properties = d
        return model_lifecycle

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
