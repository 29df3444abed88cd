"""Saving the parts of a place's response as its members type: an answer, a rating cell and
the proposal. Each part carries an integer `version`: 0 means "not saved yet", and every save
that changes something adds one. A save made from a stale version is refused with both
versions (`EditConflict`) rather than overwriting someone else's work; saving the same words
again changes nothing."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction

from core.locking import ConcurrentEditError
from core.uk_time import uk_time
from governance.catalogue.models import Band, GovernanceOption, Principle
from governance.catalogue.rules import (
    FrameworkRules,
    option_rated_label,
    option_set_label,
    option_set_verdict,
)
from governance.catalogue.selectors import framework_catalogue
from governance.consultation.models import (
    Agreement,
    Answer,
    PlaceRating,
    PlaceResponse,
    Question,
    ResponsePart,
)
from governance.consultation.response_history import (
    RATING_FIELDS,
    RATING_LABELS,
    rating_display,
    save_with_history,
)
from governance.consultation.responses import (
    asks_agreement,
    lock_response,
    may_rate,
    require_editable,
)
from partners.audit import audit_by
from partners.models import User

# Sensible limits for free text that has no limit of its own.
CASE_MAX_LENGTH = 10_000
RATING_TEXT_MAX_LENGTH = 5_000
QUALIFIER_MAX_LENGTH = 200


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


def _save_next_version(part: ResponsePart, actor: User | None) -> None:
    """Save a part of the response one version on, naming who saved it."""
    part.version += 1
    part.updated_by = actor if actor and actor.pk else None
    save_with_history(part, actor)


def _audit_save(
    actor: User | None, response: PlaceResponse, action: str, part: ResponsePart, what: str
) -> None:
    """The audit row of a save: "<who> saved <place>'s <what>"."""
    summary = f"saved {response.place.name}'s {what}"
    audit_by(actor, f"response.{action}", part, summary, system=response.round.system)


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
    response = lock_response(response)
    require_editable(response)
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
    _save_next_version(answer, actor)
    chosen = f': "{choice}"' if choice and choice != current_choice else ""
    what = f"answer to question {question.order}{chosen} (version {answer.version})"
    _audit_save(actor, response, "answer_save", answer, what)
    return answer


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
    option_set: str = "",
) -> PlaceRating:
    """The place's rating of `option` against `principle`, in the context of `option_set`
    (by default the option alone; in a combination, only where the framework rates it, see
    `responses.may_rate`)."""
    option_set = option_set or str(option.number)
    response = lock_response(response)
    require_editable(response)
    framework_id = response.round.framework_id
    if option.framework_id != framework_id or principle.framework_id != framework_id:
        raise ValidationError("That option or principle is not part of this round's framework.")
    catalogue = framework_catalogue(framework=response.round.framework)
    if not may_rate(catalogue, option, principle, option_set):
        raise ValidationError(
            f"This round does not ask for a rating of option {option.number} against "
            f"principle {principle.number} in the context of options {option_set[:40]}: "
            "rate the cells shown on the response page."
        )
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
    if values["agreement"] and not asks_agreement(catalogue, option, principle, option_set):
        raise ValidationError(
            {
                "agreement": [
                    "The framework suggests no rating here, so there is nothing to agree or "
                    "disagree with: leave agreement blank."
                ]
            }
        )
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
        .filter(response=response, option=option, option_set=option_set, principle=principle)
        .first()
    )
    current = {f: getattr(rating, f) if rating else "" for f in RATING_FIELDS}
    current_version = rating.version if rating else 0
    if values == current:
        return rating or PlaceRating(
            response=response, option=option, option_set=option_set, principle=principle, version=0
        )
    if rating is not None and expected_version != current_version:
        raise EditConflict(
            label="rating",
            fields=[
                ConflictField(
                    RATING_LABELS[f],
                    rating_display(f, current[f]),
                    rating_display(f, values[f]),
                )
                for f in RATING_FIELDS
                if current[f] != values[f]
            ],
            version=rating.version,
            by=rating.updated_by,
            at=rating.updated_at,
        )
    if rating is None:
        rating = PlaceRating(
            response=response, option=option, option_set=option_set, principle=principle, version=0
        )
    for name, value in values.items():
        setattr(rating, name, value)
    _save_next_version(rating, actor)
    rated = option_rated_label(option.number, option_set).lower()
    what = f"rating of {rated} against principle {principle.number}"
    _audit_save(actor, response, "rating_save", rating, f"{what} (version {rating.version})")
    return rating


class OptionsRefused(ValidationError):
    """A proposal save whose option set the framework does not allow. The case typed with it
    was saved all the same (`response`, at its new version), so no typing is lost; the
    options stay as they were until an allowed set is chosen."""

    def __init__(self, reasons: list[str], *, response: PlaceResponse) -> None:
        self.response = response
        ValidationError.__init__(self, {"options": reasons})


def proposal_save(
    *,
    actor: User | None,
    response: PlaceResponse,
    option_numbers: Iterable[int],
    case: str,
    expected_version: int,
) -> PlaceResponse:
    """The proposed option set and the case for it. The set must be one the framework
    allows (governance.catalogue.rules decides); an empty set is allowed while drafting. A
    refused set is not saved, but the case typed with it is (then `OptionsRefused` says why
    the set was refused): the two are written in one place and a person fixing the
    combination must not lose what they wrote."""
    saved, refusal = _proposal_save(
        actor=actor,
        response=response,
        option_numbers=option_numbers,
        case=case,
        expected_version=expected_version,
    )
    if refusal:
        # Raised after the save has committed, so the case stays saved.
        raise OptionsRefused(refusal, response=saved)
    return saved


@transaction.atomic
def _proposal_save(
    *,
    actor: User | None,
    response: PlaceResponse,
    option_numbers: Iterable[int],
    case: str,
    expected_version: int,
) -> tuple[PlaceResponse, list[str]]:
    """The save itself, and the reasons the option set was refused (empty if it was not)."""
    response = lock_response(response)
    require_editable(response)
    case = _clean_text(case)
    _check_length(case, CASE_MAX_LENGTH, "The case for your proposal", "case")
    numbers = sorted(set(option_numbers))
    key = ""
    refusal: list[str] = []
    if numbers:
        verdict = option_set_verdict(FrameworkRules.load(response.round.framework), numbers)
        if verdict.allowed:
            key = verdict.key
        else:
            refusal = list(verdict.reasons)
            key = response.proposed_option_set  # kept as it was
    if key == response.proposed_option_set and case == response.proposal_case:
        return response, refusal
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
    _save_next_version(response, actor)
    what = f"proposal ({option_set_label(key)}, version {response.version})"
    _audit_save(actor, response, "proposal_save", response, what)
    return response, refusal
