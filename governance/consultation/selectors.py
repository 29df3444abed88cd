"""Read-side queries for consultation rounds and place responses: a place's rounds, the
console's list of rounds with their figures, a round's progress board, and who to tell."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import (
    Case,
    CharField,
    Count,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from governance.consultation.models import (
    Answer,
    ConsultationRound,
    ConsultationRoundQuerySet,
    DeadlineExtension,
    FeedbackSummary,
    PlaceRating,
    PlaceResponse,
    ResponseStatus,
    RoundStatus,
    later_deadline,
)
from partners.models import AUDIENCE_ROLES, Membership, Place, System, User


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
        deadline = later_deadline(round.closes_at, extension.closes_at if extension else None)
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
