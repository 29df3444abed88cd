"""A fictional integrated care system to explore the product with: five places, about forty
partner organisations of every sector (several with the abbreviations people really use),
and about sixty people in every role. Deterministic: the same data on every run."""

from __future__ import annotations

import random
from base64 import b32encode
from typing import Any

from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand
from django.db import transaction
from django.test.utils import override_settings
from django_otp.plugins.otp_totp.models import TOTPDevice

from partners import services
from partners.models import Organisation, Place, Role, Sector, System, User

DEMO_PASSWORD = "place-governance-demo"  # noqa: S105 - published demo sign-in, local data only
DEMO_DOMAIN = "north-shire.example"
# Demo accounts that must use two-factor sign-in (ICB admins, the superuser) share this
# published authenticator key, so anyone trying the demo can add it to an app, or read the
# current code with `manage.py demo_code`. Real accounts set up their own at first sign-in.
DEMO_TOTP_KEY = "5047442064656d6f206b6579206f6e6c79212121"
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


def demo_authenticator_app(user: User) -> TOTPDevice:
    return TOTPDevice.objects.create(
        user=user, name="Authenticator app (demo key)", key=DEMO_TOTP_KEY, confirmed=True
    )


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
        # The demo's people are fictional and its history is being written, not lived: the
        # notices its set-up would send (submissions, round openings) go nowhere.
        with (
            override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"),
            transaction.atomic(),
        ):
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
        demo_authenticator_app(admin_user)
        for n in range(1, 4):
            user = person(
                f"icb.admin{'' if n == 1 else n}@{DEMO_DOMAIN}", "Head of Corporate Governance"
            )
            services.membership_create(
                actor=admin_user, user=user, system=system, role=Role.ICB_ADMIN, organisation=icb
            )
            demo_authenticator_app(user)
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
        self.build_structures(system, places)

    def build_consultation(self, system: System, places: dict[str, Place]) -> None:
        """An open round on the 2021 design framework, closing in 14 days: partly drafted
        responses from Ashworth and Brackenfield, and a submitted one from Coldharbour."""
        from datetime import timedelta

        from django.utils import timezone

        from governance.catalogue.models import OptionFramework
        from governance.consultation import services as governance

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

        from governance.catalogue.models import OptionFramework
        from governance.consultation import feedback, rounds
        from governance.consultation import services as governance
        from governance.consultation.models import RedactionKind

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
                    # Three places see each cell the same way; the other two differ.
                    shift = 0 if index < 3 else index
                    band = bands[(option.number + principle.number + shift) % len(bands)]
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

    def build_structures(self, system: System, places: dict[str, Place]) -> None:
        """Each place's bodies and their terms of reference, the default matter tree, and
        the schemes of delegation in force for the ICB, the councils and the main trusts.

        Every place has a partnership board (an independent chair; seats for its partners,
        including the council's director of public health and Healthwatch). Beside it:
        Ashworth and Coldharbour have a committee of the ICB, Brackenfield a joint committee
        of the ICB, the council and its trusts, Dunmore Coast an individual director with
        delegated authority, and Elmsworth a lead provider board. The ICB's finance and
        performance committee serves the whole system, not one place, so it is a delegate
        role of the ICB with no place. The lines make a £2.5m contract award in Coldharbour
        worth asking about: the ICB's finance and performance committee and the Royal's chief
        executive may decide it; the county council and the community trust must take it to
        their own boards."""
        from datetime import date
        from decimal import Decimal

        from delegations import services as delegations
        from governance.structures import committees
        from governance.structures.models import (
            Committee,
            CommitteeKind,
            DecisionRule,
            Frequency,
            MemberPosition,
        )

        actor = User.objects.get(email=f"icb.admin@{DEMO_DOMAIN}")
        organisations = {o.name: o for o in Organisation.objects.filter(system=system)}
        icb = organisations["NHS North Shire Integrated Care Board"]
        abh = organisations["Ashworth and Brackenfield Hospitals NHS Trust"]
        rch = organisations["Royal Coldharbour Hospital NHS Foundation Trust"]
        nsch = organisations["North Shire Community Health NHS Trust"]
        nspft = organisations["North Shire Partnership NHS Foundation Trust"]
        dehc = organisations["Dunmore and Elmsworth Health and Care NHS Trust"]
        councils = {name: organisations[council] for name, _pop, council, _abbr in PLACES}
        partners = {
            name: {o.pk for o in Organisation.objects.filter(place_partnerships__place=place)}
            for name, place in places.items()
        }
        acute = {"Ashworth": abh, "Brackenfield": abh, "Coldharbour": rch}
        acute.update({"Dunmore Coast": rch, "Elmsworth": rch})

        def seat(committee: Any, organisation: Organisation, title: str, **fields: Any) -> None:
            committees.committee_member_add(
                actor=actor,
                committee=committee,
                organisation=organisation,
                role_title=title,
                **fields,
            )

        def sections(committee: Any, place: str, answers_to: str, authority: str) -> dict[str, str]:
            return {
                "purpose": f"To bring the partners of {place} together to agree the place's "
                "priorities for health and care, oversee the delivery of the place plan and "
                "make the decisions the partners have delegated to it.",
                "membership": "One seat for each partner organisation named in the schedule "
                "of members, held by a director or an equivalent senior officer. Each member "
                "may send a named deputy of similar seniority.",
                "chair": "Chaired as the schedule of members sets out. The vice-chair "
                "presides when the chair is absent or conflicted.",
                "quorum": f"{committee.quorum_minimum} voting members, including at least "
                "one from the ICB and one from the council.",
                "decision_making": "Decisions are reached by "
                f"{committee.get_decision_rule_display().lower()}. Where that is not possible "
                "the matter goes back to each partner's own governance.",
                "delegated_authority": authority,
                "conflicts_of_interest": "Members declare interests at the start of each "
                "meeting; the chair decides how a declared interest is managed and the "
                "minutes record it. The register of interests is published.",
                "reporting_to_partners": "The minutes and a summary of decisions go to every "
                "partner's board or cabinet after each meeting.",
                "reporting_to_community": "Papers and minutes are published on the partners' "
                "websites; Healthwatch reports what local people have said at each meeting.",
                "reporting_to_system": f"Reports to {answers_to} and, each quarter, to the "
                "integrated care partnership on delivery of the place plan.",
            }

        def approve(committee: Any, text: dict[str, str], approved_by: str, on: date) -> None:
            tor = committees.tor_create_draft(actor=actor, committee=committee)
            tor = committees.tor_update(
                actor=actor,
                tor=tor,
                version=tor.version,
                review_date=date(on.year + 1, 3, 31),
                **text,
            )
            tor = committees.tor_submit(actor=actor, tor=tor)
            committees.tor_approve(actor=actor, tor=tor, approved_by=approved_by, approved_on=on)

        def draft(committee: Any, text: dict[str, str], *, submit: bool = False) -> None:
            tor = committees.tor_create_draft(actor=actor, committee=committee)
            tor = committees.tor_update(actor=actor, tor=tor, version=tor.version, **text)
            if submit:
                committees.tor_submit(actor=actor, tor=tor)

        boards: dict[str, Any] = {}
        bodies: dict[str, Any] = {}
        for name, place in places.items():
            council = councils[name]
            board = committees.committee_create(
                actor=actor,
                place=place,
                name=f"{name} Place Partnership Board",
                kind=CommitteeKind.PARTNERSHIP_BOARD,
                accountable_to_organisation=council,
                frequency=Frequency.BIMONTHLY,
                meets_in_public=True,
                quorum_minimum=4,
                quorum_sectors=[Sector.ICB, Sector.UPPER_TIER_COUNCIL],
            )
            boards[name] = board
            local = {o.sector: o for o in organisations.values() if o.pk in partners[name]}
            seat(board, icb, "Independent Chair", position=MemberPosition.CHAIR, independent=True)
            seat(board, icb, "Place Director", position=MemberPosition.VICE_CHAIR)
            seat(board, council, "Director of Public Health")
            seat(board, council, "Director of Adult Social Care")
            seat(board, acute[name], "Chief Operating Officer")
            seat(board, nspft, "Director of Strategy and Partnerships")
            seat(board, local[Sector.GP_FEDERATION], "Clinical Director")
            seat(board, local[Sector.VCFSE], "Chief Executive", deputy_allowed=False)
            seat(board, local[Sector.HEALTHWATCH], "Healthwatch Representative", voting=False)

        text = {
            name: sections(
                boards[name],
                name,
                f"{councils[name].name} (through its health and wellbeing board)",
                "The board is a consultative forum: it advises the partners and holds no "
                "delegated authority of its own"
                + (
                    "."
                    if name == "Brackenfield"
                    else f", except contract awards and pooled budgets up to £500,000 "
                    f"delegated by {councils[name].name}."
                ),
            )
            for name in places
        }
        approve(
            boards["Ashworth"],
            text["Ashworth"],
            "Ashworth Borough Council cabinet",
            date(2025, 3, 12),
        )
        approve(
            boards["Brackenfield"],
            text["Brackenfield"],
            "Brackenfield City Council cabinet",
            date(2025, 3, 19),
        )
        approve(
            boards["Coldharbour"],
            text["Coldharbour"],
            "Coldharbour County Council cabinet",
            date(2025, 2, 26),
        )
        approve(
            boards["Dunmore Coast"],
            text["Dunmore Coast"],
            "Dunmore Coast Council cabinet",
            date(2025, 3, 5),
        )
        draft(boards["Elmsworth"], text["Elmsworth"])

        for name in ("Ashworth", "Coldharbour"):
            committee = committees.committee_create(
                actor=actor,
                place=places[name],
                name=f"{name} Place Committee of the ICB",
                kind=CommitteeKind.ICB_COMMITTEE,
                accountable_to_organisation=icb,
                quorum_minimum=4,
                quorum_sectors=[Sector.ICB],
                decision_rule=DecisionRule.MAJORITY,
            )
            bodies[name] = committee
            seat(
                committee,
                icb,
                "Non-executive Member of the ICB Board",
                position=MemberPosition.CHAIR,
                independent=True,
            )
            seat(committee, icb, "Place Director", position=MemberPosition.VICE_CHAIR)
            seat(committee, icb, "Associate Director of Finance")
            seat(committee, councils[name], "Director of Public Health")
            seat(committee, acute[name], "Director of Operations", voting=False)
            seat(committee, nsch, "Director of Community Services", voting=False)
        icb_text = sections(
            bodies["Ashworth"],
            "Ashworth",
            "the ICB board",
            "Awards and varies contracts for the place up to £1,000,000 and approves revenue "
            "business cases up to £250,000, as the ICB's scheme of delegation sets out. Larger "
            "decisions go to the ICB's finance and performance committee or the ICB board.",
        )
        # Ashworth's committee is on its second version: the first was superseded.
        approve(bodies["Ashworth"], icb_text, "NHS North Shire ICB board", date(2024, 6, 4))
        tor = committees.tor_create_draft(actor=actor, committee=bodies["Ashworth"])
        tor = committees.tor_update(
            actor=actor,
            tor=tor,
            version=tor.version,
            quorum=f"{icb_text['quorum']} The Associate Director of Finance, or their deputy, "
            "must be present for any decision with a financial value.",
            review_date=date(2026, 3, 31),
        )
        tor = committees.tor_submit(actor=actor, tor=tor)
        committees.tor_approve(
            actor=actor,
            tor=tor,
            approved_by="NHS North Shire ICB board",
            approved_on=date(2025, 4, 1),
        )
        approve(
            bodies["Coldharbour"],
            sections(
                bodies["Coldharbour"],
                "Coldharbour",
                "the ICB board",
                icb_text["delegated_authority"],
            ),
            "NHS North Shire ICB board",
            date(2025, 4, 1),
        )
        primary_care = committees.committee_create(
            actor=actor,
            place=places["Coldharbour"],
            name="Coldharbour Primary Care Sub-committee",
            kind=CommitteeKind.SUB_COMMITTEE,
            accountable_to_committee=bodies["Coldharbour"],
            frequency=Frequency.QUARTERLY,
            quorum_minimum=3,
        )
        seat(primary_care, icb, "Head of Primary Care", position=MemberPosition.CHAIR)
        seat(primary_care, councils["Coldharbour"], "Consultant in Public Health")
        local_gp = [
            o
            for o in organisations.values()
            if o.pk in partners["Coldharbour"] and o.sector == Sector.GP_FEDERATION
        ]
        seat(primary_care, local_gp[0], "Clinical Director")
        draft(
            primary_care,
            sections(
                primary_care,
                "Coldharbour",
                "the Coldharbour Place Committee of the ICB",
                "None yet: the sub-committee advises the place committee.",
            ),
        )

        joint = committees.committee_create(
            actor=actor,
            place=places["Brackenfield"],
            name="Brackenfield Joint Committee",
            kind=CommitteeKind.JOINT_COMMITTEE,
            accountable_to_organisation=icb,
            quorum_minimum=4,
            quorum_sectors=[Sector.ICB, Sector.UPPER_TIER_COUNCIL, Sector.ACUTE_TRUST],
            decision_rule=DecisionRule.CONSENSUS,
            single_partner_veto=True,
        )
        bodies["Brackenfield"] = joint
        seat(
            joint, councils["Brackenfield"], "Leader of the Council", position=MemberPosition.CHAIR
        )
        seat(joint, icb, "Place Director", position=MemberPosition.VICE_CHAIR)
        seat(joint, councils["Brackenfield"], "Director of Public Health")
        seat(joint, abh, "Chief Executive")
        seat(joint, nsch, "Director of Finance")
        seat(joint, nspft, "Chief Operating Officer")
        draft(
            joint,
            sections(
                joint,
                "Brackenfield",
                "the boards of the ICB, the council and the trusts",
                "Within the limits each partner's scheme of delegation sets: contract "
                "awards up to £1,000,000 for the ICB and Ashworth and Brackenfield "
                "Hospitals, and up to £500,000 for the council.",
            ),
            submit=True,
        )

        director = delegations.delegate_role_add(
            actor=actor,
            organisation=icb,
            title="Director of Place, Dunmore Coast",
            place=places["Dunmore Coast"],
            is_individual_director=True,
        )

        lead_provider = committees.committee_create(
            actor=actor,
            place=places["Elmsworth"],
            name="Elmsworth Lead Provider Board",
            kind=CommitteeKind.LEAD_PROVIDER_BOARD,
            accountable_to_organisation=dehc,
            quorum_minimum=3,
            quorum_sectors=[Sector.COMBINED_TRUST],
            decision_rule=DecisionRule.MAJORITY,
        )
        bodies["Elmsworth"] = lead_provider
        seat(
            lead_provider,
            dehc,
            "Chair of the Trust",
            position=MemberPosition.CHAIR,
            independent=True,
        )
        seat(
            lead_provider, dehc, "Managing Director, Elmsworth", position=MemberPosition.VICE_CHAIR
        )
        seat(lead_provider, rch, "Director of Strategy")
        seat(lead_provider, nspft, "Director of Operations")
        seat(lead_provider, councils["Elmsworth"], "Director of Public Health", voting=False)
        approve(
            lead_provider,
            sections(
                lead_provider,
                "Elmsworth",
                "the board of Dunmore and Elmsworth Health and Care NHS Trust",
                "Awards contracts for the place's services up to £5,000,000 under the "
                "lead provider's scheme of delegation.",
            ),
            "Dunmore and Elmsworth Health and Care NHS Trust board",
            date(2025, 5, 14),
        )

        # Matters and schemes of delegation --------------------------------------------
        delegations.matter_tree_ensure(system=system, actor=actor)
        matters = {m.code: m for m in system.matter_categories.all()}

        def role(organisation: Organisation, title: str) -> Any:
            return delegations.delegate_role_add(
                actor=actor, organisation=organisation, title=title
            )

        finance_committee = role(icb, "Finance and Performance Committee")
        chief_executives = {o.pk: role(o, "Chief Executive") for o in (abh, rch, nspft, dehc)}
        nsch_finance = role(nsch, "Director of Finance")

        def initials(organisation: Organisation) -> str:
            return "".join(w[0] for w in organisation.name.split() if w[0].isupper())[:6]

        def scheme(
            organisation: Organisation,
            approved_by: str,
            lines: list[tuple[str, Any, str, str | None, Place | None, str]],
        ) -> None:
            draft_scheme = delegations.scheme_create(
                actor=actor,
                organisation=organisation,
                effective_from=date(2025, 4, 1),
                approved_by=approved_by,
                notes="Annual review of the scheme of reservation and delegation.",
            )
            for n, (code, delegate, low, high, place, conditions) in enumerate(lines, start=1):
                fields: dict[str, Any] = {"reserved": delegate is None}
                if isinstance(delegate, Committee):
                    fields["delegate_committee"] = delegate
                elif delegate is not None:
                    fields["delegate_role"] = delegate
                delegations.delegation_add(
                    actor=actor,
                    scheme=draft_scheme,
                    matter=matters[code],
                    limit_from=Decimal(low),
                    limit_to=None if high is None else Decimal(high),
                    place=place,
                    conditions=conditions,
                    reference=f"{initials(organisation)}-{n}",
                    **fields,
                )
            delegations.scheme_bring_into_force(actor=actor, scheme=draft_scheme)

        within_budget = "Within the place's delegated budget; reported to the next ICB board."
        icb_lines: list[tuple[str, Any, str, str | None, Place | None, str]] = []
        for name in ("Ashworth", "Coldharbour", "Brackenfield"):
            icb_lines += [
                ("contract-award", bodies[name], "0", "1000000", places[name], within_budget),
                ("contract-variation", bodies[name], "0", "500000", places[name], ""),
                ("investment-revenue", bodies[name], "0", "250000", places[name], ""),
                ("service-change-minor", bodies[name], "0", None, places[name], ""),
            ]
        icb_lines += [
            ("contract-award", director, "0", "500000", places["Dunmore Coast"], within_budget),
            ("contract-variation", director, "0", "250000", places["Dunmore Coast"], ""),
            (
                "service-change-minor",
                director,
                "0",
                None,
                places["Dunmore Coast"],
                "After hearing the Dunmore Coast Place Partnership Board.",
            ),
            (
                "contract-award",
                finance_committee,
                "1000000",
                "5000000",
                None,
                "Below £1m the place's own body decides where the scheme names one.",
            ),
            ("investment-revenue", finance_committee, "250000", "2000000", None, ""),
            ("contract-award", None, "5000000", None, None, "Reserved to the ICB board."),
            ("investment-revenue", None, "2000000", None, None, ""),
            ("investment-capital", None, "0", None, None, ""),
            ("strategy", None, "0", None, None, "The ICB's joint forward plan."),
            ("service-change-major", None, "0", None, None, ""),
            ("section-75", bodies["Brackenfield"], "0", "500000", places["Brackenfield"], ""),
        ]
        scheme(icb, "NHS North Shire ICB board", icb_lines)

        for name, council in councils.items():
            delegate = bodies["Brackenfield"] if name == "Brackenfield" else boards[name]
            scheme(
                council,
                f"{council.name} (full council)",
                [
                    (
                        "contract-award",
                        delegate,
                        "0",
                        "500000",
                        places[name],
                        "Where the council's share of the cost is within the approved budget.",
                    ),
                    ("section-75", delegate, "0", "500000", places[name], ""),
                    (
                        "contract-award",
                        None,
                        "500000",
                        None,
                        None,
                        "Above £500,000 the council's cabinet decides.",
                    ),
                    ("strategy", None, "0", None, None, "The joint health and wellbeing strategy."),
                ],
            )

        trust_lines: dict[
            Organisation, list[tuple[str, Any, str, str | None, Place | None, str]]
        ] = {
            abh: [
                ("contract-award", joint, "0", "1000000", places["Brackenfield"], ""),
                ("contract-variation", chief_executives[abh.pk], "0", "1000000", None, ""),
                ("contract-award", None, "1000000", None, None, ""),
            ],
            rch: [
                (
                    "contract-award",
                    chief_executives[rch.pk],
                    "0",
                    "3000000",
                    None,
                    "With the Director of Finance.",
                ),
                ("contract-award", None, "3000000", None, None, ""),
                ("investment-capital", None, "0", None, None, ""),
            ],
            nsch: [
                ("contract-award", nsch_finance, "0", "1000000", None, ""),
                ("contract-award", None, "1000000", None, None, "The trust board decides."),
            ],
            nspft: [
                ("contract-award", chief_executives[nspft.pk], "0", "2000000", None, ""),
                ("contract-award", None, "2000000", None, None, ""),
            ],
            dehc: [
                (
                    "contract-award",
                    lead_provider,
                    "0",
                    "5000000",
                    places["Elmsworth"],
                    "Within the lead provider contract for Elmsworth.",
                ),
                ("contract-variation", chief_executives[dehc.pk], "0", "1000000", None, ""),
                ("contract-award", None, "5000000", None, None, ""),
            ],
        }
        for trust, lines in trust_lines.items():
            scheme(trust, f"{trust.name} board", lines)

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
        key = b32encode(bytes.fromhex(DEMO_TOTP_KEY)).decode()
        self.stdout.write(
            "ICB admins and the superuser must also enter a two-factor code: run "
            f"`make demo-code`, or add the key {key} to an authenticator app.\n"
        )
