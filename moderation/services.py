"""Moderation rules: prompts before anything is queued or charged, every output before it
is delivered, moderators' decisions, and the audit trail of all of them.

Fail closed: a prompt that cannot be checked is refused (try again later); an image that
cannot be checked waits for a moderator (`pending_review`), never `approved`.
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from PIL import Image

from core import events
from core.errors import AtelierError
from core.events import AssetModerated
from moderation import clients, modes, text
from moderation.models import AuditEvent
from moderation.policy import Policy, for_tenant

if TYPE_CHECKING:
    from assets.models import Asset
    from catalog.requests import JobRequest
    from tenants.models import Tenant

log = logging.getLogger("atelier.moderation")
APPROVED, PENDING, REJECTED = "approved", "pending_review", "rejected"
REKOGNITION_MAX_BYTES = 5 * 1024 * 1024


class PromptBlocked(AtelierError):
    code = "prompt_blocked"
    http_status = HTTPStatus.UNPROCESSABLE_ENTITY

    def __init__(self, message: str, *, policy: str, reason: str) -> None:
        super().__init__(message, field="prompt", extra={"policy": policy, "reason": reason})
        self.policy, self.reason = policy, reason


class ModerationUnavailable(AtelierError):
    code = "moderation_unavailable"
    http_status = HTTPStatus.SERVICE_UNAVAILABLE


# --- prompts ----------------------------------------------------------------------------------

def check_prompt(tenant: Tenant, request: JobRequest, *, policy: Policy | None = None) -> None:
    """Raise PromptBlocked if a policy forbids the request's text; nothing else happens.
    A batch passes the tenant's `policy`, read once, to check many prompts."""
    policy = for_tenant(tenant) if policy is None else policy
    texts = [t for t in (request.prompt, request.negative_prompt, request.mask_prompt or "")
             if t]
    for source in ("platform", "tenant"):
        for piece in texts:
            term = text.find_term(piece, policy.blocked_terms[source])
            pattern = text.find_pattern(piece, policy.blocked_patterns[source])
            if term or pattern:
                reason = f"blocked term {term!r}" if term else f"blocked pattern {pattern!r}"
                raise PromptBlocked(f"prompt: refused by the {source} policy ({reason})",
                                    policy=source, reason=reason)
    if settings.ATELIER_GUARDRAIL_ID:
        try:
            verdict = clients.apply_guardrail("INPUT", texts=texts)
        except clients.ModerationUnavailable as exc:
            log.warning("prompt moderation unavailable: %s", exc)
            raise ModerationUnavailable("prompt: the moderation service is unavailable; "
                                        "nothing was queued or charged, try again shortly",
                                        field="prompt") from exc
        if verdict.intervened:
            reason = "; ".join(verdict.findings) or verdict.message or "guardrail intervened"
            raise PromptBlocked(f"prompt: refused by the guardrail ({reason})",
                                policy="guardrails", reason=reason)


def record(action: str, *, tenant: Tenant, policy: str = "", reason: str = "",
           job: Any = None, asset: Any = None, actor: User | None = None,
           details: dict[str, Any] | None = None) -> AuditEvent:
    return AuditEvent.objects.create(action=action, tenant=tenant, policy=policy, reason=reason,
                                     job=job, asset=asset, actor=actor, details=details or {})


# --- generated images -------------------------------------------------------------------------

@dataclass
class Verdict:
    status: str
    checks: list[str] = field(default_factory=list)
    labels: list[dict[str, Any]] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    external: bool = False

    def escalate(self, status: str, reason: str) -> None:
        order = (APPROVED, PENDING, REJECTED)
        if order.index(status) > order.index(self.status):
            self.status = status
        self.reasons.append(reason)

    def as_record(self) -> dict[str, Any]:
        return {"checks": self.checks, "labels": self.labels, "reasons": self.reasons,
                "external": self.external, "at": timezone.now().isoformat()}


def _for_services(data: bytes) -> tuple[bytes, str]:
    """PNG or JPEG under Rekognition's 5 MB: the original when it already is one."""
    image = Image.open(io.BytesIO(data))
    if image.format in ("PNG", "JPEG") and len(data) <= REKOGNITION_MAX_BYTES:
        return data, image.format.lower()
    rgb = image.convert("RGB")
    rgb.thumbnail((2048, 2048))
    buffer = io.BytesIO()
    rgb.save(buffer, "JPEG", quality=90)
    return buffer.getvalue(), "jpeg"


def _judge(verdict: Verdict, policy: Policy, names: list[str], confidence: float,
           what: str) -> None:
    limits = policy.thresholds(names)
    if confidence >= limits.reject:
        verdict.escalate(REJECTED, f"{what} {confidence:.0f}% >= reject {limits.reject:g}")
    elif confidence >= limits.review:
        verdict.escalate(PENDING, f"{what} {confidence:.0f}% >= review {limits.review:g}")


def _judge_guardrails(verdict: Verdict, policy: Policy,
                      result: clients.GuardrailVerdict) -> None:
    """What Guardrails BLOCKED is never approved: each content filter is judged by the
    thresholds of the policy label its category maps to, at its band's confidence, with review
    as the floor; topics, words and PII go to review or are rejected as the policy says."""
    verdict.labels += [{"name": str(finding), "source": "guardrails"}
                       for finding in result.blocked]
    for finding in result.blocked:
        what = f"guardrail {finding}"
        if finding.kind == "content":
            label = policy.guardrail_categories.get(finding.name, "")
            confidence = policy.guardrail_confidence.get(finding.band, 100.0)
            _judge(verdict, policy, [label], confidence, what)
            verdict.escalate(PENDING, f"{what}: blocked, never approved")
        elif policy.guardrail_other.get(finding.kind) == "reject":
            verdict.escalate(REJECTED, f"{what}: rejected by policy")
        else:
            verdict.escalate(PENDING, f"{what}: blocked, never approved")
    if not result.blocked:  # intervened without saying why: a moderator decides
        verdict.escalate(PENDING, "guardrail intervened")


def moderate_output(tenant: Tenant, data: bytes, *, policy: Policy | None = None) -> Verdict:
    """Judge the model's original bytes with every configured service and the policy.
    Local-only moderation (chosen on purpose) sends every image to review unless the tenant's
    policy approves on the local policy alone. `policy` is the tenant's (`policy.for_tenant`),
    read once by a caller judging many images, which may then judge them on threads that
    never touch the database."""
    policy = for_tenant(tenant) if policy is None else policy
    verdict = Verdict(status=APPROVED, checks=["local policy"])
    if modes.local_only():
        verdict.checks.append("local-only")
        if not policy.approve_without_services:
            verdict.escalate(PENDING, "output moderation is local-only: a moderator decides")
        return verdict
    image, fmt = _for_services(data)
    if settings.ATELIER_REKOGNITION:
        verdict.checks.append("rekognition")
        try:
            labels = clients.detect_labels(image)
        except clients.ModerationUnavailable as exc:
            verdict.escalate(PENDING, f"rekognition unavailable: {exc}")
        else:
            verdict.external = True
            for label in labels:
                verdict.labels.append({"name": label.name, "parent": label.parent,
                                       "confidence": round(label.confidence, 2),
                                       "source": "rekognition"})
                _judge(verdict, policy, [label.name, label.parent], label.confidence,
                       f"{label.name}")
    if settings.ATELIER_GUARDRAIL_ID:
        verdict.checks.append("guardrails")
        try:
            result = clients.apply_guardrail("OUTPUT", images=[(image, fmt)])
        except clients.ModerationUnavailable as exc:
            verdict.escalate(PENDING, f"guardrails unavailable: {exc}")
        else:
            verdict.external = True
            if result.intervened:
                _judge_guardrails(verdict, policy, result)
    if not verdict.external:
        verdict.reasons.append("no external moderation service is configured; "
                               "local policy only")
    return verdict


def apply_status(asset: Asset, status: str, *, actor: User | None = None,
                 reason: str = "", policy: str = "", details: dict[str, Any] | None = None,
                 job_running: bool = False) -> Asset:
    """Set an asset's moderation status, audit it, and publish `AssetModerated`: the charge,
    renditions, withdrawal of files and webhooks are its subscribers (docs/architecture.md),
    so they commit or roll back with the status. `job_running`: the job's own run judged it
    (core.events.AssetModerated)."""
    with transaction.atomic():
        changed = type(asset).unscoped.filter(pk=asset.pk).exclude(
            moderation_status=status).update(moderation_status=status)
        asset.moderation_status = status
        action = {APPROVED: AuditEvent.Action.ASSET_APPROVED,
                  PENDING: AuditEvent.Action.ASSET_PENDING,
                  REJECTED: AuditEvent.Action.ASSET_REJECTED}[status]
        record(action, tenant=asset.tenant, asset=asset, job=asset.job, actor=actor,
               reason=reason, policy=policy or ("moderator" if actor else "automatic"),
               details=details)
        events.publish(AssetModerated(
            asset_id=str(asset.pk), tenant_id=asset.tenant_id,
            job_id=None if asset.job_id is None else str(asset.job_id), status=status,
            changed=bool(changed), job_running=job_running))
    return asset


def review(asset: Asset, *, approve: bool, moderator: User, reason: str = ""
           ) -> Asset:
    """A moderator's decision on an asset waiting in review (or reversing an earlier one
    towards rejection)."""
    if approve and asset.moderation_status == REJECTED:
        raise AtelierError("asset: a rejected asset cannot be approved again", field="asset",
                           code="already_rejected")
    return apply_status(asset, APPROVED if approve else REJECTED, actor=moderator,
                        reason=reason or ("approved" if approve else "rejected"))
