"""The InvokeModel families by name, and their answers: Nova Canvas and Titan (`images`, and
`error` when some or all were filtered), Stability (`images`, `seeds`, `finish_reasons`) and SDXL
(`artifacts` with `finishReason`, CONTENT_FILTERED when filtered); what Atelier makes of each:
docs/bedrock.md, "3. Outcomes, retries and timeouts".

A family is a schema (tests/fakes/bedrock_schema.py nodes) plus a planner that reads a valid body
into a `Plan` (how many images, of what size and format). `render` turns a plan into the family's
documented success body, with output filtering applied when a test asks for it. The per-model rules
are in bedrock_amazon.py (Nova Canvas, Titan) and bedrock_stability.py (Stability AI).
"""

from __future__ import annotations

from tests.fakes import bedrock_amazon, bedrock_stability
from tests.fakes.bedrock_schema import Family, Plan, colour_for, encode, validation
from tests.fakes.bedrock_stability import SERVICES

FAMILIES: dict[str, Family] = {**bedrock_amazon.FAMILIES, **bedrock_stability.FAMILIES}
__all__ = ["FAMILIES", "SERVICES", "blocked_input", "render"]

NOVA_BLOCKED = ("This request has been blocked by our content filters. Please adjust your {what} "
                "to submit a new request.")
TITAN_BLOCKED = ("This request has been blocked by our content filters. Our filters automatically "
                 "flagged this {noun} because it may conflict our AUP or AWS Responsible AI "
                 "Policy. Please adjust your {what} to submit a new request.")
SOME_BLOCKED = "Some of the generated images have been blocked by our content filters."
ALL_BLOCKED = "All of the generated images have been blocked by our content filters."
SDXL_BLOCKED = "One or more prompts contains filtered words."


def blocked_input(plan: Plan, what: str) -> dict | None:
    """A blocked prompt ("text") or input image ("image"): raises for Nova/Titan/SDXL text."""
    where = {"text": "text prompt", "image": "input image"}[what]
    if plan.kind == "amazon":
        if plan.titan:  # the image variant is invented, by analogy with the captured text one
            raise validation(TITAN_BLOCKED.format(noun="prompt" if what == "text" else "image",
                                                  what=where))
        raise validation(NOVA_BLOCKED.format(what=where))
    if plan.kind == "sdxl":
        if what == "text":
            raise validation(SDXL_BLOCKED)
        return None  # image: answered as a CONTENT_FILTERED artifact by render()
    # The body of AWS's documented example for Stability: only finish_reasons, no seeds and no
    # images.
    return {"finish_reasons": [f"Filter reason: {'prompt' if what == 'text' else 'input image'}"]}


def render(plan: Plan, filtered: int | None = 0) -> dict:
    """The success body; `filtered` images are blocked after generation (None: all of them).

    Stability models answer one image; their filtered answers carry no `images` member.
    """
    w, h, seed = *plan.size, plan.seed
    blocked = plan.count if filtered is None else min(filtered, plan.count)
    if plan.kind == "amazon":
        kept = plan.count - blocked
        body: dict = {"images": [encode(w, h, colour_for(f"{plan.key}|{seed}|{i}"), "png",
                                        plan.alpha) for i in range(kept)]}
        if plan.return_mask:
            body["maskImage"] = encode(w, h, (0, 0, 0))
        if blocked:
            body["error"] = SOME_BLOCKED if kept else ALL_BLOCKED
        return body
    if plan.kind == "sdxl":
        reason = "CONTENT_FILTERED" if blocked else "SUCCESS"
        return {"result": "success", "artifacts": [{
            "seed": seed, "base64": encode(w, h, colour_for(f"{plan.key}|{seed}|{reason}")),
            "finishReason": reason}]}
    if blocked:
        return {"seeds": [seed], "finish_reasons": ["Filter reason: output image"]}
    return {"seeds": [seed], "finish_reasons": [None],
            "images": [encode(w, h, colour_for(f"{plan.key}|{seed}"), plan.fmt, plan.alpha)]}
