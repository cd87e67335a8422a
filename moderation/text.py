"""Normalizing text for term matching, so trivial spacing, case, accent, punctuation and
digit-for-letter tricks do not get a blocked term past the policy."""

from __future__ import annotations

import functools
import re
import unicodedata

LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a",
                      "$": "s", "!": "i", "|": "i"})
NON_ALNUM = re.compile(r"[^a-z0-9]+")


def _base(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).translate(LEET)


@functools.lru_cache(maxsize=1024)  # a batch checks each text against several lists
def spaced(text: str) -> str:
    """Lower-case words separated by single spaces: what patterns are matched on."""
    return NON_ALNUM.sub(" ", _base(text)).strip()


@functools.lru_cache(maxsize=1024)
def compact(text: str) -> str:
    """Letters and digits only: what terms are matched on ("n.u d-e" -> "nude")."""
    return NON_ALNUM.sub("", _base(text))


def find_term(text: str, terms: list[str]) -> str | None:
    """The first blocked term hidden anywhere in `text`, or None."""
    haystack = compact(text)
    return next((term for term in terms if compact(term) and compact(term) in haystack), None)


def find_pattern(text: str, patterns: list[str]) -> str | None:
    haystack = spaced(text)
    return next((p for p in patterns if re.search(p, haystack)), None)
