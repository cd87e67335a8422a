from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.job_error import JobError


T = TypeVar("T", bound="BatchStep")


@_attrs_define
class BatchStep:
    """
    Attributes:
        job (UUID):
        operation (str): packshot, remove_background (the scenes' cut-out), scene or outpaint (an ad format)
        preset (None | str): a packshot's preset
        scene (None | str): a scene's key, or the scene an ad format extends
        format_ (None | str): an ad format's aspect ratio
        after (None | UUID): the job whose image it starts from; null: the row's photo
        status (str): the job's status (`waiting`: for `after`)
        error (JobError | None):
    """

    job: UUID
    operation: str
    preset: None | str
    scene: None | str
    format_: None | str
    after: None | UUID
    status: str
    error: JobError | None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.job_error import JobError  # noqa: PLC0415

        job = str(self.job)

        operation = self.operation

        preset: None | str
        preset = self.preset

        scene: None | str
        scene = self.scene

        format_: None | str
        format_ = self.format_

        after: None | str
        if isinstance(self.after, UUID):
            after = str(self.after)
        else:
            after = self.after

        status = self.status

        error: dict[str, Any] | None
        if isinstance(self.error, JobError):
            error = self.error.to_dict()
        else:
            error = self.error

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "job": job,
                "operation": operation,
                "preset": preset,
                "scene": scene,
                "format": format_,
                "after": after,
                "status": status,
                "error": error,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.job_error import JobError  # noqa: PLC0415

        d = dict(src_dict)
        job = UUID(d.pop("job"))

        operation = d.pop("operation")

        def _parse_preset(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        preset = _parse_preset(d.pop("preset"))

        def _parse_scene(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        scene = _parse_scene(d.pop("scene"))

        def _parse_format_(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        format_ = _parse_format_(d.pop("format"))

        def _parse_after(data: object) -> None | UUID:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                after_type_0 = UUID(data)

                return after_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | UUID, data)

        after = _parse_after(d.pop("after"))

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

        batch_step = cls(
            job=job,
            operation=operation,
            preset=preset,
            scene=scene,
            format_=format_,
            after=after,
            status=status,
            error=error,
        )

        batch_step.additional_properties = d
        return batch_step

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
