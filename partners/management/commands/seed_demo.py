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
DEMO_FRAMEWORK_SLUG = "ics-design-framework-2021"  # loaded by governance's data migration

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

        self.build_consultation(system, places)
        self.build_closed_round(system, places)

    def build_consultation(self, system: System, places: dict[str, Place]) -> None:
        """An open round on the 2021 design framework, closing in 14 days: partly drafted
        responses from Ashworth and Brackenfield, and a submitted one from Coldharbour."""
        from datetime import timedelta

        from django.utils import timezone

        from governance import services as governance
        from governance.models import OptionFramework

        framework = OptionFramework.objects.filter(slug=DEMO_FRAMEWORK_SLUG).first()
        if framework is None:
            self.stderr.write(
                f"No consultation round in the demo: the option framework "
                f"{DEMO_FRAMEWORK_SLUG!r} is not loaded (run `manage.py migrate governance`)."
            )
            return
        now = timezone.now()
        icb_admin = User.objects.get(email=f"icb.admin@{DEMO_DOMAIN}")
        consultation = governance.round_create(
            actor=icb_admin,
            system=system,
            framework=framework,
            title="Place governance options 2025/26",
            opens_at=now - timedelta(days=3),
            closes_at=now + timedelta(days=14),
            purpose="Tell us which governance arrangement would work best for your place.",
        )
        sheet = governance.response_sheet(round=consultation, response=None)

        def member(place: Place, n: int) -> User:
            return User.objects.get(email=f"member{n}.{place.slug}@{DEMO_DOMAIN}")

        def lead(place: Place) -> User:
            return User.objects.get(email=f"lead.{place.slug}@{DEMO_DOMAIN}")

        def answer(response: Any, actor: User, order: int, text: str) -> None:
            question = sheet.questions[order - 1]
            governance.answer_save(
                actor=actor,
                response=response,
                question=question,
                text=text,
                choice=question.choices[order % len(question.choices)]
                if question.choices
                else None,
                expected_version=0,
            )

        def rate(response: Any, actor: User, option: Any, principle: Any, band: str) -> None:
            governance.rating_save(
                actor=actor,
                response=response,
                option=option,
                principle=principle,
                band=band,
                qualifier="",
                reasons=f"Our partners' view of option {option.number} against "
                f"{principle.short_name.lower()}.",
                agreement="agree" if band != "low" else "partly",
                missing_from_analysis="",
                expected_version=0,
            )

        # Ashworth: a proposal of 1+4, two answers and a few ratings.
        ashworth = governance.response_get_or_create(round=consultation, place=places["Ashworth"])
        governance.proposal_save(
            actor=member(ashworth.place, 1),
            response=ashworth,
            option_numbers=[1, 4],
            case="A partnership board keeps every partner at the table, and a lead provider "
            "gives us one contract for community services.",
            expected_version=ashworth.version,
        )
        answer(ashworth, member(ashworth.place, 1), 1, "No: each place is at a different stage.")
        answer(ashworth, member(ashworth.place, 2), 6, "Options 1 and 4 together.")
        for option in sheet.options[:2]:
            for principle in sheet.principles[:2]:
                rate(ashworth, member(ashworth.place, 3), option, principle, "medium")

        # Brackenfield: only a start on the questions.
        brackenfield = governance.response_get_or_create(
            round=consultation, place=places["Brackenfield"]
        )
        answer(brackenfield, member(brackenfield.place, 1), 1, "Yes, for simplicity.")
        answer(brackenfield, member(brackenfield.place, 4), 7, "Option 5: too soon for us.")

        # Coldharbour: complete and submitted by its lead.
        coldharbour = governance.response_get_or_create(
            round=consultation, place=places["Coldharbour"]
        )
        writer = member(coldharbour.place, 1)
        for question in sheet.questions:
            answer(coldharbour, writer, question.order, f"Coldharbour's answer {question.order}.")
        bands = ["low", "low_medium", "medium", "medium_high", "high"]
        for option in sheet.options:
            for principle in sheet.principles:
                rate(
                    coldharbour,
                    writer,
                    option,
                    principle,
                    bands[(option.number + principle.number) % len(bands)],
                )
        governance.proposal_save(
            actor=writer,
            response=coldharbour,
            option_numbers=[2, 3],
            case="A committee of the ICB with a joint committee suits our large place.",
            expected_version=coldharbour.version,
        )
        coldharbour.refresh_from_db()
        governance.response_submit(actor=lead(coldharbour.place), response=coldharbour)

    def build_closed_round(self, system: System, places: dict[str, Place]) -> None:
        """Last year's round, closed: every place submitted a full response whose free text
        names places, partner organisations and people (as real responses do), and its
        anonymised summary was compiled, reviewed (one phrase redacted by hand, one false
        positive kept) and released to the advisory group."""
        from datetime import date, timedelta

        from django.utils import timezone

        from governance import feedback, rounds
        from governance import services as governance
        from governance.models import OptionFramework, RedactionKind

        framework = OptionFramework.objects.filter(slug=DEMO_FRAMEWORK_SLUG).first()
        if framework is None:
            return
        now = timezone.now()
        icb_admin = User.objects.get(email=f"icb.admin@{DEMO_DOMAIN}")
        today = date.today()
        consultation = governance.round_create(
            actor=icb_admin,
            system=system,
            framework=framework,
            title="Place governance options 2024/25",
            opens_at=now - timedelta(days=60),
            closes_at=now + timedelta(days=1),
            purpose="Which governance arrangement should each place adopt for 2024/25?",
            milestones=[
                {
                    "title": "High-level summary to the oversight group",
                    "due_on": today - timedelta(days=20),
                    "description": "Counts of the options proposed and the ratings.",
                },
                {
                    "title": "Detailed review at the advisory group",
                    "due_on": today - timedelta(days=6),
                    "description": "Option by option, with every place's comments.",
                },
                {"title": "Extraordinary meeting", "due_on": today + timedelta(days=10)},
                {"title": "Proposals to the board", "due_on": today + timedelta(days=30)},
            ],
        )
        sheet = governance.response_sheet(round=consultation, response=None)
        bands = ["low", "low_medium", "medium", "medium_high", "high"]
        proposals = {
            "Ashworth": [1, 4],
            "Brackenfield": [2, 3],
            "Coldharbour": [2, 3],
            "Dunmore Coast": [1, 4],
            "Elmsworth": [3],
        }
        for index, (place_name, place) in enumerate(places.items()):
            lead = User.objects.get(email=f"lead.{place.slug}@{DEMO_DOMAIN}")
            writer = User.objects.get(email=f"member1.{place.slug}@{DEMO_DOMAIN}")
            partner_names = list(
                place.partners.select_related("organisation")
                .order_by("organisation__name")
                .values_list("organisation__name", flat=True)[:3]
            )
            neighbour = list(places)[(index + 1) % len(places)]
            story = (
                f"In {place_name}, {partner_names[0]} and {partner_names[1]} already share a "
                f"budget for intermediate care. {lead.full_name} chairs the partnership and "
                f"{writer.full_name} ({writer.email}, 01632 960{100 + index}) leads the work. "
                f"We learnt from {neighbour} that a joint committee needs every partner's "
                "scheme of delegation to line up first, as the Royal College of Nursing "
                "guidance says."
            )
            response = governance.response_get_or_create(round=consultation, place=place)
            for question in sheet.questions:
                governance.answer_save(
                    actor=writer,
                    response=response,
                    question=question,
                    choice=question.choices[index % len(question.choices)]
                    if question.choices
                    else "",
                    text=f"{story} Our answer to question {question.order}: "
                    + (
                        "as the only coastal place, we need our own arrangement."
                        if place_name == "Dunmore Coast"
                        else f"{partner_names[2]} agrees with this view."
                    ),
                    expected_version=0,
                )
            for option in sheet.options:
                for principle in sheet.principles:
                    band = bands[(option.number + principle.number + index) % len(bands)]
                    governance.rating_save(
                        actor=writer,
                        response=response,
                        option=option,
                        principle=principle,
                        band=band,
                        qualifier="",
                        reasons=f"{partner_names[index % 3]} sees option {option.number} "
                        f"this way for {principle.short_name.lower()}.",
                        agreement="agree" if band in {"medium", "medium_high"} else "partly",
                        missing_from_analysis=(
                            f"How {place_name} Healthwatch would be heard."
                            if principle.number == 3
                            else ""
                        ),
                        expected_version=0,
                    )
            response.refresh_from_db()
            governance.proposal_save(
                actor=writer,
                response=response,
                option_numbers=proposals[place_name],
                case=story,
                expected_version=response.version,
            )
            response.refresh_from_db()
            governance.response_submit(actor=lead, response=response)

        rounds.round_close_now(actor=icb_admin, round=consultation)
        consultation.refresh_from_db()
        # The review: one phrase that still singles out a place, one false positive.
        feedback.redaction_add(
            actor=icb_admin,
            round=consultation,
            kind=RedactionKind.REDACT,
            phrase="the only coastal place",
        )
        feedback.redaction_add(
            actor=icb_admin,
            round=consultation,
            kind=RedactionKind.KEEP,
            phrase="the Royal College of Nursing",
            note="A national body, not the Royal Coldharbour Hospital.",
        )
        summary = feedback.summary_request_compile(actor=icb_admin, round=consultation)
        # Compiled here and now, whether or not a worker is running; the queued job then
        # finds the work done and does nothing.
        feedback.summary_compile(summary_id=summary.pk, generation=summary.generation)
        summary.refresh_from_db()
        feedback.summary_release(actor=icb_admin, summary=summary)

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
