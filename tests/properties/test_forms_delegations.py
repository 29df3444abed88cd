"""Whatever people type into the decision router, schemes of delegation and their
spreadsheets comes back as text, and never as a formula in a spreadsheet.

Property-based, as tests/properties/test_forms_committees.py."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import resolve, reverse
from hypothesis import assume, example, given
from hypothesis import strategies as st
from openpyxl import load_workbook

from core.documents import safe_cell
from core.documents import xml_text as _xml_text
from delegations import services as delegation_services
from delegations import spreadsheets
from delegations.models import DelegateRole, Delegation, MatterCategory, SchemeStatus
from governance.structures.models import (
    Committee,
)
from partners.models import Organisation, Sector
from tests.conftest import World
from tests.dates import date_boxes
from tests.factories import (
    CommitteeFactory,
    DelegationFactory,
    SchemeFactory,
    scheme_workbook,
)
from tests.hostile import (
    hostile_text,
    hostile_texts,
    rolled_back,
)
from tests.properties.structures_checks import (
    HTMX,
    assert_no_formulas,
    assert_shown,
    committee_added,
    console_url,
    examples,
    page,
    partner,
    redirected_to,
    saved,
    spreadsheet_text,
)
from tests.reach import Reach, reaching

pytestmark = pytest.mark.django_db


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


def test_any_typed_value_is_shown_back_as_text_on_the_decision_router(
    client: Client, world: World, routed: dict[str, Any]
) -> None:
    @reaching(examples(15), given(value=hostile_text))
    def check(reach: Reach, value: str) -> None:
        client.force_login(world.member_a)
        query = {"matter": routed["matter"].pk, "value": value, "organisations": [routed["icb"].pk]}
        address = reverse("design:decide", args=[world.place_a.pk])
        html = page(client.get(address, query))
        reach.assertion()
        if "nhsuk-error-message" in html:
            # The value field is the only one that can be wrong here.
            assert_shown(html, value)
            assert "There is a problem" in page(client.get(address, query, **HTMX))
        else:
            assert "Ashford place committee" in html

    check()


def test_the_decision_router_shows_any_delegate_and_condition_as_text(
    client: Client, world: World, matters: dict[str, MatterCategory]
) -> None:
    @reaching(examples(8), given(texts=hostile_texts(4)))
    def check(reach: Reach, texts: list[str]) -> None:
        committee_name, role_title, conditions, reference = texts
        with rolled_back():
            organisation = partner(world, name="North Shire ICB", sector=Sector.ICB)
            client.force_login(world.icb_admin)
            committee = committee_added(
                client, world, committee_name, accountable_to_organisation=organisation.pk
            )
            reach.assertion()
            role = {"role-organisation": organisation.pk, "role-title": role_title}
            assert saved(client.post(console_url("delegate_role_add", world), role))
            start = {
                "organisation": organisation.pk,
                **date_boxes("effective_from", date(2025, 4, 1)),
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

    check()


# Schemes of delegation -----------------------------------------------------------------------


def test_any_scheme_approver_and_notes_show_as_text(
    client: Client,
    world: World,
    council: Organisation,
    board: Committee,
    matters: dict[str, MatterCategory],
) -> None:
    @reaching(examples(12), given(approved_by=hostile_text, notes=hostile_text))
    def check(reach: Reach, approved_by: str, notes: str) -> None:
        with rolled_back():
            client.force_login(world.icb_admin)
            typed = {"organisation": council.pk, "approved_by": approved_by, "notes": notes}
            # Without a date it is refused, and what was typed is shown back.
            response = client.post(console_url("scheme_add", world), typed)
            reach.assertion()
            assert response.status_code == 200
            assert_shown(page(response), approved_by, notes)

            response = client.post(
                console_url("scheme_add", world),
                {**typed, **date_boxes("effective_from", date(2025, 4, 1))},
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

    check()


def line_post(prefix: str, **fields: Any) -> dict[str, Any]:
    return {f"{prefix}-{key}": value for key, value in fields.items()}


def test_any_line_condition_and_reference_show_as_text_and_export_as_plain_cells(
    client: Client,
    world: World,
    council: Organisation,
    joint_committee: Committee,
    matters: dict[str, MatterCategory],
) -> None:
    @reaching(
        examples(15),
        given(conditions=hostile_text, reference=hostile_text, htmx=st.booleans()),
        example(conditions="Within budget\x1b", reference="=1+1", htmx=False),
    )
    def check(reach: Reach, conditions: str, reference: str, htmx: bool) -> None:
        with rolled_back():
            scheme = SchemeFactory(organisation=council, status=SchemeStatus.DRAFT)
            client.force_login(world.icb_admin)
            headers = HTMX if htmx else {}
            typed = {
                "matter": matters["contract-award"].pk,
                "delegate_type": "committee",
                "delegate_committee": joint_committee.pk,
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
            assume(line is not None)  # a refused one is dropped: hypothesis draws another
            assert line is not None
            reach.assertion()
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

    check()


slug = st.from_regex(r"[a-z0-9][a-z0-9-]{0,20}", fullmatch=True)


def test_any_matter_name_and_code_show_as_text_and_export_as_plain_cells(
    client: Client, world: World
) -> None:
    @reaching(
        examples(15),
        given(
            name=hostile_text,
            code=slug,  # a code the form accepts; a hostile one is typed when editing, below
            new_name=hostile_text,
            new_code=st.one_of(hostile_text, slug),
        ),
        example(name="Estates\x1b", code="-estates", new_name="<b>Estates</b>", new_code="estates"),
    )
    def check(reach: Reach, name: str, code: str, new_name: str, new_code: str) -> None:
        with rolled_back():
            client.force_login(world.icb_admin)
            typed = {"matter-name": name, "matter-code": code, "matter-parent": ""}
            response = client.post(console_url("matter_add", world), typed)
            matter = MatterCategory.objects.filter(system=world.system).first()
            if matter is None:
                assert_shown(page(response), name, code)
            assume(matter is not None)  # a refused one is dropped: hypothesis draws another
            assert matter is not None
            reach.assertion()
            assert saved(response)
            assert_shown(page(client.get(console_url("matters", world))), matter.name, matter.code)
            edit = console_url("matter_edit", world, matter.pk)
            assert_shown(page(client.get(edit)), matter.name, matter.code)

            template = client.get(console_url("scheme_template", world))
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

    check()


def test_any_delegate_role_title_shows_as_text(
    client: Client, world: World, council: Organisation
) -> None:
    @reaching(examples(12), given(title=hostile_text))
    def check(reach: Reach, title: str) -> None:
        with rolled_back():
            client.force_login(world.icb_admin)
            typed = {"role-organisation": council.pk, "role-title": title}
            # Place B is not one of the council's places: refused, and the title is shown back.
            response = client.post(
                console_url("delegate_role_add", world), {**typed, "role-place": world.place_b.pk}
            )
            reach.assertion()
            assert response.status_code == 200
            assert_shown(page(response), title)

            assert saved(client.post(console_url("delegate_role_add", world), typed))
            role = DelegateRole.objects.get(organisation=council)
            assert_shown(page(client.get(console_url("delegate_roles", world))), role.title)
            assert_shown(
                page(client.get(console_url("delegate_role_edit", world, role.pk))), role.title
            )

    check()


# Spreadsheet uploads -------------------------------------------------------------------------


uploaded_text = hostile_text.map(spreadsheet_text).filter(lambda text: text.strip() != "")


def test_a_spreadsheet_with_any_text_in_its_cells_is_refused_with_the_rows_shown_as_text(
    client: Client,
    world: World,
    council: Organisation,
    board: Committee,
    matters: dict[str, MatterCategory],
) -> None:
    @reaching(examples(12), given(code=uploaded_text, delegate=uploaded_text, place=uploaded_text))
    def check(reach: Reach, code: str, delegate: str, place: str) -> None:
        assume(code.strip().casefold() not in matters)
        with rolled_back():
            scheme = SchemeFactory(organisation=council, status=SchemeStatus.DRAFT)
            client.force_login(world.icb_admin)
            file = scheme_workbook(
                ["1", code, "", "committee", board.name, "", 0, 5, ""],
                ["2", "contract-award", "", "committee", delegate, place, 0, 5, ""],
            )
            response = client.post(
                console_url("scheme_upload", world, scheme.pk),
                {"upload-file": file, "upload-mode": "replace"},
            )
            reach.assertion()
            assert response.status_code == 200
            html = page(response)
            assert "Nothing has been saved" in html
            shown = [spreadsheets._text(v) for v in (code, delegate)]
            if spreadsheets._text(place).casefold() not in ("ashford", "brookfield"):
                shown.append(spreadsheets._text(place))
            assert_shown(html, *shown)
            assert not Delegation.objects.filter(scheme=scheme).exists()

    check()


def test_a_spreadsheet_imported_with_any_text_exports_without_formulas(
    client: Client,
    world: World,
    council: Organisation,
    joint_committee: Committee,
    matters: dict[str, MatterCategory],
) -> None:
    @reaching(examples(12), given(conditions=uploaded_text, reference=uploaded_text))
    def check(reach: Reach, conditions: str, reference: str) -> None:
        with rolled_back():
            scheme = SchemeFactory(organisation=council, status=SchemeStatus.DRAFT)
            client.force_login(world.icb_admin)
            body = joint_committee.name
            file = scheme_workbook(
                [reference, "contract-award", "", "committee", body, "", 0, 5, conditions]
            )
            response = client.post(
                console_url("scheme_upload", world, scheme.pk),
                {"upload-file": file, "upload-mode": "replace"},
            )
            reach.assertion()
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

    check()
