"""A place's structures in a real browser.

The place lead records a committee of the ICB with its chair and a member, writes its terms
of reference, submits them, records their approval and downloads them as a Word document.
Then, with the partners' schemes of delegation in force, the place lead asks the decision
router who may take a £2.5m decision: the answer arrives without a page reload, names the
ICB committee whose band covers the value and sends the council back to its own governance,
and the address it leaves in the browser shows the same answer when opened again. The pages
on the way meet no serious accessibility problem and log no error."""

from __future__ import annotations

import io
import re
from datetime import timedelta
from decimal import Decimal
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from governance.structures.models import (
    Committee,
    CommitteeKind,
    CommitteeMember,
    MemberPosition,
    TermsOfReference,
    TorStatus,
)
from partners.models import Organisation, Place, Sector
from tests.browser.conftest import (
    assert_accessible,
    assert_same_document,
    mark_document,
    sign_in,
)
from tests.conftest import World
from tests.factories import (
    CommitteeFactory,
    DelegateRoleFactory,
    DelegationFactory,
    SchemeFactory,
    contract_matters,
    partner_in,
)

pytestmark = pytest.mark.browser

ICB = "North Shire ICB"
COUNCIL = "Ashford County Council"
TRUST = "Ashford and District Hospitals NHS Trust"
PCN = "Ashford Central Primary Care Network"
HEALTHWATCH = "Healthwatch Ashford"

COMMITTEE = "Ashford Health and Care Committee"
PURPOSE = (
    "To agree how the health and care budget delegated to Ashford is spent and to oversee "
    "delivery of the Ashford place plan."
)
# What the lead adds to the sections written from the committee's record, and the field
# each goes in.
SECTIONS = {
    "Membership": "Each partner's chief executive appoints its member.",
    "Chair": "The vice-chair presides when the chair has a conflict of interest.",
    "Quorum": "A named deputy counts towards the quorum.",
}
NOTE_FIELDS = {
    "Membership": "Anything else about membership (optional)",
    "Chair": "Anything else about the chair (optional)",
    "Quorum": "Anything else about the quorum (optional)",
}

SMALL_COMMITTEE = "Ashford place committee"
LARGE_COMMITTEE = "Ashford finance and investment committee"
COUNCIL_DELEGATE = "Director of adult social services"
M = Decimal(1_000_000)


def docx_paragraphs(data: bytes) -> list[tuple[str, str]]:
    """(style name, text) of every paragraph, then ("table", text) of every table cell."""
    from docx import Document

    document = Document(io.BytesIO(data))
    parts = [
        (paragraph.style.name if paragraph.style else "", paragraph.text)
        for paragraph in document.paragraphs
    ]
    for table in document.tables:
        for row in table.rows:
            parts.extend(("table", cell.text) for cell in row.cells)
    return parts


def section_label(label: str) -> re.Pattern[str]:
    """A section's label on the edit form, with or without a trailing colon."""
    return re.compile(rf"^{re.escape(label)}:?$")


def partners_of(place: Place) -> dict[str, Organisation]:
    """The ICB, a council, a trust, a primary care network and Healthwatch, all partners."""
    organisations: dict[str, Organisation] = {}
    for name, sector in (
        (ICB, Sector.ICB),
        (COUNCIL, Sector.UPPER_TIER_COUNCIL),
        (TRUST, Sector.ACUTE_TRUST),
        (PCN, Sector.PRIMARY_CARE_NETWORK),
        (HEALTHWATCH, Sector.HEALTHWATCH),
    ):
        organisations[name] = partner_in(place, name=name, sector=sector)
    return organisations


def test_the_place_lead_records_a_committee_and_approves_its_terms_of_reference(
    page: Page, live_server: Any, world: World
) -> None:
    place = world.place_a
    partners_of(place)
    approved_on = timezone.localdate() - timedelta(days=7)

    sign_in(page, live_server, world.lead_a)
    page.goto(live_server.url + reverse("place_detail", args=[place.pk]))
    page.get_by_role("link", name="Committees and terms of reference").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Committees and terms of reference")
    expect(page.locator("main")).to_contain_text("No committees or boards have been recorded")

    # The committee, through its form.
    page.get_by_role("link", name="Add a committee or board").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Add a committee or board")
    page.get_by_label("Name", exact=True).fill(COMMITTEE)
    page.get_by_label("Kind of body").select_option(label="Committee of the ICB")
    page.get_by_label("Or answers to the board of a partner organisation").select_option(label=ICB)
    page.get_by_label("How often it meets").select_option(label="Every two months")
    page.get_by_label("Meets in public").check()
    page.get_by_label("Quorum: voting members present").fill("3")
    sectors = page.get_by_role("group", name="Quorum: sectors that must have a voting member")
    sectors.get_by_label("Integrated care board").check()
    page.get_by_label("How decisions are made").select_option(label="Consensus")
    page.get_by_role("button", name="Add", exact=True).click()

    expect(page.get_by_role("heading", level=1)).to_have_text(COMMITTEE)
    committee = Committee.objects.get(place=place, name=COMMITTEE)
    assert committee.kind == CommitteeKind.ICB_COMMITTEE
    assert committee.accountable_to_organisation is not None
    assert committee.accountable_to_organisation.name == ICB
    assert committee.quorum_sectors == [Sector.ICB]
    expect(page.locator("main")).to_contain_text(f"The board of {ICB}")
    expect(page.locator("main")).to_contain_text("No members have been added yet.")

    # Two seats, added in place: the ICB's place director chairs it.
    mark_document(page)
    members = page.locator("#committee-members")
    for organisation, role, position in (
        (ICB, "Place director", "Chair"),
        (COUNCIL, "Director of adult social services", "Member"),
    ):
        members.get_by_label("Partner organisation").select_option(label=organisation)
        members.get_by_label("Role", exact=True).fill(role)
        members.get_by_label("Position").select_option(label=position)
        members.get_by_role("button", name="Add member").click()
        expect(page.get_by_role("status")).to_contain_text(f"Added {role}, {organisation}.")
        expect(members.locator("tbody tr", has_text=role)).to_contain_text(position)
    assert_same_document(page)
    expect(members.locator("tbody tr")).to_have_count(2)
    seats = CommitteeMember.objects.filter(committee=committee)
    assert seats.get(position=MemberPosition.CHAIR).role_title == "Place director"
    assert seats.get(position=MemberPosition.MEMBER).organisation.name == COUNCIL
    assert_accessible(page)

    # Its terms of reference: a draft, written, submitted, approved.
    page.get_by_role("button", name="Start a new version").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Edit terms of reference, version 1")
    page.get_by_label(section_label("Purpose")).fill(PURPOSE)
    for label, text in SECTIONS.items():
        page.get_by_label(section_label(NOTE_FIELDS[label])).fill(text)
    page.get_by_role("button", name="Save draft").click()

    heading = page.get_by_role("heading", level=1)
    expect(heading).to_contain_text("Terms of reference, version 1")
    expect(heading).to_contain_text("Draft")
    expect(page.locator("main")).to_contain_text(PURPOSE)
    page.get_by_role("button", name="Submit for approval").click()
    expect(heading).to_contain_text("For approval")

    page.get_by_label("Approving body").fill("North Shire ICB board")
    approved = page.get_by_role("group", name="Date approved")
    approved.get_by_label("Day").fill(str(approved_on.day))
    approved.get_by_label("Month").fill(str(approved_on.month))
    approved.get_by_label("Year").fill(str(approved_on.year))
    page.get_by_role("button", name="Record approval").click()
    expect(heading.locator(".nhsuk-tag")).to_have_text("Approved")
    expect(page.locator("main")).to_contain_text(
        f"{approved_on.day} {approved_on:%B %Y} by North Shire ICB board"
    )
    tor = TermsOfReference.objects.get(committee=committee)
    assert tor.status == TorStatus.APPROVED
    assert tor.approved_on == approved_on
    assert tor.purpose == PURPOSE
    assert_accessible(page)

    # The Word document carries the approved text under its section headings.
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Word document (DOCX)").click()
    download = download_info.value
    assert (
        download.suggested_filename
        == "ashford-health-and-care-committee-terms-of-reference-v1.docx"
    )
    paragraphs = docx_paragraphs(download.path().read_bytes())
    texts = [text for _, text in paragraphs]
    headings = [text for style, text in paragraphs if style == "Heading 1"]
    assert PURPOSE in texts
    for label, text in SECTIONS.items():
        assert label in headings, f"no {label!r} heading in {headings}"
        assert text in texts
    assert "Purpose" in headings
    assert headings.index("Purpose") < headings.index("Membership") < headings.index("Quorum")
    # The sections written from the committee's record, each note under its own heading.
    assert f"Place director, {ICB}: chair; voting; may send a deputy." in texts
    assert f"Chair: Place director, {ICB} (not independent)." in texts
    assert (
        "Quorate when 3 voting members are present, including at least one from the "
        "integrated care board." in texts
    )
    notes = [text for style, text in paragraphs if style == "Heading 2"]
    assert "Anything else about the quorum" in notes

    # Back on the list, the committee shows its chair and its approved terms.
    page.get_by_role("link", name=COMMITTEE).first.click()
    page.get_by_role("link", name="Committees and terms of reference").click()
    row = page.locator("tr", has_text=COMMITTEE)
    expect(row).to_contain_text(f"Place director, {ICB}")
    expect(row.locator(".nhsuk-tag")).to_have_text("Approved")

    assert page.console_errors == []  # type: ignore[attr-defined]


def schemes_in_force(place: Place, organisations: dict[str, Organisation]) -> None:
    """The ICB delegates contract awards up to £1m to one committee of the place and up to
    £5m to another; the council delegates them up to £500,000."""
    icb, council = organisations[ICB], organisations[COUNCIL]
    _, award = contract_matters(place.system)
    small, large = (
        CommitteeFactory(
            place=place,
            name=name,
            kind=CommitteeKind.ICB_COMMITTEE,
            accountable_to_organisation=icb,
        )
        for name in (SMALL_COMMITTEE, LARGE_COMMITTEE)
    )
    icb_scheme = SchemeFactory(organisation=icb, number=3)
    DelegationFactory(
        scheme=icb_scheme, matter=award, delegate_committee=small, limit_to=1 * M, reference="4.1"
    )
    DelegationFactory(
        scheme=icb_scheme, matter=award, delegate_committee=large, limit_to=5 * M, reference="4.2"
    )
    DelegationFactory(
        scheme=SchemeFactory(organisation=council, number=1),
        matter=award,
        delegate_role=DelegateRoleFactory(organisation=council, title=COUNCIL_DELEGATE),
        limit_to=Decimal(500_000),
        reference="C7",
    )


def test_the_decision_router_answers_in_place_and_its_link_shows_the_same_answer(
    page: Page, live_server: Any, world: World
) -> None:
    decide_url = reverse("design:decide", args=[world.place_a.pk])
    place = world.place_a
    organisations = partners_of(place)
    schemes_in_force(place, organisations)

    sign_in(page, live_server, world.lead_a)
    page.goto(live_server.url + reverse("place_detail", args=[place.pk]))
    page.get_by_role("link", name="who may take a decision").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Who may take this decision?")
    assert urlparse(page.url).path == decide_url

    # Only the partners with a scheme in force are offered, and they start ticked.
    involved = page.get_by_role("group", name="Organisations whose resources are involved")
    expect(involved.get_by_role("checkbox")).to_have_count(2)
    expect(involved.get_by_label(ICB)).to_be_checked()
    expect(involved.get_by_label(COUNCIL)).to_be_checked()

    mark_document(page)
    result = page.locator("#decision-result")
    page.wait_for_load_state("load")  # htmx binds the form's triggers once the page has loaded
    page.get_by_label("What is the decision about?").select_option(label="– Contract award")
    expect(result).to_contain_text("Enter the value of the decision in pounds.")
    page.get_by_label("Value of the decision, in pounds").fill("2500000")

    def assert_answer() -> None:
        expect(result.get_by_role("heading", level=2)).to_contain_text("Contract award, £2,500,000")
        expect(result).to_contain_text(
            f"The decision can be taken at place only if every organisation has delegated "
            f"authority; {COUNCIL} must take it through its own governance."
        )
        icb = result.locator(".app-route", has_text=ICB)
        expect(icb.locator(".nhsuk-tag")).to_have_text("Delegated")
        authority = icb.locator(".nhsuk-summary-list__row", has_text="Who may decide")
        expect(authority.locator("dd strong")).to_have_text(LARGE_COMMITTEE)
        expect(authority).to_contain_text("up to and including £5,000,000")
        expect(authority).to_contain_text("line 4.2 of scheme version 3")
        expect(icb).not_to_contain_text(SMALL_COMMITTEE)
        council = result.locator(".app-route", has_text=COUNCIL)
        expect(council.locator(".nhsuk-tag")).to_have_text("Back to its own governance")
        expect(council).to_contain_text(
            "£2,500,000 exceeds the highest delegated limit of £500,000."
        )

    assert_answer()
    assert_same_document(page)
    # The address in the browser now carries the question.
    asked = parse_qs(urlparse(page.url).query)
    assert asked.get("value") == ["2500000"], page.url
    assert sorted(asked.get("organisations", [])) == sorted(
        str(organisations[name].pk) for name in (ICB, COUNCIL)
    )
    assert_accessible(page)

    # Opened again, the address shows the same answer in a full page.
    page.reload()
    assert page.evaluate("() => window.__sameDocument === undefined"), "the page did not reload"
    expect(page.get_by_label("Value of the decision, in pounds")).to_have_value("2500000")
    assert_answer()
    share = result.get_by_role("link", name="Link to this answer").get_attribute("href")
    assert share is not None
    page.goto(share)
    assert_answer()
    assert_accessible(page)

    assert page.console_errors == []  # type: ignore[attr-defined]
