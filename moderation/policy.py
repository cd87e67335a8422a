"""The effective policy for one tenant: the platform's data file plus the tenant's additions."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from django.core.exceptions import ImproperlyConfigured

from core.prepared import PreparedRead
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
    guardrail_confidence: dict[str, float] = field(default_factory=dict)  # band -> percent
    guardrail_categories: dict[str, str] = field(default_factory=dict)  # category -> label
    guardrail_other: dict[str, str] = field(default_factory=dict)  # topic/word/pii -> action
    approve_without_services: bool = False  # the tenant's choice under local-only moderation

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
        **_guardrails(images["guardrails"], set(images["labels"])),
    }


GUARDRAIL_CATEGORIES = ("SEXUAL", "VIOLENCE", "HATE", "INSULTS", "MISCONDUCT", "PROMPT_ATTACK")
ACTIONS = ("review", "reject")


def _guardrails(raw: Any, labels: set[str]) -> dict[str, Any]:
    """Every Guardrails category mapped to a label of the policy; an unmapped category or an
    unknown label stops start-up rather than letting a finding fall through."""
    try:
        bands = {str(k): float(v) for k, v in raw["bands"].items()}
        categories = {str(k): str(v) for k, v in raw["categories"].items()}
        other = {str(k): str(v) for k, v in raw["other"].items()}
    except (KeyError, TypeError, ValueError, AttributeError):
        raise ImproperlyConfigured("moderation policy images.guardrails: expected bands, "
                                   "categories and other") from None
    missing = [c for c in GUARDRAIL_CATEGORIES if c not in categories]
    unknown = sorted(set(categories.values()) - labels)
    if missing or unknown or set(bands) != {"NONE", "LOW", "MEDIUM", "HIGH"}:
        raise ImproperlyConfigured(f"moderation policy images.guardrails: categories without a "
                                   f"label {missing}, labels not in images.labels {unknown}, "
                                   f"bands {sorted(bands)}")
    if set(other) != {"topic", "word", "pii"} or set(other.values()) - set(ACTIONS):
        raise ImproperlyConfigured("moderation policy images.guardrails.other: topic, word and "
                                   f"pii, each one of {ACTIONS}")
    return {"guardrail_confidence": bands, "guardrail_categories": categories,
            "guardrail_other": other}


# Read on every submission: compiled once (core/prepared.py).
_OWN = PreparedRead(lambda tenant: TenantPolicy.objects.filter(tenant_id=tenant)[:1], "tenant")


def for_tenant(tenant: Any) -> Policy:
    base = platform()
    own = None if tenant is None else next(
        iter(_OWN.instances(TenantPolicy, tenant=tenant.pk)), None)
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
        guardrail_categories=base["guardrail_categories"],
        guardrail_other=base["guardrail_other"],
        approve_without_services=bool(own and own.approve_without_services),
    )
