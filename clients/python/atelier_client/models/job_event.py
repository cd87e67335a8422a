from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.job_event_type import JobEventType

if TYPE_CHECKING:
    from ..models.job_event_data import JobEventData


T = TypeVar("T", bound="JobEvent")


@_attrs_define
class JobEvent:
    """
    Attributes:
        id (UUID): The message id, equal to the `webhook-id` header and the same on every retry: deduplicate on it.
        created (datetime.datetime): When the event happened.
        tenant (str): Your account's slug.
        type_ (JobEventType): The event type.

            * `job.succeeded` - job.succeeded
            * `job.failed` - job.failed
            * `job.blocked` - job.blocked
            * `job.fallback` - job.fallback
        data (JobEventData):
    """

    id: UUID
    created: datetime.datetime
    tenant: str
    type_: JobEventType
    data: JobEventData
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = str(self.id)

        created = self.created.isoformat()

        tenant = self.tenant

        type_ = self.type_.value

        data = self.data.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "created": created,
                "tenant": tenant,
                "type": type_,
                "data": data,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.job_event_data import JobEventData  # noqa: PLC0415

        d = dict(src_dict)
        id = UUID(d.pop("id"))

        created = datetime.datetime.fromisoformat(d.pop("created"))

        tenant = d.pop("tenant")

        type_ = JobEventType(d.pop("type"))

        data = JobEventData.from_dict(d.pop("data"))

        job_event = cls(
            id=id,
            created=created,
            tenant=tenant,
            type_=type_,
            data=data,
        )

        job_event.additional_properties = d
        return job_event

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
