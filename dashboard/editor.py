"""The editor around a picked image: what each edit would send, cost and need, before it runs.

An edit is one of `generation.refinements.ACTIONS` on one of its models. `plan()` builds the
job request(s) the edit makes from the picked image and prices each with
`services.estimate_job`, the API's own estimate, so the figure shown is the one the job
reserves. What the chosen model does not take is left out of the request and said in
`notes` (a negative prompt inherited from a template, a seed for a model without seeds) rather
than refused. What the merchant must still do (paint a mask, say what to find, choose a
format) is `missing`: the editor shows it and disables the submit; `submit()` refuses it.
A composition's own parameters (a packshot's preset, a shadow's light) are fields of its panel,
described from the operation table, and checked by the job rules like the API's.
An edit that costs more than the tenant's `confirm_edits_above_usd` needs an explicit
confirmation of that total. Submitting is `services.submit_job` per request, all checked first.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from assets.models import Asset
from assets.presets import all_presets
from catalog.operations import OPERATION_DEFAULTS
from catalog.requests import JobRequest
from catalog.spec import ModelSpec, catalog
from core.errors import AtelierError, InvalidParameter
from dashboard.formatting import CENT, TENTH_OF_A_CENT, model_name, money
from generation import refinements, services
from generation.models import Job
from tenants.models import Tenant

# A stand-in used only to price an edit whose own text is still to be typed (what to find):
# the price does not depend on it, and it is never sent.
_PRICE_ONLY_MASK_PROMPT = "object"

# What each action asks of the merchant, in the editor's words.
HINTS = {
    "variations": "Four new takes on this image, keeping its composition.",
    "finish": "Render the same prompt and seed again on a premium model, as a final.",
    "upscale": "A larger, sharper copy of this image.",
    "inpaint": "Paint over the area to change, then say what goes there.",
    "search_replace": "Say what to find in the image and what to put in its place.",
    "outpaint": "Extend the image to ad formats; each format is one job.",
    "remove_background": "The subject on a transparent background.",
    "replace_background": "Keep the subject, describe the new background.",
    "packshot": "Cut the product out and place it on a marketplace's canvas, checked against "
                "the marketplace's rules.",
    "shadow": "A contact shadow and a cast shadow under a cut-out, drawn by Atelier: free.",
    "scene": "Stand this cut-out in a generated set: a preset scene, or describe one. The "
             "product's pixels are kept; each variation is a new background.",
    "conform": "Fix this image for a marketplace (background, fill, size, format), as the "
               "check below names: a new image, free.",
}
# A composition's parameters, in the editor's words (the API's names are shown beside them).
PARAM_LABELS = {"preset": "Marketplace preset", "shadow": "Shadow",
                "light_angle": "Light from (degrees, clockwise from above)",
                "softness": "Softness", "opacity": "Opacity", "distance": "Distance",
                "contact": "Contact shadow strength", "scene": "Scene",
                "placement": "Placement", "scale": "Product height (share of the frame)",
                "harmonize": "Edge harmonisation", "fix": "Fix"}
# What leaving an enum parameter unset means, where it means something.
ENUM_DEFAULTS = {"shadow": "the preset's or scene's own", "scene": "none: the prompt says"}
# The toolbar's short names (the panel's heading has the full one).
SHORT_LABELS = {"finish": "Premium finish", "search_replace": "Find & replace",
                "outpaint": "Ad formats", "remove_background": "Cut out",
                "replace_background": "New background", "packshot": "Packshot",
                "scene": "Scene", "conform": "Marketplace fix"}
FORMAT_NAMES = {"1:1": "square post", "4:5": "portrait feed", "16:9": "landscape banner",
                "9:16": "story"}
TAKES_PROMPT = frozenset({"variations", "finish", "inpaint", "search_replace", "outpaint",
                          "replace_background", "scene"})


@dataclass
class Plan:
    """An edit as it would be submitted: the requests, their estimates and what to say."""

    action: str
    model: str
    requests: list[JobRequest] = field(default_factory=list)
    costs: list[Decimal] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # parameters left out, and why
    missing: str = ""  # what the merchant must still do before it can run
    error: str = ""  # why it cannot run at all (the services' own message)
    per_format: bool = False  # priced for one format: none is chosen yet
    threshold: Decimal = Decimal("0")

    @property
    def total(self) -> Decimal:
        return sum(self.costs, Decimal("0"))

    @property
    def ready(self) -> bool:
        return not self.missing and not self.error and bool(self.requests)

    @property
    def needs_confirmation(self) -> bool:
        return self.total > self.threshold

    @property
    def confirm_token(self) -> str:
        """What the confirmation checkbox sends: the total it confirms (a new price asks again)."""
        places = CENT if self.total >= CENT else TENTH_OF_A_CENT
        return f"{self.total.quantize(places, rounding=ROUND_HALF_UP):f}"

    def shown(self) -> dict[str, Any]:
        """The plan for a template: money in words."""
        each = [{"request": r, "cost": money(c)} for r, c in zip(self.requests, self.costs,
                                                                   strict=False)]
        return {"action": self.action, "label": refinements.ACTIONS[self.action].label,
                "model": self.model, "model_name": model_name(self.model),
                "total": money(self.total) if self.costs else "—", "jobs": each,
                "notes": self.notes, "missing": self.missing, "error": self.error,
                "per_format": self.per_format, "ready": self.ready,
                "needs_confirmation": self.ready and self.needs_confirmation,
                "threshold": money(self.threshold), "confirm_token": self.confirm_token,
                "images": sum(r.n for r in self.requests),
                "price_is_estimate": any(spec.key == self.model and spec.price_is_estimate
                                         for spec in catalog())}


def _drop_what_the_model_does_not_take(spec: ModelSpec, base: dict[str, Any],
                                       notes: list[str]) -> None:
    negative = base.get("negative_prompt") or ""
    limit = spec.limits.negative_prompt_chars[1]
    if negative and len(negative) > limit:
        base["negative_prompt"] = ""
        why = "takes no negative prompt" if limit == 0 else (
            f"takes a negative prompt of up to {limit} characters")
        notes.append(f"Leaving out the inherited negative prompt “{negative[:80]}”: "
                     f"{spec.name} {why}, so it is not sent.")
    if base.get("seed") is not None and spec.limits.seed is None:
        notes.append(f"Leaving out the seed {base.pop('seed')}: {spec.name} takes no seed, so "
                     "the result is a new rendering of the prompt.")


def plan(tenant: Tenant, asset: Asset, action: str, *, model: str | None = None,
         prompt: str = "", mask: str | None = None, painted: bool = False,
         mask_prompt: str = "", formats: list[str] | None = None,
         params: Mapping[str, str] | None = None) -> Plan:
    """The edit's requests and estimates. `mask`: the painted mask's upload id (submitting);
    `painted`: the browser says a mask is painted (estimating, before it is uploaded);
    `params`: the composition's own parameters as the form sent them."""
    refinement = refinements.ACTIONS.get(action)
    if refinement is None:
        raise InvalidParameter(f"action: one of {', '.join(refinements.ACTIONS)}",
                               field="action")
    choices = refinements.models_for(action)
    model = model or (choices[0] if choices else "")
    if model not in choices:
        names = ", ".join(model_name(key) for key in choices) or "no model"
        raise InvalidParameter(f"model: {refinement.label.lower()} can use {names}",
                               field="model")
    spec = catalog().get(model)
    result = Plan(action=action, model=model, threshold=tenant.confirm_edits_above_usd)
    source = asset.parameters or {}
    base: dict[str, Any] = dict(model=model, operation=refinement.operation, n=refinement.n,
                                stage=refinement.stage)
    if spec.operations[refinement.operation].prompt != "none":
        base.update(prompt=prompt.strip() or (source.get("prompt", "")
                                              if refinement.inherits_prompt else ""),
                    negative_prompt=source.get("negative_prompt", ""))
    if refinement.uses_image:
        base["images"] = [str(asset.pk)]
    if refinement.keeps_seed and asset.seed is not None:
        base["seed"] = asset.seed
    if not refinement.uses_image:  # a new rendering: keep the picked image's shape
        base.update(refinements.shape(spec, asset.width, asset.height))
    _drop_what_the_model_does_not_take(spec, base, result.notes)
    if refinement.params:
        base["params"] = _own_params(tenant, refinement.operation, params or {})
    if refinement.operation == "inpaint":
        if not (mask or painted):
            result.missing = "Paint over the area to change first: nothing is painted yet."
        base.update(mask=mask)
    if refinement.operation == "search_replace":
        if not mask_prompt.strip():
            result.missing = "Say what to find in the image first."
        base.update(mask_prompt=mask_prompt.strip() or _PRICE_ONLY_MASK_PROMPT)
    if refinement.operation == "outpaint":
        chosen = [f for f in refinements.AD_FORMATS if f in (formats or [])]
        if not chosen:
            result.missing = "Choose one or more ad formats first."
            result.per_format = True
            chosen = [refinements.AD_FORMATS[0]]
        result.requests = [JobRequest(**base, aspect_ratio=ratio) for ratio in chosen]
    else:
        result.requests = [JobRequest(**base)]
    try:
        result.costs = [services.estimate_job(tenant, r).estimated_cost_usd
                        for r in result.requests]
    except AtelierError as exc:
        result.error, result.costs = exc.message, []
    return result


def _own_params(tenant: Tenant, operation: str, sent: Mapping[str, str]) -> dict[str, Any]:
    """The composition's parameters the form filled in, numbers as numbers (a value that is
    not one is passed on as typed, for the job rules to refuse naming it); a packshot without
    a preset gets the first one the tenant can name, so its price shows at once."""
    kinds = dict(OPERATION_DEFAULTS[operation].params)
    chosen: dict[str, Any] = {}
    for name, spec in kinds.items():
        value = (sent.get(name) or "").strip()
        if not value:
            continue
        if spec.get("type") == "float":
            try:
                chosen[name] = float(value)
                continue
            except ValueError:
                pass
        chosen[name] = value
    if "preset" in kinds and "preset" not in chosen:
        chosen["preset"] = all_presets(tenant)[0].key
    if "scene" in kinds and sent.get("scene") is None:  # not chosen yet: the first one
        chosen["scene"] = kinds["scene"]["values"][0]
    return chosen


def fields(tenant: Tenant, action: str, form: Any = None) -> list[dict[str, Any]]:
    """The panel's inputs for the action's own parameters: kind, choices or range, default,
    and the value the form holds."""
    refinement = refinements.ACTIONS[action]
    kinds = dict(OPERATION_DEFAULTS[refinement.operation].params)
    shown = []
    for name in refinement.params:
        spec = kinds[name]
        entry: dict[str, Any] = {"name": name, "label": PARAM_LABELS.get(name, name),
                                 "kind": spec.get("type"), "default": spec.get("default"),
                                 "value": form.get(name, "") if form is not None else ""}
        if name == "preset":
            entry["kind"] = "enum"
            entry["choices"] = [{"value": p.key, "label": p.name} for p in all_presets(tenant)]
        elif spec.get("type") == "enum":
            entry["choices"] = ([{"value": "", "label": ENUM_DEFAULTS[name]}]
                                if name in ENUM_DEFAULTS else []) + [
                {"value": v, "label": v.replace("_", " ")} for v in spec["values"]]
            if name == "scene" and entry["value"] == "" and form is None:
                entry["value"] = spec["values"][0]
        else:
            entry.update(min=spec.get("min"), max=spec.get("max"))
        shown.append(entry)
    return shown


def submit(tenant: Tenant, asset: Asset, planned: Plan, *, user: Any = None) -> list[Job]:
    """Submit a ready plan (its estimates checked every request: all or nothing)."""
    if planned.error:
        raise InvalidParameter(planned.error)
    if planned.missing:
        field_name = {"inpaint": "mask", "search_replace": "mask_prompt",
                      "outpaint": "formats"}.get(planned.action, "action")
        raise InvalidParameter(f"{planned.missing} Nothing was started or charged.",
                               field=field_name)
    return [services.submit_job(tenant, request, user=user, source_asset=asset)
            for request in planned.requests]


def tool(tenant: Tenant, asset: Asset, key: str, form: Any = None) -> dict[str, Any] | None:
    """One toolbar entry and its panel: the action, its models, and its plan on the default
    model with nothing filled in yet (or the plan of the `form` sent); None when no model can
    do the action now."""
    refinement = refinements.ACTIONS.get(key)
    models = refinements.models_for(key) if refinement is not None else []
    if refinement is None or not models:
        return None
    return {"key": key, "label": refinement.label, "hint": HINTS.get(key, ""),
            "short": SHORT_LABELS.get(key, refinement.label), "takes_prompt": key in TAKES_PROMPT,
            "models": [{"key": m, "name": model_name(m)} for m in models],
            "fields": fields(tenant, key, form),
            "plan": _plan_or_error(tenant, asset, key, form)}


def actions(tenant: Tenant, asset: Asset, *, chosen: str = "",
            form: Any = None) -> list[dict[str, Any]]:
    """The toolbar and its panels; the `chosen` action's plan is the `form`'s."""
    found = (tool(tenant, asset, key, form if key == chosen else None)
             for key in refinements.ACTIONS)
    return [entry for entry in found if entry is not None]


def plan_from(tenant: Tenant, asset: Asset, data: Any, *, mask: str | None = None) -> Plan:
    """The plan of an editor form (a QueryDict): `painted` is the browser's word for a mask
    not sent yet; `mask` the painted mask's upload id once it is."""
    return plan(tenant, asset, data.get("action", ""), model=data.get("model") or None,
                prompt=data.get("prompt", ""), mask=mask,
                painted=data.get("painted") == "1" or bool(data.get("mask_data")),
                mask_prompt=data.get("mask_prompt", ""), formats=data.getlist("formats"),
                params=data)


def _plan_or_error(tenant: Tenant, asset: Asset, action: str, form: Any) -> dict[str, Any]:
    try:
        planned = (plan_from(tenant, asset, form) if form is not None
                   else plan(tenant, asset, action))
    except AtelierError as exc:
        return {"action": action, "label": refinements.ACTIONS[action].label, "total": "—",
                "error": exc.message, "ready": False}
    return planned.shown()


def formats() -> list[dict[str, str]]:
    """The ad formats for outpainting, each with its CSS shape class and a name."""
    return [{"ratio": ratio, "name": FORMAT_NAMES.get(ratio, ratio),
             "shape": "ratio-" + ratio.replace(":", "-")} for ratio in refinements.AD_FORMATS]
