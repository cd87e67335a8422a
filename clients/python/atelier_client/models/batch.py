from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.batch_source_enum import BatchSourceEnum
from ..models.batch_status_enum import BatchStatusEnum

if TYPE_CHECKING:
    from ..models.batch_compliance import BatchCompliance
    from ..models.batch_counts import BatchCounts


T = TypeVar("T", bound="Batch")


@_attrs_define
class Batch:
    """
    Attributes:
        id (UUID):
        name (str):
        status (BatchStatusEnum): * `queued` - queued
            * `running` - running
            * `completed` - completed
            * `canceled` - canceled
        source (BatchSourceEnum): * `json` - json
            * `csv` - csv
        template (None | UUID):
        items (int): rows
        jobs (int): jobs: one per row, or per packshot, scene or ad format of a row (and a scene row's cut-out)
        images (int): images asked for
        images_made (int): images made so far (not rejected)
        counts (BatchCounts): jobs per status (`waiting`: for the job whose image they start from)
        progress (float): finished jobs / jobs, 0 to 1
        compliance (BatchCompliance): Per preset the rows' packshots were made for (empty without packshots): how many
            SKUs pass its compliance check.
        estimated_cost_usd (str):
        created_at (datetime.datetime):
        completed_at (datetime.datetime | None):
    """

    id: UUID
    name: str
    status: BatchStatusEnum
    source: BatchSourceEnum
    template: None | UUID
    items: int
    jobs: int
    images: int
    images_made: int
    counts: BatchCounts
    progress: float
    compliance: BatchCompliance
    estimated_cost_usd: str
    created_at: datetime.datetime
    completed_at: datetime.datetime | None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = str(self.id)

        name = self.name

        status = self.status.value

        source = self.source.value

        template: None | str
        if isinstance(self.template, UUID):
            template = str(self.template)
        else:
            template = self.template

        items = self.items

        jobs = self.jobs

        images = self.images

        images_made = self.images_made

        counts = self.counts.to_dict()

        progress = self.progress

        compliance = self.compliance.to_dict()

        estimated_cost_usd = self.estimated_cost_usd

        created_at = self.created_at.isoformat()

        completed_at: None | str
        if isinstance(self.completed_at, datetime.datetime):
            completed_at = self.completed_at.isoformat()
        else:
            completed_at = self.completed_at

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "name": name,
                "status": status,
                "source": source,
                "template": template,
                "items": items,
                "jobs": jobs,
                "images": images,
                "images_made": images_made,
                "counts": counts,
                "progress": progress,
                "compliance": compliance,
                "estimated_cost_usd": estimated_cost_usd,
                "created_at": created_at,
                "completed_at": completed_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.batch_compliance import BatchCompliance  # noqa: PLC0415
        from ..models.batch_counts import BatchCounts  # noqa: PLC0415

        d = dict(src_dict)
        id = UUID(d.pop("id"))

        name = d.pop("name")

        status = BatchStatusEnum(d.pop("status"))

        source = BatchSourceEnum(d.pop("source"))

        def _parse_template(data: object) -> None | UUID:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                template_type_0 = UUID(data)

                return template_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | UUID, data)

        template = _parse_template(d.pop("template"))

        items = d.pop("items")

        jobs = d.pop("jobs")

        images = d.pop("images")

        images_made = d.pop("images_made")

        counts = BatchCounts.from_dict(d.pop("counts"))

        progress = d.pop("progress")

        compliance = BatchCompliance.from_dict(d.pop("compliance"))

        estimated_cost_usd = d.pop("estimated_cost_usd")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        def _parse_completed_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                completed_at_type_0 = datetime.datetime.fromisoformat(data)

                return completed_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        completed_at = _parse_completed_at(d.pop("completed_at"))

        batch = cls(
            id=id,
            name=name,
            status=status,
            source=source,
            template=template,
            items=items,
            jobs=jobs,
            images=images,
            images_made=images_made,
            counts=counts,
            progress=progress,
            compliance=compliance,
            estimated_cost_usd=estimated_cost_usd,
            created_at=created_at,
            completed_at=completed_at,
        )

        batch.additional_properties = d
        return batch

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
