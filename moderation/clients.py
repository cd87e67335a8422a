"""Calls to the moderation services: Bedrock Guardrails ApplyGuardrail and Rekognition
DetectModerationLabels. Any failure raises ModerationUnavailable; the callers fail closed."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError
from django.conf import settings

from core import metrics
from core.once import made_once


class ModerationUnavailable(Exception):
    """A moderation service could not give an answer (error, throttle, timeout)."""


@dataclass(frozen=True)
class Label:
    name: str
    parent: str
    confidence: float


@dataclass(frozen=True)
class GuardrailFinding:
    """One thing Guardrails BLOCKED: a content filter (category, band), a denied topic, a
    blocked word, or PII (a type, or a custom regex by its name)."""

    kind: str  # "content", "topic", "word", "pii"
    name: str  # the category (SEXUAL, …), topic name, matched word, PII type or regex name
    band: str = ""  # content filters: NONE, LOW, MEDIUM, HIGH

    def __str__(self) -> str:
        return f"{self.kind}: {self.name}" + (f" {self.band}" if self.band else "")


@dataclass(frozen=True)
class GuardrailVerdict:
    intervened: bool
    blocked: list[GuardrailFinding]
    message: str

    @property
    def findings(self) -> list[str]:  # e.g. "word: nude", "content: SEXUAL HIGH"
        return [str(finding) for finding in self.blocked]


@made_once
def _client(service: str, region: str, endpoint: str | None, timeout: float) -> Any:
    config = Config(connect_timeout=5, read_timeout=timeout,
                    retries={"mode": "standard", "total_max_attempts": 2})
    return boto3.session.Session().client(service, region_name=region, config=config)


def _service(service: str) -> Any:
    """A client per service, region, endpoint (tests move it) and timeout."""
    variable = "AWS_ENDPOINT_URL_" + service.upper().replace("-", "_")
    return _client(service, settings.AWS_REGION, os.environ.get(variable),
                   settings.ATELIER_MODERATION_TIMEOUT)


def detect_labels(image: bytes, *, min_confidence: float = 20.0) -> list[Label]:
    try:
        answer = _service("rekognition").detect_moderation_labels(
            Image={"Bytes": image}, MinConfidence=min_confidence)
    except (ClientError, BotoCoreError) as exc:
        metrics.moderation_failed("rekognition", exc)
        raise ModerationUnavailable(f"Rekognition: {exc}") from exc
    labels = [Label(name=item["Name"], parent=item.get("ParentName", ""),
                    confidence=float(item["Confidence"]))
              for item in answer.get("ModerationLabels", [])]
    metrics.moderation_decision("rekognition", "flagged" if labels else "clean")
    return labels


def _findings(assessments: list[dict[str, Any]]) -> list[GuardrailFinding]:
    found = []
    for assessment in assessments:
        for topic in assessment.get("topicPolicy", {}).get("topics", []):
            if topic.get("action") == "BLOCKED":
                found.append(GuardrailFinding("topic", str(topic.get("name"))))
        for item in assessment.get("contentPolicy", {}).get("filters", []):
            if item.get("action") == "BLOCKED":
                found.append(GuardrailFinding("content", str(item.get("type")),
                                              str(item.get("confidence") or "HIGH")))
        words = assessment.get("wordPolicy", {})
        for word in words.get("customWords", []) + words.get("managedWordLists", []):
            if word.get("action") == "BLOCKED":
                found.append(GuardrailFinding("word", str(word.get("match"))))
        sensitive = assessment.get("sensitiveInformationPolicy", {})
        for pii in sensitive.get("piiEntities", []) + sensitive.get("regexes", []):
            if pii.get("action") == "BLOCKED":  # a custom regex is named by its name
                found.append(GuardrailFinding("pii", str(pii.get("type") or pii.get("name"))))
    return found


def apply_guardrail(source: str, *, texts: Sequence[str] = (),
                    images: Sequence[tuple[bytes, str]] = ()) -> GuardrailVerdict:
    """ApplyGuardrail on prompts (source INPUT) or generated images (OUTPUT)."""
    content: list[dict[str, Any]] = [{"text": {"text": text}} for text in texts if text.strip()]
    content += [{"image": {"format": fmt, "source": {"bytes": data}}} for data, fmt in images]
    try:
        answer = _service("bedrock-runtime").apply_guardrail(
            guardrailIdentifier=settings.ATELIER_GUARDRAIL_ID,
            guardrailVersion=settings.ATELIER_GUARDRAIL_VERSION, source=source, content=content)
    except (ClientError, BotoCoreError) as exc:
        metrics.moderation_failed("guardrails", exc)
        raise ModerationUnavailable(f"Guardrails: {exc}") from exc
    message = " ".join(out.get("text", "") for out in answer.get("outputs", []))
    intervened = answer.get("action") == "GUARDRAIL_INTERVENED"
    metrics.moderation_decision("guardrails", "flagged" if intervened else "clean")
    return GuardrailVerdict(intervened=intervened, message=message,
                            blocked=_findings(answer.get("assessments", [])))
