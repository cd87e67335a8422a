"""The model catalog: `catalog.yaml` parsed, validated and overridable from the environment.

Loaded once at start-up (GenerationConfig.ready), so a broken entry stops the process with a
message naming the entry and the field instead of failing on the first job.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path
from typing import Any, overload

import yaml
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from catalog.fleet import Fleet
from catalog.fleet import current as current_fleet
from catalog.operations import OPERATION_DEFAULTS, OperationSpec
from catalog.regions import ANY_GEOGRAPHY, candidates, in_geography, parse_override
from catalog.requests import STAGES, JobRequest, ResolvedRequest
from catalog.validation import ParamSpec, parse_size, validate_request
from core.errors import InvalidParameter

CATALOG_FILE = Path(__file__).with_name("catalog.yaml")
LIFECYCLE_STATES = ("active", "preview", "legacy", "eol")
# A `us.` (or `global.` ...) ID names a cross-Region inference profile, not the model itself.
PROFILE_PREFIXES = ("us.", "eu.", "apac.", "global.")
PRICE_UNITS = ("image", "token")
FAMILIES = ("local", "nova-canvas", "nova-omni", "titan", "stability", "sdxl",
            "stability-services")


class CatalogError(ImproperlyConfigured):
    """catalog.yaml or an override variable is wrong; the message names the entry and field."""


class UnknownModel(InvalidParameter):
    code = "unknown_model"


class ModelRetired(InvalidParameter):
    code = "model_retired"


class ModelUnavailable(InvalidParameter):
    """The model exists but may not be called now: a preview model an operator has not
    enabled, a Region where Bedrock no longer offers it or grants no access, or extended
    access at a price the catalog does not know yet (money fails closed)."""

    code = "model_unavailable"


def base_model_id(model_id: str) -> str:
    """The foundation model behind an ID: `us.amazon.nova-2-omni-v1:0` (an inference profile)
    -> `amazon.nova-2-omni-v1:0`."""
    prefix = next((p for p in PROFILE_PREFIXES if model_id.startswith(p)), "")
    return model_id[len(prefix):]


@dataclass(frozen=True)
class Lifecycle:
    state: str
    since: date | None = None
    eol: date | None = None
    # operation -> stage ("draft" | "final") -> the catalog key that does that operation
    # instead; an operation left out has no successor in the catalog.
    successors: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    extended_access: date | None = None  # public extended access: the higher-priced tail
    eol_not_before: date | None = None  # the model card's "EOL no sooner than" date

    @property
    def successor(self) -> str | None:
        """The headline successor: for the first operation with one, for drafts."""
        return next((by_stage.get("draft") for by_stage in self.successors.values()), None)

    def successor_for(self, operation: str, stage: str = "draft") -> str | None:
        return self.successors.get(operation, {}).get(stage)

    def effective_state(self, today: date) -> str:
        if self.state != "eol" and self.eol is not None and today >= self.eol:
            return "eol"
        return self.state

    def in_extended_access(self, today: date) -> bool:
        return self.extended_access is not None and today >= self.extended_access


@dataclass(frozen=True)
class SizeRule:
    min: int
    max: int
    multiple_of: int
    max_pixels: int
    max_aspect: float | None = None  # longest side / shortest side


@dataclass(frozen=True)
class InputRules:
    """The source images a model accepts; Atelier converts and downsizes to fit."""

    formats: tuple[str, ...] = ("png", "jpeg")
    min_side: int = 64
    max_side: int = 4096
    max_pixels: int = 4_194_304
    max_aspect: float = 4.0


@dataclass(frozen=True)
class PriceRule:
    usd: Decimal
    quality: str | None = None
    max_pixels: int | None = None
    effective_from: date | None = None  # a new price list: add rules with a later date
    estimate: bool = False  # not AWS's price per image (e.g. a model billed per token)

    def matches(self, quality: str | None, pixels: int, on: date) -> bool:
        return ((self.quality is None or self.quality == quality)
                and (self.max_pixels is None or pixels <= self.max_pixels)
                and (self.effective_from is None or self.effective_from <= on))


@dataclass(frozen=True)
class Limits:
    prompt_chars: tuple[int, int]
    negative_prompt_chars: tuple[int, int]
    n: tuple[int, int]
    per_call: int
    seed: tuple[int, int] | None  # None: the model takes no seed
    size: SizeRule | None  # None: only the listed sizes or aspect ratios
    sizes: tuple[tuple[int, int], ...]
    default_size: tuple[int, int]
    aspect_ratios: Mapping[str, tuple[int, int]]
    qualities: tuple[str, ...]
    styles: tuple[str, ...]
    inputs: InputRules
    mask_white_edits: Mapping[str, bool]

    def mask_white_edits_for(self, operation: str) -> bool:
        return self.mask_white_edits.get(operation, True)


@dataclass(frozen=True)
class TokenPrices:
    """AWS's price for a model billed per token, in USD per million tokens."""

    input_per_million: Decimal
    output_per_million: Decimal
    verified: bool  # false: no AWS price page confirmed these figures


@dataclass(frozen=True)
class ModelSpec:
    key: str
    name: str
    model_id: str
    family: str
    regions: tuple[str, ...]
    lifecycle: Lifecycle
    rate_limit_rpm: int | None
    operations: Mapping[str, OperationSpec]
    limits: Limits
    params: Mapping[str, ParamSpec]
    prices: tuple[PriceRule, ...]
    price_unit: str = "image"  # how AWS bills it: "image" or "token" (PRICE_UNITS)
    token_prices: TokenPrices | None = None
    # ATELIER_MODEL_REGIONS__<KEY>: the Regions the account calls it in, in order (empty: the
    # default, catalog.regions.candidates)
    call_regions: tuple[str, ...] = ()

    @property
    def base_model_id(self) -> str:
        return base_model_id(self.model_id)

    @property
    def price_is_estimate(self) -> bool:
        """True when an estimate per image is not AWS's own price per image (a token-billed
        model, or a rule marked `estimate`): every price display must say so."""
        return self.price_unit != "image" or any(rule.estimate for rule in self.prices)

    def region(self, preferred: str) -> str:
        """Where to call the model: the configured region if the model is offered there
        (the static catalog's answer; the synced fleet may veto it, see `check_callable`)."""
        if "*" in self.regions or preferred in self.regions or not self.regions:
            return preferred
        return self.regions[0]

    def state(self, today: date | None = None) -> str:
        """The lifecycle state as the static catalog says (no database: the deployment and
        the IAM policy use it too); `check_callable` adds what Bedrock reported."""
        return self.lifecycle.effective_state(today or timezone.now().date())

    def usable(self, today: date | None = None) -> bool:
        """May tenants pick this model now (static view): not retired, and not a preview
        model unless the operator enabled preview models."""
        state = self.state(today)
        return state != "eol" and (state != "preview" or _preview_enabled())

    def retired(self, request: JobRequest, eol: date | datetime | None) -> ModelRetired:
        successor = self.lifecycle.successor_for(request.operation, request.stage)
        hint = (f"; use {successor!r} instead" if successor else
                f"; no model in the catalog takes over {request.operation!r}")
        when = f" on {eol.date() if isinstance(eol, datetime) else eol}" if eol else ""
        return ModelRetired(f"model: {self.key!r} reached end of life{when}{hint}",
                            field="model", extra={"successor": successor})

    def check_callable(self, request: JobRequest, fleet: Fleet | None,
                       preferred: str, today: date | None = None, *,
                       geography: str = ANY_GEOGRAPHY) -> tuple[str, ...]:
        """Refuse a request this model cannot serve now: retired (static or as synced),
        preview while preview models are off, not offered or no access in any Region it may be
        called in, or in extended access without a price for it. The synced fleet, when it
        has data for a Region, decides there; the static catalog otherwise. Fails closed.

        Returns the Regions it may be called in, best first (catalog.regions); a Region the
        fleet refuses is left out, and when every one is, the first one's reason is raised.
        `geography` is the tenant's data residency setting (Tenant.bedrock_geography)."""
        now = timezone.now()
        today = today or now.date()
        state = self.state(today)
        if state == "eol":
            raise self.retired(request, self.lifecycle.eol)
        if state == "preview" and not _preview_enabled():
            raise ModelUnavailable(
                f"model: {self.key!r} is a preview model; the operator has not enabled preview "
                "models (ATELIER_PREVIEW_MODELS)", field="model")
        if self.family == "local":
            self._check_region(request, None, preferred, now, today)
            return (self.region(preferred),)
        listed = candidates(self.region(preferred), self.model_id, self.base_model_id,
                            self.regions, self.call_regions, fleet)
        allowed = [region for region in listed if in_geography(region, geography)]
        if not allowed:
            raise ModelUnavailable(
                f"model: {self.key!r} is not called in any Region the tenant's data residency "
                f"setting allows (bedrock_geography: {geography}; the model is called in "
                f"{', '.join(listed) or 'no Region'})", field="model")
        usable: list[str] = []
        refused: InvalidParameter | None = None
        for region in allowed:
            try:
                self._check_region(request, fleet, region, now, today)
            except (ModelRetired, ModelUnavailable) as exc:
                refused = refused or exc
            else:
                usable.append(region)
        if not usable:
            assert refused is not None
            raise refused
        return tuple(usable)

    def _check_region(self, request: JobRequest, fleet: Fleet | None, region: str,
                      now: datetime, today: date) -> None:
        """check_callable's verdict for one Region."""
        extended_since = self.lifecycle.extended_access if self.lifecycle.in_extended_access(
            today) else None
        if fleet is not None:
            verdict = fleet.verdict(self.base_model_id, region, profile=(
                self.model_id if self.model_id != self.base_model_id else None), now=now)
            if verdict is not None:
                if verdict.state == "eol":
                    raise self.retired(request, verdict.eol)
                if verdict.problem:
                    raise ModelUnavailable(f"model: {self.key!r} {verdict.problem}",
                                           field="model")
                extended_since = verdict.extended_access_since or extended_since
        if extended_since is not None and not self._priced_since(extended_since):
            raise ModelUnavailable(
                f"model: {self.key!r} is in extended access since {extended_since} at a higher "
                "price the catalog does not have yet; add a price rule with `from` on or after "
                "that date to call it", field="model")

    def _priced_since(self, since: date) -> bool:
        return any(rule.effective_from is not None and rule.effective_from >= since
                   for rule in self.prices)

    def validate(self, request: JobRequest, *, fleet: Fleet | None = None,
                 region: str | None = None, geography: str = ANY_GEOGRAPHY
                 ) -> ResolvedRequest:
        """Check the request against this model; raise InvalidParameter naming field and limit.

        `fleet` defaults to the last synced Bedrock fleet (catalog.fleet.current()), `region`
        to AWS_REGION; `geography` is the tenant's data residency setting."""
        self.check_callable(request, current_fleet() if fleet is None else fleet,
                            region or settings.AWS_REGION, geography=geography)
        return validate_request(self, request)

    def unit_cost_usd(self, quality: str | None, pixels: int, on: date | None = None
                      ) -> Decimal:
        """AWS cost of one image on a day: among the rules in effect, the most recent price
        list wins, and within it the first rule that matches."""
        quality = quality or (self.limits.qualities[0] if self.limits.qualities else None)
        on = on or timezone.now().date()
        in_effect = [r for r in self.prices if r.matches(quality, pixels, on)]
        newest = max((r.effective_from or date.min for r in in_effect), default=None)
        for rule in in_effect:
            if (rule.effective_from or date.min) == newest:
                return rule.usd
        raise InvalidParameter(f"quality: {self.key!r} has no price for quality {quality!r} "
                               f"at {pixels} pixels", field="quality")


def _preview_enabled() -> bool:
    return bool(getattr(settings, "ATELIER_PREVIEW_MODELS", False))


class Catalog:
    def __init__(self, specs: list[ModelSpec]) -> None:
        self._specs = {spec.key: spec for spec in specs}

    def __iter__(self) -> Iterator[ModelSpec]:
        return iter(self._specs.values())

    def keys(self) -> list[str]:
        return list(self._specs)

    def get(self, key: str) -> ModelSpec:
        try:
            return self._specs[key]
        except KeyError:
            known = ", ".join(sorted(self._specs))
            raise UnknownModel(f"model: unknown model {key!r}; available: {known}",
                               field="model") from None


def env_key(key: str) -> str:
    """`sd3.5-large` -> `SD3_5_LARGE`, the suffix of the ATELIER_MODEL_*__ variables."""
    return re.sub(r"[-.]", "_", key).upper()


# --- parsing -----------------------------------------------------------------------------------

class _Entry:
    """Typed access to one catalog entry, so every error names the entry and the field."""

    def __init__(self, where: str, data: Mapping[str, Any]) -> None:
        if not isinstance(data, Mapping):
            raise CatalogError(f"{where}: expected a mapping")
        self.where, self.data = where, data

    def only(self, *fields: str) -> _Entry:
        """Refuse keys this entry does not define (a typo must not be silently ignored)."""
        unknown = sorted(set(self.data) - set(fields))
        if unknown:
            raise self.fail(unknown[0], f"unknown field; expected one of {', '.join(fields)}")
        return self

    def fail(self, field: str, problem: str) -> CatalogError:
        return CatalogError(f"catalog {self.where}.{field}: {problem}")

    def get(self, field: str, kind: type | tuple[type, ...], default: Any = ...) -> Any:
        if field not in self.data:
            if default is ...:
                raise self.fail(field, "is required")
            return default
        value = self.data[field]
        if value is None and default is None:
            return None
        if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
            raise self.fail(field, f"expected {getattr(kind, '__name__', kind)}, got {value!r}")
        return value

    @overload
    def pair(self, field: str) -> tuple[int, int]: ...
    @overload
    def pair(self, field: str, default: None) -> tuple[int, int] | None: ...

    def pair(self, field: str, default: Any = ...) -> tuple[int, int] | None:
        """A required [min, max] pair; with a default of None, an optional one."""
        value = self.get(field, list, default)
        if value is None:
            return None
        if len(value) != 2 or not all(isinstance(v, int) for v in value) or value[0] > value[1]:
            raise self.fail(field, f"expected [min, max] integers, got {value!r}")
        return value[0], value[1]

    def child(self, field: str) -> _Entry:
        return _Entry(f"{self.where}.{field}", self.get(field, dict))


def _size(entry: _Entry, field: str, value: Any) -> tuple[int, int]:
    size = parse_size(value)
    if size is None:
        raise entry.fail(field, f"expected 'WxH', got {value!r}")
    return size


def _date(entry: _Entry, field: str) -> date | None:
    value = entry.get(field, (date, str), None)
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise entry.fail(field, f"expected YYYY-MM-DD, got {value!r}") from None
    return value


def _size_rule(entry: _Entry) -> SizeRule | None:
    if entry.get("size", dict, None) is None:
        return None
    size = entry.child("size").only("min", "max", "multiple_of", "max_pixels", "max_aspect")
    return SizeRule(min=size.get("min", int), max=size.get("max", int),
                    multiple_of=size.get("multiple_of", int, 1),
                    max_pixels=size.get("max_pixels", int),
                    max_aspect=size.get("max_aspect", (int, float), None))


def _inputs(entry: _Entry) -> InputRules:
    if "inputs" not in entry.data:
        return InputRules()
    rules = entry.child("inputs").only("formats", "min_side", "max_side", "max_pixels",
                                       "max_aspect")
    formats = tuple(rules.get("formats", list))
    if not set(formats) <= {"png", "jpeg", "webp", "gif"}:
        raise rules.fail("formats", f"unknown format in {list(formats)}")
    return InputRules(formats=formats, min_side=rules.get("min_side", int),
                      max_side=rules.get("max_side", int),
                      max_pixels=rules.get("max_pixels", int),
                      max_aspect=rules.get("max_aspect", (int, float)))


def _limits(entry: _Entry) -> Limits:
    entry.only("prompt_chars", "negative_prompt_chars", "n", "per_call", "seed", "size", "sizes",
               "default_size", "aspect_ratios", "qualities", "styles", "inputs",
               "mask_white_edits")
    ratios = entry.get("aspect_ratios", dict, {})
    polarity = entry.get("mask_white_edits", dict, {})
    for operation, white in polarity.items():
        if operation not in OPERATION_DEFAULTS or not isinstance(white, bool):
            raise entry.fail(f"mask_white_edits.{operation}", "expected an operation: true|false")
    return Limits(
        prompt_chars=entry.pair("prompt_chars"),
        negative_prompt_chars=entry.pair("negative_prompt_chars"),
        n=entry.pair("n"),
        per_call=entry.get("per_call", int),
        seed=entry.pair("seed", None),
        size=_size_rule(entry),
        sizes=tuple(_size(entry, "sizes", s) for s in entry.get("sizes", list, [])),
        default_size=_size(entry, "default_size", entry.get("default_size", str)),
        aspect_ratios={r: _size(entry, f"aspect_ratios.{r}", s) for r, s in ratios.items()},
        qualities=tuple(entry.get("qualities", list, [])),
        styles=tuple(entry.get("styles", list, [])),
        inputs=_inputs(entry),
        mask_white_edits=polarity,
    )


def _operations(entry: _Entry) -> dict[str, OperationSpec]:
    raw = entry.get("operations", dict)
    operations = {}
    for name, overrides in raw.items():
        if name not in OPERATION_DEFAULTS:
            raise entry.fail("operations", f"unknown operation {name!r}")
        try:
            operations[name] = OPERATION_DEFAULTS[name].with_overrides(overrides or {})
        except (ValueError, TypeError) as exc:
            raise entry.fail(f"operations.{name}", str(exc)) from None
    if not operations:
        raise entry.fail("operations", "needs at least one operation")
    return operations


def _operation_params(entry: _Entry, operations: Mapping[str, OperationSpec],
                      params: Mapping[str, ParamSpec]) -> dict[str, ParamSpec]:
    """The parameters the model's operations bring (catalog/operations.py), each applying to
    its operation only (or to each operation that defines it alike: a packshot's and a scene's
    `shadow`); a composition needs the model to offer the operation its call makes."""
    found: dict[str, ParamSpec] = {}
    for name, op in operations.items():
        if op.call is not None and op.call not in operations:
            raise entry.fail(f"operations.{name}", f"a {name} is made by a {op.call!r} call: "
                                                   f"the model must offer {op.call!r} too")
        for param, raw in op.params:
            parsed = ParamSpec.parse(param, {**raw, "operations": [name]}, entry.fail)
            shared = found.get(param)
            if param in params or (shared is not None and replace(
                    shared, operations=parsed.operations) != parsed):
                raise entry.fail(f"params.{param}", f"already a parameter of {name!r}")
            found[param] = parsed if shared is None else replace(
                shared, operations=(*shared.operations, name))
    return found


def _prices(entry: _Entry) -> tuple[PriceRule, ...]:
    rules = []
    for i, raw in enumerate(entry.get("prices", list)):
        rule = _Entry(f"{entry.where}.prices[{i}]", raw).only("usd", "quality", "max_pixels",
                                                              "from", "estimate")
        rules.append(PriceRule(usd=_usd(rule, "usd"), quality=rule.get("quality", str, None),
                               max_pixels=rule.get("max_pixels", int, None),
                               effective_from=_date(rule, "from"),
                               estimate=rule.get("estimate", bool, False)))
    if not rules:
        raise entry.fail("prices", "needs at least one rule")
    return tuple(rules)


def _usd(entry: _Entry, field: str) -> Decimal:
    text = entry.get(field, str)
    try:
        usd = Decimal(text)
    except InvalidOperation:
        raise entry.fail(field, f"expected a decimal string, got {text!r}") from None
    if not usd.is_finite() or usd < 0:
        raise entry.fail(field, f"must be zero or more, got {text!r}")
    return usd


def _token_prices(entry: _Entry) -> TokenPrices | None:
    if entry.get("token_prices", dict, None) is None:
        return None
    prices = entry.child("token_prices").only("input_per_million", "output_per_million",
                                              "verified")
    return TokenPrices(input_per_million=_usd(prices, "input_per_million"),
                       output_per_million=_usd(prices, "output_per_million"),
                       verified=prices.get("verified", bool))


def _successors(life: _Entry, operations: Mapping[str, OperationSpec]
                ) -> dict[str, dict[str, str]]:
    """`successor: KEY` (every operation, both stages), or per operation `{op: KEY}` or
    `{op: {draft: KEY, final: KEY}}`. Whether each successor does the operation is checked
    once the whole catalog is read (load_catalog)."""
    raw = life.get("successor", (str, dict), None)
    if raw is None:
        return {}
    if isinstance(raw, str):
        raw = dict.fromkeys(operations, raw)
    table: dict[str, dict[str, str]] = {}
    for operation, target in raw.items():
        if operation not in operations:
            raise life.fail(f"successor.{operation}", "not an operation of this model")
        if isinstance(target, str):
            table[operation] = dict.fromkeys(STAGES, target)
            continue
        stages = _Entry(f"{life.where}.successor.{operation}", target).only(*STAGES)
        table[operation] = {stage: stages.get(stage, str) for stage in STAGES}
    return table


def _lifecycle(entry: _Entry, key: str, operations: Mapping[str, OperationSpec],
               environ: Mapping[str, str]) -> Lifecycle:
    life = entry.child("lifecycle").only("state", "since", "eol", "successor",
                                         "extended_access", "eol_not_before")
    override = _override("LIFECYCLE", key, environ)
    state = override or life.get("state", str)
    if state not in LIFECYCLE_STATES:
        raise life.fail("state", f"must be one of {', '.join(LIFECYCLE_STATES)}, got {state!r}")
    # An operator who says "active" or "legacy" keeps access past a published EOL date.
    keep_past_eol = bool(override) and state != "eol"
    return Lifecycle(state=state, since=_date(life, "since"),
                     eol=None if keep_past_eol else _date(life, "eol"),
                     successors=_successors(life, operations),
                     extended_access=_date(life, "extended_access"),
                     eol_not_before=_date(life, "eol_not_before"))


def _override(prefix: str, key: str, environ: Mapping[str, str]) -> str | None:
    return environ.get(f"ATELIER_MODEL_{prefix}__{env_key(key)}") or None


def _spec(entry: _Entry, environ: Mapping[str, str]) -> ModelSpec:
    entry.only("key", "name", "model_id", "family", "regions", "lifecycle", "rate_limit_rpm",
               "operations", "limits", "params", "prices", "price_unit", "token_prices")
    key = entry.get("key", str)
    operations = _operations(entry)
    lifecycle = _lifecycle(entry, key, operations, environ)
    rpm_text = _override("RPM", key, environ)
    rpm = entry.get("rate_limit_rpm", int, None)
    if rpm_text is not None:
        if not rpm_text.isdigit() or int(rpm_text) < 1:
            raise CatalogError(f"ATELIER_MODEL_RPM__{env_key(key)}: expected a positive integer")
        rpm = int(rpm_text)
    model_id = _override("ID", key, environ) or entry.get("model_id", str)
    regions_text = _override("REGIONS", key, environ)
    try:
        call_regions = () if regions_text is None else parse_override(
            regions_text, model_id, f"ATELIER_MODEL_REGIONS__{env_key(key)}")
    except ValueError as exc:
        raise CatalogError(str(exc)) from None
    family = entry.get("family", str)
    if family not in FAMILIES:
        raise entry.fail("family", f"unknown family {family!r}; known: {', '.join(FAMILIES)}")
    params = {name: ParamSpec.parse(name, raw, entry.fail)
              for name, raw in entry.get("params", dict, {}).items()}
    params.update(_operation_params(entry, operations, params))
    price_unit = entry.get("price_unit", str, "image")
    if price_unit not in PRICE_UNITS:
        raise entry.fail("price_unit", f"must be one of {', '.join(PRICE_UNITS)}")
    token_prices = _token_prices(entry)
    if (price_unit == "token") != (token_prices is not None):
        raise entry.fail("token_prices", "required exactly when price_unit is token")
    prices = _prices(entry)
    if price_unit == "token" and not all(rule.estimate for rule in prices):
        raise entry.fail("prices", "a model billed per token has per-image estimates only: "
                         "mark each rule `estimate: true`")
    return ModelSpec(
        key=key, name=entry.get("name", str),
        model_id=model_id, family=family, regions=tuple(entry.get("regions", list)),
        lifecycle=lifecycle,
        rate_limit_rpm=rpm, operations=operations, limits=_limits(entry.child("limits")),
        params=params, prices=prices, price_unit=price_unit, token_prices=token_prices,
        call_regions=call_regions,
    )


def _check_successors(specs: list[ModelSpec]) -> None:
    """Every successor exists, is neither retired nor a preview, and does the operation it
    takes over: a `model_retired` error must name a model that works for that request."""
    by_key = {spec.key: spec for spec in specs}
    for spec in specs:
        for operation, stages in spec.lifecycle.successors.items():
            for stage, successor in stages.items():
                where = f"catalog {spec.key}.lifecycle.successor.{operation}.{stage}"
                target = by_key.get(successor)
                if target is None:
                    raise CatalogError(f"{where}: unknown {successor!r}")
                if target.lifecycle.state in ("eol", "preview"):
                    raise CatalogError(f"{where}: {successor!r} is {target.lifecycle.state}")
                if operation not in target.operations:
                    raise CatalogError(f"{where}: {successor!r} does not do {operation!r}")


def load_catalog(path: Path = CATALOG_FILE, environ: Mapping[str, str] | None = None) -> Catalog:
    """Parse and validate a catalog file; raise CatalogError naming the first problem."""
    environ = os.environ if environ is None else environ
    try:
        document = yaml.safe_load(path.read_text())
    except (OSError, yaml.YAMLError) as exc:
        raise CatalogError(f"catalog {path}: {exc}") from exc
    entries = _Entry(str(path.name), document).get("models", list)
    specs = [_spec(_Entry(f"models[{i}]", raw), environ) for i, raw in enumerate(entries)]
    keys = [spec.key for spec in specs]
    duplicates = {k for k in keys if keys.count(k) > 1}
    if duplicates:
        raise CatalogError(f"catalog: duplicate keys {sorted(duplicates)}")
    _check_successors(specs)
    return Catalog(specs)


@cache
def catalog() -> Catalog:
    """The process-wide catalog (validated once, at start-up) from ATELIER_CATALOG_FILE."""
    return load_catalog(Path(settings.ATELIER_CATALOG_FILE))
