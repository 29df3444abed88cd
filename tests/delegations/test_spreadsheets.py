"""Schemes of delegation as spreadsheets: the template, the export, and an import that saves
every row or none."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook

from delegations import matters as matter_tree
from delegations import services, spreadsheets
from delegations.models import Delegation, MatterCategory, SchemeStatus
from partners.models import AuditEvent
from tests.factories import (
    DelegateRoleFactory,
    OrganisationFactory,
    PlaceFactory,
    PlacePartnerFactory,
    SchemeFactory,
    UserFactory,
    joint_committee_of,
    scheme_workbook,
)

pytestmark = pytest.mark.django_db

# The Lines sheet's columns as people see them in the template and the export, in order.
HEADER = (
    "Reference | Matter code | Matter | Delegate type | Delegate | Place | From (£) | Up to (£) | "
    "Conditions | Neighbourhood | Band"
)


def header_of(sheet: Any) -> str:
    return " | ".join(str(cell.value) for cell in sheet[1])


@pytest.fixture
def scheme() -> Any:
    organisation = OrganisationFactory(name="Ashford Council")
    place = PlaceFactory(system=organisation.system, name="Ashford")
    PlacePartnerFactory(place=place, organisation=organisation)
    joint_committee_of(place, organisation, name="Ashford Joint Committee")
    DelegateRoleFactory(organisation=organisation, title="Director of Place")
    matter_tree.matter_tree_ensure(system=organisation.system)
    return SchemeFactory(organisation=organisation, status=SchemeStatus.DRAFT, number=1)


GOOD = [
    [
        "1.1",
        "contract-award",
        "",
        "committee",
        "Ashford Joint Committee",
        "Ashford",
        0,
        250000,
        "Within the agreed budget",
    ],
    ["1.2", "contract-award", "", "role", "Director of Place", "", "250k", "£1m", ""],
    ["2.1", "section-75", "", "reserved", "", "", 0, "", "The board agrees every pooled budget"],
]


def do_import(scheme: Any, file: Any, **kwargs: Any) -> spreadsheets.ImportResult:
    return spreadsheets.scheme_import_xlsx(actor=UserFactory(), scheme=scheme, file=file, **kwargs)


def test_the_template_has_the_columns_a_list_of_delegate_types_and_the_matters(scheme):
    book = load_workbook(
        io.BytesIO(spreadsheets.scheme_template_xlsx(system=scheme.organisation.system))
    )
    assert book.sheetnames == ["Lines", "Instructions", "Matters"]
    assert header_of(book["Lines"]) == HEADER
    validations = book["Lines"].data_validations.dataValidation
    assert any(v.formula1 == '"committee,role,reserved"' for v in validations)
    codes = [row[0] for row in book["Matters"].iter_rows(min_row=2, values_only=True)]
    assert "contract-award" in codes and "section-75" in codes
    assert book["Instructions"]["A1"].value
    assert load_workbook(io.BytesIO(spreadsheets.scheme_template_xlsx()))["Lines"].max_row == 1


def test_a_good_file_imports_every_line(scheme):
    result = do_import(scheme, scheme_workbook(*GOOD))
    assert result.ok and result.imported == 3
    lines = {line.reference: line for line in scheme.delegations.select_related("matter")}
    assert lines["1.1"].delegate_committee.name == "Ashford Joint Committee"
    assert lines["1.1"].place.name == "Ashford"
    assert lines["1.1"].limit_to == Decimal("250000")
    assert lines["1.2"].delegate_role.title == "Director of Place"
    assert lines["1.2"].limit_from == Decimal("250000") and lines["1.2"].limit_to == Decimal(
        "1000000"
    )
    assert lines["2.1"].reserved and lines["2.1"].limit_to is None
    event = AuditEvent.objects.get(action="delegation.import")
    assert event.details["imported"] == 3


def test_an_import_replaces_the_drafts_lines_or_adds_to_them(scheme):
    do_import(scheme, scheme_workbook(*GOOD))
    do_import(scheme, scheme_workbook(GOOD[0]))
    assert scheme.delegations.count() == 1
    result = do_import(scheme, scheme_workbook(GOOD[1]), replace=False)
    assert result.ok and scheme.delegations.count() == 2
    # Adding a line the scheme already has overlaps it.
    clash = do_import(scheme, scheme_workbook(GOOD[1]), replace=False)
    assert [str(e) for e in clash.errors] == [
        "Row 2, From (£): Line 1.2 already covers values over £250,000 up to and including "
        "£1,000,000 for this matter. Change the From or Up to amount so the two lines share "
        "no value."
    ]


def test_a_file_with_bad_rows_imports_nothing_and_names_each_row(scheme):
    do_import(scheme, scheme_workbook(GOOD[0]))
    bad = scheme_workbook(
        GOOD[0],
        ["", "no-such-matter", "", "committee", "Ashford Joint Committee", "", 0, 10, ""],
        ["", "contract-award", "", "committee", "Nobody's Board", "", 0, 10, ""],
        ["", "contract-award", "", "role", "Director of Place", "Nowhere", 0, 10, ""],
        ["", "virement", "", "role", "Director of Place", "", "lots", "a million", ""],
        ["", "virement", "", "role", "Director of Place", "", 500, 100, ""],
        ["", "write-offs", "", "boss", "", "", 0, 10, ""],
        ["", "contract-award", "", "role", "Director of Place", "", 100000, 500000, ""],
    )
    result = do_import(scheme, bad)
    assert not result.ok
    messages = [str(e) for e in result.errors]
    assert (
        "Row 3, Matter code: there is no matter with the code no-such-matter: use one from "
        "the Matters sheet" in messages
    )
    assert any(
        m.startswith("Row 4, Delegate: there is no committee called Nobody") for m in messages
    )
    assert "Row 5, Place: there is no place called Nowhere" in messages
    assert "Row 6, From (£): enter an amount in pounds, like 250000 or £2.5m" in messages
    assert "Row 6, Up to (£): enter an amount in pounds, like 250000 or £2.5m" in messages
    assert any(
        m.startswith("Row 7, Up to (£): The 'up to' value must be at least") for m in messages
    )
    assert "Row 8, Delegate type: enter committee, role or reserved" in messages
    assert (
        "Row 9, From (£): Row 2 already covers values up to and including £250,000 for this "
        "matter. Change the From or Up to amount so the two lines share no value." in messages
    )
    # Nothing saved: the draft keeps its one line from before.
    assert list(scheme.delegations.values_list("reference", flat=True)) == ["1.1"]


def test_a_delegate_outside_the_place_is_named_by_row(scheme):
    elsewhere = PlaceFactory(system=scheme.organisation.system, name="Brookfield")
    joint_committee_of(elsewhere, scheme.organisation, name="Brookfield Joint Committee")
    result = do_import(
        scheme,
        scheme_workbook(
            ["", "contract-award", "", "committee", "Brookfield Joint Committee", "", 0, 10, ""]
        ),
    )
    assert [str(e) for e in result.errors] == [
        "Row 2, Delegate: there is no committee called Brookfield Joint Committee in a place where "
        "Ashford Council is a partner"
    ]


def test_contradicting_rows_are_refused(scheme):
    result = do_import(
        scheme,
        scheme_workbook(
            ["", "contracts", "", "reserved", "", "", 1000000, "", ""],
            ["", "contract-award", "", "role", "Director of Place", "", 2000000, "", ""],
        ),
    )
    assert len(result.errors) == 1
    assert result.errors[0].row == 3 and result.errors[0].column == "Delegate type"
    assert "reserves Contracts" in result.errors[0].message
    assert not Delegation.objects.exists()


def test_export_then_import_gives_the_same_lines(scheme):
    do_import(scheme, scheme_workbook(*GOOD))
    before = sorted(
        (d.reference, d.matter.code, d.limit_from, d.limit_to, d.conditions, d.reserved)
        for d in scheme.delegations.select_related("matter")
    )
    exported = spreadsheets.scheme_export_xlsx(scheme)
    sheet = load_workbook(io.BytesIO(exported))["Lines"]
    assert header_of(sheet) == HEADER
    assert sheet.max_row == 4
    # The three lines of GOOD as a person reads them back: the matter named beside its code,
    # "250k" and "£1m" written out in pounds, and the Band column saying in words what each
    # line covers (the import reads past it). Empty cells stay empty.
    assert [list(row) for row in sheet.iter_rows(min_row=2, values_only=True)] == [
        [
            "1.1",
            "contract-award",
            "Awarding a contract",
            "committee",
            "Ashford Joint Committee",
            "Ashford",
            "0",
            "250000",
            "Within the agreed budget",
            None,
            "up to and including £250,000",
        ],
        [
            "1.2",
            "contract-award",
            "Awarding a contract",
            "role",
            "Director of Place",
            None,
            "250000",
            "1000000",
            None,
            None,
            "over £250,000 up to and including £1,000,000",
        ],
        [
            "2.1",
            "section-75",
            "Section 75 pooled budget arrangements",
            "reserved",
            None,
            None,
            "0",
            None,
            "The board agrees every pooled budget",
            None,
            "any value",
        ],
    ]
    second = services.scheme_create(
        actor=None,
        organisation=scheme.organisation,
        effective_from=date(2026, 4, 1),
        copy_lines=False,
    )
    assert do_import(second, io.BytesIO(exported)).ok
    after = sorted(
        (d.reference, d.matter.code, d.limit_from, d.limit_to, d.conditions, d.reserved)
        for d in second.delegations.select_related("matter")
    )
    assert after == before


def test_formula_text_is_exported_as_text_and_comes_back_as_text(scheme):
    do_import(
        scheme,
        scheme_workbook(
            ["=1+1", "contract-award", "", "reserved", "", "", 0, "", '=HYPERLINK("x")']
        ),
    )
    line = scheme.delegations.get()
    assert line.conditions == '=HYPERLINK("x")' and line.reference == "=1+1"
    sheet = load_workbook(io.BytesIO(spreadsheets.scheme_export_xlsx(scheme)))["Lines"]
    row = list(sheet[2])
    assert row[8].value == '\'=HYPERLINK("x")' and row[8].data_type == "s"
    assert row[0].value == "'=1+1"
    assert all(c.data_type == "s" for c in row if c.value is not None)
    second = services.scheme_create(
        actor=None,
        organisation=scheme.organisation,
        effective_from=date(2026, 4, 1),
        copy_lines=False,
    )
    assert do_import(second, io.BytesIO(spreadsheets.scheme_export_xlsx(scheme))).ok
    assert second.delegations.get().conditions == '=HYPERLINK("x")'


def test_files_that_are_not_workbooks_or_too_big_are_refused(scheme):
    not_xlsx = do_import(scheme, io.BytesIO(b"Reference,Matter code\n1,contracts\n"))
    assert "must be an Excel workbook" in not_xlsx.problem
    big = do_import(scheme, io.BytesIO(b"PK" + b"0" * (spreadsheets.MAX_UPLOAD_BYTES + 1)))
    assert "larger than 2 MB" in big.problem
    wrong_sheet = Workbook()
    wrong_sheet.active.title = "Sheet1"
    out = io.BytesIO()
    wrong_sheet.save(out)
    out.seek(0)
    assert "no sheet called Lines" in do_import(scheme, out).problem
    assert not Delegation.objects.exists()


def test_a_scheme_in_force_takes_no_import(scheme):
    scheme.status = SchemeStatus.IN_FORCE
    scheme.save()
    result = do_import(scheme, scheme_workbook(*GOOD))
    assert "new version" in result.problem
    assert not Delegation.objects.exists()


def test_matter_codes_are_matched_whatever_their_case(scheme):
    result = do_import(
        scheme, scheme_workbook(["", "Contract-Award", "", "Reserved", "", "", "", "", ""])
    )
    assert result.ok
    assert scheme.delegations.get().matter == MatterCategory.objects.get(
        system=scheme.organisation.system, code="contract-award"
    )
