"""Which adapter serves which catalog family (data, not branches)."""

from __future__ import annotations

from collections.abc import Callable

from generation.catalog import ModelSpec
from generation.providers import local
from generation.providers.base import ProviderCall, ProviderResult

ADAPTERS: dict[str, Callable[[ProviderCall], ProviderResult]] = {
    "local": local.generate,
}


def adapter_for(spec: ModelSpec) -> Callable[[ProviderCall], ProviderResult]:
    return ADAPTERS[spec.family]
