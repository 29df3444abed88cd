"""Governance catalogue and consultation: a small option framework, rounds, responses.
Rounds and responses are made through the services, so their rules apply."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from django.utils import timezone
from factory.django import DjangoModelFactory

from demo.build.consultation import RatingText, proposal_write, response_fill
from demo.build.consultation import answer_write as save_answer
from governance.catalogue.models import (
    AllowedCombination,
    Band,
    GovernanceOption,
    OptionFramework,
    Principle,
    SuggestedRating,
)
from governance.consultation.models import DeadlineExtension
from governance.consultation.response_saves import proposal_save
from governance.consultation.responses import response_get_or_create
from governance.consultation.round_setup import round_create
from partners.models import Place, Role, System, User


def make_framework(*, slug: str = "test-framework") -> Any:
    """A small option framework shaped like the 2021 one: five options, three principles,
    the allowed combinations 1+4, 2+3, 2+4, 3+4, 2+3+4, option 5 alone, a suggested rating
    for every single option against every principle, and both in-context cells of 1+4 (as
    the source has them): option 1 with option 4 MEDIUM, option 4 with option 1 LOW/MEDIUM,
    against every principle."""
    framework = OptionFramework.objects.create(
        slug=slug, name=f"Framework {slug}", source="Test fixture", published_on=date(2021, 6, 1)
    )
    options = [
        GovernanceOption.objects.create(
            framework=framework,
            number=number,
            name=f"Arrangement {number}",
            short_name=f"Arrangement {number}",
            summary="An arrangement.",
            stands_alone=number == 5,
        )
        for number in range(1, 6)
    ]
    principles = [
        Principle.objects.create(
            framework=framework, number=n, name=f"Principle {n} name", short_name=f"Principle {n}"
        )
        for n in range(1, 4)
    ]
    for key in ["1+4", "2+3", "2+4", "3+4", "2+3+4"]:
        AllowedCombination.objects.create(framework=framework, key=key)
    bands = list(Band)
    for option in options:
        number = option.number
        for principle in principles:
            SuggestedRating.objects.create(
                framework=framework,
                option=option,
                option_set=str(number),
                principle=principle,
                band=bands[(number + principle.number) % len(bands)],
                rationale=["A reason from the framework."],
            )
    for option, band in ((options[0], Band.MEDIUM), (options[3], Band.LOW_MEDIUM)):
        for principle in principles:
            SuggestedRating.objects.create(
                framework=framework,
                option=option,
                option_set="1+4",
                principle=principle,
                band=band,
                rationale=[f"Option {option.number} with its partner in 1+4."],
            )
    return framework


def make_round(
    *,
    system: System,
    framework: Any = None,
    questions: list[dict[str, Any]] | None = None,
    days_open: int = 14,
    **kwargs: Any,
) -> Any:
    """An open round (opened yesterday) made through the service, inviting every active
    place of the system unless `invited_places` is given."""
    now = timezone.now()
    return round_create(
        actor=None,
        announce=False,  # a test that wants the opening e-mails queues them itself
        system=system,
        framework=framework or make_framework(slug=f"framework-{system.slug}"),
        title=kwargs.pop("title", "Place governance options 2025"),
        opens_at=kwargs.pop("opens_at", now - timedelta(days=1)),
        closes_at=kwargs.pop("closes_at", now + timedelta(days=days_open)),
        questions=questions,
        **kwargs,
    )


def make_response(*, round: Any, place: Place) -> Any:
    return response_get_or_create(round=round, place=place)


def save_proposal(
    actor: User,
    response: Any,
    option_numbers: list[int],
    case: str,
    *,
    from_version: int | None = None,
) -> Any:
    """The proposal section saved through the service, from the version the person opened:
    `from_version`, or else the version the response is at."""
    return proposal_save(
        actor=actor,
        response=response,
        option_numbers=option_numbers,
        case=case,
        expected_version=response.version if from_version is None else from_version,
    )


def submit_responses(
    *, world: Any, round: Any, places: list[Place], case: Callable[[int, Place], str]
) -> None:
    """Each place's lead (`world.lead_a` in place A, a new lead elsewhere) completes the
    place's response, proposes options 1 and 4 with the case `case(index, place)` and submits
    it."""
    from governance.consultation.responses import response_submit
    from tests.factories.partners import make_member

    for index, place in enumerate(places):
        lead = (
            world.lead_a
            if place == world.place_a
            else make_member(place=place, role=Role.PLACE_LEAD)
        )
        response = complete_response(response=make_response(round=round, place=place), actor=lead)
        response = save_proposal(lead, response, [1, 4], case(index, place))
        response_submit(actor=lead, response=response)


class DeadlineExtensionFactory(DjangoModelFactory):
    """More time for one place, as a row: `round`, `place` and `closes_at` are the test's to
    give, including a deadline the service would refuse."""

    class Meta:
        model = DeadlineExtension

    reason = "Board date"
    granted_by = None


def complete_response(*, response: Any, actor: User) -> Any:
    """Fill every required item of a response, through the services (the first fixed answer
    of each question that has them), and propose options 1 and 4."""
    response_fill(
        actor=actor,
        response=response,
        answer_for=lambda question: (
            f"Our answer to question {question.order}.",
            question.choices[0] if question.choices else None,
        ),
        rating_for=lambda _option, _principle: RatingText(
            band="medium", reasons="Because.", agreement="agree"
        ),
    )
    return proposal_write(
        actor=actor, response=response, option_numbers=[1, 4], case="It suits us."
    )


def round_with_progress(*, world: Any, framework: Any, places: int, title: str) -> Any:
    """An open round over `places` places of `world.system` (its places A and B, and new
    ones), where every place has a response with one answer by `world.member_a` and a day
    more given by `world.icb_admin`: everything a progress board shows."""
    from governance.consultation.rounds import deadline_extend
    from tests.factories.partners import PlaceFactory

    extra = [PlaceFactory(system=world.system) for _ in range(places - 2)]
    consultation = make_round(system=world.system, framework=framework, title=title)
    for place in [world.place_a, world.place_b, *extra]:
        response = make_response(round=consultation, place=place)
        save_answer(world.member_a, response, consultation.questions.first(), "Some words")
        deadline_extend(
            actor=world.icb_admin,
            round=consultation,
            place=place,
            closes_at=consultation.closes_at + timedelta(days=1),
            reason="More time",
        )
    return consultation


def close_round(round: Any) -> Any:
    """The round closed an hour ago (its deadline moved into the past, as if time passed)."""
    from governance.consultation.models import ConsultationRound, RoundStatus

    ConsultationRound.objects.filter(pk=round.pk).update(
        opens_at=timezone.now() - timedelta(days=2),
        closes_at=timezone.now() - timedelta(hours=1),
        status=RoundStatus.CLOSED,
    )
    round.refresh_from_db()
    return round


def compiled_summary(*, round: Any, actor: User | None = None) -> Any:
    """The closed round's feedback summary, compiled through the services here and now (as
    the worker would)."""
    from governance.consultation.feedback import summary_compile, summary_request_compile

    summary = summary_request_compile(actor=actor, round=round)
    summary_compile(summary_id=summary.pk, generation=summary.generation)
    summary.refresh_from_db()
    return summary


def released_summary(*, round: Any, actor: User | None = None, parts: tuple[str, ...] = ()) -> Any:
    """The closed round's summary compiled and each of `parts` (by default both) released to
    the round's audiences for it."""
    from governance.consultation.models import SummaryPart
    from governance.consultation.summary_release import summary_release

    summary = compiled_summary(round=round, actor=actor)
    for part in parts or tuple(SummaryPart):
        summary = summary_release(actor=actor, summary=summary, part=part)
    return summary
