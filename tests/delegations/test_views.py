"""The delegation pages: the console's schemes, lines, spreadsheets, matters and roles for ICB
admins, and the read-only page for a place's readers."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from delegations import services, spreadsheets
from delegations.models import DelegateRole, Delegation, MatterCategory, SchemeStatus
from tests.conftest import World
from tests.dates import date_boxes
from tests.delegations.conftest import Council
from tests.factories import (
    DelegateRoleFactory,
    DelegationFactory,
    OrganisationFactory,
    PlacePartnerFactory,
    SchemeFactory,
    joint_committee_of,
    scheme_workbook,
)
from tests.queries import page_query_count

pytestmark = pytest.mark.django_db


@dataclass
class Records:
    world: World
    organisation: Any
    committee: Any
    role: Any
    scheme: Any
    award: MatterCategory
    finance: MatterCategory

    def url(self, name: str, *args: Any) -> str:
        return reverse(f"console:{name}", args=[self.world.system.slug, *args])


@pytest.fixture
def records(world: World, council: Council) -> Records:
    matters = {m.code: m for m in MatterCategory.objects.filter(system=world.system)}
    return Records(
        world=world,
        organisation=council.organisation,
        committee=council.committee,
        role=DelegateRoleFactory(organisation=council.organisation, title="Director of Place"),
        scheme=council.scheme,
        award=matters["contract-award"],
        finance=matters["finance"],
    )


def line_data(r: Records, prefix: str = "new-line", **overrides: Any) -> dict[str, Any]:
    data = {
        "matter": r.award.pk,
        "delegate_type": "committee",
        "delegate_committee": r.committee.pk,
        "delegate_role": "",
        "limit_from": "0",
        "limit_to": "250000",
        "place": "",
        "conditions": "",
        "reference": "3.1",
        **overrides,
    }
    return {f"{prefix}-{key}": value for key, value in data.items()}


@pytest.fixture
def admin(client, records):
    client.force_login(records.world.icb_admin)
    return client


# The console ------------------------------------------------------------------------------


def test_the_schemes_list_shows_each_organisations_versions(admin, records):
    DelegationFactory(
        scheme=records.scheme, matter=records.award, delegate_committee=records.committee
    )
    page = admin.get(records.url("schemes")).content.decode()
    assert "Ashford Council" in page and "Version 1" in page
    assert "Draft" in page and "Start a scheme" in page
    assert '<span class="nhsuk-table-responsive__heading" aria-hidden="true">Lines </span>1' in page


@pytest.mark.parametrize("role", ["member_a", "lead_a", "advisory", "other_icb_admin"])
def test_only_the_systems_icb_admins_reach_the_console_pages(client, records, role):
    client.force_login(getattr(records.world, role))
    assert client.get(records.url("schemes")).status_code == 404
    assert client.get(records.url("scheme", records.scheme.pk)).status_code == 404


def test_starting_a_scheme(admin, records):
    response = admin.post(
        records.url("scheme_add"),
        {
            "organisation": records.organisation.pk,
            **date_boxes("effective_from", date(2026, 4, 1)),
            "notes": "",
        },
    )
    assert response.status_code == 302
    scheme = records.organisation.schemes_of_delegation.get(number=2)
    assert scheme.status == SchemeStatus.DRAFT
    assert response["Location"] == records.url("scheme", scheme.pk)


def test_starting_a_scheme_without_a_date_says_so(admin, records):
    response = admin.post(records.url("scheme_add"), {"organisation": records.organisation.pk})
    assert response.status_code == 200
    assert "Enter the date the scheme takes effect" in response.content.decode()


def test_the_scheme_page_groups_lines_by_matter_with_their_bands(admin, records):
    DelegationFactory(
        scheme=records.scheme,
        matter=records.award,
        delegate_committee=records.committee,
        limit_to=Decimal("250000"),
        conditions="Within budget",
    )
    DelegationFactory(scheme=records.scheme, matter=records.finance, reserved=True)
    page = admin.get(records.url("scheme", records.scheme.pk)).content.decode()
    assert "Contracts: Awarding a contract" in page
    assert "Up to and including £250,000" in page and "Within budget" in page
    assert "Reserved to the board" in page and "Any value" in page
    assert "Bring into force" in page and "Add a line" in page
    # In the tree's order: Contracts (and the matters beneath it) before Finance.
    DelegationFactory(
        scheme=records.scheme,
        matter=records.award.parent,
        reserved=True,
        limit_from=Decimal("5000000"),
    )
    page = admin.get(records.url("scheme", records.scheme.pk)).content.decode()
    headings = [
        page.index(f'colspan="6">{name}</th>')
        for name in ("Contracts", "Contracts: Awarding a contract", "Finance")
    ]
    assert headings == sorted(headings)


def test_adding_a_line_without_javascript(admin, records):
    response = admin.post(records.url("line_add", records.scheme.pk), line_data(records))
    assert response.status_code == 302
    line = Delegation.objects.get()
    assert line.limit_to == Decimal("250000") and line.delegate_committee == records.committee


def test_line_amounts_are_read_as_people_write_them_and_shown_back_with_commas(
    admin, records, htmx_headers
):
    data = line_data(records, limit_from="£250k", limit_to="2.5m")
    assert admin.post(records.url("line_add", records.scheme.pk), data).status_code == 302
    line = Delegation.objects.get()
    assert (line.limit_from, line.limit_to) == (Decimal("250000"), Decimal("2500000"))
    form = admin.get(records.url("line_edit", line.pk), **htmx_headers).content.decode()
    assert 'value="250,000"' in form and 'value="2,500,000"' in form


@pytest.mark.parametrize(
    ("limit_from", "limit_to", "message"),
    [
        ("lots", "", "Enter an amount in pounds, for example 250000, £250,000 or 2.5m."),
        ("", "", "Enter the amount the band starts from: 0 for any amount."),
        ("0", "-5", "Enter £0 or more: an amount cannot be negative."),
        ("0", "10.001", "Enter an amount in pounds"),
    ],
)
def test_a_bad_amount_is_explained_on_the_line_form(
    admin, records, htmx_headers, limit_from, limit_to, message
):
    data = line_data(records, limit_from=limit_from, limit_to=limit_to)
    page = admin.post(
        records.url("line_add", records.scheme.pk), data, **htmx_headers
    ).content.decode()
    assert message in page
    assert f'value="{limit_from}"' in page or not limit_from  # what was typed stays
    assert not Delegation.objects.exists()


def test_a_refused_line_shows_its_error_in_place(admin, records, htmx_headers):
    DelegationFactory(
        scheme=records.scheme,
        matter=records.award,
        delegate_committee=records.committee,
        reference="3.0",
        limit_to=Decimal("500000"),
    )
    response = admin.post(
        records.url("line_add", records.scheme.pk), line_data(records), **htmx_headers
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in page and 'id="scheme-lines"' in page
    assert (
        "Line 3.0 already covers values up to and including £500,000 for this matter. Change "
        "the From or Up to amount so the two lines share no value." in page
    )
    assert Delegation.objects.count() == 1


def test_a_delegate_outside_the_place_is_refused_on_the_form(admin, records, htmx_headers):
    outsider = OrganisationFactory(system=records.world.system)
    PlacePartnerFactory(place=records.world.place_b, organisation=outsider)
    data = line_data(records, **{"delegate_type": "role", "delegate_role": records.role.pk})
    data["new-line-place"] = records.world.place_b.pk
    page = admin.post(
        records.url("line_add", records.scheme.pk), data, **htmx_headers
    ).content.decode()
    assert "Select a valid choice" in page  # place B is not offered: the council is no partner
    assert not Delegation.objects.exists()


def test_changing_and_removing_a_line_in_place(admin, records, htmx_headers):
    line = DelegationFactory(
        scheme=records.scheme, matter=records.award, delegate_committee=records.committee
    )
    form = admin.get(records.url("line_edit", line.pk), **htmx_headers).content.decode()
    assert "Save the line" in form and "<html" not in form
    response = admin.post(
        records.url("line_edit", line.pk),
        line_data(records, prefix=f"line-{line.pk}", delegate_type="reserved"),
        **htmx_headers,
    )
    assert "Saved the line" in response.content.decode()
    line.refresh_from_db()
    assert line.reserved and line.delegate_committee is None
    response = admin.post(records.url("line_remove", line.pk), **htmx_headers)
    assert "Removed the line" in response.content.decode()
    assert not Delegation.objects.exists()


def test_bringing_a_scheme_into_force_locks_its_lines(admin, records):
    DelegationFactory(
        scheme=records.scheme, matter=records.award, delegate_committee=records.committee
    )
    response = admin.post(records.url("scheme_in_force", records.scheme.pk), follow=True)
    page = response.content.decode()
    assert "is in force from" in page
    assert "Start a new version" in page and "Add the line" not in page
    records.scheme.refresh_from_db()
    assert records.scheme.status == SchemeStatus.IN_FORCE
    line = records.scheme.delegations.get()
    response = admin.post(records.url("line_remove", line.pk), follow=True)
    assert "start a new version" in response.content.decode().lower()
    assert Delegation.objects.count() == 1


def test_an_empty_scheme_is_not_brought_into_force(admin, records):
    response = admin.post(records.url("scheme_in_force", records.scheme.pk), follow=True)
    assert "Add at least one line" in response.content.decode()


def test_changing_the_schemes_details(admin, records):
    response = admin.post(
        records.url("scheme_edit", records.scheme.pk),
        {
            **date_boxes("effective_from", date(2026, 4, 1)),
            "approved_by": "The council's cabinet",
            "version": 1,
        },
    )
    assert response.status_code == 302
    records.scheme.refresh_from_db()
    assert records.scheme.approved_by == "The council's cabinet"
    stale = admin.post(
        records.url("scheme_edit", records.scheme.pk),
        {**date_boxes("effective_from", date(2026, 4, 1)), "approved_by": "Someone", "version": 1},
    )
    assert "Someone else changed this scheme" in stale.content.decode()


def test_uploading_a_good_spreadsheet(admin, records):
    file = scheme_workbook(
        ["1", "contract-award", "", "committee", "Ashford Joint Committee", "", 0, 5, ""]
    )
    response = admin.post(
        records.url("scheme_upload", records.scheme.pk),
        {"upload-file": file, "upload-mode": "replace"},
        follow=True,
    )
    assert "Imported 1 line." in response.content.decode()
    assert Delegation.objects.count() == 1


def test_uploading_a_spreadsheet_with_bad_rows_lists_them_and_saves_nothing(admin, records):
    file = scheme_workbook(
        ["1", "contract-award", "", "committee", "Ashford Joint Committee", "", 0, 5, ""],
        ["2", "contract-award", "", "committee", "Ashford Joint Committee", "", 0, "five", ""],
    )
    response = admin.post(
        records.url("scheme_upload", records.scheme.pk),
        {"upload-file": file, "upload-mode": "replace"},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "nhsuk-error-summary" in page and "Nothing has been saved" in page
    assert "Row 3, Up to (£): enter an amount in pounds, like 250000 or £2.5m" in page
    assert not Delegation.objects.exists()


def test_uploading_something_that_is_not_a_workbook_is_refused(admin, records):
    file = io.BytesIO(b"Reference,Matter code\n")
    file.name = "scheme.csv"
    response = admin.post(
        records.url("scheme_upload", records.scheme.pk),
        {"upload-file": file, "upload-mode": "replace"},
    )
    assert "must be an Excel workbook (.xlsx)" in response.content.decode()


def test_downloading_the_scheme_and_the_template(admin, records):
    DelegationFactory(
        scheme=records.scheme, matter=records.award, delegate_committee=records.committee
    )
    response = admin.get(records.url("scheme_download", records.scheme.pk))
    assert response["Content-Type"] == spreadsheets.CONTENT_TYPE
    assert "attachment" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content))["Lines"]
    assert sheet["B2"].value == "contract-award"
    template = admin.get(records.url("scheme_template"))
    assert load_workbook(io.BytesIO(template.content)).sheetnames == [
        "Lines",
        "Instructions",
        "Matters",
    ]


def test_the_scheme_page_query_count_does_not_grow_with_its_lines(admin, records):
    def count() -> int:
        return page_query_count(admin, records.url("scheme", records.scheme.pk))

    DelegationFactory(
        scheme=records.scheme,
        matter=records.award,
        delegate_committee=records.committee,
        limit_to=Decimal("10"),
    )
    few = count()
    for n in range(1, 9):
        DelegationFactory(
            scheme=records.scheme,
            matter=records.finance if n % 2 else records.award,
            delegate_role=records.role,
            limit_from=Decimal(n * 100),
            limit_to=Decimal(n * 100 + 50),
        )
    assert count() == few


def test_matter_categories_page(admin, records):
    page = admin.get(records.url("matters")).content.decode()
    assert "Strategy and priorities" in page and "section-75" in page
    response = admin.post(
        records.url("matter_add"),
        {"matter-name": "Estates", "matter-code": "estates", "matter-parent": ""},
        follow=True,
    )
    assert "Added the matter Estates" in response.content.decode()
    estates = MatterCategory.objects.get(code="estates")
    response = admin.post(
        records.url("matter_edit", estates.pk),
        {"matter-name": "Estates and buildings", "matter-code": "estates"},
    )
    assert response.status_code == 302
    estates.refresh_from_db()
    assert estates.name == "Estates and buildings"
    duplicate = admin.post(
        records.url("matter_add"), {"matter-name": "Again", "matter-code": "estates"}
    )
    assert "already exists" in duplicate.content.decode()
    DelegationFactory(scheme=records.scheme, matter=estates, delegate_committee=records.committee)
    refused = admin.post(records.url("matter_remove", estates.pk), follow=True)
    assert "cannot be removed" in refused.content.decode()


def test_the_default_matters_are_added_once(admin, records):
    MatterCategory.objects.filter(parent__isnull=False).exclude(code="contract-award").delete()
    response = admin.post(records.url("matter_add"), {"defaults": "1"}, follow=True)
    assert "default matters" in response.content.decode()
    again = admin.post(records.url("matter_add"), {"defaults": "1"}, follow=True)
    assert "Every default matter is already here" in again.content.decode()


def test_delegate_roles_page(admin, records):
    page = admin.get(records.url("delegate_roles")).content.decode()
    assert "Director of Place" in page
    response = admin.post(
        records.url("delegate_role_add"),
        {
            "role-organisation": records.organisation.pk,
            "role-title": "Place Director",
            "role-place": records.world.place_a.pk,
            "role-is_individual_director": "on",
        },
    )
    assert response.status_code == 302
    role = DelegateRole.objects.get(title="Place Director")
    assert role.is_individual_director and role.place == records.world.place_a
    refused = admin.post(
        records.url("delegate_role_add"),
        {
            "role-organisation": records.organisation.pk,
            "role-title": "Elsewhere",
            "role-place": records.world.place_b.pk,
        },
    )
    assert "is not a partner of Brookfield" in refused.content.decode()
    response = admin.post(
        records.url("delegate_role_edit", role.pk),
        {"role-title": "Director", "role-is_active": "on"},
    )
    assert response.status_code == 302
    role.refresh_from_db()
    assert role.title == "Director" and role.place is None


# The place's page -------------------------------------------------------------------------


def test_place_readers_see_the_in_force_lines_that_apply_to_their_place(client, records):
    world = records.world
    PlacePartnerFactory(place=world.place_b, organisation=records.organisation)
    DelegationFactory(
        scheme=records.scheme,
        matter=records.award,
        delegate_committee=records.committee,
        limit_to=Decimal("250000"),
        place=world.place_a,
    )
    DelegationFactory(
        scheme=records.scheme,
        matter=records.finance,
        delegate_committee=joint_committee_of(
            world.place_b, records.organisation, name="Brookfield Joint Committee"
        ),
        place=world.place_b,
    )
    services.scheme_bring_into_force(actor=None, scheme=records.scheme)
    draft = SchemeFactory(organisation=records.organisation, status=SchemeStatus.DRAFT, number=2)
    DelegationFactory(scheme=draft, matter=records.finance, reserved=True, conditions="Draft only")
    url = reverse("delegations_place:delegations", args=[world.place_a.pk])
    for role in ("member_a", "lead_a", "icb_admin"):
        client.force_login(getattr(world, role))
        page = client.get(url).content.decode()
        assert "Ashford Council" in page and "Up to and including £250,000" in page
        assert "Ashford Joint Committee" in page
        assert "Brookfield Joint Committee" not in page and "Draft only" not in page
    for role in ("member_b", "advisory", "other_icb_admin"):
        client.force_login(getattr(world, role))
        assert client.get(url).status_code == 404


def test_a_place_with_no_schemes_in_force_says_so(client, records):
    client.force_login(records.world.member_a)
    page = client.get(reverse("delegations_place:delegations", args=[records.world.place_a.pk]))
    assert "has a scheme of delegation in force yet" in page.content.decode()
