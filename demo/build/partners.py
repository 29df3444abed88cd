"""Systems, places, partner organisations with their aliases, people and their roles."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils.text import slugify
from django_otp.plugins.otp_totp.models import TOTPDevice

from demo.build.rows import bulk_insert
from partners import services
from partners.legal_forms import usual_legal_form
from partners.models import (
    Membership,
    Organisation,
    OrganisationAlias,
    Place,
    System,
    User,
    normalise_name,
)


def system_add(*, name: str, short_name: str, slug: str) -> System:
    """A system, as the Django admin sets one up: no service makes systems."""
    return System.objects.create(name=name, short_name=short_name, slug=slug)


def place_add(
    *,
    system: System,
    name: str,
    population: int | None = None,
    council: str = "",
    actor: User | None = None,
) -> Place:
    return services.place_create(
        actor=actor,
        system=system,
        name=name,
        population=population,
        local_authority_footprint=council,
    )


def organisation_add(
    *,
    system: System,
    name: str,
    sector: str,
    legal_form: str | None = None,
    aliases: Iterable[str] = (),
    places: Iterable[Place] = (),
    actor: User | None = None,
) -> Organisation:
    """An organisation with its aliases, a partner in each of `places`; its legal form, unless
    given, the one usual for its sector and name."""
    organisation = services.organisation_create(
        actor=actor,
        system=system,
        name=name,
        sector=sector,
        legal_form=legal_form or usual_legal_form(sector, name),
        aliases=list(aliases),
    )
    for place in places:
        services.place_partner_add(actor=actor, place=place, organisation=organisation)
    return organisation


def person_add(
    *, email: str, full_name: str, password_hash: str, job_title: str = "", **flags: Any
) -> User:
    """A person whose password is already hashed: hashing is slow on purpose, so a data set
    of many people hashes its one password once."""
    return User.objects.create(
        email=email, password=password_hash, full_name=full_name, job_title=job_title, **flags
    )


def role_give(
    *,
    user: User,
    system: System,
    role: str,
    place: Place | None = None,
    organisation: Organisation | None = None,
    actor: User | None = None,
) -> Membership:
    """A current membership, through the service, so object permissions follow it."""
    return services.membership_create(
        actor=actor, user=user, system=system, role=role, place=place, organisation=organisation
    )


def authenticator_app_add(*, user: User, key: str, name: str) -> TOTPDevice:
    """A confirmed authenticator app with a known key, for accounts whose code must be
    readable by whoever tries the data set."""
    return TOTPDevice.objects.create(user=user, name=name, key=key, confirmed=True)


# Unsaved rows, for bulk_insert --------------------------------------------------------------


def place_row(*, system: System, name: str, **fields: Any) -> Place:
    return Place(system=system, name=name, slug=slugify(name)[:80], **fields)


def organisation_row(
    *, system: System, name: str, sector: str, legal_form: str | None = None, **fields: Any
) -> Organisation:
    """An organisation whose normalised name (what the duplicate checks compare) is set as
    the service sets it, and whose legal form, unless given, is the one usual for its sector
    and name."""
    return Organisation(
        system=system,
        name=name,
        normalised_name=normalise_name(name),
        sector=sector,
        legal_form=legal_form or usual_legal_form(sector, name),
        **fields,
    )


def alias_row(*, organisation: Organisation, alias: str) -> OrganisationAlias:
    return OrganisationAlias(
        organisation=organisation,
        system_id=organisation.system_id,
        alias=alias,
        normalised_alias=normalise_name(alias),
    )


def places_bulk(*, system: System, names: Iterable[str]) -> list[Place]:
    """Places of a system, inserted at once."""
    return bulk_insert(Place, (place_row(system=system, name=name) for name in names))


def organisations_bulk(
    *, system: System, names_and_sectors: Iterable[tuple[str, str]], legal_form: str | None
) -> list[Organisation]:
    """Organisations of a system, inserted at once; each of the legal form usual for its sector
    and name unless `legal_form` names one for all."""
    return bulk_insert(
        Organisation,
        (
            organisation_row(system=system, name=name, sector=sector, legal_form=legal_form)
            for name, sector in names_and_sectors
        ),
    )


def system_bulk(
    *,
    name: str,
    short_name: str,
    slug: str,
    place_names: Iterable[str],
    organisations: Iterable[tuple[str, str]],
    legal_form: str | None,
) -> tuple[System, list[Place], list[Organisation]]:
    """A new system with its places and its organisations (name and sector), inserted at
    once: the benchmarks' own systems."""
    system = system_add(name=name, short_name=short_name, slug=slug)
    places = places_bulk(system=system, names=place_names)
    added = organisations_bulk(
        system=system, names_and_sectors=organisations, legal_form=legal_form
    )
    return system, places, added
