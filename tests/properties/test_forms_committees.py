"""Whatever people type into the forms of a place's bodies (committees, their members and
terms of reference) comes back as text: escaped on every page, partial and diagram that
shows it, and as text in the Word and PDF files.

Property-based: hypothesis writes the text, the real views take it, and every example runs in
a transaction that is rolled back, so examples do not see each other's records."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from html import escape
from html.parser import HTMLParser

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import assume, given
from hypothesis import strategies as st

from core.documents import xml_text as _xml_text
from core.text_input import clean_text
from delegations.models import DelegateRole, MatterCategory
from governance.structures import tor_documents
from governance.structures.models import (
    Committee,
    CommitteeMember,
    TermsOfReference,
    TorStatus,
)
from governance.structures.tor_sections import written_sections
from partners.models import Organisation, Sector
from tests.conftest import World
from tests.dates import date_boxes
from tests.factories import (
    DelegationFactory,
    SchemeFactory,
    TermsOfReferenceFactory,
    UserFactory,
    make_member,
)
from tests.hostile import (
    HOSTILE_SAMPLES,
    hostile_text,
    hostile_texts,
    rolled_back,
)
from tests.properties.structures_checks import (
    HTMX,
    SECTION_KEYS,
    assert_shown,
    committee_added,
    committee_form,
    committees_url,
    console_url,
    docx_text,
    downloaded,
    examples,
    first_lines,
    member_form,
    page,
    partner,
    pdf_text,
    saved,
)
from tests.reach import Reach, reaching

pytestmark = pytest.mark.django_db


# Committees ----------------------------------------------------------------------------------


def test_any_committee_name_shows_as_text_on_the_committee_pages(
    client: Client, world: World
) -> None:
    @reaching(examples(15), given(name=hostile_text, htmx=st.booleans()))
    def check(reach: Reach, name: str, htmx: bool) -> None:
        with rolled_back():
            client.force_login(world.lead_a)
            response = client.post(
                committees_url("add", world), committee_form(name), **(HTMX if htmx else {})
            )
            if not saved(response):
                assert_shown(page(response), name)  # refused: what was typed is shown back
            assume(saved(response))  # a refused one is dropped: hypothesis draws another
            reach.assertion()
            committee = Committee.objects.get(place=world.place_a)
            assert committee.name == clean_text(name).strip()
            for address, headers in (
                (committees_url("list", world), {}),
                (committees_url("list", world), HTMX),
                (committees_url("committee", world, committee.pk), {}),
                (committees_url("committee", world, committee.pk), HTMX),
                (committees_url("edit", world, committee.pk), {}),
                (committees_url("edit", world, committee.pk), HTMX),
            ):
                assert_shown(page(client.get(address, **headers)), committee.name)

    check()


def test_a_refused_committee_form_shows_the_typed_name_back_as_text(
    client: Client, world: World
) -> None:
    @reaching(examples(10), given(name=hostile_text, htmx=st.booleans()))
    def check(reach: Reach, name: str, htmx: bool) -> None:
        with rolled_back():
            client.force_login(world.icb_admin)
            response = client.post(
                committees_url("add", world),
                committee_form(name, quorum_minimum="0"),
                **(HTMX if htmx else {}),
            )
            reach.assertion()
            assert response.status_code == 200
            assert_shown(page(response), name)
            assert not Committee.objects.filter(place=world.place_a).exists()

    check()


def test_any_role_title_and_person_show_as_text_on_the_committee_page(
    client: Client, world: World, board: Committee, council: Organisation
) -> None:
    @reaching(
        examples(12), given(role_title=hostile_text, person_name=hostile_text, htmx=st.booleans())
    )
    def check(reach: Reach, role_title: str, person_name: str, htmx: bool) -> None:
        with rolled_back():
            person = make_member(place=world.place_a, user=UserFactory(full_name=person_name))
            client.force_login(world.lead_a)
            headers = HTMX if htmx else {}
            form = member_form("new", council, role_title=role_title, person=person.pk)
            response = client.post(committees_url("member_add", world, board.pk), form, **headers)
            html = page(response)
            seat = CommitteeMember.objects.filter(committee=board).first()
            if seat is None:
                assert_shown(html, role_title)
            assume(seat is not None)  # a refused one is dropped: hypothesis draws another
            assert seat is not None
            reach.assertion()
            shown = (seat.role_title, str(seat.person))
            if htmx:
                assert_shown(html, *shown)
            for address, extra in (
                (committees_url("committee", world, board.pk), {}),
                (committees_url("member_edit", world, board.pk, seat.pk), {}),
                (committees_url("member_edit", world, board.pk, seat.pk), HTMX),
            ):
                assert_shown(page(client.get(address, **extra)), *shown)
            # A refused change shows what was typed.
            refused = member_form(f"seat-{seat.pk}", council, role_title=role_title, position="?")
            response = client.post(
                committees_url("member_edit", world, board.pk, seat.pk), refused, **headers
            )
            assert_shown(page(response), role_title)

    check()


sections = st.fixed_dictionaries(dict.fromkeys(SECTION_KEYS, hostile_text))


def test_every_terms_of_reference_section_shows_as_text(
    client: Client, world: World, board: Committee
) -> None:
    @reaching(examples(10), given(texts=sections))
    def check(reach: Reach, texts: dict[str, str]) -> None:
        with rolled_back():
            tor = TermsOfReferenceFactory(committee=board, number=1)
            client.force_login(world.lead_a)
            # A refused save (a date that is not one) shows every section as typed.
            edit = committees_url("tor_edit", world, board.pk, 1)
            refused = {**texts, "version": str(tor.version), "review_date_day": "soon"}
            response = client.post(edit, refused)
            reach.assertion()
            assert response.status_code == 200
            assert_shown(page(response), *texts.values())

            response = client.post(edit, {**texts, "version": str(tor.version)})
            assert saved(response)
            tor.refresh_from_db()
            stored = [getattr(tor, key) for key in SECTION_KEYS]
            assert_shown(page(client.get(committees_url("tor", world, board.pk, 1))), *stored)
            assert_shown(page(client.get(edit)), *stored)

    check()


def test_any_approving_body_shows_as_text(client: Client, world: World, board: Committee) -> None:
    @reaching(examples(10), given(approved_by=hostile_text, htmx=st.booleans()))
    def check(reach: Reach, approved_by: str, htmx: bool) -> None:
        with rolled_back():
            TermsOfReferenceFactory(committee=board, number=1, status=TorStatus.FOR_APPROVAL)
            client.force_login(world.icb_admin)
            approve = committees_url("tor_approve", world, board.pk, 1)
            headers = HTMX if htmx else {}
            # Without a date it is refused, and the body typed is shown back.
            response = client.post(approve, {"approve-approved_by": approved_by}, **headers)
            reach.assertion()
            assert response.status_code == 200
            assert_shown(page(response), approved_by)

            data = {
                "approve-approved_by": approved_by,
                **date_boxes("approve-approved_on", date(2025, 4, 1)),
            }
            assert saved(client.post(approve, data, **headers))
            tor = TermsOfReference.objects.get(committee=board, number=1)
            assert tor.status == TorStatus.APPROVED
            assert_shown(
                page(client.get(committees_url("tor", world, board.pk, 1))), tor.approved_by
            )

    check()


class DiffReader(HTMLParser):
    """Reads the compare page back: each section's old typed text (unchanged and removed
    words) and new typed text (unchanged and added words), without the words only screen
    readers hear; and, apart, the old and new text of the sections written from the body."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.typed: tuple[list[str], list[str]] = ([], [])
        self.written: tuple[list[str], list[str]] = ([], [])
        self.old: list[str] = self.typed[0]
        self.new: list[str] = self.typed[1]
        self.in_diff = False
        self.op = "equal"
        self.hidden = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        classes = (dict(attrs).get("class") or "").split()
        if tag == "p" and "app-diff" in classes:
            self.in_diff = True
            self.old, self.new = self.written if "app-diff--written" in classes else self.typed
            self.old.append("")
            self.new.append("")
        elif self.in_diff and tag in ("ins", "del"):
            self.op = tag
        elif self.in_diff and tag == "span":
            self.hidden = "nhsuk-u-visually-hidden" in classes

    def handle_endtag(self, tag: str) -> None:
        if tag == "p":
            self.in_diff = False
        elif tag in ("ins", "del"):
            self.op = "equal"
        elif tag == "span":
            self.hidden = False

    def handle_data(self, data: str) -> None:
        if not self.in_diff or self.hidden:
            return
        if self.op != "ins":
            self.old[-1] += data
        if self.op != "del":
            self.new[-1] += data


def edit_draft(client: Client, world: World, tor: TermsOfReference, texts: dict[str, str]) -> None:
    edit = committees_url("tor_edit", world, tor.committee_id, tor.number)
    assert saved(client.post(edit, {**texts, "version": str(tor.version)}))


def test_the_compare_page_shows_removed_and_added_text_as_text(
    client: Client, world: World, board: Committee
) -> None:
    @reaching(examples(12), given(old=sections, new=sections))
    def check(reach: Reach, old: dict[str, str], new: dict[str, str]) -> None:
        with rolled_back():
            client.force_login(world.lead_a)
            edit_draft(client, world, TermsOfReferenceFactory(committee=board, number=1), old)
            TermsOfReference.objects.filter(committee=board, number=1).update(
                status=TorStatus.SUPERSEDED
            )
            edit_draft(client, world, TermsOfReferenceFactory(committee=board, number=2), new)
            versions = {t.number: t for t in TermsOfReference.objects.filter(committee=board)}
            address = committees_url("tor_diff", world, board.pk)
            html = page(client.get(address, {"old": 1, "new": 2}))
            reader = DiffReader()
            reader.feed(html)
            reach.assertion()
            assert reader.typed[0] == [getattr(versions[1], key) for key in SECTION_KEYS]
            assert reader.typed[1] == [getattr(versions[2], key) for key in SECTION_KEYS]
            # Neither version is kept as approved, so both show the body as it is now.
            written = [section.text for section in written_sections(board).values()]
            assert reader.written == (written, written)

    check()


@dataclass
class Typed:
    """What a place lead types for one committee: its name, a seat's role, who approved its
    terms of reference, and their sections."""

    name: str
    role_title: str
    approved_by: str
    texts: dict[str, str]


def typed_from(text: st.SearchStrategy[str]) -> st.SearchStrategy[Typed]:
    fields = st.fixed_dictionaries(dict.fromkeys(SECTION_KEYS, text))
    return st.builds(Typed, name=text, role_title=text, approved_by=text, texts=fields)


def approved_version_file(
    client: Client, world: World, council: Organisation, typed: Typed, fmt: str
) -> tuple[Committee, list[str], bytes]:
    """Place A's lead makes a committee with a seat and an approved first version of its terms
    of reference, all through the forms, and downloads that version as `fmt`: the committee,
    everything typed as saved, and the file. An example whose name was refused is rejected."""
    client.force_login(world.lead_a)
    committee = committee_added(client, world, typed.name)
    seat = member_form("new", council, role_title=typed.role_title)
    assert saved(client.post(committees_url("member_add", world, committee.pk), seat))
    assert saved(client.post(committees_url("tor_new", world, committee.pk)))
    tor = TermsOfReference.objects.get(committee=committee, number=1)
    edit = {**typed.texts, "version": str(tor.version)}
    assert saved(client.post(committees_url("tor_edit", world, committee.pk, 1), edit))
    assert saved(client.post(committees_url("tor_submit", world, committee.pk, 1)))
    approval = {
        "approve-approved_by": typed.approved_by,
        **date_boxes("approve-approved_on", date(2025, 4, 1)),
    }
    assert saved(client.post(committees_url("tor_approve", world, committee.pk, 1), approval))
    tor = TermsOfReference.objects.get(committee=committee, number=1)
    as_saved = [
        committee.name,
        committee.members.get().role_title,
        tor.approved_by,
        *(getattr(tor, key) for key in SECTION_KEYS),
    ]
    download = committees_url("tor_download", world, committee.pk, 1, fmt)
    return committee, as_saved, downloaded(client.get(download))


def test_the_word_file_holds_whatever_was_typed_as_text(
    client: Client, world: World, council: Organisation
) -> None:
    @reaching(examples(8), given(typed=typed_from(hostile_text)))
    def check(reach: Reach, typed: Typed) -> None:
        with rolled_back():
            committee, as_saved, file = approved_version_file(client, world, council, typed, "docx")
            reach.assertion()
            word = docx_text(file)
            for first in first_lines(map(_xml_text, as_saved)):
                assert first in word, first
            # The PDF is laid out from escaped HTML.
            tor = TermsOfReference.objects.get(committee=committee, number=1)
            assert_shown(tor_documents.tor_html(tor), *as_saved)

    check()


# Text every font of the PDF has a glyph for, so the PDF's text can be read back; markup,
# template syntax and formulas included.
printable_text = st.one_of(
    st.sampled_from(HOSTILE_SAMPLES),
    st.text(st.characters(min_codepoint=32, max_codepoint=126), min_size=1, max_size=60),
    st.tuples(
        st.sampled_from(HOSTILE_SAMPLES),
        st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=20),
    ).map("".join),
).filter(lambda text: text.strip() != "")


def test_the_pdf_file_holds_whatever_was_typed_as_text(
    client: Client, world: World, council: Organisation
) -> None:
    @reaching(examples(5), given(typed=typed_from(printable_text)))
    def check(reach: Reach, typed: Typed) -> None:
        with rolled_back():
            _committee, as_saved, file = approved_version_file(client, world, council, typed, "pdf")
            reach.assertion()
            pdf = pdf_text(file)
            for first in first_lines(as_saved):
                assert "".join(first.split()) in pdf, first

    check()


# The governance map and the design check ----------------------------------------------------


def svg_and_text(html: str) -> tuple[str, str]:
    match = re.search(r'<svg class="app-map__svg".*?</svg>', html, re.DOTALL)
    assert match is not None, "the map has no diagram"
    return match.group(0), html[: match.start()] + html[match.end() :]


def test_the_governance_map_shows_any_name_as_text_in_the_diagram_and_the_text(
    client: Client, world: World
) -> None:
    @reaching(examples(10), given(texts=hostile_texts(4)))
    def check(reach: Reach, texts: list[str]) -> None:
        committee_name, organisation_name, role_title, matter_name = texts
        with rolled_back():
            organisation = partner(world, name=organisation_name.strip(), sector=Sector.ICB)
            client.force_login(world.icb_admin)
            committee = committee_added(
                client, world, committee_name, accountable_to_organisation=organisation.pk
            )
            reach.assertion()
            role = {
                "role-organisation": organisation.pk,
                "role-title": role_title,
                "role-place": world.place_a.pk,
                "role-accountable_to_committee": committee.pk,
            }
            assert saved(client.post(console_url("delegate_role_add", world), role))
            matter = {"matter-name": matter_name, "matter-code": "hostile-matter"}
            assert saved(client.post(console_url("matter_add", world), matter))
            DelegationFactory(
                scheme=SchemeFactory(organisation=organisation),
                matter=MatterCategory.objects.get(system=world.system, code="hostile-matter"),
                delegate_committee=committee,
                limit_to=Decimal(250_000),
            )
            role_row = DelegateRole.objects.get(organisation=organisation)
            names = [
                committee.name,
                organisation.name,
                f"{role_row.title}, {organisation.name}",
            ]
            matter_row = MatterCategory.objects.get(system=world.system, code="hostile-matter")
            client.force_login(world.member_a)
            for headers in ({}, HTMX):
                html = page(
                    client.get(reverse("map:place_map", args=[world.place_a.pk]), **headers)
                )
                svg, text = svg_and_text(html)
                # Every box's tooltip holds its whole name.
                for name in names:
                    assert escape(name) in svg
                assert_shown(svg, *names)
                assert_shown(text, *names, role_row.title, matter_row.name)

    check()


def test_the_design_check_shows_any_committee_name_as_text(client: Client, world: World) -> None:
    @reaching(examples(10), given(name=hostile_text, organisation_name=hostile_text))
    def check(reach: Reach, name: str, organisation_name: str) -> None:
        with rolled_back():
            organisation = partner(world, name=organisation_name.strip(), sector=Sector.VCFSE)
            client.force_login(world.lead_a)
            committee = committee_added(
                client,
                world,
                name,
                kind="partnership_board",
                accountable_to_organisation=organisation.pk,
            )
            reach.assertion()
            html = page(client.get(reverse("design:check", args=[world.place_a.pk])))
            assert_shown(html, committee.name)

    check()
