"""Running a consultation round: the ICB admin's changes to a round (its settings, questions,
milestones, more time for a place, closing it early), the progress board, and the scheduler
that opens and closes rounds on time and reminds place leads before their deadline.

Every change is keyword-only, validates, saves atomically and writes its audit row; e-mails
are queued only once the transaction has committed. Whether a place may still edit is decided
by the clock: the round's `opens_at`, and its `closes_at` or the place's extension. `status`
records what the scheduler (or an admin closing early) has carried out."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import (
    Case,
    CharField,
    Count,
    F,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from governance.catalogue.models import OptionFramework
from governance.consultation.models import (
    Answer,
    ConsultationRound,
    DeadlineExtension,
    Milestone,
    PlaceRating,
    PlaceResponse,
    Question,
    ReminderSent,
    ResponseStatus,
    RoundStatus,
)
from governance.consultation.services import (
    question_build,
    response_deadline,
    round_create,
    uk_datetime,
)
from partners.audit import actor_name, audit_record
from partners.models import Membership, Place, Role, System, User
from partners.queue import enqueue_on_commit_or_keep
from partners.services import ConcurrentEditError

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


def current_place_leads(place_ids: Iterable[int]) -> dict[int, list[User]]:
    """The active people who lead each place now, by place id (one query)."""
    leads: dict[int, list[User]] = {}
    memberships = (
        Membership.objects.current()
        .filter(place_id__in=list(place_ids), role=Role.PLACE_LEAD, user__is_active=True)
        .select_related("user")
        .order_by("user__full_name", "pk")
    )
    for membership in memberships:
        assert membership.place_id is not None
        leads.setdefault(membership.place_id, []).append(membership.user)
    return leads


# Deadlines ----------------------------------------------------------------------------------


# One rule for a place's deadline, shared with the response pages.
place_deadline = response_deadline


def round_final_deadline(*, round: ConsultationRound) -> datetime:
    """The last moment any place of the round may still change its response."""
    latest = DeadlineExtension.objects.filter(round=round).aggregate(latest=Max("closes_at"))[
        "latest"
    ]
    return max(round.closes_at, latest) if latest else round.closes_at


def round_phase(
    consultation: ConsultationRound, *, final_deadline: datetime, now: datetime | None = None
) -> str:
    """ "scheduled", "open" or "closed", by the clock and what has been carried out."""
    now = now or timezone.now()
    if consultation.status == RoundStatus.CLOSED or final_deadline <= now:
        return RoundStatus.CLOSED.value
    if consultation.opens_at <= now:
        return RoundStatus.OPEN.value
    return RoundStatus.SCHEDULED.value


# Selectors ----------------------------------------------------------------------------------


def _with_console_figures(queryset: QuerySet[ConsultationRound]) -> QuerySet[ConsultationRound]:
    """Annotates each round with invited_count, submitted_count, final_deadline and phase, in
    the same query however many rounds, places or extensions there are."""
    now = timezone.now()
    invited = (
        ConsultationRound.invited_places.through.objects.filter(consultationround_id=OuterRef("pk"))
        .values("consultationround_id")
        .annotate(n=Count("pk"))  # type: ignore[misc]
        .values("n")
    )
    submitted = (
        PlaceResponse.objects.filter(round_id=OuterRef("pk"), status=ResponseStatus.SUBMITTED)
        .values("round_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    latest_extension = (
        DeadlineExtension.objects.filter(round_id=OuterRef("pk"))
        .order_by("-closes_at")
        .values("closes_at")[:1]
    )
    return queryset.annotate(
        invited_count=Coalesce(Subquery(invited, output_field=IntegerField()), 0),
        submitted_count=Coalesce(Subquery(submitted, output_field=IntegerField()), 0),
        final_deadline=Greatest(F("closes_at"), Coalesce(Subquery(latest_extension), "closes_at")),
    ).annotate(
        phase=Case(
            When(status=RoundStatus.CLOSED, then=Value(RoundStatus.CLOSED.value)),
            When(final_deadline__lte=now, then=Value(RoundStatus.CLOSED.value)),
            When(opens_at__lte=now, then=Value(RoundStatus.OPEN.value)),
            default=Value(RoundStatus.SCHEDULED.value),
            output_field=CharField(),
        )
    )


def console_rounds(*, system: System, search: str = "") -> QuerySet[ConsultationRound]:
    """The system's rounds, newest first, for the console list."""
    rounds = ConsultationRound.objects.filter(system=system)
    if search:
        rounds = rounds.filter(Q(title__icontains=search) | Q(purpose__icontains=search))
    return _with_console_figures(rounds).order_by("-opens_at", "-pk")


def console_round(*, system: System, pk: int) -> ConsultationRound:
    """One round of the system with its console figures; 404 (DoesNotExist) otherwise."""
    return _with_console_figures(
        ConsultationRound.objects.filter(system=system).select_related("framework", "created_by")
    ).get(pk=pk)


NOT_STARTED = "not_started"
DRAFTING = "drafting"
SUBMITTED = "submitted"
WITHDRAWN = "withdrawn"
PROGRESS_STATES = {
    NOT_STARTED: "Not started",
    DRAFTING: "Drafting",
    SUBMITTED: "Submitted",
    WITHDRAWN: "Withdrawn to change",
}


@dataclass(frozen=True)
class ProgressRow:
    """Where one invited place has got to."""

    place: Place
    state: str  # one of PROGRESS_STATES
    last_activity: datetime | None
    who: User | None
    deadline: datetime
    extended: bool  # the place has more time than the round's closing time
    extension: DeadlineExtension | None
    response: PlaceResponse | None

    @property
    def state_label(self) -> str:
        return PROGRESS_STATES[self.state]

    @property
    def has_submitted(self) -> bool:
        return self.state == SUBMITTED


def round_progress(*, round: ConsultationRound) -> list[ProgressRow]:
    """One row per invited place, by name, in a fixed number of queries (the places, the
    responses with their latest answer and rating, the extensions, and the people)."""
    places = list(round.invited_places.order_by("name", "pk"))
    latest_answer = Answer.objects.filter(response_id=OuterRef("pk")).order_by("-updated_at", "-pk")
    latest_rating = PlaceRating.objects.filter(response_id=OuterRef("pk")).order_by(
        "-updated_at", "-pk"
    )
    responses = {
        response.place_id: response
        for response in PlaceResponse.objects.filter(round=round).annotate(
            answer_at=Subquery(latest_answer.values("updated_at")[:1]),
            answer_by=Subquery(latest_answer.values("updated_by_id")[:1]),
            rating_at=Subquery(latest_rating.values("updated_at")[:1]),
            rating_by=Subquery(latest_rating.values("updated_by_id")[:1]),
        )
    }
    extensions = {
        extension.place_id: extension
        for extension in DeadlineExtension.objects.filter(round=round).select_related("granted_by")
    }
    latest: dict[int, tuple[datetime, int | None]] = {}
    for place_id, response in responses.items():
        moments = [(response.updated_at, response.updated_by_id)]
        for at, by in (
            (response.answer_at, response.answer_by),
            (response.rating_at, response.rating_by),
        ):
            if at is not None:
                moments.append((at, by))
        latest[place_id] = max(moments, key=lambda moment: moment[0])
    user_ids = {by for _, by in latest.values() if by is not None}
    users = User.objects.in_bulk(user_ids) if user_ids else {}
    rows = []
    for place in places:
        found = responses.get(place.pk)
        extension = extensions.get(place.pk)
        deadline = max(round.closes_at, extension.closes_at) if extension else round.closes_at
        if found is None:
            state = NOT_STARTED
        elif found.status == ResponseStatus.SUBMITTED:
            state = SUBMITTED
        elif found.status == ResponseStatus.WITHDRAWN:
            state = WITHDRAWN
        else:
            state = DRAFTING
        at, by = latest.get(place.pk, (None, None))
        rows.append(
            ProgressRow(
                place=place,
                state=state,
                last_activity=at,
                who=users.get(by) if by is not None else None,
                deadline=deadline,
                extended=deadline > round.closes_at,
                extension=extension,
                response=found,
            )
        )
    return rows


# Creating and changing a round ------------------------------------------------------------


def _check_questions(questions: list[dict[str, Any]]) -> None:
    """Validate every question before anything is saved; errors name the question."""
    sample = ConsultationRound()
    for order, spec in enumerate(questions, 1):
        try:
            question_build(round=sample, order=order, spec=spec)
        except ValidationError as error:
            raise ValidationError(
                {"questions": [f"Question {order}: {message}" for message in error.messages]}
            ) from error


def _check_places(system: System, places: list[Place]) -> list[str]:
    if not places:
        return ["Invite at least one place."]
    if any(place.system_id != system.pk for place in places):
        return ["Only places of this system can be invited."]
    return []


def _queue_open_emails(consultation: ConsultationRound) -> None:
    from governance.tasks import round_open_email_task

    pk = consultation.pk
    enqueue_on_commit_or_keep(round_open_email_task, round_id=pk)


def _record_opening(consultation: ConsultationRound, actor: User | None) -> None:
    audit_record(
        actor=actor,
        system=consultation.system,
        action="round.open",
        target=consultation,
        summary=f"Opened consultation round {consultation.title}; its places' leads are "
        "being e-mailed",
    )
    _queue_open_emails(consultation)


@transaction.atomic
def round_setup(
    *,
    actor: User | None,
    system: System,
    framework: OptionFramework,
    title: str,
    purpose: str,
    opens_at: datetime,
    closes_at: datetime,
    invited_places: Iterable[Place],
    reminder_days: int,
    suppression_threshold: int,
    questions: list[dict[str, Any]],
    milestones: Iterable[dict[str, Any]] = (),
) -> ConsultationRound:
    """A new round from the console (through governance.consultation.services.round_create). A round
    whose opening time has already passed opens at once, and its place leads are e-mailed."""
    errors: dict[str, list[str]] = {}
    if closes_at <= opens_at:
        errors["closes_at"] = ["The round must close after it opens."]
    elif closes_at <= timezone.now():
        errors["closes_at"] = ["The closing time must be in the future."]
    places = list(invited_places)
    if problems := _check_places(system, places):
        errors["invited_places"] = problems
    if errors:
        raise ValidationError(errors)
    _check_questions(questions)
    consultation = round_create(
        actor=actor,
        system=system,
        framework=framework,
        title=title,
        purpose=purpose,
        opens_at=opens_at,
        closes_at=closes_at,
        questions=questions,
        invited_places=places,
        milestones=milestones,
        reminder_days=reminder_days,
        suppression_threshold=suppression_threshold,
    )
    if consultation.status == RoundStatus.OPEN:
        _record_opening(consultation, actor)
    return consultation


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
) -> ConsultationRound:
    """Change a round's settings. Refused if someone saved it since `version` was read. Once
    the round has opened its opening time stays, and a place that has started a response
    stays invited. The closing time must stay after the opening time; moving it must keep it
    in the future (closing at once is `round_close_now`)."""
    consultation = _lock(round)
    if int(version) != consultation.version:
        raise ConcurrentEditError(ROUND_LABEL)
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
    if problems := _check_places(consultation.system, places):
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
    before = {
        "title": consultation.title,
        "purpose": consultation.purpose,
        "opens_at": consultation.opens_at,
        "closes_at": consultation.closes_at,
        "reminder_days": consultation.reminder_days,
        "suppression_threshold": consultation.suppression_threshold,
    }
    before_places = set(consultation.invited_places.values_list("pk", flat=True))
    consultation.title = title.strip()
    consultation.purpose = purpose.strip()
    consultation.opens_at = opens_at
    consultation.closes_at = closes_at
    consultation.reminder_days = reminder_days
    consultation.suppression_threshold = suppression_threshold
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
    audit_record(
        actor=actor,
        system=consultation.system,
        action="round.update",
        target=consultation,
        summary=f"{actor_name(actor)} changed consultation round {consultation.title}"
        + (f" ({', '.join(changed)})" if changed else " (nothing changed)"),
        details={"changed": changed, "version": consultation.version},
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
    _check_questions(questions)
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
    audit_record(
        actor=actor,
        system=consultation.system,
        action="round.questions_replace",
        target=consultation,
        summary=f"{actor_name(actor)} set the {len(built)} question{'s' if len(built) != 1 else ''} "
        f"of consultation round {consultation.title}",
    )
    return built


# Milestones ---------------------------------------------------------------------------------


def _milestone_save(
    milestone: Milestone, title: str, due_on: date | None, description: str
) -> None:
    milestone.title = (title or "").strip()
    milestone.description = (description or "").strip()
    milestone.due_on = due_on  # type: ignore[assignment]
    milestone.full_clean(exclude=["round"])
    milestone.save()


@transaction.atomic
def milestone_add(
    *,
    actor: User | None,
    round: ConsultationRound,
    title: str,
    due_on: date | None,
    description: str = "",
) -> Milestone:
    milestone = Milestone(round=round)
    _milestone_save(milestone, title, due_on, description)
    audit_record(
        actor=actor,
        system=round.system,
        action="round.milestone_add",
        target=milestone,
        summary=f"{actor_name(actor)} added milestone “{milestone.title}” ({milestone.due_on:%d %b %Y}) "
        f"to {round.title}",
    )
    return milestone


@transaction.atomic
def milestone_update(
    *,
    actor: User | None,
    milestone: Milestone,
    title: str,
    due_on: date | None,
    description: str = "",
) -> Milestone:
    milestone = (
        Milestone.objects.select_for_update().select_related("round__system").get(pk=milestone.pk)
    )
    before = (milestone.title, milestone.due_on, milestone.description)
    _milestone_save(milestone, title, due_on, description)
    if before != (milestone.title, milestone.due_on, milestone.description):
        audit_record(
            actor=actor,
            system=milestone.round.system,
            action="round.milestone_update",
            target=milestone,
            summary=f"{actor_name(actor)} changed milestone “{milestone.title}” "
            f"({milestone.due_on:%d %b %Y}) of {milestone.round.title}",
        )
    return milestone


@transaction.atomic
def milestone_remove(*, actor: User | None, milestone: Milestone) -> None:
    consultation = milestone.round
    audit_record(
        actor=actor,
        system=consultation.system,
        action="round.milestone_remove",
        target=milestone,
        summary=f"{actor_name(actor)} removed milestone “{milestone.title}” from {consultation.title}",
    )
    milestone.delete()


# Closing early, more time -------------------------------------------------------------------


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
    audit_record(
        actor=actor,
        system=consultation.system,
        action="round.close",
        target=consultation,
        summary=f"{actor_name(actor)} closed consultation round {consultation.title} early for every "
        f"place (it was due to close at {uk_datetime(was_closing)}"
        + (f"; {ended} extension{'s' if ended != 1 else ''} ended" if ended else "")
        + ")"
        + (f". Reason: {reason}" if reason else ""),
        details={"reason": reason, "was_closing_at": was_closing.isoformat(), "extensions": ended},
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
        consultation.status = RoundStatus.OPEN
        consultation.save(update_fields=["status", "updated_at"])
    audit_record(
        actor=actor,
        system=consultation.system,
        action="round.extension",
        target=extension,
        summary=f"{actor_name(actor)} gave {place.name} until {uk_datetime(closes_at)} to respond to "
        f"{consultation.title}"
        + (f" (was {uk_datetime(previous)})" if previous else "")
        + (" and reopened the round for it" if reopened else "")
        + f". Reason: {reason}",
        details={
            "place": place.pk,
            "closes_at": closes_at.isoformat(),
            "previous": previous.isoformat() if previous else None,
            "reason": reason,
        },
    )
    return extension


# The scheduler ------------------------------------------------------------------------------


def _open_if_due(pk: int, now: datetime) -> bool:
    with transaction.atomic():
        consultation = ConsultationRound.objects.select_for_update(of=("self",)).get(pk=pk)
        if consultation.status != RoundStatus.SCHEDULED or consultation.opens_at > now:
            return False
        if round_final_deadline(round=consultation) <= now:
            return False  # it is already over: the closing step records that
        consultation.status = RoundStatus.OPEN
        consultation.save(update_fields=["status", "updated_at"])
        _record_opening(consultation, None)
    return True


def _close_if_due(pk: int, now: datetime) -> bool:
    with transaction.atomic():
        consultation = ConsultationRound.objects.select_for_update(of=("self",)).get(pk=pk)
        if consultation.status == RoundStatus.CLOSED:
            return False
        final = round_final_deadline(round=consultation)
        if final > now:
            return False
        consultation.status = RoundStatus.CLOSED
        consultation.save(update_fields=["status", "updated_at"])
        audit_record(
            actor=None,
            system=consultation.system,
            action="round.close",
            target=consultation,
            summary=f"Consultation round {consultation.title} closed at {uk_datetime(final)}",
        )
    return True


def rounds_advance(*, now: datetime | None = None) -> dict[str, int]:
    """Open scheduled rounds whose opening time has passed (e-mailing their place leads) and
    close rounds whose last deadline has passed. Running it again changes nothing more."""
    now = now or timezone.now()
    due_to_open = ConsultationRound.objects.filter(
        status=RoundStatus.SCHEDULED, opens_at__lte=now
    ).values_list("pk", flat=True)
    opened = sum(_open_if_due(pk, now) for pk in list(due_to_open))
    due_to_close = (
        ConsultationRound.objects.exclude(status=RoundStatus.CLOSED)
        .filter(closes_at__lte=now)
        .values_list("pk", flat=True)
    )
    closed = sum(_close_if_due(pk, now) for pk in list(due_to_close))
    return {"opened": opened, "closed": closed}


def _remind(consultation: ConsultationRound, place: Place, deadline: datetime, leads: int) -> bool:
    from governance.tasks import round_reminder_email_task

    try:
        with transaction.atomic():
            if ReminderSent.objects.filter(
                round=consultation, place=place, deadline=deadline
            ).exists():
                return False
            reminder = ReminderSent.objects.create(
                round=consultation, place=place, deadline=deadline, recipients=leads
            )
            audit_record(
                actor=None,
                system=consultation.system,
                action="round.reminder",
                target=consultation,
                summary=f"Reminded {place.name}'s lead{'s' if leads != 1 else ''} that "
                f"{consultation.title} closes for them at {uk_datetime(deadline)}",
                details={"place": place.pk, "deadline": deadline.isoformat()},
            )
            enqueue_on_commit_or_keep(round_reminder_email_task, reminder_id=reminder.pk)
    except IntegrityError:  # another run reminded them a moment ago
        return False
    return True


def round_reminders_send(*, now: datetime | None = None) -> int:
    """Remind the leads of every invited place that has not submitted, once per deadline,
    from `reminder_days` before it. Returns how many places were reminded."""
    now = now or timezone.now()
    reminded = 0
    rounds = ConsultationRound.objects.filter(
        status=RoundStatus.OPEN, reminder_days__gt=0
    ).select_related("system")
    for consultation in rounds:
        window = timedelta(days=consultation.reminder_days)
        due = []
        for row in round_progress(round=consultation):
            if row.has_submitted or not (row.deadline - window <= now < row.deadline):
                continue
            due.append(row)
        if not due:
            continue
        leads = current_place_leads(row.place.pk for row in due)
        for row in due:
            if not leads.get(row.place.pk):
                continue  # nobody to tell yet; a lead appointed later is reminded then
            reminded += _remind(consultation, row.place, row.deadline, len(leads[row.place.pk]))
    return reminded
