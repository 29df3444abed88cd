"""Changing a consultation round (ICB admins, from the console): its settings, questions and
milestones, more time for a place, and closing it early. Creating one is
governance.consultation.round_setup; the progress board is in selectors; opening and closing
on time is governance.consultation.round_scheduler.

Every change is keyword-only, validates, saves atomically and writes its audit row. Whether a
place may still edit is decided by the clock: the round's `opens_at`, and its `closes_at` or
the place's extension. `status` records what the scheduler (or an admin closing early) has
carried out."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from core.changes import refuse_unknown
from core.locking import check_version
from core.uk_time import uk_datetime
from governance.consultation.models import (
    MILESTONE_FIELDS,
    ROUND_SETTINGS,
    Answer,
    ConsultationRound,
    DeadlineExtension,
    Milestone,
    PlaceResponse,
    Question,
    RoundStatus,
)
from governance.consultation.questions import question_build, questions_check
from governance.consultation.round_setup import invited_places_problems
from governance.consultation.selectors import round_final_deadline
from partners.audit import audit_by
from partners.models import Place, User

ROUND_LABEL = "consultation round"


def _names(places: Iterable[Place]) -> str:
    names = sorted(place.name for place in places)
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _lock(consultation: ConsultationRound) -> ConsultationRound:
    """The round, locked for this transaction, so two changes to it are serialised."""
    return (
        ConsultationRound.objects.select_for_update(of=("self",))
        .select_related("system")
        .get(pk=consultation.pk)
    )


def round_has_opened(consultation: ConsultationRound, *, now: datetime | None = None) -> bool:
    """Opened by the clock or by the scheduler; from then on places may be answering."""
    now = now or timezone.now()
    return consultation.status != RoundStatus.SCHEDULED or consultation.opens_at <= now


def _merge(errors: dict[str, list[str]], error: ValidationError) -> None:
    for name, messages in error.message_dict.items():
        for message in messages:
            if message not in errors.get(name, []) and not (
                name == "__all__" and "closes_at" in errors
            ):
                errors.setdefault(name, []).append(message)


@transaction.atomic
def round_update(
    *,
    actor: User | None,
    round: ConsultationRound,
    version: int,
    title: str,
    purpose: str,
    opens_at: datetime,
    closes_at: datetime,
    reminder_days: int,
    suppression_threshold: int,
    invited_places: Iterable[Place],
    high_level_audiences: list[str] | None = None,
    detailed_audiences: list[str] | None = None,
) -> ConsultationRound:
    """Change a round's settings. Refused if someone saved it since `version` was read. Once
    the round has opened its opening time stays, and a place that has started a response
    stays invited. The closing time must stay after the opening time; moving it must keep it
    in the future (closing at once is `round_close_now`)."""
    consultation = _lock(round)
    check_version(consultation, int(version), ROUND_LABEL)
    now = timezone.now()
    errors: dict[str, list[str]] = {}
    if round_has_opened(consultation, now=now) and opens_at != consultation.opens_at:
        errors["opens_at"] = [
            f"The round opened at {uk_datetime(consultation.opens_at)}, so its opening time "
            "cannot change."
        ]
    if closes_at <= opens_at:
        errors["closes_at"] = ["The round must close after it opens."]
    elif closes_at != consultation.closes_at:
        if consultation.status == RoundStatus.CLOSED:
            errors["closes_at"] = [
                "This round has closed, so its closing time cannot change. To give a place "
                "more time, grant it an extension."
            ]
        elif closes_at <= now:
            errors["closes_at"] = [
                "The closing time must be in the future. To close the round at once, use "
                "“Close the round now”."
            ]
    places = list(invited_places)
    if problems := invited_places_problems(consultation.system, places):
        errors["invited_places"] = problems
    else:
        kept = {place.pk for place in places}
        dropped = [
            response.place
            for response in PlaceResponse.objects.filter(round=consultation)
            .exclude(place_id__in=kept)
            .select_related("place")
        ]
        if dropped:
            errors["invited_places"] = [
                f"{_names(dropped)} {'has' if len(dropped) == 1 else 'have'} started a "
                f"response, so {'it stays' if len(dropped) == 1 else 'they stay'} invited."
            ]
    before = {name: getattr(consultation, name) for name in ROUND_SETTINGS}
    before_places = set(consultation.invited_places.values_list("pk", flat=True))
    consultation.title = title.strip()
    consultation.purpose = purpose.strip()
    consultation.opens_at = opens_at
    consultation.closes_at = closes_at
    consultation.reminder_days = reminder_days
    consultation.suppression_threshold = suppression_threshold
    if high_level_audiences is not None:
        consultation.high_level_audiences = list(high_level_audiences)
    if detailed_audiences is not None:
        consultation.detailed_audiences = list(detailed_audiences)
    try:
        consultation.full_clean(exclude=["system", "framework", "created_by"])
    except ValidationError as error:
        _merge(errors, error)
    if errors:
        raise ValidationError(errors)
    consultation.version += 1
    consultation.save()
    consultation.invited_places.set(places)
    changed = [
        name.replace("_", " ") for name, old in before.items() if getattr(consultation, name) != old
    ]
    if {place.pk for place in places} != before_places:
        changed.append("invited places")
    audit_by(
        actor,
        "round.update",
        consultation,
        f"changed consultation round {consultation.title}"
        + (f" ({', '.join(changed)})" if changed else " (nothing changed)"),
        {"changed": changed, "version": consultation.version},
    )
    return consultation


def _question_spec(question: Question) -> dict[str, Any]:
    return {
        "text": question.text,
        "hint": question.hint,
        "choices": list(question.choices),
        "required": question.required,
    }


@transaction.atomic
def round_questions_replace(
    *, actor: User | None, round: ConsultationRound, questions: list[dict[str, Any]]
) -> list[Question]:
    """Replace the round's questions (text, and optionally hint, choices, required), in
    order. Only before the round opens: after that places may be answering them."""
    consultation = _lock(round)
    if round_has_opened(consultation):
        raise ValidationError(
            f"The round opened at {uk_datetime(consultation.opens_at)}, so its questions can no "
            "longer change: places may already be answering them."
        )
    questions_check(questions)
    built = [
        question_build(round=consultation, order=order, spec=spec)
        for order, spec in enumerate(questions, 1)
    ]
    current = list(consultation.questions.all())
    if [_question_spec(q) for q in current] == [_question_spec(q) for q in built]:
        return current
    if Answer.objects.filter(question__round=consultation).exists():
        raise ValidationError("Places have already answered these questions; they cannot change.")
    consultation.questions.all().delete()
    for question in built:
        question.save()
    audit_by(
        actor,
        "round.questions_replace",
        consultation,
        f"set the {len(built)} question{'s' if len(built) != 1 else ''} "
        f"of consultation round {consultation.title}",
    )
    return built


def _milestone_save(milestone: Milestone, fields: dict[str, Any], doing: str) -> None:
    """Set a milestone's MILESTONE_FIELDS (its `title` and `due_on`; its `description` and the
    summary part it `releases`, blank when not given), check and save it."""
    refuse_unknown(fields, allowed=MILESTONE_FIELDS, doing=doing)
    milestone.title = (fields.get("title") or "").strip()
    milestone.description = (fields.get("description") or "").strip()
    milestone.due_on = fields.get("due_on")  # type: ignore[assignment]
    milestone.releases = fields.get("releases") or ""
    milestone.full_clean()
    milestone.save()


@transaction.atomic
def milestone_add(*, actor: User | None, round: ConsultationRound, **fields: Any) -> Milestone:
    """A new milestone of the round, from its MILESTONE_FIELDS."""
    milestone = Milestone(round=round)
    _milestone_save(milestone, fields, "milestone_add")
    audit_by(
        actor,
        "round.milestone_add",
        milestone,
        f"added milestone “{milestone.title}” ({milestone.due_on:%d %b %Y}) to {round.title}",
    )
    return milestone


@transaction.atomic
def milestone_update(*, actor: User | None, milestone: Milestone, **fields: Any) -> Milestone:
    """Change a milestone's MILESTONE_FIELDS; audited only if something changed."""
    milestone = (
        Milestone.objects.select_for_update().select_related("round__system").get(pk=milestone.pk)
    )
    before = [getattr(milestone, name) for name in MILESTONE_FIELDS]
    _milestone_save(milestone, fields, "milestone_update")
    if before != [getattr(milestone, name) for name in MILESTONE_FIELDS]:
        audit_by(
            actor,
            "round.milestone_update",
            milestone,
            f"changed milestone “{milestone.title}” "
            f"({milestone.due_on:%d %b %Y}) of {milestone.round.title}",
        )
    return milestone


@transaction.atomic
def milestone_remove(*, actor: User | None, milestone: Milestone) -> None:
    audit_by(
        actor,
        "round.milestone_remove",
        milestone,
        f"removed milestone “{milestone.title}” from {milestone.round.title}",
    )
    milestone.delete()


@transaction.atomic
def round_close_now(
    *, actor: User | None, round: ConsultationRound, reason: str = ""
) -> ConsultationRound:
    """Close the round at once for every place, ending any extension too."""
    consultation = _lock(round)
    now = timezone.now()
    if now <= consultation.opens_at:
        raise ValidationError(
            f"This round has not opened yet (it opens at {uk_datetime(consultation.opens_at)}). "
            "Change its dates instead."
        )
    final = round_final_deadline(round=consultation)
    if consultation.status == RoundStatus.CLOSED and final <= now:
        raise ValidationError(f"This round has already closed ({uk_datetime(final)}).")
    was_closing = consultation.closes_at
    ended = DeadlineExtension.objects.filter(round=consultation, closes_at__gt=now).update(
        closes_at=now
    )
    consultation.closes_at = min(consultation.closes_at, now)
    consultation.status = RoundStatus.CLOSED
    consultation.version += 1
    consultation.save()
    reason = (reason or "").strip()
    audit_by(
        actor,
        "round.close",
        consultation,
        f"closed consultation round {consultation.title} early for every "
        f"place (it was due to close at {uk_datetime(was_closing)}"
        + (f"; {ended} extension{'s' if ended != 1 else ''} ended" if ended else "")
        + ")"
        + (f". Reason: {reason}" if reason else ""),
        {"reason": reason, "was_closing_at": was_closing.isoformat(), "extensions": ended},
    )
    return consultation


@transaction.atomic
def deadline_extend(
    *,
    actor: User | None,
    round: ConsultationRound,
    place: Place,
    closes_at: datetime,
    reason: str,
) -> DeadlineExtension:
    """More time for one invited place, with the reason. A second extension for the same
    place replaces the first. The new deadline allows one more reminder."""
    consultation = _lock(round)
    now = timezone.now()
    reason = (reason or "").strip()
    errors: dict[str, list[str]] = {}
    if not consultation.invited_places.filter(pk=place.pk).exists():
        errors["place"] = [f"{place.name} is not invited to this round."]
    if not reason:
        errors["reason"] = ["Give the reason for the extra time."]
    if closes_at <= consultation.closes_at:
        errors["closes_at"] = [
            f"The new deadline must be after the round closes "
            f"({uk_datetime(consultation.closes_at)})."
        ]
    elif closes_at <= now:
        errors["closes_at"] = ["The new deadline must be in the future."]
    if errors:
        raise ValidationError(errors)
    extension = (
        DeadlineExtension.objects.select_for_update()
        .filter(round=consultation, place=place)
        .first()
    ) or DeadlineExtension(round=consultation, place=place)
    previous = extension.closes_at if extension.pk else None
    extension.closes_at = closes_at
    extension.reason = reason
    extension.granted_by = actor if actor and actor.pk else None
    extension.full_clean(exclude=["round", "place", "granted_by"])
    extension.save()
    reopened = consultation.status == RoundStatus.CLOSED
    if reopened:  # the round was closed for everyone: it is open again for this place
        consultation.status_save(RoundStatus.OPEN)
    audit_by(
        actor,
        "round.extension",
        extension,
        f"gave {place.name} until {uk_datetime(closes_at)} to respond to "
        f"{consultation.title}"
        + (f" (was {uk_datetime(previous)})" if previous else "")
        + (" and reopened the round for it" if reopened else "")
        + f". Reason: {reason}",
        {
            "place": place.pk,
            "closes_at": closes_at.isoformat(),
            "previous": previous.isoformat() if previous else None,
            "reason": reason,
        },
        system=consultation.system,
    )
    return extension


@transaction.atomic
def round_revise(
    *,
    actor: User | None,
    round: ConsultationRound,
    questions: list[dict[str, Any]] | None,
    milestones: Iterable[dict[str, Any]],
    **settings: Any,
) -> ConsultationRound:
    """Change a round's settings (`round_update`'s fields), its questions (None once it has
    opened) and its milestones, all or nothing. Each milestone change names the `milestone`
    it changes (None for a new one), its `title`, `due_on`, `description` and the summary part
    it `releases` (if any), or `remove`."""
    consultation = round_update(actor=actor, round=round, **settings)
    if questions is not None:
        round_questions_replace(actor=actor, round=round, questions=questions)
    for change in milestones:
        milestone = change.get("milestone")
        fields = {k: change.get(k, "") for k in MILESTONE_FIELDS}
        try:
            if milestone is not None and change.get("remove"):
                milestone_remove(actor=actor, milestone=milestone)
            elif milestone is not None:
                milestone_update(actor=actor, milestone=milestone, **fields)
            else:
                milestone_add(actor=actor, round=round, **fields)
        except ValidationError as error:
            raise ValidationError(
                {"milestones": [f"Milestone “{fields['title']}”: {m}" for m in error.messages]}
            ) from error
    return consultation
