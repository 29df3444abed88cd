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
    option_set: str = "",
) -> Any:
    """One cell of the ratings grid, the option alone or (`option_set`) in a combination the
    framework rates it in; a new cell is at version 0."""
    return rating_save(
        actor=actor,
        response=response,
        option=option,
        principle=principle,
        option_set=option_set,
        expected_version=expected_version,
        **asdict(rating),
    )


def response_fill(
    *,
    actor: User | None,
    response: PlaceResponse,
    answer_for: Callable[[Any], tuple[str, str | None]],
    rating_for: Callable[[Any, Any], RatingText],
    in_context_for: Callable[[Any, Any], RatingText | None] | None = None,
) -> None:
    """Answer every question (`answer_for(question)` gives the text and the fixed answer)
    and rate every option against every principle, each at the version it has now; with
    `in_context_for(context, principle)`, also the optional cells of an option in a
    combination (a RatingContext) it gives a rating for."""
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
            rated = sheet.rating(option, principle)
            rating_write(
                actor=actor,
                response=response,
                option=option,
                principle=principle,
                rating=rating_for(option, principle),
                expected_version=rated.version if rated else 0,
            )
    for context in sheet.contexts if in_context_for else []:
        for principle in context.principles:
            said = in_context_for(context, principle) if in_context_for else None
            if said is None:
                continue
            rated = sheet.rating(context.option, principle, context.option_set)
            rating_write(
                actor=actor,
                response=response,
                option=context.option,
                principle=principle,
                option_set=context.option_set,
                rating=said,
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
