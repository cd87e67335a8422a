"""Checking 10,000 catalog rows fast: each shape of row goes through submit_job's rules once.

A catalog's rows differ in their SKU, prompt or template slots and seed, and mostly agree on
everything else (model, operation, size, quality, template, source images, parameters): their
*shape*. The first row of each shape is checked the whole way (the job API's serializer and
services.prepare_job: template, catalog limits, sources, output size, price). A later row of
that shape then goes only through what its own values can change: its prompt, seed and slots
as the serializer takes them, the template's prompt filled from its slots
(templates.render_prompt) and the model's limits (spec.validate); everything else is the
first row's. A row with anything unusual (a value the serializer would convert or refuse, a
rule it breaks) gets None here and goes the whole way itself, so that every error is exactly
the one a single job would get, and an accepted row's job exactly the one it would make.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import replace
from typing import Any, cast

from rest_framework import serializers

from catalog.requests import JobRequest
from core.errors import AtelierError
from generation.compositions import COMPOSERS
from generation.request_serializer import JobRequestSerializer
from generation.services import PreparedJob
from generation.templates import render_prompt

PER_ROW = frozenset({"prompt", "seed", "slots"})  # the fields outside a row's shape
_PROMPT = cast(serializers.CharField, JobRequestSerializer().fields["prompt"])
_SEED = cast(serializers.IntegerField, JobRequestSerializer().fields["seed"])
PROMPT_MAX_CHARS = cast(int, _PROMPT.max_length)  # both set on the serializer: never None
SEED_RANGE = (cast(int, _SEED.min_value), cast(int, _SEED.max_value))
_INTEGER = re.compile(r"-?[0-9]{1,18}")  # within SEED_RANGE, as the serializer reads it
SLOW = object()  # a value the serializer should see itself (to convert or to refuse)


class Shapes:
    """The checked first row of each shape in one batch."""

    def __init__(self) -> None:
        self._first: dict[Any, PreparedJob] = {}

    def learn(self, data: dict[str, Any], prepared: PreparedJob) -> None:
        """A row checked the whole way and accepted: the first of its shape, if it is."""
        key = shape(data)
        if key is not None:
            self._first.setdefault(key, prepared)

    def prepared(self, data: dict[str, Any]) -> PreparedJob | None:
        """The row's job as prepare_job would make it, or None: check it the whole way."""
        key = shape(data)
        first = None if key is None else self._first.get(key)
        if first is None:
            return None
        prompt, seed = _prompt(data.get("prompt", "")), _seed(data.get("seed"))
        slots = _slots(data.get("slots", {}))
        if prompt is SLOW or seed is SLOW or slots is SLOW:
            return None
        template = first.fields["template"]
        if template is not None:
            if prompt:  # "give either a prompt or a template with slots"
                return None
            try:
                prompt = render_prompt(template, slots)
            except AtelierError:
                return None
        elif slots:  # "slots: only with a template"
            return None
        request = replace(first.request, prompt=prompt, seed=seed, slots=slots,
                          images=list(first.request.images), params=dict(first.request.params))
        try:
            resolved = first.spec.validate(request)
        except AtelierError:
            return None
        # A composition's parameters were completed from the tenant's preset (compositions.
        # resolve), which spec.validate does not do: they are the first row's, as the
        # parameters are part of the shape.
        params = (first.fields["params"] if request.operation in COMPOSERS
                  else resolved.params)
        fields = {**first.fields, "prompt": request.prompt, "seed": request.seed,
                  "base_seed": _base_seed(first, request), "request": request.as_record(),
                  "params": params}
        return PreparedJob(request=request, spec=first.spec, unit_price=first.unit_price,
                           fields=fields)


def shape(data: dict[str, Any]) -> tuple[Any, ...] | None:
    """The row's fields but its own texts and seed, with their types (1, 1.0 and True are
    different values to the serializer); None if a value cannot be a key."""
    try:
        key = tuple((name, _frozen(value)) for name, value in data.items()
                    if name not in PER_ROW)
        hash(key)
    except TypeError:
        return None
    return key


def _frozen(value: Any) -> Any:
    if isinstance(value, dict):
        return dict, tuple((type(k), k, _frozen(v)) for k, v in value.items())
    if isinstance(value, list):
        return list, tuple(_frozen(item) for item in value)
    return type(value), value


def _prompt(value: Any) -> Any:
    """The prompt as JobRequestSerializer keeps it (text, blank allowed, untrimmed, no NUL or
    lone surrogate, at most PROMPT_MAX_CHARS), else SLOW."""
    if type(value) is not str or len(value) > PROMPT_MAX_CHARS or "\x00" in value:
        return SLOW
    if not value.isascii():
        try:
            value.encode()
        except UnicodeEncodeError:  # a lone surrogate
            return SLOW
    return value


def _seed(value: Any) -> Any:
    """The seed as JobRequestSerializer reads it (null, a whole number in range, or its
    digits), else SLOW."""
    if value is None:
        return None
    if type(value) is int and SEED_RANGE[0] <= value <= SEED_RANGE[1]:
        return value
    if type(value) is str and _INTEGER.fullmatch(value):
        return int(value)
    return SLOW


def _slots(value: Any) -> Any:
    """Slots as JobRequestSerializer reads them when every one is text, else SLOW."""
    if type(value) is not dict or not all(type(name) is str and type(text) is str
                                          for name, text in value.items()):
        return SLOW
    return dict(value)


def _base_seed(first: PreparedJob, request: JobRequest) -> int:
    """As prepare_job picks it: the seed asked for, else a random one the model takes."""
    if request.seed is not None:
        return request.seed
    seed_low, seed_high = first.spec.limits.seed or (0, 0)
    return (max(1, seed_low) + secrets.randbelow(seed_high - max(1, seed_low) + 1)
            if seed_high else 0)
