"""The API's JSON parser: DRF's, with the limits a public API needs.

DRF's own parser turns a body nested thousands of levels deep into a RecursionError (a 500),
reads 1e309 as infinity (which no JSON answer or PostgreSQL jsonb can hold) and silently keeps
the last of two equal keys. This one refuses both with a 400
`invalid_json` naming the problem. The body's byte cap is Django's
DATA_UPLOAD_MAX_MEMORY_SIZE (a 413, see api.base).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rest_framework import parsers
from rest_framework.exceptions import ParseError
from rest_framework.utils import json

MAX_DEPTH = 32  # objects and lists inside each other; real bodies use fewer than 6


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """An object without repeated keys (which parsers disagree on: first or last wins)."""
    found = dict(pairs)
    if len(found) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise ValueError(f"the key {key[:60]!r} appears twice in one object")
            seen.add(key)
    return found


def _finite(text: str) -> float:
    """A JSON number as a float; one too large for a float (1e309) is refused, not infinity."""
    number = float(text)
    if number in (float("inf"), float("-inf")):
        raise ValueError(f"the number {text[:40]} is out of range")
    return number


def _depth(data: Any) -> int:
    """How deeply objects and lists nest in `data` (without recursion)."""
    deepest, stack = 0, [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, Mapping):
            children: Any = value.values()
        elif isinstance(value, list):
            children = value
        else:
            continue
        deepest = max(deepest, depth)
        if deepest > MAX_DEPTH:
            break
        stack.extend((child, depth + 1) for child in children)
    return deepest


class JSONParser(parsers.JSONParser):
    """application/json with strict constants (no NaN/Infinity, no number beyond a float's
    range), no repeated keys and at most MAX_DEPTH levels of nesting; every refusal is a
    ParseError (400 `invalid_json`)."""

    def parse(self, stream: Any, media_type: str | None = None,
              parser_context: Mapping[str, Any] | None = None) -> Any:
        encoding = parsers.get_encoding(parser_context or {})  # type: ignore[attr-defined]  # in DRF's parsers, not in its stubs
        parse_constant = json.strict_constant if self.strict else None
        too_deep = ParseError(f"JSON parse error - nested more than {MAX_DEPTH} levels deep")
        try:
            data = json.loads(stream.read().decode(encoding), parse_constant=parse_constant,
                              parse_float=_finite, object_pairs_hook=_unique_keys)
        except RecursionError:
            raise too_deep from None
        except ValueError as exc:  # UnicodeDecodeError included
            raise ParseError(f"JSON parse error - {exc}") from None
        if _depth(data) > MAX_DEPTH:
            raise too_deep
        return data
