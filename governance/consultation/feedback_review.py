"""The ICB admin's redaction review of a round's feedback: the choices made (a phrase to
redact everywhere, or one to keep as written, with the reason why), the index of the round's
free texts that a compilation writes, and each piece of text as written beside what the
summary will show.

The review page pages through the index (ReviewText rows, written in the compilation's
transaction) and scrubs only the texts on the page, live, with the round's current choices:
a 200-place round has about 7,600 texts, and scrubbing them all takes seconds.

An audit row names the kind of choice, never the phrase nor the reason: either may itself
identify a place."""

from __future__ import annotations

import hashlib
import re
import threading
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Case, Count, OuterRef, Q, QuerySet, Subquery, TextField, Value, When
from django.db.models.functions import Coalesce

from governance.catalogue.rules import option_rated_label
from governance.consultation import anonymise
from governance.consultation.models import (
    Answer,
    ConsultationRound,
    FeedbackSummary,
    PlaceRating,
    PlaceResponse,
    RedactionDecision,
    RedactionKind,
    ReviewText,
)
from governance.consultation.selectors import submitted_responses
from governance.consultation.text_folding import fold_letters
from partners.audit import audit
from partners.models import Place, System, User

PHRASE_MIN_LENGTH = 3
PHRASE_MAX_LENGTH = 200
NOTE_MAX_LENGTH = 300
KEEP_REASON_MISSING = "Enter why this name does not identify a place or person"

Source = ReviewText.Source


# Review choices --------------------------------------------------------------------------


def redaction_decisions(*, round: ConsultationRound) -> tuple[list[str], list[str]]:
    """The phrases to redact and the phrases to keep, in a stable order."""
    return choices_of(
        RedactionDecision.objects.filter(round=round)
        .order_by("kind", "phrase")
        .values_list("kind", "phrase")
    )


def choices_of(decisions: Iterable[tuple[str, str]]) -> tuple[list[str], list[str]]:
    """(kind, phrase) pairs, already in (kind, phrase) order, as (redact, keep) lists."""
    redact: list[str] = []
    keep: list[str] = []
    for kind, phrase in decisions:
        (redact if kind == RedactionKind.REDACT else keep).append(phrase)
    return redact, keep


def fingerprint_of(redact: list[str], keep: list[str]) -> str:
    text = "\n".join(["redact", *redact, "keep", *keep])
    return hashlib.sha256(text.encode()).hexdigest()


def redaction_fingerprint(*, round: ConsultationRound) -> str:
    return fingerprint_of(*redaction_decisions(round=round))


def summary_is_stale(
    summary: FeedbackSummary, *, choices: Sequence[RedactionDecision] | None = None
) -> bool:
    """Review choices were made after the summary was compiled: it must be recompiled
    before it can be released. `choices`: the round's choices in (kind, phrase) order, where
    the caller has read them already (`summary_release.review_choices`)."""
    if not summary.has_content:
        return False
    current = (
        redaction_fingerprint(round=summary.round)
        if choices is None
        else fingerprint_of(*choices_of((choice.kind, choice.phrase) for choice in choices))
    )
    return summary.redaction_fingerprint != current


def _choice_in_words(kind: str) -> str:
    return "redaction" if kind == RedactionKind.REDACT else "kept phrase"


def clean_phrase(phrase: str) -> str:
    return " ".join((phrase or "").split())


@transaction.atomic
def redaction_add(
    *, actor: User | None, round: ConsultationRound, kind: str, phrase: str, note: str = ""
) -> RedactionDecision:
    """A review choice for the whole round: redact a phrase that still identifies a place
    wherever it appears, or keep a phrase the scrubber removed by mistake. Keeping puts a name
    back in front of the summary's readers, so it is never done without a reason."""
    phrase = clean_phrase(phrase)
    note = " ".join((note or "").split())
    if kind not in RedactionKind.values:
        raise ValidationError({"kind": ["Choose whether to redact or keep the phrase."]})
    if len(phrase) < PHRASE_MIN_LENGTH:
        raise ValidationError(
            {"phrase": [f"Enter a phrase of at least {PHRASE_MIN_LENGTH} characters."]}
        )
    if len(phrase) > PHRASE_MAX_LENGTH:
        raise ValidationError(
            {"phrase": [f"A phrase must be {PHRASE_MAX_LENGTH} characters or fewer."]}
        )
    if not anonymise.phrase_tokens(phrase):
        raise ValidationError({"phrase": ["Enter a phrase with at least one word in it."]})
    if kind == RedactionKind.KEEP and not note:
        raise ValidationError({"note": [KEEP_REASON_MISSING]})
    if len(note) > NOTE_MAX_LENGTH:
        raise ValidationError({"note": [f"Write {NOTE_MAX_LENGTH} characters or fewer."]})
    if kind == RedactionKind.REDACT and not texts_with_phrase(round=round, phrase=phrase, limit=1):
        raise ValidationError(
            {"phrase": [f"“{phrase}” does not appear in any submitted response of this round."]}
        )
    if RedactionDecision.objects.filter(round=round, kind=kind, phrase__iexact=phrase).exists():
        raise ValidationError({"phrase": ["That phrase is already on the list."]})
    decision = RedactionDecision(
        round=round,
        kind=kind,
        phrase=phrase,
        note=note,
        created_by=actor if actor and actor.pk else None,
    )
    # The round was just read and the actor is the signed-in person, and the case-insensitive
    # check above already refuses every phrase the unique constraint would: checking them again
    # would only cost three queries (the constraint still guards the table).
    decision.full_clean(exclude={"round", "created_by"}, validate_constraints=False)
    decision.save()
    audit(
        actor,
        f"redaction.{kind}",
        decision,
        f"Added a {_choice_in_words(kind)} to the review of {round.title}",
    )
    return decision


@transaction.atomic
def redaction_remove(*, actor: User | None, decision: RedactionDecision) -> None:
    round = decision.round
    audit(
        actor,
        "redaction.remove",
        decision,
        f"Removed a {_choice_in_words(decision.kind)} from the review of {round.title}",
    )
    decision.delete()


# Where a phrase appears ------------------------------------------------------------------

_NOT_LETTER_OR_DIGIT = re.compile(r"[\W_]+")
_ASCII_NOT_LETTER_OR_DIGIT = bytes(c for c in range(128) if not chr(c).isalnum())


def _folded(text: str) -> str:
    """The text's letters and digits only, folded as anonymise folds a token ("&" reads as
    "and"). A phrase's tokens joined together are a substring of this whenever the phrase
    appears in the text (checked for every code point), so a substring test rules out most
    texts before the exact token match, which is a hundred times slower."""
    text = text.replace("&", "and")
    if text.isascii():
        return text.encode().translate(None, _ASCII_NOT_LETTER_OR_DIGIT).lower().decode()
    # The folding the matcher applies to each token (look-alikes, compatibility forms), on
    # the whole text at once. What separates tokens goes first, so that a separator that
    # looks like a letter ("×" like "x") cannot join two tokens into one.
    return _NOT_LETTER_OR_DIGIT.sub("", fold_letters(_NOT_LETTER_OR_DIGIT.sub("", text)))


def _contains_tokens(text: str, wanted: tuple[str, ...]) -> bool:
    tokens = anonymise.phrase_tokens(text)
    n = len(wanted)
    return any(tokens[i : i + n] == wanted for i in range(len(tokens) - n + 1))


def _all_source_texts(round: ConsultationRound, *, streamed: bool) -> Iterable[str]:
    """Every free text of the round's submitted responses, in one query. `streamed`, in
    chunks (a server-side cursor on PostgreSQL), for a search that may stop at the first text
    found; otherwise all at once, which is faster when every text is read."""
    responses = submitted_responses(round=round).order_by()
    answers = Answer.objects.filter(response__in=responses).order_by()
    ratings = PlaceRating.objects.filter(response__in=responses).order_by()
    texts = responses.values_list("proposal_case", flat=True).union(
        answers.values_list("text", flat=True),
        ratings.values_list("reasons", flat=True),
        ratings.values_list("missing_from_analysis", flat=True),
        all=True,
    )
    return texts.iterator(chunk_size=500) if streamed else texts


def texts_with_phrase(*, round: ConsultationRound, phrase: str, limit: int | None = None) -> int:
    """In how many of the round's submitted texts the phrase is written (case, accents and
    punctuation aside), counting up to `limit`. Reads the texts as they are now (one query;
    about 40 ms for a 200-place round), so nothing needs invalidating."""
    wanted = anonymise.phrase_tokens(phrase)
    needle = "".join(wanted)
    if not needle:
        return 0
    found = 0
    for text in _all_source_texts(round, streamed=limit is not None):
        if needle in _folded(text) and _contains_tokens(text, wanted):
            found += 1
            if limit is not None and found >= limit:
                break
    return found


# The gazetteer, built once per set of names ----------------------------------------------

_gazetteers: dict[int, tuple[str, anonymise.Gazetteer]] = {}
_gazetteers_lock = threading.Lock()


def cached_gazetteer(*, system: System) -> anonymise.Gazetteer:
    """The system's gazetteer. The names are read every time (four queries, about 5 ms for
    4,200 names) and only the trie built from them is reused while they are the same, so a
    new person, a renamed place or an alias is seen at once by every process, with no
    invalidation to forget. One trie per system at most (a few MB for the largest)."""
    entries = anonymise.gazetteer_entries(system=system)
    digest = hashlib.sha256(
        "\n".join(f"{kind}\t{name}" for name, kind in entries).encode()
    ).hexdigest()
    system_id = system.pk
    cached = _gazetteers.get(system_id)
    if cached is not None and cached[0] == digest:
        return cached[1]
    gazetteer = anonymise.Gazetteer.from_entries(entries)
    with _gazetteers_lock:
        _gazetteers[system_id] = (digest, gazetteer)
    return gazetteer


def phrase_kind(*, system: System, phrase: str) -> str:
    """What the scrubber takes the whole phrase for (a RemovedText value), or "" when it is
    not one name of the system."""
    result = anonymise.scrub(phrase, gazetteer=cached_gazetteer(system=system))
    if len(result.spans) != 1:
        return ""
    span = result.spans[0]
    whole = not phrase[: span.start].strip() and not phrase[span.end :].strip()
    return span.kind if whole else ""


# The review index ------------------------------------------------------------------------


@dataclass(frozen=True)
class _SourceText:
    place_id: int
    place_name: str
    where: str
    source: str
    source_id: int
    text: str


def _sources(round: ConsultationRound) -> list[_SourceText]:
    """Every free text of the round's submitted responses, empty or not: by place name, then
    the case, the answers in question order and the ratings in the framework's order."""
    responses = list(
        submitted_responses(round=round).select_related("place").order_by("place__name")
    )
    by_response: dict[int, list[_SourceText]] = defaultdict(list)
    place = {response.pk: (response.place_id, response.place.name) for response in responses}
    for response in responses:
        by_response[response.pk].append(
            _SourceText(
                *place[response.pk],
                "The case for the proposal",
                Source.CASE,
                response.pk,
                response.proposal_case,
            )
        )
    answers = (
        Answer.objects.filter(response__in=responses)
        .select_related("question")
        .order_by("question__order")
    )
    for answer in answers:
        by_response[answer.response_id].append(
            _SourceText(
                *place[answer.response_id],
                f"Question {answer.question.order}",
                Source.ANSWER,
                answer.pk,
                answer.text,
            )
        )
    ratings = (
        PlaceRating.objects.filter(response__in=responses)
        .select_related("option", "principle")
        .order_by("option__number", "option_set", "principle__number")
    )
    for rating in ratings:
        rated = option_rated_label(rating.option.number, rating.option_set)
        cell = f"{rated} × principle {rating.principle.number}"
        for field_label, source, text in (
            ("reasons", Source.REASONS, rating.reasons),
            ("what is missing", Source.MISSING, rating.missing_from_analysis),
        ):
            by_response[rating.response_id].append(
                _SourceText(
                    *place[rating.response_id],
                    f"{cell}: {field_label}",
                    source,
                    rating.pk,
                    text,
                )
            )
    return [source for response in responses for source in by_response[response.pk]]


def review_index_rows(*, round: ConsultationRound) -> list[ReviewText]:
    """One unsaved ReviewText per non-empty free text of the round, with what a scrub with
    the round's current choices finds in it. Slow (a scrub of every text), so the compilation
    calls it before it locks the summary; `review_index_build` saves the rows."""
    gazetteer = cached_gazetteer(system=round.system)
    redact, keep = redaction_decisions(round=round)
    rows: list[ReviewText] = []
    for source in _sources(round):
        if not source.text.strip():
            continue
        result = anonymise.scrub(source.text, gazetteer=gazetteer, redact=redact, keep=keep)
        rows.append(
            ReviewText(
                place_id=source.place_id,
                order=len(rows),
                where=source.where[:300],
                source=source.source,
                source_id=source.source_id,
                removed=len(result.spans),
                possible=len(result.flags),
            )
        )
    return rows


def review_index_build(*, summary: FeedbackSummary, rows: list[ReviewText]) -> None:
    """Replace the summary's review index with `rows` (from `review_index_rows`), in the
    caller's transaction: the compilation's, so the index always matches the stored content."""
    ReviewText.objects.filter(summary=summary).delete()
    for row in rows:
        row.summary = summary
    ReviewText.objects.bulk_create(rows, batch_size=2000)


# The review page -------------------------------------------------------------------------


REVIEW_PAGE_SIZE = 20
SHOW_EVERY = ""
SHOW_REMOVED = "removed"
SHOW_POSSIBLE = "possible"
SHOW_CHOICES = {
    SHOW_EVERY: "Every text",
    SHOW_REMOVED: "Texts with something removed",
    SHOW_POSSIBLE: "Texts with possible names",
}


def _source_text(field: str, model: type[PlaceResponse | Answer | PlaceRating]) -> Subquery:
    return Subquery(model.objects.filter(pk=OuterRef("source_id")).order_by().values(field)[:1])


def _current_text() -> Coalesce:
    """The current text of a row, read with it: one look-up by primary key for each of the
    page's rows, instead of a query for each kind of source. "" when the text has gone."""
    return Coalesce(
        Case(
            When(source=Source.CASE, then=_source_text("proposal_case", PlaceResponse)),
            When(source=Source.ANSWER, then=_source_text("text", Answer)),
            When(source=Source.REASONS, then=_source_text("reasons", PlaceRating)),
            When(source=Source.MISSING, then=_source_text("missing_from_analysis", PlaceRating)),
            output_field=TextField(),
        ),
        Value(""),
        output_field=TextField(),
    )


def review_texts(
    *, summary: FeedbackSummary, place_id: int | None = None, show: str = SHOW_EVERY
) -> QuerySet[ReviewText]:
    """The summary's indexed texts, of one place or all, filtered, in review order, each with
    its current text (`text`)."""
    rows = ReviewText.objects.filter(summary=summary)
    if place_id is not None:
        rows = rows.filter(place_id=place_id)
    if show == SHOW_REMOVED:
        rows = rows.filter(removed__gt=0)
    elif show == SHOW_POSSIBLE:
        rows = rows.filter(possible__gt=0)
    # Without the place: the page names it from `review_places`, which the review reads anyway,
    # instead of joining every indexed text to its place before sorting them.
    return rows.annotate(text=_current_text()).order_by("order")


@dataclass(frozen=True)
class ReviewPlace:
    """A place with texts in the review, and how many of them each filter shows."""

    pk: int
    name: str
    counts: dict[str, int]


def review_places(*, summary: FeedbackSummary) -> list[ReviewPlace]:
    """The places whose texts are in the review, by name, each with its texts counted for
    every filter (one query)."""
    rows = (
        ReviewText.objects.filter(summary=summary)
        .values("place_id", "place__name")
        .annotate(
            every=Count("pk"),
            removed=Count("pk", filter=Q(removed__gt=0)),
            possible=Count("pk", filter=Q(possible__gt=0)),
        )
        .order_by("place__name", "place_id")
    )
    return [
        ReviewPlace(
            row["place_id"],
            row["place__name"],
            {
                SHOW_EVERY: row["every"],
                SHOW_REMOVED: row["removed"],
                SHOW_POSSIBLE: row["possible"],
            },
        )
        for row in rows
    ]


def counts_of(places: list[ReviewPlace], chosen: ReviewPlace | None) -> dict[str, int]:
    """How many texts each filter shows: of the chosen place, or of every place."""
    if chosen is not None:
        return chosen.counts
    return {show: sum(place.counts[show] for place in places) for show in SHOW_CHOICES}


@dataclass(frozen=True)
class ReviewItem:
    """One piece of a place's free text, as written and as the summary will show it, with
    what was removed (spans) and what may still be a name (flags)."""

    place_name: str
    where: str
    original: str
    scrubbed: str
    spans: tuple[anonymise.Span, ...]
    flags: tuple[anonymise.Span, ...] = ()

    @property
    def pieces(self) -> list[tuple[str, str]]:
        """The original split into (kind, text) pieces: kind "" for text that stays, a
        RemovedText value for what is removed, anonymise.POSSIBLE for a possible name."""
        marked = sorted(
            [*self.spans, *(flag for flag in self.flags if not self._removed(flag))],
            key=lambda span: span.start,
        )
        pieces: list[tuple[str, str]] = []
        position = 0
        for span in marked:
            if span.start > position:
                pieces.append(("", self.original[position : span.start]))
            pieces.append((span.kind, self.original[span.start : span.end]))
            position = span.end
        if position < len(self.original):
            pieces.append(("", self.original[position:]))
        return pieces

    def _removed(self, flag: anonymise.Span) -> bool:
        return any(flag.start < span.end and flag.end > span.start for span in self.spans)


def review_items(
    *,
    round: ConsultationRound,
    rows: list[ReviewText],
    redact: list[str],
    keep: list[str],
    place_names: dict[int, str] | None = None,
) -> list[ReviewItem]:
    """The rows' texts (a page of them, from `review_texts`), scrubbed live with the given
    review choices; `place_names` names the rows' places (read here when not given)."""
    if place_names is None:
        place_ids = {row.place_id for row in rows}
        place_names = dict(Place.objects.filter(pk__in=place_ids).values_list("pk", "name"))
    gazetteer = cached_gazetteer(system=round.system)
    items = []
    for row in rows:
        text: str = row.text  # type: ignore[attr-defined]
        if not text.strip():
            continue  # changed since the summary was compiled
        result = anonymise.scrub(text, gazetteer=gazetteer, redact=redact, keep=keep)
        items.append(
            ReviewItem(
                place_names[row.place_id], row.where, text, result.text, result.spans, result.flags
            )
        )
    return items
