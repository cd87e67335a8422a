from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.price_unit_enum import PriceUnitEnum

if TYPE_CHECKING:
    from ..models.catalog_model_operations import CatalogModelOperations
    from ..models.catalog_model_params import CatalogModelParams
    from ..models.model_lifecycle import ModelLifecycle
    from ..models.model_limits import ModelLimits
    from ..models.model_price import ModelPrice


T = TypeVar("T", bound="CatalogModel")


@_attrs_define
class CatalogModel:
    """
    Attributes:
        key (str): what `model` takes, e.g. `nova-canvas`
        name (str):
        model_id (str): the provider's model id
        family (str):
        operations (CatalogModelOperations): by operation name
        regions (list[str]):
        lifecycle (ModelLifecycle):
        rate_limit_rpm (int | None):
        limits (ModelLimits):
        params (CatalogModelParams): `params` it takes, by name
        prices (list[ModelPrice]):
        price_unit (PriceUnitEnum): * `image` - image
            * `token` - token
        price_is_estimate (bool): true when the prices per image are estimates (a model billed per token): the charge
            follows them, but AWS's cost may differ
    """

    key: str
    name: str
    model_id: str
    family: str
    operations: CatalogModelOperations
    regions: list[str]
    lifecycle: ModelLifecycle
    rate_limit_rpm: int | None
    limits: ModelLimits
    params: CatalogModelParams
    prices: list[ModelPrice]
    price_unit: PriceUnitEnum
    price_is_estimate: bool
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        key = self.key

        name = self.name

        model_id = self.model_id

        family = self.family

        operations = self.operations.to_dict()

        regions = self.regions

        lifecycle = self.lifecycle.to_dict()

        rate_limit_rpm: int | None
        rate_limit_rpm = self.rate_limit_rpm

        limits = self.limits.to_dict()

        params = self.params.to_dict()

        prices = []
        for prices_item_data in self.prices:
            prices_item = prices_item_data.to_dict()
            prices.append(prices_item)

        price_unit = self.price_unit.value

        price_is_estimate = self.price_is_estimate

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "key": key,
                "name": name,
                "model_id": model_id,
                "family": family,
                "operations": operations,
                "regions": regions,
                "lifecycle": lifecycle,
                "rate_limit_rpm": rate_limit_rpm,
                "limits": limits,
                "params": params,
                "prices": prices,
                "price_unit": price_unit,
                "price_is_estimate": price_is_estimate,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.catalog_model_operations import CatalogModelOperations  # noqa: PLC0415
        from ..models.catalog_model_params import CatalogModelParams  # noqa: PLC0415
        from ..models.model_lifecycle import ModelLifecycle  # noqa: PLC0415
        from ..models.model_limits import ModelLimits  # noqa: PLC0415
        from ..models.model_price import ModelPrice  # noqa: PLC0415

        d = dict(src_dict)
        key = d.pop("key")

        name = d.pop("name")

        model_id = d.pop("model_id")

        family = d.pop("family")

        operations = CatalogModelOperations.from_dict(d.pop("operations"))

        regions = cast(list[str], d.pop("regions"))

        lifecycle = ModelLifecycle.from_dict(d.pop("lifecycle"))

        def _parse_rate_limit_rpm(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        rate_limit_rpm = _parse_rate_limit_rpm(d.pop("rate_limit_rpm"))

        limits = ModelLimits.from_dict(d.pop("limits"))

        params = CatalogModelParams.from_dict(d.pop("params"))

        prices = []
        _prices = d.pop("prices")
        for prices_item_data in _prices:
            prices_item = ModelPrice.from_dict(prices_item_data)

            prices.append(prices_item)

        price_unit = PriceUnitEnum(d.pop("price_unit"))

        price_is_estimate = d.pop("price_is_estimate")

        catalog_model = cls(
            key=key,
            name=name,
            model_id=model_id,
            family=family,
            operations=operations,
            regions=regions,
            lifecycle=lifecycle,
            rate_limit_rpm=rate_limit_rpm,
            limits=limits,
            params=params,
            prices=prices,
            price_unit=price_unit,
            price_is_estimate=price_is_estimate,
        )

        catalog_model.additional_properties = d
        return catalog_model

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
