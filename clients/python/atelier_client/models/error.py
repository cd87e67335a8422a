from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.error_images_by_stage import ErrorImagesByStage
    from ..models.row_error import RowError


T = TypeVar("T", bound="Error")


@_attrs_define
class Error:
    """Every error answer: `code` and `message`, `field` when one field is at fault, and the
    details some errors add (each listed with the errors that add it).

        Attributes:
            code (str): Machine-readable, e.g. `invalid_parameter`, `quota_exceeded`, `not_found`.
            message (str): For people: names the field and the limit.
            field (str | Unset): The field or parameter at fault.
            missing (list[str] | Unset): A template's slots left empty (field `slots`).
            unknown (list[str] | Unset): Slots the template does not have.
            slots (list[str] | Unset): All of the template's slots.
            successor (None | str | Unset): `model_retired`: the model to use instead.
            images_left (int | Unset): `quota_exceeded`: images left this month.
            budget_left_usd (str | Unset): `budget_exceeded`: spend left this month, in USD.
            month (str | Unset): The quota's month, YYYY-MM.
            policy (str | Unset): `prompt_blocked`: the policy that refused it.
            reason (str | Unset): `prompt_blocked`: why, in a few words.
            stage (str | Unset): An empty archive: the stage asked for.
            images_by_stage (ErrorImagesByStage | Unset): An empty archive: the images there are, by stage.
            error_count (int | Unset): `invalid_batch`: how many errors in all.
            errors (list[RowError] | Unset): `invalid_batch`: the first 100 errors, in row order.
    """

    code: str
    message: str
    field: str | Unset = UNSET
    missing: list[str] | Unset = UNSET
    unknown: list[str] | Unset = UNSET
    slots: list[str] | Unset = UNSET
    successor: None | str | Unset = UNSET
    images_left: int | Unset = UNSET
    budget_left_usd: str | Unset = UNSET
    month: str | Unset = UNSET
    policy: str | Unset = UNSET
    reason: str | Unset = UNSET
    stage: str | Unset = UNSET
    images_by_stage: ErrorImagesByStage | Unset = UNSET
    error_count: int | Unset = UNSET
    errors: list[RowError] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        code = self.code

        message = self.message

        field = self.field

        missing: list[str] | Unset = UNSET
        if not isinstance(self.missing, Unset):
            missing = self.missing

        unknown: list[str] | Unset = UNSET
        if not isinstance(self.unknown, Unset):
            unknown = self.unknown

        slots: list[str] | Unset = UNSET
        if not isinstance(self.slots, Unset):
            slots = self.slots

        successor: None | str | Unset
        if isinstance(self.successor, Unset):
            successor = UNSET
        else:
            successor = self.successor

        images_left = self.images_left

        budget_left_usd = self.budget_left_usd

        month = self.month

        policy = self.policy

        reason = self.reason

        stage = self.stage

        images_by_stage: dict[str, Any] | Unset = UNSET
        if not isinstance(self.images_by_stage, Unset):
            images_by_stage = self.images_by_stage.to_dict()

        error_count = self.error_count

        errors: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.errors, Unset):
            errors = []
            for errors_item_data in self.errors:
                errors_item = errors_item_data.to_dict()
                errors.append(errors_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "code": code,
                "message": message,
            }
        )
        if field is not UNSET:
            field_dict["field"] = field
        if missing is not UNSET:
            field_dict["missing"] = missing
        if unknown is not UNSET:
            field_dict["unknown"] = unknown
        if slots is not UNSET:
            field_dict["slots"] = slots
        if successor is not UNSET:
            field_dict["successor"] = successor
        if images_left is not UNSET:
            field_dict["images_left"] = images_left
        if budget_left_usd is not UNSET:
            field_dict["budget_left_usd"] = budget_left_usd
        if month is not UNSET:
            field_dict["month"] = month
        if policy is not UNSET:
            field_dict["policy"] = policy
        if reason is not UNSET:
            field_dict["reason"] = reason
        if stage is not UNSET:
            field_dict["stage"] = stage
        if images_by_stage is not UNSET:
            field_dict["images_by_stage"] = images_by_stage
        if error_count is not UNSET:
            field_dict["error_count"] = error_count
        if errors is not UNSET:
            field_dict["errors"] = errors

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.error_images_by_stage import ErrorImagesByStage  # noqa: PLC0415
        from ..models.row_error import RowError  # noqa: PLC0415

        d = dict(src_dict)
        code = d.pop("code")

        message = d.pop("message")

        field = d.pop("field", UNSET)

        missing = cast(list[str], d.pop("missing", UNSET))

        unknown = cast(list[str], d.pop("unknown", UNSET))

        slots = cast(list[str], d.pop("slots", UNSET))

        def _parse_successor(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        successor = _parse_successor(d.pop("successor", UNSET))

        images_left = d.pop("images_left", UNSET)

        budget_left_usd = d.pop("budget_left_usd", UNSET)

        month = d.pop("month", UNSET)

        policy = d.pop("policy", UNSET)

        reason = d.pop("reason", UNSET)

        stage = d.pop("stage", UNSET)

        _images_by_stage = d.pop("images_by_stage", UNSET)
        images_by_stage: ErrorImagesByStage | Unset
        if isinstance(_images_by_stage, Unset):
            images_by_stage = UNSET
        else:
            images_by_stage = ErrorImagesByStage.from_dict(_images_by_stage)

        error_count = d.pop("error_count", UNSET)

        _errors = d.pop("errors", UNSET)
        errors: list[RowError] | Unset = UNSET
        if _errors is not UNSET:
            errors = []
            for errors_item_data in _errors:
                errors_item = RowError.from_dict(errors_item_data)

                errors.append(errors_item)

        error = cls(
            code=code,
            message=message,
            field=field,
            missing=missing,
            unknown=unknown,
            slots=slots,
            successor=successor,
            images_left=images_left,
            budget_left_usd=budget_left_usd,
            month=month,
            policy=policy,
            reason=reason,
            stage=stage,
            images_by_stage=images_by_stage,
            error_count=error_count,
            errors=errors,
        )

        error.additional_properties = d
        return error

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
