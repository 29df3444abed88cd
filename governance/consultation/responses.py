"""A place's response to a round: who may have one, when it may change, what it still
lacks, and its submission and withdrawal by a place lead.

Every change is keyword-only, validates, saves atomically and writes its audit row. The state
rules: only a place invited to the round has a response to it; a submitted response, or one
past the place's deadline (`later_deadline`), cannot be changed; only a place lead of the
place may submit or withdraw. Saving the response's parts is governance.consultation.
response_saves; permission checks (who may see or edit) are the caller's job."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from core.outbox import enqueue_on_commit_or_keep
from core.uk_time import uk_datetime
from governance.catalogue.models import GovernanceOption, Principle
from governance.catalogue.selectors import (
    FrameworkCatalogue,
    RatingContext,
    framework_catalogue,
)
from governance.consultation.models import (
    Answer,
    ConsultationRound,
    DeadlineExtension,
    PlaceRating,
    PlaceResponse,
    Question,
    ResponseStatus,
    later_deadline,
)
from governance.consultation.response_history import save_with_history
from governance.consultation.tasks import response_submitted_email_task
from partners.audit import audit_by
from partners.models import Place, User
from partners.selectors import is_place_lead


class IncompleteResponse(ValidationError):
    """A submission refused because required items are missing; `items` says which."""

    def __init__(self, items: list[MissingItem]) -> None:
        self.items = items
        ValidationError.__init__(
            self,
            f"The response cannot be submitted yet: {len(items)} required "
            f"item{'s are' if len(items) != 1 else ' is'} missing.",
        )


def response_deadline(*, round: ConsultationRound, place: Place) -> datetime:
    """When the place's response must be in (`later_deadline`)."""
    extended = (
        DeadlineExtension.objects.filter(round=round, place=place)
        .values_list("closes_at", flat=True)
        .first()
    )
    return later_deadline(round.closes_at, extended)


def is_invited(*, round: ConsultationRound, place: Place) -> bool:
    return round.invited_places.filter(pk=place.pk).exists()


def require_invited(round: ConsultationRound, place: Place) -> None:
    if place.system_id != round.system_id:
        raise ValidationError("That round belongs to another system.")
    if not is_invited(round=round, place=place):
        raise ValidationError(f"{place.name} is not invited to respond to {round.title}.")


def response_get_or_create(*, round: ConsultationRound, place: Place) -> PlaceResponse:
    require_invited(round, place)
    response, _ = PlaceResponse.objects.get_or_create(round=round, place=place)
    return response


def lock_response(response: PlaceResponse) -> PlaceResponse:
    """The response, locked for this transaction: edits of one response are serialised, so
    a version check and the save that follows cannot be interleaved with another save or
    with a submission."""
    return (
        PlaceResponse.objects.select_for_update(of=("self",))
        .select_related("round__system", "place", "submitted_by", "updated_by")
        .get(pk=response.pk)
    )


def closed_message(consultation: ConsultationRound, deadline: datetime) -> str:
    if deadline > consultation.closes_at:
        return f"The extended deadline for this response passed at {uk_datetime(deadline)}."
    return f"This round closed at {uk_datetime(deadline)}."


def response_edit_refusal(
    response: PlaceResponse, *, now: datetime | None = None, deadline: datetime | None = None
) -> str | None:
    """Why the response cannot be edited now, or None if it can. `deadline` is the place's
    own (response_deadline); looked up when not given."""
    now = now or timezone.now()
    consultation = response.round
    if deadline is None:
        deadline = response_deadline(round=consultation, place=response.place)
    if now >= deadline:
        return f"{closed_message(consultation, deadline)} Responses can no longer be changed."
    if now < consultation.opens_at:
        return f"This round opens at {uk_datetime(consultation.opens_at)}."
    if response.status == ResponseStatus.SUBMITTED:
        by = f" by {response.submitted_by}" if response.submitted_by else ""
        when = f" at {uk_datetime(response.submitted_at)}" if response.submitted_at else ""
        return (
            f"This response was submitted{by}{when}. A place lead must withdraw it before "
            "it can be changed."
        )
    return None


def require_editable(response: PlaceResponse) -> None:
    require_invited(response.round, response.place)
    refusal = response_edit_refusal(response)
    if refusal:
        raise ValidationError(refusal)


@dataclass(frozen=True)
class MissingItem:
    label: str
    anchor: str  # the id of the part of the response it belongs to (a unit on its page)
    field: str = ""  # the id of the first form field to fill in, where the focus should land
    section: str = ""  # which page of the response holds it (PROPOSAL_SECTION, option_section…)


PROPOSAL_SECTION = "proposal"
QUESTIONS_SECTION = "questions"


def option_section(option: GovernanceOption) -> str:
    """The section of the response that rates `option` (alone and in its combinations)."""
    return f"option-{option.pk}"


def asks_agreement(
    catalogue: FrameworkCatalogue, option: GovernanceOption, principle: Principle, option_set: str
) -> bool:
    """Whether a place says if it agrees with the framework's rating of a cell: only where the
    framework suggests one (the 2025 archetypes have none, so nothing to agree with)."""
    return catalogue.suggestion(option, principle, option_set) is not None


def may_rate(
    catalogue: FrameworkCatalogue, option: GovernanceOption, principle: Principle, option_set: str
) -> bool:
    """Whether a place rates `option` against `principle` in the context of `option_set`:
    every option alone (required), and an option in an allowed combination wherever the
    framework suggests a rating of it there (optional), so that each place rating can be set
    beside the framework's."""
    if option_set == str(option.number):
        return True
    return (
        option_set in catalogue.combinations
        and (option.pk, option_set, principle.pk) in catalogue.suggested
    )


@dataclass
class ResponseSheet:
    """Everything the response page and the completeness check read, loaded once: the cells
    of each option alone (required) and the in-context cells the framework rates
    (`contexts`, optional)."""

    round: ConsultationRound
    questions: list[Question]
    options: list[GovernanceOption]
    principles: list[Principle]
    contexts: list[RatingContext] = field(default_factory=list)
    catalogue: FrameworkCatalogue | None = None
    answers: dict[int, Answer] = field(default_factory=dict)  # question pk →
    # (option pk, option set, principle pk) →
    ratings: dict[tuple[int, str, int], PlaceRating] = field(default_factory=dict)

    def rating(
        self, option: GovernanceOption, principle: Principle, option_set: str = ""
    ) -> PlaceRating | None:
        """The place's rating of a cell (by default the option alone), if it has one."""
        return self.ratings.get((option.pk, option_set or str(option.number), principle.pk))


def response_sheet(*, round: ConsultationRound, response: PlaceResponse | None) -> ResponseSheet:
    """A fixed number of queries, however many questions and ratings there are; the
    framework's options, principles and rated contexts come from the per-process catalogue."""
    catalogue = framework_catalogue(framework=round.framework)
    sheet = ResponseSheet(
        round=round,
        questions=list(round.questions.all()),
        options=list(catalogue.options),
        principles=list(catalogue.principles),
        contexts=list(catalogue.contexts),
        catalogue=catalogue,
    )
    if response is not None and response.pk:
        sheet.answers = {a.question_id: a for a in response.answers.select_related("updated_by")}
        sheet.ratings = {
            (r.option_id, r.option_set, r.principle_id): r
            for r in response.ratings.select_related("updated_by")
        }
    return sheet


def response_missing_items(
    *, response: PlaceResponse, sheet: ResponseSheet | None = None
) -> list[MissingItem]:
    """Every required item still missing, in page order, with the id of where to fix it.
    Each option alone must be rated; its cells in a combination are optional. Agreement with
    the suggested rating is asked only where the framework suggests one."""
    sheet = sheet or response_sheet(round=response.round, response=response)
    missing = []
    if not response.proposed_option_set:
        first = sheet.options[0].number if sheet.options else 1
        missing.append(
            MissingItem(
                "Choose the option or options you propose",
                "proposal-options",
                f"proposal-option-{first}",
                PROPOSAL_SECTION,
            )
        )
    if not response.proposal_case.strip():
        missing.append(
            MissingItem(
                "Make the case for your proposal",
                "proposal-case",
                "proposal-case",
                PROPOSAL_SECTION,
            )
        )
    for option in sheet.options:
        for principle in sheet.principles:
            rating = sheet.rating(option, principle)
            anchor = f"rating-{option.pk}-{principle.pk}"
            needs = [
                (what, name)
                for what, name, present in (
                    ("a rating", "band", rating and rating.band),
                    ("your reasons", "reasons", rating and rating.reasons.strip()),
                    (
                        "whether you agree with the suggested rating",
                        "agreement",
                        rating and rating.agreement,
                    ),
                )
                if not present
                and (
                    name != "agreement"
                    or sheet.catalogue is None
                    or asks_agreement(sheet.catalogue, option, principle, str(option.number))
                )
            ]
            if needs:
                missing.append(
                    MissingItem(
                        f"Option {option.number} ({option.short_name}) against "
                        f"{principle.short_name}: give {_join([what for what, _ in needs])}",
                        anchor,
                        f"{anchor}-{needs[0][1]}",
                        option_section(option),
                    )
                )
    for question in sheet.questions:
        answer = sheet.answers.get(question.pk)
        if not question.required:
            continue
        if question.choices:
            # The fixed answer is what counts; explaining it is optional.
            if not (answer and answer.choice):
                missing.append(
                    MissingItem(
                        f"Choose an answer to question {question.order}",
                        f"answer-{question.pk}",
                        f"answer-{question.pk}-choice-1",
                        QUESTIONS_SECTION,
                    )
                )
        elif not (answer and answer.text.strip()):
            missing.append(
                MissingItem(
                    f"Answer question {question.order}",
                    f"answer-{question.pk}",
                    f"answer-{question.pk}-text",
                    QUESTIONS_SECTION,
                )
            )
    return missing


def _join(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def _require_lead(actor: User | None, response: PlaceResponse, doing: str) -> None:
    if not is_place_lead(user=actor, place=response.place):
        raise ValidationError(
            f"Only a place lead of {response.place.name} can {doing} its response."
        )


@transaction.atomic
def response_submit(*, actor: User | None, response: PlaceResponse) -> PlaceResponse:
    response = lock_response(response)
    _require_lead(actor, response, "submit")
    if response.status == ResponseStatus.SUBMITTED:
        raise ValidationError("This response has already been submitted.")
    require_editable(response)
    missing = response_missing_items(response=response)
    if missing:
        raise IncompleteResponse(missing)
    response.status = ResponseStatus.SUBMITTED
    response.submitted_at = timezone.now()
    response.submitted_by = actor
    save_with_history(response, actor, coalesce=False)  # never folded into an edit
    audit_by(
        actor,
        "response.submit",
        response,
        f"submitted {response.place.name}'s response to {response.round.title}",
        system=response.round.system,
    )
    # The moment identifies this submission: a redelivered task sends nothing once the
    # response has been withdrawn or submitted again (that submission has its own e-mail).
    enqueue_on_commit_or_keep(
        response_submitted_email_task,
        response_id=response.pk,
        submitted_at=response.submitted_at.isoformat(),
    )
    return response


@transaction.atomic
def response_withdraw(*, actor: User | None, response: PlaceResponse) -> PlaceResponse:
    """Take a submitted response back so it can be changed and submitted again; only while
    the round is open."""
    response = lock_response(response)
    _require_lead(actor, response, "withdraw")
    if response.status != ResponseStatus.SUBMITTED:
        raise ValidationError("Only a submitted response can be withdrawn.")
    require_invited(response.round, response.place)
    deadline = response_deadline(round=response.round, place=response.place)
    if timezone.now() >= deadline:
        raise ValidationError(
            f"{closed_message(response.round, deadline)} The response can no longer be withdrawn."
        )
    response.status = ResponseStatus.WITHDRAWN
    save_with_history(response, actor, coalesce=False)
    audit_by(
        actor,
        "response.withdraw",
        response,
        f"withdrew {response.place.name}'s response to {response.round.title} to change it",
        system=response.round.system,
    )
    return response
