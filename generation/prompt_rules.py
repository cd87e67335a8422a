"""The prompt assistant's offline rules: a short brief made into an ordered prompt, a negative
prompt and an aspect ratio for its use, from the word tables of `prompt_vocabulary.yaml`.

Deterministic (the same brief always gives the same suggestion) and free, so the assistant
works without a text model and stands in when a model's answer cannot be used. Given a model,
the aspect ratio is one the model takes and both prompts fit its length limits.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from django.core.exceptions import ImproperlyConfigured

from catalog.spec import ModelSpec

VOCABULARY_FILE = Path(__file__).with_name("prompt_vocabulary.yaml")
# The prompt's parts, in the order they are written (and dropped from the end to fit a limit).
ORDER = ("subject", "action", "setting", "lighting", "style", "camera")
KEEP = ("subject", "setting")  # never dropped to fit: the prompt must still say what and where
WORD = re.compile(r"[\w']+")
RATIO = re.compile(r"^(\d{1,2}):(\d{1,2})$")


@dataclass(frozen=True)
class Entry:
    kind: str  # "use", "subject", "action", "setting", "lighting", "style", "camera"
    key: str
    phrase: str
    data: Mapping[str, Any]


@dataclass(frozen=True)
class Vocabulary:
    uses: Mapping[str, Mapping[str, Any]]
    entries: tuple[tuple[tuple[str, ...], Entry], ...]  # (words of a phrase, entry), longest first
    defaults: Mapping[str, Mapping[str, Any]]
    negative: Mapping[str, Sequence[str]]
    filler: frozenset[str]


@dataclass
class RulesSuggestion:
    parts: dict[str, str]  # ORDER -> text ("" when left out)
    negative_terms: list[str]
    aspect_ratio: str | None
    use: str | None
    notes: list[str] = field(default_factory=list)

    @property
    def prompt(self) -> str:
        return ", ".join(self.parts[name] for name in ORDER if self.parts.get(name))

    @property
    def negative_prompt(self) -> str:
        return ", ".join(self.negative_terms)


def _words(text: str) -> list[str]:
    return WORD.findall(text.lower().replace("-", " "))


def _load(path: Path) -> Vocabulary:
    data = yaml.safe_load(path.read_text())
    if not all(isinstance(word, str) for word in data["filler"]):
        raise ImproperlyConfigured(f"{path.name} filler: quote every word (YAML reads on as true)")
    entries: list[tuple[tuple[str, ...], Entry]] = []
    for kind, table in (("use", "uses"), ("subject", "subjects"), ("action", "actions"),
                        ("setting", "settings"), ("lighting", "lighting"), ("style", "styles"),
                        ("camera", "cameras")):
        for key, item in data[table].items():
            if not item.get("words"):
                raise ImproperlyConfigured(f"{path.name} {table}.{key}: `words` is required")
            for phrase in item["words"]:
                entries.append((tuple(_words(str(phrase))),
                                Entry(kind, key, str(item.get("phrase", "")), item)))
    for key, use in data["uses"].items():
        if not all(RATIO.match(r) for r in use.get("aspect_ratios", [])):
            raise ImproperlyConfigured(f"{path.name} uses.{key}.aspect_ratios: expected W:H")
    entries.sort(key=lambda pair: -len(pair[0]))  # stable: table order among equal lengths
    defaults = {kind: data[f"default_{kind}"]
                for kind in ("use", "subject", "setting", "lighting", "style", "camera")}
    return Vocabulary(uses=data["uses"], entries=tuple(entries), defaults=defaults,
                      negative=data["negative"], filler=frozenset(data["filler"]))


@cache
def vocabulary() -> Vocabulary:
    return _load(VOCABULARY_FILE)


def uses() -> dict[str, str]:
    """Use key -> its label, for the API's and the dashboard's choices."""
    return {key: str(use["label"]) for key, use in vocabulary().uses.items()}


def _same_word(word: str, wanted: str) -> bool:
    return word == wanted or word in (wanted + "s", wanted + "es")


def _segments(brief: str) -> list[list[str]]:
    """The brief in comma-separated pieces, each a list of its words in their own case."""
    return [WORD.findall(piece.replace("-", " ")) for piece in re.split(r"[,;/\n]+", brief)]


def _match(vocab: Vocabulary, segments: list[list[str]]
           ) -> tuple[dict[str, Entry], list[list[str | None]]]:
    """The first entry of each kind found in the brief, longest phrase first; the segments
    with the matched words taken out (None)."""
    found: dict[str, Entry] = {}
    left: list[list[str | None]] = [list(words) for words in segments]
    for phrase, entry in vocab.entries:
        for words in left:
            lowered = [w.lower() if w is not None else None for w in words]
            for start in range(len(words) - len(phrase) + 1):
                window = lowered[start:start + len(phrase)]
                if all(w is not None and _same_word(w, p) for w, p in zip(window, phrase,
                                                                          strict=True)):
                    if entry.kind != "subject":  # a subject's words stay: they are its name
                        words[start:start + len(phrase)] = [None] * len(phrase)
                    found.setdefault(entry.kind, entry)
                    break
    return found, left


def _trimmed(words: Sequence[str | None], filler: frozenset[str]) -> str:
    """The runs of words left in a segment, without filler words at their edges."""
    kept = [w for w in words if w is not None]
    while kept and kept[0].lower() in filler:
        kept.pop(0)
    while kept and kept[-1].lower() in filler:
        kept.pop()
    return " ".join(kept)


def _subject(vocab: Vocabulary, left: list[list[str | None]], subject: Entry | None) -> str:
    pieces = [text for words in left if (text := _trimmed(words, vocab.filler))]
    if subject is not None:  # the piece that names the product comes first
        named = [p for p in pieces if any(_same_word(w, s) for w in _words(p)
                                          for s in _words(" ".join(subject.data["words"])))]
        pieces = named[:1] + [p for p in pieces if p not in named[:1]]
    if not pieces:
        return ""
    return pieces[0] + "".join(f" with {p}" for p in pieces[1:])


def ratio_value(ratio: str) -> float:
    across, down = (int(part) for part in ratio.split(":"))
    return across / down


def _aspect_ratio(wanted: Sequence[str], label: str, spec: ModelSpec | None,
                  notes: list[str]) -> str | None:
    if spec is None:
        return wanted[0]
    offered = list(spec.limits.aspect_ratios)
    if not offered:
        notes.append(f"{spec.key} takes a size rather than an aspect ratio: none suggested")
        return None
    for ratio in wanted:
        if ratio in offered:
            if ratio != wanted[0]:
                notes.append(f"{label} is best at {wanted[0]}, which {spec.key} does not take: "
                             f"{ratio} instead")
            return ratio
    target = math.log(ratio_value(wanted[0]))
    closest = min(offered, key=lambda r: abs(math.log(ratio_value(r)) - target))
    notes.append(f"{label} wants {' or '.join(wanted)}; {spec.key} takes none of them, so "
                 f"{closest}, the closest it takes")
    return closest


def _fit_prompt(parts: dict[str, str], limit: int, key: str, notes: list[str]) -> None:
    """Drop parts from the end of the prompt (camera first) until it fits `limit`
    characters; the subject is shortened at a word as a last resort."""

    def length() -> int:
        return len(", ".join(text for text in parts.values() if text))

    dropped = []
    for name in reversed(ORDER):
        if length() <= limit:
            break
        if name not in KEEP and parts.get(name):
            parts[name] = ""
            dropped.append(name)
    for name in ("setting", "subject"):
        while length() > limit and parts[name]:
            parts[name] = parts[name].rsplit(" ", 1)[0] if " " in parts[name] else ""
            if f"{name} shortened" not in dropped:
                dropped.append(f"{name} shortened")
    if dropped:
        notes.append(f"the prompt was cut to {key}'s limit of {limit} characters "
                     f"(left out: {', '.join(dropped)})")


def _fit_negative(terms: list[str], limit: int, key: str, notes: list[str]) -> list[str]:
    if limit <= 0:
        notes.append(f"{key} takes no negative prompt: none suggested")
        return []
    kept = list(terms)
    while kept and len(", ".join(kept)) > limit:
        kept.pop()
    if len(kept) < len(terms):
        notes.append(f"the negative prompt was cut to {key}'s limit of {limit} characters")
    return kept


def suggest(brief: str, *, use: str | None = None, spec: ModelSpec | None = None
            ) -> RulesSuggestion:
    """The rules' suggestion for a brief (checked by the caller: not blank); `use` a key of
    `uses()` (None: found in the brief, else the default), `spec` the model it is for."""
    vocab = vocabulary()
    found, left = _match(vocab, _segments(brief))
    notes: list[str] = []
    use_key = use or (found["use"].key if "use" in found else None)
    use_data = vocab.uses[use_key] if use_key else vocab.defaults["use"]
    subject = found.get("subject")
    subject_data = subject.data if subject else vocab.defaults["subject"]
    setting_data = (found["setting"].data if "setting" in found
                    else {"phrase": use_data.get("setting")} if use_data.get("setting")
                    else vocab.defaults["setting"])
    style_data = found["style"].data if "style" in found else vocab.defaults["style"]
    lighting = (found["lighting"].phrase if "lighting" in found
                else setting_data.get("lighting") or vocab.defaults["lighting"]["phrase"])
    camera = found["camera"].phrase if "camera" in found else vocab.defaults["camera"]["phrase"]
    subject_text = _subject(vocab, left, subject)
    if not subject_text:
        subject_text = "the product"
        notes.append("the brief names no subject: say what the image shows")
    parts = {
        "subject": subject_text,
        "action": found["action"].phrase if "action" in found else subject_data["action"],
        "setting": setting_data["phrase"],
        "lighting": lighting,
        "style": style_data["phrase"],
        "camera": f"{camera}, {use_data['composition']}",
    }
    negative = [*vocab.negative["always"],
                *(vocab.negative["photographic"] if style_data.get("photographic") else []),
                *subject_data.get("negative", []), *use_data.get("negative", [])]
    label = str(use_data.get("label", "the default use"))
    aspect_ratio = _aspect_ratio(use_data["aspect_ratios"], label, spec, notes)
    if spec is not None:
        _fit_prompt(parts, spec.limits.prompt_chars[1], spec.key, notes)
        negative = _fit_negative(negative, spec.limits.negative_prompt_chars[1], spec.key, notes)
    return RulesSuggestion(parts=parts, negative_terms=list(dict.fromkeys(negative)),
                           aspect_ratio=aspect_ratio, use=use_key, notes=notes)
