"""The forms a name is written in, for the scrubber's gazetteer (`anonymise`): a person's name
with a title, with initials, surname first; a place's plural and demonym; and the near misses
of a long name. A pure module over normalised tokens (`text_folding.normalise_token`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Final

# Titles, normalised ("Dr." is "dr"). A title before a known surname makes a person's name:
# "Dr Brennan", "Cllr Frost", "Ms N Brennan".
TITLES: Final = frozenset(
    {
        "dr",
        "doctor",
        "mr",
        "mrs",
        "ms",
        "miss",
        "mx",
        "prof",
        "professor",
        "cllr",
        "councillor",
        "sir",
        "dame",
        "rev",
        "revd",
        "reverend",
        "lord",
        "lady",
        "fr",
        "father",
    }
)

# Lower-case words that belong to the surname after them: "Ludwig van Beethoven" is
# "Mr van Beethoven".
SURNAME_PARTICLES: Final = frozenset(
    {"van", "von", "de", "der", "den", "da", "di", "du", "del", "della", "le", "la", "al", "el"}
)

Tokens = tuple[str, ...]


@dataclass(frozen=True)
class PersonForms:
    """A person's name as token sequences. `short` forms are matched only when their words
    are written with capitals (see `anonymise`); `after_title` forms follow a title."""

    surname: Tokens
    short: tuple[Tokens, ...]
    after_title: tuple[Tokens, ...]


def person_forms(words: list[Tokens]) -> PersonForms | None:
    """The forms of a full name given as the normalised tokens of each of its words (split on
    spaces: "Zoë Ashby-Smith" is [("zoe",), ("ashby", "smith")])."""
    words = [word for word in words if word]
    if not words:
        return None
    surname_start = len(words) - 1
    while surname_start > 1 and _is_particle(words[surname_start - 1]):
        surname_start -= 1
    surname: Tokens = tuple(token for word in words[surname_start:] for token in word)
    given = words[:surname_start]
    full: Tokens = tuple(token for word in words for token in word)
    if not given:
        return PersonForms(surname=surname, short=(), after_title=(surname,))
    first = given[0]
    initials = tuple(word[0][0] for word in given)
    short: list[Tokens] = [
        surname + first,  # "Brennan, Nadia"
        (initials[0], *surname),  # "N. Brennan", "N Brennan"
        ("".join(initials), *surname),  # "NJ Brennan", "N.J. Brennan"
        (*initials, *surname),  # "N J Brennan"
    ]
    if len(given) > 1:
        short.append(first + initials[1:] + surname)  # "Nadia J. Brennan"
        short.append(first + surname)  # "Nadia Brennan" without the middle name
    after_title = [surname, full, *short[1:]]
    return PersonForms(
        surname=surname,
        short=tuple(dict.fromkeys(form for form in short if form != full)),
        after_title=tuple(dict.fromkeys(after_title)),
    )


def _is_particle(word: Tokens) -> bool:
    return len(word) == 1 and word[0] in SURNAME_PARTICLES


# Plurals and demonyms of a place: "Ashworths", "Ashworthian(s)", "Ashworthite(s)",
# "Ashworther(s)"; "Coventrian" is Coventry's, "Dunmorian" Dunmore's.
_SUFFIXES: Final = ("ians", "ites", "ers", "ian", "ite", "er", "es", "s")
_MIN_STEM: Final = 3


@lru_cache(maxsize=16384)
def suffix_stems(token: str) -> tuple[str, ...]:
    """The names a token could be a plural or demonym of, longest suffix first."""
    stems: list[str] = []
    for suffix in _SUFFIXES:
        if token.endswith(suffix) and len(token) - len(suffix) >= _MIN_STEM:
            stem = token[: -len(suffix)]
            stems.append(stem)
            if suffix[0] in "ie":  # the vowel of the name's end is dropped before the suffix
                stems += [stem + "e", stem + "y"]
    return tuple(dict.fromkeys(stems))


# Near misses -------------------------------------------------------------------------------

# Only names this long are compared one letter off: shorter names are too close to ordinary
# words ("Hale" is one letter from "hole", "hall", "half"…).
NEAR_MISS_MIN_LENGTH: Final = 7


def _deletions(word: str) -> Iterator[str]:
    yield word
    for i in range(len(word)):
        yield word[:i] + word[i + 1 :]


def within_one_edit(a: str, b: str) -> bool:
    """True when a and b differ by one substitution, insertion, deletion or swap of two
    neighbouring letters (optimal string alignment distance 1; equal strings are not)."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) > len(b):
        a, b = b, a
    start = 0
    while start < len(a) and a[start] == b[start]:
        start += 1
    if len(a) < len(b):
        return a[start:] == b[start + 1 :]
    if a[start + 1 :] == b[start + 1 :]:
        return True
    return (
        start + 1 < len(a)
        and a[start] == b[start + 1]
        and a[start + 1] == b[start]
        and a[start + 2 :] == b[start + 2 :]
    )


class NearMisses:
    """Long names (NEAR_MISS_MIN_LENGTH letters or more), found one edit off by their
    deletion neighbourhoods: a word and a name one edit apart share a string after deleting
    at most one letter from each, so a look-up costs one dictionary probe per letter of the
    word, whatever the number of names."""

    def __init__(self, names: Iterable[str]) -> None:
        self._index: dict[str, list[str]] = {}
        self._lengths: set[int] = set()
        for name in dict.fromkeys(names):
            if len(name) < NEAR_MISS_MIN_LENGTH or not name.isalpha():
                continue
            self._lengths.add(len(name))
            for deleted in _deletions(name):
                self._index.setdefault(deleted, []).append(name)
        self._seen: dict[str, bool] = {}

    def __bool__(self) -> bool:
        return bool(self._index)

    def near(self, word: str) -> bool:
        """Whether `word` is one edit from a long name (and is not the name itself)."""
        known = self._seen.get(word)
        if known is not None:
            return known
        found = False
        if not {len(word) - 1, len(word), len(word) + 1}.isdisjoint(self._lengths):
            found = any(
                within_one_edit(word, name)
                for deleted in _deletions(word)
                for name in self._index.get(deleted, ())
            )
        self._seen[word] = found
        return found
