"""Which adapter serves a model: Bedrock when ATELIER_PROVIDER=bedrock, else the offline
`local` renderer stands in for every model (same limits, same prices, no network)."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from django.conf import settings

from catalog.spec import ModelSpec
from providers import local
from providers.base import ProviderCall, ProviderResult
from providers.bedrock import adapter as bedrock

PROVIDERS = ("local", "bedrock")


def uses_bedrock(spec: ModelSpec) -> bool:
    return spec.family != "local" and settings.ATELIER_PROVIDER == "bedrock"


def adapter_for(spec: ModelSpec) -> Callable[[ProviderCall], ProviderResult]:
    return partial(bedrock.generate, spec.family) if uses_bedrock(spec) else local.generate
