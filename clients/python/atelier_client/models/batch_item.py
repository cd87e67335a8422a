from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.batch_item_formats_enum import BatchItemFormatsEnum
from ..models.job_stage_enum import JobStageEnum
from ..models.scenes_enum import ScenesEnum
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.batch_item_params import BatchItemParams
    from ..models.batch_item_slots import BatchItemSlots


T = TypeVar("T", bound="BatchItem")


@_attrs_define
class BatchItem:
    """Types and shapes only; the model's own limits are checked by the service (catalog).

    Attributes:
        sku (str): The row's product id, unique in the batch; its results' key.
        model (str | Unset): A model key from `GET /api/v1/models`, e.g. `nova-canvas` (`local` makes placeholder images
            offline). Leave it out when the template names one.
        operation (str | Unset): One of: text_to_image, image_to_image, variation, inpaint, outpaint, remove_background,
            replace_background, color_guided, upscale, search_replace, search_recolor, erase, sketch_to_image,
            structure_to_image, style_guide, style_transfer, virtual_try_on, packshot, scene, conform, shadow. Default: the
            template's, else `text_to_image`.
        prompt (str | Unset): What to make. Leave it out when a template fills it from `slots`.
        negative_prompt (str | Unset): What to keep out of the image. Default: the template's, else none.
        n (int | Unset): How many images, 1 to the model's maximum. Default 1.
        seed (int | None | Unset): Repeatable results: image i uses seed + i. Default: a random seed (returned as
            `base_seed`).
        size (None | str | Unset): "WIDTHxHEIGHT", e.g. "1024x1024"; or give `aspect_ratio`, not both.
        aspect_ratio (None | str | Unset): e.g. "4:5"; the model picks the nearest size it makes.
        quality (None | str | Unset): A quality the model lists, e.g. `standard`.
        style (None | str | Unset): A style preset the model lists.
        images (list[str] | Unset): Source images: upload ids (`POST /api/v1/uploads`) or ids of earlier results.
        mask (None | str | Unset): A mask image's upload id (white: the area to change), for inpaint.
        mask_prompt (None | str | Unset): Or describe the area to change, for models that take a mask prompt.
        params (BatchItemParams | Unset): Parameters the model lists for the operation (`GET /api/v1/models`): its own
            (e.g. `cfg_scale`) and the operation's (`preset` and `shadow` for `packshot`; `light_angle`, `softness`,
            `opacity`, `distance`, `contact` for `shadow`).
        stage (JobStageEnum | Unset): * `draft` - draft
            * `final` - final
        template (None | str | Unset): A brand template's id or name: its prompt filled from `slots`, its fields used
            where this request leaves them out.
        slots (BatchItemSlots | Unset): Values for the template's `{slots}`.
        packshots (list[str] | Unset): Preset keys (`GET /api/v1/presets`): a `packshot` job for each, from the row's
            product photo (`images`), checked against its preset as it is stored. The row then names no operation, preset or
            template.
        scenes (list[ScenesEnum] | Unset): Scene keys (catalog/scenes.yaml): the row's photo (`images`) is cut out
            (`remove_background`), then a `scene` job per scene places the cut-out; each waits for the job before it. The
            row's prompt, size or aspect ratio, seed and scene params apply to the scenes.
        formats (list[BatchItemFormatsEnum] | Unset): Ad formats (aspect ratios): an `outpaint` job per format after
            each scene, or, without scenes, of the photo itself.
        cutout_model (str | Unset): The cut-out's model (default: the first callable of stability-remove-background,
            nova-2-omni, nova-canvas).
        scene_model (str | Unset): The scenes' model (default: the row's or batch's model if it makes scenes, else the
            first callable of stable-image-core, stable-image-ultra, sd3.5-large).
        format_model (str | Unset): The ad formats' model (default: the first callable of stability-outpaint, nova-
            canvas, titan-image-v2).
    """

    sku: str
    model: str | Unset = UNSET
    operation: str | Unset = UNSET
    prompt: str | Unset = UNSET
    negative_prompt: str | Unset = UNSET
    n: int | Unset = UNSET
    seed: int | None | Unset = UNSET
    size: None | str | Unset = UNSET
    aspect_ratio: None | str | Unset = UNSET
    quality: None | str | Unset = UNSET
    style: None | str | Unset = UNSET
    images: list[str] | Unset = UNSET
    mask: None | str | Unset = UNSET
    mask_prompt: None | str | Unset = UNSET
    params: BatchItemParams | Unset = UNSET
    stage: JobStageEnum | Unset = UNSET
    template: None | str | Unset = UNSET
    slots: BatchItemSlots | Unset = UNSET
    packshots: list[str] | Unset = UNSET
    scenes: list[ScenesEnum] | Unset = UNSET
    formats: list[BatchItemFormatsEnum] | Unset = UNSET
    cutout_model: str | Unset = UNSET
    scene_model: str | Unset = UNSET
    format_model: str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        sku = self.sku

        model = self.model

        operation = self.operation

        prompt = self.prompt

        negative_prompt = self.negative_prompt

        n = self.n

        seed: int | None | Unset
        if isinstance(self.seed, Unset):
            seed = UNSET
        else:
            seed = self.seed

        size: None | str | Unset
        if isinstance(self.size, Unset):
            size = UNSET
        else:
            size = self.size

        aspect_ratio: None | str | Unset
        if isinstance(self.aspect_ratio, Unset):
            aspect_ratio = UNSET
        else:
            aspect_ratio = self.aspect_ratio

        quality: None | str | Unset
        if isinstance(self.quality, Unset):
            quality = UNSET
        else:
            quality = self.quality

        style: None | str | Unset
        if isinstance(self.style, Unset):
            style = UNSET
        else:
            style = self.style

        images: list[str] | Unset = UNSET
        if not isinstance(self.images, Unset):
            images = self.images

        mask: None | str | Unset
        if isinstance(self.mask, Unset):
            mask = UNSET
        else:
            mask = self.mask

        mask_prompt: None | str | Unset
        if isinstance(self.mask_prompt, Unset):
            mask_prompt = UNSET
        else:
            mask_prompt = self.mask_prompt

        params: dict[str, Any] | Unset = UNSET
        if not isinstance(self.params, Unset):
            params = self.params.to_dict()

        stage: str | Unset = UNSET
        if not isinstance(self.stage, Unset):
            stage = self.stage.value

        template: None | str | Unset
        if isinstance(self.template, Unset):
            template = UNSET
        else:
            template = self.template

        slots: dict[str, Any] | Unset = UNSET
        if not isinstance(self.slots, Unset):
            slots = self.slots.to_dict()

        packshots: list[str] | Unset = UNSET
        if not isinstance(self.packshots, Unset):
            packshots = self.packshots

        scenes: list[str] | Unset = UNSET
        if not isinstance(self.scenes, Unset):
            scenes = []
            for scenes_item_data in self.scenes:
                scenes_item = scenes_item_data.value
                scenes.append(scenes_item)

        formats: list[str] | Unset = UNSET
        if not isinstance(self.formats, Unset):
            formats = []
            for formats_item_data in self.formats:
                formats_item = formats_item_data.value
                formats.append(formats_item)

        cutout_model = self.cutout_model

        scene_model = self.scene_model

        format_model = self.format_model

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "sku": sku,
            }
        )
        if model is not UNSET:
            field_dict["model"] = model
        if operation is not UNSET:
            field_dict["operation"] = operation
        if prompt is not UNSET:
            field_dict["prompt"] = prompt
        if negative_prompt is not UNSET:
            field_dict["negative_prompt"] = negative_prompt
        if n is not UNSET:
            field_dict["n"] = n
        if seed is not UNSET:
            field_dict["seed"] = seed
        if size is not UNSET:
            field_dict["size"] = size
        if aspect_ratio is not UNSET:
            field_dict["aspect_ratio"] = aspect_ratio
        if quality is not UNSET:
            field_dict["quality"] = quality
        if style is not UNSET:
            field_dict["style"] = style
        if images is not UNSET:
            field_dict["images"] = images
        if mask is not UNSET:
            field_dict["mask"] = mask
        if mask_prompt is not UNSET:
            field_dict["mask_prompt"] = mask_prompt
        if params is not UNSET:
            field_dict["params"] = params
        if stage is not UNSET:
            field_dict["stage"] = stage
        if template is not UNSET:
            field_dict["template"] = template
        if slots is not UNSET:
            field_dict["slots"] = slots
        if packshots is not UNSET:
            field_dict["packshots"] = packshots
        if scenes is not UNSET:
            field_dict["scenes"] = scenes
        if formats is not UNSET:
            field_dict["formats"] = formats
        if cutout_model is not UNSET:
            field_dict["cutout_model"] = cutout_model
        if scene_model is not UNSET:
            field_dict["scene_model"] = scene_model
        if format_model is not UNSET:
            field_dict["format_model"] = format_model

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.batch_item_params import BatchItemParams  # noqa: PLC0415
        from ..models.batch_item_slots import BatchItemSlots  # noqa: PLC0415

        d = dict(src_dict)
        sku = d.pop("sku")

        model = d.pop("model", UNSET)

        operation = d.pop("operation", UNSET)

        prompt = d.pop("prompt", UNSET)

        negative_prompt = d.pop("negative_prompt", UNSET)

        n = d.pop("n", UNSET)

        def _parse_seed(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        seed = _parse_seed(d.pop("seed", UNSET))

        def _parse_size(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        size = _parse_size(d.pop("size", UNSET))

        def _parse_aspect_ratio(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        aspect_ratio = _parse_aspect_ratio(d.pop("aspect_ratio", UNSET))

        def _parse_quality(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        quality = _parse_quality(d.pop("quality", UNSET))

        def _parse_style(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        style = _parse_style(d.pop("style", UNSET))

        images = cast(list[str], d.pop("images", UNSET))

        def _parse_mask(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        mask = _parse_mask(d.pop("mask", UNSET))

        def _parse_mask_prompt(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        mask_prompt = _parse_mask_prompt(d.pop("mask_prompt", UNSET))

        _params = d.pop("params", UNSET)
        params: BatchItemParams | Unset
        if isinstance(_params, Unset):
            params = UNSET
        else:
            params = BatchItemParams.from_dict(_params)

        _stage = d.pop("stage", UNSET)
        stage: JobStageEnum | Unset
        if isinstance(_stage, Unset):
            stage = UNSET
        else:
            stage = JobStageEnum(_stage)

        def _parse_template(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        template = _parse_template(d.pop("template", UNSET))

        _slots = d.pop("slots", UNSET)
        slots: BatchItemSlots | Unset
        if isinstance(_slots, Unset):
            slots = UNSET
        else:
            slots = BatchItemSlots.from_dict(_slots)

        packshots = cast(list[str], d.pop("packshots", UNSET))

        _scenes = d.pop("scenes", UNSET)
        scenes: list[ScenesEnum] | Unset = UNSET
        if _scenes is not UNSET:
            scenes = []
            for scenes_item_data in _scenes:
                scenes_item = ScenesEnum(scenes_item_data)

                scenes.append(scenes_item)

        _formats = d.pop("formats", UNSET)
        formats: list[BatchItemFormatsEnum] | Unset = UNSET
        if _formats is not UNSET:
            formats = []
            for formats_item_data in _formats:
                formats_item = BatchItemFormatsEnum(formats_item_data)

                formats.append(formats_item)

        cutout_model = d.pop("cutout_model", UNSET)

        scene_model = d.pop("scene_model", UNSET)

        format_model = d.pop("format_model", UNSET)

        batch_item = cls(
            sku=sku,
            model=model,
            operation=operation,
            prompt=prompt,
            negative_prompt=negative_prompt,
            n=n,
            seed=seed,
            size=size,
            aspect_ratio=aspect_ratio,
            quality=quality,
            style=style,
            images=images,
            mask=mask,
            mask_prompt=mask_prompt,
            params=params,
            stage=stage,
            template=template,
            slots=slots,
            packshots=packshots,
            scenes=scenes,
            formats=formats,
            cutout_model=cutout_model,
            scene_model=scene_model,
            format_model=format_model,
        )

        return batch_item
