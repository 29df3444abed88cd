"""Factories for a place's bodies: committees, their members, terms of reference.

They build rows directly (like the partners factories) so a test can set up exactly the
situation it checks, including ones the services would refuse; tests of the services' rules
call the services themselves."""

from __future__ import annotations

import factory
from factory.django import DjangoModelFactory

from governance.structures.models import CommitteeKind, TorStatus
from tests.factories.partners import OrganisationFactory, PlaceFactory


class CommitteeFactory(DjangoModelFactory):
    class Meta:
        model = "governance.Committee"

    place = factory.SubFactory(PlaceFactory)
    name = factory.Sequence(lambda n: f"Committee {n}")
    kind = CommitteeKind.PARTNERSHIP_BOARD


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
