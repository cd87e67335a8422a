from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.job_status_enum import JobStatusEnum

if TYPE_CHECKING:
    from ..models.asset import Asset
    from ..models.job_error import JobError
    from ..models.job_fallback import JobFallback
    from ..models.job_slots import JobSlots


T = TypeVar("T", bound="Job")


@_attrs_define
class Job:
    """A job: what was asked, its status and, once made, its images (`assets`).

    Attributes:
        id (UUID):
        status (JobStatusEnum): * `waiting` - Waiting
            * `queued` - Queued
            * `running` - Running
            * `succeeded` - Succeeded
            * `partially_succeeded` - Partially Succeeded
            * `failed` - Failed
            * `blocked` - Blocked
            * `canceled` - Canceled
        model (str):
        model_id (str):
        operation (str):
        prompt (str):
        negative_prompt (str):
        n (int):
        seed (int | None): the seed asked for, if any
        base_seed (int): image i uses base_seed + i (wrapping)
        size (str):
        width (int):
        height (int):
        quality (None | str):
        style (None | str):
        params (Any): model parameters with defaults filled
        stage (str):
        template (None | UUID):
        slots (JobSlots):
        batch (None | UUID):
        sku (str): the batch row's SKU
        after (None | UUID): the job whose first approved image is this one's source (a batch row's chain): this one
            waits until that one ends
        estimated_cost_usd (str):
        error (JobError | None):
        fallback (JobFallback | None): Set when the job runs on the fallback model its tenant or template named
            (`model`) instead of the one it asked for; null otherwise.
        withheld (Any): images a content filter withheld: index and reason
        attempts (int):
        created_at (datetime.datetime):
        started_at (datetime.datetime | None):
        finished_at (datetime.datetime | None):
        assets (list[Asset]):
    """

    id: UUID
    status: JobStatusEnum
    model: str
    model_id: str
    operation: str
    prompt: str
    negative_prompt: str
    n: int
    seed: int | None
    base_seed: int
    size: str
    width: int
    height: int
    quality: None | str
    style: None | str
    params: Any
    stage: str
    template: None | UUID
    slots: JobSlots
    batch: None | UUID
    sku: str
    after: None | UUID
    estimated_cost_usd: str
    error: JobError | None
    fallback: JobFallback | None
    withheld: Any
    attempts: int
    created_at: datetime.datetime
    started_at: datetime.datetime | None
    finished_at: datetime.datetime | None
    assets: list[Asset]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.job_error import JobError  # noqa: PLC0415
        from ..models.job_fallback import JobFallback  # noqa: PLC0415

        id = str(self.id)

        status = self.status.value

        model = self.model

        model_id = self.model_id

        operation = self.operation

        prompt = self.prompt

        negative_prompt = self.negative_prompt

        n = self.n

        seed: int | None
        seed = self.seed

        base_seed = self.base_seed

        size = self.size

        width = self.width

        height = self.height

        quality: None | str
        quality = self.quality

        style: None | str
        style = self.style

        params = self.params

        stage = self.stage

        template: None | str
        if isinstance(self.template, UUID):
            template = str(self.template)
        else:
            template = self.template

        slots = self.slots.to_dict()

        batch: None | str
        if isinstance(self.batch, UUID):
            batch = str(self.batch)
        else:
            batch = self.batch

        sku = self.sku

        after: None | str
        if isinstance(self.after, UUID):
            after = str(self.after)
        else:
            after = self.after

        estimated_cost_usd = self.estimated_cost_usd

        error: dict[str, Any] | None
        if isinstance(self.error, JobError):
            error = self.error.to_dict()
        else:
            error = self.error

        fallback: dict[str, Any] | None
        if isinstance(self.fallback, JobFallback):
            fallback = self.fallback.to_dict()
        else:
            fallback = self.fallback

        withheld = self.withheld

        attempts = self.attempts

        created_at = self.created_at.isoformat()

        started_at: None | str
        if isinstance(self.started_at, datetime.datetime):
            started_at = self.started_at.isoformat()
        else:
            started_at = self.started_at

        finished_at: None | str
        if isinstance(self.finished_at, datetime.datetime):
            finished_at = self.finished_at.isoformat()
        else:
            finished_at = self.finished_at

        assets = []
        for assets_item_data in self.assets:
            assets_item = assets_item_data.to_dict()
            assets.append(assets_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "status": status,
                "model": model,
                "model_id": model_id,
                "operation": operation,
                "prompt": prompt,
                "negative_prompt": negative_prompt,
                "n": n,
                "seed": seed,
                "base_seed": base_seed,
                "size": size,
                "width": width,
                "height": height,
                "quality": quality,
                "style": style,
                "params": params,
                "stage": stage,
                "template": template,
                "slots": slots,
                "batch": batch,
                "sku": sku,
                "after": after,
                "estimated_cost_usd": estimated_cost_usd,
                "error": error,
                "fallback": fallback,
                "withheld": withheld,
                "attempts": attempts,
                "created_at": created_at,
                "started_at": started_at,
                "finished_at": finished_at,
                "assets": assets,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.asset import Asset  # noqa: PLC0415
        from ..models.job_error import JobError  # noqa: PLC0415
        from ..models.job_fallback import JobFallback  # noqa: PLC0415
        from ..models.job_slots import JobSlots  # noqa: PLC0415

        d = dict(src_dict)
        id = UUID(d.pop("id"))

        status = JobStatusEnum(d.pop("status"))

        model = d.pop("model")

        model_id = d.pop("model_id")

        operation = d.pop("operation")

        prompt = d.pop("prompt")

        negative_prompt = d.pop("negative_prompt")

        n = d.pop("n")

        def _parse_seed(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        seed = _parse_seed(d.pop("seed"))

        base_seed = d.pop("base_seed")

        size = d.pop("size")

        width = d.pop("width")

        height = d.pop("height")

        def _parse_quality(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        quality = _parse_quality(d.pop("quality"))

        def _parse_style(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        style = _parse_style(d.pop("style"))

        params = d.pop("params")

        stage = d.pop("stage")

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

        slots = JobSlots.from_dict(d.pop("slots"))

        def _parse_batch(data: object) -> None | UUID:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                batch_type_0 = UUID(data)

                return batch_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | UUID, data)

        batch = _parse_batch(d.pop("batch"))

        sku = d.pop("sku")

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

        estimated_cost_usd = d.pop("estimated_cost_usd")

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

        def _parse_fallback(data: object) -> JobFallback | None:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                fallback_type_0 = JobFallback.from_dict(data)

                return fallback_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(JobFallback | None, data)

        fallback = _parse_fallback(d.pop("fallback"))

        withheld = d.pop("withheld")

        attempts = d.pop("attempts")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        def _parse_started_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                started_at_type_0 = datetime.datetime.fromisoformat(data)

                return started_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        started_at = _parse_started_at(d.pop("started_at"))

        def _parse_finished_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                finished_at_type_0 = datetime.datetime.fromisoformat(data)

                return finished_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        finished_at = _parse_finished_at(d.pop("finished_at"))

        assets = []
        _assets = d.pop("assets")
        for assets_item_data in _assets:
            assets_item = Asset.from_dict(assets_item_data)

            assets.append(assets_item)

        job = cls(
            id=id,
            status=status,
            model=model,
            model_id=model_id,
            operation=operation,
            prompt=prompt,
            negative_prompt=negative_prompt,
            n=n,
            seed=seed,
            base_seed=base_seed,
            size=size,
            width=width,
            height=height,
            quality=quality,
            style=style,
            params=params,
            stage=stage,
            template=template,
            slots=slots,
            batch=batch,
            sku=sku,
            after=after,
            estimated_cost_usd=estimated_cost_usd,
            error=error,
            fallback=fallback,
            withheld=withheld,
            attempts=attempts,
            created_at=created_at,
            started_at=started_at,
            finished_at=finished_at,
            assets=assets,
        )

        job.additional_properties = d
        return job

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
