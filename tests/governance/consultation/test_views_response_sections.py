"""The response as an NHS task list: the overview and the status of each section, each
section's page, check your answers, the withdrawal's confirmation page and the condensed
history; who may reach each of them."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.urls import reverse

from demo.build.consultation import RatingText, rating_write
from governance.consultation.models import PlaceResponse, ResponseStatus
from governance.consultation.responses import response_submit
from tests.factories import (
    complete_response,
    make_response,
    make_round,
    save_answer,
    save_proposal,
)
from tests.governance.consultation.test_views_proposal import option_page, urls

pytestmark = pytest.mark.django_db


@pytest.fixture
def consultation(world):
    return make_round(system=world.system)


def task_list(html: str) -> dict[str, str]:
    """Each task list line as the reader sees it: its name and its status."""
    items = re.findall(r'<li class="nhsuk-task-list__item.*?</li>', html, flags=re.S)
    lines = {}
    for item in items:
        name = re.search(r'nhsuk-task-list__name-and-hint">\s*<(?:a|div)[^>]*>(.*?)</', item, re.S)
        status = re.search(r'nhsuk-task-list__status[^"]*"[^>]*>(.*?)</div>', item, re.S)
        assert name and status, item
        lines[unescape(name.group(1)).strip()] = re.sub(r"<[^>]+>", "", status.group(1)).strip()
    return lines


def overview(client, world, consultation) -> dict[str, str]:
    return task_list(client.get(urls(world, consultation, "response")).content.decode())


def rate(world, response, option, principles, **given):
    text = RatingText(**({"band": "high", "reasons": "Reasons", "agreement": "agree"} | given))
    for principle in principles:
        rating_write(
            actor=world.member_a,
            response=response,
            rating=text,
            option=option,
            principle=principle,
            option_set="",
        )


# The overview ----------------------------------------------------------------------------------


def test_a_new_response_has_every_section_not_started_and_submitting_cannot_start_yet(
    client, world, consultation
):
    client.force_login(world.member_a)
    page = client.get(urls(world, consultation, "response")).content.decode()
    assert "<h1>Place governance options 2025</h1>" in page
    assert "You have until" in page and ">Not started</strong>" in page
    assert '<ul class="nhsuk-task-list"' in page
    names = [o.name for o in consultation.framework.options.order_by("number")]
    assert overview(client, world, consultation) == {
        "Your proposal": "Not started",
        **{f"Rate option {n}: {name}": "Not started" for n, name in enumerate(names, 1)},
        "Answer the questions": "Not started",
        "Check and submit": "Cannot start yet",
    }
    # "Check and submit" is not a link until it can start.
    assert f'href="{urls(world, consultation, "check")}" aria-describedby' not in page
    assert "0 of 7 sections completed." in page
    assert not PlaceResponse.objects.exists()


def test_sections_are_in_progress_then_completed(client, world, consultation):
    response = make_response(round=consultation, place=world.place_a)
    framework = consultation.framework
    principles = list(framework.principles.order_by("number"))
    option_1, option_2 = framework.options.get(number=1), framework.options.get(number=2)
    save_proposal(world.member_a, response, [], "Only the case so far.")
    rate(world, response, option_1, principles)  # every cell of option 1
    rate(world, response, option_2, principles[:1])  # one of option 2's three
    save_answer(world.member_a, response, consultation.questions.get(order=2), "An answer")
    client.force_login(world.member_a)
    lines = overview(client, world, consultation)
    assert lines["Your proposal"] == "In progress"
    assert lines[f"Rate option 1: {option_1.name}"] == "Completed"
    assert lines[f"Rate option 2: {option_2.name}"] == "In progress"
    assert lines["Answer the questions"] == "In progress"
    assert lines["Check and submit"] == "Cannot start yet"
    # A rating begun but not finished (no reasons yet) is in progress too.
    option_3 = framework.options.get(number=3)
    rate(world, response, option_3, principles[:1], reasons="")
    assert overview(client, world, consultation)[f"Rate option 3: {option_3.name}"] == (
        "In progress"
    )


def test_when_nothing_is_missing_check_and_submit_can_start_and_after_it_is_completed(
    client, world, consultation
):
    response = complete_response(
        response=make_response(round=consultation, place=world.place_a), actor=world.member_a
    )
    client.force_login(world.lead_a)
    lines = overview(client, world, consultation)
    assert set(lines.values()) == {"Completed", "Not started"}
    assert lines["Check and submit"] == "Not started"
    assert [name for name, status in lines.items() if status != "Completed"] == ["Check and submit"]
    page = client.get(urls(world, consultation, "response")).content.decode()
    assert f'href="{urls(world, consultation, "check")}" aria-describedby' in page
    assert "7 of 7 sections completed." in page
    response_submit(actor=world.lead_a, response=response)
    assert overview(client, world, consultation)["Check and submit"] == "Completed"
    page = client.get(urls(world, consultation, "response")).content.decode()
    assert ">Submitted</strong>" in page


# Who may reach the new pages ---------------------------------------------------------------------


def new_pages(world, consultation, place=None):
    place = place or world.place_a
    args = [place.pk, consultation.pk]
    option = consultation.framework.options.get(number=1)
    return [
        reverse("proposal:response", args=args),
        reverse("proposal:section_proposal", args=args),
        reverse("proposal:section_ratings", args=[*args, option.pk]),
        reverse("proposal:section_questions", args=args),
        reverse("proposal:check", args=args),
    ]


def test_the_place_and_its_icb_admins_read_every_page_others_find_nothing(
    client, world, consultation
):
    for user in [world.member_a, world.lead_a, world.icb_admin]:
        client.force_login(user)
        for url in new_pages(world, consultation):
            assert client.get(url).status_code == 200, (user, url)
    for user in [world.member_b, world.other_icb_admin, world.outsider, world.advisory]:
        client.force_login(user)
        for url in new_pages(world, consultation):
            assert client.get(url).status_code == 404, (user, url)
    client.logout()
    for url in new_pages(world, consultation):
        reply = client.get(url)
        assert reply.status_code == 302 and reply["Location"].startswith(reverse("login"))


def test_a_member_of_another_place_cannot_save_a_section(client, world, consultation):
    question = consultation.questions.get(order=2)
    client.force_login(world.member_b)
    url = urls(world, consultation, "section_questions")
    reply = client.post(
        url, {f"answer-{question.pk}-text": "Not ours", f"answer-{question.pk}-version": "0"}
    )
    assert reply.status_code == 404
    assert not PlaceResponse.objects.exists()


def test_an_option_not_in_the_rounds_framework_has_no_section(client, world, consultation):
    client.force_login(world.member_a)
    assert client.get(urls(world, consultation, "section_ratings", 999999)).status_code == 404


def test_the_check_page_only_accepts_reading(client, world, consultation):
    client.force_login(world.lead_a)
    assert client.post(urls(world, consultation, "check")).status_code == 405
    assert client.post(urls(world, consultation, "response")).status_code == 405


# Section pages ------------------------------------------------------------------------------------


def test_save_and_continue_walks_the_sections_in_order(client, world, consultation):
    client.force_login(world.member_a)
    reply = client.post(
        urls(world, consultation, "section_proposal"),
        {
            "proposal-options": ["1", "4"],
            "proposal-case": "Joint working.",
            "proposal-version": "1",
        },
    )
    assert reply["Location"] == option_page(world, consultation, 1)
    assert PlaceResponse.objects.get().proposed_option_set == "1+4"
    reply = client.post(option_page(world, consultation, 5), {})
    assert reply["Location"] == urls(world, consultation, "section_questions")
    page = client.get(urls(world, consultation, "section_proposal")).content.decode()
    assert "Back to your response" in page
    assert f'<a class="nhsuk-back-link" href="{urls(world, consultation, "response")}"' in page


def test_hostile_text_in_a_section_post_never_fails(client, world, consultation):
    question = consultation.questions.get(order=2)
    key = f"answer-{question.pk}"
    client.force_login(world.member_a)
    for text in ["<b>bold</b>\x00", "x" * 200_000]:
        reply = client.post(
            urls(world, consultation, "section_questions"),
            {f"{key}-text": text, f"{key}-version": "0"},
        )
        assert reply.status_code in {200, 302}
    page = client.get(urls(world, consultation, "check")).content.decode()
    assert "<b>bold</b>" not in page


# Check your answers ------------------------------------------------------------------------------


def test_check_your_answers_shows_every_part_with_a_link_to_change_it(client, world, consultation):
    response = complete_response(
        response=make_response(round=consultation, place=world.place_a), actor=world.member_a
    )
    option_4 = consultation.framework.options.get(number=4)
    principle = consultation.framework.principles.get(number=2)
    rating_write(
        actor=world.member_a,
        response=response,
        rating=RatingText(band="low", reasons="Too thin in context.", agreement="disagree"),
        option=option_4,
        principle=principle,
        option_set="1+4",
    )
    client.force_login(world.lead_a)
    page = client.get(urls(world, consultation, "check")).content.decode()
    assert "<h1>Check your answers before submitting the response</h1>" in page
    assert "It suits us." in page  # the case
    assert "Option 1: " in page and "Option 4: " in page  # the proposed options
    assert "Because." in page and "<strong>MEDIUM</strong>" in page
    # An optional rating in context is listed where it was given.
    assert "Option 4 with option 1 against Principle 2 name" in page
    assert "Too thin in context." in page
    assert "Our answer to question 2." in page
    proposal_page = urls(world, consultation, "section_proposal")
    assert (
        f'<a href="{proposal_page}#proposal-case">Change<span class="nhsuk-u-visually-hidden"> the case for the proposal</span></a>'
        in page
    )
    questions_page = urls(world, consultation, "section_questions")
    question = consultation.questions.get(order=2)
    assert f'href="{questions_page}#answer-{question.pk}-text">Change' in page
    cell = f"rating-{option_4.pk}-{principle.pk}-in-1-4-band"
    assert f'href="{option_page(world, consultation, 4)}#{cell}">Change' in page
    # Only a lead submits, from here.
    assert "Submit Ashford's response" in page
    client.force_login(world.member_a)
    page = client.get(urls(world, consultation, "check")).content.decode()
    assert "Submit Ashford's response" not in page and "Only a place lead can submit" in page
    client.force_login(world.icb_admin)  # reads it, with nothing to change
    page = client.get(urls(world, consultation, "check")).content.decode()
    assert ">Change<" not in page and "It suits us." in page


# Withdrawing -----------------------------------------------------------------------------------


@pytest.fixture
def submitted(world, consultation):
    response = complete_response(
        response=make_response(round=consultation, place=world.place_a), actor=world.member_a
    )
    return response_submit(actor=world.lead_a, response=response)


def test_withdrawing_asks_first_and_a_get_changes_nothing(client, world, consultation, submitted):
    client.force_login(world.lead_a)
    reply = client.get(urls(world, consultation, "withdraw"))
    page = reply.content.decode()
    assert reply.status_code == 200
    assert "<h1>Are you sure you want to withdraw the response?</h1>" in page
    assert "A place lead must submit it again by" in page
    assert 'class="nhsuk-button nhsuk-button--warning"' in page and "Withdraw the response" in page
    assert f'<form method="post" action="{urls(world, consultation, "withdraw")}"' in page
    assert f'<a class="nhsuk-link" href="{urls(world, consultation, "check")}">Cancel</a>' in page
    submitted.refresh_from_db()
    assert submitted.status == ResponseStatus.SUBMITTED
    reply = client.post(urls(world, consultation, "withdraw"))
    assert reply["Location"] == urls(world, consultation, "response")
    submitted.refresh_from_db()
    assert submitted.status == ResponseStatus.WITHDRAWN


def test_only_a_lead_reaches_the_withdrawal(client, world, consultation, submitted):
    for user in [world.member_a, world.icb_admin, world.member_b]:
        client.force_login(user)
        assert client.get(urls(world, consultation, "withdraw")).status_code == 404
        assert client.post(urls(world, consultation, "withdraw")).status_code == 404
    client.logout()
    reply = client.get(urls(world, consultation, "withdraw"))
    assert reply.status_code == 302 and reply["Location"].startswith(reverse("login"))
    submitted.refresh_from_db()
    assert submitted.status == ResponseStatus.SUBMITTED


def test_a_draft_has_nothing_to_withdraw(client, world, consultation):
    make_response(round=consultation, place=world.place_a)
    client.force_login(world.lead_a)
    reply = client.get(urls(world, consultation, "withdraw"), follow=True)
    assert reply.redirect_chain[0][0] == urls(world, consultation, "check") + "#completeness"
    assert "Only a submitted response can be withdrawn." in reply.content.decode()


# History -------------------------------------------------------------------------------------------


def test_the_history_shows_a_change_a_row_with_picked_values_apart(
    client, world, consultation, submitted
):
    client.force_login(world.lead_a)
    page = client.get(urls(world, consultation, "history")).content.decode()
    rows = re.findall(r'<li class="app-history__item">.*?</li>', page, flags=re.S)
    assert len(rows) == page.count('<li class="app-history__item">') > 0
    status = next(r for r in rows if ">Status</h2>" in r)
    assert "Changed from <del>Draft</del> to <ins>Submitted</ins>" in status
    assert "DraftSubmitted" not in re.sub(r"<[^>]+>", "", page)
    case = next(r for r in rows if ">The case for the proposal</h2>" in r)
    assert '<details class="nhsuk-details' in case and "Words added" in case
    assert "It suits us." in case
    assert f'href="{urls(world, consultation, "section_proposal")}#proposal"' in case
    question = consultation.questions.get(order=2)
    answer = next(r for r in rows if ">Question 2: Answer</h2>" in r)
    assert f'href="{urls(world, consultation, "section_questions")}#answer-{question.pk}"' in answer
