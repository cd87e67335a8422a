"""A batch's texts through prompt moderation (docs/batches.md): each distinct prompt,
negative prompt and mask prompt checked once against the tenant's policy (read once), several
at a time when Bedrock Guardrails is configured; a blocked text is an error on every row that
uses it, in the prompt's column."""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from django.conf import settings

from catalog.requests import JobRequest
from generation.batch_input import column_for, row_error
from moderation import services as moderation
from moderation.policy import for_tenant as moderation_policy
from tenants.models import Tenant

GUARDRAIL_THREADS = 8  # concurrent ApplyGuardrail calls while moderating a batch's prompts


def moderate_rows(tenant: Tenant, requests: Sequence[JobRequest], rows: Sequence[int],
                  columns: dict[str, str] | None) -> list[dict[str, Any]]:
    """The errors of the rows (their numbers, in `rows`) whose request's texts are blocked."""
    policy = moderation_policy(tenant)

    def texts(request: JobRequest) -> tuple[str, str, str]:
        return request.prompt, request.negative_prompt, request.mask_prompt or ""

    def verdict(key: tuple[str, str, str]) -> moderation.PromptBlocked | None:
        probe = JobRequest(prompt=key[0], negative_prompt=key[1], mask_prompt=key[2] or None)
        try:
            moderation.check_prompt(tenant, probe, policy=policy)
        except moderation.PromptBlocked as exc:
            return exc
        return None

    distinct = list(dict.fromkeys(texts(request) for request in requests))
    if settings.ATELIER_GUARDRAIL_ID and len(distinct) > 1:
        with ThreadPoolExecutor(max_workers=GUARDRAIL_THREADS) as pool:
            verdicts = dict(zip(distinct, pool.map(verdict, distinct), strict=True))
    else:
        verdicts = {key: verdict(key) for key in distinct}
    errors = []
    for number, request in zip(rows, requests, strict=True):
        blocked = verdicts[texts(request)]
        if blocked is not None:
            errors.append(row_error(number, column_for("prompt", columns), blocked.message,
                                    blocked.code, policy=blocked.policy, reason=blocked.reason))
    return errors
