"""The names the scrubber (`anonymise`) looks for: a system's places, neighbourhoods,
organisations, aliases, sites, committees and people, with the forms they are written in
(`name_forms`), held as tries over normalised tokens. See `anonymise` for how they are matched.
A pure module apart from `gazetteer_for_system`, which reads the names of a system."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Final

from governance.consultation.models import RemovedText
from governance.consultation.name_forms import NearMisses, person_forms, suffix_stems
from governance.consultation.text_folding import leet_readings, normalise_token

PLACE: Final = RemovedText.PLACE.value
ORGANISATION: Final = RemovedText.ORGANISATION.value
PERSON: Final = RemovedText.PERSON.value
REDACTED: Final = RemovedText.REDACTED.value
# Not a redaction: a phrase an admin has marked as a false positive.
KEEP: Final = "keep"

NAME_KINDS: Final = (PLACE, ORGANISATION, PERSON)

# When the same normalised phrase is listed under two kinds, the higher priority wins: an
# admin's "keep" overrides everything, a manual redaction overrides a gazetteer kind, and among
# names the more sensitive kind wins. Fixed here so the result never depends on input order.
PRIORITY: Final[Mapping[str, int]] = MappingProxyType(
    {KEEP: 5, REDACTED: 4, PERSON: 3, ORGANISATION: 2, PLACE: 1}
)


# Tokens ----------------------------------------------------------------------------------

# A word character, or a combining accent typed after its letter (decomposed text).
_CH = r"(?:[^\W_]|[\u0300-\u036f])"
TOKEN_RE: Final = re.compile(
    # An initialism with full stops: "A.B.H." or "A.B.H" (single characters only, so that
    # "St.Mary" and "end.Next" stay two words).
    rf"{_CH}(?:\.{_CH})+\.?(?!{_CH})"
    # A word, possibly with apostrophes inside ("Mary's", "O’Neill").
    rf"|{_CH}+(?:['’`]{_CH}+)*"
    # "&" reads as "and", so "Barts & the London" matches "Barts and the London".
    r"|&"
)
POSSESSIVE_RE: Final = re.compile(r"\w['’`][sS]$")


def phrase_tokens(phrase: str) -> tuple[str, ...]:
    """The normalised tokens of a name or phrase, as the matcher sees them."""
    tokens = (normalise_token(match.group()) for match in TOKEN_RE.finditer(phrase))
    return tuple(token for token in tokens if token)


# The gazetteer ---------------------------------------------------------------------------

END: Final = ""  # the trie key for "a phrase ends here"; normalised tokens are never empty
# The trie key marking a phrase that ends here as a short form of a person's name (matched
# only when written with capitals); absent when a full name also ends here.
SHORT: Final = "?"
# A name may be split into at most this many pieces ("Ash worth", "Dun-more Coast"), and is
# matched split or joined only when it has at least this many letters ("A B C" is not "ABC").
MAX_PIECES: Final = 4
_MIN_JOINED: Final = 5
# Plurals and demonyms are read only on words longer than this ("Bates" is not "Bat"'s).
_MIN_STEMMED: Final = 4
NO_READINGS: Final[tuple[tuple[str, ...], tuple[str, ...]]] = ((), ())


def _insert(root: dict[str, Any], tokens: tuple[str, ...], kind: str, *, short: bool) -> None:
    node = root
    for token in tokens:
        node = node.setdefault(token, {})
    existing = node.get(END)
    if existing is None:
        node[END] = kind
        if short:
            node[SHORT] = True
        return
    if not short:
        node.pop(SHORT, None)
    if PRIORITY[kind] > PRIORITY[existing]:
        node[END] = kind


def build_trie(entries: Iterable[tuple[str, str]]) -> dict[str, Any]:
    root: dict[str, Any] = {}
    for text, kind in entries:
        if kind not in PRIORITY:
            raise ValueError(f"Unknown kind of name: {kind!r}.")
        tokens = phrase_tokens(text)
        if tokens:
            _insert(root, tokens, kind, short=False)
    return root


def _stronger(kinds: dict[str, str], key: str, kind: str) -> None:
    existing = kinds.get(key)
    if existing is None or PRIORITY[kind] > PRIORITY[existing]:
        kinds[key] = kind


@dataclass(frozen=True, eq=False)
class Gazetteer:
    """Every name the scrubber removes, with its kind (place, organisation or person), in the
    forms it is written in (see the module docstring). Build it once per summary with
    `gazetteer_for_system`, or from a list in tests."""

    size: int
    # Names and people's short forms, by normalised token.
    trie: dict[str, Any] = field(repr=False)
    # What may follow a title: a surname, a full name, initials and surname.
    titled: dict[str, Any] = field(repr=False)
    # People's surnames, flagged when written alone.
    surnames: dict[str, Any] = field(repr=False)
    # Names with their tokens joined ("dunmorecoast"), for names split or joined otherwise,
    # and every prefix of those, to stop joining pieces as soon as no name can result.
    joined: dict[str, str] = field(repr=False)
    joined_prefixes: frozenset[str] = field(repr=False)
    # The last tokens (and joined forms) of places: what a plural or demonym may be made of.
    place_endings: frozenset[str] = field(repr=False)
    # Every token of every name: a digit-for-letter reading is tried only when it is one.
    vocabulary: frozenset[str] = field(repr=False)
    near_misses: NearMisses = field(repr=False)
    # A normalised token → (other readings usable anywhere in a name, readings usable as the
    # end of a place's name), filled as texts are read.
    _reading_cache: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = field(
        default_factory=dict, repr=False
    )

    @classmethod
    def from_entries(cls, entries: Iterable[tuple[str, str]]) -> Gazetteer:
        """Entries are (text, kind) pairs. Names that normalise to nothing are skipped; the
        same name under two kinds keeps the more sensitive kind (person > organisation >
        place)."""
        entries = list(entries)
        for _text, kind in entries:
            if kind not in NAME_KINDS:
                raise ValueError(f"A gazetteer kind is one of {NAME_KINDS}, not {kind!r}.")
        trie: dict[str, Any] = {}
        titled: dict[str, Any] = {}
        surnames: dict[str, Any] = {}
        joined: dict[str, str] = {}
        names: set[tuple[str, ...]] = set()
        place_endings: set[str] = set()
        long_names: list[str] = []
        for text, kind in entries:
            tokens = phrase_tokens(text)
            if not tokens:
                continue
            names.add(tokens)
            _insert(trie, tokens, kind, short=False)
            glued = "".join(tokens)
            if len(glued) >= _MIN_JOINED:
                _stronger(joined, glued, kind)
            if kind == PLACE:
                place_endings.update((tokens[-1], glued))
                long_names.append(glued)
            elif kind == ORGANISATION and len(tokens) == 1:
                long_names.append(glued)
            elif kind == PERSON:
                forms = person_forms([phrase_tokens(word) for word in text.split()])
                if forms is None:
                    continue
                for form in forms.short:
                    _insert(trie, form, PERSON, short=True)
                for form in forms.after_title:
                    _insert(titled, form, PERSON, short=form != tokens)
                _insert(surnames, forms.surname, PERSON, short=False)
                if len(forms.surname) == 1:
                    long_names.append(forms.surname[0])
        # Every start of a joined name, so that the matcher can stop gluing tokens as soon as
        # what it has glued can no longer become one.
        prefixes = frozenset(glued[:end] for glued in joined for end in range(1, len(glued) + 1))
        vocabulary = {token for name in names for token in name}
        return cls(
            size=len(names),
            trie=trie,
            titled=titled,
            surnames=surnames,
            joined=joined,
            joined_prefixes=prefixes,
            place_endings=frozenset(place_endings),
            vocabulary=frozenset(vocabulary | set(joined)),
            near_misses=NearMisses(long_names),
        )

    def __len__(self) -> int:
        return self.size

    def readings_of(self, token: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """What a token could also be read as: with its digits read as letters
        ("brackenfie1d"), and without a plural or demonym suffix ("ashworthians"); only
        readings that could be (part of) a name are kept. Cached: answers reuse words."""
        cached = self._reading_cache.get(token)
        if cached is not None:
            return cached
        forms: tuple[str, ...] = ()
        if not token.isalpha() and not token.isdigit():
            forms = tuple(r for r in leet_readings(token) if r in self.vocabulary)
        endings: tuple[str, ...] = ()
        if len(token) > _MIN_STEMMED:
            endings = tuple(
                stem
                for form in (token, *forms)
                for stem in suffix_stems(form)
                if stem in self.place_endings
            )
        readings = (forms, endings) if forms or endings else NO_READINGS
        self._reading_cache[token] = readings
        return readings


def gazetteer_entries(*, system: Any) -> list[tuple[str, str]]:
    """All the names that could identify a place of `system`, as (text, kind), from every
    source registered with partners.names: places and neighbourhoods, organisations with their
    aliases and sites, everyone who has or had a membership in it, committees. A few queries
    whatever the system's size."""
    from partners import names

    return list(names.names_of_system(system))


def gazetteer_for_system(*, system: Any) -> Gazetteer:
    """The gazetteer of `gazetteer_entries`."""
    return Gazetteer.from_entries(gazetteer_entries(system=system))
