from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.job_error import JobError
    from ..models.trial_image import TrialImage


T = TypeVar("T", bound="TrialCell")


@_attrs_define
class TrialCell:
    """
    Attributes:
        row (int):
        column (int):
        model (str):
        job (UUID): The cell's job (`GET /jobs/{id}`).
        status (str): The job's status.
        image (None | TrialImage):
        latency_ms (int | None): The model's time: its first call's start to its last call's end.
        price_usd (str): The job's price, USD.
        charged_usd (str): Charged so far, USD (0 until delivered).
        favourite (bool):
        error (JobError | None):
    """

    row: int
    column: int
    model: str
    job: UUID
    status: str
    image: None | TrialImage
    latency_ms: int | None
    price_usd: str
    charged_usd: str
    favourite: bool
    error: JobError | None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.job_error import JobError  # noqa: PLC0415
        from ..models.trial_image import TrialImage  # noqa: PLC0415

        row = self.row

        column = self.column

        model = self.model

        job = str(self.job)

        status = self.status

        image: dict[str, Any] | None
        if isinstance(self.image, TrialImage):
            image = self.image.to_dict()
        else:
            image = self.image

        latency_ms: int | None
        latency_ms = self.latency_ms

        price_usd = self.price_usd

        charged_usd = self.charged_usd

        favourite = self.favourite

        error: dict[str, Any] | None
        if isinstance(self.error, JobError):
            error = self.error.to_dict()
        else:
            error = self.error

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "row": row,
                "column": column,
                "model": model,
                "job": job,
                "status": status,
                "image": image,
                "latency_ms": latency_ms,
                "price_usd": price_usd,
                "charged_usd": charged_usd,
                "favourite": favourite,
                "error": error,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.job_error import JobError  # noqa: PLC0415
        from ..models.trial_image import TrialImage  # noqa: PLC0415

        d = dict(src_dict)
        row = d.pop("row")

        column = d.pop("column")

        model = d.pop("model")

        job = UUID(d.pop("job"))

        status = d.pop("status")

        def _parse_image(data: object) -> None | TrialImage:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                image_type_0 = TrialImage.from_dict(data)

                return image_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | TrialImage, data)

        image = _parse_image(d.pop("image"))

        def _parse_latency_ms(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        latency_ms = _parse_latency_ms(d.pop("latency_ms"))

        price_usd = d.pop("price_usd")

        charged_usd = d.pop("charged_usd")

        favourite = d.pop("favourite")

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

        trial_cell = cls(
            row=row,
            column=column,
            model=model,
            job=job,
            status=status,
            image=image,
            latency_ms=latency_ms,
            price_usd=price_usd,
            charged_usd=charged_usd,
            favourite=favourite,
            error=error,
        )

        trial_cell.additional_properties = d
        return trial_cell

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
