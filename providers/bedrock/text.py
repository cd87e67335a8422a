"""A text model over the Converse API, for the prompt assistant: one user message in, the
model's words and the tokens it billed out.

The assistant answers a person waiting on a page, so a throttle or a 5xx is tried again a few
times at short intervals (not the jobs' minutes of backoff) before it is reported; each
attempt goes through the same bedrock-runtime client as the image models.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from providers.base import ProviderError
from providers.bedrock import client

ATTEMPTS = 3
BACKOFF_SECONDS = (0.25, 1.0)  # before the second and the third attempt


@dataclass(frozen=True)
class TextAnswer:
    text: str  # every text block of the answer, joined
    stop_reason: str
    input_tokens: int
    output_tokens: int
    attempts: int


def request(system: str, user_text: str, *, max_tokens: int) -> dict:
    """The Converse arguments besides the model ID: temperature 0, as the same brief should
    get the same suggestion."""
    return {"system": [{"text": system}],
            "messages": [{"role": "user", "content": [{"text": user_text}]}],
            "inferenceConfig": {"maxTokens": max_tokens, "temperature": 0.0}}


def converse_text(model_id: str, system: str, user_text: str, *, region: str,
                  max_tokens: int = 800) -> TextAnswer:
    """Ask once, retrying throttles and server errors; a ProviderError when the model cannot
    answer (its `retryable` says whether trying later may help)."""
    arguments = request(system, user_text, max_tokens=max_tokens)
    for attempt in range(1, ATTEMPTS + 1):
        try:
            answer = client.converse(model_id, arguments, region).body
            break
        except ProviderError as exc:
            if not exc.retryable or attempt == ATTEMPTS:
                raise
            time.sleep(BACKOFF_SECONDS[attempt - 1])
    content = (answer.get("output") or {}).get("message", {}).get("content") or []
    usage = answer.get("usage") or {}
    return TextAnswer(text="".join(block["text"] for block in content if "text" in block),
                      stop_reason=str(answer.get("stopReason", "")),
                      input_tokens=int(usage.get("inputTokens", 0)),
                      output_tokens=int(usage.get("outputTokens", 0)), attempts=attempt)
