from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.job_error import JobError


T = TypeVar("T", bound="BatchPackshotResult")


@_attrs_define
class BatchPackshotResult:
    """
    Attributes:
        job (UUID): the packshot's job
        status (str): the job's status
        error (JobError | None): why the job failed, if it did
        passed (bool | None): whether its approved image passes the preset's compliance check; null without one
        failed (list[str]): the rules it fails (the image's `compliance` has each rule's measure and fix)
    """

    job: UUID
    status: str
    error: JobError | None
    passed: bool | None
    failed: list[str]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.job_error import JobError  # noqa: PLC0415

        job = str(self.job)

        status = self.status

        error: dict[str, Any] | None
        if isinstance(self.error, JobError):
            error = self.error.to_dict()
        else:
            error = self.error

        passed: bool | None
        passed = self.passed

        failed = self.failed

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "job": job,
                "status": status,
                "error": error,
                "passed": passed,
                "failed": failed,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.job_error import JobError  # noqa: PLC0415

        d = dict(src_dict)
        job = UUID(d.pop("job"))

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

        def _parse_passed(data: object) -> bool | None:
            if data is None:
                return data
            return cast(bool | None, data)

        passed = _parse_passed(d.pop("passed"))

        failed = cast(list[str], d.pop("failed"))

        batch_packshot_result = cls(
            job=job,
            status=status,
            error=error,
            passed=passed,
            failed=failed,
        )

        batch_packshot_result.additional_properties = d
        return batch_packshot_result

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
