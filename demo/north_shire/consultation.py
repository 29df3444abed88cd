"""North Shire's two consultation rounds: this year's, open, with drafts and one submitted
response; and last year's, closed, with every place's response and a released summary."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

from django.utils import timezone

from demo.build.consultation import (
    RatingText,
    answer_write,
    proposal_write,
    rating_write,
    response_fill,
    response_submit_by_lead,
)
from demo.north_shire.sign_ins import demo_user
from governance.catalogue.models import GovernanceOption, OptionFramework, Principle
from governance.catalogue.rules import option_set_numbers
from governance.catalogue.selectors import RatingContext
from governance.consultation import feedback, feedback_review, rounds, summary_release
from governance.consultation.models import PlaceResponse, Question, RedactionKind, SummaryPart
from governance.consultation.responses import response_get_or_create, response_sheet
from governance.consultation.round_setup import round_create
from partners.models import Place, System, User

BANDS = ["low", "low_medium", "medium", "medium_high", "high"]


def _fixed_answer(question: Question, n: int) -> str | None:
    """One of the question's fixed answers, picked by `n`; None where it has none."""
    return question.choices[n % len(question.choices)] if question.choices else None


def _our_view(option: GovernanceOption, principle: Principle, band: str) -> RatingText:
    return RatingText(
        band=band,
        reasons=f"Our partners' view of option {option.number} against "
        f"{principle.short_name.lower()}.",
        agreement="agree" if band != "low" else "partly",
    )


def build_open_round(system: System, places: dict[str, Place], framework: OptionFramework) -> None:
    """An open round on the 2021 design framework, closing in 14 days: partly drafted
    responses from Ashworth and Brackenfield, and a submitted one from Coldharbour."""
    now = timezone.now()
    consultation = round_create(
        actor=demo_user("icb.admin"),
        system=system,
        framework=framework,
        title="Place governance options 2025/26",
        opens_at=now - timedelta(days=3),
        closes_at=now + timedelta(days=14),
        purpose="Tell us which governance arrangement would work best for your place.",
    )
    sheet = response_sheet(round=consultation, response=None)

    def member(place: Place, n: int) -> User:
        return demo_user(f"member{n}.{place.slug}")

    def answer(response: PlaceResponse, actor: User, order: int, text: str) -> None:
        question = sheet.questions[order - 1]
        answer_write(
            actor, response, question, text, choice=_fixed_answer(question, question.order)
        )

    # Ashworth: a proposal of 1+4, two answers and a few ratings.
    ashworth = response_get_or_create(round=consultation, place=places["Ashworth"])
    proposal_write(
        actor=member(ashworth.place, 1),
        response=ashworth,
        option_numbers=[1, 4],
        case="A partnership board keeps every partner at the table, and an individual "
        "director of the ICB decides within clear limits, bringing larger decisions to the "
        "board's partners.",
    )
    answer(ashworth, member(ashworth.place, 1), 1, "No: each place is at a different stage.")
    answer(ashworth, member(ashworth.place, 2), 6, "Options 1 and 4 together.")
    for option in sheet.options[:2]:
        for principle in sheet.principles[:2]:
            rating_write(
                actor=member(ashworth.place, 3),
                response=ashworth,
                option=option,
                principle=principle,
                rating=_our_view(option, principle, "medium"),
            )
    # And, as it proposes 1+4, a start on the board's rating in that combination.
    rating_write(
        actor=member(ashworth.place, 3),
        response=ashworth,
        option=sheet.options[0],
        principle=sheet.principles[0],
        option_set="1+4",
        rating=RatingText(
            band="medium_high",
            reasons="With a director holding the budget, the board decides what is beyond "
            "their limits.",
            agreement="partly",
        ),
    )

    # Brackenfield: only a start on the questions.
    brackenfield = response_get_or_create(round=consultation, place=places["Brackenfield"])
    answer(brackenfield, member(brackenfield.place, 1), 1, "Yes, for simplicity.")
    answer(brackenfield, member(brackenfield.place, 4), 7, "Option 5: too soon for us.")

    # Coldharbour: complete and submitted by its lead.
    coldharbour = response_get_or_create(round=consultation, place=places["Coldharbour"])
    writer = member(coldharbour.place, 1)
    response_fill(
        actor=writer,
        response=coldharbour,
        answer_for=lambda q: (f"Coldharbour's answer {q.order}.", _fixed_answer(q, q.order)),
        rating_for=lambda option, principle: _our_view(
            option, principle, BANDS[(option.number + principle.number) % len(BANDS)]
        ),
    )
    proposal_write(
        actor=writer,
        response=coldharbour,
        option_numbers=[2, 3],
        case="A committee of the ICB with a joint committee suits our large place.",
    )
    response_submit_by_lead(lead=demo_user(f"lead.{coldharbour.place.slug}"), response=coldharbour)


# What each place proposed last year.
LAST_YEARS_PROPOSALS = {
    "Ashworth": [1, 4],
    "Brackenfield": [2, 3],
    "Coldharbour": [2, 3],
    "Dunmore Coast": [1, 4],
    "Elmsworth": [5],
}


def _last_years_view(
    place_name: str, index: int, partner_names: list[str]
) -> Callable[[GovernanceOption, Principle], RatingText]:
    """How the `index`th place rated each cell: three places see each cell the same way;
    the other two differ."""
    shift = 0 if index < 3 else index

    def view(option: GovernanceOption, principle: Principle) -> RatingText:
        band = BANDS[(option.number + principle.number + shift) % len(BANDS)]
        return RatingText(
            band=band,
            reasons=f"{partner_names[index % 3]} sees option {option.number} "
            f"this way for {principle.short_name.lower()}.",
            agreement="agree" if band in {"medium", "medium_high"} else "partly",
            missing_from_analysis=(
                f"How {place_name} Healthwatch would be heard." if principle.number == 3 else ""
            ),
        )

    return view


def _last_years_view_in_context(
    proposal: list[int], index: int, partner_names: list[str]
) -> Callable[[RatingContext, Principle], RatingText | None]:
    """How the `index`th place rated an option in a combination: only in the combinations
    that hold every option it proposed (the optional cells it had a view on)."""

    def view(context: RatingContext, principle: Principle) -> RatingText | None:
        if not set(proposal) <= set(option_set_numbers(context.option_set)):
            return None
        number = context.option.number
        band = BANDS[(number + principle.number + index + 1) % len(BANDS)]
        return RatingText(
            band=band,
            reasons=f"{partner_names[index % 3]} sees option {number} used in "
            f"{context.option_set} this way for {principle.short_name.lower()}.",
            agreement="agree" if band in {"medium", "medium_high"} else "disagree",
        )

    return view


def build_closed_round(
    system: System, places: dict[str, Place], framework: OptionFramework
) -> None:
    """Last year's round, closed: every place submitted a full response whose free text
    names places, partner organisations and people (as real responses do), and its
    anonymised summary was compiled, reviewed (one phrase redacted by hand, one false
    positive kept), approved by a second admin, and released part by part: the high-level
    summary to the advisory and oversight groups, the detailed review to the advisory group."""
    now = timezone.now()
    icb_admin = demo_user("icb.admin")
    today = date.today()
    consultation = round_create(
        actor=icb_admin,
        system=system,
        framework=framework,
        title="Place governance options 2024/25",
        opens_at=now - timedelta(days=60),
        closes_at=now + timedelta(days=1),
        purpose="Which governance arrangement should each place adopt for 2024/25?",
        milestones=[
            {
                "title": "High-level summary to the oversight group",
                "due_on": today - timedelta(days=20),
                "description": "Counts of the options proposed and the ratings.",
                "releases": SummaryPart.HIGH_LEVEL,
            },
            {
                "title": "Detailed review at the advisory group",
                "due_on": today - timedelta(days=6),
                "description": "Option by option, with every place's comments.",
                "releases": SummaryPart.DETAILED,
            },
            {"title": "Extraordinary meeting", "due_on": today + timedelta(days=10)},
            {"title": "Proposals to the board", "due_on": today + timedelta(days=30)},
        ],
    )
    for index, (place_name, place) in enumerate(places.items()):
        lead = demo_user(f"lead.{place.slug}")
        writer = demo_user(f"member1.{place.slug}")
        partner_names = list(
            place.partners.select_related("organisation")
            .order_by("organisation__name")
            .values_list("organisation__name", flat=True)[:3]
        )
        neighbour = list(places)[(index + 1) % len(places)]
        story = (
            f"In {place_name}, {partner_names[0]} and {partner_names[1]} already share a "
            f"budget for intermediate care. {lead.full_name} chairs the partnership and "
            f"{writer.full_name} ({writer.email}, 01632 960{100 + index}) leads the work"
            + (
                ", and the discharge team at Kingsmead General Hospital is part of it. "
                if place_name == "Ashworth"
                else ". "
            )
            + f"We learnt from {neighbour} that a joint committee needs every partner's "
            "scheme of delegation to line up first, as the Royal College of Nursing "
            "guidance says."
        )
        ending = (
            "as the only coastal place, we need our own arrangement."
            if place_name == "Dunmore Coast"
            else f"{partner_names[2]} agrees with this view."
        )
        answers = {
            question.pk: (
                f"{story} Our answer to question {question.order}: {ending}",
                _fixed_answer(question, index) or "",
            )
            for question in consultation.questions.all()
        }
        response = response_get_or_create(round=consultation, place=place)
        response_fill(
            actor=writer,
            response=response,
            answer_for=lambda question: answers[question.pk],  # noqa: B023 - used at once
            rating_for=_last_years_view(place_name, index, partner_names),
            in_context_for=_last_years_view_in_context(
                LAST_YEARS_PROPOSALS[place_name], index, partner_names
            ),
        )
        proposal_write(
            actor=writer,
            response=response,
            option_numbers=LAST_YEARS_PROPOSALS[place_name],
            case=story,
        )
        response_submit_by_lead(lead=lead, response=response)

    rounds.round_close_now(actor=icb_admin, round=consultation)
    consultation.refresh_from_db()
    # The review: one phrase that still singles out a place, one false positive.
    feedback_review.redaction_add(
        actor=icb_admin,
        round=consultation,
        kind=RedactionKind.REDACT,
        phrase="the only coastal place",
    )
    feedback_review.redaction_add(
        actor=icb_admin,
        round=consultation,
        kind=RedactionKind.KEEP,
        phrase="the Royal College of Nursing",
        note="A national body, not the Royal Coldharbour Hospital.",
    )
    summary = feedback.summary_request_compile(actor=icb_admin, round=consultation)
    # Compiled here and now, whether or not a worker is running; the queued job then
    # finds the work done and does nothing.
    feedback.summary_compile(summary_id=summary.pk, generation=summary.generation)
    summary.refresh_from_db()
    # A name was kept, so a second admin checked the choices before anything was released;
    # each part was then released at its own milestone.
    summary_release.summary_approve(actor=demo_user("icb.admin2"), summary=summary)
    for part in SummaryPart:
        summary_release.summary_release(actor=icb_admin, summary=summary, part=part)
