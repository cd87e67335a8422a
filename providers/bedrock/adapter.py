"""The Bedrock adapter: pick the family's builder and parser, call, and return the result."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from providers.base import ProviderCall, ProviderResult
from providers.bedrock import amazon, client, nova_omni, sdxl, stability

Builder = Callable[[ProviderCall], dict[str, Any]]
Parser = Callable[[dict[str, Any], ProviderCall], ProviderResult]

# family -> (API, request builder, response parser)
FAMILIES: dict[str, tuple[str, Builder, Parser]] = {
    "nova-canvas": ("invoke", amazon.build, amazon.parse),
    "titan": ("invoke", amazon.build, amazon.parse),
    "stability": ("invoke", stability.build, stability.parse),
    "stability-services": ("invoke", stability.build_service, stability.parse),
    "sdxl": ("invoke", sdxl.build, sdxl.parse),
    "nova-omni": ("converse", nova_omni.build, nova_omni.parse),
}


def request_for(family: str, call: ProviderCall) -> dict[str, Any]:
    """The exact request this call sends (the InvokeModel body, or the Converse arguments)."""
    return FAMILIES[family][1](call)


def generate(family: str, call: ProviderCall) -> ProviderResult:
    api, build, parse = FAMILIES[family]
    send = client.invoke if api == "invoke" else client.converse
    answer = send(call.model_id, build(call), call.region)
    return replace(parse(answer.body, call), provider_seconds=answer.provider_seconds,
                   answered_at=answer.answered_at)
