from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.asset import Asset
    from ..models.batch_result_packshots_type_0 import BatchResultPackshotsType0
    from ..models.batch_step import BatchStep
    from ..models.job_error import JobError


T = TypeVar("T", bound="BatchResult")


@_attrs_define
class BatchResult:
    """
    Attributes:
        job (None | UUID): the row's job; null when the row made several (its packshots: see `packshots`)
        status (str): the job's status; for several, theirs when they agree, else running, partially_succeeded or failed
        error (JobError | None): why the job failed, if it did (the first, for several)
        packshots (BatchResultPackshotsType0 | None): a row of packshots: each by its preset's key; null for other rows
        steps (list[BatchStep] | None): a row that made several jobs (packshots, scenes, ad formats): each job and the
            job it starts from; null for a row of one job
        assets (list[Asset]): approved images only (a packshot's with its `compliance`)
    """

    job: None | UUID
    status: str
    error: JobError | None
    packshots: BatchResultPackshotsType0 | None
    steps: list[BatchStep] | None
    assets: list[Asset]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.batch_result_packshots_type_0 import BatchResultPackshotsType0  # noqa: PLC0415
        from ..models.job_error import JobError  # noqa: PLC0415

        job: None | str
        if isinstance(self.job, UUID):
            job = str(self.job)
        else:
            job = self.job

        status = self.status

        error: dict[str, Any] | None
        if isinstance(self.error, JobError):
            error = self.error.to_dict()
        else:
            error = self.error

        packshots: dict[str, Any] | None
        if isinstance(self.packshots, BatchResultPackshotsType0):
            packshots = self.packshots.to_dict()
        else:
            packshots = self.packshots

        steps: list[dict[str, Any]] | None
        if isinstance(self.steps, list):
            steps = []
            for steps_type_0_item_data in self.steps:
                steps_type_0_item = steps_type_0_item_data.to_dict()
                steps.append(steps_type_0_item)

        else:
            steps = self.steps

        assets = []
        for assets_item_data in self.assets:
            assets_item = assets_item_data.to_dict()
            assets.append(assets_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "job": job,
                "status": status,
                "error": error,
                "packshots": packshots,
                "steps": steps,
                "assets": assets,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.asset import Asset  # noqa: PLC0415
        from ..models.batch_result_packshots_type_0 import BatchResultPackshotsType0  # noqa: PLC0415
        from ..models.batch_step import BatchStep  # noqa: PLC0415
        from ..models.job_error import JobError  # noqa: PLC0415

        d = dict(src_dict)

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

        status = d.pop("status")

        def _parse_error(data: object) -> JobError | None:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                error_type_0 = JobError.from_dict(data)

                return error_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(JobError | None, data)

        error = _parse_error(d.pop("error"))

        def _parse_packshots(data: object) -> BatchResultPackshotsType0 | None:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                packshots_type_0 = BatchResultPackshotsType0.from_dict(data)

                return packshots_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(BatchResultPackshotsType0 | None, data)

        packshots = _parse_packshots(d.pop("packshots"))

        def _parse_steps(data: object) -> list[BatchStep] | None:
            if data is None:
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                steps_type_0 = []
                _steps_type_0 = data
                for steps_type_0_item_data in _steps_type_0:
                    steps_type_0_item = BatchStep.from_dict(steps_type_0_item_data)

                    steps_type_0.append(steps_type_0_item)

                return steps_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[BatchStep] | None, data)

        steps = _parse_steps(d.pop("steps"))

        assets = []
        _assets = d.pop("assets")
        for assets_item_data in _assets:
            assets_item = Asset.from_dict(assets_item_data)

            assets.append(assets_item)

        batch_result = cls(
            job=job,
            status=status,
            error=error,
            packshots=packshots,
            steps=steps,
            assets=assets,
        )

        batch_result.additional_properties = d
        return batch_result

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
