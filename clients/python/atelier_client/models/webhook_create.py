from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="WebhookCreate")


@_attrs_define
class WebhookCreate:
    """Types only; the URL rule (https, public addresses) and the event names are the
    service's.

        Attributes:
            url (str): The https URL that receives the POSTs (a public address).
            events (list[str]): any of: job.succeeded, job.failed, job.blocked, job.fallback, batch.completed,
                asset.approved, asset.rejected
            description (str | Unset): For you, e.g. `order system`. Default: ''.
    """

    url: str
    events: list[str]
    description: str | Unset = ""

    def to_dict(self) -> dict[str, Any]:
        url = self.url

        events = self.events

        description = self.description

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "url": url,
                "events": events,
            }
        )
        if description is not UNSET:
            field_dict["description"] = description

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        url = d.pop("url")

        events = cast(list[str], d.pop("events"))

        description = d.pop("description", UNSET)

        webhook_create = cls(
            url=url,
            events=events,
            description=description,
        )

        return webhook_create
