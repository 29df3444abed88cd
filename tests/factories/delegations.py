"""Factories for schemes of delegation: matter categories, delegate roles, schemes and
their lines. Rows are built directly, as for the structures factories."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from delegations.models import SchemeStatus
from governance.structures.models import Committee
from tests.factories.partners import OrganisationFactory, PlaceFactory, SystemFactory
from tests.factories.structures import CommitteeFactory


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
