"""Whatever people type into the forms of a place's governance structures (committees, their
members and terms of reference, the decision router, schemes of delegation and their
spreadsheets) comes back as text: escaped on every page, partial and diagram that shows it,
as text in the Word and PDF files, and never as a formula in a spreadsheet.

Property-based: hypothesis writes the text, the real views take it, and every example runs in
a transaction that is rolled back, so examples do not see each other's records."""

from __future__ import annotations

import io
import re
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from html import escape
from html.parser import HTMLParser
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.urls import resolve, reverse
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from delegations import services as delegation_services
from delegations import spreadsheets
from delegations.models import DelegateRole, Delegation, MatterCategory, SchemeStatus
from governance.consultation.exports import _xml_text, safe_cell
from governance.structures import tor_documents
from governance.structures.models import (
    TOR_SECTIONS,
    Committee,
    CommitteeMember,
    TermsOfReference,
    TorStatus,
)
from partners.models import Organisation, Sector
from tests.conftest import World
from tests.factories import OrganisationFactory, PlacePartnerFactory, UserFactory, make_member
from tests.factories_structures import (
    CommitteeFactory,
    DelegationFactory,
    SchemeFactory,
    TermsOfReferenceFactory,
)
from tests.hostile import (
    FORMULA_STARTS,
    HOSTILE_SAMPLES,
    assert_no_injected_markup,
    hostile_text,
)

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
SECTION_KEYS = [key for key, _ in TOR_SECTIONS]


def examples(count: int) -> Any:
    return settings(
        max_examples=count,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )


@contextmanager
def rolled_back() -> Iterator[None]:
    """One example's records, undone when it ends, however it ends."""
    with transaction.atomic():
        try:
            yield
        finally:
            transaction.set_rollback(True)


# What a person would see ---------------------------------------------------------------------


def first_line(value: str) -> str:
    """The start of the text as a person would spot it on a page: its first line, if every
    character of it prints."""
    lines = value.strip().splitlines()
    first = lines[0][:20].strip() if lines else ""
    return first if first and first.isprintable() else ""


def page(response: Any) -> str:
    assert response.status_code < 500
    html = response.content.decode()
    assert_no_injected_markup(html)
    return html


def assert_shown(html: str, *values: str) -> None:
    """Each value appears escaped, as text, and no markup of it got through."""
    assert_no_injected_markup(html)
    for value in values:
        first = first_line(value)
        if first:
            assert escape(first) in html, f"{first!r} is not shown as text"


def redirected_to(response: Any) -> str:
    """Where a successful form sends the browser, with or without HTMX."""
    assert response.status_code in (204, 302), response.status_code
    return response["HX-Redirect"] if response.status_code == 204 else response["Location"]


def saved(response: Any) -> bool:
    assert response.status_code < 500
    return response.status_code in (204, 302)


def xlsx_cells(data: bytes) -> list[Any]:
    book = load_workbook(io.BytesIO(data))
    return [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]


def assert_no_formulas(data: bytes) -> None:
    for cell in xlsx_cells(data):
        assert cell.data_type != "f", cell.value
        if isinstance(cell.value, str):
            assert not cell.value.startswith(FORMULA_STARTS), cell.value


def docx_text(data: bytes) -> str:
    from docx import Document

    document = Document(io.BytesIO(data))
    texts = [p.text for p in document.paragraphs]
    for table in document.tables:
        texts.extend(cell.text for row in table.rows for cell in row.cells)
    return "\n".join(texts)


def pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    text = "".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(data)).pages)
    return "".join(unicodedata.normalize("NFKC", text).split())


def downloaded(response: Any) -> bytes:
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def spreadsheet_text(value: str) -> str:
    """Text an uploaded workbook can hold: without the characters XML forbids."""
    return ILLEGAL_CHARACTERS_RE.sub("", value)


# Records -------------------------------------------------------------------------------------


def partner(world: World, name: str = "Ashford Borough Council", **fields: Any) -> Organisation:
    organisation = OrganisationFactory(system=world.system, name=name, **fields)
    PlacePartnerFactory(place=world.place_a, organisation=organisation)
    return organisation


def committees_url(name: str, world: World, *args: Any) -> str:
    return reverse(f"committees:{name}", args=[world.place_a.pk, *args])


def console_url(name: str, world: World, *args: Any) -> str:
    return reverse(f"delegations_admin:{name}", args=[world.system.slug, *args])


def committee_form(name: str, **changes: Any) -> dict[str, Any]:
    return {
        "name": name,
        "kind": "sub_committee",
        "frequency": "quarterly",
        "quorum_minimum": "3",
        "decision_rule": "majority",
        **changes,
    }


def add_committee(client: Client, world: World, name: str, **changes: Any) -> Committee | None:
    """A committee added through its form, or None when the form refused the name."""
    response = client.post(committees_url("add", world), committee_form(name, **changes))
    if not saved(response):
        return None
    return Committee.objects.get(pk=resolve(redirected_to(response)).kwargs["pk"])


def member_form(prefix: str, organisation: Organisation, **changes: Any) -> dict[str, Any]:
    data = {"organisation": organisation.pk, "role_title": "Director of Nursing"}
    data.update({"position": "member", "voting": "on", "deputy_allowed": "on"})
    data.update(changes)
    return {f"{prefix}-{key}": value for key, value in data.items()}


@pytest.fixture
def board(world: World) -> Committee:
    return CommitteeFactory(place=world.place_a, name="Ashford Partnership Board")


@pytest.fixture
def council(world: World) -> Organisation:
    return partner(world)


@pytest.fixture
def matters(world: World) -> dict[str, MatterCategory]:
    delegation_services.matter_tree_ensure(system=world.system)
    return {m.code: m for m in MatterCategory.objects.filter(system=world.system)}


# Committees ----------------------------------------------------------------------------------


@examples(15)
@given(name=hostile_text, htmx=st.booleans())
def test_any_committee_name_shows_as_text_on_the_committee_pages(
    client: Client, world: World, name: str, htmx: bool
) -> None:
    with rolled_back():
        client.force_login(world.lead_a)
        response = client.post(
            committees_url("add", world), committee_form(name), **(HTMX if htmx else {})
        )
        if not saved(response):
            assert_shown(page(response), name)  # refused: what was typed is shown back
            return
        committee = Committee.objects.get(place=world.place_a)
        assert committee.name == name.strip()
        for address, headers in (
            (committees_url("list", world), {}),
            (committees_url("list", world), HTMX),
            (committees_url("committee", world, committee.pk), {}),
            (committees_url("committee", world, committee.pk), HTMX),
            (committees_url("edit", world, committee.pk), {}),
            (committees_url("edit", world, committee.pk), HTMX),
        ):
            assert_shown(page(client.get(address, **headers)), committee.name)


@examples(10)
@given(name=hostile_text, htmx=st.booleans())
def test_a_refused_committee_form_shows_the_typed_name_back_as_text(
    client: Client, world: World, name: str, htmx: bool
) -> None:
    with rolled_back():
        client.force_login(world.icb_admin)
        response = client.post(
            committees_url("add", world),
            committee_form(name, quorum_minimum="0"),
            **(HTMX if htmx else {}),
        )
        assert response.status_code == 200
        assert_shown(page(response), name)
        assert not Committee.objects.filter(place=world.place_a).exists()


@examples(12)
@given(role_title=hostile_text, person_name=hostile_text, htmx=st.booleans())
def test_any_role_title_and_person_show_as_text_on_the_committee_page(
    client: Client,
    world: World,
    board: Committee,
    council: Organisation,
    role_title: str,
    person_name: str,
    htmx: bool,
) -> None:
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
            return
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


sections = st.fixed_dictionaries(dict.fromkeys(SECTION_KEYS, hostile_text))


@examples(10)
@given(texts=sections)
def test_every_terms_of_reference_section_shows_as_text(
    client: Client, world: World, board: Committee, texts: dict[str, str]
) -> None:
    with rolled_back():
        tor = TermsOfReferenceFactory(committee=board, number=1)
        client.force_login(world.lead_a)
        # A refused save (a date that is not one) shows every section as typed.
        edit = committees_url("tor_edit", world, board.pk, 1)
        refused = {**texts, "version": str(tor.version), "review_date": "soon"}
        response = client.post(edit, refused)
        assert response.status_code == 200
        assert_shown(page(response), *texts.values())

        response = client.post(edit, {**texts, "version": str(tor.version)})
        assert saved(response)
        tor.refresh_from_db()
        stored = [getattr(tor, key) for key in SECTION_KEYS]
        assert_shown(page(client.get(committees_url("tor", world, board.pk, 1))), *stored)
        assert_shown(page(client.get(edit)), *stored)


@examples(10)
@given(approved_by=hostile_text, htmx=st.booleans())
def test_any_approving_body_shows_as_text(
    client: Client, world: World, board: Committee, approved_by: str, htmx: bool
) -> None:
    with rolled_back():
        TermsOfReferenceFactory(committee=board, number=1, status=TorStatus.FOR_APPROVAL)
        client.force_login(world.icb_admin)
        approve = committees_url("tor_approve", world, board.pk, 1)
        headers = HTMX if htmx else {}
        # Without a date it is refused, and the body typed is shown back.
        response = client.post(approve, {"approve-approved_by": approved_by}, **headers)
        assert response.status_code == 200
        assert_shown(page(response), approved_by)

        data = {"approve-approved_by": approved_by, "approve-approved_on": "2025-04-01"}
        assert saved(client.post(approve, data, **headers))
        tor = TermsOfReference.objects.get(committee=board, number=1)
        assert tor.status == TorStatus.APPROVED
        assert_shown(page(client.get(committees_url("tor", world, board.pk, 1))), tor.approved_by)


class DiffReader(HTMLParser):
    """Reads the compare page back: each section's old text (unchanged and removed words) and
    new text (unchanged and added words), without the words only screen readers hear."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.old: list[str] = []
        self.new: list[str] = []
        self.in_diff = False
        self.op = "equal"
        self.hidden = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        classes = (dict(attrs).get("class") or "").split()
        if tag == "p" and "app-diff" in classes:
            self.in_diff = True
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


@examples(12)
@given(old=sections, new=sections)
def test_the_compare_page_shows_removed_and_added_text_as_text(
    client: Client, world: World, board: Committee, old: dict[str, str], new: dict[str, str]
) -> None:
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
        assert reader.old == [getattr(versions[1], key) for key in SECTION_KEYS]
        assert reader.new == [getattr(versions[2], key) for key in SECTION_KEYS]


def approved_version(
    client: Client,
    world: World,
    council: Organisation,
    name: str,
    role_title: str,
    approved_by: str,
    texts: dict[str, str],
) -> tuple[Committee, list[str]] | None:
    """A committee with a seat and an approved first version of its terms of reference, all
    made through the forms; with everything typed as saved. None if the name was refused."""
    committee = add_committee(client, world, name)
    if committee is None:
        return None
    seat = member_form("new", council, role_title=role_title)
    assert saved(client.post(committees_url("member_add", world, committee.pk), seat))
    assert saved(client.post(committees_url("tor_new", world, committee.pk)))
    tor = TermsOfReference.objects.get(committee=committee, number=1)
    edit = {**texts, "version": str(tor.version)}
    assert saved(client.post(committees_url("tor_edit", world, committee.pk, 1), edit))
    assert saved(client.post(committees_url("tor_submit", world, committee.pk, 1)))
    approval = {"approve-approved_by": approved_by, "approve-approved_on": "2025-04-01"}
    assert saved(client.post(committees_url("tor_approve", world, committee.pk, 1), approval))
    tor = TermsOfReference.objects.get(committee=committee, number=1)
    typed = [
        committee.name,
        committee.members.get().role_title,
        tor.approved_by,
        *(getattr(tor, key) for key in SECTION_KEYS),
    ]
    return committee, typed


@examples(8)
@given(name=hostile_text, role_title=hostile_text, approved_by=hostile_text, texts=sections)
def test_the_word_file_holds_whatever_was_typed_as_text(
    client: Client,
    world: World,
    council: Organisation,
    name: str,
    role_title: str,
    approved_by: str,
    texts: dict[str, str],
) -> None:
    with rolled_back():
        client.force_login(world.lead_a)
        made = approved_version(client, world, council, name, role_title, approved_by, texts)
        assume(made is not None)
        assert made is not None
        committee, typed = made
        download = committees_url("tor_download", world, committee.pk, 1, "docx")
        word = docx_text(downloaded(client.get(download)))
        for value in typed:
            first = first_line(_xml_text(value))
            if first:
                assert first in word, first
        # The PDF is laid out from escaped HTML.
        tor = TermsOfReference.objects.get(committee=committee, number=1)
        assert_shown(tor_documents.tor_html(tor), *typed)


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


@examples(5)
@given(
    name=printable_text,
    role_title=printable_text,
    approved_by=printable_text,
    texts=st.fixed_dictionaries(dict.fromkeys(SECTION_KEYS, printable_text)),
)
def test_the_pdf_file_holds_whatever_was_typed_as_text(
    client: Client,
    world: World,
    council: Organisation,
    name: str,
    role_title: str,
    approved_by: str,
    texts: dict[str, str],
) -> None:
    with rolled_back():
        client.force_login(world.lead_a)
        made = approved_version(client, world, council, name, role_title, approved_by, texts)
        assume(made is not None)
        assert made is not None
        committee, typed = made
        download = committees_url("tor_download", world, committee.pk, 1, "pdf")
        pdf = pdf_text(downloaded(client.get(download)))
        for value in typed:
            first = first_line(value)
            if first:
                assert "".join(first.split()) in pdf, first


# The governance map and the design check ----------------------------------------------------


def svg_and_text(html: str) -> tuple[str, str]:
    match = re.search(r'<svg class="app-map__svg".*?</svg>', html, re.DOTALL)
    assert match is not None, "the map has no diagram"
    return match.group(0), html[: match.start()] + html[match.end() :]


@examples(10)
@given(
    committee_name=hostile_text,
    organisation_name=hostile_text,
    role_title=hostile_text,
    matter_name=hostile_text,
)
def test_the_governance_map_shows_any_name_as_text_in_the_diagram_and_the_text(
    client: Client,
    world: World,
    committee_name: str,
    organisation_name: str,
    role_title: str,
    matter_name: str,
) -> None:
    with rolled_back():
        organisation = partner(world, name=organisation_name.strip(), sector=Sector.ICB)
        client.force_login(world.icb_admin)
        committee = add_committee(
            client, world, committee_name, accountable_to_organisation=organisation.pk
        )
        assume(committee is not None)
        assert committee is not None
        role = {
            "role-organisation": organisation.pk,
            "role-title": role_title,
            "role-place": world.place_a.pk,
            "role-accountable_to_committee": committee.pk,
        }
        assert saved(client.post(console_url("role_add", world), role))
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
            html = page(client.get(reverse("map:place_map", args=[world.place_a.pk]), **headers))
            svg, text = svg_and_text(html)
            # Every box's tooltip holds its whole name.
            for name in names:
                assert escape(name) in svg
            assert_shown(svg, *names)
            assert_shown(text, *names, role_row.title, matter_row.name)


@examples(10)
@given(name=hostile_text, organisation_name=hostile_text)
def test_the_design_check_shows_any_committee_name_as_text(
    client: Client, world: World, name: str, organisation_name: str
) -> None:
    with rolled_back():
        organisation = partner(world, name=organisation_name.strip(), is_statutory=False)
        client.force_login(world.lead_a)
        committee = add_committee(
            client,
            world,
            name,
            kind="partnership_board",
            accountable_to_organisation=organisation.pk,
        )
        assume(committee is not None)
        assert committee is not None
        html = page(client.get(reverse("design:check", args=[world.place_a.pk])))
        assert_shown(html, committee.name)


# The decision router -------------------------------------------------------------------------


@pytest.fixture
def routed(world: World, matters: dict[str, MatterCategory]) -> dict[str, Any]:
    """A partner of place A with a scheme in force delegating contract awards."""
    icb = partner(world, name="North Shire ICB", sector=Sector.ICB)
    committee = CommitteeFactory(place=world.place_a, name="Ashford place committee")
    DelegationFactory(
        scheme=SchemeFactory(organisation=icb),
        matter=matters["contract-award"],
        delegate_committee=committee,
        limit_to=Decimal(1_000_000),
    )
    return {"icb": icb, "matter": matters["contract-award"]}


@examples(15)
@given(value=hostile_text)
def test_any_typed_value_is_shown_back_as_text_on_the_decision_router(
    client: Client, world: World, routed: dict[str, Any], value: str
) -> None:
    client.force_login(world.member_a)
    query = {"matter": routed["matter"].pk, "value": value, "organisations": [routed["icb"].pk]}
    address = reverse("design:decide", args=[world.place_a.pk])
    html = page(client.get(address, query))
    if "nhsuk-error-message" in html:
        # The value field is the only one that can be wrong here.
        assert_shown(html, value)
        assert "There is a problem" in page(client.get(address, query, **HTMX))
    else:
        assert "Ashford place committee" in html


@examples(8)
@given(
    committee_name=hostile_text,
    role_title=hostile_text,
    conditions=hostile_text,
    reference=hostile_text,
)
def test_the_decision_router_shows_any_delegate_and_condition_as_text(
    client: Client,
    world: World,
    matters: dict[str, MatterCategory],
    committee_name: str,
    role_title: str,
    conditions: str,
    reference: str,
) -> None:
    with rolled_back():
        organisation = partner(world, name="North Shire ICB", sector=Sector.ICB)
        client.force_login(world.icb_admin)
        committee = add_committee(
            client, world, committee_name, accountable_to_organisation=organisation.pk
        )
        assume(committee is not None)
        assert committee is not None
        role = {"role-organisation": organisation.pk, "role-title": role_title}
        assert saved(client.post(console_url("role_add", world), role))
        start = {
            "organisation": organisation.pk,
            "effective_from": "2025-04-01",
            "approved_by": "The ICB board",
        }
        response = client.post(console_url("scheme_add", world), start)
        scheme_pk = resolve(redirected_to(response)).kwargs["pk"]
        role_row = DelegateRole.objects.get(organisation=organisation)
        lines = [
            {
                "matter": matters["contract-award"].pk,
                "delegate_type": "committee",
                "delegate_committee": committee.pk,
                "conditions": conditions,
                "reference": reference[:60],
            },
            {
                "matter": matters["finance"].pk,
                "delegate_type": "role",
                "delegate_role": role_row.pk,
            },
        ]
        for line in lines:
            data = {"limit_from": "0", "limit_to": "1m", **line}
            response = client.post(
                console_url("line_add", world, scheme_pk),
                {f"new-line-{key}": value for key, value in data.items()},
            )
            assert saved(response)
        assert saved(client.post(console_url("scheme_in_force", world, scheme_pk)))
        line = Delegation.objects.get(scheme_id=scheme_pk, delegate_committee=committee)

        client.force_login(world.member_a)
        address = reverse("design:decide", args=[world.place_a.pk])
        for headers in ({}, HTMX):
            query = {
                "matter": matters["contract-award"].pk,
                "value": "10",
                "organisations": [organisation.pk],
            }
            html = page(client.get(address, query, **headers))
            assert_shown(html, committee.name, line.conditions, line.reference)
            query["matter"] = matters["finance"].pk
            html = page(client.get(address, query, **headers))
            assert_shown(html, role_row.title)


# Schemes of delegation -----------------------------------------------------------------------


@examples(12)
@given(approved_by=hostile_text, notes=hostile_text)
def test_any_scheme_approver_and_notes_show_as_text(
    client: Client,
    world: World,
    council: Organisation,
    board: Committee,
    matters: dict[str, MatterCategory],
    approved_by: str,
    notes: str,
) -> None:
    with rolled_back():
        client.force_login(world.icb_admin)
        typed = {"organisation": council.pk, "approved_by": approved_by, "notes": notes}
        # Without a date it is refused, and what was typed is shown back.
        response = client.post(console_url("scheme_add", world), typed)
        assert response.status_code == 200
        assert_shown(page(response), approved_by, notes)

        response = client.post(
            console_url("scheme_add", world), {**typed, "effective_from": "2025-04-01"}
        )
        assert saved(response)
        scheme = council.schemes_of_delegation.get()
        shown = (scheme.approved_by, scheme.notes)
        assert_shown(page(client.get(console_url("scheme", world, scheme.pk))), *shown)
        assert_shown(page(client.get(console_url("scheme_edit", world, scheme.pk))), *shown)
        assert_shown(page(client.get(console_url("schemes", world))))

        DelegationFactory(scheme=scheme, matter=matters["finance"], delegate_committee=board)
        delegation_services.scheme_bring_into_force(actor=None, scheme=scheme)
        client.force_login(world.member_a)
        place_page = reverse("delegations_place:delegations", args=[world.place_a.pk])
        assert_shown(page(client.get(place_page)), scheme.approved_by)


def line_post(prefix: str, **fields: Any) -> dict[str, Any]:
    return {f"{prefix}-{key}": value for key, value in fields.items()}


@examples(15)
@given(conditions=hostile_text, reference=hostile_text, htmx=st.booleans())
# A control character no workbook can hold once made the export fail.
@example(conditions="Within budget\x1b", reference="=1+1", htmx=False)
def test_any_line_condition_and_reference_show_as_text_and_export_as_plain_cells(
    client: Client,
    world: World,
    council: Organisation,
    board: Committee,
    matters: dict[str, MatterCategory],
    conditions: str,
    reference: str,
    htmx: bool,
) -> None:
    with rolled_back():
        scheme = SchemeFactory(organisation=council, status=SchemeStatus.DRAFT)
        client.force_login(world.icb_admin)
        headers = HTMX if htmx else {}
        typed = {
            "matter": matters["contract-award"].pk,
            "delegate_type": "committee",
            "delegate_committee": board.pk,
            "limit_from": "0",
            "limit_to": "250k",
            "conditions": conditions,
            "reference": reference,
        }
        add = console_url("line_add", world, scheme.pk)
        # A bad amount: the line is refused, and its text is shown back.
        response = client.post(add, line_post("new-line", **{**typed, "limit_from": "lots"}))
        assert response.status_code == 200
        assert_shown(page(response), conditions, reference)

        response = client.post(add, line_post("new-line", **typed), **headers)
        line = Delegation.objects.filter(scheme=scheme).first()
        if line is None:
            assert_shown(page(response), conditions, reference)  # a reference over 60
            return
        shown = (line.conditions, line.reference)
        if htmx:
            assert_shown(page(response), *shown)
        for address, extra in (
            (console_url("scheme", world, scheme.pk), {}),
            (console_url("scheme", world, scheme.pk), HTMX),
            (console_url("line_edit", world, line.pk), HTMX),
            (console_url("line_edit", world, line.pk), {}),
        ):
            assert_shown(page(client.get(address, **extra)), *shown)

        export = client.get(console_url("scheme_download", world, scheme.pk))
        assert export.status_code == 200
        assert_no_formulas(export.content)
        sheet = load_workbook(io.BytesIO(export.content))[spreadsheets.LINES]
        header = [cell.value for cell in sheet[1]]
        row = {name: cell.value or "" for name, cell in zip(header, sheet[2], strict=True)}
        assert row[spreadsheets.CONDITIONS] == safe_cell(_xml_text(line.conditions))
        assert row[spreadsheets.REFERENCE] == safe_cell(_xml_text(line.reference))

        delegation_services.scheme_bring_into_force(actor=None, scheme=scheme)
        client.force_login(world.member_a)
        place_page = reverse("delegations_place:delegations", args=[world.place_a.pk])
        assert_shown(page(client.get(place_page)), *shown)


slug = st.from_regex(r"[a-z0-9][a-z0-9-]{0,20}", fullmatch=True)


@examples(15)
@given(
    name=hostile_text,
    code=st.one_of(hostile_text, slug),
    new_name=hostile_text,
    new_code=st.one_of(hostile_text, slug),
)
@example(name="Estates\x1b", code="-estates", new_name="<b>Estates</b>", new_code="estates")
def test_any_matter_name_and_code_show_as_text_and_export_as_plain_cells(
    client: Client, world: World, name: str, code: str, new_name: str, new_code: str
) -> None:
    with rolled_back():
        client.force_login(world.icb_admin)
        typed = {"matter-name": name, "matter-code": code, "matter-parent": ""}
        response = client.post(console_url("matter_add", world), typed)
        matter = MatterCategory.objects.filter(system=world.system).first()
        if matter is None:
            assert_shown(page(response), name, code)
            return
        assert saved(response)
        assert_shown(page(client.get(console_url("matters", world))), matter.name, matter.code)
        edit = console_url("matter_edit", world, matter.pk)
        assert_shown(page(client.get(edit)), matter.name, matter.code)

        template = client.get(console_url("template_download", world))
        assert template.status_code == 200
        assert_no_formulas(template.content)
        listing = load_workbook(io.BytesIO(template.content))["Matters"]
        rows = [[c.value or "" for c in row[:2]] for row in listing.iter_rows(min_row=2)]
        assert [safe_cell(_xml_text(matter.code)), safe_cell(_xml_text(matter.name))] in rows

        response = client.post(edit, {"matter-name": new_name, "matter-code": new_code})
        if saved(response):
            matter.refresh_from_db()
            html = page(client.get(console_url("matters", world)))
            assert_shown(html, matter.name, matter.code)
        else:
            assert_shown(page(response), new_name, new_code)


@examples(12)
@given(title=hostile_text)
def test_any_delegate_role_title_shows_as_text(
    client: Client, world: World, council: Organisation, title: str
) -> None:
    with rolled_back():
        client.force_login(world.icb_admin)
        typed = {"role-organisation": council.pk, "role-title": title}
        # Place B is not one of the council's places: refused, and the title is shown back.
        response = client.post(
            console_url("role_add", world), {**typed, "role-place": world.place_b.pk}
        )
        assert response.status_code == 200
        assert_shown(page(response), title)

        assert saved(client.post(console_url("role_add", world), typed))
        role = DelegateRole.objects.get(organisation=council)
        assert_shown(page(client.get(console_url("roles", world))), role.title)
        assert_shown(page(client.get(console_url("role_edit", world, role.pk))), role.title)


# Spreadsheet uploads -------------------------------------------------------------------------


def workbook(*rows: list[Any]) -> io.BytesIO:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = spreadsheets.LINES
    sheet.append(list(spreadsheets.COLUMNS))
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    out.name = "scheme.xlsx"
    return out


uploaded_text = hostile_text.map(spreadsheet_text).filter(lambda text: text.strip() != "")


@examples(12)
@given(code=uploaded_text, delegate=uploaded_text, place=uploaded_text)
def test_a_spreadsheet_with_any_text_in_its_cells_is_refused_with_the_rows_shown_as_text(
    client: Client,
    world: World,
    council: Organisation,
    board: Committee,
    matters: dict[str, MatterCategory],
    code: str,
    delegate: str,
    place: str,
) -> None:
    assume(code.strip().casefold() not in matters)
    with rolled_back():
        scheme = SchemeFactory(organisation=council, status=SchemeStatus.DRAFT)
        client.force_login(world.icb_admin)
        file = workbook(
            ["1", code, "", "committee", board.name, "", 0, 5, ""],
            ["2", "contract-award", "", "committee", delegate, place, 0, 5, ""],
        )
        response = client.post(
            console_url("scheme_upload", world, scheme.pk),
            {"upload-file": file, "upload-mode": "replace"},
        )
        assert response.status_code == 200
        html = page(response)
        assert "Nothing has been saved" in html
        shown = [spreadsheets._text(v) for v in (code, delegate)]
        if spreadsheets._text(place).casefold() not in ("ashford", "brookfield"):
            shown.append(spreadsheets._text(place))
        assert_shown(html, *shown)
        assert not Delegation.objects.filter(scheme=scheme).exists()


@examples(12)
@given(conditions=uploaded_text, reference=uploaded_text)
def test_a_spreadsheet_imported_with_any_text_exports_without_formulas(
    client: Client,
    world: World,
    council: Organisation,
    board: Committee,
    conditions: str,
    reference: str,
    matters: dict[str, MatterCategory],
) -> None:
    with rolled_back():
        scheme = SchemeFactory(organisation=council, status=SchemeStatus.DRAFT)
        client.force_login(world.icb_admin)
        file = workbook(
            [reference, "contract-award", "", "committee", board.name, "", 0, 5, conditions]
        )
        response = client.post(
            console_url("scheme_upload", world, scheme.pk),
            {"upload-file": file, "upload-mode": "replace"},
        )
        assert saved(response), response.content.decode()
        line = Delegation.objects.get(scheme=scheme)
        assert line.conditions == spreadsheets._text(conditions)
        html = page(client.get(console_url("scheme", world, scheme.pk)))
        assert_shown(html, line.conditions, line.reference)

        export = client.get(console_url("scheme_download", world, scheme.pk))
        assert export.status_code == 200
        assert_no_formulas(export.content)
        sheet = load_workbook(io.BytesIO(export.content))[spreadsheets.LINES]
        values = [cell.value or "" for cell in sheet[2]]
        assert safe_cell(_xml_text(line.conditions)) in values
        assert safe_cell(_xml_text(line.reference)) in values
