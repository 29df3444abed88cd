"""A place lead records a neighbourhood in a real browser: from the place's page to the list
of its neighbourhoods, the form (a duplicate name comes back in place with what was typed),
and the list again with the new neighbourhood, its lead and the place's total. Each page
meets no serious accessibility problem at the desktop width and at 320 px, and never scrolls
sideways."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from partners.models import Neighbourhood, Sector
from tests.browser.conftest import assert_accessible, mark_document, sign_in
from tests.factories import NeighbourhoodFactory, partner_in

pytestmark = pytest.mark.browser

PCN = "Ashford Central Primary Care Network"


def assert_accessible_at_every_width(page: Page) -> None:
    """axe-core finds nothing serious at the desktop width and at 320 px, where nothing makes
    the page scroll sideways; then back to the desktop."""
    for width, height in ((1280, 900), (320, 700)):
        page.set_viewport_size({"width": width, "height": height})
        assert_accessible(page)
        overflow = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
        assert overflow[0] <= overflow[1], f"{page.url} at {width} px: {overflow}"
    page.set_viewport_size({"width": 1280, "height": 900})


def test_a_lead_adds_a_neighbourhood(page: Page, live_server, world) -> None:
    partner_in(world.place_a, name=PCN, sector=Sector.PRIMARY_CARE_NETWORK)
    NeighbourhoodFactory(place=world.place_a, name="Ashford North", population=41_000)
    sign_in(page, live_server, world.lead_a)

    page.goto(live_server.url + reverse("place_detail", args=[world.place_a.pk]))
    page.get_by_role("link", name="Neighbourhoods").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Neighbourhoods")
    assert_accessible_at_every_width(page)

    page.get_by_role("link", name="Add a neighbourhood").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Add a neighbourhood")
    assert_accessible_at_every_width(page)

    # A name already in use comes back on the form, in place, with what was typed.
    mark_document(page)
    page.get_by_label("Name").fill("ashford north")
    page.get_by_label("Population (optional)").fill("38500")
    page.get_by_label("Who leads it (optional)").select_option(label="Primary care network")
    page.get_by_label("Lead organisation (optional)").select_option(label=PCN)
    page.get_by_role("button", name="Add the neighbourhood").click()
    expect(page.locator(".nhsuk-error-message")).to_contain_text(
        "Ashford already has a neighbourhood called “Ashford North”"
    )
    expect(page.get_by_label("Population (optional)")).to_have_value("38500")
    assert_accessible_at_every_width(page)

    page.get_by_label("Name").fill("Ashford Central")
    page.get_by_role("button", name="Add the neighbourhood").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Neighbourhoods")
    expect(page.get_by_text("Added Ashford Central.")).to_be_visible()
    row = page.locator("tr", has_text="Ashford Central")
    expect(row).to_contain_text("38,500")
    expect(row).to_contain_text(PCN)
    expect(page.locator("#population-total")).to_contain_text("79,500 people")
    assert_accessible_at_every_width(page)

    added = Neighbourhood.objects.get(name="Ashford Central")
    assert added.lead_kind == "pcn" and added.lead_organisation.name == PCN
    assert not page.console_errors  # type: ignore[attr-defined]
