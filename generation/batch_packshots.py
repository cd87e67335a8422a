"""Catalog rows that ask for packshots (docs/batches.md, "Packshots"): one row, one product
photo, one packshot job per preset the row names.

A row's `packshots` (a JSON list, or a CSV cell of keys separated by `|`) is checked here
before the row goes through the job rules: each key is a preset the tenant can name (read
once per batch), named once, and the row leaves to the packshots what they set (operation,
`params.preset`, no template: a packshot has no prompt). The row then becomes one job request
per preset, each checked exactly as `POST /jobs` checks a packshot, so each is priced, held and
charged as one cut-out call. Errors name the row and the column: `packshots[1]` in JSON, the
CSV header's spelling otherwise.

The row's photo is an upload id, or an `s3://` key in the tenant's connected bucket that batch
intake has already imported as an upload (generation.batch_input.import_bucket_sources).
"""

from __future__ import annotations

from typing import Any

from assets.presets import tenant_presets
from catalog.presets import Preset, builtin_presets
from generation.batch_input import PACKSHOT_SEPARATOR, Row, column_for, row_error
from tenants.models import Tenant

PACKSHOTS_MAX = 10  # presets one row may name
PRESET_FIELD = "params.preset"  # where a packshot job's preset is checked (compositions.resolve)


class Presets:
    """The presets a tenant can name, its own read only when a row names one that is not
    built in, and then once for the batch."""

    def __init__(self, tenant: Tenant) -> None:
        self.tenant = tenant
        self._own: dict[str, Preset] | None = None

    def find(self, key: str) -> Preset | None:
        builtin = builtin_presets()
        if key in builtin:
            return builtin[key]
        return self._tenants().get(key)

    def keys(self) -> list[str]:
        return [*builtin_presets(), *self._tenants()]

    def _tenants(self) -> dict[str, Preset]:
        if self._own is None:
            self._own = {preset.key: preset for preset in tenant_presets(self.tenant)}
        return self._own


def variants(row: Row, columns: dict[str, str] | None, presets: Presets
             ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The job fields the row makes (its own, or one set per packshot preset), or its
    errors."""
    if row.packshots is None:  # a row of scenes or formats is its chain alone (batch_chains)
        return ([] if row.asks_chain else [row.data]), []
    keys, errors = _keys(row, columns, presets)
    errors += _conflicts(row, columns)
    if errors:
        return [], errors
    params = row.data.get("params", {})
    if not isinstance(params, dict):  # the serializer says what is wrong with it
        return [{**row.data, "operation": "packshot", "template": None}], []
    return [{**row.data, "operation": "packshot", "template": None,
             "params": {**params, "preset": key}} for key in keys], []


def packshot_column(row: Row, columns: dict[str, str] | None, data: dict[str, Any]) -> str:
    """Where the row names the preset of its packshot `data` (one of variants()):
    `packshots[i]` in JSON, the CSV column otherwise."""
    column = column_for("packshots", columns) or "packshots"
    params = data.get("params")
    key = params.get("preset") if isinstance(params, dict) else None
    if columns is not None or not isinstance(row.packshots, list) or key not in row.packshots:
        return column
    return f"{column}[{row.packshots.index(key)}]"


def at_packshot(errors: list[dict[str, Any]], row: Row, columns: dict[str, str] | None,
                data: dict[str, Any]) -> list[dict[str, Any]]:
    """A packshot job's errors about its preset (`params.preset: ...`, e.g. a preset of the
    tenant's that Atelier cannot store) moved to where the row names that preset."""
    column = packshot_column(row, columns, data)
    moved = []
    for error in errors:
        message = error["message"]
        if message.startswith(f"{PRESET_FIELD}:"):
            error = {**error, "column": column,
                     "message": f"{column}:{message[len(PRESET_FIELD) + 1:]}"}
        moved.append(error)
    return moved


def _keys(row: Row, columns: dict[str, str] | None, presets: Presets
          ) -> tuple[list[str], list[dict[str, Any]]]:
    column = column_for("packshots", columns) or "packshots"
    given = row.packshots
    if not isinstance(given, list) or not given or len(given) > PACKSHOTS_MAX:
        shape = (f"1 to {PACKSHOTS_MAX} preset keys separated by {PACKSHOT_SEPARATOR}, e.g. "
                 f"amazon-main{PACKSHOT_SEPARATOR}shopify" if columns is not None
                 else f'a list of 1 to {PACKSHOTS_MAX} preset keys, e.g. ["amazon-main", '
                      '"shopify"]')
        got = f" (got {len(given)})" if isinstance(given, list) and given else ""
        return [], [row_error(row.number, column, f"{column}: {shape}{got}")]
    keys: list[str] = []
    errors = []
    for index, key in enumerate(given):
        where = column if columns is not None else f"{column}[{index}]"
        if not isinstance(key, str) or not key:
            errors.append(row_error(row.number, where, f"{where}: a preset's key (GET "
                                                       "/api/v1/presets lists them)"))
        elif key in keys:
            errors.append(row_error(row.number, where, f"{where}: {key[:64]!r} is named twice; "
                                                       "each preset makes one packshot"))
        elif presets.find(key) is None:
            errors.append(row_error(row.number, where, f"{where}: unknown preset {key[:64]!r}; "
                                                       f"one of {', '.join(presets.keys())}"))
        else:
            keys.append(key)
    return keys, errors


def _conflicts(row: Row, columns: dict[str, str] | None) -> list[dict[str, Any]]:
    """What a packshot row may not say itself: its packshots set it."""
    errors = []
    operation = row.data.get("operation")
    if operation not in (None, "packshot"):
        column = column_for("operation", columns) or "operation"
        errors.append(row_error(row.number, column, f"{column}: a row with packshots makes "
                                                    f"packshots; leave it out (got "
                                                    f"{str(operation)[:32]!r})"))
    params = row.data.get("params")
    if isinstance(params, dict) and "preset" in params:
        errors.append(row_error(row.number, PRESET_FIELD, f"{PRESET_FIELD}: give the presets in "
                                                          "packshots instead"))
    if row.data.get("template") is not None:
        errors.append(row_error(row.number, "template", "template: a row with packshots takes "
                                                        "no template (a packshot has no prompt)"))
    return errors

