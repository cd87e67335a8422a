"""The effective policy for one tenant: the platform's data file plus the tenant's additions."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from django.core.exceptions import ImproperlyConfigured

from moderation.models import TenantPolicy

POLICY_FILE = Path(__file__).with_name("policy.yaml")


@dataclass(frozen=True)
class Thresholds:
    review: float
    reject: float


@dataclass(frozen=True)
class Policy:
    blocked_terms: dict[str, list[str]]  # source ("platform", "tenant") -> terms
    blocked_patterns: dict[str, list[str]]
    default: Thresholds
    labels: dict[str, Thresholds] = field(default_factory=dict)
    guardrail_confidence: dict[str, float] = field(default_factory=dict)

    def thresholds(self, names: list[str]) -> Thresholds:
        """The strictest thresholds among a label and its parents."""
        found = [self.labels[name] for name in names if name in self.labels]
        if not found:
            return self.default
        return Thresholds(review=min(t.review for t in found), reject=min(t.reject for t in found))


def _thresholds(where: str, raw: Any) -> Thresholds:
    try:
        return Thresholds(review=float(raw["review"]), reject=float(raw["reject"]))
    except (KeyError, TypeError, ValueError):
        raise ImproperlyConfigured(f"moderation policy {where}: expected "
                                   "{review: N, reject: N}") from None


@cache
def platform() -> dict[str, Any]:
    """The platform policy file, validated once."""
    data = yaml.safe_load(POLICY_FILE.read_text())
    images = data["images"]
    return {
        "terms": list(data["prompt"]["blocked_terms"]),
        "patterns": list(data["prompt"]["blocked_patterns"]),
        "default": _thresholds("images.default", images["default"]),
        "labels": {name: _thresholds(f"images.labels.{name}", raw)
                   for name, raw in images["labels"].items()},
        "guardrail_confidence": {k: float(v) for k, v in images["guardrail_confidence"].items()},
    }


def for_tenant(tenant: Any) -> Policy:
    base = platform()
    own = TenantPolicy.objects.filter(tenant=tenant).first()
    labels = dict(base["labels"])
    if own is not None:
        for name, raw in own.label_thresholds.items():
            mine = _thresholds(f"tenant {tenant.slug} {name}", raw)
            theirs = labels.get(name, base["default"])
            labels[name] = Thresholds(min(mine.review, theirs.review),
                                      min(mine.reject, theirs.reject))
    return Policy(
        blocked_terms={"platform": base["terms"],
                       "tenant": list(own.blocked_terms) if own else []},
        blocked_patterns={"platform": base["patterns"],
                          "tenant": list(own.blocked_patterns) if own else []},
        default=base["default"], labels=labels,
        guardrail_confidence=base["guardrail_confidence"],
    )
