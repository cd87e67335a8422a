from __future__ import annotations

from collections.abc import Mapping
from io import BytesIO
from typing import Any, TypeVar

from attrs import define as _attrs_define

from .. import types
from ..types import UNSET, File, Unset

T = TypeVar("T", bound="BatchUpload")


@_attrs_define
class BatchUpload:
    """The multipart form (read with _options, as the JSON body).

    Attributes:
        file (File): The CSV, UTF-8, with a header row: sku, prompt, model, operation, seed, n, negative_prompt,
            aspect_ratio, size, image, quality, style, stage, packshots, scenes, formats, cutout_model, scene_model,
            format_model or the template's slot names.
        template (str | Unset): A brand template (id or name) for every row.
        model (str | Unset): The model of rows that name none.
        name (str | Unset): Default: the file's name.
    """

    file: File
    template: str | Unset = UNSET
    model: str | Unset = UNSET
    name: str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        file = self.file.to_tuple()

        template = self.template

        model = self.model

        name = self.name

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "file": file,
            }
        )
        if template is not UNSET:
            field_dict["template"] = template
        if model is not UNSET:
            field_dict["model"] = model
        if name is not UNSET:
            field_dict["name"] = name

        return field_dict

    def to_multipart(self) -> types.RequestFiles:
        files: types.RequestFiles = []

        files.append(("file", self.file.to_tuple()))

        if not isinstance(self.template, Unset):
            files.append(("template", (None, str(self.template).encode(), "text/plain")))

        if not isinstance(self.model, Unset):
            files.append(("model", (None, str(self.model).encode(), "text/plain")))

        if not isinstance(self.name, Unset):
            files.append(("name", (None, str(self.name).encode(), "text/plain")))

        return files

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        file = File(payload=BytesIO(d.pop("file")))

        template = d.pop("template", UNSET)

        model = d.pop("model", UNSET)

        name = d.pop("name", UNSET)

        batch_upload = cls(
            file=file,
            template=template,
            model=model,
            name=name,
        )

        return batch_upload
