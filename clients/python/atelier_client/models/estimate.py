from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.estimate_params import EstimateParams
    from ..models.quota import Quota


T = TypeVar("T", bound="Estimate")


@_attrs_define
class Estimate:
    """A dry run: what the job would make and cost, and the month's quota.

    Attributes:
        dry_run (bool): Always true: nothing was made.
        model (str):
        operation (str):
        n (int):
        size (str): "WIDTHxHEIGHT" of each image.
        params (EstimateParams): The parameters the model would be called with.
        estimated_cost_usd (str):
        price_is_estimate (bool): true when the model's price per image is Atelier's estimate (a model billed per token)
        quota (Quota):
    """

    dry_run: bool
    model: str
    operation: str
    n: int
    size: str
    params: EstimateParams
    estimated_cost_usd: str
    price_is_estimate: bool
    quota: Quota
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        dry_run = self.dry_run

        model = self.model

        operation = self.operation

        n = self.n

        size = self.size

        params = self.params.to_dict()

        estimated_cost_usd = self.estimated_cost_usd

        price_is_estimate = self.price_is_estimate

        quota = self.quota.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "dry_run": dry_run,
                "model": model,
                "operation": operation,
                "n": n,
                "size": size,
                "params": params,
                "estimated_cost_usd": estimated_cost_usd,
                "price_is_estimate": price_is_estimate,
                "quota": quota,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.estimate_params import EstimateParams  # noqa: PLC0415
        from ..models.quota import Quota  # noqa: PLC0415

        d = dict(src_dict)
        dry_run = d.pop("dry_run")

        model = d.pop("model")

        operation = d.pop("operation")

        n = d.pop("n")

        size = d.pop("size")

        params = EstimateParams.from_dict(d.pop("params"))

        estimated_cost_usd = d.pop("estimated_cost_usd")

        price_is_estimate = d.pop("price_is_estimate")

        quota = Quota.from_dict(d.pop("quota"))

        estimate = cls(
            dry_run=dry_run,
            model=model,
            operation=operation,
            n=n,
            size=size,
            params=params,
            estimated_cost_usd=estimated_cost_usd,
            price_is_estimate=price_is_estimate,
            quota=quota,
        )

        estimate.additional_properties = d
        return estimate

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
