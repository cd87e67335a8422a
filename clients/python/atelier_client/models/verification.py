from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.evidence_enum import EvidenceEnum
from ..models.verdict_enum import VerdictEnum

if TYPE_CHECKING:
    from ..models.change import Change
    from ..models.credentials import Credentials
    from ..models.model import Model
    from ..models.publisher import Publisher
    from ..models.watermark import Watermark


T = TypeVar("T", bound="Verification")


@_attrs_define
class Verification:
    """
    Attributes:
        made_by_atelier (bool):
        verdict (VerdictEnum): * `unaltered` - unaltered
            * `edited_since` - edited_since
            * `not_recognized` - not_recognized
        evidence (list[EvidenceEnum]):
        asset_id (None | str):
        created_at (datetime.datetime | None):
        model (Model | None):
        operation (None | str):
        edited_since (bool | None): null when Atelier did not make it
        changes (list[Change]):
        publisher (None | Publisher): only if the tenant allows it
        watermark (Watermark):
        content_credentials (Credentials):
        format_ (str):
        summary (list[str]): the answer in words
    """

    made_by_atelier: bool
    verdict: VerdictEnum
    evidence: list[EvidenceEnum]
    asset_id: None | str
    created_at: datetime.datetime | None
    model: Model | None
    operation: None | str
    edited_since: bool | None
    changes: list[Change]
    publisher: None | Publisher
    watermark: Watermark
    content_credentials: Credentials
    format_: str
    summary: list[str]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.model import Model  # noqa: PLC0415
        from ..models.publisher import Publisher  # noqa: PLC0415

        made_by_atelier = self.made_by_atelier

        verdict = self.verdict.value

        evidence = []
        for evidence_item_data in self.evidence:
            evidence_item = evidence_item_data.value
            evidence.append(evidence_item)

        asset_id: None | str
        asset_id = self.asset_id

        created_at: None | str
        if isinstance(self.created_at, datetime.datetime):
            created_at = self.created_at.isoformat()
        else:
            created_at = self.created_at

        model: dict[str, Any] | None
        if isinstance(self.model, Model):
            model = self.model.to_dict()
        else:
            model = self.model

        operation: None | str
        operation = self.operation

        edited_since: bool | None
        edited_since = self.edited_since

        changes = []
        for changes_item_data in self.changes:
            changes_item = changes_item_data.to_dict()
            changes.append(changes_item)

        publisher: dict[str, Any] | None
        if isinstance(self.publisher, Publisher):
            publisher = self.publisher.to_dict()
        else:
            publisher = self.publisher

        watermark = self.watermark.to_dict()

        content_credentials = self.content_credentials.to_dict()

        format_ = self.format_

        summary = self.summary

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "made_by_atelier": made_by_atelier,
                "verdict": verdict,
                "evidence": evidence,
                "asset_id": asset_id,
                "created_at": created_at,
                "model": model,
                "operation": operation,
                "edited_since": edited_since,
                "changes": changes,
                "publisher": publisher,
                "watermark": watermark,
                "content_credentials": content_credentials,
                "format": format_,
                "summary": summary,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.change import Change  # noqa: PLC0415
        from ..models.credentials import Credentials  # noqa: PLC0415
        from ..models.model import Model  # noqa: PLC0415
        from ..models.publisher import Publisher  # noqa: PLC0415
        from ..models.watermark import Watermark  # noqa: PLC0415

        d = dict(src_dict)
        made_by_atelier = d.pop("made_by_atelier")

        verdict = VerdictEnum(d.pop("verdict"))

        evidence = []
        _evidence = d.pop("evidence")
        for evidence_item_data in _evidence:
            evidence_item = EvidenceEnum(evidence_item_data)

            evidence.append(evidence_item)

        def _parse_asset_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        asset_id = _parse_asset_id(d.pop("asset_id"))

        def _parse_created_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                created_at_type_0 = datetime.datetime.fromisoformat(data)

                return created_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        created_at = _parse_created_at(d.pop("created_at"))

        def _parse_model(data: object) -> Model | None:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                model_type_0 = Model.from_dict(data)

                return model_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(Model | None, data)

        model = _parse_model(d.pop("model"))

        def _parse_operation(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        operation = _parse_operation(d.pop("operation"))

        def _parse_edited_since(data: object) -> bool | None:
            if data is None:
                return data
            return cast(bool | None, data)

        edited_since = _parse_edited_since(d.pop("edited_since"))

        changes = []
        _changes = d.pop("changes")
        for changes_item_data in _changes:
            changes_item = Change.from_dict(changes_item_data)

            changes.append(changes_item)

        def _parse_publisher(data: object) -> None | Publisher:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                publisher_type_0 = Publisher.from_dict(data)

                return publisher_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Publisher, data)

        publisher = _parse_publisher(d.pop("publisher"))

        watermark = Watermark.from_dict(d.pop("watermark"))

        content_credentials = Credentials.from_dict(d.pop("content_credentials"))

        format_ = d.pop("format")

        summary = cast(list[str], d.pop("summary"))

        verification = cls(
            made_by_atelier=made_by_atelier,
            verdict=verdict,
            evidence=evidence,
            asset_id=asset_id,
            created_at=created_at,
            model=model,
            operation=operation,
            edited_since=edited_since,
            changes=changes,
            publisher=publisher,
            watermark=watermark,
            content_credentials=content_credentials,
            format_=format_,
            summary=summary,
        )

        verification.additional_properties = d
        return verification

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
