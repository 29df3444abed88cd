"""How the scrubber reads text that may be written to dodge it: invisible characters removed,
compatibility forms folded, look-alike letters read as the letters they imitate, and digits
written for letters read as letters. A pure module; `anonymise` matches names on these folds.

Invisible characters are removed from the text itself (the scrubber's output never contains
them): Unicode's format characters (category Cf: zero-width space and joiners, soft hyphen,
byte order mark, bidirectional controls, word joiner…), the other default-ignorable code points
(variation selectors, the combining grapheme joiner, Hangul fillers, tags) and control
characters other than tab, line feed and carriage return. "Ash\\u200bworth" is "Ashworth".

Folding is for matching only; the text a reader sees keeps its letters as written. A token is
folded by NFKD (fullwidth letters, ligatures, mathematical letters: "Ａｓｈ" = "Ash"), then
look-alikes are mapped by `confusable_letters` (Cyrillic and Greek "А", "о", "Ι"… from Unicode's
confusables data, restricted to characters that stand for one ASCII letter or digit), then case
and accents are folded and everything but letters and digits goes. Digits for letters
("Brackenfie1d", "Ashw0rth") are not folded here: `leet_readings` gives the readings a matcher
may try, so "1" in "M1 1AE" is never read as a letter unless a name could result.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from itertools import product
from typing import Final

from governance.consultation.confusable_letters import LOOK_ALIKES


def _invisible_code_points() -> str:
    ranges: list[tuple[int, int]] = []

    def add(first: int, last: int) -> None:
        if ranges and ranges[-1][1] + 1 == first:
            ranges[-1] = (ranges[-1][0], last)
        else:
            ranges.append((first, last))

    for code in range(0x20000):
        category = unicodedata.category(chr(code))
        if category == "Cf" or (category == "Cc" and chr(code) not in "\t\n\r"):
            add(code, code)
    # Default-ignorable code points that are not format characters.
    for first, last in [
        (0x034F, 0x034F),  # combining grapheme joiner
        (0x115F, 0x1160),  # Hangul fillers
        (0x17B4, 0x17B5),  # Khmer inherent vowels
        (0x180B, 0x180F),  # Mongolian variation selectors
        (0x3164, 0x3164),
        (0xFE00, 0xFE0F),  # variation selectors
        (0xFFA0, 0xFFA0),
        (0xE0000, 0xE0FFF),  # tags and variation selectors supplement
    ]:
        ranges.append((first, last))
    return "".join(
        re.escape(chr(first))
        if first == last
        else f"{re.escape(chr(first))}-{re.escape(chr(last))}"
        for first, last in sorted(ranges)
    )


_INVISIBLE_RE: Final = re.compile(f"[{_invisible_code_points()}]+")


def without_invisible(text: str) -> str:
    """`text` with every invisible and control character removed (tab and new lines stay)."""
    return _INVISIBLE_RE.sub("", text)


def visible_with_origins(text: str) -> tuple[str, list[int] | None]:
    """The text without invisible characters and, when any were removed, where each of its
    characters (and its end) sits in `text`, so spans found on it can be reported on the
    original. None when nothing was removed: positions are then the same."""
    if not _INVISIBLE_RE.search(text):
        return text, None
    pieces: list[str] = []
    origins: list[int] = []
    position = 0
    for match in _INVISIBLE_RE.finditer(text):
        pieces.append(text[position : match.start()])
        origins.extend(range(position, match.start()))
        position = match.end()
    pieces.append(text[position:])
    origins.extend(range(position, len(text)))
    origins.append(len(text))
    return "".join(pieces), origins


_LOOK_ALIKES: Final = str.maketrans(
    {source: target for target, sources in LOOK_ALIKES.items() for source in sources}
)


def fold_letters(text: str) -> str:
    """Compatibility forms, look-alikes, case and accents folded; other characters stay. For
    comparing text the way the matcher reads it (the leak tests read output with it)."""
    decomposed = unicodedata.normalize("NFKD", without_invisible(text)).translate(_LOOK_ALIKES)
    folded = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
    return unicodedata.normalize("NFKD", folded).translate(_LOOK_ALIKES).lower()


_ASCII_PUNCTUATION: Final = str.maketrans("", "", ".'`")


@lru_cache(maxsize=65536)
def normalise_token(word: str) -> str:
    """Fold one token as `partners.models.normalise_name` folds a name (accents, case,
    apostrophes and full stops go), with look-alikes read as their letters. Only ASCII letters
    and digits remain, and letters and digits of other scripts that have no look-alike.
    Cached: answers reuse the same words."""
    if word == "&":
        return "and"
    if word.isascii():
        return word.translate(_ASCII_PUNCTUATION).lower()
    return "".join(ch for ch in fold_letters(word) if ch.isalnum())


# Digits written for letters. "1" reads as "l" or "i"; the others have one reading.
_LEET: Final[dict[str, tuple[str, ...]]] = {
    "0": ("o",),
    "1": ("l", "i"),
    "3": ("e",),
    "4": ("a",),
    "5": ("s",),
    "7": ("t",),
    "8": ("b",),
}
_MAX_LEET_DIGITS: Final = 4


@lru_cache(maxsize=16384)
def leet_readings(token: str) -> tuple[str, ...]:
    """The readings of a normalised token that mixes letters with digits written for letters
    ("brackenfie1d" → "brackenfield", "brackenfieid"). Empty for a token of digits alone or of
    letters alone, or with more than four such digits."""
    if token.isalpha() or token.isdigit() or not any(ch.isalpha() for ch in token):
        return ()
    digits = [ch for ch in token if ch.isdigit()]
    if len(digits) > _MAX_LEET_DIGITS or any(digit not in _LEET for digit in digits):
        return ()
    options = [_LEET.get(ch, (ch,)) for ch in token]
    return tuple("".join(reading) for reading in product(*options))
