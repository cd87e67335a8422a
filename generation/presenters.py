"""Plain-data views of the catalog and of estimates, shared by the API and the CLI."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.utils import timezone

from catalog.spec import Catalog, ModelSpec, catalog
from generation.services import Estimate


def _size(size: tuple[int, int]) -> str:
    return f"{size[0]}x{size[1]}"


def describe_model(spec: ModelSpec) -> dict[str, Any]:
    limits = spec.limits
    lifecycle = spec.lifecycle
    rule = limits.size
    return {
        "key": spec.key, "name": spec.name, "model_id": spec.model_id, "family": spec.family,
        "operations": {name: {"images": list(op.images), "mask": op.mask, "prompt": op.prompt,
                              "sizing": op.sizing}
                       for name, op in spec.operations.items()},
        "regions": list(spec.regions),
        "lifecycle": {"state": spec.state(), "since": lifecycle.since, "eol": lifecycle.eol,
                      "successor": lifecycle.successor,
                      "successors": {op: dict(by_stage)
                                     for op, by_stage in lifecycle.successors.items()}},
        "rate_limit_rpm": spec.rate_limit_rpm,
        "limits": {
            "prompt_chars": list(limits.prompt_chars),
            "negative_prompt_chars": list(limits.negative_prompt_chars),
            "n": list(limits.n), "per_call": limits.per_call,
            "seed": list(limits.seed) if limits.seed else None,
            "size": None if rule is None else {
                "min": rule.min, "max": rule.max, "multiple_of": rule.multiple_of,
                "max_pixels": rule.max_pixels, "max_aspect": rule.max_aspect},
            "sizes": [_size(s) for s in limits.sizes],
            "default_size": _size(limits.default_size),
            "aspect_ratios": {r: _size(s) for r, s in limits.aspect_ratios.items()},
            "qualities": list(limits.qualities), "styles": list(limits.styles),
            "inputs": {"formats": list(limits.inputs.formats),
                       "min_side": limits.inputs.min_side, "max_side": limits.inputs.max_side,
                       "max_pixels": limits.inputs.max_pixels,
                       "max_aspect": limits.inputs.max_aspect},
        },
        "params": {name: p.describe() for name, p in spec.params.items()},
        "prices": [{"usd": str(rule.usd), "quality": rule.quality, "max_pixels": rule.max_pixels,
                    "estimate": rule.estimate} for rule in spec.prices],
        "price_unit": spec.price_unit, "price_is_estimate": spec.price_is_estimate,
    }


def estimate_body(estimate: Estimate) -> dict[str, Any]:
    resolved = estimate.resolved
    return {"dry_run": True, "model": resolved.request.model,
            "operation": resolved.request.operation, "n": resolved.request.n,
            "size": f"{resolved.width}x{resolved.height}", "params": resolved.params,
            "estimated_cost_usd": str(estimate.estimated_cost_usd),
            "price_is_estimate": catalog().get(resolved.request.model).price_is_estimate,
            "quota": estimate.quota}


_described: tuple[Catalog, date, list[dict[str, Any]]] | None = None


def described_catalog() -> list[dict[str, Any]]:
    """describe_model of every model of the catalog, made once per catalog and day (only the
    catalog and, through lifecycle states, the date change it) instead of per request. The
    list is shared: read it, do not change it."""
    global _described
    current, today = catalog(), timezone.now().date()
    kept = _described
    if kept is None or kept[0] is not current or kept[1] != today:
        kept = _described = (current, today, [describe_model(spec) for spec in current])
    return kept[2]
