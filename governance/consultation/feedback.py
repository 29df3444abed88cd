"""Anonymised feedback: compiling a closed round's submitted responses into a summary its
audiences may read once it is released (governance.consultation.summary_release).

The compilation runs as a Celery job (governance.consultation.tasks.compile_feedback_summary) that calls
`summary_compile`. It is built to survive being run twice or being killed half way:

- `summary_request_compile` bumps the summary's `generation` and queues a job for that
  generation after the transaction commits;
- the job reads everything, scrubs, builds the content and renders every export in memory,
  reporting its stage in short separate transactions (that is all a reader sees meanwhile);
- it then writes the content and all four files in one transaction, only if its generation is
  still the current one and has not been completed already. A job redelivered after a worker
  was killed therefore completes the compilation exactly once, and a superseded job writes
  nothing.

What is anonymised, and how, is governance.consultation.anonymise's business; what goes into
a summary is governance.consultation.feedback_content's, and the reviewer's choices
governance.consultation.feedback_review's.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from core.outbox import enqueue_on_commit
from core.uk_time import uk_datetime
from governance.consultation.exports import EXPORTS, export_filename
from governance.consultation.feedback_content import CompiledContent, build_content
from governance.consultation.feedback_review import review_index_build, review_index_rows
from governance.consultation.models import (
    ConsultationRound,
    FeedbackSummary,
    JobState,
    ReviewText,
    SummaryExport,
    SummaryPart,
)
from governance.consultation.selectors import round_final_deadline, submitted_responses
from governance.consultation.tasks import compile_feedback_summary
from partners.audit import audit
from partners.models import User

log = logging.getLogger(__name__)

# A queued or running compilation older than this is presumed lost (its worker and message
# gone) and may be started again.
STALE_JOB_MINUTES = 30


def summary_for_round(*, round: ConsultationRound) -> FeedbackSummary | None:
    return (
        FeedbackSummary.objects.select_related(
            "requested_by", "high_level_released_by", "detailed_released_by", "approved_by"
        )
        .filter(round=round)
        .first()
    )


def compile_refusal(*, round: ConsultationRound, now: datetime | None = None) -> str | None:
    """Why a compilation cannot start now, or None."""
    now = now or timezone.now()
    deadline = round_final_deadline(round=round)
    if now < deadline:
        return (
            f"The round is still open until {uk_datetime(deadline)}. Close it, or wait until "
            "it closes, before compiling the feedback."
        )
    if not submitted_responses(round=round).exists():
        return "No place submitted a response, so there is nothing to compile."
    return None


# Requesting ----------------------------------------------------------------------------------


def summary_locked(summary_id: int) -> FeedbackSummary:
    """The summary, locked for this transaction, with its round and system."""
    return (
        FeedbackSummary.objects.select_for_update()
        .select_related("round__system")
        .get(pk=summary_id)
    )


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
    summary.high_level_released_at = summary.detailed_released_at = None
    summary.high_level_released_by = summary.detailed_released_by = None
    summary.save()
    audit(
        actor,
        "summary.compile",
        summary,
        f"Started compiling the feedback summary of {round.title}"
        + (
            " (the released summary is withdrawn until it is released again)"
            if was_released
            else ""
        ),
        {"generation": summary.generation},
        system=round.system,
    )
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


def export_download_record(*, actor: User | None, export: SummaryExport) -> None:
    """Every download of a summary file is audited, with who and which file."""
    summary = export.summary
    audit(
        actor,
        "summary.download",
        export,
        f"Downloaded {export.get_format_display()} of the {export.get_part_display().lower()} "
        f"of the feedback summary of {summary.round.title}",
        {"part": export.part, "format": export.format, "generation": export.generation},
        system=summary.round.system,
    )


# Compiling --------------------------------------------------------------------------------


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

    def report(stage: str, progress: int) -> None:
        _set_stage(summary_id, generation, stage, progress)

    try:
        compiled = build_content(round=summary.round, on_stage=report)
        report("Indexing the texts for the redaction review", 55)
        review_rows = review_index_rows(round=summary.round)
        files = _render_exports(compiled.content, on_stage=report)
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
        compiled=compiled,
        files=files,
        review_rows=review_rows,
    )


@transaction.atomic
def _store(
    *,
    summary_id: int,
    generation: int,
    compiled: CompiledContent,
    files: list[SummaryExport],
    review_rows: list[ReviewText],
) -> bool:
    summary = summary_locked(summary_id)
    if summary.generation != generation or summary.compiled_generation == generation:
        return False
    review_index_build(summary=summary, rows=review_rows)
    SummaryExport.objects.filter(summary=summary).delete()
    for file in files:
        file.summary, file.generation = summary, generation
    SummaryExport.objects.bulk_create(files)
    now = timezone.now()
    counts = compiled.counts
    summary.content = compiled.content
    summary.compiled_generation = generation
    summary.compiled_at = now
    summary.redaction_fingerprint = compiled.fingerprint
    summary.redaction_counts = counts
    summary.response_count = compiled.response_count
    summary.state = JobState.COMPLETE
    summary.stage = "Complete"
    summary.progress = 100
    summary.finished_at = now
    summary.save()
    audit(
        None,
        "summary.compiled",
        summary,
        f"Compiled the feedback summary of {summary.round.title}: {compiled.response_count} "
        f"response{'s' if compiled.response_count != 1 else ''}, {sum(counts.values())} redactions",
        {"generation": generation, "redactions": counts},
    )
    return True


def _render_exports(
    content: dict[str, Any], *, on_stage: Callable[[str, int], None]
) -> list[SummaryExport]:
    """The summary's files, one per part and format, not yet saved: `_store` gives them their
    summary and generation. Each part is released to its own audiences, so each has its own
    files and neither part's files hold the other's."""
    files: list[SummaryExport] = []
    steps = [(part, fmt, exporter) for part in SummaryPart for fmt, exporter in EXPORTS.items()]
    for index, (part, fmt, exporter) in enumerate(steps):
        on_stage(
            f"Writing the {fmt.upper()} file of the {part.label.lower()}",
            60 + int(35 * index / len(steps)),
        )
        data = exporter.render(content, part=part.value)
        files.append(
            SummaryExport(
                part=part.value,
                format=fmt,
                filename=export_filename(content, fmt, part.value),
                content_type=exporter.content_type,
                data=data,
                size=len(data),
            )
        )
    return files
