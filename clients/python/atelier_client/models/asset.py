from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.asset_stage_enum import AssetStageEnum
from ..models.kind_enum import KindEnum
from ..models.moderation_status_enum import ModerationStatusEnum

if TYPE_CHECKING:
    from ..models.asset_compliance import AssetCompliance
    from ..models.rendition import Rendition


T = TypeVar("T", bound="Asset")


@_attrs_define
class Asset:
    """An image (made or uploaded). `url`, `thumbnail_url` and `renditions` are set once it is approved, and expire
    (`url_expires_at`): get the asset again for fresh ones.

        Attributes:
            id (UUID):
            kind (KindEnum): * `generated` - Generated
                * `upload` - Upload
            job (None | UUID):
            index (int | None): position within the job
            model (str):
            model_id (str):
            operation (str):
            seed (int | None): the seed actually used; null if the model has none
            width (int):
            height (int):
            format_ (str):
            bytes_ (int):
            sha256 (str):
            stage (AssetStageEnum): * `draft` - Draft
                * `final` - Final
            moderation_status (ModerationStatusEnum): * `approved` - Approved
                * `pending_review` - Pending Review
                * `rejected` - Rejected
            provenance (Any): watermark and content credentials applied
            parameters (Any): prompt, size, quality, style, params: all inputs
            compliance (AssetCompliance | None): An image made for a marketplace preset (a packshot): its compliance check
                against that preset, made as it was stored; null for other images.
            created_at (datetime.datetime):
            url (None | str): A time-limited download link; null until the image is approved.
            url_expires_at (datetime.datetime | None): When `url` and the rendition links expire.
            thumbnail_url (None | str):
            renditions (list[Rendition]):
    """

    id: UUID
    kind: KindEnum
    job: None | UUID
    index: int | None
    model: str
    model_id: str
    operation: str
    seed: int | None
    width: int
    height: int
    format_: str
    bytes_: int
    sha256: str
    stage: AssetStageEnum
    moderation_status: ModerationStatusEnum
    provenance: Any
    parameters: Any
    compliance: AssetCompliance | None
    created_at: datetime.datetime
    url: None | str
    url_expires_at: datetime.datetime | None
    thumbnail_url: None | str
    renditions: list[Rendition]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.asset_compliance import AssetCompliance  # noqa: PLC0415

        id = str(self.id)

        kind = self.kind.value

        job: None | str
        if isinstance(self.job, UUID):
            job = str(self.job)
        else:
            job = self.job

        index: int | None
        index = self.index

        model = self.model

        model_id = self.model_id

        operation = self.operation

        seed: int | None
        seed = self.seed

        width = self.width

        height = self.height

        format_ = self.format_

        bytes_ = self.bytes_

        sha256 = self.sha256

        stage = self.stage.value

        moderation_status = self.moderation_status.value

        provenance = self.provenance

        parameters = self.parameters

        compliance: dict[str, Any] | None
        if isinstance(self.compliance, AssetCompliance):
            compliance = self.compliance.to_dict()
        else:
            compliance = self.compliance

        created_at = self.created_at.isoformat()

        url: None | str
        url = self.url

        url_expires_at: None | str
        if isinstance(self.url_expires_at, datetime.datetime):
            url_expires_at = self.url_expires_at.isoformat()
        else:
            url_expires_at = self.url_expires_at

        thumbnail_url: None | str
        thumbnail_url = self.thumbnail_url

        renditions = []
        for renditions_item_data in self.renditions:
            renditions_item = renditions_item_data.to_dict()
            renditions.append(renditions_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "kind": kind,
                "job": job,
                "index": index,
                "model": model,
                "model_id": model_id,
                "operation": operation,
                "seed": seed,
                "width": width,
                "height": height,
                "format": format_,
                "bytes": bytes_,
                "sha256": sha256,
                "stage": stage,
                "moderation_status": moderation_status,
                "provenance": provenance,
                "parameters": parameters,
                "compliance": compliance,
                "created_at": created_at,
                "url": url,
                "url_expires_at": url_expires_at,
                "thumbnail_url": thumbnail_url,
                "renditions": renditions,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.asset_compliance import AssetCompliance  # noqa: PLC0415
        from ..models.rendition import Rendition  # noqa: PLC0415

        d = dict(src_dict)
        id = UUID(d.pop("id"))

        kind = KindEnum(d.pop("kind"))

        def _parse_job(data: object) -> None | UUID:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                job_type_0 = UUID(data)

                return job_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | UUID, data)

        job = _parse_job(d.pop("job"))

        def _parse_index(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        index = _parse_index(d.pop("index"))

        model = d.pop("model")

        model_id = d.pop("model_id")

        operation = d.pop("operation")

        def _parse_seed(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        seed = _parse_seed(d.pop("seed"))

        width = d.pop("width")

        height = d.pop("height")

        format_ = d.pop("format")

        bytes_ = d.pop("bytes")

        sha256 = d.pop("sha256")

        stage = AssetStageEnum(d.pop("stage"))

        moderation_status = ModerationStatusEnum(d.pop("moderation_status"))

        provenance = d.pop("provenance")

        parameters = d.pop("parameters")

        def _parse_compliance(data: object) -> AssetCompliance | None:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                compliance_type_0 = AssetCompliance.from_dict(data)

                return compliance_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(AssetCompliance | None, data)

        compliance = _parse_compliance(d.pop("compliance"))

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        def _parse_url(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        url = _parse_url(d.pop("url"))

        def _parse_url_expires_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                url_expires_at_type_0 = datetime.datetime.fromisoformat(data)

                return url_expires_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        url_expires_at = _parse_url_expires_at(d.pop("url_expires_at"))

        def _parse_thumbnail_url(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        thumbnail_url = _parse_thumbnail_url(d.pop("thumbnail_url"))

        renditions = []
        _renditions = d.pop("renditions")
        for renditions_item_data in _renditions:
            renditions_item = Rendition.from_dict(renditions_item_data)

            renditions.append(renditions_item)

        asset = cls(
            id=id,
            kind=kind,
            job=job,
            index=index,
            model=model,
            model_id=model_id,
            operation=operation,
            seed=seed,
            width=width,
            height=height,
            format_=format_,
            bytes_=bytes_,
            sha256=sha256,
            stage=stage,
            moderation_status=moderation_status,
            provenance=provenance,
            parameters=parameters,
            compliance=compliance,
            created_at=created_at,
            url=url,
            url_expires_at=url_expires_at,
            thumbnail_url=thumbnail_url,
            renditions=renditions,
        )

        asset.additional_properties = d
        return asset

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
