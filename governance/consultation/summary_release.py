"""Releasing a compiled feedback summary: a second ICB admin's approval where the reviewer
changed what the scrubber did, and each part (the high-level summary, the detailed review)
released to its own audiences, at its own milestone, and withdrawn on its own.

Four eyes. A review choice (a name kept as written, a phrase redacted by hand) is a person's
judgement about what identifies a place. A summary compiled with any such choice is released
only after another ICB admin, who made none of the choices, has approved that compilation.
Recompiling draws new labels and may change the text, so an approval is for one compilation
(`FeedbackSummary.approved_generation`) and a new compilation needs a new one.

Releasing a part e-mails its readers once the release commits. Every step is audited with
who and when; the audit row names the part and its audiences,
never a phrase (a phrase may itself identify a place)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from core.outbox import enqueue_on_commit_or_keep
from governance.consultation import anonymise
from governance.consultation.feedback import summary_locked
from governance.consultation.feedback_review import summary_is_stale
from governance.consultation.models import (
    FeedbackSummary,
    JobState,
    Milestone,
    RedactionDecision,
    RedactionKind,
    SummaryPart,
)
from governance.consultation.tasks import summary_released_email_task
from partners.audit import audit
from partners.models import Audience, User

_AUDIENCE_NAMES = dict(Audience.choices)


def part_name(part: str) -> str:
    """ "the high-level summary", "the detailed review"."""
    return str(SummaryPart(part).label).lower().join(("the ", ""))


def audiences_in_words(audiences: list[str]) -> str:
    """ "the advisory group and the oversight group"; "no one" for none."""
    names = [f"the {str(_AUDIENCE_NAMES[a]).lower()}" for a in audiences if a in _AUDIENCE_NAMES]
    if not names:
        return "no one"
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def release_milestone(summary: FeedbackSummary, part: str) -> Milestone | None:
    """The round's milestone at which `part` is due to be released, if it names one."""
    return Milestone.objects.filter(round_id=summary.round_id, releases=part).first()


# Four eyes -------------------------------------------------------------------------------


def review_choices(summary: FeedbackSummary) -> list[RedactionDecision]:
    """The review choices the summary is compiled with (when it is not stale)."""
    return list(
        RedactionDecision.objects.filter(round_id=summary.round_id)
        .select_related("created_by")
        .order_by("kind", "phrase")
    )


# Each question below takes `choices`, the round's review choices as `review_choices` reads
# them, where the caller has read them already: a summary's page asks several of them.
Choices = Sequence[RedactionDecision] | None


def approval_needed(summary: FeedbackSummary, *, choices: Choices = None) -> bool:
    """Whether releasing needs a second admin: a name was kept or a phrase redacted by hand."""
    if choices is not None:
        return bool(choices)
    return RedactionDecision.objects.filter(round_id=summary.round_id).exists()


def _compiled_refusal(summary: FeedbackSummary, *, choices: Choices = None) -> str | None:
    """Why the summary's current compilation cannot be approved or released, or None."""
    if summary.state != JobState.COMPLETE or not summary.has_content:
        return "The summary has not been compiled yet."
    if summary_is_stale(summary, choices=choices):
        return (
            "Review choices changed after the summary was compiled. Recompile it so the summary "
            "and its files reflect them, then release."
        )
    return None


def approval_refusal(
    summary: FeedbackSummary, *, actor: User | None, choices: Choices = None
) -> str | None:
    """Why `actor` cannot approve the summary now, or None."""
    if refusal := _compiled_refusal(summary, choices=choices):
        return refusal
    if not approval_needed(summary, choices=choices):
        return "No name was kept and no phrase redacted by hand, so there is nothing to approve."
    if summary.is_approved:
        return "This compilation is already approved."
    read = review_choices(summary) if choices is None else choices
    authors = {choice.created_by_id for choice in read}
    if actor is None or actor.pk in authors:
        return (
            "You made review choices in this summary, so another ICB governance admin must "
            "check and approve them."
        )
    return None


@transaction.atomic
def summary_approve(*, actor: User, summary: FeedbackSummary) -> FeedbackSummary:
    """A second admin approves the review choices of the current compilation."""
    summary = summary_locked(summary.pk)
    if refusal := approval_refusal(summary, actor=actor):
        raise ValidationError(refusal)
    choices = review_choices(summary)
    kept = sum(1 for choice in choices if choice.kind == RedactionKind.KEEP)
    summary.approved_generation = summary.compiled_generation
    summary.approved_by = actor
    summary.approved_at = timezone.now()
    summary.save(update_fields=["approved_generation", "approved_by", "approved_at"])
    audit(
        actor,
        "summary.approve",
        summary,
        f"Approved the review choices of the feedback summary of {summary.round.title} "
        f"({kept} kept as written, {len(choices) - kept} redacted by hand)",
        {"generation": summary.compiled_generation, "kept": kept, "redacted": len(choices) - kept},
    )
    return summary


# Releasing -------------------------------------------------------------------------------


def release_refusal(
    summary: FeedbackSummary, part: str = SummaryPart.HIGH_LEVEL, *, choices: Choices = None
) -> str | None:
    """Why `part` of the summary cannot be released now, or None."""
    if refusal := _compiled_refusal(summary, choices=choices):
        return refusal
    threshold = summary.round.suppression_threshold
    if not anonymise.can_release(response_count=summary.response_count, threshold=threshold):
        count = summary.response_count
        return (
            f"Only {count} place{'s' if count != 1 else ''} responded. A summary can be "
            f"released only when at least {threshold} places have responded, or the places "
            "could be recognised."
        )
    if approval_needed(summary, choices=choices) and not summary.is_approved:
        return (
            "Names were kept as written or phrases redacted by hand, so another ICB "
            "governance admin must approve the summary before it is released."
        )
    if not summary.round.audiences_of(part):
        return (
            f"No one is chosen to receive {part_name(part)}. Choose its audience in the "
            "round's settings."
        )
    return None


def _set_release(
    summary: FeedbackSummary, part: str, *, at: datetime | None, by: User | None
) -> None:
    """Record when and by whom `part` was released; None and None withdraw it."""
    if part == SummaryPart.HIGH_LEVEL:
        summary.high_level_released_at, summary.high_level_released_by = at, by
        fields = ["high_level_released_at", "high_level_released_by"]
    else:
        summary.detailed_released_at, summary.detailed_released_by = at, by
        fields = ["detailed_released_at", "detailed_released_by"]
    summary.save(update_fields=fields)


@transaction.atomic
def summary_release(
    *, actor: User | None, summary: FeedbackSummary, part: str = SummaryPart.HIGH_LEVEL
) -> FeedbackSummary:
    """Release one part of the summary to the round's audiences for it."""
    part = SummaryPart(part)
    summary = summary_locked(summary.pk)
    if refusal := release_refusal(summary, part):
        raise ValidationError(refusal)
    if summary.released_at_of(part) is not None:
        return summary
    released_at = timezone.now()
    _set_release(summary, part, at=released_at, by=actor if actor and actor.pk else None)
    audiences = summary.round.audiences_of(part)
    milestone = release_milestone(summary, part)
    audit(
        actor,
        "summary.release",
        summary,
        f"Released {part_name(part)} of the feedback summary of {summary.round.title} to "
        f"{audiences_in_words(audiences)}",
        {
            "part": part.value,
            "audiences": audiences,
            "generation": summary.compiled_generation,
            "milestone_due_on": milestone.due_on.isoformat() if milestone else None,
        },
        system=summary.round.system,
    )
    enqueue_on_commit_or_keep(
        summary_released_email_task,
        summary_id=summary.pk,
        part=part.value,
        released_at=released_at.isoformat(),
    )
    return summary


@transaction.atomic
def summary_withdraw(
    *, actor: User | None, summary: FeedbackSummary, part: str = SummaryPart.HIGH_LEVEL
) -> FeedbackSummary:
    """Take one part of the summary back from its audiences."""
    part = SummaryPart(part)
    summary = summary_locked(summary.pk)
    if summary.released_at_of(part) is None:
        return summary
    _set_release(summary, part, at=None, by=None)
    audit(
        actor,
        "summary.withdraw",
        summary,
        f"Withdrew {part_name(part)} of the feedback summary of {summary.round.title} from "
        f"{audiences_in_words(summary.round.audiences_of(part))}",
        {"part": part.value},
        system=summary.round.system,
    )
    return summary
