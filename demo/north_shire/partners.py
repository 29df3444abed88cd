"""North Shire's places, partner organisations (several with the abbreviations people
really use) and about sixty people in every role."""

from __future__ import annotations

import random

from django.contrib.auth.hashers import make_password

from demo.build.partners import (
    authenticator_app_add,
    organisation_add,
    person_add,
    place_add,
    role_give,
    system_add,
)
from demo.north_shire.sign_ins import DEMO_DOMAIN, DEMO_PASSWORD, DEMO_TOTP_KEY, SYSTEM_SLUG
from partners.legal_forms import LegalForm, usual_legal_form
from partners.models import Neighbourhood, Organisation, Place, Role, Sector, Site, System, User

PLACES = [
    # name, population, council, council abbreviation
    ("Ashworth", 312_000, "Ashworth Borough Council", "ABC"),
    ("Brackenfield", 268_000, "Brackenfield City Council", "BCC"),
    ("Coldharbour", 455_000, "Coldharbour County Council", "CCC"),
    ("Dunmore Coast", 251_000, "Dunmore Coast Council", "DCC"),
    ("Elmsworth", 389_000, "Elmsworth Metropolitan Borough Council", "EMBC"),
]

# Organisations that serve the whole system: name, sector, legal form, aliases, places served.
SYSTEM_ORGANISATIONS: list[tuple[str, str, str, list[str], list[str]]] = [
    (
        "NHS North Shire Integrated Care Board",
        Sector.ICB,
        LegalForm.ICB,
        ["the ICB", "NSICB"],
        ["*"],
    ),
    (
        "Ashworth and Brackenfield Hospitals NHS Trust",
        Sector.ACUTE_TRUST,
        LegalForm.NHS_TRUST,
        ["ABH", "the hospital trust"],
        ["Ashworth", "Brackenfield"],
    ),
    (
        "Royal Coldharbour Hospital NHS Foundation Trust",
        Sector.ACUTE_TRUST,
        LegalForm.NHS_FOUNDATION_TRUST,
        ["RCH", "the Royal"],
        ["Coldharbour", "Dunmore Coast", "Elmsworth"],
    ),
    (
        "North Shire Community Health NHS Trust",
        Sector.COMMUNITY_TRUST,
        LegalForm.NHS_TRUST,
        ["NSCH"],
        ["Ashworth", "Brackenfield", "Coldharbour"],
    ),
    (
        "North Shire Partnership NHS Foundation Trust",
        Sector.MENTAL_HEALTH_TRUST,
        LegalForm.NHS_FOUNDATION_TRUST,
        ["NSPFT", "the partnership trust"],
        ["*"],
    ),
    (
        "Dunmore and Elmsworth Health and Care NHS Trust",
        Sector.COMBINED_TRUST,
        LegalForm.NHS_TRUST,
        ["DEHC"],
        ["Dunmore Coast", "Elmsworth"],
    ),
    (
        "Shires Ambulance Service NHS Trust",
        Sector.AMBULANCE_TRUST,
        LegalForm.NHS_TRUST,
        ["SAS"],
        ["*"],
    ),
    (
        "St Columba's Hospice",
        Sector.HOSPICE,
        LegalForm.VCSE,
        [],
        ["Ashworth", "Brackenfield", "Coldharbour"],
    ),
    ("Seaview Hospice", Sector.HOSPICE, LegalForm.VCSE, [], ["Dunmore Coast", "Elmsworth"]),
    (
        "Holme Valley District Council",
        Sector.DISTRICT_COUNCIL,
        LegalForm.DISTRICT_COUNCIL,
        ["HVDC"],
        ["Coldharbour"],
    ),
    (
        "Fenby District Council",
        Sector.DISTRICT_COUNCIL,
        LegalForm.DISTRICT_COUNCIL,
        [],
        ["Coldharbour"],
    ),
    ("North Shire Health Innovation Network", Sector.OTHER, LegalForm.OTHER, ["the HIN"], ["*"]),
]

FIRST_NAMES = [
    "Amira",
    "Ben",
    "Chloe",
    "Dev",
    "Ella",
    "Femi",
    "Grace",
    "Hassan",
    "Isla",
    "Jack",
    "Kiran",
    "Leah",
    "Marcus",
    "Nadia",
    "Owen",
    "Priya",
    "Quentin",
    "Rosa",
    "Sam",
    "Tariq",
    "Uma",
    "Victor",
    "Wendy",
    "Xavier",
    "Yasmin",
    "Zac",
    "Aled",
    "Bethan",
    "Callum",
    "Deepa",
]
LAST_NAMES = [
    "Adeyemi",
    "Brennan",
    "Chowdhury",
    "Davies",
    "Evans",
    "Fletcher",
    "Gill",
    "Hughes",
    "Iqbal",
    "Jones",
    "Kowalski",
    "Lewis",
    "Mensah",
    "Nowak",
    "O'Brien",
    "Patel",
    "Quinn",
    "Roberts",
    "Shah",
    "Thompson",
    "Usman",
    "Vaughan",
    "Walsh",
    "Xu",
    "Young",
    "Zielinski",
]
MEMBER_TITLES = [
    "Director of Adult Social Care",
    "Director of Public Health",
    "Clinical Director",
    "Chief Operating Officer",
    "Head of Strategy",
    "Chief Executive",
    "Locality Manager",
    "Head of Commissioning",
    "GP Partner",
    "Director of Nursing",
]


def local_organisations(place_name: str, council: str, abbreviation: str) -> list[tuple]:
    """Each place's own partners: name, sector, legal form, aliases."""
    return [
        (
            council,
            Sector.UPPER_TIER_COUNCIL,
            usual_legal_form(Sector.UPPER_TIER_COUNCIL, council),
            [abbreviation, "the council"] if place_name == "Ashworth" else [abbreviation],
        ),
        (
            f"{place_name} Central Primary Care Network",
            Sector.PRIMARY_CARE_NETWORK,
            LegalForm.PRIMARY_CARE_NETWORK,
            [f"{place_name} Central PCN"],
        ),
        (f"{place_name} Road Surgery", Sector.GP_PRACTICE, LegalForm.GP_PRACTICE, []),
        (
            f"{place_name} GP Federation",
            Sector.GP_FEDERATION,
            LegalForm.GP_FEDERATION,
            ["the federation"] if place_name == "Brackenfield" else [],
        ),
        (
            f"{place_name} Community Voluntary Service",
            Sector.VCFSE,
            LegalForm.VCSE,
            [f"{place_name} CVS"],
        ),
        (f"Healthwatch {place_name}", Sector.HEALTHWATCH, LegalForm.HEALTHWATCH, []),
    ]


def all_organisations() -> list[tuple[str, str, str, list[str], list[str]]]:
    """Every organisation of the system as SYSTEM_ORGANISATIONS lists them: the system-wide
    ones, then each place's own (serving that place)."""
    local = [
        (*organisation, [place_name])
        for place_name, _population, council, abbreviation in PLACES
        for organisation in local_organisations(place_name, council, abbreviation)
    ]
    return SYSTEM_ORGANISATIONS + local


# Buildings the trusts run, by the names people write; and each place's neighbourhoods. Both
# identify a place as surely as its name, so the scrubber knows them.
SITES = {
    "Ashworth and Brackenfield Hospitals NHS Trust": ["Kingsmead General Hospital"],
    "Royal Coldharbour Hospital NHS Foundation Trust": ["St Cuthbert's Hospital"],
}
NEIGHBOURHOODS = {
    "Ashworth": ["Millbrook", "Harrowgate"],
    "Dunmore Coast": ["Saltby", "Fennick Bay"],
}


def build_system() -> tuple[System, dict[str, Place]]:
    """The system, its places and their partner organisations; returns the places by name."""
    system = system_add(
        name="North Shire Integrated Care System", short_name="North Shire", slug=SYSTEM_SLUG
    )
    places = {
        name: place_add(system=system, name=name, population=population, council=council)
        for name, population, council, _abbreviation in PLACES
    }
    for name, sector, legal_form, aliases, served in all_organisations():
        organisation_add(
            system=system,
            name=name,
            sector=sector,
            legal_form=legal_form,
            aliases=aliases,
            places=places.values() if served == ["*"] else [places[n] for n in served],
        )
    for organisation_name, site_names in SITES.items():
        organisation = Organisation.objects.get(system=system, name=organisation_name)
        Site.objects.bulk_create(Site(organisation=organisation, name=n) for n in site_names)
    for place_name, neighbourhood_names in NEIGHBOURHOODS.items():
        Neighbourhood.objects.bulk_create(
            Neighbourhood(place=places[place_name], name=n) for n in neighbourhood_names
        )
    return system, places


def build_people(system: System, places: dict[str, Place]) -> None:
    """The superuser, three ICB admins, six advisory and three oversight group members of the
    system, and a lead and nine members in each place. Everyone shares the demo password; the admins and the
    superuser share the demo authenticator key."""
    rng = random.Random(20211)
    password_hash = make_password(DEMO_PASSWORD)
    names = [(first, last) for first in FIRST_NAMES for last in LAST_NAMES]
    rng.shuffle(names)
    name_iter = iter(names)

    def person(local_part: str, title: str) -> User:
        first, last = next(name_iter)
        return person_add(
            email=f"{local_part}@{DEMO_DOMAIN}",
            full_name=f"{first} {last}",
            job_title=title,
            password_hash=password_hash,
        )

    def demo_authenticator_app(user: User) -> None:
        authenticator_app_add(user=user, key=DEMO_TOTP_KEY, name="Authenticator app (demo key)")

    superuser = person_add(
        email=f"superuser@{DEMO_DOMAIN}",
        full_name="Demo Superuser",
        password_hash=password_hash,
        is_staff=True,
        is_superuser=True,
    )
    demo_authenticator_app(superuser)
    icb = Organisation.objects.get(system=system, sector=Sector.ICB)
    for n in range(1, 4):
        user = person(f"icb.admin{'' if n == 1 else n}", "Head of Corporate Governance")
        role_give(actor=superuser, user=user, system=system, role=Role.ICB_ADMIN, organisation=icb)
        demo_authenticator_app(user)
    for n in range(1, 7):
        user = person(f"advisory{n}", "Advisory group member")
        role_give(actor=superuser, user=user, system=system, role=Role.ADVISORY_MEMBER)

    for place in places.values():
        organisations = list(
            Organisation.objects.filter(place_partnerships__place=place).order_by(
                "place_partnerships__pk"
            )
        )
        council = next(o for o in organisations if o.sector == Sector.UPPER_TIER_COUNCIL)
        lead = person(f"lead.{place.slug}", "Place Director")
        role_give(
            actor=superuser,
            user=lead,
            system=system,
            role=Role.PLACE_LEAD,
            place=place,
            organisation=council,
        )
        for n in range(1, 10):
            role_give(
                actor=superuser,
                user=person(f"member{n}.{place.slug}", MEMBER_TITLES[n - 1]),
                system=system,
                role=Role.PLACE_MEMBER,
                place=place,
                organisation=organisations[(n - 1) % len(organisations)],
            )
    # Added after everyone else so that the names drawn for the people above stay the same.
    for n in range(1, 4):
        user = person(f"oversight{n}", "Oversight group member")
        role_give(actor=superuser, user=user, system=system, role=Role.OVERSIGHT_MEMBER)
