"""How a place delivers care, in a real browser, at a desktop width and at 320 px.

The place lead opens the place's delivery overview from the place page, records that the
place follows the lead care provider archetype with a capitated budget (each archetype shows
who holds each function beside its radio), then records the trust as holding the integrator
function, and sees both on the overview. Every page on the way meets no serious
accessibility problem, scrolls no sideways at 320 px and logs no error."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from governance.delivery.models import DeliveryArrangement, FunctionHolding
from partners.models import Sector
from tests.browser.conftest import assert_accessible, sign_in
from tests.conftest import World
from tests.factories import (
    LEAD_CARE_PROVIDER,
    CommitteeFactory,
    archetype,
    make_archetypes_framework,
    partner_in,
)

pytestmark = pytest.mark.browser

TRUST = "Ashford and District Hospitals NHS Foundation Trust"
WIDTHS = [(1280, 800), (320, 700)]


def assert_fits(page: Page) -> None:
    overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{page.url} scrolls sideways by {overflow}px"


def check_page(page: Page) -> None:
    assert_accessible(page)
    assert_fits(page)


@pytest.mark.parametrize(("width", "height"), WIDTHS)
def test_the_lead_records_the_archetype_and_a_function_holder(
    page: Page, live_server: Any, world: World, width: int, height: int
) -> None:
    make_archetypes_framework()
    place = world.place_a
    partner_in(place, name="Ashford County Council", sector=Sector.UPPER_TIER_COUNCIL)
    trust = partner_in(place, name=TRUST)
    CommitteeFactory(place=place, name="Ashford Health and Care Partnership Board")
    page.set_viewport_size({"width": width, "height": height})
    sign_in(page, live_server, world.lead_a)

    page.goto(live_server.url + reverse("place_detail", args=[place.pk]))
    page.get_by_role("link", name="How the place delivers care").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("How the place delivers care")
    check_page(page)

    page.get_by_role("link", name="Change the delivery archetype").click()
    expect(page.get_by_text("Who holds each function: Strategic commissioning: the ICB").first)
    check_page(page)
    page.get_by_label("Lead care provider").check()
    page.get_by_label("A risk-based capitated budget for a defined population").check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Saved: delivery archetype and budget.")).to_be_visible()
    check_page(page)

    page.get_by_role("link", name="Change who holds the integrator function").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Who holds the integrator function?")
    check_page(page)
    page.get_by_label("Who holds it?").select_option(label=TRUST)
    page.get_by_label("Notes (optional)").fill("Under the lead provider contract.")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text(f"Saved: {TRUST} holds the integrator function.")).to_be_visible()
    row = page.locator("#function-integrator")
    expect(row).to_contain_text(TRUST)
    expect(row).to_contain_text("The archetype places it with the lead care provider.")
    check_page(page)

    arrangement = DeliveryArrangement.objects.get(place=place)
    assert arrangement.archetype == archetype(LEAD_CARE_PROVIDER)
    assert arrangement.budget_form == "capitated"
    assert FunctionHolding.objects.get(place=place, function="integrator").holder_organisation == (
        trust
    )
    assert not page.console_errors, page.console_errors  # type: ignore[attr-defined]
