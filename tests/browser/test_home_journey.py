"""Each role's home page in a real browser says what to do next, fits a desktop and a phone
screen without scrolling sideways, and meets no serious accessibility problem."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from partners.models import Role
from tests.browser.conftest import assert_accessible, sign_in
from tests.factories import PlaceFactory, close_round, make_member, make_round, submit_responses

pytestmark = pytest.mark.browser

WIDTHS = [(1280, 800), (390, 844), (320, 700)]
# Where to save what each width looked like, when asked (HOME_SCREENSHOTS=<folder>).
SCREENSHOTS = os.environ.get("HOME_SCREENSHOTS", "")


def check_at_each_width(page: Page, name: str, next_step: str) -> None:
    for width, height in WIDTHS:
        page.set_viewport_size({"width": width, "height": height})
        page.reload()
        expect(page.locator("main")).to_contain_text(next_step)
        overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{name} scrolls sideways by {overflow}px at {width}px"
        if SCREENSHOTS:
            Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
            page.screenshot(path=f"{SCREENSHOTS}/home-{name}-{width}.png", full_page=True)
        assert_accessible(page)
    assert page.console_errors == []  # type: ignore[attr-defined]


@pytest.fixture
def open_round(world, framework):
    return make_round(
        system=world.system, framework=framework, title="Place governance options 2026"
    )


def test_a_member_is_asked_to_start_their_places_response(
    page: Page, live_server, world, open_round
):
    sign_in(page, live_server, world.member_a)
    expect(page.get_by_role("heading", level=1)).to_have_text("Your places")
    card = page.locator(f"#round-{open_round.pk}-place-{world.place_a.pk}")
    expect(card).to_contain_text("Place governance options 2026")
    expect(card).to_contain_text("Not started")
    check_at_each_width(page, "member", "Start the response")
    card.get_by_role("link", name="Start the response").click()
    expect(page).to_have_url(f"{live_server.url}/places/{world.place_a.pk}/rounds/{open_round.pk}/")


def test_a_lead_sees_what_is_still_missing(page: Page, live_server, world, open_round):
    sign_in(page, live_server, world.lead_a)
    card = page.locator(f"#round-{open_round.pk}-place-{world.place_a.pk}")
    expect(card).to_contain_text("24 required items are still missing")
    expect(card.get_by_role("link", name="Make the case for your proposal")).to_be_visible()
    check_at_each_width(page, "lead", "required items are still missing")


def test_an_advisory_member_is_told_nothing_is_released_yet(page: Page, live_server, world):
    sign_in(page, live_server, world.advisory)
    expect(page.get_by_role("heading", level=1)).to_have_text("Home")
    expect(page.locator("main")).not_to_contain_text("not a member of any place")
    check_at_each_width(page, "advisory", "No feedback summary has been released to you yet.")


def test_an_icb_admin_sees_the_rounds_that_need_them(page: Page, live_server, world, framework):
    places = [world.place_a, world.place_b, PlaceFactory(system=world.system, name="Carrow")]
    closed = make_round(
        system=world.system, framework=framework, title="Options 2025", invited_places=places
    )
    submit_responses(world=world, round=closed, places=places, case=lambda i, p: "It suits us.")
    close_round(closed)
    make_round(system=world.system, framework=framework, title="Options 2026")
    make_member(place=world.place_b, role=Role.PLACE_LEAD)
    sign_in(page, live_server, world.icb_admin)
    main = page.locator("main")
    expect(main).to_contain_text("Options 2026")
    expect(page.locator(f"#act-round-{closed.pk}")).to_contain_text(
        "Closed: compile the feedback summary"
    )
    check_at_each_width(page, "admin", "Consultation rounds that need you")
    page.locator(f"#act-round-{closed.pk}").get_by_role(
        "link", name="Go to the feedback summary"
    ).click()
    expect(page).to_have_url(
        f"{live_server.url}/console/{world.system.slug}/rounds/{closed.pk}/summary/"
    )
