"""The ICB admin's redaction review of a round's feedback: the choices made (a phrase to
redact everywhere, or one to keep as written), and each piece of the places' free text as
written beside what the summary will show.

An audit row names the kind of choice, never the phrase: the phrase may itself identify a
place."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction

from governance.catalogue.rules import option_rated_label
from governance.consultation import anonymise
from governance.consultation.models import (
    Answer,
    ConsultationRound,
    FeedbackSummary,
    PlaceRating,
    RedactionDecision,
    RedactionKind,
)
from governance.consultation.selectors import submitted_responses
from partners.audit import audit
from partners.models import User

PHRASE_MIN_LENGTH = 3
PHRASE_MAX_LENGTH = 200


def redaction_decisions(*, round: ConsultationRound) -> tuple[list[str], list[str]]:
    """The phrases to redact and the phrases to keep, in a stable order."""
    redact: list[str] = []
    keep: list[str] = []
    for kind, phrase in (
        RedactionDecision.objects.filter(round=round)
        .order_by("kind", "phrase")
        .values_list("kind", "phrase")
    ):
        (redact if kind == RedactionKind.REDACT else keep).append(phrase)
    return redact, keep


def redaction_fingerprint(*, round: ConsultationRound) -> str:
    redact, keep = redaction_decisions(round=round)
    text = "\n".join(["redact", *redact, "keep", *keep])
    return hashlib.sha256(text.encode()).hexdigest()


def summary_is_stale(summary: FeedbackSummary) -> bool:
    """Review choices were made after the summary was compiled: it must be recompiled
    before it can be released."""
    return summary.has_content and summary.redaction_fingerprint != redaction_fingerprint(
        round=summary.round
    )


def _all_source_texts(round: ConsultationRound) -> Iterable[str]:
    responses = submitted_responses(round=round)
    yield from responses.values_list("proposal_case", flat=True)
    yield from Answer.objects.filter(response__in=responses).values_list("text", flat=True)
    for reasons, missing in PlaceRating.objects.filter(response__in=responses).values_list(
        "reasons", "missing_from_analysis"
    ):
        yield reasons
        yield missing


def _choice_in_words(kind: str) -> str:
    return "redaction" if kind == RedactionKind.REDACT else "kept phrase"


@transaction.atomic
def redaction_add(
    *, actor: User | None, round: ConsultationRound, kind: str, phrase: str, note: str = ""
) -> RedactionDecision:
    """A review choice for the whole round: redact a phrase that still identifies a place
    wherever it appears, or keep a phrase the scrubber removed by mistake."""
    phrase = " ".join((phrase or "").split())
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
    wanted = anonymise.phrase_tokens(phrase)
    if kind == RedactionKind.REDACT and not any(
        _contains_tokens(text, wanted) for text in _all_source_texts(round)
    ):
        raise ValidationError(
            {"phrase": [f"“{phrase}” does not appear in any submitted response of this round."]}
        )
    if RedactionDecision.objects.filter(round=round, kind=kind, phrase__iexact=phrase).exists():
        raise ValidationError({"phrase": ["That phrase is already on the list."]})
    decision = RedactionDecision(
        round=round,
        kind=kind,
        phrase=phrase,
        note=(note or "").strip()[:300],
        created_by=actor if actor and actor.pk else None,
    )
    decision.full_clean()
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


def _contains_tokens(text: str, wanted: tuple[str, ...]) -> bool:
    tokens = anonymise.phrase_tokens(text)
    n = len(wanted)
    return any(tokens[i : i + n] == wanted for i in range(len(tokens) - n + 1))


@dataclass(frozen=True)
class ReviewItem:
    """One piece of a place's free text, as written and as the summary will show it."""

    place_name: str
    where: str
    original: str
    scrubbed: str
    spans: tuple[anonymise.Span, ...]

    @property
    def pieces(self) -> list[tuple[str, str]]:
        """The original split into (kind, text) pieces, kind "" for text that stays, so the
        review page can highlight what is removed."""
        pieces: list[tuple[str, str]] = []
        position = 0
        for span in self.spans:
            if span.start > position:
                pieces.append(("", self.original[position : span.start]))
            pieces.append((span.kind, self.original[span.start : span.end]))
            position = span.end
        if position < len(self.original):
            pieces.append(("", self.original[position:]))
        return pieces


def review_items(*, round: ConsultationRound, place_id: int | None = None) -> list[ReviewItem]:
    """Every non-empty free text of the round's submitted responses (or one place's), scrubbed
    with the round's current review choices, in place, then page order."""
    gazetteer = anonymise.gazetteer_for_system(system=round.system)
    redact, keep = redaction_decisions(round=round)
    items: list[ReviewItem] = []

    def add(place_name: str, where: str, text: str) -> None:
        if not text.strip():
            return
        result = anonymise.scrub(text, gazetteer=gazetteer, redact=redact, keep=keep)
        items.append(ReviewItem(place_name, where, text, result.text, result.spans))

    for source in _sources(round, place_id=place_id):
        add(source.place_name, source.where, source.text)
    return items


@dataclass(frozen=True)
class _Source:
    place_id: int
    place_name: str
    where: str
    text: str


def _sources(round: ConsultationRound, *, place_id: int | None = None) -> list[_Source]:
    responses = submitted_responses(round=round).select_related("place").order_by("place__name")
    if place_id is not None:
        responses = responses.filter(place_id=place_id)
    responses_list = list(responses)
    by_response: dict[int, list[_Source]] = defaultdict(list)
    for response in responses_list:
        by_response[response.pk].append(
            _Source(
                response.place_id,
                response.place.name,
                "The case for the proposal",
                response.proposal_case,
            )
        )
    answers = (
        Answer.objects.filter(response__in=responses_list)
        .select_related("question")
        .order_by("question__order")
    )
    names = {response.pk: response.place.name for response in responses_list}
    places = {response.pk: response.place_id for response in responses_list}
    for answer in answers:
        by_response[answer.response_id].append(
            _Source(
                places[answer.response_id],
                names[answer.response_id],
                f"Question {answer.question.order}",
                answer.text,
            )
        )
    ratings = (
        PlaceRating.objects.filter(response__in=responses_list)
        .select_related("option", "principle")
        .order_by("option__number", "option_set", "principle__number")
    )
    for rating in ratings:
        rated = option_rated_label(rating.option.number, rating.option_set)
        cell = f"{rated} × principle {rating.principle.number}"
        for field_label, text in (
            ("reasons", rating.reasons),
            ("what is missing", rating.missing_from_analysis),
        ):
            by_response[rating.response_id].append(
                _Source(
                    places[rating.response_id],
                    names[rating.response_id],
                    f"{cell}: {field_label}",
                    text,
                )
            )
    return [source for response in responses_list for source in by_response[response.pk]]
