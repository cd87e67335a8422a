"""Amazon Nova 2 Omni over the Converse API (§12): the request is a conversation.

There is no size, count, seed or mask field: the size is asked for in the system prompt, each
call makes one image, edits attach the source image before the instruction, and the returned
PNG is the authority on the size. The model may answer in words instead of drawing; that is a
failed call, not an image.
"""

from __future__ import annotations

from typing import Any

from providers.base import ProviderCall, ProviderError, ProviderResult
from providers.bedrock.images import decode_image

SYSTEM = ("You are an image generator for e-commerce and marketing. Interpret every user "
          "message as a request to generate or edit an image. Never ask for clarification. "
          "Always answer with exactly one image.")
INSTRUCTIONS = {
    "text_to_image": "{prompt}",
    "image_to_image": "{prompt} Preserve all other details of the image.",
    "remove_background": ("Remove the background of this image completely, leaving only the "
                          "main subject on a plain white background. {prompt}"),
    "replace_background": ("Replace the background of this image with: {prompt}. Keep the main "
                           "subject exactly as it is."),
}
BLOCKED_STOPS = {"content_filtered", "guardrail_intervened"}


def build(call: ProviderCall) -> dict[str, Any]:
    size = (f"Generate the image with dimensions {call.width}x{call.height} pixels."
            if call.operation == "text_to_image" else
            "Keep the image's dimensions and aspect ratio.")
    content: list[dict[str, Any]] = [
        {"image": {"format": image.format, "source": {"bytes": image.data}}}
        for image in call.images]
    text = INSTRUCTIONS[call.operation].format(prompt=call.prompt.strip()).strip()
    content.append({"text": text})
    request: dict[str, Any] = {
        "system": [{"text": f"{SYSTEM} {size}"}],
        "messages": [{"role": "user", "content": content}],
        "inferenceConfig": {"maxTokens": 10000,
                            "temperature": call.params.get("temperature", 0.1)},
    }
    return request


def parse(answer: dict[str, Any], call: ProviderCall) -> ProviderResult:
    content = (answer.get("output") or {}).get("message", {}).get("content") or []
    images = [block["image"] for block in content if "image" in block]
    texts = " ".join(block["text"] for block in content if "text" in block).strip()
    stop = answer.get("stopReason")
    if stop in BLOCKED_STOPS:
        return ProviderResult(images=(), blocked=(f"Nova 2 Omni withheld the image ({stop})",))
    if not images:
        raise ProviderError("no_image", f"Nova 2 Omni answered without an image "
                            f"(stopReason {stop}): {texts[:300]}", retryable=False)
    return ProviderResult(images=(decode_image(images[0]["source"]["bytes"], None),))
