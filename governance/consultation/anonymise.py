"""The anonymisation engine: a pure module (no models are changed, nothing is saved) that turns
a place's free text into text an advisory group may read, relabels places and suppresses small
counts. Every function here gives the same output for the same input, so the scrubber can be
tested exactly; the only randomness is the order of the place labels, which comes from a seed
the caller passes. A summary's compilation draws a fresh seed each time and does not store it
(governance.consultation.feedback_content), so the labels of one summary cannot be linked to
those of another.

How names are matched
---------------------
The system knows every place, organisation (and alias) and person name, so scrubbing is a
dictionary look-up rather than guesswork: no NLP model is used. Text is split into word tokens
and each token is normalised the way `partners.models.normalise_name` folds names: case,
accents and apostrophes ("St. Mary's" = "st marys"), with runs of spaces, hyphens, full stops
and other punctuation acting only as separators. Initialisms written with full stops ("A.B.H.")
are one token ("abh"), so they match the alias "ABH". A possessive ("Ashworth's", "RHT's")
matches the name with or without its "'s", since "St Mary's" must still match "st marys".

Names are kept in a trie over normalised tokens (a token-level dictionary automaton). At each
token the trie is walked as far as the text allows, which finds every name starting there, on
word boundaries by construction ("ABC" cannot match inside "ABCD": they are different tokens).
Among overlapping matches a small dynamic programme chooses the set that covers the most tokens,
then the fewest matches, so "Ashworth Borough Council" is one organisation, not the place
"Ashworth" followed by words. Covering the most tokens also guarantees that no complete name is
left in the output: one left behind could have been added to the cover.

A compiled alternation regex sorted longest first was the alternative. It is leftmost-first, not
longest-cover; folding punctuation and initialisms into 5,000 patterns makes it large and slow
to compile; and it cannot share the normalisation rule with the rest of the project. The trie
does a dictionary look-up per token, so the cost is linear in the text and barely depends on the
number of names.

Measured (this module, CPython 3.11.7, a shared two-core development machine, cold cache): a
gazetteer of 5,000 distinct names (1,500 one-word places, 2,000 organisations, 1,500 people)
builds in about 0.13 s, and scrubbing 200 answers of 300 words (60,000 words; 3% of words are
names, 1% e-mails, phones, postcodes, URLs or NHS numbers) takes 0.65-1.0 s in total, 3-5 ms per
answer; about a third of that is the pattern search, not the names.

What is not in the gazetteer
----------------------------
People are matched by their full name only. A surname on its own (even of four letters or more)
and a first name on their own are NOT included: "Hale", "Frost", "Grant", "Will" and "Joyce" are
also ordinary words, and scrubbing them would damage the text for every place while hiding
little; a reviewer sees the remaining mentions and adds a manual redaction where one identifies
someone. Single-word place names ("Reading", "Bath") are included, because a place's name is the
thing most likely to identify it; a false positive is undone with a "keep" phrase.

Other identifiers are found by pattern: e-mail addresses, URLs (http, https, www. and bare
domains under common UK and generic suffixes), NHS numbers (10 digits, only with a valid
modulus 11 check digit), UK telephone numbers (01, 02, 03 and 07 numbers, +44 and 0044 forms,
with spaces, hyphens and brackets) and full UK postcodes ("SW1A 1AA", "M1 1AE"; an outward
code alone such as "SW1A" is left, because it names a district, not an address).

Markers already in a text ("[place]", "[email]"…) are left alone, so scrubbing twice gives the
same text as scrubbing once.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from types import MappingProxyType
from typing import Any, Final

from governance.consultation.models import RemovedText

PLACE: Final = RemovedText.PLACE.value
ORGANISATION: Final = RemovedText.ORGANISATION.value
PERSON: Final = RemovedText.PERSON.value
EMAIL: Final = RemovedText.EMAIL.value
PHONE: Final = RemovedText.PHONE.value
POSTCODE: Final = RemovedText.POSTCODE.value
URL: Final = RemovedText.URL.value
NHS_NUMBER: Final = RemovedText.NHS_NUMBER.value
REDACTED: Final = RemovedText.REDACTED.value
# Not a redaction: a phrase an admin has marked as a false positive.
_KEEP: Final = "keep"

NAME_KINDS: Final = (PLACE, ORGANISATION, PERSON)

MARKERS: Final[Mapping[str, str]] = MappingProxyType(
    {kind.value: kind.marker for kind in RemovedText}
)

# When the same normalised phrase is listed under two kinds, the higher priority wins: an
# admin's "keep" overrides everything, a manual redaction overrides a gazetteer kind, and among
# names the more sensitive kind wins. Fixed here so the result never depends on input order.
_PRIORITY: Final[Mapping[str, int]] = MappingProxyType(
    {_KEEP: 5, REDACTED: 4, PERSON: 3, ORGANISATION: 2, PLACE: 1}
)


# Tokens ----------------------------------------------------------------------------------

# A word character, or a combining accent typed after its letter (decomposed text).
_CH = r"(?:[^\W_]|[\u0300-\u036f])"
_TOKEN_RE: Final = re.compile(
    # An initialism with full stops: "A.B.H." or "A.B.H" (single characters only, so that
    # "St.Mary" and "end.Next" stay two words).
    rf"{_CH}(?:\.{_CH})+\.?(?!{_CH})"
    # A word, possibly with apostrophes inside ("Mary's", "O’Neill").
    rf"|{_CH}+(?:['’`]{_CH}+)*"
    # "&" reads as "and", so "Barts & the London" matches "Barts and the London".
    r"|&"
)
_POSSESSIVE_RE: Final = re.compile(r"\w['’`][sS]$")
_MARKER_RE: Final = re.compile("|".join(re.escape(marker) for marker in MARKERS.values()))


_ASCII_PUNCTUATION: Final = str.maketrans("", "", ".'`")


@lru_cache(maxsize=65536)
def normalise_token(word: str) -> str:
    """Fold one token as `normalise_name` folds a name: accents, case, apostrophes and full
    stops go. Only letters and digits remain. Cached: answers reuse the same words."""
    if word == "&":
        return "and"
    if word.isascii():
        return word.translate(_ASCII_PUNCTUATION).lower()
    decomposed = unicodedata.normalize("NFKD", word)
    folded = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
    return "".join(ch for ch in folded if ch.isalnum())


def phrase_tokens(phrase: str) -> tuple[str, ...]:
    """The normalised tokens of a name or phrase, as the matcher sees them."""
    tokens = (normalise_token(match.group()) for match in _TOKEN_RE.finditer(phrase))
    return tuple(token for token in tokens if token)


# The gazetteer ---------------------------------------------------------------------------

_END: Final = ""  # the trie key for "a phrase ends here"; normalised tokens are never empty


def _build_trie(entries: Iterable[tuple[str, str]]) -> tuple[dict[str, Any], int]:
    root: dict[str, Any] = {}
    count = 0
    for text, kind in entries:
        if kind not in _PRIORITY:
            raise ValueError(f"Unknown kind of name: {kind!r}.")
        tokens = phrase_tokens(text)
        if not tokens:
            continue
        node = root
        for token in tokens:
            node = node.setdefault(token, {})
        existing = node.get(_END)
        if existing is None:
            count += 1
        if existing is None or _PRIORITY[kind] > _PRIORITY[existing]:
            node[_END] = kind
    return root, count


@dataclass(frozen=True, eq=False)
class Gazetteer:
    """Every name the scrubber removes, with its kind (place, organisation or person). Build
    it once per summary with `gazetteer_for_system`, or from a list in tests."""

    _trie: dict[str, Any] = field(repr=False)
    size: int

    @classmethod
    def from_entries(cls, entries: Iterable[tuple[str, str]]) -> Gazetteer:
        """Entries are (text, kind) pairs. Names that normalise to nothing are skipped; the
        same name under two kinds keeps the more sensitive kind (person > organisation >
        place)."""
        entries = list(entries)
        for _text, kind in entries:
            if kind not in NAME_KINDS:
                raise ValueError(f"A gazetteer kind is one of {NAME_KINDS}, not {kind!r}.")
        trie, size = _build_trie(entries)
        return cls(_trie=trie, size=size)

    def __len__(self) -> int:
        return self.size


def gazetteer_for_system(*, system: Any) -> Gazetteer:
    """All the names that could identify a place of `system` (`gazetteer_entries`)."""
    return Gazetteer.from_entries(gazetteer_entries(system=system))


def gazetteer_entries(*, system: Any) -> list[tuple[str, str]]:
    """The (name, kind) pairs of `system`'s gazetteer, in four queries whatever its size: its
    places (active or not: an old name still identifies), its organisations and their
    aliases, and the full names of everyone who has or had a membership in it (people who left
    are still named in older answers). Surnames and first names on their own are deliberately
    not included: see the module docstring. Read apart from building the trie so that a
    caller can tell whether the names changed before building it again."""
    from partners.models import Organisation, OrganisationAlias, Place, User

    entries: list[tuple[str, str]] = []
    entries += [
        (name, PLACE) for name in Place.objects.filter(system=system).values_list("name", flat=True)
    ]
    entries += [
        (name, ORGANISATION)
        for name in Organisation.objects.filter(system=system).values_list("name", flat=True)
    ]
    entries += [
        (alias, ORGANISATION)
        for alias in OrganisationAlias.objects.filter(system=system).values_list("alias", flat=True)
    ]
    people = (
        User.objects.filter(memberships__system=system)
        .order_by()
        .values_list("full_name", flat=True)
        .distinct()
    )
    entries += [(name, PERSON) for name in people if name]
    return entries


# Patterns --------------------------------------------------------------------------------

_EMAIL_RE: Final = re.compile(
    r"(?<![\w.+'-])[\w.+'-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+(?![\w@-])", re.ASCII
)
_URL_RE: Final = re.compile(
    r"(?<![\w@/.-])(?:https?://|www\.)[^\s<>\"'\[\]]+"
    # A bare domain with a common suffix: "ashworth.gov.uk/consultation".
    r"|(?<![\w@/.-])[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*"
    r"\.(?:nhs\.uk|gov\.uk|org\.uk|co\.uk|ac\.uk|com|org|net)(?![\w-])(?:/[^\s<>\"'\[\]]*)?",
    re.IGNORECASE,
)
_URL_TRAILING = ".,;:!?)"
_URL_HINT_RE: Final = re.compile(
    r"https?://|www\.|\.(?:uk|com|org|net)(?![A-Za-z0-9-])", re.IGNORECASE
)
_DIGIT_RE: Final = re.compile(r"\d")
_NHS_NUMBER_RE: Final = re.compile(r"(?<![\w+])(\d{3})[ -]?(\d{3})[ -]?(\d{4})(?![\w])", re.ASCII)
_PHONE_RE: Final = re.compile(
    r"(?<![\w+(])"
    r"(?:(?:\+44|0044)[ -]?(?:\(0\)[ -]?)?\(?|\(?0)"
    r"[1237](?:[ \-()]{0,2}\d){8,9}(?!\d)",
    re.ASCII,
)
_POSTCODE_RE: Final = re.compile(
    r"(?<![\w])[A-PR-UWYZ][A-HK-Y]?\d[A-Z\d]? ?\d[ABD-HJLNP-UW-Z]{2}(?![\w])",
    re.IGNORECASE | re.ASCII,
)


def nhs_number_is_valid(digits: str) -> bool:
    """The NHS number's modulus 11 check: weights 10 to 2 on the first nine digits; the check
    digit is 11 minus the remainder (11 becomes 0; 10 means the number is invalid)."""
    if len(digits) != 10 or not digits.isdigit():
        return False
    total = sum(
        int(digit) * weight for digit, weight in zip(digits[:9], range(10, 1, -1), strict=True)
    )
    check = 11 - total % 11
    if check == 11:
        check = 0
    return check != 10 and check == int(digits[9])


def _phone_is_plausible(text: str) -> bool:
    digits = re.sub(r"\D", "", text)
    if digits.startswith("0044"):
        digits = "0" + digits[4:]
    elif digits.startswith("44"):
        digits = "0" + digits[2:]
    if digits.startswith("00"):  # "+44 (0)20 …": the (0) is written but not dialled
        digits = digits[1:]
    return len(digits) in (10, 11) and digits[1] in "1237"


def _pattern_spans(text: str) -> list[tuple[int, int, str]]:
    """E-mails, URLs, NHS numbers, phones and postcodes, in that order of precedence: an
    e-mail's domain is not also a URL, a valid NHS number is not also a phone number."""
    found: list[tuple[int, int, str]] = []

    def add(start: int, end: int, kind: str) -> None:
        if start < end and not any(start < e and end > s for s, e, _ in found):
            found.append((start, end, kind))

    # Each pattern is tried only where the text has what it needs: most answers have no
    # "@", no domain and no digits, and these checks are far cheaper than the patterns.
    if "@" in text:
        for match in _EMAIL_RE.finditer(text):
            add(match.start(), match.end(), EMAIL)
    if _URL_HINT_RE.search(text):
        for match in _URL_RE.finditer(text):
            value = match.group().rstrip(_URL_TRAILING)
            add(match.start(), match.start() + len(value), URL)
    if _DIGIT_RE.search(text):
        for match in _NHS_NUMBER_RE.finditer(text):
            if nhs_number_is_valid("".join(match.groups())):
                add(match.start(), match.end(), NHS_NUMBER)
        for match in _PHONE_RE.finditer(text):
            if _phone_is_plausible(match.group()):
                add(match.start(), match.end(), PHONE)
        for match in _POSTCODE_RE.finditer(text):
            add(match.start(), match.end(), POSTCODE)
    return found


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


def _best_cover(
    tokens: list[str | None], possessives: dict[int, str], tries: list[dict[str, Any]]
) -> list[tuple[int, int, str]]:
    """Matches (first token, token count, kind) that cover the most tokens, then use the
    fewest matches, taking the leftmost and longest on a tie. None is a barrier no name
    crosses (an existing marker or an e-mail, phone…)."""
    n = len(tokens)
    candidates: list[list[tuple[int, str]]] = [[] for _ in range(n)]
    any_candidate = False
    first_trie = tries[0]
    other_tries = tries[1:]
    for i in range(n):
        token = tokens[i]
        if token is None:
            continue
        # Most words start no name: skip them without walking the tries.
        if token not in first_trie and i not in possessives and not other_tries:
            continue
        if not any(token in trie or possessives.get(i, _END) in trie for trie in tries):
            continue
        found: dict[int, str] = {}
        # Depth-first: a possessive token ("Ashworth's") is tried as written and without "'s".
        stack = [(trie, i) for trie in tries]
        while stack:
            node, j = stack.pop()
            if j >= n:
                continue
            token = tokens[j]
            if token is None:
                continue
            for form in (token, possessives.get(j)):
                if form is None or form not in node:
                    continue
                child = node[form]
                kind = child.get(_END)
                if kind is not None:
                    length = j + 1 - i
                    if length not in found or _PRIORITY[kind] > _PRIORITY[found[length]]:
                        found[length] = kind
                stack.append((child, j + 1))
        candidates[i] = sorted(found.items(), reverse=True)
        any_candidate = any_candidate or bool(found)
    if not any_candidate:
        return []

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


def scrub(
    text: str,
    *,
    gazetteer: Gazetteer,
    redact: Iterable[str] = (),
    keep: Iterable[str] = (),
) -> ScrubResult:
    """Replace every name in `gazetteer`, every phrase in `redact` (an admin's manual
    redactions, matched like names) and every e-mail, URL, NHS number, phone number and
    postcode with a typed marker. Phrases in `keep` (false positives an admin undid) are left
    as written wherever they occur, even when they contain a name; they do not protect
    e-mails, phones and the like, which have no false positives worth keeping."""
    extra_trie, _ = _build_trie(
        [(phrase, REDACTED) for phrase in redact] + [(phrase, _KEEP) for phrase in keep]
    )
    tries = [gazetteer._trie, extra_trie] if extra_trie else [gazetteer._trie]

    protected = [(m.start(), m.end()) for m in _MARKER_RE.finditer(text)]
    patterns = [
        (start, end, kind)
        for start, end, kind in _pattern_spans(text)
        if not any(start < e and end > s for s, e in protected)
    ]
    barriers = sorted(protected + [(start, end) for start, end, _ in patterns])

    # The token list holds a match object per token (its span is read only for the few
    # tokens that start or end a name) or None for a barrier. This loop runs once per word
    # of every answer, so it is kept lean.
    token_matches: list[re.Match[str] | None] = []
    tokens: list[str | None] = []
    possessives: dict[int, str] = {}  # token index → the token without its "'s"
    normalise = normalise_token
    barrier_count = len(barriers)
    b = 0
    for match in _TOKEN_RE.finditer(text):
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
        if normalised:
            if ("'" in word or "’" in word or "`" in word) and _POSSESSIVE_RE.search(word):
                possessives[len(tokens)] = normalised[:-1]
            token_matches.append(match)
            tokens.append(normalised)

    spans = []
    for first, length, kind in _best_cover(tokens, possessives, tries):
        if kind == _KEEP:
            continue
        opening, closing = token_matches[first], token_matches[first + length - 1]
        assert opening is not None and closing is not None  # names never span a barrier
        spans.append(Span(opening.start(), closing.end(), kind))
    spans += [Span(start, end, kind) for start, end, kind in patterns]
    spans.sort(key=lambda span: span.start)

    pieces: list[str] = []
    position = 0
    for span in spans:
        pieces.append(text[position : span.start])
        pieces.append(MARKERS[span.kind])
        position = span.end
    pieces.append(text[position:])
    counts = Counter(span.kind for span in spans)
    return ScrubResult(
        text="".join(pieces),
        counts=MappingProxyType(dict(sorted(counts.items()))),
        spans=tuple(spans),
    )


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
