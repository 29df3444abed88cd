"""On a phone (390 pixels wide): an ICB admin removes a member from a committee through its
confirmation page, and types an impossible date when setting up a round. Both pages meet no
serious accessibility problem and never scroll sideways."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from governance.structures.models import CommitteeMember
from tests.browser.conftest import assert_accessible, sign_in
from tests.factories import CommitteeFactory, CommitteeMemberFactory, make_framework, partner_in

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


def assert_no_sideways_scroll(page: Page) -> None:
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth"), (
        "the page scrolls sideways"
    )


def test_removing_a_member_is_confirmed_first(page: Page, live_server: Any, world: Any) -> None:
    committee = CommitteeFactory(place=world.place_a, name="Ashford place committee")
    seat = CommitteeMemberFactory(
        committee=committee,
        organisation=partner_in(world.place_a, name="Ashford Borough Council"),
        role_title="Director of Public Health",
        person=world.member_a,
    )
    page.set_viewport_size(PHONE)
    sign_in(page, live_server, world.lead_a)
    page.goto(
        live_server.url + reverse("committees:committee", args=[world.place_a.pk, committee.pk])
    )
    page.get_by_role("link", name="Remove Director of Public Health").click()

    heading = page.get_by_role("heading", level=1)
    expect(heading).to_contain_text(f"Remove {world.member_a} (Director of Public Health")
    assert_accessible(page)
    assert_no_sideways_scroll(page)
    assert CommitteeMember.objects.filter(pk=seat.pk).exists()  # the page changed nothing

    page.get_by_role("button", name="Remove member").click()
    expect(page.locator("main")).to_contain_text(
        f"Removed {world.member_a} (Director of Public Health, Ashford Borough Council) from "
        "Ashford place committee."
    )
    assert not CommitteeMember.objects.filter(pk=seat.pk).exists()
    assert page.console_errors == []  # type: ignore[attr-defined]


def test_an_impossible_date_is_named_and_only_its_box_highlighted(
    page: Page, live_server: Any, world: Any
) -> None:
    make_framework()
    page.set_viewport_size(PHONE)
    sign_in(page, live_server, world.icb_admin)
    page.goto(live_server.url + reverse("console:round_add", args=[world.system.slug]))
    page.get_by_label("Title", exact=True).fill("Place governance options 2027")
    opens = page.get_by_role("group", name="Opens on")
    opens.get_by_label("Day").fill("31")
    opens.get_by_label("Month").fill("2")
    opens.get_by_label("Year").fill("2027")
    page.get_by_role("button", name="Set up the round").click()

    summary = page.locator(".nhsuk-error-summary")
    expect(summary).to_contain_text("The date the round opens must be a real date")
    expect(opens).to_contain_text("The date the round opens must be a real date")
    expect(opens.get_by_label("Day")).to_have_class(
        "nhsuk-input nhsuk-date-input__input nhsuk-input--width-2 nhsuk-input--error"
    )
    expect(opens.get_by_label("Month")).not_to_have_class(re.compile("nhsuk-input--error"))
    expect(opens.get_by_label("Year")).not_to_have_class(re.compile("nhsuk-input--error"))
    # The error summary takes the focus when NHS.UK frontend starts it; clicking its link
    # before then would have that focus land after the click.
    expect(summary).to_have_attribute("data-nhsuk-error-summary-init", "")
    expect(summary).to_be_focused()
    summary.get_by_role("link", name="The date the round opens must be a real date").click()
    expect(opens.get_by_label("Day")).to_be_focused()
    assert_accessible(page)
    assert_no_sideways_scroll(page)
