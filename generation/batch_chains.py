"""Catalog rows that ask for scenes and ad formats of the SKU's photo (docs/batches.md, "Scenes
and ad formats per SKU"): a chain of jobs, each starting from the image of the one before.

A scene places a product cut-out, and a catalog's photo is a photo, so a row with `scenes`
becomes a cut-out of its photo (`remove_background`), a `scene` job per scene after it, and an
`outpaint` job per ad format after each scene; `formats` without scenes outpaint the photo
itself. Every job of the chain is checked, priced and held at intake with the rest of the
batch: a job after another is checked against a stand-in for its source of the size that job
will make (the price and the outpaint canvas depend on it), and is created `waiting`, without a
source, which it gets when the job before it delivers (generation/chains.py). Errors name the
row and the column: `scenes[1]`, `formats[0]`, `scene_model`, or the CSV header's spelling.
"""

from __future__ import annotations

from collections import ChainMap
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from assets.models import Asset
from catalog.scenes import SCENE_KEYS
from catalog.spec import catalog
from core.errors import AtelierError
from generation.batch_input import PACKSHOT_SEPARATOR, Row, column_for, row_error
from generation.refinements import AD_FORMATS, models_for

SCENES_MAX = 5  # scenes one row may name
SOURCE = "after:{step}"  # a chained step's stand-in source, never stored
# The step's operation -> the row field naming its model, and the dashboard action (the
# catalog's models for it, the first callable one the default).
STEP_MODELS = {"remove_background": "cutout_model", "scene": "scene_model",
               "outpaint": "format_model"}
# What a scene takes of its row (the cut-out and the ad formats take only the photo, the
# stage and the seed).
SCENE_FIELDS = ("prompt", "negative_prompt", "n", "seed", "size", "aspect_ratio", "quality",
                "style", "stage", "params")
FORMAT_FIELDS = ("seed", "stage")
# Row fields a chain does not take: the chain sets them, or no step would use them.
REFUSED = ("operation", "template", "slots", "mask", "mask_prompt")


@dataclass(frozen=True)
class Step:
    """One job of a row's chain: its fields as POST /jobs takes them, the step it starts from
    (an index into the row's steps; None: the row's photo), and the columns its errors are
    reported on (a field the step sets -> the row's column that asked for it)."""

    data: dict[str, Any]
    after: int | None
    moved: dict[str, str]

    def uploads(self, index: int, made: tuple[int, int], uploads: dict[str, Asset]
                ) -> Mapping[str, Asset]:
        """The batch's uploads plus this step's stand-in source: an approved image of the size
        the step before it makes (`made`), so that it is checked and priced as it will run."""
        stand_in = Asset(width=made[0], height=made[1], format="png",
                         moderation_status=Asset.Moderation.APPROVED)
        return ChainMap({SOURCE.format(step=index): stand_in}, uploads)


def steps(row: Row, columns: dict[str, str] | None, model: str
          ) -> tuple[list[Step], list[dict[str, Any]]]:
    """The row's chain (none unless it asks for scenes or formats), or its errors. `model`:
    the batch's, the scene's model when the row names none that makes scenes."""
    if not row.asks_chain:
        return [], []
    errors = _conflicts(row, columns)
    scenes, found = _listed(row, columns, "scenes", SCENE_KEYS, SCENES_MAX, "scene key")
    formats, more = _listed(row, columns, "formats", AD_FORMATS, len(AD_FORMATS), "ad format")
    models, chosen = _models(row, columns, model, need_scenes=bool(scenes))
    errors += found + more + chosen
    if errors:
        return [], errors
    data = row.data
    photo = {"images": data.get("images"), "template": None}
    made: list[Step] = []
    if scenes:
        made.append(Step({**photo, "model": models["remove_background"],
                          "operation": "remove_background"}, None,
                         _moved(row, columns, "remove_background", "scenes")))
    for index, scene in enumerate(scenes):
        where = _at(columns, "scenes", index)
        params = data.get("params", {})
        made.append(Step({**{k: data[k] for k in SCENE_FIELDS if k in data}, "template": None,
                          "model": models["scene"], "operation": "scene",
                          "images": [SOURCE.format(step=len(made))],
                          "params": {**params, "scene": scene} if isinstance(params, dict)
                          else params},
                         0, {**_moved(row, columns, "scene", where), "images": where,
                             "images[0]": where, "params.scene": where}))
    scene_steps: list[int | None] = [index for index, step in enumerate(made)
                                     if step.data["operation"] == "scene"]
    for after in scene_steps or [None]:
        for index, ratio in enumerate(formats):
            where = _at(columns, "formats", index)
            source = (photo["images"] if after is None
                      else [SOURCE.format(step=len(made))])
            moved = {**_moved(row, columns, "outpaint", where), "aspect_ratio": where,
                     "size": where}
            if after is not None:
                moved.update({"images": where, "images[0]": where})
            made.append(Step({**{k: data[k] for k in FORMAT_FIELDS if k in data},
                              "template": None, "model": models["outpaint"],
                              "operation": "outpaint", "images": source,
                              "aspect_ratio": ratio}, after, moved))
    return made, []


def nothing_to_extend(row: Row, step: Step, made: tuple[int, int],
                      source: tuple[int, int] | None) -> list[dict[str, Any]]:
    """An ad format the image already has: an outpaint that adds no pixel (Bedrock refuses
    one), an error on the format's column."""
    if step.data["operation"] != "outpaint" or made != source:
        return []
    where = step.moved["aspect_ratio"]
    return [row_error(row.number, where, f"{where}: the image is already "
                                         f"{step.data['aspect_ratio']} ({made[0]}x{made[1]}): "
                                         "there is nothing to extend", "nothing_to_extend")]


def at_step(errors: list[dict[str, Any]], step: Step, columns: dict[str, str] | None
            ) -> list[dict[str, Any]]:
    """A step's errors about what it set itself (its model, operation, source, scene or ad
    format) moved to the row's column that asked for it."""
    targets = {column_for(field, columns) or field: where for field, where in step.moved.items()}
    moved = []
    for error in errors:
        column = error["column"]
        where = targets.get(column) if isinstance(column, str) else None
        if where is not None and where != column:
            message = error["message"]
            if message.startswith(f"{column}:"):
                message = f"{where}:{message[len(column) + 1:]}"
            error = {**error, "column": where, "message": message}
        moved.append(error)
    return moved


def _at(columns: dict[str, str] | None, name: str, index: int) -> str:
    """Where a row names its index-th scene or format: `scenes[1]` in JSON, the column in CSV."""
    column = column_for(name, columns) or name
    return column if columns is not None else f"{column}[{index}]"


def _moved(row: Row, columns: dict[str, str] | None, operation: str, where: str
           ) -> dict[str, str]:
    """A step's model errors go on the column naming its model when the row names one, else
    on where the row asks for the step (the model was the default)."""
    field = STEP_MODELS[operation]
    column = (column_for(field, columns) or field) if row.chain.get(field) else where
    return {"model": column, "operation": column}


def _listed(row: Row, columns: dict[str, str] | None, name: str, allowed: tuple[str, ...],
            most: int, what: str) -> tuple[list[str], list[dict[str, Any]]]:
    """The row's scenes or formats: each one of `allowed`, named once, at most `most`."""
    given = row.chain.get(name)
    if given is None:
        return [], []
    column = column_for(name, columns) or name
    if not isinstance(given, list) or not given or len(given) > most:
        example = PACKSHOT_SEPARATOR.join(allowed[:2])
        shape = (f"1 to {most} {what}s separated by {PACKSHOT_SEPARATOR}, e.g. {example}"
                 if columns is not None else f"a list of 1 to {most} {what}s, e.g. "
                 f"{list(allowed[:2])}".replace("'", '"'))
        got = f" (got {len(given)})" if isinstance(given, list) and given else ""
        return [], [row_error(row.number, column, f"{column}: {shape}{got}")]
    keys: list[str] = []
    errors = []
    for index, key in enumerate(given):
        where = _at(columns, name, index)
        if not isinstance(key, str) or key not in allowed:
            shown = repr(key[:64]) if isinstance(key, str) else "this"
            errors.append(row_error(row.number, where, f"{where}: {shown} is not a {what}; one "
                                                       f"of {', '.join(allowed)}"))
        elif key in keys:
            errors.append(row_error(row.number, where, f"{where}: {key!r} is named twice"))
        else:
            keys.append(key)
    return keys, errors


def _models(row: Row, columns: dict[str, str] | None, batch_model: str, *, need_scenes: bool
            ) -> tuple[dict[str, str], list[dict[str, Any]]]:
    """Each step's model: the row's `cutout_model`, `scene_model`, `format_model`, else (a
    scene) the row's or the batch's model if it makes scenes, else the first callable model of
    the catalog offering the step."""
    models: dict[str, str] = {}
    errors = []
    for operation, field in STEP_MODELS.items():
        named = row.chain.get(field)
        column = column_for(field, columns) or field
        if named is not None and (not isinstance(named, str) or not named.strip()):
            errors.append(row_error(row.number, column, f"{column}: a model key"))
            continue
        if named:
            models[operation] = named.strip()
            continue
        fallback = row.data.get("model") or batch_model
        if operation == "scene" and isinstance(fallback, str) and _offers(fallback, "scene"):
            models[operation] = fallback
            continue
        choices = models_for(operation)
        needed = operation != "remove_background" or need_scenes
        if not choices and needed:
            errors.append(row_error(row.number, column, f"{column}: no model that can "
                                                        f"{operation.replace('_', ' ')} can be "
                                                        "called now", "model_unavailable"))
        models[operation] = choices[0] if choices else ""
    return models, errors


def _offers(key: str, operation: str) -> bool:
    try:
        return operation in catalog().get(key).operations
    except AtelierError:
        return False


def _conflicts(row: Row, columns: dict[str, str] | None) -> list[dict[str, Any]]:
    """What a chain row may not say (a packshot row's own checks say it for the packshots),
    and the photo it needs: one upload."""
    errors = []
    if row.packshots is None:
        for name in REFUSED:
            if row.data.get(name) not in (None, "", {}, []):
                column = column_for(name, columns) or name
                errors.append(row_error(row.number, column, f"{column}: a row with scenes or "
                                                            "formats takes none; leave it out"))
    images = row.data.get("images")
    if not isinstance(images, list) or len(images) != 1:
        column = column_for("images", columns) or "images"
        errors.append(row_error(row.number, column, f"{column}: a row with scenes or formats "
                                                    "needs the SKU's photo: one upload id "
                                                    "(POST /api/v1/uploads)"))
    return errors
