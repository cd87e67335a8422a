"""Reading a C2PA manifest store into the summaries Atelier reports (claim generator, issuer,
digital source type, the chain of manifests, validation errors)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

_VALID_STATES = {"Valid", "Trusted"}  # Trusted: the signer chains to a configured trust anchor

ASSET_LABEL = "atelier.asset"


_MAX_CHAIN = 8  # ingredients followed when looking for the digital source type


@dataclass(frozen=True)
class ActionSummary:
    action: str
    digital_source_type: str | None = None
    software_agent: str | None = None
    description: str | None = None
    ingredients: tuple[str, ...] = ()  # the titles of the ingredients it names


@dataclass(frozen=True)
class IngredientSummary:
    title: str | None
    relationship: str | None
    description: str | None = None
    has_credentials: bool = False  # it carried a manifest of its own (chained in the store)


@dataclass(frozen=True)
class ManifestSummary:
    """One claim in a file's history: who signed it, what it says was done."""

    label: str
    claim_generator: str | None = None
    title: str | None = None
    issuer: str | None = None
    signer_serial: str | None = None  # the signing certificate's serial number (decimal)
    signed_at: str | None = None
    actions: tuple[ActionSummary, ...] = ()
    ingredients: tuple[IngredientSummary, ...] = ()
    facts: Mapping[str, Any] = field(default_factory=dict)  # Atelier's own assertion


def _claim_generator(manifest: dict[str, Any]) -> str | None:
    if manifest.get("claim_generator"):  # claims v1 (older provider manifests)
        return manifest["claim_generator"]
    infos = manifest.get("claim_generator_info") or [{}]
    name, version = infos[0].get("name"), infos[0].get("version")
    return f"{name}/{version}" if name and version else name


def _issuer(manifest: dict[str, Any]) -> str | None:
    signature = manifest.get("signature_info") or {}
    return signature.get("issuer") or signature.get("common_name")


def _assertion(manifest: dict[str, Any], label: str) -> dict[str, Any]:
    for assertion in manifest.get("assertions", []):
        if assertion.get("label") == label and isinstance(assertion.get("data"), dict):
            return assertion["data"]
    return {}


def _digital_source_type(store: dict[str, Any], manifest: dict[str, Any]) -> str | None:
    """From the newest manifest that states one, following parent ingredients."""
    for _ in range(_MAX_CHAIN):
        stated = _stated_source_type(manifest)
        if stated:
            return stated
        manifest = _parent_manifest(store, manifest)
        if not manifest:
            return None
    return None


def _stated_source_type(manifest: dict[str, Any]) -> str | None:
    for assertion in manifest.get("assertions", []):
        if assertion.get("label", "").startswith("c2pa.actions"):
            for action in assertion.get("data", {}).get("actions", []):
                if action.get("digitalSourceType"):
                    return action["digitalSourceType"]
    return None


def _history(store: dict[str, Any], manifest: dict[str, Any]) -> tuple[ManifestSummary, ...]:
    """The active manifest, then its parent's, and so on (at most _MAX_CHAIN). A manifest of
    an unexpected shape (anyone can write one) ends the history there."""
    found: list[ManifestSummary] = []
    while manifest and len(found) < _MAX_CHAIN:
        try:
            found.append(_summary(manifest))
            manifest = _parent_manifest(store, manifest)
        except (AttributeError, TypeError, ValueError):
            break
    return tuple(found)


def _summary(manifest: dict[str, Any]) -> ManifestSummary:
    signature = manifest.get("signature_info") or {}
    ingredients = [item for item in manifest.get("ingredients", []) if isinstance(item, dict)]
    by_url = {f"self#jumbf=c2pa.assertions/{item.get('label')}": item.get("title")
              for item in ingredients}
    actions = []
    for assertion in manifest.get("assertions", []):
        if not str(assertion.get("label", "")).startswith("c2pa.actions"):
            continue
        for action in (assertion.get("data") or {}).get("actions", []):
            agent = action.get("softwareAgent")
            named = ((action.get("parameters") or {}).get("ingredients") or [])
            actions.append(ActionSummary(
                action=str(action.get("action")),
                digital_source_type=action.get("digitalSourceType"),
                software_agent=agent.get("name") if isinstance(agent, dict) else agent,
                description=action.get("description"),
                ingredients=tuple(str(by_url.get(str(item.get("url")), "?")) for item in named
                                  if isinstance(item, dict))))
    return ManifestSummary(
        label=str(manifest.get("label")),
        claim_generator=_claim_generator(manifest),
        title=manifest.get("title"),
        issuer=_issuer(manifest),
        signer_serial=signature.get("cert_serial_number"),
        signed_at=signature.get("time"),
        actions=tuple(actions),
        ingredients=tuple(IngredientSummary(
            title=item.get("title"), relationship=item.get("relationship"),
            description=item.get("description"),
            has_credentials=bool(item.get("active_manifest"))) for item in ingredients),
        facts=_assertion(manifest, ASSET_LABEL),
    )


def _parent_manifest(store: dict[str, Any], manifest: dict[str, Any]) -> dict[str, Any]:
    for ingredient in manifest.get("ingredients", []):
        if ingredient.get("relationship") == "parentOf":
            return store.get("manifests", {}).get(ingredient.get("active_manifest"), {})
    return {}


def _errors(store: dict[str, Any], manifest: dict[str, Any]) -> tuple[str, ...]:
    """Every failure the validator reports, ingredients' (as recorded when added) included."""
    errors = [_status(item) for item in store.get("validation_status", [])]
    for ingredient in manifest.get("ingredients", []):
        results = (ingredient.get("validation_results") or {}).get("activeManifest") or {}
        name = ingredient.get("title") or "?"
        errors += [f"ingredient {name!r}: {_status(item)}" for item in results.get("failure", [])]
    return tuple(dict.fromkeys(errors))


def _status(item: dict[str, Any]) -> str:
    explanation = item.get("explanation")
    return f"{item.get('code')}: {explanation}" if explanation else str(item.get("code"))
