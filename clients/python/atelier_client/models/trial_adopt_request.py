from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="TrialAdoptRequest")


@_attrs_define
class TrialAdoptRequest:
    """A serializer mixin: a body field the serializer does not know is a 400 naming it,
    not silently ignored (a typo such as `negative_promt` must not pass unnoticed).

        Attributes:
            model (str): One of the trial's models.
            template (str): Your brand template's id.
    """

    model: str
    template: str

    def to_dict(self) -> dict[str, Any]:
        model = self.model

        template = self.template

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "model": model,
                "template": template,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        model = d.pop("model")

        template = d.pop("template")

        trial_adopt_request = cls(
            model=model,
            template=template,
        )

        return trial_adopt_request
