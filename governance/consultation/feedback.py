"""Anonymised feedback: compiling a closed round's submitted responses into a summary the
advisory group may read, the ICB admin's redaction review, and release.

The compilation runs as a Celery job (governance.tasks.compile_feedback_summary) that calls
`summary_compile`. It is built to survive being run twice or being killed half way:

- `summary_request_compile` bumps the summary's `generation` and queues a job for that
  generation after the transaction commits;
- the job reads everything, scrubs, builds the content and renders every export in memory,
  reporting its stage in short separate transactions (that is all a reader sees meanwhile);
- it then writes the content and all four files in one transaction, only if its generation is
  still the current one and has not been completed already. A job redelivered after a worker
  was killed therefore completes the compilation exactly once, and a superseded job writes
  nothing.

What is anonymised, and how, is governance.consultation.anonymise's business; this module decides what
goes into a summary. The place labels come from a fresh random seed for every compilation,
and the seed is not stored: the mapping from label to place exists only while the job runs.
"""

from __future__ import annotations

import hashlib
import logging
import os
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from governance.catalogue.models import Band, SuggestedRating
from governance.catalogue.rules import FrameworkRules, option_set_numbers
from governance.consultation import anonymise
from governance.consultation.models import (
    Agreement,
    Answer,
    ConsultationRound,
    FeedbackSummary,
    JobState,
    PlaceRating,
    PlaceResponse,
    RedactionDecision,
    RedactionKind,
    ResponseStatus,
    SummaryExport,
)
from governance.consultation.services import option_set_label, uk_datetime
from partners.audit import audit_record
from partners.models import User
from partners.queue import enqueue_on_commit

log = logging.getLogger(__name__)

SCHEMA_VERSION = 1
PHRASE_MIN_LENGTH = 3
PHRASE_MAX_LENGTH = 200
# A queued or running compilation older than this is presumed lost (its worker and message
# gone) and may be started again.
STALE_JOB_MINUTES = 30


# Reading -----------------------------------------------------------------------------------


def summary_for_round(*, round: ConsultationRound) -> FeedbackSummary | None:
    return (
        FeedbackSummary.objects.select_related("requested_by", "released_by")
        .filter(round=round)
        .first()
    )


def submitted_responses(*, round: ConsultationRound) -> QuerySet[PlaceResponse]:
    return PlaceResponse.objects.filter(round=round, status=ResponseStatus.SUBMITTED)


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


def compile_refusal(*, round: ConsultationRound, now: datetime | None = None) -> str | None:
    """Why a compilation cannot start now, or None."""
    now = now or timezone.now()
    from governance.consultation.rounds import round_final_deadline

    deadline = round_final_deadline(round=round)
    if now < deadline:
        return (
            f"The round is still open until {uk_datetime(deadline)}. Close it, or wait until "
            "it closes, before compiling the feedback."
        )
    if not submitted_responses(round=round).exists():
        return "No place submitted a response, so there is nothing to compile."
    return None


def release_refusal(summary: FeedbackSummary) -> str | None:
    if summary.state != JobState.COMPLETE or not summary.has_content:
        return "The summary has not been compiled yet."
    if summary_is_stale(summary):
        return (
            "Redactions changed after the summary was compiled. Recompile it so the summary "
            "and its files reflect them, then release."
        )
    if not anonymise.can_release(
        response_count=summary.response_count, threshold=summary.round.suppression_threshold
    ):
        return (
            f"Only {summary.response_count} place{'s' if summary.response_count != 1 else ''} "
            f"responded. A summary can be released only when at least "
            f"{summary.round.suppression_threshold} places have responded, or the places "
            "could be recognised."
        )
    return None


# Requesting, releasing --------------------------------------------------------------------


@transaction.atomic
def summary_request_compile(*, actor: User | None, round: ConsultationRound) -> FeedbackSummary:
    """Start (or restart) the compilation of a closed round. A released summary is withdrawn
    from the advisory group until the new compilation is reviewed and released again."""
    round = ConsultationRound.objects.select_for_update().select_related("system").get(pk=round.pk)
    refusal = compile_refusal(round=round)
    if refusal:
        raise ValidationError(refusal)
    summary, _ = FeedbackSummary.objects.select_for_update().get_or_create(round=round)
    now = timezone.now()
    if (
        summary.is_busy
        and summary.requested_at
        and (now - summary.requested_at).total_seconds() < STALE_JOB_MINUTES * 60
    ):
        raise ValidationError("A compilation is already under way. Wait for it to finish.")
    was_released = summary.is_released
    summary.generation += 1
    summary.state = JobState.QUEUED
    summary.stage = "Waiting for a worker"
    summary.progress = 0
    summary.error = ""
    summary.attempts = 0
    summary.requested_by = actor if actor and actor.pk else None
    summary.requested_at = now
    summary.started_at = None
    summary.finished_at = None
    summary.released_at = None
    summary.released_by = None
    summary.save()
    audit_record(
        actor=actor,
        system=round.system,
        action="summary.compile",
        target=summary,
        summary=f"Started compiling the feedback summary of {round.title}"
        + (
            " (the released summary is withdrawn until it is released again)"
            if was_released
            else ""
        ),
        details={"generation": summary.generation},
    )
    from governance.tasks import compile_feedback_summary

    summary_id, generation = summary.pk, summary.generation

    def queue_unavailable() -> None:
        FeedbackSummary.objects.filter(pk=summary_id, generation=generation).update(
            state=JobState.FAILED,
            stage="Failed",
            error="The job queue did not answer, so the compilation could not start. Nothing "
            "was lost: try again in a few minutes.",
            finished_at=timezone.now(),
        )

    enqueue_on_commit(
        compile_feedback_summary,
        on_unavailable=queue_unavailable,
        summary_id=summary_id,
        generation=generation,
    )
    return summary


@transaction.atomic
def summary_release(*, actor: User | None, summary: FeedbackSummary) -> FeedbackSummary:
    summary = (
        FeedbackSummary.objects.select_for_update()
        .select_related("round__system")
        .get(pk=summary.pk)
    )
    refusal = release_refusal(summary)
    if refusal:
        raise ValidationError(refusal)
    if summary.is_released:
        return summary
    summary.released_at = timezone.now()
    summary.released_by = actor if actor and actor.pk else None
    summary.save(update_fields=["released_at", "released_by"])
    audit_record(
        actor=actor,
        system=summary.round.system,
        action="summary.release",
        target=summary,
        summary=f"Released the feedback summary of {summary.round.title} to the advisory group",
    )
    return summary


@transaction.atomic
def summary_withdraw(*, actor: User | None, summary: FeedbackSummary) -> FeedbackSummary:
    summary = (
        FeedbackSummary.objects.select_for_update()
        .select_related("round__system")
        .get(pk=summary.pk)
    )
    if not summary.is_released:
        return summary
    summary.released_at = None
    summary.released_by = None
    summary.save(update_fields=["released_at", "released_by"])
    audit_record(
        actor=actor,
        system=summary.round.system,
        action="summary.withdraw",
        target=summary,
        summary=f"Withdrew the feedback summary of {summary.round.title} from the advisory group",
    )
    return summary


def export_download_record(*, actor: User | None, export: SummaryExport) -> None:
    """Every download of a summary file is audited, with who and which file."""
    summary = export.summary
    audit_record(
        actor=actor,
        system=summary.round.system,
        action="summary.download",
        target=export,
        summary=f"Downloaded {export.get_format_display()} of the feedback summary of "
        f"{summary.round.title}",
        details={"format": export.format, "generation": export.generation},
    )


# Redaction review ---------------------------------------------------------------------------


def _all_source_texts(round: ConsultationRound) -> Iterable[str]:
    responses = submitted_responses(round=round)
    yield from responses.values_list("proposal_case", flat=True)
    yield from Answer.objects.filter(response__in=responses).values_list("text", flat=True)
    for reasons, missing in PlaceRating.objects.filter(response__in=responses).values_list(
        "reasons", "missing_from_analysis"
    ):
        yield reasons
        yield missing


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
    # The audit row names the kind, not the phrase: the phrase may itself identify a place.
    audit_record(
        actor=actor,
        system=round.system,
        action=f"redaction.{kind}",
        target=decision,
        summary=f"Added a {'redaction' if kind == RedactionKind.REDACT else 'kept phrase'} "
        f"to the review of {round.title}",
    )
    return decision


@transaction.atomic
def redaction_remove(*, actor: User | None, decision: RedactionDecision) -> None:
    round = decision.round
    audit_record(
        actor=actor,
        system=round.system,
        action="redaction.remove",
        target=decision,
        summary=f"Removed a {'redaction' if decision.kind == RedactionKind.REDACT else 'kept phrase'}"
        f" from the review of {round.title}",
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
        .order_by("option__number", "principle__number")
    )
    for rating in ratings:
        cell = f"Option {rating.option.number} × principle {rating.principle.number}"
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


# Compiling ------------------------------------------------------------------------------------


class _Superseded(Exception):
    """A newer compilation was requested while this one ran: stop, write nothing."""


def _set_stage(summary_id: int, generation: int, stage: str, progress: int) -> None:
    """Report progress in its own short transaction; stop if the job has been superseded."""
    updated = FeedbackSummary.objects.filter(
        pk=summary_id, generation=generation, state=JobState.RUNNING
    ).update(stage=stage, progress=progress)
    if not updated:
        raise _Superseded()
    delay = float(os.environ.get("PGD_COMPILE_STAGE_DELAY", "0") or 0)
    if delay:  # lets the worker fault test stop a job in the middle; never set in production
        time.sleep(delay)


def summary_compile(*, summary_id: int, generation: int) -> bool:
    """The compilation job. Returns whether this run completed the compilation (False when
    the generation was superseded or already completed)."""
    with transaction.atomic():
        summary = (
            FeedbackSummary.objects.select_for_update()
            .select_related("round__system", "round__framework")
            .filter(pk=summary_id)
            .first()
        )
        if summary is None or summary.generation != generation:
            return False
        if summary.state == JobState.COMPLETE and summary.compiled_generation == generation:
            return False
        summary.state = JobState.RUNNING
        summary.stage = "Reading responses"
        summary.progress = 5
        summary.attempts += 1
        summary.started_at = timezone.now()
        summary.error = ""
        summary.save(
            update_fields=["state", "stage", "progress", "attempts", "started_at", "error"]
        )
    round = summary.round
    try:
        content, counts, fingerprint, response_count = build_content(
            round=round,
            on_stage=lambda stage, progress: _set_stage(summary_id, generation, stage, progress),
        )
        files = _render_exports(
            content,
            on_stage=lambda stage, progress: _set_stage(summary_id, generation, stage, progress),
        )
    except _Superseded:
        return False
    except Exception as error:
        log.exception("Compiling feedback summary %s failed", summary_id)
        FeedbackSummary.objects.filter(pk=summary_id, generation=generation).update(
            state=JobState.FAILED,
            stage="Failed",
            error=f"{type(error).__name__}: {error}"[:2000],
            finished_at=timezone.now(),
        )
        return False
    return _store(
        summary_id=summary_id,
        generation=generation,
        content=content,
        counts=counts,
        fingerprint=fingerprint,
        response_count=response_count,
        files=files,
    )


@transaction.atomic
def _store(
    *,
    summary_id: int,
    generation: int,
    content: dict[str, Any],
    counts: dict[str, int],
    fingerprint: str,
    response_count: int,
    files: list[tuple[str, str, str, bytes]],
) -> bool:
    summary = (
        FeedbackSummary.objects.select_for_update()
        .select_related("round__system")
        .get(pk=summary_id)
    )
    if summary.generation != generation or summary.compiled_generation == generation:
        return False
    SummaryExport.objects.filter(summary=summary).delete()
    SummaryExport.objects.bulk_create(
        SummaryExport(
            summary=summary,
            format=fmt,
            generation=generation,
            filename=filename,
            content_type=content_type,
            data=data,
            size=len(data),
        )
        for fmt, filename, content_type, data in files
    )
    now = timezone.now()
    summary.content = content
    summary.compiled_generation = generation
    summary.compiled_at = now
    summary.redaction_fingerprint = fingerprint
    summary.redaction_counts = counts
    summary.response_count = response_count
    summary.state = JobState.COMPLETE
    summary.stage = "Complete"
    summary.progress = 100
    summary.finished_at = now
    summary.save()
    audit_record(
        actor=None,
        system=summary.round.system,
        action="summary.compiled",
        target=summary,
        summary=f"Compiled the feedback summary of {summary.round.title}: {response_count} "
        f"response{'s' if response_count != 1 else ''}, {sum(counts.values())} redactions",
        details={"generation": generation, "redactions": counts},
    )
    return True


def _render_exports(
    content: dict[str, Any], *, on_stage: Callable[[str, int], None]
) -> list[tuple[str, str, str, bytes]]:
    from governance.consultation.exports import EXPORTS, export_filename

    files: list[tuple[str, str, str, bytes]] = []
    steps = list(EXPORTS.items())
    for index, (fmt, exporter) in enumerate(steps):
        on_stage(f"Writing the {fmt.upper()} file", 60 + int(35 * index / len(steps)))
        files.append(
            (fmt, export_filename(content, fmt), exporter.content_type, exporter.render(content))
        )
    return files


def _count(counter: Counter[str], key: str, threshold: int) -> int | str:
    return anonymise.suppress_small_counts({key: counter[key]}, threshold=threshold)[key]


_VERDICTS = {
    "agree": "Most places agree with the suggested rating",
    "diverge": "Most places rate it differently from the suggestion",
    "mixed": "Places are divided",
    "none": "No place rated this",
}


def _verdict(bands: list[str], suggested: str) -> str:
    if not bands:
        return "none"
    matching = sum(1 for band in bands if band == suggested)
    if suggested and matching * 2 > len(bands):
        return "agree"
    if suggested and matching * 4 <= len(bands):
        return "diverge"
    if not suggested:
        modal_count = Counter(bands).most_common(1)[0][1]
        return "agree" if modal_count * 2 > len(bands) else "mixed"
    return "mixed"


def build_content(
    *,
    round: ConsultationRound,
    on_stage: Callable[[str, int], None] = lambda stage, progress: None,
    label_seed: str | None = None,
) -> tuple[dict[str, Any], dict[str, int], str, int]:
    """The anonymised summary of a round's submitted responses: (content, redaction counts
    by kind, the fingerprint of the review choices used, number of responses)."""
    framework = round.framework
    threshold = round.suppression_threshold
    options = list(framework.options.order_by("number"))
    principles = list(framework.principles.order_by("number"))
    questions = list(round.questions.order_by("order"))
    rules = FrameworkRules.from_rows(
        [(o.number, o.short_name, o.stands_alone) for o in options],
        framework.combinations.values_list("key", flat=True),
    )
    suggested = {
        (row.option_set, row.principle_id): row.band
        for row in SuggestedRating.objects.filter(framework=framework)
    }
    responses = list(submitted_responses(round=round).select_related("place"))
    labels = anonymise.place_labels(
        place_ids=[r.place_id for r in responses], seed=label_seed or anonymise.new_label_seed()
    )
    label_of = {r.pk: labels[r.place_id] for r in responses}
    ordered = sorted(responses, key=lambda r: (len(label_of[r.pk]), label_of[r.pk]))

    on_stage("Scrubbing names and contact details", 15)
    gazetteer = anonymise.gazetteer_for_system(system=round.system)
    fingerprint = redaction_fingerprint(round=round)
    redact, keep = redaction_decisions(round=round)
    counts: Counter[str] = Counter()

    def clean(text: str) -> str:
        if not text.strip():
            return ""
        result = anonymise.scrub(text, gazetteer=gazetteer, redact=redact, keep=keep)
        counts.update(result.counts)
        return result.text

    answers: dict[tuple[int, int], Answer] = {
        (a.response_id, a.question_id): a for a in Answer.objects.filter(response__in=responses)
    }
    ratings: dict[tuple[int, int, int], PlaceRating] = {
        (r.response_id, r.option_id, r.principle_id): r
        for r in PlaceRating.objects.filter(response__in=responses)
    }

    # High level ---------------------------------------------------------------------------
    on_stage("Counting proposals and ratings", 30)
    set_counts = Counter(r.proposed_option_set for r in responses if r.proposed_option_set)
    allowed_keys = [str(n) for n in sorted(rules.options)] + sorted(
        rules.allowed, key=lambda key: (len(option_set_numbers(key)), option_set_numbers(key))
    )
    option_sets = [
        {
            "key": key,
            "label": option_set_label(key),
            "count": _count(set_counts, key, threshold),
            "allowed": True,
        }
        for key in allowed_keys
    ] + [
        {
            "key": key,
            "label": option_set_label(key),
            "count": _count(set_counts, key, threshold),
            "allowed": False,
        }
        for key in sorted(set_counts)
        if key not in allowed_keys
    ]
    choice_questions = []
    for question in questions:
        if not question.choices:
            continue
        chosen = Counter(
            answers[(r.pk, question.pk)].choice for r in responses if (r.pk, question.pk) in answers
        )
        choice_questions.append(
            {
                "order": question.order,
                "text": question.text,
                "counts": [
                    {"choice": choice, "count": _count(chosen, choice, threshold)}
                    for choice in question.choices
                ],
            }
        )

    band_labels = dict(Band.choices)
    heatmap = []
    for option in options:
        cells = []
        for principle in principles:
            bands = [
                ratings[(r.pk, option.pk, principle.pk)].band
                for r in responses
                if (r.pk, option.pk, principle.pk) in ratings
                and ratings[(r.pk, option.pk, principle.pk)].band
            ]
            band_counts = Counter(bands)
            suggestion = suggested.get((str(option.number), principle.pk), "")
            # The most common band, if one band is more common than every other; a tie at
            # the top has no single answer, and picking one would mislead.
            ranked = band_counts.most_common()
            modal = (
                ranked[0][0] if ranked and (len(ranked) == 1 or ranked[0][1] > ranked[1][1]) else ""
            )
            verdict = _verdict(bands, suggestion)
            cells.append(
                {
                    "principle": principle.number,
                    "suggested": suggestion,
                    "suggested_label": band_labels.get(suggestion, ""),
                    "distribution": [
                        {
                            "band": band.value,
                            "label": band.label,
                            "count": _count(band_counts, band.value, threshold),
                        }
                        for band in Band
                    ],
                    "rated": len(bands),
                    "modal": modal,
                    "modal_label": band_labels.get(modal, ""),
                    "verdict": verdict,
                    "verdict_text": _VERDICTS[verdict],
                }
            )
        heatmap.append({"option": option.number, "option_name": option.name, "cells": cells})

    # Detailed ------------------------------------------------------------------------------
    on_stage("Writing the detailed review", 45)
    agreement_labels = dict(Agreement.choices)
    proposals = [
        {
            "label": label_of[r.pk],
            "option_set": r.proposed_option_set,
            "option_set_label": option_set_label(r.proposed_option_set),
            "case": clean(r.proposal_case),
        }
        for r in ordered
    ]
    detailed_options = []
    for option in options:
        detailed_principles = []
        for principle in principles:
            comments = []
            for r in ordered:
                rating = ratings.get((r.pk, option.pk, principle.pk))
                if rating is None:
                    continue
                comments.append(
                    {
                        "label": label_of[r.pk],
                        "band_label": band_labels.get(rating.band, ""),
                        "agreement_label": agreement_labels.get(rating.agreement, ""),
                        "reasons": clean(rating.reasons),
                        "missing": clean(rating.missing_from_analysis),
                    }
                )
            suggestion = suggested.get((str(option.number), principle.pk), "")
            detailed_principles.append(
                {
                    "number": principle.number,
                    "name": principle.name,
                    "suggested_label": band_labels.get(suggestion, ""),
                    "comments": comments,
                }
            )
        detailed_options.append(
            {"number": option.number, "name": option.name, "principles": detailed_principles}
        )
    detailed_questions = []
    for question in questions:
        question_answers = []
        for r in ordered:
            answer = answers.get((r.pk, question.pk))
            if answer is None or not (answer.choice or answer.text.strip()):
                continue
            question_answers.append(
                {"label": label_of[r.pk], "choice": answer.choice, "text": clean(answer.text)}
            )
        detailed_questions.append(
            {
                "order": question.order,
                "text": question.text,
                "choices": list(question.choices),
                "answers": question_answers,
            }
        )

    redaction_counts = {kind: counts.get(kind, 0) for kind in anonymise.MARKERS}
    content: dict[str, Any] = {
        "schema": SCHEMA_VERSION,
        "round": {
            "title": round.title,
            "purpose": round.purpose,
            "closes_at": round.closes_at.isoformat(),
            "system": round.system.name,
        },
        "framework": {"name": framework.name},
        "compiled_at": timezone.now().isoformat(),
        "threshold": threshold,
        "invited_count": round.invited_places.count(),
        "response_count": len(responses),
        "releasable": anonymise.can_release(response_count=len(responses), threshold=threshold),
        "labels": [label_of[r.pk] for r in ordered],
        "options": [{"number": o.number, "name": o.name} for o in options],
        "principles": [{"number": p.number, "name": p.name} for p in principles],
        "milestones": [
            {"title": m.title, "description": m.description, "due_on": m.due_on.isoformat()}
            for m in round.milestones.all()
        ],
        "option_sets": option_sets,
        "choice_questions": choice_questions,
        "heatmap": heatmap,
        "detailed": {
            "proposals": proposals,
            "options": detailed_options,
            "questions": detailed_questions,
        },
        "redactions": {"counts": redaction_counts, "total": sum(redaction_counts.values())},
    }
    return content, redaction_counts, fingerprint, len(responses)
