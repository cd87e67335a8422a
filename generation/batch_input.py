"""Reading a batch: a JSON `items` list or a CSV file into numbered rows of job fields.

Rows are numbered as a person counts them. In a CSV the header is row 1 and the first data
row is row 2; blank lines count (as in a spreadsheet) and a quoted cell spanning several
lines stays one row. In a JSON `items` list the first item is row 1. Every error names its
row and its column: the CSV header's own spelling, or the JSON field path.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings

from assets.tenant_bucket import Refused, import_objects, is_s3_uri
from core.errors import AtelierError, InvalidParameter, InvalidRequest
from generation.models import BrandTemplate
from generation.request_serializer import JobRequestSerializer
from generation.templates import slot_names
from tenants.models import Tenant

ERRORS_SHOWN = 100
# CSV column (case-insensitive) -> the job field it fills; `image` is one upload id, and
# `packshots` the row's presets, separated by PACKSHOT_SEPARATOR (generation.batch_packshots);
# `scenes` and `formats` are lists separated alike, and they and the step models make the row's
# chain (generation.batch_chains).
CSV_COLUMNS = {"sku": "sku", "prompt": "prompt", "model": "model", "operation": "operation",
               "seed": "seed", "n": "n", "negative_prompt": "negative_prompt",
               "aspect_ratio": "aspect_ratio", "size": "size", "image": "images",
               "quality": "quality", "style": "style", "stage": "stage",
               "packshots": "packshots", "scenes": "scenes", "formats": "formats",
               "cutout_model": "cutout_model", "scene_model": "scene_model",
               "format_model": "format_model"}
PACKSHOT_SEPARATOR = "|"
CHAIN_FIELDS = ("scenes", "formats", "cutout_model", "scene_model", "format_model")
LISTS = ("packshots", "scenes", "formats")  # CSV cells split on PACKSHOT_SEPARATOR
_CSV_NAMES = {field: column for column, field in CSV_COLUMNS.items()}
ROW_FIELDS = frozenset({"sku", "packshots", *CHAIN_FIELDS})  # a row's own, not a job's
ITEM_FIELDS = frozenset({*JobRequestSerializer().fields, *ROW_FIELDS} - {"dry_run"})


class InvalidBatch(InvalidRequest):
    """Some rows are wrong: `errors` lists them (the first 100) and nothing was created."""

    code = "invalid_batch"


@dataclass
class Row:
    number: int
    sku: Any
    data: dict[str, Any]  # job fields as the job API takes them (JobRequestSerializer)
    packshots: Any = None  # the presets to make packshots for, as given (None: not a packshot row)
    chain: dict[str, Any] = field(default_factory=dict)  # CHAIN_FIELDS as given

    @property
    def asks_chain(self) -> bool:
        """The row asks for scenes or ad formats of its photo (generation.batch_chains)."""
        return self.chain.get("scenes") is not None or self.chain.get("formats") is not None


@dataclass
class Parsed:
    rows: list[Row]
    errors: list[dict[str, Any]]
    columns: dict[str, str] | None  # CSV: job field -> header name; None for JSON


def row_error(row: int, column: str | None, message: str, code: str = "invalid_parameter",
              **extra: Any) -> dict[str, Any]:
    return {"row": row, "column": column, "code": code, "message": message, **extra}


def invalid(errors: list[dict[str, Any]]) -> InvalidBatch:
    """The batch refused: every error, in row order, the first ERRORS_SHOWN of them shown."""
    errors = sorted(errors, key=lambda error: error["row"])
    rows = len({error["row"] for error in errors})
    return InvalidBatch(
        f"batch: {len(errors)} error(s) in {rows} row(s); nothing was created, reserved or "
        "queued", extra={"error_count": len(errors), "errors": errors[:ERRORS_SHOWN]})


def column_for(field: str | None, columns: dict[str, str] | None) -> str | None:
    """Where a job field came from: its CSV column (the one to add when the header has none;
    None for what no column can give) or, for JSON, the field path itself."""
    if field is None or columns is None:
        return field
    root, _, rest = field.partition(".")
    if root == "slots":
        return rest or None  # a slot's column is the slot's name
    root = root.split("[")[0]
    return columns.get(root) or _CSV_NAMES.get(root)  # the header's spelling, or the column


def errors_from(number: int, exc: AtelierError, columns: dict[str, str] | None
                ) -> list[dict[str, Any]]:
    """A service error as the row's errors; a template's missing slots one error each."""
    missing, unknown = exc.extra.get("missing") or [], exc.extra.get("unknown") or []
    if exc.field == "slots" and (missing or unknown):
        found = [(name, "required by the template: empty here and no default")
                 for name in missing] + [(name, "not a slot of the template") for name in unknown]
        return [row_error(number, column_for(f"slots.{name}", columns) or f"slots.{name}",
                          f"{column_for(f'slots.{name}', columns) or f'slots.{name}'}: {problem}",
                          exc.code) for name, problem in found]
    column, message = column_for(exc.field, columns), exc.message
    if column and exc.field and column != exc.field and message.startswith(f"{exc.field}:"):
        message = f"{column}:{message[len(exc.field) + 1:]}"
    return [row_error(number, column, message, exc.code)]


def serializer_errors(number: int, detail: Any, columns: dict[str, str] | None,
                      path: str = "") -> list[dict[str, Any]]:
    """DRF's nested validation detail flattened to one error per message."""
    if isinstance(detail, dict):
        return [error for key, value in detail.items()
                for error in serializer_errors(number, value, columns, _join(path, key))]
    if isinstance(detail, list):
        return [error for item in detail
                for error in serializer_errors(number, item, columns, path)]
    column = column_for(path or None, columns) or path or None
    return [row_error(number, column, f"{column}: {detail}" if column else str(detail))]


def import_bucket_sources(tenant: Tenant, rows: list[Row], columns: dict[str, str] | None
                          ) -> dict[int, list[dict[str, Any]]]:
    """Photos the rows name as `s3://` keys in the tenant's connected bucket (`images[i]`,
    `mask`) imported as its uploads (assets.tenant_bucket, each object read once) and the
    rows given the upload ids, so they go on as rows naming uploads. The errors of the rows
    whose photos could not be imported, by row number, each naming its column."""
    named = [(row, field, ref) for row in rows for field, ref in _sources(row) if is_s3_uri(ref)]
    if not named:
        return {}
    outcomes = import_objects(tenant, (ref for _, _, ref in named))
    errors: dict[int, list[dict[str, Any]]] = {}
    for row, where, ref in named:
        outcome = outcomes[ref]
        if isinstance(outcome, Refused):
            column = column_for(where, columns) or where
            errors.setdefault(row.number, []).append(
                row_error(row.number, column, f"{column}: {outcome.message}", outcome.code))
        elif where == "mask":
            row.data["mask"] = str(outcome.pk)
        else:
            index = int(where[len("images["):-1])
            row.data["images"] = [str(outcome.pk) if at == index else image
                                  for at, image in enumerate(row.data["images"])]
    return errors


def _sources(row: Row) -> list[tuple[str, Any]]:
    """The row's source images as (field, reference)."""
    images = row.data.get("images")
    return [*((f"images[{i}]", ref) for i, ref in enumerate(
        images if isinstance(images, list) else [])), ("mask", row.data.get("mask"))]


def _join(path: str, key: Any) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else str(key)


def _too_many(first_extra_row: int, rows: int) -> InvalidBatch:
    limit = settings.ATELIER_BATCH_MAX_ROWS
    return invalid([row_error(first_extra_row, None, f"at most {limit} rows in a batch (this "
                              f"one has {rows}); split it", "too_many_rows")])


def parse_items(items: Any) -> Parsed:
    """A JSON list of objects: the job fields of POST /jobs plus `sku`."""
    limit = settings.ATELIER_BATCH_MAX_ROWS
    if not isinstance(items, list) or not items:
        raise InvalidParameter(f"items: a list of 1 to {limit} objects (the rows)", field="items")
    if len(items) > limit:
        raise _too_many(limit + 1, len(items))
    rows, errors = [], []
    for number, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            errors.append(row_error(number, None, "expected an object: the job's fields and "
                                                  "its sku"))
            continue
        errors += [row_error(number, key, f"{key}: unknown field") for key in
                   sorted(set(item) - ITEM_FIELDS, key=str)]
        data = {k: v for k, v in item.items() if k in ITEM_FIELDS - ROW_FIELDS}
        rows.append(Row(number=number, sku=item.get("sku"), data=data,
                        packshots=item.get("packshots"),
                        chain={k: item[k] for k in CHAIN_FIELDS if k in item}))
    return Parsed(rows=rows, errors=errors, columns=None)


def csv_hint() -> str:
    """What a 413 of a batch request adds to its message: the CSV's own limit."""
    return f"a CSV may be at most {settings.ATELIER_BATCH_MAX_BYTES} bytes; split the batch"


def csv_too_large() -> InvalidParameter:
    """The refusal of a CSV over ATELIER_BATCH_MAX_BYTES (also given by Content-Length,
    before the body is read)."""
    return InvalidParameter(f"file: at most {settings.ATELIER_BATCH_MAX_BYTES} bytes per CSV "
                            "(this one is larger); split the batch", field="file")


def _decode(data: bytes) -> str:
    if len(data) > settings.ATELIER_BATCH_MAX_BYTES:
        raise csv_too_large()
    if b"\x00" in data:  # no text column can store it; a binary file misnamed .csv
        offset = data.index(b"\x00")
        raise invalid([row_error(data[:offset].count(b"\n") + 1, None,
                                 f"a NUL character at offset {offset}: not a text CSV; save "
                                 "the file as CSV UTF-8", "invalid_encoding")])
    try:
        return data.decode("utf-8-sig")  # a BOM (Excel's "CSV UTF-8") is dropped
    except UnicodeDecodeError as exc:
        row = data[:exc.start].count(b"\n") + 1
        raise invalid([row_error(row, None, f"not UTF-8 (byte 0x{data[exc.start]:02x} at "
                                            f"offset {exc.start}); save the file as CSV UTF-8",
                                 "invalid_encoding")]) from None


def _header(header: list[str], template: BrandTemplate | None
            ) -> tuple[list[tuple[str, str]], dict[str, str]]:
    """Each column's (kind, target): ("field", job field), ("slot", name) or ("blank", "")."""
    slots = slot_names(template.prompt) if template else []
    targets: list[tuple[str, str]] = []
    columns: dict[str, str] = {}
    errors = []
    for label in (cell.strip() for cell in header):
        if label.lower() in CSV_COLUMNS:
            target = ("field", CSV_COLUMNS[label.lower()])
        elif label in slots:
            target = ("slot", label)
        elif not label:
            target = ("blank", "")
        else:
            known = ", ".join(CSV_COLUMNS)
            also = (f" and the template's slots {', '.join(slots)}" if slots
                    else "; slot columns need a template")
            errors.append(row_error(1, label, f"{label}: unknown column; columns are {known}"
                                              f"{also}", "unknown_column"))
            target = ("blank", "")
        if target[0] != "blank" and target in targets:
            errors.append(row_error(1, label, f"{label}: the column appears twice",
                                    "duplicate_column"))
        targets.append(target)
        if target[0] == "field":
            columns.setdefault(target[1], label)
    if "sku" not in columns:
        errors.append(row_error(1, "sku", "sku: required column (each row's product id)",
                                "missing_column"))
    if errors:
        raise invalid(errors)
    return targets, columns


def parse_csv(data: bytes, template: BrandTemplate | None) -> Parsed:
    """A CSV with a header row: `sku`, then `prompt` or the template's slots, then options.
    Empty cells are "not given"; cells are trimmed."""
    reader = csv.reader(io.StringIO(_decode(data), newline=""))
    number = 1
    try:
        header = next(reader, None)
        if not header or not any(cell.strip() for cell in header):
            raise invalid([row_error(1, None, "a header row is required: sku, then prompt or "
                                              "the template's slots, then options",
                                     "missing_header")])
        targets, columns = _header(header, template)
        rows: list[Row] = []
        errors: list[dict[str, Any]] = []
        limit = settings.ATELIER_BATCH_MAX_ROWS
        for number, record in enumerate(reader, start=2):
            if not any(cell.strip() for cell in record):
                continue
            if len(rows) == limit:
                return _count_rest(reader, rows, number)
            row, problems = _row(number, record, targets)
            rows.append(row)
            errors += problems
    except csv.Error as exc:
        raise invalid([row_error(number + 1, None, f"not valid CSV: {exc}",
                                 "invalid_csv")]) from None
    if not rows:
        raise invalid([row_error(2, None, "no rows after the header; a batch needs at least "
                                          "one", "no_rows")])
    return Parsed(rows=rows, errors=errors, columns=columns)


def _count_rest(reader: Any, rows: list[Row], first_extra: int) -> Parsed:
    total = len(rows) + 1 + sum(1 for record in reader if any(c.strip() for c in record))
    raise _too_many(first_extra, total)


def _row(number: int, record: list[str], targets: list[tuple[str, str]]
         ) -> tuple[Row, list[dict[str, Any]]]:
    data: dict[str, Any] = {}
    sku: str | None = None
    lists: dict[str, list[str]] = {}
    chain: dict[str, Any] = {}
    errors = []
    if len(record) > len(targets):
        extra = [c for c in record[len(targets):] if c.strip()]
        if extra:
            errors.append(row_error(number, None, f"{len(record)} cells but the header names "
                                                  f"{len(targets)} columns"))
    for (kind, target), cell in zip(targets, record, strict=False):
        value = cell.strip()
        if not value:
            continue
        if kind == "blank":
            errors.append(row_error(number, None, f"a value ({value[:40]!r}) under a column "
                                                  "with no name in the header"))
        elif kind == "slot":
            data.setdefault("slots", {})[target] = value
        elif target == "sku":
            sku = value
        elif target == "images":
            data["images"] = [value]
        elif target in LISTS:
            lists[target] = [part.strip() for part in value.split(PACKSHOT_SEPARATOR)]
        elif target in CHAIN_FIELDS:
            chain[target] = value
        else:
            data[target] = value
    chain.update((name, found) for name, found in lists.items() if name != "packshots")
    return Row(number=number, sku=sku, data=data, packshots=lists.get("packshots"),
               chain=chain), errors
