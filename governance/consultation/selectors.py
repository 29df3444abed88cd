"""Read-side queries for consultation rounds and place responses: a place's rounds, the
console's list of rounds with their figures, a round's progress board, and who to tell."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
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

from core.uk_time import UK, uk_time
from governance.catalogue.selectors import framework_catalogue
from governance.consultation.models import (
    Answer,
    ConsultationRound,
    ConsultationRoundQuerySet,
    DeadlineExtension,
    FeedbackSummary,
    JobState,
    PlaceRating,
    PlaceResponse,
    Question,
    RedactionDecision,
    ResponseStatus,
    RoundStatus,
    SummaryPart,
    later_deadline,
)
from governance.consultation.response_history import STATUS_CHANGE
from governance.consultation.responses import MissingItem, ResponseSheet, response_missing_items
from partners.models import AUDIENCE_ROLES, Membership, Place, Role, System, User


def rounds_for_place(*, place: Place) -> QuerySet[ConsultationRound]:
    """The consultation rounds the place is invited to, newest first, each annotated with
    this place's response status (None when the place has not started one) and its own
    deadline (`place_deadline`). One query."""
    responses = PlaceResponse.objects.filter(round=OuterRef("pk"), place=place)
    return (
        ConsultationRound.objects.filter(system_id=place.system_id, invited_places=place)
        .with_place_deadline(place)
        .annotate(response_status=Subquery(responses.values("status")[:1]))
    )


def submitted_responses(*, round: ConsultationRound) -> QuerySet[PlaceResponse]:
    """The responses a round's feedback summary is made from."""
    return PlaceResponse.objects.filter(round=round, status=ResponseStatus.SUBMITTED)


def round_final_deadline(*, round: ConsultationRound) -> datetime:
    """The last moment any place of the round may still change its response: the latest of
    its places' deadlines (`later_deadline`)."""
    latest = DeadlineExtension.objects.filter(round=round).aggregate(latest=Max("closes_at"))
    return later_deadline(round.closes_at, latest["latest"])


def _with_console_figures(queryset: ConsultationRoundQuerySet) -> ConsultationRoundQuerySet:
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
    return (
        queryset.with_final_deadline()
        .annotate(
            invited_count=Coalesce(Subquery(invited, output_field=IntegerField()), 0),
            submitted_count=Coalesce(Subquery(submitted, output_field=IntegerField()), 0),
        )
        .annotate(
            phase=Case(
                When(status=RoundStatus.CLOSED, then=Value(RoundStatus.CLOSED.value)),
                When(final_deadline__lte=now, then=Value(RoundStatus.CLOSED.value)),
                When(opens_at__lte=now, then=Value(RoundStatus.OPEN.value)),
                default=Value(RoundStatus.SCHEDULED.value),
                output_field=CharField(),
            )
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


def response_state(response: PlaceResponse | None) -> str:
    """Where a place's response stands: not started, drafting, submitted or withdrawn."""
    if response is None:
        return NOT_STARTED
    if response.status == ResponseStatus.SUBMITTED:
        return SUBMITTED
    if response.status == ResponseStatus.WITHDRAWN:
        return WITHDRAWN
    return DRAFTING


PROGRESS_STATES = {
    NOT_STARTED: "Not started",
    DRAFTING: "Drafting",
    SUBMITTED: "Submitted",
    WITHDRAWN: "Withdrawn to change",
}


@dataclass(frozen=True)
class ProgressRow:
    """Where one invited place has got to: when its response was last edited and by whom,
    and, once submitted, when and by whom it was submitted (often a different person: any
    member edits, only a place lead submits)."""

    place: Place
    state: str  # one of PROGRESS_STATES
    edited_at: datetime | None
    edited_by: User | None
    submitted_at: datetime | None
    submitted_by: User | None
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


def places_yet_to_submit(*, round: ConsultationRound) -> list[Place]:
    """The invited places without a submitted response, by name: what closing the round now
    leaves out (one query, rather than the whole progress board)."""
    submitted = PlaceResponse.objects.filter(
        round=round, place=OuterRef("pk"), status=ResponseStatus.SUBMITTED
    )
    return list(round.invited_places.filter(~Exists(submitted)).order_by("name", "pk"))


def _latest_edit(model: type[Answer] | type[PlaceRating]) -> tuple[Subquery, Subquery]:
    """The moment and the person of the latest edit of a response's answers or ratings
    (`model`), as two subqueries of a PlaceResponse."""
    latest = model.objects.filter(response_id=OuterRef("pk")).order_by("-updated_at", "-pk")
    return (
        Subquery(latest.values("updated_at")[:1]),
        Subquery(latest.values("updated_by_id")[:1]),
    )


def _person_columns(by: str) -> dict[str, Subquery]:
    """The name and address of the person whose id the annotation `by` holds."""
    person = User.objects.filter(pk=OuterRef(by))
    return {
        f"{by}_name": Subquery(person.values("full_name")[:1]),
        f"{by}_email": Subquery(person.values("email")[:1]),
    }


def _person(row: PlaceResponse, by: str) -> User | None:
    """The person `_person_columns(by)` read, as a User holding what the board shows of
    them (their name, or their address when they have no name)."""
    pk = getattr(row, by)
    if pk is None:
        return None
    return User(pk=pk, full_name=getattr(row, f"{by}_name"), email=getattr(row, f"{by}_email"))


def round_progress(*, round: ConsultationRound) -> list[ProgressRow]:
    """One row per invited place, by name, in a fixed number of queries (the places, the
    responses with their latest edits and who made them, and the extensions).

    Submitting or withdrawing saves the response row too, which moves its `updated_at`
    without changing `updated_by`; so the proposal's last edit is read from the response's
    history, leaving out those status changes (marked by `save_with_history`), and from
    versions after the first (the row's creation is nobody's edit)."""
    places = list(round.invited_places.order_by("name", "pk"))
    proposal_edits = (
        PlaceResponse.history.filter(id=OuterRef("pk"), version__gt=1)
        .exclude(history_change_reason=STATUS_CHANGE)
        .order_by("-history_date", "-history_id")
    )
    answer_at, answer_by = _latest_edit(Answer)
    rating_at, rating_by = _latest_edit(PlaceRating)
    # The editors' names and addresses come with the responses (the submitter by a join),
    # rather than in a query of their own.
    responses = {
        response.place_id: response
        for response in PlaceResponse.objects.filter(round=round)
        .order_by()  # read into a dict: the model's order would join the round and the place
        .select_related("submitted_by")
        .annotate(
            proposal_at=Subquery(proposal_edits.values("history_date")[:1]),
            proposal_by=Subquery(proposal_edits.values("history_user_id")[:1]),
            answer_at=answer_at,
            answer_by=answer_by,
            rating_at=rating_at,
            rating_by=rating_by,
            **_person_columns("proposal_by"),
            **_person_columns("answer_by"),
            **_person_columns("rating_by"),
        )
    }
    extensions = {
        extension.place_id: extension
        for extension in DeadlineExtension.objects.filter(round=round).select_related("granted_by")
    }
    edited: dict[int, tuple[datetime, User | None]] = {}
    for place_id, response in responses.items():
        moments = [
            (getattr(response, f"{part}_at"), _person(response, f"{part}_by"))
            for part in ("proposal", "answer", "rating")
            if getattr(response, f"{part}_at") is not None
        ]
        if moments:
            edited[place_id] = max(moments, key=lambda moment: moment[0])
    rows = []
    for place in places:
        found = responses.get(place.pk)
        extension = extensions.get(place.pk)
        deadline = later_deadline(round.closes_at, extension.closes_at if extension else None)
        state = response_state(found)
        edited_at, edited_by = edited.get(place.pk, (None, None))
        submitted = found is not None and state == SUBMITTED
        rows.append(
            ProgressRow(
                place=place,
                state=state,
                edited_at=edited_at,
                edited_by=edited_by,
                submitted_at=found.submitted_at if submitted and found else None,
                submitted_by=found.submitted_by if submitted and found else None,
                deadline=deadline,
                extended=deadline > round.closes_at,
                extension=extension,
                response=found,
            )
        )
    return rows


def reader_audiences(*, user: User, system: System) -> set[str]:
    """The summary audiences (Audience values) `user` belongs to in `system`, from their
    current roles there."""
    roles = set(
        Membership.objects.current()
        .filter(user=user, system=system, place__isnull=True)
        .values_list("role", flat=True)
    )
    return {audience for audience, role in AUDIENCE_ROLES.items() if role in roles}


def readable_parts(
    summary: FeedbackSummary, *, audiences: set[str], is_admin: bool = False
) -> list[str]:
    """The released parts of `summary` a reader may read: those released to one of their
    audiences. An ICB admin of the system reads every released part."""
    return [
        part
        for part in summary.released_parts
        if is_admin or audiences & set(summary.round.audiences_of(part))
    ]


# Home pages: what each person should do next ---------------------------------------------

# A round stays on a member's home page this long after their place's deadline, saying it
# has closed, so that nobody finds it gone without a word the day after.
RECENTLY_CLOSED = timedelta(days=14)

# How a place's response reads on its members' home page.
HOME_STATES = {
    NOT_STARTED: "Not started",
    DRAFTING: "In progress",
    WITHDRAWN: "In progress",
    SUBMITTED: "Submitted",
}

# How many of the items a lead must still complete the home page names (it gives the count
# of them all, and the response page lists every one).
MISSING_SHOWN = 3


def _uk_date(moment: datetime) -> str:
    """Friday 3 October 2025"""
    local = timezone.localtime(moment, UK)
    return f"{local:%A} {local.day} {local:%B %Y}"


def moment_in_words(moment: datetime, *, now: datetime, future: str, past: str) -> str:
    """A deadline or an opening in the right tense, counted in UK days: "Closes today at
    17:00", "Closes tomorrow, Friday 3 October 2025, at 17:00", "Closes on Friday 10 October
    2025 at 17:00, in 8 days", "Closed on Friday 3 October 2025 at 17:00"."""
    time = uk_time(moment)
    if moment <= now:
        return f"{past} on {_uk_date(moment)} at {time}"
    days = (timezone.localtime(moment, UK).date() - timezone.localtime(now, UK).date()).days
    if days == 0:
        return f"{future} today at {time}"
    if days == 1:
        return f"{future} tomorrow, {_uk_date(moment)}, at {time}"
    return f"{future} on {_uk_date(moment)} at {time}, in {days} days"


@dataclass(frozen=True)
class HomeRound:
    """A round one of a person's places is invited to, as their home page shows it."""

    place: Place
    round: ConsultationRound
    deadline: datetime  # the place's own (`later_deadline`)
    phase: str  # a RoundStatus value, for this place
    state: str  # one of HOME_STATES
    now: datetime
    # What a lead must still complete before submitting; None when not shown (not a lead of
    # the place, or nothing more can be done).
    missing: list[MissingItem] | None = None

    @property
    def state_label(self) -> str:
        return HOME_STATES[self.state]

    @property
    def action(self) -> str:
        """The button to the response: Start, Continue or View."""
        if self.phase != RoundStatus.OPEN or self.state == SUBMITTED:
            return "View"
        return "Start" if self.state == NOT_STARTED else "Continue"

    @property
    def deadline_in_words(self) -> str:
        return moment_in_words(self.deadline, now=self.now, future="Closes", past="Closed")

    @property
    def opening_in_words(self) -> str:
        return moment_in_words(self.round.opens_at, now=self.now, future="Opens", past="Opened")

    @property
    def extended(self) -> bool:
        return self.deadline > self.round.closes_at

    @property
    def missing_shown(self) -> list[MissingItem]:
        return (self.missing or [])[:MISSING_SHOWN]


def _missing_items_of(responses: list[PlaceResponse]) -> dict[tuple[int, int], list[MissingItem]]:
    """What each response (saved or not) still lacks before it can be submitted, by (round
    id, place id): `response_missing_items` over sheets read together, in three queries
    however many responses (the catalogue of each framework is cached per process)."""
    if not responses:
        return {}
    round_ids = {response.round_id for response in responses}
    saved_ids = [response.pk for response in responses if response.pk]
    questions: dict[int, list[Question]] = {}
    for question in Question.objects.filter(round_id__in=round_ids).order_by("round_id", "order"):
        questions.setdefault(question.round_id, []).append(question)
    answers: dict[int, dict[int, Answer]] = {}
    ratings: dict[int, dict[tuple[int, str, int], PlaceRating]] = {}
    if saved_ids:
        for answer in Answer.objects.filter(response_id__in=saved_ids):
            answers.setdefault(answer.response_id, {})[answer.question_id] = answer
        for rating in PlaceRating.objects.filter(response_id__in=saved_ids):
            key = (rating.option_id, rating.option_set, rating.principle_id)
            ratings.setdefault(rating.response_id, {})[key] = rating
    missing = {}
    for response in responses:
        catalogue = framework_catalogue(framework=response.round.framework)
        sheet = ResponseSheet(
            round=response.round,
            questions=questions.get(response.round_id, []),
            options=list(catalogue.options),
            principles=list(catalogue.principles),
            contexts=list(catalogue.contexts),
            answers=answers.get(response.pk, {}),
            ratings=ratings.get(response.pk, {}),
        )
        missing[(response.round_id, response.place_id)] = response_missing_items(
            response=response, sheet=sheet
        )
    return missing


def rounds_for_home(
    *, places: list[Place], led_place_ids: set[int], now: datetime | None = None
) -> list[HomeRound]:
    """The rounds the places are invited to that are scheduled, open, or closed for the
    place in the last RECENTLY_CLOSED: open ones first (soonest deadline first), then the
    recently closed, then the scheduled (soonest first). For the places in `led_place_ids`,
    what their response still lacks while it can be changed. A fixed number of queries
    however many places, rounds and responses."""
    now = now or timezone.now()
    by_id = {place.pk: place for place in places}
    if not by_id:
        return []
    invitation = ConsultationRound.invited_places.through
    extension = DeadlineExtension.objects.filter(
        round_id=OuterRef("consultationround_id"), place_id=OuterRef("place_id")
    )
    round_closes = F("consultationround__closes_at")
    invitations = list(
        invitation.objects.filter(place_id__in=by_id)
        .select_related("consultationround__framework")
        .annotate(
            deadline=Greatest(
                round_closes, Coalesce(Subquery(extension.values("closes_at")[:1]), round_closes)
            )
        )
        .filter(deadline__gt=now - RECENTLY_CLOSED)  # type: ignore[misc]  # annotated
    )
    round_ids = {row.consultationround_id for row in invitations}
    responses = {
        (response.round_id, response.place_id): response
        for response in PlaceResponse.objects.filter(round_id__in=round_ids, place_id__in=by_id)
    }
    found: list[HomeRound] = []
    to_check: list[PlaceResponse] = []
    for row in invitations:
        consultation, place = row.consultationround, by_id[row.place_id]
        deadline: datetime = row.deadline  # type: ignore[attr-defined]  # annotated
        response = responses.get((consultation.pk, place.pk))
        if consultation.status == RoundStatus.CLOSED or deadline <= now:
            phase = RoundStatus.CLOSED
        elif consultation.opens_at <= now:
            phase = RoundStatus.OPEN
        else:
            phase = RoundStatus.SCHEDULED
        state = response_state(response)
        if place.pk in led_place_ids and phase == RoundStatus.OPEN and state != SUBMITTED:
            if response is None:
                response = PlaceResponse(round=consultation, place=place)
            else:
                response.round = consultation  # already read, with its framework
            to_check.append(response)
        found.append(HomeRound(place, consultation, deadline, phase, state, now))
    missing = _missing_items_of(to_check)
    order = {RoundStatus.OPEN: 0, RoundStatus.CLOSED: 1, RoundStatus.SCHEDULED: 2}
    found = [replace(item, missing=missing.get((item.round.pk, item.place.pk))) for item in found]
    return sorted(
        found,
        key=lambda item: (
            order[RoundStatus(item.phase)],
            item.round.opens_at if item.phase == RoundStatus.SCHEDULED else item.deadline,
            item.round.pk,
        ),
    )


# What an ICB admin should do next in each round, on their home page.
FOLLOW_PROGRESS = "follow_progress"
COMPILE = "compile"
COMPILING = "compiling"
COMPILE_AGAIN = "compile_again"
APPROVE = "approve"
RELEASE = "release"

ADMIN_ACTIONS = {
    FOLLOW_PROGRESS: "Open: follow each place’s progress",
    COMPILE: "Closed: compile the feedback summary",
    COMPILING: "The feedback summary is being compiled",
    COMPILE_AGAIN: "Compiling the feedback summary failed: start it again",
    APPROVE: "The feedback summary awaits a second ICB admin’s review and approval",
    RELEASE: "The feedback summary is ready to release",
}


@dataclass(frozen=True)
class RoundToAct:
    """A round of a system the person administers that needs something of its ICB admins:
    annotated with its console figures (`_with_console_figures`)."""

    round: ConsultationRound
    action: str  # one of ADMIN_ACTIONS
    now: datetime

    @property
    def action_label(self) -> str:
        return ADMIN_ACTIONS[self.action]

    @property
    def deadline_in_words(self) -> str:
        return moment_in_words(self.round.closes_at, now=self.now, future="Closes", past="Closed")

    @property
    def more_time_given(self) -> bool:
        return self.round.final_deadline > self.round.closes_at  # type: ignore[attr-defined]


def _summary_action(consultation: ConsultationRound) -> str | None:
    """What a closed round's feedback summary needs next, or None once a part of it is
    released (the summary page takes the rest, part by part at its milestones)."""
    try:
        summary = consultation.feedback_summary
    except FeedbackSummary.DoesNotExist:
        return COMPILE
    if summary.is_busy:
        return COMPILING
    if not summary.has_content:
        return COMPILE_AGAIN if summary.state == JobState.FAILED else COMPILE
    if summary.is_released:
        return None
    if consultation.has_review_choices and not summary.is_approved:  # type: ignore[attr-defined]
        return APPROVE
    return RELEASE


def rounds_needing_action(*, user: User, now: datetime | None = None) -> list[RoundToAct]:
    """The rounds of every system the person is an ICB admin of that need them: open rounds
    (to follow), and closed rounds whose summary is not compiled, approved or released yet.
    A closed round with fewer submissions than its smallest count shown is left out: no
    summary of it can ever be released. One query, open rounds first by deadline."""
    now = now or timezone.now()
    administered = (
        Membership.objects.current()
        .filter(user=user, role=Role.ICB_ADMIN, place__isnull=True)
        .values("system_id")
    )
    rounds = (
        _with_console_figures(
            ConsultationRound.objects.filter(system_id__in=administered)
            .select_related("system", "feedback_summary")
            .defer("feedback_summary__content", "feedback_summary__redaction_counts")
        )
        .annotate(
            has_review_choices=Exists(RedactionDecision.objects.filter(round_id=OuterRef("pk")))
        )
        .exclude(phase=RoundStatus.SCHEDULED.value)  # type: ignore[misc]  # annotated
        .order_by("system__name", "final_deadline", "pk")
    )
    found: list[RoundToAct] = []
    for consultation in rounds:
        if consultation.phase == RoundStatus.OPEN:  # type: ignore[attr-defined]
            found.append(RoundToAct(consultation, FOLLOW_PROGRESS, now))
            continue
        if consultation.submitted_count < consultation.suppression_threshold:  # type: ignore[attr-defined]
            continue
        action = _summary_action(consultation)
        if action is not None:
            found.append(RoundToAct(consultation, action, now))
    return sorted(found, key=lambda item: item.action != FOLLOW_PROGRESS)


@dataclass(frozen=True)
class ReleasedToReader:
    """A feedback summary with parts released to the reader."""

    summary: FeedbackSummary
    parts: list[str]  # their names, in reading order
    released_at: datetime


def summaries_released_to(*, user: User) -> list[ReleasedToReader]:
    """The feedback summaries released to the groups the person is a member of (the
    advisory and oversight groups of their systems), newest release first; only the parts
    released to those groups. Two queries."""
    audiences: dict[int, set[str]] = {}
    roles = {role: audience for audience, role in AUDIENCE_ROLES.items()}
    for system_id, role in (
        Membership.objects.current()
        .filter(user=user, place__isnull=True, role__in=roles)
        .values_list("system_id", "role")
    ):
        audiences.setdefault(system_id, set()).add(roles[role])
    if not audiences:
        return []
    found = []
    for summary in (
        FeedbackSummary.objects.released()
        .filter(round__system_id__in=audiences)
        .select_related("round__system")
        .defer("content", "redaction_counts")
    ):
        parts = readable_parts(summary, audiences=audiences[summary.round.system_id])
        if parts:
            released = [at for part in parts if (at := summary.released_at_of(part))]
            found.append(
                ReleasedToReader(
                    summary, [SummaryPart(part).label for part in parts], max(released)
                )
            )
    return sorted(found, key=lambda item: item.released_at, reverse=True)
