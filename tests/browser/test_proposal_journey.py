"""A place responds together in a real browser: a member drafts an answer and autosave says
so, a second member edits another answer, the lead submits; another place's member cannot
find the response; and the page meets no serious accessibility problem."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from governance.consultation.models import Answer, PlaceResponse, ResponseStatus
from tests.browser.conftest import assert_accessible, sign_in
from tests.factories import complete_response, make_member, make_response, make_round

pytestmark = pytest.mark.browser


def test_members_draft_together_and_the_lead_submits(page: Page, live_server, world) -> None:
    consultation = make_round(system=world.system)
    questions = list(consultation.questions.all())
    url = live_server.url + reverse("proposal:response", args=[world.place_a.pk, consultation.pk])

    # Member A finds the round from the place page and drafts an answer.
    sign_in(page, live_server, world.member_a)
    page.goto(live_server.url + reverse("place_detail", args=[world.place_a.pk]))
    page.get_by_role("link", name=consultation.title).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(consultation.title)
    # fill() types the whole answer in one input event: let htmx bind the autosave first.
    page.wait_for_load_state("load")
    first = page.locator(f"#answer-{questions[0].pk}-text")
    first.fill("One model for every place would be simpler to run.")
    status = page.locator(f"#answer-{questions[0].pk}-status")
    try:
        expect(status).to_contain_text("Saved at")
    except AssertionError as error:
        # Say what the browser saw: a refused autosave is otherwise silent.
        raise AssertionError(f"{error}\nbrowser errors: {page.console_errors}") from error  # type: ignore[attr-defined]
    expect(status).to_contain_text(world.member_a.full_name)
    assert_accessible(page)
    assert page.console_errors == []  # type: ignore[attr-defined]

    # A second member edits another answer; the first answer is still there.
    second_member = make_member(place=world.place_a)
    page.context.clear_cookies()
    sign_in(page, live_server, second_member)
    page.goto(url)
    expect(page.locator(f"#answer-{questions[0].pk}-text")).to_have_value(
        "One model for every place would be simpler to run."
    )
    page.locator(f"#answer-{questions[1].pk}-text").fill("The analysis misses workforce.")
    expect(page.locator(f"#answer-{questions[1].pk}-status")).to_contain_text("Saved at")
    assert dict(Answer.objects.values_list("question_id", "text")) == {
        questions[0].pk: "One model for every place would be simpler to run.",
        questions[1].pk: "The analysis misses workforce.",
    }
    expect(page.get_by_text("Only a place lead can submit")).to_be_visible()

    # The rest is completed; the lead submits.
    complete_response(
        response=make_response(round=consultation, place=world.place_a), actor=second_member
    )
    page.context.clear_cookies()
    sign_in(page, live_server, world.lead_a)
    page.goto(url)
    expect(page.get_by_text("Everything required has been given")).to_be_visible()
    page.get_by_role("button", name=f"Submit {world.place_a.name}'s response").click()
    expect(page.get_by_text("has been submitted")).to_be_visible()
    assert PlaceResponse.objects.get().status == ResponseStatus.SUBMITTED
    expect(page.locator("textarea")).to_have_count(0)
    assert_accessible(page)

    # A member of another place is told nothing exists.
    page.context.clear_cookies()
    sign_in(page, live_server, world.member_b)
    response = page.goto(url)
    assert response is not None and response.status == 404
    expect(page.locator("body")).not_to_contain_text("One model for every place")
