"""The prompt assistant: a short brief ("red handbag, marble, for Instagram") made into a prompt,
a negative prompt and an aspect ratio for its use, optionally for one model's limits.

The brief is moderated like a job's prompt before anything else happens, and so is what is
suggested. The rules (prompt_rules.py) answer offline; when ATELIER_PROMPT_MODEL names a Bedrock
text model, it is asked instead, priced from catalog/text_models.yaml before it is called
(no price, no call), and each call's tokens and cost are recorded as the tenant's usage. An
answer that is not the JSON asked for, or breaks a limit, gives way to the rules, with a note.
Calls are counted in two sliding minutes (providers.ratelimit, shared by every process): the
account's quota for the model in its Region, and each tenant's share of it, so one tenant
cannot spend the others' quota; past either, the rules answer at once, saying so, rather than
the request waiting or failing.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass, field
from decimal import Decimal
from http import HTTPStatus
from typing import Any

from django.conf import settings

from billing import assistant_usage
from billing.services import current_month
from catalog.requests import JobRequest
from catalog.spec import ModelSpec, catalog
from catalog.text_models import price_for
from core.errors import AtelierError, ConfigurationError, InvalidParameter
from generation import prompt_rules
from moderation import services as moderation
from moderation.models import AuditEvent
from providers import ratelimit
from providers.base import ProviderError
from providers.bedrock import text
from tenants.models import Tenant

log = logging.getLogger("atelier.prompts")
BRIEF_MAX_CHARS = 500
ANY_MODEL_PROMPT_CHARS = 1000  # a suggestion for no model in particular: fits most models
SYSTEM = (
    "You write prompts for an image generation model that makes marketing and e-commerce "
    "images. Answer with one JSON object and nothing else, with exactly these fields: "
    '"prompt": one line ordered as subject, action, setting, lighting, style or medium, then '
    'camera and composition; "negative_prompt": a comma-separated list of what to leave out '
    '(an empty string when told there is none); "aspect_ratio": one of the ratios listed, '
    "written W:H. Keep within the character limits given. Add no brand, person or text that "
    "the brief does not mention.")
FENCE = re.compile(r"^```(?:json)?\s*(.*?)\s*```$", re.DOTALL)


class PromptModelUnavailable(AtelierError):
    """The text model stayed throttled or failing through every attempt."""

    code = "prompt_model_unavailable"
    http_status = HTTPStatus.SERVICE_UNAVAILABLE


@dataclass(frozen=True)
class Suggestion:
    prompt: str
    negative_prompt: str
    aspect_ratio: str | None
    source: str  # "rules" | "model"
    use: str | None
    notes: tuple[str, ...] = ()
    cost_usd: Decimal | None = None  # set when a model was called
    input_tokens: int = 0
    output_tokens: int = 0

    def as_dict(self) -> dict[str, Any]:
        answer: dict[str, Any] = {
            "prompt": self.prompt, "negative_prompt": self.negative_prompt,
            "aspect_ratio": self.aspect_ratio, "use": self.use, "source": self.source,
            "notes": list(self.notes)}
        if self.cost_usd is not None:
            answer["cost_usd"] = f"{self.cost_usd:f}"  # never "1E-8"
            answer["tokens"] = {"input": self.input_tokens, "output": self.output_tokens}
        return answer


@dataclass
class _Limits:
    prompt_chars: int
    negative_prompt_chars: int
    aspect_ratios: list[str]  # what the answer may name; empty: none (the model takes sizes)
    key: str = "any model"
    wanted: list[str] = field(default_factory=list)


def suggest_prompt(tenant: Tenant, brief: str, *, model: str | None = None,
                   use: str | None = None) -> Suggestion:
    """Moderate the brief, suggest (by model or rules), moderate the suggestion."""
    brief = (brief or "").strip()
    if not brief:
        raise InvalidParameter(f"brief: required, 1 to {BRIEF_MAX_CHARS} characters",
                               field="brief")
    if len(brief) > BRIEF_MAX_CHARS:
        raise InvalidParameter(f"brief: at most {BRIEF_MAX_CHARS} characters "
                               f"(got {len(brief)})", field="brief")
    if use is not None and use not in prompt_rules.uses():
        raise InvalidParameter(f"use: one of {', '.join(prompt_rules.uses())} (got {use!r})",
                               field="use")
    spec = catalog().get(model) if model else None
    _moderate_brief(tenant, brief)
    ruled = prompt_rules.suggest(brief, use=use, spec=spec)
    rules = Suggestion(prompt=ruled.prompt, negative_prompt=ruled.negative_prompt,
                       aspect_ratio=ruled.aspect_ratio, source="rules", use=ruled.use,
                       notes=tuple(ruled.notes))
    model_id = settings.ATELIER_PROMPT_MODEL
    suggestion = _ask_model(tenant, model_id, brief, ruled, spec, rules) if model_id else rules
    if suggestion.source == "model":
        try:
            _moderate(tenant, suggestion)
        except moderation.PromptBlocked as exc:
            suggestion = _fallback(rules, suggestion,
                                   f"the prompt model's suggestion was refused ({exc.reason})")
        else:
            return suggestion
    _moderate(tenant, suggestion)
    return suggestion


def _moderate_brief(tenant: Tenant, brief: str) -> None:
    """The same check as a job's prompt; a refused brief is audited and answered as a refused
    prompt is, naming the field `brief`."""
    try:
        moderation.check_prompt(tenant, JobRequest(prompt=brief))
    except moderation.PromptBlocked as exc:
        moderation.record(AuditEvent.Action.PROMPT_BLOCKED, tenant=tenant, policy=exc.policy,
                          reason=exc.reason, details={"source": "prompt_assistant"})
        refused = moderation.PromptBlocked(exc.message.replace("prompt:", "brief:", 1),
                                           policy=exc.policy, reason=exc.reason)
        refused.field = "brief"
        raise refused from None


def _moderate(tenant: Tenant, suggestion: Suggestion) -> None:
    moderation.check_prompt(tenant, JobRequest(prompt=suggestion.prompt,
                                               negative_prompt=suggestion.negative_prompt))


def _limits(spec: ModelSpec | None, ruled: prompt_rules.RulesSuggestion) -> _Limits:
    wanted = list(prompt_rules.vocabulary().uses[ruled.use]["aspect_ratios"]) if ruled.use else []
    if spec is not None:
        return _Limits(prompt_chars=spec.limits.prompt_chars[1],
                       negative_prompt_chars=spec.limits.negative_prompt_chars[1],
                       aspect_ratios=list(spec.limits.aspect_ratios), key=spec.key,
                       wanted=wanted)
    offered = sorted({ratio for model in catalog() for ratio in model.limits.aspect_ratios})
    return _Limits(prompt_chars=ANY_MODEL_PROMPT_CHARS,
                   negative_prompt_chars=ANY_MODEL_PROMPT_CHARS, aspect_ratios=offered,
                   wanted=wanted)


def _instructions(brief: str, limits: _Limits, use: str | None) -> str:
    lines = [f"Brief: {brief}"]
    if use:
        lines.append(f"Use: {prompt_rules.uses()[use]} (best at {', '.join(limits.wanted)})")
    if limits.aspect_ratios:
        lines.append(f"aspect_ratio: one of {', '.join(limits.aspect_ratios)}")
    else:
        lines.append("aspect_ratio: null (the model takes a size instead)")
    lines.append(f"prompt: at most {limits.prompt_chars} characters")
    lines.append(f"negative_prompt: at most {limits.negative_prompt_chars} characters"
                 if limits.negative_prompt_chars else
                 "negative_prompt: an empty string (the model takes none)")
    return "\n".join(lines)


def _ask_model(tenant: Tenant, model_id: str, brief: str,
               ruled: prompt_rules.RulesSuggestion, spec: ModelSpec | None,
               rules: Suggestion) -> Suggestion:
    price = price_for(model_id)  # before the call: no price, no call
    limits = _limits(spec, ruled)
    busy = _over_limit(tenant, model_id)
    if busy:
        return _fallback(rules, Suggestion(prompt="", negative_prompt="", aspect_ratio=None,
                                           source="rules", use=ruled.use), busy)
    try:
        answer = text.converse_text(model_id, SYSTEM, _instructions(brief, limits, ruled.use),
                                    region=settings.AWS_REGION)
    except ProviderError as exc:
        log.warning("prompt model %s failed: %s %s", model_id, exc.code, exc.message)
        if exc.retryable:
            raise PromptModelUnavailable(
                f"model: the prompt model {model_id} is busy or unavailable ({exc.code}) after "
                f"{text.ATTEMPTS} attempts; nothing was suggested, try again shortly") from exc
        raise ConfigurationError(
            f"ATELIER_PROMPT_MODEL: {model_id} refused the call ({exc.code}: {exc.message})",
            code="prompt_model_error") from exc
    cost = price.cost_usd(answer.input_tokens, answer.output_tokens)
    assistant_usage.record_call(tenant, month=current_month(), model_id=model_id,
                                input_tokens=answer.input_tokens,
                                output_tokens=answer.output_tokens, cost_usd=cost)
    called = Suggestion(prompt="", negative_prompt="", aspect_ratio=None, source="model",
                        use=ruled.use, cost_usd=cost, input_tokens=answer.input_tokens,
                        output_tokens=answer.output_tokens)
    try:
        fields = _parsed(answer, limits)
    except ValueError as why:
        return _fallback(rules, called, f"the prompt model's answer was not used ({why})")
    return Suggestion(**{**called.__dict__, **fields})


def _over_limit(tenant: Tenant, model_id: str) -> str:
    """Why the prompt model is not called now ("" when it may be): the tenant's share of
    calls this minute is used up, or the account's quota for the model is. A slot taken in
    one window is kept even when the other is full (it then frees within a minute)."""
    windows = ((f"prompt-assistant:{tenant.pk}", settings.ATELIER_PROMPT_TENANT_RPM,
                "your account's prompt suggestions by model are at "
                f"{settings.ATELIER_PROMPT_TENANT_RPM} a minute"),
               (ratelimit.limit_key(model_id, settings.AWS_REGION),
                settings.ATELIER_PROMPT_MODEL_RPM,
                f"the prompt model is at its quota of {settings.ATELIER_PROMPT_MODEL_RPM} "
                "calls a minute"))
    for key, rpm, why in windows:
        try:
            ratelimit.acquire(key, rpm, max_wait=0)
        except ProviderError:
            return why
    return ""


def _parsed(answer: text.TextAnswer, limits: _Limits) -> dict[str, Any]:
    """The answer's fields, checked against the limits; ValueError says what is wrong."""
    if answer.stop_reason != "end_turn":
        raise ValueError(f"it stopped with {answer.stop_reason}")
    raw = answer.text.strip()
    raw = match[1] if (match := FENCE.match(raw)) else raw
    try:
        data = json.loads(raw)
    except ValueError:
        raise ValueError("it is not valid JSON") from None
    if not isinstance(data, dict) or not isinstance(data.get("prompt"), str) or not isinstance(
            data.get("negative_prompt", ""), str):
        raise ValueError("it is not a JSON object with prompt and negative_prompt strings")
    prompt, negative = data["prompt"].strip(), data.get("negative_prompt", "").strip()
    ratio = data.get("aspect_ratio")
    if not prompt:
        raise ValueError("its prompt is empty")
    if len(prompt) > limits.prompt_chars:
        raise ValueError(f"its prompt has {len(prompt)} characters, over {limits.key}'s "
                         f"{limits.prompt_chars}")
    if len(negative) > limits.negative_prompt_chars:
        raise ValueError(f"its negative prompt has {len(negative)} characters, over "
                         f"{limits.key}'s {limits.negative_prompt_chars}")
    if limits.aspect_ratios and ratio not in limits.aspect_ratios:
        raise ValueError(f"its aspect ratio {ratio!r} is not one of "
                         f"{', '.join(limits.aspect_ratios)}")
    return {"prompt": prompt, "negative_prompt": negative,
            "aspect_ratio": ratio if limits.aspect_ratios else None}


def _fallback(rules: Suggestion, called: Suggestion, why: str) -> Suggestion:
    """The rules' suggestion, carrying the call's cost and a note saying why."""
    return Suggestion(**{**rules.__dict__, "cost_usd": called.cost_usd,
                         "input_tokens": called.input_tokens,
                         "output_tokens": called.output_tokens,
                         "notes": (f"{why}: these are the rules' suggestions", *rules.notes)})
