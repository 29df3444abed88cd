"""Place responses to consultation rounds: answers, ratings, the proposal and the
submission, written through the services as place members write them. Rounds themselves
are made by `governance.consultation.round_setup.round_create`, the one way a round is set up."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from typing import Any

from governance.consultation import responses
from governance.consultation.models import PlaceResponse
from governance.consultation.response_saves import answer_save, proposal_save, rating_save
from partners.models import User


@dataclass(frozen=True)
class RatingText:
    """What a place says of one option against one principle (the fields `rating_save`
    takes besides the cell itself)."""

    band: str
    reasons: str
    agreement: str
    missing_from_analysis: str = ""
    qualifier: str = ""


def answer_write(
    actor: User | None,
    response: PlaceResponse,
    question: Any,
    text: str,
    *,
    choice: str | None = None,
    version: int = 0,
) -> Any:
    """One autosave of an answer, as the response page sends it: `version` is the one the
    page was loaded at (0 for an answer nobody has saved)."""
    return answer_save(
        actor=actor,
        response=response,
        question=question,
        text=text,
        expected_version=version,
        choice=choice,
    )


def rating_write(
    *,
    actor: User | None,
    response: PlaceResponse,
    option: Any,
    principle: Any,
    rating: RatingText,
    expected_version: int = 0,
) -> Any:
    """One cell of the ratings grid; a new cell is at version 0."""
    return rating_save(
        actor=actor,
        response=response,
        option=option,
        principle=principle,
        expected_version=expected_version,
        **asdict(rating),
    )


def response_fill(
    *,
    actor: User | None,
    response: PlaceResponse,
    answer_for: Callable[[Any], tuple[str, str | None]],
    rating_for: Callable[[Any, Any], RatingText],
) -> None:
    """Answer every question (`answer_for(question)` gives the text and the fixed answer)
    and rate every option against every principle, each at the version it has now."""
    sheet = responses.response_sheet(round=response.round, response=response)
    for question in sheet.questions:
        text, choice = answer_for(question)
        existing = sheet.answers.get(question.pk)
        answer_write(
            actor,
            response,
            question,
            text,
            choice=choice,
            version=existing.version if existing else 0,
        )
    for option in sheet.options:
        for principle in sheet.principles:
            rated = sheet.ratings.get((option.pk, principle.pk))
            rating_write(
                actor=actor,
                response=response,
                option=option,
                principle=principle,
                rating=rating_for(option, principle),
                expected_version=rated.version if rated else 0,
            )


def proposal_write(
    *, actor: User | None, response: PlaceResponse, option_numbers: Iterable[int], case: str
) -> PlaceResponse:
    """The proposed option set and the case for it, at the response's current version."""
    response.refresh_from_db()
    return proposal_save(
        actor=actor,
        response=response,
        option_numbers=list(option_numbers),
        case=case,
        expected_version=response.version,
    )


def response_submit_by_lead(*, lead: User, response: PlaceResponse) -> PlaceResponse:
    response.refresh_from_db()
    return responses.response_submit(actor=lead, response=response)
