"""A place responds to a round on the 2025 operating model in a real browser: a member opens
the response, chooses one delivery archetype (a single choice, since the archetypes stand
alone) with the case for it, rates it against a principle (no suggested rating, so no question
about agreeing with one), answers a question, and the lead submits. Every page fits the
narrowest screen and meets no serious accessibility problem."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from demo.build.consultation import RatingText, response_fill
from governance.catalogue.loader import catalogue_load_all
from governance.catalogue.models import OptionFramework
from governance.consultation.models import Answer, PlaceRating, PlaceResponse, ResponseStatus
from tests.browser.conftest import assert_accessible, sign_in
from tests.factories import make_round

pytestmark = pytest.mark.browser

CASE = "Our community trust already leads the neighbourhood teams and the GPs back it."


def assert_fits_and_is_accessible(page: Page) -> None:
    assert_accessible(page)
    for width, height in ((390, 844), (320, 700)):
        page.set_viewport_size({"width": width, "height": height})
        overflow = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
        assert overflow[0] <= overflow[1], f"{page.url} at {width} px: {overflow}"
    page.set_viewport_size({"width": 1280, "height": 900})


def test_a_member_chooses_an_archetype_and_the_lead_submits(page: Page, live_server, world) -> None:
    catalogue_load_all()
    framework = OptionFramework.objects.get(slug="operating-model-2025")
    consultation = make_round(system=world.system, framework=framework, title="Delivery 2026")
    lead_provider = framework.options.get(number=2)
    devolution = framework.principles.get(number=1)
    questions = list(consultation.questions.all())
    args = [world.place_a.pk, consultation.pk]

    # The member opens the response from the place page and goes to the proposal.
    sign_in(page, live_server, world.member_a)
    page.goto(live_server.url + reverse("place_detail", args=[world.place_a.pk]))
    page.get_by_role("link", name=consultation.title).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(consultation.title)
    page.get_by_role("link", name="Your proposal").click()
    page.wait_for_load_state("load")

    # One archetype, by a radio button: the archetypes stand alone.
    expect(page.get_by_text("Which option do you propose?")).to_be_visible()
    expect(page.locator("input[name=proposal-options][type=checkbox]")).to_have_count(0)
    page.locator("#proposal-option-2").check()
    page.locator("#proposal-case").fill(CASE)
    expect(page.locator("#proposal-status")).to_contain_text("Saved at")
    assert_fits_and_is_accessible(page)
    stored = PlaceResponse.objects.get()
    assert (stored.proposed_option_set, stored.proposal_case) == ("2", CASE)

    # The archetype's ratings: the framework suggests none, so nothing to agree with.
    page.goto(live_server.url + reverse("proposal:section_ratings", args=[*args, lead_provider.pk]))
    page.wait_for_load_state("load")
    expect(page.get_by_text("The framework suggests no rating of this option")).to_be_visible()
    expect(page.get_by_text("The framework gives no suggested rating here.").first).to_be_visible()
    expect(page.get_by_label("Do you agree with the suggested rating?")).to_have_count(0)
    cell = f"rating-{lead_provider.pk}-{devolution.pk}"
    page.locator(f"#{cell}-band").select_option("high")
    page.locator(f"#{cell}-reasons").fill("Decisions sit with the teams closest to people.")
    expect(page.locator(f"#{cell}-status")).to_contain_text("Saved at")
    assert_fits_and_is_accessible(page)
    rating = PlaceRating.objects.get(option=lead_provider, principle=devolution)
    assert (rating.band, rating.agreement) == ("high", "")

    # A question of the framework's own, answered.
    page.goto(live_server.url + reverse("proposal:section_questions", args=args))
    page.wait_for_load_state("load")
    expect(page.get_by_text("How will your neighbourhoods be led")).to_be_visible()
    answer = page.locator(f"#answer-{questions[2].pk}-text")
    answer.fill("Each primary care network leads its neighbourhood.")
    expect(page.locator(f"#answer-{questions[2].pk}-status")).to_contain_text("Saved at")
    assert_fits_and_is_accessible(page)
    assert Answer.objects.get(question=questions[2]).text.startswith("Each primary care")
    assert page.console_errors == []  # type: ignore[attr-defined]

    # The partners complete the rest; the lead checks and submits.
    response_fill(
        actor=world.member_a,
        response=stored,
        answer_for=lambda question: (
            Answer.objects.filter(question=question).values_list("text", flat=True).first()
            or f"Our answer to question {question.order}.",
            question.choices[0] if question.choices else None,
        ),
        rating_for=lambda option, principle: RatingText(
            band="high" if option.number == 2 else "low_medium", reasons="Because.", agreement=""
        ),
    )
    page.context.clear_cookies()
    sign_in(page, live_server, world.lead_a)
    page.goto(live_server.url + reverse("proposal:check", args=args))
    expect(page.get_by_text("Everything required has been given")).to_be_visible()
    expect(page.get_by_text("Option 2: Lead care provider/partnership", exact=True)).to_be_visible()
    expect(page.get_by_text("Agreement with the suggested rating not given")).to_have_count(0)
    assert_fits_and_is_accessible(page)
    page.get_by_role("button", name=f"Submit {world.place_a.name}'s response").click()
    expect(page.get_by_text("has been submitted")).to_be_visible()
    assert PlaceResponse.objects.get().status == ResponseStatus.SUBMITTED
    assert_fits_and_is_accessible(page)
