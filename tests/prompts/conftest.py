"""The prompt assistant's text model on the Bedrock double (`assistant_model`)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.fakes.bedrock import BedrockDouble

MODEL_ID = "us.amazon.nova-lite-v1:0"


@pytest.fixture
def assistant_model(bedrock_double: BedrockDouble, settings) -> Iterator[BedrockDouble]:
    """ATELIER_PROMPT_MODEL names Nova Lite's `us.` profile, served by the double from the US
    Regions (text models are in no image catalog, so the double is told where)."""
    settings.ATELIER_PROMPT_MODEL = MODEL_ID
    settings.AWS_REGION = "us-east-1"
    # The limits on calls are tested on their own (test_prompt_model_limits.py): elsewhere,
    # other tests' calls in the same minute must not count.
    settings.ATELIER_PROMPT_MODEL_RPM = settings.ATELIER_PROMPT_TENANT_RPM = 100_000
    bedrock_double.regions[MODEL_ID] = frozenset({"us-east-1", "us-west-2"})
    yield bedrock_double
