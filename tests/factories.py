"""Factories for the partners domain. Memberships go through the membership service so
object permissions are granted exactly as in production."""

from __future__ import annotations

from typing import Any

import factory
from factory.django import DjangoModelFactory

from partners import services
from partners.models import (
    Membership,
    Organisation,
    OrganisationAlias,
    Place,
    PlacePartner,
    Role,
    Sector,
    System,
    User,
)

PASSWORD = "correct-horse-battery-staple"


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.nhs.uk")
    full_name = factory.Faker("name", locale="en_GB")
    job_title = "Programme manager"
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @classmethod
    def _after_postgeneration(cls, instance: User, create: bool, results: Any = None) -> None:
        if create:
            instance.save()


class SystemFactory(DjangoModelFactory):
    class Meta:
        model = System

    name = factory.Sequence(lambda n: f"Test Integrated Care System {n}")
    short_name = factory.Sequence(lambda n: f"TICS{n}")
    slug = factory.Sequence(lambda n: f"test-system-{n}")


class PlaceFactory(DjangoModelFactory):
    class Meta:
        model = Place

    system = factory.SubFactory(SystemFactory)
    name = factory.Sequence(lambda n: f"Place {n}")
    slug = factory.Sequence(lambda n: f"place-{n}")
    population = 300_000
    local_authority_footprint = factory.LazyAttribute(lambda o: f"{o.name} Council")


class OrganisationFactory(DjangoModelFactory):
    class Meta:
        model = Organisation

    system = factory.SubFactory(SystemFactory)
    name = factory.Sequence(lambda n: f"Organisation {n} NHS Trust")
    sector = Sector.ACUTE_TRUST
    is_statutory = True


class OrganisationAliasFactory(DjangoModelFactory):
    class Meta:
        model = OrganisationAlias

    organisation = factory.SubFactory(OrganisationFactory)
    system = factory.SelfAttribute("organisation.system")
    alias = factory.Sequence(lambda n: f"ALIAS{n}")


class PlacePartnerFactory(DjangoModelFactory):
    class Meta:
        model = PlacePartner

    place = factory.SubFactory(PlaceFactory)
    organisation = factory.SubFactory(
        OrganisationFactory, system=factory.SelfAttribute("..place.system")
    )


def make_member(
    *,
    place: Place | None = None,
    system: System | None = None,
    role: str = Role.PLACE_MEMBER,
    user: User | None = None,
    organisation: Organisation | None = None,
) -> User:
    """A person with one current membership, made through the service (so permissions follow)."""
    user = user or UserFactory()
    if place is not None:
        system = place.system
    assert system is not None
    services.membership_create(
        actor=None, user=user, system=system, role=role, place=place, organisation=organisation
    )
    return user


def membership_of(user: User, place: Place) -> Membership:
    return Membership.objects.current().get(user=user, place=place)
