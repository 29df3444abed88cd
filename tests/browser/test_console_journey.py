"""An ICB governance admin works in the console in a real browser: adds an organisation with
its aliases, adds and refuses aliases inline, all without a page reload."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from partners.models import Organisation
from tests.browser.conftest import (
    assert_accessible,
    assert_same_document,
    mark_document,
    sign_in,
)

pytestmark = pytest.mark.browser


def add_organisation(
    page: Page, name: str, sector: str, legal_form: str, *, aliases: str | None = None
) -> None:
    """Open the organisations page's add form, fill it in and send it."""
    page.get_by_role("button", name="Add an organisation").click()
    add = page.get_by_role("group", name="Add an organisation")
    add.get_by_label("Name", exact=True).fill(name)
    add.get_by_label("Sector").select_option(label=sector)
    add.get_by_label("Legal form").select_option(label=legal_form)
    if aliases is not None:
        add.get_by_label("Aliases and abbreviations (optional)").fill(aliases)
    page.get_by_role("button", name="Add organisation").click()


def test_admin_adds_an_organisation_with_aliases_without_a_reload(
    page: Page, live_server, world
) -> None:
    sign_in(page, live_server, world.icb_admin)
    page.goto(live_server.url + reverse("console:organisations", args=[world.system.slug]))
    expect(page.get_by_role("heading", level=1)).to_have_text("Organisations")
    assert_accessible(page)
    mark_document(page)

    add_organisation(
        page,
        "Riverside Hospitals NHS Trust",
        "Acute trust",
        "NHS trust",
        aliases="RHT\nthe hospital",
    )

    row = page.locator("tr", has_text="Riverside Hospitals NHS Trust")
    expect(row).to_be_visible()
    expect(row).to_contain_text("RHT")
    expect(row).to_contain_text("the hospital")
    expect(row).to_contain_text("Statutory body")  # it follows from the legal form
    assert_same_document(page)
    organisation = Organisation.objects.get(name="Riverside Hospitals NHS Trust")
    assert sorted(organisation.aliases.values_list("alias", flat=True)) == ["RHT", "the hospital"]

    # Add one more alias inline (the form is fetched into the row on demand, with focus on
    # its field), then try one that is taken.
    row.get_by_role("link", name="Add an alias to Riverside Hospitals NHS Trust").click()
    alias_input = page.get_by_label("New alias for Riverside Hospitals NHS Trust")
    expect(alias_input).to_be_focused()
    alias_input.fill("Riverside")
    page.get_by_role("button", name="Add alias to Riverside Hospitals NHS Trust").click()
    expect(row.locator(".app-tag-list .nhsuk-tag")).to_have_text(
        ["RHT", "Riverside", "the hospital"]
    )
    page.get_by_label("New alias for Riverside Hospitals NHS Trust").fill("rht")
    page.get_by_role("button", name="Add alias to Riverside Hospitals NHS Trust").click()
    expect(page.locator(".nhsuk-error-message").first).to_contain_text("already")
    assert_same_document(page)
    assert organisation.aliases.count() == 3
    assert_accessible(page)


def test_a_duplicate_organisation_name_is_refused_on_the_form(
    page: Page, live_server, world
) -> None:
    Organisation.objects.create(
        system=world.system, name="Ashford Council", sector="upper_tier_council"
    )
    sign_in(page, live_server, world.icb_admin)
    page.goto(live_server.url + reverse("console:organisations", args=[world.system.slug]))
    mark_document(page)
    add_organisation(page, "ashford council", "Other", "Another kind of organisation")
    expect(page.locator(".nhsuk-error-message").first).to_contain_text(
        "already used by Ashford Council"
    )
    assert_same_document(page)
    assert Organisation.objects.filter(system=world.system).count() == 1
    assert_accessible(page)


@pytest.mark.parametrize("list_name", ["console:dashboard", "console:places", "console:people"])
def test_console_pages_are_accessible(page: Page, live_server, world, list_name) -> None:
    sign_in(page, live_server, world.icb_admin)
    page.goto(live_server.url + reverse(list_name, args=[world.system.slug]))
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert_accessible(page)
    assert page.console_errors == []  # type: ignore[attr-defined]


def test_a_place_member_never_reaches_the_console(page: Page, live_server, world) -> None:
    sign_in(page, live_server, world.member_a)
    expect(page.locator("header")).not_to_contain_text("Admin console")
    response = page.goto(live_server.url + reverse("console:dashboard", args=[world.system.slug]))
    assert response is not None and response.status == 404
