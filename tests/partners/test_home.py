"""The home page says what to do next, for each role: a place's members see its rounds and
its response, a lead also what is still missing, an advisory group member the summaries
released to them, an ICB admin the rounds that need them."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from core.uk_time import UK
from governance.consultation.responses import response_submit
from governance.consultation.selectors import moment_in_words
from governance.consultation.summary_release import summary_approve
from partners.models import Role
from tests.factories import (
    PlaceFactory,
    close_round,
    compiled_summary,
    complete_response,
    make_member,
    make_response,
    make_round,
    released_summary,
    save_answer,
    submit_responses,
)
from tests.queries import page_query_count

pytestmark = pytest.mark.django_db

NO_ROLE = "You are not a member of any place yet. Ask your ICB governance team to add you"


def home_page(client, user) -> str:
    client.force_login(user)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return response.content.decode()


def uk_at(days: int, hour: int, minute: int = 0) -> datetime:
    """A moment `days` UK days from today, at the given UK time."""
    return datetime.combine(timezone.localdate() + timedelta(days=days), time(hour, minute), UK)


def long_date(days: int) -> str:
    day = timezone.localdate() + timedelta(days=days)
    return f"{day:%A} {day.day} {day:%B %Y}"


def response_url(place, consultation) -> str:
    return reverse("proposal:response", args=[place.pk, consultation.pk])


# Deadlines in words -----------------------------------------------------------------------


NOW = datetime(2025, 10, 1, 9, 30, tzinfo=UK)


@pytest.mark.parametrize(
    ("moment", "words"),
    [
        (
            datetime(2025, 10, 8, 17, 0, tzinfo=UK),
            "Closes on Wednesday 8 October 2025 at 17:00, in 7 days",
        ),
        (
            datetime(2025, 10, 3, 17, 0, tzinfo=UK),
            "Closes on Friday 3 October 2025 at 17:00, in 2 days",
        ),
        (
            datetime(2025, 10, 2, 8, 0, tzinfo=UK),
            "Closes tomorrow, Thursday 2 October 2025, at 08:00",
        ),
        (datetime(2025, 10, 1, 23, 59, tzinfo=UK), "Closes today at 23:59"),
        (datetime(2025, 9, 30, 17, 0, tzinfo=UK), "Closed on Tuesday 30 September 2025 at 17:00"),
        (NOW, "Closed on Wednesday 1 October 2025 at 09:30"),
    ],
)
def test_a_deadline_reads_in_the_right_tense(moment, words):
    assert moment_in_words(moment, now=NOW, future="Closes", past="Closed") == words


# Place members and leads ------------------------------------------------------------------


def test_a_member_sees_the_open_round_its_deadline_and_how_to_start(client, world, framework):
    consultation = make_round(
        system=world.system, framework=framework, title="Options 2026", closes_at=uk_at(5, 17)
    )
    page = home_page(client, world.member_a)
    assert "Options 2026" in page
    assert f"Closes on {long_date(5)} at 17:00, in 5 days" in page
    assert '<strong class="nhsuk-tag nhsuk-tag--grey">Not started</strong>' in page
    assert f'href="{response_url(world.place_a, consultation)}">Start the response' in page
    assert "required item" not in page  # what is missing is for leads
    assert NO_ROLE not in page


def test_a_member_sees_their_place_is_in_progress_and_continues(client, world, framework):
    consultation = make_round(system=world.system, framework=framework)
    response = make_response(round=consultation, place=world.place_a)
    save_answer(world.member_a, response, consultation.questions.first(), "A first thought")
    page = home_page(client, world.member_a)
    assert '<strong class="nhsuk-tag nhsuk-tag--blue">In progress</strong>' in page
    assert f'href="{response_url(world.place_a, consultation)}">Continue the response' in page


def test_a_submitted_response_is_there_to_view(client, world, framework):
    consultation = make_round(system=world.system, framework=framework)
    response = complete_response(
        response=make_response(round=consultation, place=world.place_a), actor=world.lead_a
    )
    response_submit(actor=world.lead_a, response=response)
    page = home_page(client, world.member_a)
    assert '<strong class="nhsuk-tag nhsuk-tag--green">Submitted</strong>' in page
    assert f'href="{response_url(world.place_a, consultation)}">View the response' in page


def test_a_round_that_has_just_closed_says_so(client, world, framework):
    consultation = close_round(make_round(system=world.system, framework=framework))
    page = home_page(client, world.member_a)
    closed = timezone.localtime(consultation.closes_at, UK)
    assert f"Closed on {closed:%A} {closed.day} {closed:%B %Y} at {closed:%H:%M}" in page
    assert f'href="{response_url(world.place_a, consultation)}">View the response' in page


def test_a_round_closed_weeks_ago_is_no_longer_listed(client, world, framework):
    consultation = close_round(make_round(system=world.system, framework=framework, title="Old"))
    type(consultation).objects.filter(pk=consultation.pk).update(
        opens_at=timezone.now() - timedelta(days=60), closes_at=timezone.now() - timedelta(days=30)
    )
    page = home_page(client, world.member_a)
    assert "No consultation round is open for Ashford at the moment." in page
    assert response_url(world.place_a, consultation) not in page


def test_a_scheduled_round_is_listed_with_its_opening(client, world, framework):
    make_round(
        system=world.system,
        framework=framework,
        title="Options 2027",
        opens_at=uk_at(3, 9),
        closes_at=uk_at(20, 17),
    )
    page = home_page(client, world.member_a)
    assert "<h3>Coming up</h3>" in page
    assert f"<strong>Options 2027</strong>: Opens on {long_date(3)} at 09:00, in 3 days." in page
    assert f"It closes on {long_date(20)} at 17:00." in page
    assert "Start the response" not in page


def test_a_place_given_more_time_sees_its_own_deadline(client, world, framework):
    from governance.consultation.rounds import deadline_extend

    consultation = make_round(system=world.system, framework=framework, closes_at=uk_at(2, 17))
    deadline_extend(
        actor=world.icb_admin,
        round=consultation,
        place=world.place_a,
        closes_at=uk_at(9, 12),
        reason="Board meets late",
    )
    page = home_page(client, world.member_a)
    assert f"Closes on {long_date(9)} at 12:00, in 9 days (the ICB gave Ashford more time)" in page


def test_a_member_does_not_see_another_places_or_another_systems_round(client, world, framework):
    make_round(
        system=world.system,
        framework=framework,
        title="Only for Brookfield",
        invited_places=[world.place_b],
    )
    PlaceFactory(system=world.other_system, name="Farther Vale")
    make_round(system=world.other_system, framework=framework, title="South Vale round")
    page = home_page(client, world.member_a)
    assert "Only for Brookfield" not in page
    assert "South Vale round" not in page
    assert "Farther Vale" not in page
    assert "No consultation round is open for Ashford at the moment." in page


def test_a_lead_sees_what_is_still_missing_before_they_can_submit(client, world, framework):
    consultation = make_round(system=world.system, framework=framework)
    url = response_url(world.place_a, consultation)
    page = home_page(client, world.lead_a)
    assert "24 required items are still missing:" in page
    assert f'<a href="{url}#proposal-options">Choose the option or options you propose</a>' in page
    assert f'<a href="{url}#proposal-case">Make the case for your proposal</a>' in page
    option_1 = consultation.framework.options.get(number=1)
    principle_1 = consultation.framework.principles.get(number=1)
    assert (
        f'<a href="{url}#rating-{option_1.pk}-{principle_1.pk}">Option 1 (Arrangement 1) against '
        "Principle 1: give a rating, your reasons and whether you agree with the suggested "
        "rating</a>"
    ) in page
    assert "Answer question 2" not in page  # only the first three are named
    assert f'<a href="{url}">See everything still missing' in page
    assert f'href="{url}">Start the response' in page


def test_a_lead_whose_response_is_complete_is_told_they_can_submit(client, world, framework):
    consultation = make_round(system=world.system, framework=framework)
    complete_response(
        response=make_response(round=consultation, place=world.place_a), actor=world.member_a
    )
    page = home_page(client, world.lead_a)
    assert "Nothing: every required item is complete, so you can submit the response." in page
    assert f'href="{response_url(world.place_a, consultation)}">Continue the response' in page


def test_a_person_in_two_places_sees_each_places_rounds(client, world, framework):
    make_member(place=world.place_b, user=world.member_a)
    make_round(system=world.system, framework=framework, title="Everyone", closes_at=uk_at(4, 17))
    page = home_page(client, world.member_a)
    assert page.count("Start the response") == 2
    assert f'id="place-{world.place_a.pk}-heading">Ashford</h2>' in page
    assert f'id="place-{world.place_b.pk}-heading">Brookfield</h2>' in page


# Advisory and oversight group members -----------------------------------------------------


def test_an_advisory_member_is_told_nothing_is_released_yet(client, world):
    page = home_page(client, world.advisory)
    assert "No feedback summary has been released to you yet." in page
    assert NO_ROLE not in page
    assert "You are not a member of any place" not in page
    assert f'href="{reverse("feedback:summaries", args=[world.system.slug])}"' in page


def test_an_advisory_member_sees_each_summary_released_to_them(client, world, framework):
    places = [world.place_a, world.place_b, PlaceFactory(system=world.system, name="Carrow")]
    consultation = make_round(
        system=world.system, framework=framework, title="Options 2026", invited_places=places
    )
    submit_responses(world=world, round=consultation, places=places, case=lambda i, p: "Fine.")
    released_summary(round=close_round(consultation), actor=world.icb_admin)
    link = reverse("feedback:summary", args=[world.system.slug, consultation.pk])
    advisory = home_page(client, world.advisory)
    assert f'<a href="{link}">Options 2026</a>' in advisory
    assert "High-level summary and Detailed review, released on" in advisory
    # The oversight group receives only the high-level summary.
    oversight = home_page(client, world.oversight)
    assert f'<a href="{link}">Options 2026</a>' in oversight
    assert "High-level summary, released on" in oversight
    assert "Detailed review" not in oversight


def test_a_summary_of_another_system_is_not_listed(client, world, framework):
    other_places = [PlaceFactory(system=world.other_system) for _ in range(3)]
    consultation = make_round(
        system=world.other_system,
        framework=framework,
        title="South Vale options",
        invited_places=other_places,
    )
    for place in other_places:
        lead = make_member(place=place, role=Role.PLACE_LEAD)
        response_submit(
            actor=lead,
            response=complete_response(
                response=make_response(round=consultation, place=place), actor=lead
            ),
        )
    released_summary(round=close_round(consultation), actor=world.other_icb_admin)
    page = home_page(client, world.advisory)
    assert "South Vale options" not in page
    assert "No feedback summary has been released to you yet." in page


# ICB admins -------------------------------------------------------------------------------


def three_submitted(world, framework, title: str):
    places = [world.place_a, world.place_b, PlaceFactory(system=world.system)]
    consultation = make_round(
        system=world.system, framework=framework, title=title, invited_places=places
    )
    submit_responses(
        world=world, round=consultation, places=places, case=lambda i, p: "We meet at the old mill."
    )
    return consultation


def test_an_admin_sees_open_rounds_with_how_many_places_have_submitted(client, world, framework):
    consultation = make_round(
        system=world.system, framework=framework, title="Options 2026", closes_at=uk_at(6, 17)
    )
    submit_responses(
        world=world, round=consultation, places=[world.place_a], case=lambda i, p: "Fine."
    )
    page = home_page(client, world.icb_admin)
    card = page.split(f'id="act-round-{consultation.pk}"', 1)[1].split("</dl>", 1)[0]
    assert "Options 2026" in card
    assert "1 of 2" in card
    assert f"Closes on {long_date(6)} at 17:00, in 6 days" in card
    assert "Open: follow each place’s progress" in card
    progress = reverse("console:round", args=[world.system.slug, consultation.pk]) + "#progress"
    assert f'href="{progress}"' in page
    assert f'href="{reverse("console:dashboard", args=[world.system.slug])}"' in page
    assert NO_ROLE not in page


def test_an_admin_is_told_which_summaries_need_them(client, world, framework, second_icb_admin):
    from governance.consultation.feedback_review import redaction_add
    from governance.consultation.models import RedactionKind

    to_compile = close_round(three_submitted(world, framework, "To compile"))
    to_release = close_round(three_submitted(world, framework, "To release"))
    compiled_summary(round=to_release, actor=world.icb_admin)
    to_approve = close_round(three_submitted(world, framework, "To approve"))
    redaction_add(
        actor=world.icb_admin,
        round=to_approve,
        kind=RedactionKind.REDACT,
        phrase="the old mill",
    )
    compiled_summary(round=to_approve, actor=world.icb_admin)
    released = close_round(three_submitted(world, framework, "Released"))
    released_summary(round=released, actor=world.icb_admin)
    page = home_page(client, world.icb_admin)

    def next_step(consultation) -> str:
        card = page.split(f'id="act-round-{consultation.pk}"', 1)[1].split("</dl>", 1)[0]
        return card.split("Next step</dt>", 1)[1].split("</dd>", 1)[0].split(">", 1)[1]

    assert next_step(to_compile) == "Closed: compile the feedback summary"
    assert next_step(to_release) == "The feedback summary is ready to release"
    assert next_step(to_approve) == (
        "The feedback summary awaits a second ICB admin’s review and approval"
    )
    assert f'id="act-round-{released.pk}"' not in page
    summary = reverse("console:summary", args=[world.system.slug, to_compile.pk])
    assert f'href="{summary}">Go to the feedback summary' in page
    # Once approved, the summary is ready to release.
    summary_approve(actor=second_icb_admin, summary=to_approve.feedback_summary)
    page = home_page(client, world.icb_admin)
    assert next_step(to_approve) == "The feedback summary is ready to release"


def test_an_admin_does_not_see_another_systems_rounds(client, world, framework):
    make_round(system=world.other_system, framework=framework, title="South Vale round")
    page = home_page(client, world.icb_admin)
    assert "South Vale round" not in page
    assert "No consultation round needs you at the moment" in page


def test_someone_with_no_role_is_told_who_can_give_them_one(client, world):
    page = home_page(client, world.outsider)
    assert NO_ROLE in page
    assert "Feedback summaries released to you" not in page
    assert "Consultation rounds that need you" not in page


# Queries stay flat ------------------------------------------------------------------------


def _grow(world, framework, rounds: int) -> None:
    """`rounds` open rounds, each with a started response from place A."""
    for n in range(rounds):
        consultation = make_round(system=world.system, framework=framework, title=f"Round {n}")
        response = make_response(round=consultation, place=world.place_a)
        save_answer(world.member_a, response, consultation.questions.first(), "Words")


@pytest.mark.parametrize("who", ["member_a", "lead_a", "icb_admin", "advisory"])
def test_home_queries_stay_flat_as_rounds_grow(client, world, framework, who):
    client.force_login(getattr(world, who))
    _grow(world, framework, 1)
    client.get(reverse("home"))  # the framework's catalogue is read once per process
    one = page_query_count(client, reverse("home"))
    _grow(world, framework, 4)
    five = page_query_count(client, reverse("home"))
    assert one == five


def test_a_place_with_no_partners_says_none_have_been_added(client, world):
    """Not "0 organisations:" with nothing after the colon."""
    page = home_page(client, world.member_a)
    assert "None added yet" in page
    assert "0 organisations:" not in page
