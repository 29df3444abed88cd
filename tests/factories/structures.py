"""Factories for how a place is governed: its bodies (committees, their members, terms of
reference) and the schemes of delegation that route decisions to them (matter categories,
delegate roles, schemes and their lines).

They build rows directly (like the partners factories) so a test can set up exactly the
situation it checks, including ones the services would refuse; tests of the services' rules
call the services themselves."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal
from typing import Any

import factory
from factory.django import DjangoModelFactory
from openpyxl import Workbook

from delegations.models import SchemeStatus
from delegations.spreadsheets import COLUMNS, LINES
from governance.structures.models import Committee, CommitteeKind, TorStatus
from tests.factories.partners import OrganisationFactory, PlaceFactory, SystemFactory


class CommitteeFactory(DjangoModelFactory):
    class Meta:
        model = "governance.Committee"

    place = factory.SubFactory(PlaceFactory)
    name = factory.Sequence(lambda n: f"Committee {n}")
    kind = CommitteeKind.PARTNERSHIP_BOARD

    @factory.post_generation
    def parties(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        """`parties=[…]`: the organisations that form a joint committee."""
        if create and extracted:
            self.parties.set(extracted)


class CommitteeMemberFactory(DjangoModelFactory):
    class Meta:
        model = "governance.CommitteeMember"

    committee = factory.SubFactory(CommitteeFactory)
    organisation = factory.SubFactory(
        OrganisationFactory, system=factory.SelfAttribute("..committee.place.system")
    )
    role_title = factory.Sequence(lambda n: f"Director {n}")


class TermsOfReferenceFactory(DjangoModelFactory):
    class Meta:
        model = "governance.TermsOfReference"

    committee = factory.SubFactory(CommitteeFactory)
    number = factory.Sequence(lambda n: n + 1)
    status = TorStatus.DRAFT
    purpose = "To agree the place's priorities and oversee delivery."


class MatterCategoryFactory(DjangoModelFactory):
    class Meta:
        model = "delegations.MatterCategory"

    system = factory.SubFactory(SystemFactory)
    code = factory.Sequence(lambda n: f"matter-{n}")
    name = factory.Sequence(lambda n: f"Matter {n}")


class DelegateRoleFactory(DjangoModelFactory):
    class Meta:
        model = "delegations.DelegateRole"

    organisation = factory.SubFactory(OrganisationFactory)
    title = factory.Sequence(lambda n: f"Place Director {n}")


class SchemeFactory(DjangoModelFactory):
    class Meta:
        model = "delegations.SchemeOfDelegation"

    organisation = factory.SubFactory(OrganisationFactory)
    number = factory.Sequence(lambda n: n + 1)
    status = SchemeStatus.IN_FORCE
    effective_from = date(2025, 4, 1)


class DelegationFactory(DjangoModelFactory):
    """A line delegating to a committee unless `delegate_role` or `reserved=True` is given."""

    class Meta:
        model = "delegations.Delegation"

    scheme = factory.SubFactory(SchemeFactory)
    matter = factory.SubFactory(
        MatterCategoryFactory, system=factory.SelfAttribute("..scheme.organisation.system")
    )
    limit_from = Decimal("0")
    limit_to = None

    @factory.lazy_attribute
    def delegate_committee(self) -> Committee | None:
        if self.reserved or getattr(self, "delegate_role", None) is not None:
            return None
        return CommitteeFactory(place=PlaceFactory(system=self.scheme.organisation.system))

    reserved = False
    delegate_role = None


def joint_committee_of(place: Any, *parties: Any, name: str = "Ashford Joint Committee") -> Any:
    """A joint committee of the place formed by `parties`, to which their schemes may
    delegate."""
    return CommitteeFactory(
        place=place, name=name, kind=CommitteeKind.JOINT_COMMITTEE, parties=list(parties)
    )


def contract_matters(system: Any) -> tuple[Any, Any]:
    """The matters "Contracts" and, under it, "Contract award" (code `award`): the matter the
    decision-router tests ask about."""
    contracts = MatterCategoryFactory(system=system, name="Contracts", code="contracts")
    award = MatterCategoryFactory(
        system=system, name="Contract award", code="award", parent=contracts
    )
    return contracts, award


def scheme_workbook(*rows: list[Any]) -> io.BytesIO:
    """An uploaded scheme spreadsheet: the lines sheet with its header row and `rows`."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = LINES
    sheet.append(list(COLUMNS))
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    out.name = "scheme.xlsx"
    return out
