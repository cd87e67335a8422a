"""Converse for Amazon Nova 2 Omni: request validation and answers (Atelier's side, an image
asked for in words and the returned image the authority on its size: docs/bedrock.md,
"2. Operations, and how Atelier maps them"). The Nova text models (the prompt assistant's) are
checked the same way and answer in words.

Coral (service-layer) errors use the wording captured from Bedrock: "N validation error(s) detected:
Value '<v>' at '<path>' failed to satisfy constraint: <constraint>", joined by "; ", with 1-based
list indexes. Nova's conversation rules use the captured prose messages with 0-based indexes.
Where no capture exists (unknown members, wrong JSON types, unions with several members, image
bytes that do not decode or do not match their format, unsupported blocks, keys inside
additionalModelRequestFields) the wording is INVENTED by this double and says so in a comment.
The length, pattern and enum limits of the other members (requestMetadata,
additionalModelResponseFieldPaths, projectIdentifier, guardrailConfig) are bedrock_limits.py's.
"""

from __future__ import annotations

import base64
import binascii
import io
import itertools
import re
from dataclasses import dataclass, field
from typing import Any

from PIL import Image

from tests.fakes import bedrock_limits
from tests.fakes.bedrock_schema import (
    ApiError,
    Ctx,
    Enum,
    Int,
    Invalid,
    Obj,
    about_one_megapixel,
    colour_for,
    encode,
    validation,
)

MEMBERS = frozenset({
    "messages", "system", "inferenceConfig", "additionalModelRequestFields",
    "additionalModelResponseFieldPaths", "requestMetadata", "performanceConfig", "serviceTier",
    "projectIdentifier", "toolConfig", "guardrailConfig", "promptVariables", "outputConfig"})
CONTENT_MEMBERS = frozenset({
    "text", "image", "document", "video", "audio", "toolUse", "toolResult", "guardContent",
    "cachePoint", "reasoningContent", "citationsContent", "searchResult", "toolAddition",
    "toolRemoval"})
SUPPORTED_BLOCKS = frozenset({"text", "image", "cachePoint"})  # what this double can answer
IMAGE_FORMATS = ("png", "jpeg", "gif", "webp")
FIRST_USER = ("A conversation must start with a user message. Try again with a conversation that "
              "starts with a user message.")
ALTERNATE = ("A conversation must alternate between user and assistant roles. Make sure the "
             "conversation alternates between user and assistant roles and try again.")
EMPTY = ("The content field in the Message object at messages.{i} is empty. Add a ContentBlock "
         "object to the content field and try again.")
BLANK = ("The text field in the ContentBlock object at messages.{i}.content.{j} is blank. Add text "
         "to the text field, and try again.")
BLOCKED = ("This request has been blocked by our content filters. Please adjust your {what} to "
           "submit a new request.")
# Inferred from the input-side message; no capture of an output-side refusal exists.
OUTPUT_BLOCKED = "The generated image has been blocked by our content filters."
# The Nova understanding models' documented wording for a blocked output.
OUTPUT_TEXT_BLOCKED = "The generated text has been blocked by our content filters."
# What a text model answers when no test scripted its words (INVENTED: any prose will do).
TEXT_MODEL_ANSWER = "I can help with that. Could you tell me more about the image you want?"
# additionalModelRequestFields goes to the model, which answers in its own words (model-side
# validation, not Coral's); that Nova checks these keys with this schema is an assumption of this
# double.
MODEL_FIELDS = Obj({"inferenceConfig": Obj({"topK": Int(1)}),
                    "reasoningConfig": Obj({"type": Enum(("enabled", "disabled")),
                                            "maxReasoningEffort": Enum(("low", "medium", "high"))},
                                           ("type",))})
SIZE = re.compile(r"(?<![\d.])(\d{2,5})\s*[xX\u00d7]\s*(\d{2,5})(?!\d)")
RATIO = re.compile(r"(?<![\d.:])(\d{1,2})\s*:\s*(\d{1,2})(?![\d:])\s*(?:aspect\s+)?ratio"
                   r"|ratio\s*(?:of\s*)?(\d{1,2})\s*:\s*(\d{1,2})(?![\d:])", re.IGNORECASE)


@dataclass
class Conversation:
    """What a valid Converse request contains, for the answer."""

    system: list[str] = field(default_factory=list)
    user_turns: list[list[str]] = field(default_factory=list)  # texts of each user message
    images: list[Image.Image] = field(default_factory=list)  # input images, latest turn first
    input_tokens: int = 0

    def size(self) -> tuple[int, int]:
        """WxH in the text, else a W:H ratio, else the first input image, else 1024x1024.

        Texts are searched latest user turn first, then the system prompt, then older turns.
        """
        texts = [*self.user_turns[-1:], self.system, *reversed(self.user_turns[:-1])]
        text = "\n".join(t for turn in texts for t in turn)
        if match := SIZE.search(text):
            return clamp(int(match[1]), int(match[2]))
        if match := RATIO.search(text):
            w, h = (int(g) for g in match.groups() if g is not None)
            if w and h:
                return about_one_megapixel(w, h, step=16)
        if self.images:
            return self.images[0].size
        return (1024, 1024)

    @property
    def key(self) -> str:
        return "\n".join(t for turn in self.user_turns for t in turn)


def clamp(w: int, h: int) -> tuple[int, int]:
    return (min(max(w, 64), 4096), min(max(h, 64), 4096))


def coral(errors: list[str]) -> ApiError:
    plural = "s" if len(errors) > 1 else ""
    return validation(f"{len(errors)} validation error{plural} detected: " + "; ".join(errors))


def violation(value: Any, path: str, constraint: str) -> str:
    shown = "null" if value is None else f"'{value}'"
    return f"Value {shown} at '{path}' failed to satisfy constraint: {constraint}"


TYPE_NAMES = {dict: "structure", list: "list", str: "string", bool: "boolean", int: "integer"}


def typed(value: Any, kind: type | tuple[type, ...], path: str) -> None:
    ok = isinstance(value, kind) and not (isinstance(value, bool) and kind is not bool)
    if not ok:  # INVENTED: the real service answers a SerializationException of unknown wording
        name = TYPE_NAMES.get(kind, "number") if isinstance(kind, type) else "number"
        raise validation(f"Unable to parse the request: the member at '{path}' must be a {name}.")


def union(block: Any, path: str, allowed: frozenset[str]) -> str:
    typed(block, dict, path)
    for key in block:
        if key not in allowed:  # INVENTED wording
            raise validation(f"Unknown member '{key}' at '{path}'.")
    if len(block) != 1:  # INVENTED wording (boto3 refuses this before sending)
        raise coral([violation(None, path, "Member must have exactly one of its members set")])
    return next(iter(block))


def ranged(config: dict, name: str, path: str, lo: float, hi: float | None,
           errors: list[str], integer: bool = False) -> None:
    if name not in config:
        return
    value = config[name]
    typed(value, int if integer else (int, float), f"{path}.{name}")
    shown = value if integer else float(value)  # a Float member prints with ".0"
    if value < lo:
        errors.append(violation(shown, f"{path}.{name}", "Member must have value greater than "
                                                         f"or equal to {lo:g}"))
    elif hi is not None and value > hi:
        errors.append(violation(shown, f"{path}.{name}", "Member must have value less than or "
                                                         f"equal to {hi:g}"))


def check_members(body: dict, errors: list[str]) -> None:
    """Coral checks of everything but `messages`."""
    for i, block in enumerate(body.get("system") or [], 1):
        path = f"system.{i}.member"
        if union(block, path, frozenset({"text", "guardContent", "cachePoint"})) == "text":
            typed(block["text"], str, f"{path}.text")
            if not block["text"]:
                errors.append(violation("", f"{path}.text",
                                        "Member must have length greater than or equal to 1"))
    typed(body.get("system", []), list, "system")
    config = body.get("inferenceConfig", {})
    typed(config, dict, "inferenceConfig")
    for key in config:
        if key not in ("maxTokens", "temperature", "topP", "stopSequences"):
            raise validation(f"Unknown member '{key}' at 'inferenceConfig'.")  # INVENTED
    ranged(config, "maxTokens", "inferenceConfig", 1, None, errors, integer=True)
    ranged(config, "temperature", "inferenceConfig", 0, 1, errors)
    ranged(config, "topP", "inferenceConfig", 0, 1, errors)
    stops = config.get("stopSequences", [])
    typed(stops, list, "inferenceConfig.stopSequences")
    if len(stops) > 2500:
        errors.append(violation(stops, "inferenceConfig.stopSequences",
                                "Member must have length less than or equal to 2500"))
    for i, stop in enumerate(stops, 1):
        typed(stop, str, f"inferenceConfig.stopSequences.{i}.member")
        if not stop:
            errors.append(violation("", f"inferenceConfig.stopSequences.{i}.member",
                                    "Member must have length greater than or equal to 1"))
    for name, key, values in (("performanceConfig", "latency", ("standard", "optimized")),
                              ("serviceTier", "type", ("priority", "default", "flex",
                                                       "reserved"))):
        if name not in body:
            continue
        typed(body[name], dict, name)
        if body[name].get(key) not in values:
            errors.append(violation(body[name].get(key), f"{name}.{key}",
                                    f"Member must satisfy enum value set: [{', '.join(values)}]"))


def check_messages(messages: Any, errors: list[str]) -> None:
    """Coral checks of `messages`: roles, content lists, unions, image formats."""
    if messages is None:
        errors.append(violation(None, "messages", "Member must not be null"))
        return
    typed(messages, list, "messages")
    for i, message in enumerate(messages, 1):
        path = f"messages.{i}.member"
        typed(message, dict, path)
        role = message.get("role")
        if role not in ("user", "assistant"):
            errors.append(violation(role, f"{path}.role", "Member must not be null" if role is None
                                    else "Member must satisfy enum value set: [user, assistant]"))
        content = message.get("content")
        if content is None:
            errors.append(violation(None, f"{path}.content", "Member must not be null"))
            continue
        typed(content, list, f"{path}.content")
        for j, block in enumerate(content, 1):
            where = f"{path}.content.{j}.member"
            if union(block, where, CONTENT_MEMBERS) == "image":
                image = block["image"]
                typed(image, dict, f"{where}.image")
                if image.get("format") not in IMAGE_FORMATS:
                    errors.append(violation(image.get("format"), f"{where}.image.format",
                                            "Member must satisfy enum value set: "
                                            f"[{', '.join(IMAGE_FORMATS)}]"))
                union(image.get("source"), f"{where}.image.source",
                      frozenset({"bytes", "s3Location"}))


def read_image(image: dict, where: str) -> Image.Image:
    source = image["source"]
    if "bytes" not in source:  # INVENTED: the double cannot read S3
        raise validation(f"The test double does not support s3Location image sources ({where}).")
    try:
        raw = base64.b64decode(source["bytes"], validate=True)
        decoded = Image.open(io.BytesIO(raw))
        decoded.load()
    except (binascii.Error, ValueError, OSError, TypeError):
        decoded = None
    if decoded is None or (decoded.format or "").lower() != image["format"]:  # INVENTED wording
        raise validation(f"The image at {where} could not be decoded as {image['format']}. "
                         "Check the image bytes and the format field, and try again.")
    return decoded


def validate(body: Any) -> Conversation:
    """Validate a Converse body for Nova 2 Omni; raise ApiError on the first refusal."""
    typed(body, dict, "request")
    for key in body:
        if key not in MEMBERS:  # INVENTED wording: no capture of the real answer exists
            raise validation(f"Unknown member '{key}' in the Converse request body.")
    errors: list[str] = []
    check_messages(body.get("messages"), errors)
    check_members(body, errors)
    for name, kind in (("additionalModelResponseFieldPaths", list), ("requestMetadata", dict),
                       ("projectIdentifier", str), ("guardrailConfig", dict)):
        if body.get(name) is not None:
            typed(body[name], kind, name)
    bedrock_limits.check_converse(body, errors)
    if errors:
        raise coral(errors)
    messages = body["messages"]
    if not messages or messages[0]["role"] != "user":
        raise validation(FIRST_USER)
    if any(a["role"] == b["role"] for a, b in itertools.pairwise(messages)):
        raise validation(ALTERNATE)
    conversation = Conversation(system=[b["text"] for b in body.get("system") or [] if "text" in b])
    for i, message in enumerate(messages):
        if not message["content"]:
            raise validation(EMPTY.format(i=i))
        texts, images = [], []
        for j, block in enumerate(message["content"]):
            (kind,) = block
            if kind not in SUPPORTED_BLOCKS:  # INVENTED wording
                raise validation(f"This model doesn't support the {kind} content block that you "
                                 "provided. Try again with supported content blocks.")
            if kind == "text":
                typed(block["text"], str, f"messages.{i + 1}.member.content.{j + 1}.member.text")
                if not block["text"].strip():
                    raise validation(BLANK.format(i=i, j=j))
                texts.append(block["text"])
            elif kind == "image":
                images.append(read_image(block["image"], f"messages.{i}.content.{j}"))
        if message["role"] == "user":
            conversation.user_turns.append(texts)
            conversation.images[:0] = images
        conversation.input_tokens += sum(len(t) // 4 + 1 for t in texts) + 1600 * len(images)
    conversation.input_tokens += sum(len(t) // 4 + 1 for t in conversation.system)
    extra = body.get("additionalModelRequestFields")
    if extra is not None:
        try:
            MODEL_FIELDS.check(extra, "#", Ctx())
        except Invalid as error:
            raise validation(f"The model returned the following errors: {error.message}") from None
    return conversation


def blocked_input(what: str) -> ApiError:
    return validation(BLOCKED.format(what={"text": "text prompt", "image": "input image"}[what]))


def render(conversation: Conversation, *, latency_ms: int, text: str | None = None,
           filtered: bool = False, output: str = "image") -> dict:
    """The Converse answer: one PNG image block, or text only, or content_filtered (`output`:
    what the model makes, "image" or "text")."""
    if filtered:
        blocked = OUTPUT_TEXT_BLOCKED if output == "text" else OUTPUT_BLOCKED
        content, stop, output_tokens = [{"text": blocked}], "content_filtered", 12
    elif text is not None:
        content, stop, output_tokens = [{"text": text}], "end_turn", len(text) // 4 + 1
    else:
        w, h = conversation.size()
        data = encode(w, h, colour_for(conversation.key))
        content = [{"image": {"format": "png", "source": {"bytes": data}}}]
        stop, output_tokens = "end_turn", 1040
    usage = {"inputTokens": conversation.input_tokens, "outputTokens": output_tokens,
             "totalTokens": conversation.input_tokens + output_tokens}
    return {"output": {"message": {"role": "assistant", "content": content}},
            "stopReason": stop, "usage": usage, "metrics": {"latencyMs": latency_ms}}
