"""The combination explorer in a real browser: ticking options updates the verdict, the
ratings and the risks in place (no page load), and the catalogue pages meet WCAG 2.2 AA."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from governance.catalogue.loader import catalogue_load_all
from tests.browser.conftest import assert_accessible, sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def catalogue(transactional_db: None) -> None:
    # live_server tests flush the database between tests, migrated data included.
    catalogue_load_all()


def test_ticking_options_updates_the_verdict_without_a_reload(
    page: Page, live_server, world, catalogue
) -> None:
    sign_in(page, live_server, world.member_a)
    page.goto(live_server.url + reverse("governance:explorer"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Combination explorer")
    page.evaluate("() => { window.stillTheSamePage = true; }")
    result = page.locator("#explorer-result")
    expect(result).to_have_attribute("aria-live", "polite")

    page.get_by_label("Option 1: Place partnership board (consultative forum)").check()
    expect(result).to_contain_text("Allowed")
    expect(result).to_contain_text("LOW/MEDIUM")
    page.get_by_label("Option 4: Individual director with delegated authority").check()
    expect(result).to_contain_text("1. Partnership board with 4. Individual director")
    expect(result).to_contain_text("Allowed")
    # Each option of the combination rated in the context of the other, by the source.
    tables = result.locator("table")
    expect(tables).to_have_count(2)
    expect(tables.nth(0)).to_contain_text("Suggested ratings: Option 1 with option 4")
    expect(tables.nth(0)).to_contain_text("Collective decision-making")
    expect(tables.nth(0)).to_contain_text("MEDIUM")
    expect(tables.nth(1)).to_contain_text("Suggested ratings: Option 4 with option 1")
    expect(tables.nth(1)).to_contain_text("LOW/MEDIUM")
    expect(result).to_contain_text("Risks to weigh")
    assert page.url.endswith("?options=1&options=4")

    page.get_by_label("Option 2: Committee of the ICB").check()
    expect(result).to_contain_text("Not allowed")
    expect(result).to_contain_text("can be combined only with option 4")
    expect(result).not_to_contain_text("Risks to weigh")

    assert page.evaluate("() => window.stillTheSamePage === true"), "the page was reloaded"
    assert_accessible(page)
    assert page.console_errors == []  # type: ignore[attr-defined]


def test_five_with_anything_says_it_stands_alone(page: Page, live_server, world, catalogue) -> None:
    sign_in(page, live_server, world.member_a)
    page.goto(live_server.url + reverse("governance:explorer") + "?options=3")
    page.get_by_label("Option 5: Lead provider contract").check()
    expect(page.locator("#explorer-result")).to_contain_text(
        "Option 5 (Lead provider) stands alone"
    )


def test_the_matrix_and_explorer_are_accessible(page: Page, live_server, world, catalogue) -> None:
    sign_in(page, live_server, world.member_a)
    page.goto(live_server.url + reverse("governance:ratings"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Suggested ratings")
    expect(page.locator("main")).to_contain_text("No suggested rating in the source")
    assert_accessible(page)
    page.goto(live_server.url + reverse("governance:explorer") + "?options=2&options=4")
    expect(page.locator("#explorer-result")).to_contain_text("Allowed")
    assert_accessible(page)
    assert page.console_errors == []  # type: ignore[attr-defined]
