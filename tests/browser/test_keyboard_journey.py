"""Keyboard alone, in a real browser: a place lead signs in, writes the place's response
(proposal, every rating, the answers), checks it and submits it; an advisory group member
signs in, finds a released feedback summary and downloads its files. Nothing is clicked: only
Tab, Shift+Tab, Enter, Space, arrow keys and typing. Every control the journeys pass through
must show where the focus is, and the skip link must take the focus to the main content."""

from __future__ import annotations

import csv
import io
import re
from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from governance.consultation.models import Answer, PlaceRating, PlaceResponse, ResponseStatus
from governance.consultation.questions import SAME_MODEL_CHOICES
from partners.models import User
from tests.browser.conftest import assert_accessible
from tests.browser.test_feedback_journey import (
    compiled_consultation,
    docx_text,
    watch_htmx_refusals,
)
from tests.conftest import World
from tests.factories import PASSWORD, make_round

pytestmark = pytest.mark.browser

# What has the focus, whether it matches what the test is looking for, and whether the page
# shows it. NHS.UK frontend draws the focus as a box shadow or an outline on the control
# itself; for its (visually hidden) checkboxes and radios on the label's ::before, and for a
# details summary on the summary's text.
FOCUS_STATE = """([selector, text]) => {
    const element = document.activeElement;
    if (!element || element === document.body) {
        return {matches: false, shown: false, description: "<body> (the focus is lost)"};
    }
    const drawn = (node, pseudo) => {
        const style = getComputedStyle(node, pseudo);
        if (style.boxShadow && style.boxShadow !== "none") return true;
        const transparent = style.outlineColor === "transparent" || /,\\s*0\\)$/.test(style.outlineColor);
        return style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0 && !transparent;
    };
    let shown = drawn(element, null);
    if (!shown && element.matches("input[type=checkbox], input[type=radio]") && element.labels.length) {
        shown = drawn(element.labels[0], "::before");
    }
    if (!shown && element.matches("summary")) {
        shown = Array.from(element.children).some((child) => drawn(child, null));
    }
    const label = (element.innerText || element.value || "").trim().replace(/\\s+/g, " ").slice(0, 60);
    const matches = element.matches(selector) && (!text || (element.innerText || "").trim().startsWith(text));
    return {
        matches,
        shown,
        description: `<${element.tagName.toLowerCase()}${element.id ? "#" + element.id : ""}> ${label}`,
    };
}"""


# A file of the detailed review, which holds each place's anonymised words.
DETAILED_FILE = 'a[download][href*="/download/detailed/"]'


def tab_to(
    page: Page, selector: str, *, text: str | None = None, backwards: bool = False, limit: int = 150
) -> None:
    """Press Tab (or Shift+Tab) until the focused element matches `selector` (and starts with
    `text`), failing if the focus is ever lost to the page or not shown, or never arrives."""
    key = "Shift+Tab" if backwards else "Tab"
    passed: list[str] = []
    for _ in range(limit):
        page.keyboard.press(key)
        state = page.evaluate(FOCUS_STATE, [selector, text])
        if not state["shown"]:
            pytest.fail(f"the focus is not visible on {state['description']} ({page.url})")
        if state["matches"]:
            return
        passed.append(state["description"])
    pytest.fail(
        f"{key} never reached {selector} {text or ''} on {page.url}; passed: {passed[-15:]}"
    )


def focused_id(page: Page) -> str:
    return page.evaluate("() => document.activeElement ? document.activeElement.id : ''")


def skip_to_main_content(page: Page) -> None:
    """The first Tab on a fresh page shows the skip link; Enter puts the focus on <main>."""
    page.keyboard.press("Tab")
    skip_link = page.locator(".nhsuk-skip-link")
    expect(skip_link).to_be_focused()
    expect(skip_link).to_have_text("Skip to main content")
    box = skip_link.bounding_box()
    assert box is not None and box["width"] > 10 and box["height"] > 10, "skip link not shown"
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()
    assert focused_id(page) == "maincontent"


def follow_link(page: Page, text: str) -> None:
    """Tab to a link in the main content by its text and follow it with Enter."""
    tab_to(page, "a", text=text)
    with page.expect_navigation():
        page.keyboard.press("Enter")


def sign_in_by_keyboard(
    page: Page, live_server: Any, user: User, home_heading: str = "Your places"
) -> None:
    page.goto(live_server.url + reverse("login"))
    # The sign-in form may put the focus in its first field itself.
    if not page.evaluate("() => document.activeElement.matches('input[name=username]')"):
        tab_to(page, "input[name=username]")
    page.keyboard.type(user.email)
    tab_to(page, "input[name=password]")
    page.keyboard.type(PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(home_heading)


# The place lead's response ---------------------------------------------------------------------

QUESTIONS: list[dict[str, Any]] = [
    {"text": "Should every place use the same governance model?", "choices": SAME_MODEL_CHOICES},
    {"text": "Which option would work best for your place? Why?"},
    {"text": "Anything else to add?", "required": False},
]
CASE = "A joint committee with a partnership board keeps every partner at the table."
BANDS_DOWN = 3  # ArrowDown three times from "Choose a rating": MEDIUM


def save_and_continue(page: Page) -> None:
    tab_to(page, "button", text="Save and continue")
    with page.expect_navigation():
        page.keyboard.press("Enter")


def rate_by_keyboard(page: Page, cell_id: str | None, down: int, number: int) -> None:
    """A rating cell filled from the keyboard: the band `down` steps into its list, a reason,
    and agreement with the suggestion."""
    band = {BANDS_DOWN: "medium", BANDS_DOWN + 1: "medium_high"}[down]
    tab_to(page, f"#{cell_id}-band")
    for _ in range(down):
        page.keyboard.press("ArrowDown")
    expect(page.locator(f"#{cell_id}-band")).to_have_value(band)
    tab_to(page, f"#{cell_id}-reasons")
    page.keyboard.type(f"Reason {number}.")
    tab_to(page, f"#{cell_id}-agreement")
    page.keyboard.press("ArrowDown")
    expect(page.locator(f"#{cell_id}-agreement")).to_have_value("agree")


def test_place_lead_writes_and_submits_the_response_by_keyboard(
    page: Page, live_server: Any, world: World
) -> None:
    consultation = make_round(system=world.system, questions=QUESTIONS)
    refused = watch_htmx_refusals(page)

    sign_in_by_keyboard(page, live_server, world.lead_a)
    assert_accessible(page)
    skip_to_main_content(page)
    follow_link(page, f"About {world.place_a.name}")
    expect(page.get_by_role("heading", level=1)).to_have_text(world.place_a.name)

    skip_to_main_content(page)
    follow_link(page, consultation.title)
    expect(page.get_by_role("heading", level=1)).to_have_text(consultation.title)
    assert_accessible(page)

    # The task list: the proposal first.
    skip_to_main_content(page)
    follow_link(page, "Your proposal")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your proposal")
    assert_accessible(page)

    # Options 1 and 4 (a combination the framework allows), then the case.
    skip_to_main_content(page)
    tab_to(page, "#proposal-option-1")
    page.keyboard.press("Space")
    expect(page.locator("#proposal-option-1")).to_be_checked()
    tab_to(page, "#proposal-option-4")
    page.keyboard.press("Space")
    expect(page.locator("#proposal-option-4")).to_be_checked()
    tab_to(page, "#proposal-case")
    page.keyboard.type(CASE)
    expect(page.locator("#proposal-status")).to_contain_text("Saved at")
    save_and_continue(page)

    # Each option's page: every principle gets a band from the list, reasons, and whether
    # the suggestion is right. On option 1's page the first rating in combination (option 1
    # with option 4, folded away as optional) is opened and rated too.
    rated = 0
    for number in range(1, 6):
        expect(page.get_by_role("heading", level=1)).to_have_text(
            re.compile(rf"^Rate option {number}: ")
        )
        cells = page.locator(".app-rating:not(.app-rating--optional)")
        assert cells.count() == 3
        # "Saved at …" takes the focus on arrival, so Tab goes on from it into the form.
        expect(page.get_by_role("alert")).to_be_focused()
        for index in range(cells.count()):
            rated += 1
            rate_by_keyboard(page, cells.nth(index).get_attribute("id"), BANDS_DOWN, rated)
        if number == 1:
            tab_to(page, "summary", text="Option 1 with option 4")
            page.keyboard.press("Enter")
            optional = page.locator(".app-rating--optional").first.get_attribute("id")
            rate_by_keyboard(page, optional, BANDS_DOWN + 1, rated + 1)
            expect(page.locator(f"#{optional}-status")).to_contain_text("Saved at")
        assert_accessible(page)
        save_and_continue(page)

    # The questions: a fixed answer chosen with the arrow keys, then the written answer.
    expect(page.get_by_role("heading", level=1)).to_have_text("Answer the questions")
    questions = list(consultation.questions.order_by("order"))
    choice_key = f"answer-{questions[0].pk}"
    tab_to(page, f"#{choice_key}-choice-1")
    page.keyboard.press("ArrowDown")
    expect(page.locator(f"#{choice_key}-choice-2")).to_be_checked()
    expect(page.locator(f"#{choice_key}-choice-2")).to_be_focused()
    tab_to(page, f"#answer-{questions[1].pk}-text")
    page.keyboard.type("Options 1 and 4 together.")
    save_and_continue(page)

    # Check your answers: everything is saved and nothing required is missing.
    expect(page.locator("#completeness")).to_contain_text("Everything required has been given")
    assert_accessible(page)
    response = PlaceResponse.objects.get(round=consultation, place=world.place_a)
    assert response.proposed_option_set == "1+4"
    assert response.proposal_case == CASE
    assert (
        PlaceRating.objects.filter(response=response, band="medium", agreement="agree").count()
        == 15
    )
    in_context = PlaceRating.objects.get(response=response, option_set="1+4")
    assert (in_context.option.number, in_context.band) == (1, "medium_high")
    assert Answer.objects.get(question=questions[0]).choice == SAME_MODEL_CHOICES[1]

    tab_to(page, "button", text=f"Submit {world.place_a.name}'s response")
    with page.expect_navigation():
        page.keyboard.press("Enter")

    # Back on the overview, the success banner takes the focus, so it is read out first and
    # Tab goes on from it.
    banner = page.get_by_role("alert")
    expect(banner).to_contain_text(f"{world.place_a.name}'s response has been submitted")
    expect(banner).to_be_focused()
    expect(page.locator(".nhsuk-summary-list__value .nhsuk-tag")).to_have_text("Submitted")
    expect(page.locator("#check-hint")).to_contain_text(f"Submitted by {world.lead_a.full_name}")
    assert_accessible(page)
    response.refresh_from_db()
    assert response.status == ResponseStatus.SUBMITTED
    assert response.submitted_by == world.lead_a

    # The submitted answers, and the way to withdraw, are a link away.
    follow_link(page, "Check and submit")
    expect(page.locator("textarea")).to_have_count(0)
    tab_to(page, "a", text="Withdraw to change it")

    assert page.console_errors == []  # type: ignore[attr-defined]
    assert refused == [], f"HTMX requests the app refused: {refused}"


# The advisory group's download -----------------------------------------------------------------


def test_advisory_member_downloads_a_released_summary_by_keyboard(
    page: Page, live_server: Any, world: World
) -> None:
    consultation = compiled_consultation(world)

    sign_in_by_keyboard(page, live_server, world.advisory, home_heading="Home")
    skip_to_main_content(page)
    follow_link(page, "Read the released feedback summaries")
    expect(page.get_by_role("heading", level=1)).to_have_text("Feedback summaries")
    assert_accessible(page)

    skip_to_main_content(page)
    follow_link(page, consultation.round.title)
    expect(page.get_by_role("heading", level=1)).to_have_text(consultation.round.title)
    assert_accessible(page)

    # The detailed review's CSV: past the summary's heading and the high-level summary's
    # files, straight to it.
    skip_to_main_content(page)
    tab_to(page, DETAILED_FILE, text="CSV")
    with page.expect_download() as download_info:
        page.keyboard.press("Enter")
    download = download_info.value
    assert download.suggested_filename.endswith(".csv"), download.suggested_filename
    rows = list(csv.reader(io.StringIO(download.path().read_bytes().decode("utf-8-sig"))))
    text = "\n".join(",".join(row) for row in rows)
    assert len(rows) > 1, text
    assert "Place A" in text
    for name in consultation.names:
        assert name not in text, f"the CSV file names {name!r}"

    # Its Word file is listed just before the CSV: Shift+Tab back to it.
    tab_to(page, DETAILED_FILE, text="Word (DOCX)", backwards=True)
    with page.expect_download() as download_info:
        page.keyboard.press("Enter")
    download = download_info.value
    assert download.suggested_filename.endswith(".docx"), download.suggested_filename
    words = docx_text(download.path().read_bytes())
    assert "Place A" in words
    assert "[organisation]" in words
    for name in consultation.names:
        assert name not in words, f"the Word file names {name!r}"

    # Still on the summary page, the focus on the link that was used.
    expect(page.get_by_role("heading", level=1)).to_have_text(consultation.round.title)
    expect(page.locator(DETAILED_FILE, has_text="Word (DOCX)")).to_be_focused()
    assert page.console_errors == []  # type: ignore[attr-defined]
