"""cdk-nag: the AwsSolutions checks run on every synthesis, and each finding this app accepts
is suppressed next to the resource it concerns, with the reason written out."""

from __future__ import annotations

from collections.abc import Sequence

from cdk_nag import NagPackSuppression, NagSuppressions
from constructs import IConstruct


def suppress(construct: IConstruct, rule: str, reason: str,
             applies_to: Sequence[str] | None = None) -> None:
    """Accept one finding on `construct` (and its children) for a stated reason. `applies_to`
    narrows an IAM5/IAM4 suppression to the exact wildcard or managed policy accepted."""
    entry = NagPackSuppression(id=rule, reason=reason,
                               applies_to=list(applies_to) if applies_to else None)
    NagSuppressions.add_resource_suppressions(construct, [entry], apply_to_children=True)
