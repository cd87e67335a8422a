# ruff: noqa: RUF002, RUF003  (look-alike letters shown on purpose)
"""Characters that imitate Latin letters, and characters that are not there at all: the
tables moderation/text.py folds prompts and blocked terms with.

Where the look-alikes come from: Unicode's own list (UTS #39 confusables.txt), as shipped
inside the `confusable_homoglyphs` package (pinned in requirements.txt; MIT licence, the
data under Unicode's licence). The list is data Unicode maintains release by release, so we
use the library's copy instead of keeping a table of our own; it ships in the wheel
(`confusables.json`), so nothing is downloaded at run time (the package's `update` command,
which would, is never used). Its API answers "is this string confusable?", not "what does
it imitate?", and its JSON keeps every pair in both directions, so we read the data file
and keep, for each non-ASCII character, the look-alike that is one ASCII letter or digit once
overlays are removed (`ł` -> `l̸` -> `l`, `đ` -> `d`, Cyrillic `с` -> `c`). The other
package on PyPI, `confusables`, was not used: Unicode 13 data from 2021, no release since,
and its wheel installs a top-level `tests` package that would shadow ours.

What we deliberately do not take from UTS #39: multi-letter prototypes (`m` -> `rn`,
`d` -> `cl`). Skeletons are meant for comparing whole identifiers; we search for terms
inside longer text, where folding `d` to `cl` would make "nuclear" contain "nude".

What we add (characters confusables.txt has no single-letter prototype for):
- Latin letters with a stroke, hook, bar or dot that Unicode does not decompose, found by
  name (`ȷ` LATIN SMALL LETTER DOTLESS J, `ꞓ` LATIN SMALL LETTER C WITH BAR, ...), small
  capitals (`ᴀ`), regional indicators and negative circled or squared letters (`🅲`);
- the lower-case partner of an upper-case look-alike that has none of its own (Cyrillic
  `т`, `к`, `н`, `м`, `в` as `Т`, `К`, `Н`, `М`, `В`): matching ignores case, and without
  it `КОНКУРЕНТ` and `конкурент` would fold differently;
- `æ`, `œ` as two letters, and the decimal digits of every script as ASCII digits (where
  a digit imitates a letter, `۵` looks like o, the letter wins).

`INVISIBLE_RANGES` is Unicode's Default_Ignorable_Code_Point set (zero-width space,
non-joiner and joiner, word joiner, soft hyphen, BOM, variation selectors, tag characters,
bidi controls, Hangul fillers, ...) plus the interlinear annotation marks: characters that
render as nothing and so can hide inside a word.
"""

from __future__ import annotations

import functools
import json
import re
import unicodedata
from importlib import resources

DATA_PACKAGE = "confusable_homoglyphs"
DATA_FILE = "confusables.json"

# Default_Ignorable_Code_Point (DerivedCoreProperties.txt) and U+FFF9..FFFB.
INVISIBLE_RANGES: tuple[tuple[int, int], ...] = (
    (0x00AD, 0x00AD), (0x034F, 0x034F), (0x061C, 0x061C), (0x115F, 0x1160),
    (0x17B4, 0x17B5), (0x180B, 0x180F), (0x200B, 0x200F), (0x202A, 0x202E),
    (0x2060, 0x206F), (0x3164, 0x3164), (0xFE00, 0xFE0F), (0xFEFF, 0xFEFF),
    (0xFFA0, 0xFFA0), (0xFFF0, 0xFFFB), (0x1BCA0, 0x1BCA3), (0x1D173, 0x1D17A),
    (0xE0000, 0xE0FFF),
)

# Blocks searched by character name for Latin letters confusables.txt leaves out.
NAMED_RANGES: tuple[tuple[int, int], ...] = (
    (0x0080, 0x024F), (0x0250, 0x02AF), (0x1D00, 0x1DBF), (0x1E00, 0x1EFF),
    (0x2C60, 0x2C7F), (0xA720, 0xA7FF), (0xAB30, 0xAB6F), (0x1F100, 0x1F1FF),
)
NAMED = re.compile(
    r"LATIN (?:SMALL|CAPITAL) LETTER (?:DOTLESS )?(?P<a>[A-Z])(?: WITH .+)?"
    r"|LATIN LETTER SMALL CAPITAL (?P<b>[A-Z])"
    r"|REGIONAL INDICATOR SYMBOL LETTER (?P<c>[A-Z])"
    r"|(?:NEGATIVE )?(?:CIRCLED|SQUARED) LATIN (?:CAPITAL|SMALL) LETTER (?P<d>[A-Z])")
MARKS_UP_TO = 0x20000  # combining marks beyond the first two planes are variation selectors
EXTRA = {"æ": "ae", "Æ": "ae", "œ": "oe", "Œ": "oe"}


def _strip_marks(text: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFKD", text)
                   if not unicodedata.category(ch).startswith("M")
                   and not _is_invisible(ord(ch)))


def _is_invisible(code: int) -> bool:
    return any(low <= code <= high for low, high in INVISIBLE_RANGES)


def _unicode_list() -> dict[str, str]:
    """confusables.txt: each non-ASCII character whose look-alike is one ASCII letter or
    digit (upper-case prototypes lower-cased)."""
    raw = resources.files(DATA_PACKAGE).joinpath(DATA_FILE).read_text(encoding="utf-8")
    data: dict[str, list[dict[str, str]]] = json.loads(raw)
    found: dict[str, str] = {}
    for char, pairs in data.items():
        if len(char) != 1 or char.isascii():
            continue
        prototypes = set()
        for pair in pairs:
            glyph = _strip_marks(pair["c"]).casefold()
            if len(glyph) == 1 and glyph.isascii() and glyph.isalnum():
                prototypes.add(glyph)
        if prototypes == {"o", "0"}:  # º: the letter, as the digit folds to it anyway
            prototypes = {"o"}
        if len(prototypes) == 1:
            found[char] = prototypes.pop()
    return found


def _by_name() -> dict[str, str]:
    found: dict[str, str] = {}
    for low, high in NAMED_RANGES:
        for code in range(low, high + 1):
            match = NAMED.fullmatch(unicodedata.name(chr(code), ""))
            if match:
                letter = next(group for group in match.groups() if group)
                found[chr(code)] = letter.lower()
    return found


def _digits() -> dict[str, str]:
    """Decimal digits of every script as ASCII digits (NFKC leaves Arabic-Indic `٣` alone)."""
    return {chr(code): str(unicodedata.decimal(chr(code))) for code in range(0x80, MARKS_UP_TO)
            if unicodedata.category(chr(code)) == "Nd"}


@functools.cache
def lookalikes() -> dict[str, str]:
    """Character -> the ASCII letter or digit it imitates (its lower-case form)."""
    table = {**_digits(), **_by_name(), **_unicode_list(), **EXTRA}
    for char in list(table):
        for partner in (char.lower(), char.upper()):
            if len(partner) == 1 and not partner.isascii() and partner not in table:
                table[partner] = table[char]
    for char in table:  # where NFKC gives a Latin letter, it is the one (ⓘ is i, ſ is s)
        compatible = unicodedata.normalize("NFKC", char).casefold()
        if len(compatible) == 1 and compatible.isascii() and compatible.isalnum():
            table[char] = compatible
    return table


@functools.cache
def translation() -> dict[int, str | None]:
    """For str.translate: invisible characters and combining marks (accents, overlays,
    enclosing circles) removed, look-alikes replaced."""
    table: dict[int, str | None] = {ord(char): latin for char, latin in lookalikes().items()}
    table.update(dict.fromkeys(code for code in range(MARKS_UP_TO)
                               if unicodedata.category(chr(code)).startswith("M")))
    for low, high in INVISIBLE_RANGES:
        table.update(dict.fromkeys(range(low, high + 1)))
    return table
