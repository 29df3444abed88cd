"""Factories for the partners domain: systems, places, organisations, people. Memberships go
through the membership service so object permissions are granted exactly as in production."""

from __future__ import annotations

from typing import Any

import factory
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from factory.django import DjangoModelFactory

from partners import services
from partners.legal_forms import usual_legal_form
from partners.models import Membership, Organisation, Place, Role, Sector, System, User

PASSWORD = "correct-horse-battery-staple"
FIRST_NAMES = ["Alex", "Bea", "Chen", "Dara", "Efe", "Farah", "Gwen", "Hari", "Ines", "Jo"]
LAST_NAMES = [
    "Abbott",
    "Baxter",
    "Cole",
    "Dunn",
    "Ellis",
    "Frost",
    "Grant",
    "Hale",
    "Irwin",
    "Joyce",
]


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.nhs.uk")
    # Names stay free of characters HTML escapes (O'Neill), so tests can look for a name in a
    # page as typed; escaping has tests of its own.
    full_name = factory.Sequence(
        lambda n: (
            f"{FIRST_NAMES[n % len(FIRST_NAMES)]} {LAST_NAMES[n // len(FIRST_NAMES) % len(LAST_NAMES)]}{'' if n < len(FIRST_NAMES) * len(LAST_NAMES) else n}"
        )
    )
    job_title = "Programme manager"
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @classmethod
    def _after_postgeneration(cls, instance: User, create: bool, results: Any = None) -> None:
        if create:
            instance.save()


class SystemFactory(DjangoModelFactory):
    class Meta:
        model = "partners.System"

    name = factory.Sequence(lambda n: f"Test Integrated Care System {n}")
    short_name = factory.Sequence(lambda n: f"TICS{n}")
    slug = factory.Sequence(lambda n: f"test-system-{n}")


class PlaceFactory(DjangoModelFactory):
    class Meta:
        model = "partners.Place"

    system = factory.SubFactory(SystemFactory)
    name = factory.Sequence(lambda n: f"Place {n}")
    slug = factory.Sequence(lambda n: f"place-{n}")
    population = 300_000
    local_authority_footprint = factory.LazyAttribute(lambda o: f"{o.name} Council")


class OrganisationFactory(DjangoModelFactory):
    class Meta:
        model = "partners.Organisation"

    system = factory.SubFactory(SystemFactory)
    name = factory.Sequence(lambda n: f"Organisation {n} NHS Trust")
    sector = Sector.ACUTE_TRUST
    legal_form = factory.LazyAttribute(lambda o: usual_legal_form(o.sector, o.name))


class OrganisationAliasFactory(DjangoModelFactory):
    class Meta:
        model = "partners.OrganisationAlias"

    organisation = factory.SubFactory(OrganisationFactory)
    system = factory.SelfAttribute("organisation.system")
    alias = factory.Sequence(lambda n: f"ALIAS{n}")


class PlacePartnerFactory(DjangoModelFactory):
    class Meta:
        model = "partners.PlacePartner"

    place = factory.SubFactory(PlaceFactory)
    organisation = factory.SubFactory(
        OrganisationFactory, system=factory.SelfAttribute("..place.system")
    )


class AuthenticatorAppFactory(DjangoModelFactory):
    """A confirmed authenticator app (TOTP device) for two-factor sign-in."""

    class Meta:
        model = TOTPDevice

    user = factory.SubFactory(UserFactory)
    name = "Authenticator app"
    confirmed = True


def current_code(device: TOTPDevice) -> str:
    """The code the person's app shows now. The device refuses a code it has already
    accepted, so this also forgets the last accepted one: tests sign in more than once a
    minute."""
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1)
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


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


def partner_in(place: Place, **fields: Any) -> Organisation:
    """An organisation of the place's system that is a partner in the place."""
    organisation = OrganisationFactory(system=place.system, **fields)
    PlacePartnerFactory(place=place, organisation=organisation)
    return organisation
