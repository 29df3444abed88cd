"""The anonymisation engine: a pure module (no models are changed, nothing is saved) that turns
a place's free text into text an advisory group may read, relabels places and suppresses small
counts. Every function here gives the same output for the same input, so the scrubber can be
tested exactly; the only randomness is the order of the place labels, which comes from a seed
the caller passes. A summary's compilation draws a fresh seed each time and does not store it
(governance.consultation.feedback_content), so the labels of one summary cannot be linked to
those of another.

How names are matched
---------------------
The system knows every place, neighbourhood, organisation (with its aliases and sites),
committee and person name (partners.names gathers them), so scrubbing is a dictionary look-up
rather than guesswork: no NLP model is used. Invisible characters (zero-width spaces, soft
hyphens, bidirectional controls…) are first removed from the text, and from the output too.
Text is then split into word tokens and each token is normalised the way
`partners.models.normalise_name` folds names: case, accents and apostrophes ("St. Mary's" =
"st marys"), with runs of spaces, hyphens, full stops and other punctuation acting only as
separators; compatibility forms ("Ａｓｈ") and look-alike letters from other scripts (a Cyrillic
"А") are read as the letters they imitate (`text_folding`). Initialisms written with full stops
("A.B.H.") are one token ("abh"), so they match the alias "ABH".

Names are kept in a trie over normalised tokens (a token-level dictionary automaton). At each
token the trie is walked as far as the text allows, which finds every name starting there, on
word boundaries by construction ("ABC" cannot match inside "ABCD": they are different tokens).
Among overlapping matches a small dynamic programme chooses the set that covers the most tokens,
then the fewest matches, so "Ashworth Borough Council" is one organisation, not the place
"Ashworth" followed by words. Covering the most tokens also guarantees that no complete name is
left in the output: one left behind could have been added to the cover. A compiled alternation
regex was the alternative; it is leftmost-first, not longest-cover, slow to compile with
5,000 names, and cannot share the normalisation rule with the rest of the project.

Every written form of a name is matched (`name_forms` builds them):
- a possessive ("Ashworth's", "RHT's"), with or without its "'s";
- a name split or joined by spaces or hyphens ("Ash worth", "Ash-worth", "Bracken-field",
  "DunmoreCoast"), for names of five letters or more, in up to four pieces. Pieces split by a
  space must start with a capital ("a new port" is not "Newport");
- digits written for letters ("Brackenfie1d", "Dunm0re": 0 o, 1 l or i, 3 e, 4 a, 5 s, 7 t,
  8 b) when the reading is exactly a name: a word mixing letters and digits that spells a name
  is a disguise, not an ordinary word, so it is scrubbed;
- for places (and neighbourhoods) only, a plural or demonym: -s, -es, -ian(s), -ite(s),
  -er(s), with a dropped final e or y ("Ashworths", "Ashworthian", "Coventrian");
- for people, besides the full name in any case: a title and the surname ("Dr Brennan",
  "Cllr Frost", "Councillor Frost"; `name_forms.TITLES`), a title with a first name or
  initials ("Ms N Brennan"), initials and surname ("N. Brennan", "N Brennan", "N.J.
  Brennan"), and surname first ("Brennan, Nadia"). These short forms match only when every word
  after the title begins with a capital, and a lone "A" or "I" is an initial only with its full
  stop, so "a frost" and "I Frost" stay as written.

Possible names are flagged, not scrubbed (ScrubResult.flags, kind POSSIBLE): they stay in the
text, for the review to show a reviewer, who redacts or leaves each. Flags never overlap spans.
- A known person's surname alone, when written with a capital, anywhere in a sentence
  ("Brennan agreed", "Frost said"): a surname alone is how people are most often named, but
  "Frost", "Hale" and "Grant" are also words, so scrubbing them blindly would damage every
  place's text. Lower case ("a hard frost") is never flagged; nor is a first name alone.
- A near miss: a word one letter off (substituted, inserted, deleted or two swapped) a place,
  a one-word organisation name or a surname of seven letters or more ("Ashwroth",
  "Brackenfeld"), also after reading its digits as letters. Shorter names are too close to
  ordinary words. Found through the names' deletion neighbourhoods (`name_forms.NearMisses`).

Measured (CPython 3.11, a shared two-core machine, random names and words): a gazetteer of
5,000 distinct names (1,500 places, 2,000 organisations, 1,500 people) builds in about 0.08 s,
and scrubbing 200 answers of 300 words (60,000 words; 3% of words are names, 1% e-mails,
phones, postcodes or URLs) takes about 0.24 s, 0.27 s on a first pass while the per-word
caches fill: about a third more than before the written forms and flags (0.025 s and 0.18 s).
The cost stays linear in the text and barely depends on the number of names.

Other identifiers are found by pattern (`identifier_patterns`): e-mail addresses, URLs, NHS
numbers, UK telephone numbers and full UK postcodes. Markers already in a text ("[place]",
"[email]"…) are left alone, so scrubbing twice gives the same text as scrubbing once.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Final

from governance.consultation.gazetteer import (
    END,
    KEEP,
    MAX_PIECES,
    NAME_KINDS,
    NO_READINGS,
    ORGANISATION,
    PERSON,
    PLACE,
    POSSESSIVE_RE,
    PRIORITY,
    REDACTED,
    SHORT,
    TOKEN_RE,
    Gazetteer,
    build_trie,
    gazetteer_entries,
    gazetteer_for_system,
    phrase_tokens,
)
from governance.consultation.identifier_patterns import pattern_spans
from governance.consultation.models import RemovedText
from governance.consultation.name_forms import NEAR_MISS_MIN_LENGTH, SURNAME_PARTICLES, TITLES
from governance.consultation.text_folding import (
    leet_readings,
    normalise_token,
    visible_with_origins,
)

# Also the engine's interface: callers reach the gazetteer and tokens through this module.
__all__ = [
    "MARKERS",
    "NAME_KINDS",
    "ORGANISATION",
    "PERSON",
    "PLACE",
    "POSSIBLE",
    "Gazetteer",
    "ScrubResult",
    "Span",
    "can_release",
    "gazetteer_entries",
    "gazetteer_for_system",
    "new_label_seed",
    "normalise_token",
    "phrase_tokens",
    "place_labels",
    "scrub",
    "suppress_small_counts",
]

MARKERS: Final[Mapping[str, str]] = MappingProxyType(
    {kind.value: kind.marker for kind in RemovedText}
)
_MARKER_RE: Final = re.compile("|".join(re.escape(marker) for marker in MARKERS.values()))


# Scrubbing -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Span:
    """Where a redaction sits in the original text, for the review screen. It carries offsets
    and a kind, never the removed text."""

    start: int
    end: int
    kind: str


# Not a redaction: text left as written that may still be a name (a near miss, a surname
# alone), flagged for the reviewer.
POSSIBLE: Final = "possible"


@dataclass(frozen=True)
class ScrubResult:
    """The scrubbed text, counts of redactions by kind (only kinds that occurred) and their
    spans on the original text, and the spans of possible names left in the text for a
    reviewer to judge (kind POSSIBLE). The removed words are deliberately not kept: the
    redaction log stores counts only."""

    text: str
    counts: Mapping[str, int]
    spans: tuple[Span, ...]
    flags: tuple[Span, ...] = ()

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass
class _Words:
    """The tokens of a text as the matcher reads them. A token is its match on the text (its
    span is read only for the few tokens that start or end a name) and its normalised form,
    or None for a barrier no name crosses (a marker, an e-mail, a phone number…)."""

    text: str
    matches: list[re.Match[str] | None] = field(default_factory=list)
    tokens: list[str | None] = field(default_factory=list)
    # Other readings of a token, usable anywhere in a name: without its "'s", or with its
    # digits read as letters.
    forms: dict[int, tuple[str, ...]] = field(default_factory=dict)
    # Readings usable only as the end of a place's name: without a plural or demonym suffix.
    endings: dict[int, tuple[str, ...]] = field(default_factory=dict)

    def written_as_name(self, first: int, last: int) -> bool:
        """Whether tokens first..last all begin with a capital, as a short form of a person's
        name must ("N. Brennan", not "a frost"). A lone "A" or "I" counts as an initial only
        with its full stop ("A. Frost"), being also a word; "van" and "de" stay lower case."""
        text = self.text
        for k in range(first, last + 1):
            match = self.matches[k]
            assert match is not None
            word = match.group()
            if not word[0].isupper() and word not in SURNAME_PARTICLES:
                return False
            if word in ("A", "I") and not text.startswith(".", match.end()):
                return False
        return True

    def split_as_name(self, first: int, last: int) -> bool:
        """Whether tokens first..last may be read as one name split into pieces: only
        spaces and hyphens between them, and with a space only when the first piece begins
        with a capital ("Ash worth"; "a new port" is not "Newport")."""
        text = self.text
        spaced = False
        for k in range(first, last):
            before, after = self.matches[k], self.matches[k + 1]
            assert before is not None and after is not None
            gap = text[before.end() : after.start()]
            if not _SPLIT_GAP_RE.fullmatch(gap):
                return False
            spaced = spaced or any(ch.isspace() for ch in gap)
        opening = self.matches[first]
        assert opening is not None
        return not spaced or opening.group()[0].isupper()


_HYPHENS: Final = "-‐‑‒–—"
_SPLIT_GAP_RE: Final = re.compile(rf"[\s{re.escape(_HYPHENS)}]*")


def _read_words(text: str, barriers: list[tuple[int, int]], gazetteer: Gazetteer) -> _Words:
    # This loop runs once per word of every answer, so it is kept lean: what a token could
    # also be read as depends on the token alone and is cached on the gazetteer.
    words = _Words(text)
    token_matches, tokens, forms, endings = words.matches, words.tokens, words.forms, words.endings
    normalise = normalise_token
    readings_of = gazetteer.readings_of
    barrier_count = len(barriers)
    b = 0
    for match in TOKEN_RE.finditer(text):
        if barrier_count:
            start, end = match.span()
            while b < barrier_count and barriers[b][1] <= start:
                b += 1
            if b < barrier_count and barriers[b][0] < end:
                if tokens and tokens[-1] is not None:
                    token_matches.append(None)
                    tokens.append(None)
                continue
        word = match.group()
        normalised = normalise(word)
        if not normalised:
            continue
        index = len(tokens)
        token_matches.append(match)
        tokens.append(normalised)
        readings = readings_of(normalised)
        if ("'" in word or "’" in word or "`" in word) and POSSESSIVE_RE.search(word):
            bare = normalised[:-1]
            bare_readings = readings_of(bare)
            readings = ((bare, *bare_readings[0]), readings[1] + bare_readings[1])
        if readings is not NO_READINGS:
            if readings[0]:
                forms[index] = readings[0]
            if readings[1]:
                endings[index] = readings[1]
    return words


def _candidates(
    words: _Words, gazetteer: Gazetteer, extra_trie: dict[str, Any]
) -> list[list[tuple[int, str]]] | None:
    """For each token, the names that start there: (token count, kind), longest first. None
    when no token starts a name."""
    tokens, forms, endings = words.tokens, words.forms, words.endings
    trie, prefixes = gazetteer.trie, gazetteer.joined_prefixes
    candidates: list[list[tuple[int, str]]] = [[] for _ in tokens]
    any_candidate = False
    for i, token in enumerate(tokens):
        if token is None:
            continue
        # Most words start no name: skip them without walking the tries.
        named = token in trie or token in TITLES or i in forms or i in endings
        if not (named or token in prefixes or (extra_trie and token in extra_trie)):
            continue
        found: dict[int, str] = {}
        if named or extra_trie:
            _walk_tries(words, gazetteer, extra_trie, i, found)
        if token in prefixes or i in forms or i in endings:
            _walk_joined(words, gazetteer, i, found)
        if found:
            candidates[i] = sorted(found.items(), reverse=True)
            any_candidate = True
    return candidates if any_candidate else None


def _walk_tries(
    words: _Words, gazetteer: Gazetteer, extra_trie: dict[str, Any], i: int, found: dict[int, str]
) -> None:
    """Names starting at token i, token by token through the tries, each token as written and
    in its other readings; a plural or demonym only at the end of a place. A title ("Dr",
    "Cllr") starts a walk of the forms that may follow one."""
    tokens, forms, endings = words.tokens, words.forms, words.endings
    n = len(tokens)
    # (trie node, first token that must be written as a name, next token, main gazetteer?)
    stack: list[tuple[dict[str, Any], int, int, bool]] = [(gazetteer.trie, i, i, True)]
    if extra_trie:
        stack.append((extra_trie, i, i, False))
    if tokens[i] in TITLES:
        stack.append((gazetteer.titled, i + 1, i + 1, False))
    while stack:
        node, first, j, main = stack.pop()
        token = tokens[j] if j < n else None
        if token is None:
            continue
        for form in (token, *forms.get(j, ())):
            child = node.get(form)
            if child is None:
                continue
            kind = child.get(END)
            if kind is not None and (SHORT not in child or words.written_as_name(first, j)):
                _add_candidate(found, j + 1 - i, kind)
            stack.append((child, first, j + 1, main))
        if main:
            for stem in endings.get(j, ()):
                child = node.get(stem)
                if child is not None and child.get(END) == PLACE:
                    _add_candidate(found, j + 1 - i, PLACE)


def _walk_joined(words: _Words, gazetteer: Gazetteer, i: int, found: dict[int, str]) -> None:
    """Names starting at token i split or joined otherwise than they are written in the
    gazetteer ("Ash worth", "Bracken-field", "DunmoreCoast"): the pieces are joined and looked
    up whole, while the joined text is still the start of some name."""
    tokens, forms, endings = words.tokens, words.forms, words.endings
    joined, prefixes = gazetteer.joined, gazetteer.joined_prefixes
    glued = ""
    for j in range(i, min(len(tokens), i + MAX_PIECES)):
        token = tokens[j]
        if token is None:
            return
        stems = endings.get(j, ())
        for form in (token, *forms.get(j, ()), *stems):
            kind = joined.get(glued + form)
            if kind is None or (kind != PLACE and form in stems):
                continue
            if j == i or words.split_as_name(i, j):
                _add_candidate(found, j + 1 - i, kind)
        glued += token
        if glued not in prefixes:
            return


def _add_candidate(found: dict[int, str], length: int, kind: str) -> None:
    if length not in found or PRIORITY[kind] > PRIORITY[found[length]]:
        found[length] = kind


def _best_cover(candidates: list[list[tuple[int, str]]]) -> list[tuple[int, int, str]]:
    """Matches (first token, token count, kind) that cover the most tokens, then use the
    fewest matches, taking the leftmost and longest on a tie."""
    n = len(candidates)
    # best[i] = (tokens covered, -matches) for tokens[i:]; choice[i] = (length, kind) or None.
    best: list[tuple[int, int]] = [(0, 0)] * (n + 1)
    choice: list[tuple[int, str] | None] = [None] * (n + 1)
    for i in range(n - 1, -1, -1):
        best[i] = best[i + 1]
        if not candidates[i]:
            continue
        for length, kind in candidates[i]:
            covered, negative_count = best[i + length]
            score = (covered + length, negative_count - 1)
            if score >= best[i] if choice[i] is None else score > best[i]:
                best[i], choice[i] = score, (length, kind)
    matches: list[tuple[int, int, str]] = []
    i = 0
    while i < n:
        picked = choice[i]
        if picked is None:
            i += 1
        else:
            matches.append((i, picked[0], picked[1]))
            i += picked[0]
    return matches


def _possible_names(
    words: _Words, covered: list[bool], gazetteer: Gazetteer
) -> list[tuple[int, int]]:
    """Tokens left in the text that may still be names, as (first, last) token indices: a
    known person's surname alone, written with a capital, and words one edit from a long name
    (see the module docstring)."""
    tokens, forms = words.tokens, words.forms
    surnames, near_misses = gazetteer.surnames, gazetteer.near_misses
    shortest_near_miss = NEAR_MISS_MIN_LENGTH - 1 if near_misses else 1_000_000
    near = near_misses.near
    flagged: list[tuple[int, int]] = []
    n = len(tokens)
    i = 0
    while i < n:
        token = tokens[i]
        if token is None or covered[i]:
            i += 1
            continue
        others = forms.get(i, ())
        if token in surnames or others:
            last = _longest_surname(tokens, forms, covered, surnames, i)
            if last is not None and words.written_as_name(i, i):
                flagged.append((i, last))
                i = last + 1
                continue
        if len(token) >= shortest_near_miss and (
            near(token) or any(near(other) for other in others or _digits_read(token))
        ):
            flagged.append((i, i))
        i += 1
    return flagged


def _digits_read(token: str) -> tuple[str, ...]:
    """A near miss may also have digits for letters ("Brack3nfeld")."""
    return () if token.isalpha() else leet_readings(token)


def _longest_surname(
    tokens: list[str | None],
    forms: dict[int, tuple[str, ...]],
    covered: list[bool],
    surnames: dict[str, Any],
    first: int,
) -> int | None:
    last: int | None = None
    stack = [(surnames, first)]
    while stack:
        node, j = stack.pop()
        token = tokens[j] if j < len(tokens) and not covered[j] else None
        if token is None:
            continue
        for form in (token, *forms.get(j, ())):
            child = node.get(form)
            if child is not None:
                if END in child and (last is None or j > last):
                    last = j
                stack.append((child, j + 1))
    return last


def scrub(
    text: str,
    *,
    gazetteer: Gazetteer,
    redact: Iterable[str] = (),
    keep: Iterable[str] = (),
) -> ScrubResult:
    """Replace every name in `gazetteer` (in any of its forms), every phrase in `redact` (an
    admin's manual redactions, matched like names) and every e-mail, URL, NHS number, phone
    number and postcode with a typed marker, and flag the possible names left (a surname
    alone, a near miss). Phrases in `keep` (false positives an admin undid) are left as
    written wherever they occur, even when they contain a name; they do not protect e-mails,
    phones and the like, which have no false positives worth keeping. Invisible characters are
    removed from the whole text; spans and flags are offsets into `text` as given."""
    extra_trie = build_trie(
        [(phrase, REDACTED) for phrase in redact] + [(phrase, KEEP) for phrase in keep]
    )
    visible, origins = visible_with_origins(text)

    protected = [(m.start(), m.end()) for m in _MARKER_RE.finditer(visible)]
    patterns = [
        (start, end, kind)
        for start, end, kind in pattern_spans(visible)
        if not any(start < e and end > s for s, e in protected)
    ]
    barriers = sorted(protected + [(start, end) for start, end, _ in patterns])
    words = _read_words(visible, barriers, gazetteer)
    candidates = _candidates(words, gazetteer, extra_trie)
    covered = [token is None for token in words.tokens]

    spans = []
    for first, length, kind in _best_cover(candidates) if candidates else ():
        covered[first : first + length] = [True] * length
        if kind == KEEP:
            continue
        opening, closing = words.matches[first], words.matches[first + length - 1]
        assert opening is not None and closing is not None  # names never span a barrier
        spans.append(Span(opening.start(), closing.end(), kind))
    spans += [Span(start, end, kind) for start, end, kind in patterns]
    spans.sort(key=lambda span: span.start)
    flags = []
    for first, last in _possible_names(words, covered, gazetteer):
        opening, closing = words.matches[first], words.matches[last]
        assert opening is not None and closing is not None
        flags.append(Span(opening.start(), closing.end(), POSSIBLE))

    pieces: list[str] = []
    position = 0
    for span in spans:
        pieces.append(visible[position : span.start])
        pieces.append(MARKERS[span.kind])
        position = span.end
    pieces.append(visible[position:])
    counts = Counter(span.kind for span in spans)
    return ScrubResult(
        text="".join(pieces),
        counts=MappingProxyType(dict(sorted(counts.items()))),
        spans=tuple(_on_original(span, origins) for span in spans),
        flags=tuple(_on_original(span, origins) for span in flags),
    )


def _on_original(span: Span, origins: list[int] | None) -> Span:
    if origins is None:
        return span
    return Span(origins[span.start], origins[span.end - 1] + 1, span.kind)


# Place labels and small counts -----------------------------------------------------------


def _letters(index: int) -> str:
    """0 → "A", 25 → "Z", 26 → "AA", 27 → "AB" (spreadsheet-style columns)."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


def place_labels(*, place_ids: Iterable[int], seed: str | int) -> dict[int, str]:
    """ "Place A", "Place B"… in an order derived from `seed` alone, so that a label never
    hints at a place's id or name. The same seed gives the same labels; use a fresh random seed
    for each summary (`new_label_seed`)."""
    ids = sorted(set(place_ids))
    order = sorted(ids, key=lambda pk: hashlib.sha256(f"{seed}:{pk}".encode()).digest())
    return {pk: f"Place {_letters(index)}" for index, pk in enumerate(order)}


def new_label_seed() -> str:
    import secrets

    return secrets.token_hex(16)


def suppress_small_counts(counts: Mapping[str, int], *, threshold: int) -> dict[str, int | str]:
    """Counts from 1 to threshold - 1 become "fewer than {threshold}", because a small count
    (one place chose option 5) can identify a place. Zero stays 0: no place is identified by
    nobody."""
    if threshold < 1:
        raise ValueError("The threshold must be at least 1.")
    suppressed: dict[str, int | str] = {}
    for key, count in counts.items():
        if count < 0:
            raise ValueError(f"A count cannot be negative ({key}: {count}).")
        suppressed[key] = f"fewer than {threshold}" if 0 < count < threshold else count
    return suppressed


def can_release(*, response_count: int, threshold: int) -> bool:
    """A summary may be released only when at least `threshold` places responded: with fewer,
    readers could attribute what it says to the few places they know took part."""
    return response_count >= threshold
