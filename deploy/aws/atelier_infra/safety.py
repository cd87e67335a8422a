"""The Bedrock Guardrail the app applies to prompts and images (ATELIER_GUARDRAIL_ID/VERSION).

Content filters on text and images, prompt-attack filtering on input, and the platform's own
denials: every blocked term in moderation/policy.yaml becomes a blocked word, and each term
is filed under a denied topic below (synthesis fails if a new term fits none, so the
guardrail cannot silently fall behind the policy file).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass

from aws_cdk import aws_bedrock as bedrock
from constructs import Construct

from atelier_infra import appcode
from atelier_infra.config import DeployConfig

HARM_CATEGORIES = ("SEXUAL", "VIOLENCE", "HATE", "INSULTS", "MISCONDUCT")
MODALITIES = ["TEXT", "IMAGE"]
BLOCKED_MESSAGE = "This request was blocked by Atelier's content policy."


@dataclass(frozen=True)
class DeniedTopic:
    """A guardrail topic and the words that file a policy term under it."""

    name: str
    definition: str
    keywords: tuple[str, ...]


DENIED_TOPICS = (
    DeniedTopic(
        "Sexual content involving minors",
        "Any sexual or nude depiction of, or sexual reference to, a child, minor or underage "
        "person, including child sexual abuse material.",
        ("child", "minor", "underage", "csam")),
    DeniedTopic(
        "Bestiality",
        "Sexual activity or sexual depiction involving animals.",
        ("bestiality",)),
    DeniedTopic(
        "Extreme gore",
        "Depictions of real or staged killings, beheadings, snuff films or similarly "
        "extreme gore.",
        ("beheading", "snuff")),
)


def topics_for(terms: list[str]) -> list[bedrock.CfnGuardrail.TopicConfigProperty]:
    """The denied topics, each with up to five of the policy's terms as examples."""
    examples: dict[str, list[str]] = {topic.name: [] for topic in DENIED_TOPICS}
    for term in terms:
        words = term.lower().split()
        topic = next((t for t in DENIED_TOPICS if any(k in words for k in t.keywords)), None)
        if topic is None:
            raise ValueError(f"moderation/policy.yaml term {term!r} fits no denied topic in "
                             "deploy/aws/atelier_infra/safety.py; add it to a topic")
        examples[topic.name].append(term)
    return [bedrock.CfnGuardrail.TopicConfigProperty(
        name=topic.name, definition=topic.definition, type="DENY",
        examples=examples[topic.name][:5] or None)
        for topic in DENIED_TOPICS]


def fingerprint(terms: list[str]) -> str:
    """A short digest of everything the guardrail is built from."""
    policy = {"terms": terms, "topics": [asdict(t) for t in DENIED_TOPICS],
              "categories": HARM_CATEGORIES, "modalities": MODALITIES,
              "message": BLOCKED_MESSAGE}
    return hashlib.sha256(json.dumps(policy, sort_keys=True).encode()).hexdigest()[:12]


class Safety(Construct):
    """`guardrail` and its published `version`."""

    def __init__(self, scope: Construct, construct_id: str, *, config: DeployConfig) -> None:
        super().__init__(scope, construct_id)
        terms = appcode.denied_terms()
        filters = [bedrock.CfnGuardrail.ContentFilterConfigProperty(
            type=category, input_strength="HIGH", output_strength="HIGH",
            input_modalities=MODALITIES, output_modalities=MODALITIES)
            for category in HARM_CATEGORIES]
        # Prompt attacks are an input-only, text-only filter (output strength must be NONE).
        filters.append(bedrock.CfnGuardrail.ContentFilterConfigProperty(
            type="PROMPT_ATTACK", input_strength="HIGH", output_strength="NONE",
            input_modalities=["TEXT"]))
        self.guardrail = bedrock.CfnGuardrail(
            self, "Guardrail",
            name=f"{config.stack_name.lower()}-content-policy",
            description="Atelier platform policy: harmful content, prompt attacks, denied topics",
            blocked_input_messaging=BLOCKED_MESSAGE,
            blocked_outputs_messaging=BLOCKED_MESSAGE,
            content_policy_config=bedrock.CfnGuardrail.ContentPolicyConfigProperty(
                filters_config=filters),
            topic_policy_config=bedrock.CfnGuardrail.TopicPolicyConfigProperty(
                topics_config=topics_for(terms)),
            word_policy_config=bedrock.CfnGuardrail.WordPolicyConfigProperty(
                words_config=[bedrock.CfnGuardrail.WordConfigProperty(text=term)
                              for term in terms]),
        )
        # The app pins an immutable version. CloudFormation publishes a new one only when the
        # version resource itself changes, so its description carries a fingerprint of the
        # policy: any change to the guardrail above also publishes (and hands over) a version.
        self.version = bedrock.CfnGuardrailVersion(
            self, "Version", guardrail_identifier=self.guardrail.attr_guardrail_id,
            description=f"Published by the Atelier CDK app; policy {fingerprint(terms)}")

    @property
    def guardrail_id(self) -> str:
        return self.guardrail.attr_guardrail_id

    @property
    def guardrail_version(self) -> str:
        return self.version.attr_version

    @property
    def guardrail_arn(self) -> str:
        return self.guardrail.attr_guardrail_arn
