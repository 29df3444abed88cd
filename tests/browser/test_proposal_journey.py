"""A place responds together in a real browser, through the task list: a member drafts an
answer on the questions' page and autosave says so, a refused combination keeps the case
typed with it, a second member edits another answer, a missing item's link lands in its
field, the lead checks the answers and submits, and withdrawing asks first; another place's
member cannot find the response. Every page fits a phone's width and meets no serious
accessibility problem."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from governance.consultation.models import Answer, PlaceResponse, ResponseStatus
from tests.browser.conftest import assert_accessible, sign_in
from tests.factories import complete_response, make_member, make_response, make_round

pytestmark = pytest.mark.browser

CASE = "A joint committee would let the partners decide together."


def assert_fits_and_is_accessible(page: Page) -> None:
    """No horizontal scrolling on a phone (390 px) or the narrowest screen (320 px), and no
    serious accessibility problem; then back to the desktop width."""
    assert_accessible(page)
    for width, height in ((390, 844), (320, 700)):
        page.set_viewport_size({"width": width, "height": height})
        overflow = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
        assert overflow[0] <= overflow[1], f"{page.url} at {width} px: {overflow}"
    page.set_viewport_size({"width": 1280, "height": 900})


def test_members_draft_together_and_the_lead_checks_and_submits(
    page: Page, live_server, world
) -> None:
    consultation = make_round(system=world.system)
    questions = list(consultation.questions.all())
    args = [world.place_a.pk, consultation.pk]
    url = live_server.url + reverse("proposal:response", args=args)
    questions_url = live_server.url + reverse("proposal:section_questions", args=args)

    # Member A finds the round from the place page: the overview, a task list.
    sign_in(page, live_server, world.member_a)
    page.goto(live_server.url + reverse("place_detail", args=[world.place_a.pk]))
    page.get_by_role("link", name=consultation.title).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(consultation.title)
    expect(page.locator(".nhsuk-task-list")).to_contain_text("Cannot start yet")
    assert_fits_and_is_accessible(page)

    # The questions' page: an answer autosaves.
    page.get_by_role("link", name="Answer the questions").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Answer the questions")
    # fill() types the whole answer in one input event: let htmx bind the autosave first.
    page.wait_for_load_state("load")
    first = page.locator(f"#answer-{questions[1].pk}-text")
    first.fill("One model for every place would be simpler to run.")
    status = page.locator(f"#answer-{questions[1].pk}-status")
    try:
        expect(status).to_contain_text("Saved at")
    except AssertionError as error:
        # Say what the browser saw: a refused autosave is otherwise silent.
        raise AssertionError(f"{error}\nbrowser errors: {page.console_errors}") from error  # type: ignore[attr-defined]
    expect(status).to_contain_text(world.member_a.full_name)
    assert_fits_and_is_accessible(page)
    assert page.console_errors == []  # type: ignore[attr-defined]

    # Back on the overview the questions are in progress.
    page.get_by_role("link", name="Back to your response").first.click()
    expect(page.locator(".nhsuk-task-list__item", has_text="Answer the questions")).to_contain_text(
        "In progress"
    )

    # The proposal's page: a combination the framework refuses keeps the case typed with it.
    page.get_by_role("link", name="Your proposal").click()
    page.wait_for_load_state("load")
    for number in (1, 4, 5):
        page.locator(f"#proposal-option-{number}").check()
    page.locator("#proposal-case").fill(CASE)
    proposal_status = page.locator("#proposal-status")
    expect(proposal_status).to_contain_text("Options not saved")
    expect(proposal_status).to_contain_text("stands alone")
    expect(proposal_status).to_contain_text("The case for your proposal has been saved.")
    assert_fits_and_is_accessible(page)
    page.reload()
    expect(page.locator("#proposal-case")).to_have_value(CASE)
    # The refused ticks were not saved; an allowed combination is, from the case's version.
    expect(page.locator("#proposal-option-5")).not_to_be_checked()
    page.locator("#proposal-option-1").check()
    page.locator("#proposal-option-4").check()
    expect(proposal_status).to_contain_text("Saved at")
    stored = PlaceResponse.objects.get()
    assert (stored.proposed_option_set, stored.proposal_case) == ("1+4", CASE)

    # Each option's ratings have a page of their own, without horizontal scrolling.
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Rate option 1")
    assert_fits_and_is_accessible(page)

    # A second member edits another answer; the first answer is still there.
    second_member = make_member(place=world.place_a)
    page.context.clear_cookies()
    sign_in(page, live_server, second_member)
    page.goto(questions_url)
    expect(page.locator(f"#answer-{questions[1].pk}-text")).to_have_value(
        "One model for every place would be simpler to run."
    )
    page.wait_for_load_state("load")
    page.locator(f"#answer-{questions[2].pk}-text").fill("The analysis misses workforce.")
    expect(page.locator(f"#answer-{questions[2].pk}-status")).to_contain_text("Saved at")
    assert dict(Answer.objects.values_list("question_id", "text")) == {
        questions[1].pk: "One model for every place would be simpler to run.",
        questions[2].pk: "The analysis misses workforce.",
    }

    # The lead checks the answers: a missing item's link lands in its field.
    page.context.clear_cookies()
    sign_in(page, live_server, world.lead_a)
    page.goto(live_server.url + reverse("proposal:check", args=args))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Check your answers before submitting the response"
    )
    assert_fits_and_is_accessible(page)
    page.get_by_role("link", name="Answer question 4").click()
    expect(page.locator(f"#answer-{questions[3].pk}-text")).to_be_focused()

    # The rest is completed; the lead submits from check your answers.
    complete_response(
        response=make_response(round=consultation, place=world.place_a), actor=second_member
    )
    page.goto(url)
    expect(page.locator(".nhsuk-task-list__item", has_text="Check and submit")).to_contain_text(
        "Not started"
    )
    page.get_by_role("link", name="Check and submit").click()
    expect(page.get_by_text("Everything required has been given")).to_be_visible()
    assert_fits_and_is_accessible(page)
    page.get_by_role("button", name=f"Submit {world.place_a.name}'s response").click()
    expect(page.get_by_text("has been submitted")).to_be_visible()
    assert PlaceResponse.objects.get().status == ResponseStatus.SUBMITTED
    assert_fits_and_is_accessible(page)
    page.goto(questions_url)
    expect(page.locator("textarea")).to_have_count(0)

    # Withdrawing asks first; cancelling changes nothing.
    page.goto(live_server.url + reverse("proposal:check", args=args))
    page.get_by_role("button", name="Withdraw to change it").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Are you sure you want to withdraw the response?"
    )
    assert_fits_and_is_accessible(page)
    page.get_by_role("link", name="Cancel").click()
    assert PlaceResponse.objects.get().status == ResponseStatus.SUBMITTED
    page.get_by_role("button", name="Withdraw to change it").click()
    page.get_by_role("button", name="Withdraw the response").click()
    expect(page.get_by_text("has been withdrawn")).to_be_visible()
    assert PlaceResponse.objects.get().status == ResponseStatus.WITHDRAWN

    # The history, condensed, fits too.
    page.goto(live_server.url + reverse("proposal:history", args=args))
    expect(page.get_by_text("Changed from Submitted to Withdrawn")).to_be_visible()
    assert_fits_and_is_accessible(page)

    # A member of another place is told nothing exists.
    page.context.clear_cookies()
    sign_in(page, live_server, world.member_b)
    response = page.goto(url)
    assert response is not None and response.status == 404
    response = page.goto(questions_url)
    assert response is not None and response.status == 404
    expect(page.locator("body")).not_to_contain_text("One model for every place")
