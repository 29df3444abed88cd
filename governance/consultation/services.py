"""The rules for consultation rounds and place responses. Views, management commands and the
demo data call these; none of them saves these models directly.

Every function is keyword-only, validates, saves atomically and writes its audit row.
Permission checks (who may see or edit a place's response) are the caller's job; these
functions enforce the state rules: only a place invited to the round has a response to it;
a submitted response, or one past the place's deadline (the round's closing time or a later
extension for that place), cannot be changed; only a place lead of the place may submit or
withdraw; and a save made from a stale version is refused with both versions rather than
overwriting someone else's work.

Each answer, rating cell and the proposal carry an integer `version`: 0 means "not saved
yet", and every save that changes something adds one."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone

from governance.catalogue.models import Band, GovernanceOption, OptionFramework, Principle
from governance.catalogue.rules import FrameworkRules, option_set_numbers, option_set_verdict
from governance.catalogue.selectors import framework_catalogue
from governance.consultation.models import (
    Agreement,
    Answer,
    ConsultationRound,
    DeadlineExtension,
    Milestone,
    PlaceRating,
    PlaceResponse,
    Question,
    ResponseStatus,
    RoundStatus,
)
from partners.audit import actor_name, audit_record
from partners.models import Membership, Place, Role, System, User
from partners.queue import enqueue_on_commit_or_keep
from partners.services import ConcurrentEditError

UK = ZoneInfo("Europe/London")

# Sensible limits for free text that has no limit of its own.
CASE_MAX_LENGTH = 10_000
RATING_TEXT_MAX_LENGTH = 5_000
QUALIFIER_MAX_LENGTH = 200
# Consecutive saves of one record by one person within this window are one change in the
# history (autosave would otherwise record every pause in typing).
HISTORY_COALESCE_WINDOW = timedelta(minutes=10)

SAME_MODEL_CHOICES = [
    "Yes, the same model for every place",
    "No, each place should choose its own",
    "Not sure",
]

# The seven questions of the 2021 place consultation (reference paper, section 7),
# restated in our own words.
DEFAULT_QUESTIONS: list[dict[str, Any]] = [
    {
        "text": "Should every place in the system use the same governance model, chosen from "
        "the options, for the coming year?",
        "hint": "Say whether one model for all places or a choice for each place would work "
        "better, and why.",
        "choices": SAME_MODEL_CHOICES,
    },
    {
        "text": "For each option, does the analysis against the principles cover the issues, "
        "risks, challenges and concerns that matter? If not, what is missing or needs changing?",
        "hint": "You can also note what is missing beside each rating below.",
    },
    {
        "text": "Do the suggested ratings (LOW to HIGH) match your view of how well each option "
        "meets the principles? If not, how would you change them?",
        "hint": "Your own rating of every option against every principle is recorded in the "
        "ratings section; summarise your view here.",
    },
    {
        "text": "Which option, or combination of options, would best support planning and "
        "delivering a strategy for the place? Why?",
        "hint": "",
    },
    {
        "text": "Which option, or combination of options, would best support the engagement of "
        "every partner in the place? Why?",
        "hint": "",
    },
    {
        "text": "Which option, or combination of options, would work best for your place? Why?",
        "hint": "",
    },
    {
        "text": "Which option, or combination of options, would you not want to use in your "
        "place? Why?",
        "hint": "",
    },
]


# Errors -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ConflictField:
    label: str
    theirs: str
    yours: str


class EditConflict(ConcurrentEditError):
    """A save from a stale version. Nothing was saved; the error carries both versions so
    the page can show them side by side and let the person keep theirs or use the other."""

    def __init__(
        self,
        *,
        label: str,
        fields: Sequence[ConflictField],
        version: int,
        by: User | None,
        at: datetime | None,
    ) -> None:
        self.label = label
        self.fields = list(fields)
        self.version = version
        self.by = by
        self.at = at
        who = str(by) if by else "Someone else"
        when = f" at {uk_time(at)}" if at else ""
        ValidationError.__init__(
            self,
            f"{who} changed this {label}{when} while you were editing it. Nothing has been "
            "overwritten: choose whether to keep your version or use theirs.",
        )


class IncompleteResponse(ValidationError):
    """A submission refused because required items are missing; `items` says which."""

    def __init__(self, items: list[MissingItem]) -> None:
        self.items = items
        ValidationError.__init__(
            self,
            f"The response cannot be submitted yet: {len(items)} required "
            f"item{'s are' if len(items) != 1 else ' is'} missing.",
        )


# Formatting -----------------------------------------------------------------------------------


def uk_time(moment: datetime) -> str:
    """14:32"""
    return f"{timezone.localtime(moment, UK):%H:%M}"


def uk_datetime(moment: datetime) -> str:
    """17:00 on Friday 3 October 2025 (UK time)"""
    local = timezone.localtime(moment, UK)
    return f"{local:%H:%M} on {local:%A} {local.day} {local:%B %Y} (UK time)"


def _clean_text(value: str | None) -> str:
    """Text is stored as typed; only browser line endings are made plain newlines."""
    return (value or "").replace("\r\n", "\n").replace("\r", "\n")


def _check_length(text: str, limit: int, label: str, field_name: str) -> None:
    if len(text) > limit:
        raise ValidationError(
            {
                field_name: [
                    f"{label} must be {limit:,} characters or fewer; it has {len(text):,}. "
                    "Shorten it: the text you typed has not been saved."
                ]
            }
        )


# History ------------------------------------------------------------------------------------


def _save_with_history(
    instance: models.Model, actor: User | None, *, coalesce: bool = True
) -> None:
    """Save, recording `actor` in the history, and fold this save into the person's previous
    history record of the same record when they saved it moments ago."""
    instance._history_user = actor if actor and actor.pk else None  # type: ignore[attr-defined]
    if not coalesce:  # marks the record so later edits are never folded into it
        instance._change_reason = "status"  # type: ignore[attr-defined]
    # Foreign keys come from records just read and the database enforces them, so
    # full_clean need not look each one up again.
    relations = [f.name for f in instance._meta.concrete_fields if f.is_relation]
    instance.full_clean(exclude=relations)
    instance.save()
    records = list(instance.history.order_by("-history_date", "-history_id")[:2])  # type: ignore[attr-defined]
    if not coalesce or len(records) < 2 or actor is None or not actor.pk:
        return
    newest, previous = records
    if (
        previous.history_user_id == actor.pk
        and newest.history_date - previous.history_date < HISTORY_COALESCE_WINDOW
        and previous.history_type in {"+", "~"}
        and not previous.history_change_reason
    ):
        if previous.history_type == "+":
            newest.history_type = "+"
            newest.save(update_fields=["history_type"])
        previous.delete()


# Rounds -------------------------------------------------------------------------------------


def _place_set(system: System, places: Iterable[Place] | None) -> list[Place]:
    if places is None:
        return list(Place.objects.filter(system=system, is_active=True))
    chosen = list(places)
    if not chosen:
        raise ValidationError({"invited_places": ["Invite at least one place."]})
    if any(place.system_id != system.pk for place in chosen):
        raise ValidationError({"invited_places": ["Only places of this system can be invited."]})
    return chosen


def question_build(*, round: ConsultationRound, order: int, spec: dict[str, Any]) -> Question:
    """A validated, unsaved question from a spec: text, and optionally hint, choices,
    required and max_length."""
    choices = [str(choice).strip() for choice in spec.get("choices") or [] if str(choice).strip()]
    if len(set(choices)) != len(choices):
        raise ValidationError({"choices": ["Each fixed answer must be different."]})
    if len(choices) == 1:
        raise ValidationError({"choices": ["Give at least two fixed answers, or none."]})
    question = Question(
        round=round,
        order=order,
        text=(spec.get("text") or "").strip(),
        hint=(spec.get("hint") or "").strip(),
        choices=choices,
        required=spec.get("required", True),
        max_length=spec.get("max_length", 5000),
    )
    question.full_clean(exclude=["round"])
    return question


@transaction.atomic
def round_create(
    *,
    actor: User | None,
    system: System,
    framework: OptionFramework,
    title: str,
    opens_at: datetime,
    closes_at: datetime,
    questions: list[dict[str, Any]] | None = None,
    purpose: str = "",
    invited_places: Iterable[Place] | None = None,
    milestones: Iterable[dict[str, Any]] = (),
    reminder_days: int = 7,
    suppression_threshold: int = 3,
) -> ConsultationRound:
    """A consultation round with its questions (the default seven unless given), the places
    it consults (every active place of the system unless given) and its milestones
    (title, due_on and optionally description)."""
    places = _place_set(system, invited_places)
    now = timezone.now()
    consultation = ConsultationRound(
        system=system,
        framework=framework,
        title=title.strip(),
        purpose=purpose.strip(),
        opens_at=opens_at,
        closes_at=closes_at,
        reminder_days=reminder_days,
        suppression_threshold=suppression_threshold,
        status=(
            RoundStatus.CLOSED
            if closes_at <= now
            else RoundStatus.OPEN
            if opens_at <= now
            else RoundStatus.SCHEDULED
        ),
        created_by=actor if actor and actor.pk else None,
    )
    consultation.full_clean()
    consultation.save()
    consultation.invited_places.set(places)
    for order, spec in enumerate(DEFAULT_QUESTIONS if questions is None else questions, 1):
        question_build(round=consultation, order=order, spec=spec).save()
    for spec in milestones:
        milestone = Milestone(
            round=consultation,
            title=(spec.get("title") or "").strip(),
            description=(spec.get("description") or "").strip(),
            due_on=spec["due_on"],
        )
        milestone.full_clean(exclude=["round"])
        milestone.save()
    audit_record(
        actor=actor,
        system=system,
        action="round.create",
        target=consultation,
        summary=f"Created consultation round {consultation.title} for {len(places)} "
        f"place{'s' if len(places) != 1 else ''}, closing {uk_datetime(closes_at)}",
    )
    return consultation


# Responses ----------------------------------------------------------------------------------


def response_deadline(*, round: ConsultationRound, place: Place) -> datetime:
    """When the place's response must be in: the round's closing time, or a later deadline
    the ICB granted that place."""
    extended = (
        DeadlineExtension.objects.filter(round=round, place=place)
        .values_list("closes_at", flat=True)
        .first()
    )
    return max(round.closes_at, extended) if extended else round.closes_at


def is_invited(*, round: ConsultationRound, place: Place) -> bool:
    return round.invited_places.filter(pk=place.pk).exists()


def _require_invited(round: ConsultationRound, place: Place) -> None:
    if place.system_id != round.system_id:
        raise ValidationError("That round belongs to another system.")
    if not is_invited(round=round, place=place):
        raise ValidationError(f"{place.name} is not invited to respond to {round.title}.")


def response_get_or_create(*, round: ConsultationRound, place: Place) -> PlaceResponse:
    _require_invited(round, place)
    response, _ = PlaceResponse.objects.get_or_create(round=round, place=place)
    return response


def _lock(response: PlaceResponse) -> PlaceResponse:
    """The response, locked for this transaction: edits of one response are serialised, so
    a version check and the save that follows cannot be interleaved with another save or
    with a submission."""
    return (
        PlaceResponse.objects.select_for_update(of=("self",))
        .select_related("round__system", "place", "submitted_by", "updated_by")
        .get(pk=response.pk)
    )


def _closed_message(consultation: ConsultationRound, deadline: datetime) -> str:
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
        return f"{_closed_message(consultation, deadline)} Responses can no longer be changed."
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


def _require_editable(response: PlaceResponse) -> None:
    _require_invited(response.round, response.place)
    refusal = response_edit_refusal(response)
    if refusal:
        raise ValidationError(refusal)


NO_CHOICE = "None chosen"


def _clean_choice(question: Question, choice: str) -> str:
    choice = (choice or "").strip()
    if not choice:
        return ""
    if not question.choices:
        raise ValidationError(
            {"choice": [f"Question {question.order} has no fixed answers to choose from."]}
        )
    if choice not in question.choices:
        raise ValidationError(
            {
                "choice": [
                    f"Choose one of the answers to question {question.order}: "
                    + "; ".join(question.choices)
                    + "."
                ]
            }
        )
    return choice


@transaction.atomic
def answer_save(
    *,
    actor: User | None,
    response: PlaceResponse,
    question: Question,
    text: str,
    expected_version: int,
    choice: str | None = None,
) -> Answer:
    """An answer: the free text and, for a question with fixed answers, the chosen one
    (None leaves the choice as it is; "" clears it). One version covers both, so a stale
    save of either is a conflict showing both."""
    response = _lock(response)
    _require_editable(response)
    if question.round_id != response.round_id:
        raise ValidationError("That question belongs to another round.")
    text = _clean_text(text)
    _check_length(text, question.max_length, "Your answer", "text")
    answer = (
        Answer.objects.select_related("updated_by")
        .filter(response=response, question=question)
        .first()
    )
    current_text = answer.text if answer else ""
    current_choice = answer.choice if answer else ""
    current_version = answer.version if answer else 0
    choice = current_choice if choice is None else _clean_choice(question, choice)
    if text == current_text and choice == current_choice:
        # Nothing to save (a repeated autosave, or someone already saved these words).
        return answer or Answer(response=response, question=question, version=0)
    # Nothing saved yet means nobody else's words can be lost, whatever version the form had.
    if answer is not None and expected_version != current_version:
        fields = [ConflictField("Answer", answer.text, text)]
        if question.choices:
            fields.insert(
                0,
                ConflictField("Chosen answer", current_choice or NO_CHOICE, choice or NO_CHOICE),
            )
        raise EditConflict(
            label="answer",
            fields=fields,
            version=answer.version,
            by=answer.updated_by,
            at=answer.updated_at,
        )
    if answer is None:
        answer = Answer(response=response, question=question, version=0)
    answer.choice = choice
    answer.text = text
    answer.version = current_version + 1
    answer.updated_by = actor if actor and actor.pk else None
    _save_with_history(answer, actor)
    chosen = f': "{choice}"' if choice and choice != current_choice else ""
    audit_record(
        actor=actor,
        system=response.round.system,
        action="response.answer_save",
        target=answer,
        summary=f"{actor_name(actor)} saved {response.place.name}'s answer to question "
        f"{question.order}{chosen} (version {answer.version})",
    )
    return answer


RATING_FIELDS = ("band", "qualifier", "reasons", "agreement", "missing_from_analysis")
RATING_LABELS = {
    "band": "Rating",
    "qualifier": "Qualifier",
    "reasons": "Reasons",
    "agreement": "Agreement with the suggested rating",
    "missing_from_analysis": "What the suggested analysis misses",
}


def _rating_display(field_name: str, value: str) -> str:
    if field_name == "band":
        return Band(value).label if value else ""
    if field_name == "agreement":
        return Agreement(value).label if value else ""
    return value


@transaction.atomic
def rating_save(
    *,
    actor: User | None,
    response: PlaceResponse,
    option: GovernanceOption,
    principle: Principle,
    band: str,
    qualifier: str,
    reasons: str,
    agreement: str,
    missing_from_analysis: str,
    expected_version: int,
) -> PlaceRating:
    response = _lock(response)
    _require_editable(response)
    framework_id = response.round.framework_id
    if option.framework_id != framework_id or principle.framework_id != framework_id:
        raise ValidationError("That option or principle is not part of this round's framework.")
    values = {
        "band": band or "",
        "qualifier": _clean_text(qualifier),
        "reasons": _clean_text(reasons),
        "agreement": agreement or "",
        "missing_from_analysis": _clean_text(missing_from_analysis),
    }
    if values["band"] and values["band"] not in Band.values:
        raise ValidationError({"band": ["Choose a rating from LOW to HIGH."]})
    if values["agreement"] and values["agreement"] not in Agreement.values:
        raise ValidationError({"agreement": ["Choose agree, partly agree or disagree."]})
    _check_length(values["qualifier"], QUALIFIER_MAX_LENGTH, "The qualifier", "qualifier")
    _check_length(values["reasons"], RATING_TEXT_MAX_LENGTH, "Your reasons", "reasons")
    _check_length(
        values["missing_from_analysis"],
        RATING_TEXT_MAX_LENGTH,
        "What the analysis misses",
        "missing_from_analysis",
    )
    rating = (
        PlaceRating.objects.select_related("updated_by")
        .filter(response=response, option=option, principle=principle)
        .first()
    )
    current = {f: getattr(rating, f) if rating else "" for f in RATING_FIELDS}
    current_version = rating.version if rating else 0
    if values == current:
        return rating or PlaceRating(
            response=response, option=option, principle=principle, version=0
        )
    if rating is not None and expected_version != current_version:
        raise EditConflict(
            label="rating",
            fields=[
                ConflictField(
                    RATING_LABELS[f],
                    _rating_display(f, current[f]),
                    _rating_display(f, values[f]),
                )
                for f in RATING_FIELDS
                if current[f] != values[f]
            ],
            version=rating.version,
            by=rating.updated_by,
            at=rating.updated_at,
        )
    if rating is None:
        rating = PlaceRating(response=response, option=option, principle=principle, version=0)
    for name, value in values.items():
        setattr(rating, name, value)
    rating.version = current_version + 1
    rating.updated_by = actor if actor and actor.pk else None
    _save_with_history(rating, actor)
    audit_record(
        actor=actor,
        system=response.round.system,
        action="response.rating_save",
        target=rating,
        summary=f"{actor_name(actor)} saved {response.place.name}'s rating of option "
        f"{option.number} against principle {principle.number} (version {rating.version})",
    )
    return rating


@transaction.atomic
def proposal_save(
    *,
    actor: User | None,
    response: PlaceResponse,
    option_numbers: Iterable[int],
    case: str,
    expected_version: int,
) -> PlaceResponse:
    """The proposed option set and the case for it. The set must be one the framework
    allows (governance.catalogue.rules decides); an empty set is allowed while drafting. A refused
    set changes nothing, so nothing else of the draft is lost."""
    response = _lock(response)
    _require_editable(response)
    case = _clean_text(case)
    _check_length(case, CASE_MAX_LENGTH, "The case for your proposal", "case")
    numbers = sorted(set(option_numbers))
    key = ""
    if numbers:
        verdict = option_set_verdict(FrameworkRules.load(response.round.framework), numbers)
        if not verdict.allowed:
            raise ValidationError({"options": verdict.reasons})
        key = verdict.key
    if key == response.proposed_option_set and case == response.proposal_case:
        return response
    if expected_version != response.version:
        raise EditConflict(
            label="proposal",
            fields=[
                ConflictField(label, theirs, yours)
                for label, theirs, yours in (
                    (
                        "Proposed options",
                        option_set_label(response.proposed_option_set),
                        option_set_label(key),
                    ),
                    ("The case for it", response.proposal_case, case),
                )
                if theirs != yours
            ],
            version=response.version,
            by=response.updated_by,
            at=response.updated_at,
        )
    response.proposed_option_set = key
    response.proposal_case = case
    response.version += 1
    response.updated_by = actor if actor and actor.pk else None
    _save_with_history(response, actor)
    audit_record(
        actor=actor,
        system=response.round.system,
        action="response.proposal_save",
        target=response,
        summary=f"{actor_name(actor)} saved {response.place.name}'s proposal "
        f"({option_set_label(key)}, version {response.version})",
    )
    return response


def option_set_label(key: str) -> str:
    if not key:
        return "None chosen"
    numbers = option_set_numbers(key)
    if len(numbers) == 1:
        return f"Option {numbers[0]}"
    return "Options " + " + ".join(str(n) for n in numbers)


# Completeness, submission -------------------------------------------------------------------


@dataclass(frozen=True)
class MissingItem:
    label: str
    anchor: str  # an element id on the response page


@dataclass
class ResponseSheet:
    """Everything the response page and the completeness check read, loaded once."""

    round: ConsultationRound
    questions: list[Question]
    options: list[GovernanceOption]
    principles: list[Principle]
    answers: dict[int, Answer] = field(default_factory=dict)  # question pk →
    ratings: dict[tuple[int, int], PlaceRating] = field(default_factory=dict)  # (opt, prin) →


def response_sheet(*, round: ConsultationRound, response: PlaceResponse | None) -> ResponseSheet:
    """A fixed number of queries, however many questions and ratings there are; the
    framework's options and principles come from the per-process catalogue."""
    catalogue = framework_catalogue(framework=round.framework)
    sheet = ResponseSheet(
        round=round,
        questions=list(round.questions.all()),
        options=list(catalogue.options),
        principles=list(catalogue.principles),
    )
    if response is not None and response.pk:
        sheet.answers = {a.question_id: a for a in response.answers.select_related("updated_by")}
        sheet.ratings = {
            (r.option_id, r.principle_id): r for r in response.ratings.select_related("updated_by")
        }
    return sheet


def response_missing_items(
    *, response: PlaceResponse, sheet: ResponseSheet | None = None
) -> list[MissingItem]:
    """Every required item still missing, in page order, with the id of where to fix it."""
    sheet = sheet or response_sheet(round=response.round, response=response)
    missing = []
    if not response.proposed_option_set:
        missing.append(MissingItem("Choose the option or options you propose", "proposal-options"))
    if not response.proposal_case.strip():
        missing.append(MissingItem("Make the case for your proposal", "proposal-case"))
    for option in sheet.options:
        for principle in sheet.principles:
            rating = sheet.ratings.get((option.pk, principle.pk))
            needs = [
                what
                for what, present in (
                    ("a rating", rating and rating.band),
                    ("your reasons", rating and rating.reasons.strip()),
                    ("whether you agree with the suggested rating", rating and rating.agreement),
                )
                if not present
            ]
            if needs:
                missing.append(
                    MissingItem(
                        f"Option {option.number} ({option.short_name}) against "
                        f"{principle.short_name}: give {_join(needs)}",
                        f"rating-{option.pk}-{principle.pk}",
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
                        f"Choose an answer to question {question.order}", f"answer-{question.pk}"
                    )
                )
        elif not (answer and answer.text.strip()):
            missing.append(
                MissingItem(f"Answer question {question.order}", f"answer-{question.pk}")
            )
    return missing


def _join(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def is_place_lead(*, user: User | None, place: Place) -> bool:
    if user is None or not user.pk or not user.is_active:
        return False
    return (
        Membership.objects.current().filter(user=user, place=place, role=Role.PLACE_LEAD).exists()
    )


def _require_lead(actor: User | None, response: PlaceResponse, doing: str) -> None:
    if not is_place_lead(user=actor, place=response.place):
        raise ValidationError(
            f"Only a place lead of {response.place.name} can {doing} its response."
        )


@transaction.atomic
def response_submit(*, actor: User | None, response: PlaceResponse) -> PlaceResponse:
    response = _lock(response)
    _require_lead(actor, response, "submit")
    if response.status == ResponseStatus.SUBMITTED:
        raise ValidationError("This response has already been submitted.")
    _require_editable(response)
    missing = response_missing_items(response=response)
    if missing:
        raise IncompleteResponse(missing)
    response.status = ResponseStatus.SUBMITTED
    response.submitted_at = timezone.now()
    response.submitted_by = actor
    _save_with_history(response, actor, coalesce=False)  # never folded into an edit
    audit_record(
        actor=actor,
        system=response.round.system,
        action="response.submit",
        target=response,
        summary=f"{actor_name(actor)} submitted {response.place.name}'s response to "
        f"{response.round.title}",
    )
    from governance.tasks import response_submitted_email_task

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
    response = _lock(response)
    _require_lead(actor, response, "withdraw")
    if response.status != ResponseStatus.SUBMITTED:
        raise ValidationError("Only a submitted response can be withdrawn.")
    _require_invited(response.round, response.place)
    deadline = response_deadline(round=response.round, place=response.place)
    if timezone.now() >= deadline:
        raise ValidationError(
            f"{_closed_message(response.round, deadline)} The response can no longer be withdrawn."
        )
    response.status = ResponseStatus.WITHDRAWN
    _save_with_history(response, actor, coalesce=False)
    audit_record(
        actor=actor,
        system=response.round.system,
        action="response.withdraw",
        target=response,
        summary=f"{actor_name(actor)} withdrew {response.place.name}'s response to "
        f"{response.round.title} to change it",
    )
    return response


# History --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    at: datetime
    who: User | None
    what: str  # the record and field, in words
    old: str
    new: str
    diff: list[tuple[str, str]]  # ("equal" | "delete" | "insert", text) segments
    anchor: str = ""


_TOKENS = re.compile(r"\s+|[^\s]+")


def text_diff(old: str, new: str) -> list[tuple[str, str]]:
    """A word-level diff: runs of equal, deleted and inserted text."""
    a, b = _TOKENS.findall(old), _TOKENS.findall(new)
    segments: list[tuple[str, str]] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            segments.append(("equal", "".join(a[i1:i2])))
            continue
        if op in {"delete", "replace"}:
            segments.append(("delete", "".join(a[i1:i2])))
        if op in {"insert", "replace"}:
            segments.append(("insert", "".join(b[j1:j2])))
    return segments


RESPONSE_FIELDS = {
    "status": "Status",
    "proposed_option_set": "Proposed options",
    "proposal_case": "The case for the proposal",
}


def _display(model_field: str, value: Any) -> str:
    if value in (None, ""):
        return ""
    if model_field == "status":
        return str(ResponseStatus(value).label)
    if model_field == "proposed_option_set":
        return option_set_label(value)
    return _rating_display(model_field, str(value)) if model_field in RATING_FIELDS else str(value)


def _changes_of(
    records: Iterable[Any],
    key: str,
    fields: dict[str, str],
    describe: Any,
    anchor: Any,
) -> list[Change]:
    """Changes between consecutive history records of each object (records oldest first)."""
    changes: list[Change] = []
    previous: dict[Any, Any] = {}
    for record in records:
        before = previous.get(getattr(record, key))
        previous[getattr(record, key)] = record
        for name, label in fields.items():
            if before is None and name == "status":
                continue  # every response starts as a draft: not a change worth listing
            old = _display(name, getattr(before, name)) if before is not None else ""
            new = _display(name, getattr(record, name))
            if old == new:
                continue
            changes.append(
                Change(
                    at=record.history_date,
                    who=record.history_user,
                    what=f"{describe(record)}: {label}" if describe(record) else label,
                    old=old,
                    new=new,
                    diff=text_diff(old, new),
                    anchor=anchor(record),
                )
            )
    return changes


def response_history(*, response: PlaceResponse) -> list[Change]:
    """Who changed what and when, newest first: the proposal and status, every answer and
    every rating, with a word-level diff of each text."""
    if not response.pk:
        return []
    questions = {q.pk: q for q in response.round.questions.all()}
    options = {
        o.pk: o for o in GovernanceOption.objects.filter(framework_id=response.round.framework_id)
    }
    principles = {
        p.pk: p for p in Principle.objects.filter(framework_id=response.round.framework_id)
    }
    order = ("history_date", "history_id")
    changes = _changes_of(
        response.history.select_related("history_user").order_by(*order),
        "id",
        RESPONSE_FIELDS,
        lambda r: "",
        lambda r: "proposal",
    )
    changes += _changes_of(
        Answer.history.filter(response_id=response.pk)
        .select_related("history_user")
        .order_by(*order),
        "id",
        {"choice": "Chosen answer", "text": "Answer"},
        lambda r: (
            f"Question {questions[r.question_id].order}"
            if r.question_id in questions
            else "A question"
        ),
        lambda r: f"answer-{r.question_id}",
    )
    changes += _changes_of(
        PlaceRating.history.filter(response_id=response.pk)
        .select_related("history_user")
        .order_by(*order),
        "id",
        RATING_LABELS,
        lambda r: (
            f"Option {options[r.option_id].number} against {principles[r.principle_id].short_name}"
        ),
        lambda r: f"rating-{r.option_id}-{r.principle_id}",
    )
    changes.sort(key=lambda c: c.at, reverse=True)
    return changes
