"""The committee and terms of reference pages of a place, as each kind of person sees them."""

from __future__ import annotations

import io
import re
from datetime import date

import pytest
from django.urls import reverse

from governance.structures.models import (
    TOR_SECTIONS,
    Committee,
    MemberPosition,
    TermsOfReference,
    TorStatus,
)
from partners.models import AuditEvent
from tests.dates import date_boxes
from tests.factories import (
    CommitteeFactory,
    CommitteeMemberFactory,
    TermsOfReferenceFactory,
    partner_in,
)
from tests.queries import page_query_count

pytestmark = pytest.mark.django_db


def url(name, world, *args):
    return reverse(f"committees:{name}", args=[world.place_a.pk, *args])


@pytest.fixture
def board(world):
    committee = CommitteeFactory(
        place=world.place_a, name="Ashford Partnership Board", quorum_minimum=4
    )
    CommitteeMemberFactory(
        committee=committee,
        organisation=partner_in(world.place_a, name="Ashford Borough Council"),
        role_title="Leader of the council",
        position=MemberPosition.CHAIR,
    )
    return committee


# The place page and the list --------------------------------------------------------------------


def test_the_place_page_links_to_its_committees(client, world):
    client.force_login(world.member_a)
    page = client.get(reverse("place_detail", args=[world.place_a.pk])).content.decode()
    assert url("list", world) in page and "Committees and terms of reference" in page


def test_the_list_shows_each_body_with_its_chair_members_and_status(client, world, board):
    TermsOfReferenceFactory(committee=board, number=1, status=TorStatus.APPROVED)
    TermsOfReferenceFactory(committee=board, number=2, status=TorStatus.DRAFT)
    client.force_login(world.member_a)
    page = client.get(url("list", world)).content.decode()
    assert "Ashford Partnership Board" in page
    assert "Leader of the council, Ashford Borough Council" in page
    assert "Approved" in page and "Draft" in page
    assert "Add a committee or board" not in page  # a plain member reads only


@pytest.mark.parametrize("role", ["lead_a", "icb_admin"])
def test_editors_see_the_add_button(client, world, role):
    client.force_login(getattr(world, role))
    assert "Add a committee or board" in client.get(url("list", world)).content.decode()


@pytest.mark.parametrize("role", ["member_b", "advisory", "other_icb_admin"])
def test_people_outside_the_place_get_not_found(client, world, board, role):
    client.force_login(getattr(world, role))
    assert client.get(url("list", world)).status_code == 404
    assert client.get(url("committee", world, board.pk)).status_code == 404


def test_the_list_and_committee_pages_keep_a_flat_query_count(client, world, board):
    organisation = partner_in(world.place_a, name="Ashford Health Trust")
    TermsOfReferenceFactory(committee=board, number=1, status=TorStatus.APPROVED)
    client.force_login(world.lead_a)
    list_before = page_query_count(client, url("list", world))
    page_before = page_query_count(client, url("committee", world, board.pk))
    for n in range(6):
        other = CommitteeFactory(place=world.place_a, name=f"Sub-committee {n}")
        CommitteeMemberFactory(committee=other, position=MemberPosition.CHAIR)
        CommitteeMemberFactory(committee=board, organisation=organisation, role_title=f"Seat {n}")
        TermsOfReferenceFactory(committee=other, number=1, status=TorStatus.APPROVED)
        TermsOfReferenceFactory(committee=board, number=n + 2, status=TorStatus.SUPERSEDED)
    assert page_query_count(client, url("list", world)) == list_before
    assert page_query_count(client, url("committee", world, board.pk)) == page_before


# Each page, session and sign-in included, reads at most this many queries as a place lead
# (who also gets the form to add a seat, with its organisations).
LIST_PAGE_QUERIES = 10
COMMITTEE_PAGE_QUERIES = 11


def test_the_list_and_committee_pages_read_few_queries_however_many_rows(client, world, board):
    organisation = partner_in(world.place_a, name="Ashford Health Trust")
    client.force_login(world.lead_a)

    def counts() -> tuple[int, int]:
        return (
            page_query_count(client, url("list", world)),
            page_query_count(client, url("committee", world, board.pk)),
        )

    before = counts()
    for n in range(5):
        joint = CommitteeFactory(
            place=world.place_a, name=f"Joint committee {n}", kind="joint_committee",
            parties=[organisation],
        )  # fmt: skip
        CommitteeMemberFactory(committee=joint, position=MemberPosition.CHAIR)
        CommitteeMemberFactory(committee=board, organisation=organisation)
        TermsOfReferenceFactory(committee=joint, number=1, status=TorStatus.APPROVED)
    list_queries, committee_queries = counts()
    assert (list_queries, committee_queries) == before
    assert list_queries <= LIST_PAGE_QUERIES
    assert committee_queries <= COMMITTEE_PAGE_QUERIES


def test_the_list_counts_each_bodys_members(client, world, board):
    """The count is of the seats read with the body, one per seat."""
    for n in range(3):
        CommitteeMemberFactory(committee=board, role_title=f"Seat {n}")
    client.force_login(world.member_a)
    page = client.get(url("list", world)).content.decode()
    row = page[page.index(f'id="committee-{board.pk}"') :]
    members_cell = row[row.index("Members") : row.index("Terms of reference")]
    assert f">{board.members.count()}<" in re.sub(r"\s", "", members_cell)


# Committees -------------------------------------------------------------------------------------


def committee_form(**changes):
    data = {
        "name": "Ashford Finance Committee",
        "kind": "sub_committee",
        "frequency": "quarterly",
        "quorum_minimum": "3",
        "decision_rule": "majority",
    }
    data.update(changes)
    return data


def test_a_lead_adds_a_committee_without_javascript(client, world, board):
    client.force_login(world.lead_a)
    response = client.post(
        url("add", world),
        committee_form(accountable_to_committee=board.pk, quorum_sectors=["icb"]),
    )
    committee = Committee.objects.get(name="Ashford Finance Committee")
    assert response.status_code == 302 and response["Location"] == url(
        "committee", world, committee.pk
    )
    assert committee.accountable_to_committee == board and committee.quorum_sectors == ["icb"]
    page = client.get(response["Location"]).content.decode()
    assert "Added Ashford Finance Committee." in page
    assert "Decisions are by a simple majority of voting members present." in page
    assert (
        "Quorate when 3 voting members are present, including at least one from the "
        "integrated care board." in page
    )


def test_a_duplicate_name_is_shown_on_the_form_with_htmx(client, world, board, htmx_headers):
    client.force_login(world.icb_admin)
    response = client.post(
        url("add", world), committee_form(name="ashford partnership board"), **htmx_headers
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="committee-form"' in page and "<html" not in page
    assert "already has a body called" in page
    assert Committee.objects.filter(place=world.place_a).count() == 1


def test_a_successful_htmx_add_redirects_the_browser(client, world, htmx_headers):
    client.force_login(world.lead_a)
    response = client.post(url("add", world), committee_form(), **htmx_headers)
    committee = Committee.objects.get(name="Ashford Finance Committee")
    assert response["HX-Redirect"] == url("committee", world, committee.pk)


def test_both_lines_of_accountability_are_refused_on_the_form(client, world, board):
    client.force_login(world.lead_a)
    response = client.post(
        url("add", world),
        committee_form(
            accountable_to_committee=board.pk,
            accountable_to_organisation=board.members.get().organisation.pk,
        ),
    )
    assert response.status_code == 200 and "not both" in response.content.decode()


def test_a_stale_edit_keeps_the_typed_text_and_shows_the_saved_version(client, world, board):
    client.force_login(world.lead_a)
    form = committee_form(name="Renamed by me", kind="partnership_board", version="1")
    Committee.objects.filter(pk=board.pk).update(name="Renamed by someone else", version=2)
    response = client.post(url("edit", world, board.pk), form)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Someone else changed this committee" in page
    assert 'value="Renamed by me"' in page and "Renamed by someone else" in page
    board.refresh_from_db()
    assert board.name == "Renamed by someone else"
    # Saving again from the form as shown now succeeds.
    response = client.post(url("edit", world, board.pk), {**form, "version": "2"})
    assert response.status_code == 302
    board.refresh_from_db()
    assert board.name == "Renamed by me"


def test_a_plain_member_cannot_change_anything(client, world, board):
    client.force_login(world.member_a)
    assert client.post(url("add", world), committee_form()).status_code == 403
    assert client.post(url("edit", world, board.pk), committee_form()).status_code == 403
    assert client.post(url("tor_new", world, board.pk)).status_code == 403
    response = client.get(url("edit", world, board.pk))
    assert response.status_code == 302 and response["Location"] == url("committee", world, board.pk)


# Members ----------------------------------------------------------------------------------------


def member_form(prefix, organisation, **changes):
    data = {"organisation": organisation.pk, "role_title": "Director of Nursing"}
    data.update({"position": "member", "voting": "on", "deputy_allowed": "on"})
    data.update(changes)
    return {f"{prefix}-{key}": value for key, value in data.items()}


def test_members_are_added_changed_and_removed_inline(client, world, board, htmx_headers):
    organisation = partner_in(world.place_a, name="Ashford Health Trust")
    client.force_login(world.lead_a)
    response = client.post(
        url("member_add", world, board.pk), member_form("new", organisation), **htmx_headers
    )
    page = response.content.decode()
    assert 'id="committee-members"' in page and "<html" not in page
    assert "Director of Nursing" in page and "Added Director of Nursing" in page
    seat = board.members.get(role_title="Director of Nursing")

    response = client.get(url("member_edit", world, board.pk, seat.pk), **htmx_headers)
    assert "Change a seat" in response.content.decode()
    response = client.post(
        url("member_edit", world, board.pk, seat.pk),
        member_form(f"seat-{seat.pk}", organisation, position="chair"),
        **htmx_headers,
    )
    assert "already has a chair: Leader of the council" in response.content.decode()

    # Removing is confirmed on a page of its own first, which posts without HTMX.
    remove_url = url("member_remove", world, board.pk, seat.pk)
    assert remove_url in client.get(url("committee", world, board.pk)).content.decode()
    confirm = client.get(remove_url).content.decode()
    assert "Remove Director of Nursing" in confirm and "nhsuk-button--warning" in confirm
    assert board.members.filter(pk=seat.pk).exists()
    response = client.post(remove_url, follow=True)
    assert "Removed Director of Nursing" in response.content.decode()
    assert not board.members.filter(pk=seat.pk).exists()


def test_a_seat_for_an_organisation_outside_the_place_is_refused(client, world, board):
    outside = partner_in(world.place_b, name="Brookfield Trust")
    client.force_login(world.icb_admin)
    response = client.get(url("member_add", world, board.pk))
    assert "Brookfield Trust" not in response.content.decode()  # not offered
    # A form built by hand is refused too.
    response = client.post(url("member_add", world, board.pk), member_form("new", outside))
    assert response.status_code == 200
    assert board.members.count() == 1


def test_adding_a_member_without_javascript_redirects(client, world, board):
    client.force_login(world.lead_a)
    organisation = board.members.get().organisation
    response = client.post(url("member_add", world, board.pk), member_form("new", organisation))
    assert response.status_code == 302 and board.members.count() == 2


# Terms of reference -----------------------------------------------------------------------------


def test_a_version_goes_from_draft_to_approved_through_the_pages(client, world, board):
    client.force_login(world.lead_a)
    response = client.post(url("tor_new", world, board.pk))
    assert response.status_code == 302 and response["Location"] == url(
        "tor_edit", world, board.pk, 1
    )
    tor = board.terms_of_reference.get()
    edit = {key: f"{label} text" for key, label in TOR_SECTIONS}
    edit.update(version=str(tor.version), **date_boxes("review_date", date(2026, 4, 1)))
    assert client.post(url("tor_edit", world, board.pk, 1), edit).status_code == 302
    page = client.get(url("tor", world, board.pk, 1)).content.decode()
    for _, label in TOR_SECTIONS:
        assert f"{label} text" in page
    assert "Submit for approval" in page
    client.post(url("tor_submit", world, board.pk, 1))
    page = client.get(url("tor", world, board.pk, 1)).content.decode()
    assert "For approval" in page and "Record the approval" in page
    response = client.post(
        url("tor_approve", world, board.pk, 1),
        {"approve-approved_by": "ICB board", **date_boxes("approve-approved_on", date(2025, 4, 1))},
    )
    assert response.status_code == 302
    tor.refresh_from_db()
    assert tor.status == TorStatus.APPROVED and tor.approved_by == "ICB board"
    assert tor.approved_on == date(2025, 4, 1) and tor.review_date == date(2026, 4, 1)

    # A second version, approved, supersedes the first.
    client.post(url("tor_new", world, board.pk))
    second = board.terms_of_reference.get(number=2)
    assert second.purpose == "Purpose text"
    client.post(
        url("tor_edit", world, board.pk, 2),
        {**edit, "purpose": "Purpose text, revised", "version": str(second.version)},
    )
    client.post(url("tor_submit", world, board.pk, 2))
    client.post(
        url("tor_approve", world, board.pk, 2),
        {"approve-approved_by": "ICB board", **date_boxes("approve-approved_on", date(2025, 9, 1))},
    )
    statuses = dict(board.terms_of_reference.values_list("number", "status"))
    assert statuses == {1: TorStatus.SUPERSEDED, 2: TorStatus.APPROVED}
    page = client.get(url("committee", world, board.pk)).content.decode()
    assert "Superseded" in page and "Approved" in page


def test_approval_without_a_body_or_date_shows_errors(client, world, board):
    TermsOfReferenceFactory(committee=board, number=1, status=TorStatus.FOR_APPROVAL)
    client.force_login(world.icb_admin)
    response = client.post(url("tor_approve", world, board.pk, 1), {})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Enter the body that approved the terms of reference, like the ICB board" in html
    assert "Enter the date they were approved" in html
    response = client.post(
        url("tor_approve", world, board.pk, 1),
        {
            "approve-approved_by": "ICB board",
            "approve-approved_on_day": "31",
            "approve-approved_on_month": "2",
            "approve-approved_on_year": "2025",
        },
    )
    assert response.status_code == 200
    assert "The date they were approved must be a real date" in response.content.decode()


def test_a_stale_save_keeps_the_typed_text_and_shows_the_other(client, world, board):
    tor = TermsOfReferenceFactory(committee=board, number=1, purpose="Original purpose.")
    client.force_login(world.lead_a)
    opened = tor.version
    TermsOfReference.objects.filter(pk=tor.pk).update(
        purpose="Their purpose.", version=opened + 1, updated_by=world.icb_admin
    )
    response = client.post(
        url("tor_edit", world, board.pk, 1), {"purpose": "My purpose.", "version": str(opened)}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "My purpose." in page and "Their purpose." in page
    assert "saved this draft while you were editing it" in page
    tor.refresh_from_db()
    assert tor.purpose == "Their purpose."
    assert f'name="version" value="{opened + 1}"' in page


def test_only_drafts_open_the_edit_form(client, world, board):
    TermsOfReferenceFactory(committee=board, number=1, status=TorStatus.APPROVED)
    client.force_login(world.lead_a)
    response = client.get(url("tor_edit", world, board.pk, 1))
    assert response.status_code == 302 and response["Location"] == url("tor", world, board.pk, 1)


def test_the_diff_page_marks_insertions_and_deletions(client, world, board):
    TermsOfReferenceFactory(
        committee=board, number=1, status=TorStatus.SUPERSEDED, purpose="To plan care together."
    )
    TermsOfReferenceFactory(
        committee=board, number=2, status=TorStatus.APPROVED, purpose="To plan and fund care."
    )
    client.force_login(world.member_a)
    page = client.get(url("tor_diff", world, board.pk) + "?old=1&new=2").content.decode()
    assert '<ins><span class="nhsuk-u-visually-hidden">[added: </span>fund care.' in page
    assert "<del>" in page and "[removed: </span>" in page
    assert "No change" in page  # the other sections


def test_downloads_are_attachments_and_audited(client, world, board):
    TermsOfReferenceFactory(
        committee=board,
        number=1,
        status=TorStatus.APPROVED,
        approved_by="ICB board",
        approved_on=date(2025, 4, 1),
    )
    client.force_login(world.member_a)
    for fmt, magic in (("docx", b"PK"), ("pdf", b"%PDF")):
        response = client.get(url("tor_download", world, board.pk, 1, fmt))
        assert response.status_code == 200
        assert response["Content-Disposition"].startswith("attachment;")
        assert (
            f"ashford-partnership-board-terms-of-reference-v1.{fmt}"
            in response["Content-Disposition"]
        )
        assert b"".join(response.streaming_content).startswith(magic)
    assert AuditEvent.objects.filter(action="tor.download", actor=world.member_a).count() == 2
    assert client.get(url("tor_download", world, board.pk, 1, "xlsx")).status_code == 404


def test_the_word_download_opens(client, world, board):
    from docx import Document

    TermsOfReferenceFactory(committee=board, number=1)
    client.force_login(world.lead_a)
    response = client.get(url("tor_download", world, board.pk, 1, "docx"))
    document = Document(io.BytesIO(b"".join(response.streaming_content)))
    assert any(p.text == "Purpose" for p in document.paragraphs)


def test_the_edit_form_asks_only_for_what_the_record_does_not_say(client, world, board):
    TermsOfReferenceFactory(committee=board, number=1, quorum="Deputies count.")
    client.force_login(world.lead_a)
    page = client.get(url("tor_edit", world, board.pk, 1)).content.decode()
    assert "Anything else about the quorum (optional)" in page
    assert (
        "Quorum is written from the body&#x27;s record: “Quorate when 4 voting members are "
        "present.” To change it, change the body&#x27;s details or members." in page
    )
    assert (
        "Membership is written from the body&#x27;s record: “1 seat, voting.”, then a list" in page
    )
    assert "Deputies count.</textarea>" in page
    # The version's page shows the written rule, then the note under its own label.
    page = client.get(url("tor", world, board.pk, 1)).content.decode()
    rule = page.index("Quorate when 4 voting members are present.")
    assert rule < page.index("Anything else about the quorum") < page.index("Deputies count.")
    assert page.count("Quorate when") == 1
