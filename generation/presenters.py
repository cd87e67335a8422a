"""Plain-data views of the catalog and of estimates, shared by the API and the CLI."""

from __future__ import annotations

from typing import Any

from generation.catalog import ModelSpec
from generation.services import Estimate


def describe_model(spec: ModelSpec) -> dict[str, Any]:
    limits = spec.limits
    lifecycle = spec.lifecycle
    return {
        "key": spec.key, "name": spec.name, "model_id": spec.model_id, "family": spec.family,
        "operations": list(spec.operations), "regions": list(spec.regions),
        "lifecycle": {"state": spec.state(), "since": lifecycle.since, "eol": lifecycle.eol,
                      "successor": lifecycle.successor},
        "rate_limit_rpm": spec.rate_limit_rpm,
        "limits": {
            "prompt_chars": list(limits.prompt_chars),
            "negative_prompt_chars": list(limits.negative_prompt_chars),
            "n": list(limits.n), "per_call": limits.per_call, "seed": list(limits.seed),
            "size": {"min": limits.size.min, "max": limits.size.max,
                     "multiple_of": limits.size.multiple_of,
                     "max_pixels": limits.size.max_pixels},
            "default_size": "x".join(map(str, limits.default_size)),
            "aspect_ratios": {r: f"{w}x{h}" for r, (w, h) in limits.aspect_ratios.items()},
            "qualities": list(limits.qualities), "styles": list(limits.styles),
        },
        "params": {name: p.describe() for name, p in spec.params.items()},
        "prices": [{"usd": str(rule.usd), "quality": rule.quality, "max_pixels": rule.max_pixels}
                   for rule in spec.prices],
    }


def estimate_body(estimate: Estimate) -> dict[str, Any]:
    resolved = estimate.resolved
    return {"dry_run": True, "model": resolved.request.model,
            "operation": resolved.request.operation, "n": resolved.request.n,
            "size": f"{resolved.width}x{resolved.height}", "params": resolved.params,
            "estimated_cost_usd": str(estimate.estimated_cost_usd)}
