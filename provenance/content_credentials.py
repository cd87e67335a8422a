"""C2PA Content Credentials: sign Atelier's images as AI-generated or AI-edited (which model,
through Atelier, which asset, made from which files) and read back what a file claims.

A generated image's manifest says `c2pa.created` (trainedAlgorithmicMedia); an edit's says
`c2pa.opened` on the source image (its parent ingredient, whose own manifest chains) then
`c2pa.edited` (compositeWithTrainedAlgorithmicMedia), with the mask and other model inputs as
`inputTo` ingredients; a rendition's says `c2pa.opened` on the original, then `c2pa.resized`
and/or `c2pa.transcoded`. Offline: nothing is fetched, neither remote manifests nor certificate
revocation. No manifest carries a prompt or a tenant unless the caller puts them in `facts`.
"""

from __future__ import annotations

import io
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import c2pa

from provenance.credentials_reading import (
    _VALID_STATES,
    ASSET_LABEL,
    ManifestSummary,
    _assertion,
    _claim_generator,
    _digital_source_type,
    _errors,
    _history,
    _issuer,
)
from provenance.signing_identity import (
    _signer,
)

# AVIF: renditions (web copies) only; originals are PNG, JPEG or WebP.
MIME_TYPES = {"png": "image/png", "jpeg": "image/jpeg", "webp": "image/webp",
              "avif": "image/avif"}
_SOURCE_TYPES = "http://cv.iptc.org/newscodes/digitalsourcetype/"
TRAINED_ALGORITHMIC_MEDIA = f"{_SOURCE_TYPES}trainedAlgorithmicMedia"
# IPTC: "trained algorithmic media combined with other media, such as with inpainting or
# outpainting" -- what the C2PA guidance names for an AI edit of an existing image.
COMPOSITE_WITH_TRAINED_ALGORITHMIC_MEDIA = f"{_SOURCE_TYPES}compositeWithTrainedAlgorithmicMedia"
CLAIM_GENERATOR = "Atelier"
# Our assertion: {"asset_id", "model_id", "model_name", "operation"} and, only when the tenant
# opted in, "prompt" and "publisher"; a rendition's also names the rendition.
PARENT_LABEL = "provider-original"
RELATIONSHIPS = ("parentOf", "componentOf", "inputTo")
# No claim thumbnail: on a 1024 px PNG it adds 60-120 ms and 50 KB-1.3 MB; the image previews
# itself.
SETTINGS = {
    "builder": {"thumbnail": {"enabled": False}},
    "verify": {"remote_manifest_fetch": False, "ocsp_fetch": False},
}


@dataclass(frozen=True)
class Ingredient:
    """A file the signed image was made from. `parentOf`: the image that was opened and edited
    (at most one); `inputTo`: something the model was given (a mask, a reference image);
    `componentOf`: something placed into the image. Its own manifest, if any, is kept."""

    data: bytes
    fmt: str
    relationship: str
    title: str
    description: str = ""


@dataclass(frozen=True)
class CredentialsReport:
    state: str  # "valid" | "invalid" | "none"  (none = no manifest at all)
    claim_generator: str | None = None
    title: str | None = None
    digital_source_type: str | None = None
    issuer: str | None = None
    errors: tuple[str, ...] = ()
    manifest_json: str | None = None  # the reader's JSON, for debugging
    asset_id: str | None = None  # from Atelier's own assertion, when present
    # The signer chains to one of the trust anchors read() was given (validation "Trusted").
    trusted: bool = False
    # The active manifest first, then each parent's, oldest last.
    history: tuple[ManifestSummary, ...] = ()


def sign(
    data: bytes,
    fmt: str,
    *,
    cert_file: Path,
    key_file: Path,
    model_id: str,
    model_name: str,
    asset_id: str,
    title: str,
    edited: bool = False,
    ingredients: Sequence[Ingredient] = (),
    facts: Mapping[str, str] | None = None,
) -> bytes:
    """`data` with an embedded manifest declaring it made (`c2pa.created`) or, `edited`, made
    by editing its `parentOf` ingredient (`c2pa.opened`, then `c2pa.edited`) with `model_*`.

    Without a `parentOf` ingredient, a manifest already in `data` (a provider's) becomes the
    parent. `facts` are added to Atelier's assertion (the asset's id and model are always
    there)."""
    mime = _mime(fmt)
    parts = list(ingredients)
    if not any(part.relationship == "parentOf" for part in parts) and _has_manifest(data, mime):
        parts.insert(0, Ingredient(data, fmt, "parentOf", title))
    _check(parts)
    model = {"name": model_name, "model_id": model_id}
    labels = _labels(parts)
    parent = [label for label, part in zip(labels, parts, strict=True)
              if part.relationship == "parentOf"]
    inputs = [label for label, part in zip(labels, parts, strict=True)
              if part.relationship != "parentOf"]
    actions: list[dict[str, Any]]
    if parent and edited:
        actions = [_action("c2pa.opened", parent, agent={"name": CLAIM_GENERATOR}),
                   _action("c2pa.edited", inputs, agent=model,
                           source=COMPOSITE_WITH_TRAINED_ALGORITHMIC_MEDIA)]
    elif parent:  # C2PA: a "created" asset has no parent, so the first action is "opened"
        actions = [_action("c2pa.opened", parent + inputs, agent={"name": CLAIM_GENERATOR},
                           source=TRAINED_ALGORITHMIC_MEDIA)]
    else:
        actions = [_action("c2pa.created", inputs, agent=model,
                           source=TRAINED_ALGORITHMIC_MEDIA)]
    facts = {"asset_id": asset_id, "model_id": model_id, "model_name": model_name,
             **(facts or {})}
    return _signed(data, mime, _definition(mime, title, actions, facts), parts, labels,
                   Path(cert_file), Path(key_file))


def sign_rendition(
    data: bytes,
    fmt: str,
    *,
    cert_file: Path,
    key_file: Path,
    original: bytes,
    original_fmt: str,
    title: str,
    resized: bool,
    facts: Mapping[str, str],
) -> bytes:
    """A rendition (a smaller or web-format copy) of `original`: `c2pa.opened` on the original
    (its parent ingredient, so the original's manifest chains), then `c2pa.resized` and/or
    `c2pa.transcoded`."""
    mime = _mime(fmt)
    parts = [Ingredient(original, original_fmt, "parentOf", title="original")]
    _check(parts)
    labels = _labels(parts)
    agent = {"name": CLAIM_GENERATOR}
    actions = [_action("c2pa.opened", labels, agent=agent)]
    if resized:
        actions.append(_action("c2pa.resized", [], agent=agent))
    if _mime(original_fmt) != mime:
        actions.append(_action("c2pa.transcoded", [], agent=agent))
    return _signed(data, mime, _definition(mime, title, actions, dict(facts)), parts, labels,
                   Path(cert_file), Path(key_file))


def read(data: bytes, fmt: str, *, trust_anchors: str | None = None) -> CredentialsReport:
    """What the file's Content Credentials claim, and whether they still hold. With
    `trust_anchors` (PEM certificates), `trusted` says whether the signer chains to one."""
    mime = _mime(fmt)
    try:
        reader = _reader(data, mime, trust_anchors)
        if reader is None:
            return CredentialsReport(state="none")
        with reader:
            manifest_json = reader.json()
        store = json.loads(manifest_json)
    except (c2pa.C2paError, ValueError) as exc:  # the file or its manifest cannot be parsed
        return CredentialsReport(state="invalid", errors=(str(exc),))
    manifest = store.get("manifests", {}).get(store.get("active_manifest"), {})
    return CredentialsReport(
        state="valid" if store.get("validation_state") in _VALID_STATES else "invalid",
        claim_generator=_claim_generator(manifest),
        title=manifest.get("title"),
        digital_source_type=_digital_source_type(store, manifest),
        issuer=_issuer(manifest),
        errors=_errors(store, manifest),
        manifest_json=manifest_json,
        asset_id=_assertion(manifest, ASSET_LABEL).get("asset_id"),
        trusted=store.get("validation_state") == "Trusted",
        history=_history(store, manifest),
    )


def _mime(fmt: str) -> str:
    try:
        return MIME_TYPES[fmt.lower()]
    except KeyError:
        supported = ", ".join(MIME_TYPES)
        raise ValueError(f"no C2PA support for format {fmt!r} (supported: {supported})") from None


def _context(trust_anchors: str | None = None) -> c2pa.Context:
    """Per call (0.2 ms): nothing shared between threads or forked workers."""
    settings: dict[str, Any] = dict(SETTINGS)
    if trust_anchors:
        settings["trust"] = {"trust_anchors": trust_anchors}
    return c2pa.Context(settings=c2pa.Settings.from_dict(settings))


def _reader(data: bytes, mime: str, trust_anchors: str | None = None) -> c2pa.Reader | None:
    """None when the file has no manifest at all."""
    return c2pa.Reader.try_create(mime, io.BytesIO(data), None, _context(trust_anchors))


def _has_manifest(data: bytes, mime: str) -> bool:
    reader = _reader(data, mime)
    if reader is None:
        return False
    reader.close()
    return True


# --- signing --------------------------------------------------------------------------------


def _check(parts: Sequence[Ingredient]) -> None:
    for part in parts:
        if part.relationship not in RELATIONSHIPS:
            raise ValueError(f"unknown ingredient relationship {part.relationship!r}")
        _mime(part.fmt)
    if sum(part.relationship == "parentOf" for part in parts) > 1:
        raise ValueError("an image has at most one parent ingredient")


def _labels(parts: Sequence[Ingredient]) -> list[str]:
    """The ids the actions name their ingredients by (the first parent keeps the old label)."""
    return [PARENT_LABEL if part.relationship == "parentOf" else f"ingredient-{index}"
            for index, part in enumerate(parts)]


def _action(name: str, ingredients: Sequence[str], *, agent: dict[str, str],
            source: str | None = None) -> dict[str, Any]:
    action: dict[str, Any] = {"action": name, "softwareAgent": agent}
    if ingredients:
        action["parameters"] = {"ingredientIds": list(ingredients)}
    if source:
        action["digitalSourceType"] = source
    return action


def _definition(mime: str, title: str, actions: list[dict[str, Any]],
                facts: dict[str, Any]) -> dict[str, Any]:
    return {
        "claim_generator_info": [{"name": CLAIM_GENERATOR}],
        "title": title,
        "format": mime,
        "assertions": [
            {"label": "c2pa.actions", "data": {"actions": actions}},
            {"label": ASSET_LABEL, "data": facts},
        ],
    }


def _signed(data: bytes, mime: str, definition: dict[str, Any], parts: Sequence[Ingredient],
            labels: Sequence[str], cert_file: Path, key_file: Path) -> bytes:
    try:
        return _build(data, mime, definition, parts, labels, cert_file, key_file)
    except c2pa.C2paError as exc:
        # An ingredient's own manifest is damaged (c2pa cannot carry it): name it from its
        # pixels alone, saying why its history is missing. Anything else is raised again.
        damaged = [_carries_manifest(part) for part in parts]
        if not any(damaged):
            raise
        note = f"its own Content Credentials could not be carried ({exc})"
        repaired = [replace(part, data=_without_metadata(part.data, part.fmt),
                            description="; ".join(filter(None, [part.description, note])))
                    if broken else part for part, broken in zip(parts, damaged, strict=True)]
        return _build(data, mime, definition, repaired, labels, cert_file, key_file)


def _carries_manifest(part: Ingredient) -> bool:
    """The file has a manifest, readable or not."""
    try:
        return _has_manifest(part.data, _mime(part.fmt))
    except c2pa.C2paError:
        return True


def _build(data: bytes, mime: str, definition: dict[str, Any], parts: Sequence[Ingredient],
           labels: Sequence[str], cert_file: Path, key_file: Path) -> bytes:
    signer = _signer(cert_file, key_file)
    builder = c2pa.Builder(definition, context=_context())
    signed = io.BytesIO()
    with signer, builder:
        for label, part in zip(labels, parts, strict=True):
            ingredient = {"title": part.title, "relationship": part.relationship,
                          "label": label}
            if part.description:
                ingredient["description"] = part.description
            builder.add_ingredient(ingredient, _mime(part.fmt), io.BytesIO(part.data))
        builder.sign(signer, mime, io.BytesIO(data), signed)
    return signed.getvalue()


def _without_metadata(data: bytes, fmt: str) -> bytes:
    """The image re-encoded from its pixels alone (no manifest, no other metadata)."""
    from PIL import Image

    image = Image.open(io.BytesIO(data))
    image.load()
    buffer = io.BytesIO()
    image.save(buffer, {"png": "PNG", "jpeg": "JPEG", "webp": "WEBP", "avif": "AVIF"}[fmt])
    return buffer.getvalue()


# --- reading --------------------------------------------------------------------------------


