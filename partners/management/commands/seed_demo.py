"""A fictional integrated care system to explore the product with: five places, about forty
partner organisations of every sector (several with the abbreviations people really use),
and about sixty people in every role. Deterministic: the same data on every run."""

from __future__ import annotations

import random
from typing import Any

from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand
from django.db import transaction

from partners import services
from partners.models import Organisation, Place, Role, Sector, System, User

DEMO_PASSWORD = "place-governance-demo"  # noqa: S105 - published demo sign-in, local data only
DEMO_DOMAIN = "north-shire.example"
SYSTEM_SLUG = "north-shire"

PLACES = [
    # name, population, council, council abbreviation
    ("Ashworth", 312_000, "Ashworth Borough Council", "ABC"),
    ("Brackenfield", 268_000, "Brackenfield City Council", "BCC"),
    ("Coldharbour", 455_000, "Coldharbour County Council", "CCC"),
    ("Dunmore Coast", 251_000, "Dunmore Coast Council", "DCC"),
    ("Elmsworth", 389_000, "Elmsworth Metropolitan Borough Council", "EMBC"),
]

# Organisations that serve the whole system: name, sector, statutory, aliases, places served.
SYSTEM_ORGANISATIONS: list[tuple[str, str, bool, list[str], list[str]]] = [
    ("NHS North Shire Integrated Care Board", Sector.ICB, True, ["the ICB", "NSICB"], ["*"]),
    (
        "Ashworth and Brackenfield Hospitals NHS Trust",
        Sector.ACUTE_TRUST,
        True,
        ["ABH", "the hospital trust"],
        ["Ashworth", "Brackenfield"],
    ),
    (
        "Royal Coldharbour Hospital NHS Foundation Trust",
        Sector.ACUTE_TRUST,
        True,
        ["RCH", "the Royal"],
        ["Coldharbour", "Dunmore Coast", "Elmsworth"],
    ),
    (
        "North Shire Community Health NHS Trust",
        Sector.COMMUNITY_TRUST,
        True,
        ["NSCH"],
        ["Ashworth", "Brackenfield", "Coldharbour"],
    ),
    (
        "North Shire Partnership NHS Foundation Trust",
        Sector.MENTAL_HEALTH_TRUST,
        True,
        ["NSPFT", "the partnership trust"],
        ["*"],
    ),
    (
        "Dunmore and Elmsworth Health and Care NHS Trust",
        Sector.COMBINED_TRUST,
        True,
        ["DEHC"],
        ["Dunmore Coast", "Elmsworth"],
    ),
    ("Shires Ambulance Service NHS Trust", Sector.AMBULANCE_TRUST, True, ["SAS"], ["*"]),
    (
        "St Columba's Hospice",
        Sector.HOSPICE,
        False,
        [],
        ["Ashworth", "Brackenfield", "Coldharbour"],
    ),
    ("Seaview Hospice", Sector.HOSPICE, False, [], ["Dunmore Coast", "Elmsworth"]),
    ("Holme Valley District Council", Sector.DISTRICT_COUNCIL, True, ["HVDC"], ["Coldharbour"]),
    ("Fenby District Council", Sector.DISTRICT_COUNCIL, True, [], ["Coldharbour"]),
    ("North Shire Health Innovation Network", Sector.OTHER, False, ["the HIN"], ["*"]),
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


class Command(BaseCommand):
    help = "Load the fictional North Shire demo system and print its sign-ins."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--if-empty", action="store_true", help="Do nothing if the demo system exists."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if System.objects.filter(slug=SYSTEM_SLUG).exists():
            if options["if_empty"]:
                self.stdout.write("The demo system is already loaded.")
                self.print_sign_ins()
                return
            self.stderr.write("The demo system is already loaded; nothing changed.")
            self.print_sign_ins()
            return
        with transaction.atomic():
            self.build()
        self.stdout.write(self.style.SUCCESS("Loaded the North Shire demo system."))
        self.print_sign_ins()

    def build(self) -> None:
        rng = random.Random(20211)
        system = System.objects.create(
            name="North Shire Integrated Care System", short_name="North Shire", slug=SYSTEM_SLUG
        )
        places: dict[str, Place] = {}
        for name, population, council, _abbr in PLACES:
            places[name] = services.place_create(
                actor=None,
                system=system,
                name=name,
                population=population,
                local_authority_footprint=council,
            )

        place_organisations: dict[str, list[Organisation]] = {name: [] for name in places}
        for name, sector, statutory, aliases, served in SYSTEM_ORGANISATIONS:
            organisation = services.organisation_create(
                actor=None,
                system=system,
                name=name,
                sector=sector,
                is_statutory=statutory,
                aliases=aliases,
            )
            for place_name in places if served == ["*"] else served:
                place_organisations[place_name].append(organisation)

        for place_name, _population, council, abbreviation in PLACES:
            local = [
                (
                    council,
                    Sector.UPPER_TIER_COUNCIL,
                    True,
                    [abbreviation, "the council"] if place_name == "Ashworth" else [abbreviation],
                ),
                (
                    f"{place_name} Central Primary Care Network",
                    Sector.PRIMARY_CARE_NETWORK,
                    False,
                    [f"{place_name} Central PCN"],
                ),
                (f"{place_name} Road Surgery", Sector.GP_PRACTICE, False, []),
                (
                    f"{place_name} GP Federation",
                    Sector.GP_FEDERATION,
                    False,
                    ["the federation"] if place_name == "Brackenfield" else [],
                ),
                (
                    f"{place_name} Community Voluntary Service",
                    Sector.VCFSE,
                    False,
                    [f"{place_name} CVS"],
                ),
                (f"Healthwatch {place_name}", Sector.HEALTHWATCH, True, []),
            ]
            for name, sector, statutory, aliases in local:
                organisation = services.organisation_create(
                    actor=None,
                    system=system,
                    name=name,
                    sector=sector,
                    is_statutory=statutory,
                    aliases=aliases,
                )
                place_organisations[place_name].append(organisation)

        for place_name, organisations in place_organisations.items():
            for organisation in organisations:
                services.place_partner_add(
                    actor=None, place=places[place_name], organisation=organisation
                )

        # Hashing is deliberately slow; the demo accounts share one hash of the demo password.
        password_hash = make_password(DEMO_PASSWORD)
        names = [(f, s) for f in FIRST_NAMES for s in LAST_NAMES]
        rng.shuffle(names)
        name_iter = iter(names)

        def person(email: str, title: str) -> User:
            first, last = next(name_iter)
            return User.objects.create(
                email=email, password=password_hash, full_name=f"{first} {last}", job_title=title
            )

        admin_user = User.objects.create(
            email=f"superuser@{DEMO_DOMAIN}",
            password=password_hash,
            full_name="Demo Superuser",
            is_staff=True,
            is_superuser=True,
        )
        icb = Organisation.objects.get(system=system, sector=Sector.ICB)
        for n in range(1, 4):
            user = person(
                f"icb.admin{'' if n == 1 else n}@{DEMO_DOMAIN}", "Head of Corporate Governance"
            )
            services.membership_create(
                actor=admin_user, user=user, system=system, role=Role.ICB_ADMIN, organisation=icb
            )
        for n in range(1, 7):
            user = person(f"advisory{n}@{DEMO_DOMAIN}", "Advisory group member")
            services.membership_create(
                actor=admin_user, user=user, system=system, role=Role.ADVISORY_MEMBER
            )

        for place_name, place in places.items():
            slug = place.slug
            organisations = place_organisations[place_name]
            lead = person(f"lead.{slug}@{DEMO_DOMAIN}", "Place Director")
            services.membership_create(
                actor=admin_user,
                user=lead,
                system=system,
                role=Role.PLACE_LEAD,
                place=place,
                organisation=next(
                    o for o in organisations if o.sector == Sector.UPPER_TIER_COUNCIL
                ),
            )
            for n in range(1, 10):
                user = person(f"member{n}.{slug}@{DEMO_DOMAIN}", MEMBER_TITLES[n - 1])
                services.membership_create(
                    actor=admin_user,
                    user=user,
                    system=system,
                    role=Role.PLACE_MEMBER,
                    place=place,
                    organisation=organisations[(n - 1) % len(organisations)],
                )

    def print_sign_ins(self) -> None:
        self.stdout.write(f"\nDemo sign-ins (password for all: {DEMO_PASSWORD}):")
        rows = [
            ("ICB governance admin", f"icb.admin@{DEMO_DOMAIN}"),
            ("Place lead, Ashworth", f"lead.ashworth@{DEMO_DOMAIN}"),
            ("Place member, Ashworth", f"member1.ashworth@{DEMO_DOMAIN}"),
            ("Place member, Brackenfield", f"member1.brackenfield@{DEMO_DOMAIN}"),
            ("Advisory group member", f"advisory1@{DEMO_DOMAIN}"),
            ("Superuser (Django admin)", f"superuser@{DEMO_DOMAIN}"),
        ]
        for role, email in rows:
            self.stdout.write(f"  {role:<28} {email}")
        self.stdout.write(
            f"  Other places: lead.<place>@{DEMO_DOMAIN}, member1-9.<place>@{DEMO_DOMAIN}; "
            f"more admins icb.admin2-3@, advisory1-6@.\n"
        )
