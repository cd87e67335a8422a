# ruff: noqa: RUF002, RUF003  (look-alike letters shown on purpose)
"""Normalizing text for term and pattern matching, so that look-alike letters, invisible
characters, case, accents, spacing, punctuation and digit-for-letter tricks do not get a
blocked term past the policy. Terms and prompts go through the same folding, so a tenant's
own terms are folded exactly like the platform's.

`fold` (character level, moderation/confusables.py has the tables):
1. NFKC, then NFKD: full-width, mathematical, circled and superscript letters become plain
   ones, ligatures are split, accents come apart from their letters (look-alikes that NFKC
   would turn into some other letter are replaced before it);
2. invisible characters (zero-width space, joiners, word joiner, soft hyphen, BOM, variation
   selectors, tag characters, bidi controls) and combining marks are removed;
3. look-alike letters become the Latin letter or digit they imitate (Unicode's confusables
   list, UTS #39: Cyrillic `с`, Greek `ο`, Armenian `օ`, Cherokee `Ꮯ`, `ł`, `ø`, `đ`, `ı`),
   both before and after case folding, so that capitals that only look Latin as capitals
   (Greek `Η`) are caught too.

Then two readings of the folded text (a term or pattern matches if it matches either):
- *letters*: digits and symbols read as the letters they stand in for (`0`->o, `1`->i,
  `3`->e, `4`->a, `5`->s, `7`->t, `8`->b, `9`->g, `@`->a, `$`->s, `!`->i, `|`->i, `+`->t,
  `€`->e, `£`->l), except exclamation marks ending a word ("child! nudity");
- *plain*: digits stay digits and every symbol separates words ("c|s|a|m").

Every character that is neither a letter nor a digit separates words; letters of other
scripts with no Latin look-alike stay in their word, so that folding a Russian or Greek
word can never splice the Latin letters around them into a term.

Terms are matched on the *compact* form (words joined without spaces; `i` and `l`, which
`1`, `|`, `ı`, `ł` and Cyrillic `ӏ` blur, count as one letter), so "c s a m", "C.S.A.M!" and
"сhiłd-nudіty" all match. What compact matching must not do is find a term in the letters
of two words that merely touch: "classic sample" hides "csam" and Vietnamese "hắc sâm"
(black ginseng) folds to "hac sam". So a hit counts when it lies inside one word
("csamphotos"), or when it runs over whole words, from the start of one to the end of
another ("c s a m", "child-nudity"); a hit that starts or ends in the middle of a word on
the way across counts only for terms of at least LONG_TERM letters, which do not occur by
accident. Terms shorter than SHORT_TERM letters must be whole words. A few ordinary phrases
that spell a term when their spaces are dropped ("be heading") are kept apart
(PHRASES_NOT_TERMS).

Patterns are regular expressions on the *spaced* form (words separated by single spaces),
checked on the letters reading with `1`, `|` as `i` and again as `l`, and on the plain one.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from bisect import bisect_right
from itertools import accumulate

from moderation import confusables

LEET = {"0": "o", "2": "z", "3": "e", "4": "a", "5": "s", "6": "b", "7": "t", "8": "b",
        "9": "g", "@": "a", "$": "s", "+": "t", "€": "e", "£": "l", "¢": "c", "§": "s"}
AS_I = str.maketrans({**LEET, "1": "i", "|": "i", "!": "i"})
AS_L = str.maketrans({**LEET, "1": "l", "|": "l", "!": "i"})
IL_AMBIGUOUS = frozenset("1|")
ONE_LETTER = str.maketrans({"l": "i"})
# Exclamation marks ending a word are punctuation ("child! nudity"), not the letter i: after
# a letter or digit, and followed by neither one nor another stand-in symbol ("ch!|d").
EXCLAMATION = re.compile(r"(?<=[^\W_])!++(?![^\W_]|[@$|+€£¢§])")
WORD = re.compile(r"[^\W_]+")
# Ordinary phrases that spell a blocked term once their spaces are gone ("a boat that seems to
# be heading out"): across their plain spaces a term does not count (with other separators,
# "be-heading", it does). A letter no term has keeps the words apart.
PHRASES_NOT_TERMS = ("be heading",)
KEEP_APART = re.compile("|".join(r"\b" + r"\s+".join(map(re.escape, phrase.split())) + r"\b"
                                 for phrase in PHRASES_NOT_TERMS))
APART = " \ua66e "  # ꙮ, CYRILLIC LETTER MULTIOCULAR O
SHORT_TERM = 4  # terms shorter than this match whole words only ("3M" is not in "item")
LONG_TERM = 8  # terms this long match anywhere in the compact text


@functools.lru_cache(maxsize=1024)
def fold(text: str) -> str:
    """Case-folded text with look-alikes replaced and invisible characters and accents gone."""
    if text.isascii():
        return text.lower()
    table = confusables.translation()
    # Look-alikes first too: NFKC would turn some into other letters (lunate sigma ϲ, which
    # looks like c, into ς).
    compatible = unicodedata.normalize("NFKC", text.translate(table))
    return unicodedata.normalize("NFKD", compatible).translate(table).casefold().translate(table)


def _words(text: str, table: dict[int, str]) -> tuple[str, ...]:
    return tuple(WORD.findall(EXCLAMATION.sub(" ", text).translate(table)))


@functools.lru_cache(maxsize=1024)  # a batch checks each text against several lists
def _readings(text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The letters and plain readings of `text`, as words."""
    folded = fold(text)
    return _words(folded, AS_I), tuple(WORD.findall(folded))


def spaced(text: str) -> str:
    """Lower-case words separated by single spaces: what patterns are matched on (the
    letters reading; `find_pattern` also tries the others)."""
    return " ".join(_readings(text)[0])


def compact(text: str) -> str:
    """Letters and digits only: what terms are matched on ("n.u d-e" -> "nude")."""
    return "".join(_readings(text)[0]).translate(ONE_LETTER)


class _Haystack:
    """One reading of a text, compact, with where its words end (worked out on a hit)."""

    __slots__ = ("_edges", "text", "words")

    def __init__(self, words: tuple[str, ...]) -> None:
        self.words = words
        self.text = "".join(words).translate(ONE_LETTER)
        self._edges: list[int] | None = None

    def finds(self, needle: str) -> bool:
        start = self.text.find(needle)
        while start != -1:
            if self._counts(start, start + len(needle)):
                return True
            start = self.text.find(needle, start + 1)
        return False

    def _counts(self, start: int, end: int) -> bool:
        if end - start >= LONG_TERM:
            return True
        if self._edges is None:
            self._edges = list(accumulate(len(word) for word in self.words))
        edges = self._edges
        if (start == 0 or start in edges) and end in edges:
            return True  # whole words
        inside_one_word = bisect_right(edges, start) == bisect_right(edges, end - 1)
        return end - start >= SHORT_TERM and inside_one_word


@functools.lru_cache(maxsize=1024)
def _haystacks(text: str) -> tuple[_Haystack, _Haystack]:
    folded = fold(text)
    apart = KEEP_APART.sub(lambda match: re.sub(r"\s+", APART, match[0]), folded)
    if apart == folded:
        letters, plain = _readings(text)
    else:
        letters, plain = _words(apart, AS_I), tuple(WORD.findall(apart))
    return _Haystack(letters), _Haystack(plain)


@functools.lru_cache(maxsize=4096)
def _needles(term: str) -> tuple[tuple[int, str], ...]:
    """A term's compact forms, with the reading (0 letters, 1 plain) each is looked for in.
    Its upper- and lower-case spellings are folded too: a few letters imitate different
    Latin letters as capitals (Greek `Η` is H, `η` is n), and a term must match however
    the prompt capitalizes it. A term with digits of its own ("3M") is looked for in the
    plain reading only: read as letters it would be "em", a word in other languages."""
    needles: dict[tuple[int, str], None] = {}
    for spelling in (term, term.casefold(), term.upper()):
        for reading, words in enumerate(_readings(spelling)):
            needle = "".join(words).translate(ONE_LETTER)
            if needle and not (reading == 0 and any(ch.isdigit() for ch in fold(spelling))):
                needles[reading, needle] = None
    return tuple(needles)


def find_term(text: str, terms: list[str]) -> str | None:
    """The first blocked term hidden anywhere in `text`, or None."""
    if not terms:
        return None
    haystacks = _haystacks(text)
    for term in terms:
        for reading, needle in _needles(term):
            haystack = haystacks[reading]
            if needle in haystack.text and haystack.finds(needle):
                return term
    return None


@functools.lru_cache(maxsize=1024)
def _spaced_readings(text: str) -> tuple[str, ...]:
    letters, plain = _readings(text)
    readings = [" ".join(letters), " ".join(plain)]
    folded = fold(text)
    if not IL_AMBIGUOUS.isdisjoint(folded):
        readings.append(" ".join(_words(folded, AS_L)))
    return tuple(dict.fromkeys(readings))


@functools.lru_cache(maxsize=1024)
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


def find_pattern(text: str, patterns: list[str]) -> str | None:
    if not patterns:
        return None
    readings = _spaced_readings(text)
    for pattern in patterns:
        search = _compiled(pattern).search
        if any(search(reading) for reading in readings):
            return pattern
    return None
