"""A national-scale, fictional data set for benchmarks: by default 42 integrated care systems,
about 200 places, 5,000 partner organisations of every sector (a third of them with the
abbreviations people really use), 20,000 people in every role and the object permissions
their memberships give; every place's committees and terms of reference, every organisation's
scheme of delegation; and in every system an open consultation round to which every place
has submitted its response.

Seeded and reproducible: the same --seed gives the same names, sizes and links (dates are
relative to the moment it runs). Rows go in with bulk_create in batches, not through the
per-row services, and permissions with `permissions_sync_all_bulk`, so it runs in well under a
minute on a small machine. Each domain has its own generator function below (people and
roles; committees, terms of reference and schemes of delegation; a consultation round per
system with every place's submitted response), listed in `GENERATORS`."""

from __future__ import annotations

import hashlib
import random
import re
import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import F, OuterRef, Subquery
from django.utils import timezone
from django.utils.text import slugify

from delegations.models import (
    DelegateRole,
    Delegation,
    MatterCategory,
    SchemeOfDelegation,
    SchemeStatus,
)
from delegations.services import DEFAULT_MATTERS
from governance.catalogue.models import (
    AllowedCombination,
    Band,
    GovernanceOption,
    OptionFramework,
    Principle,
    SuggestedRating,
)
from governance.catalogue.rules import FrameworkRules, allowed_option_sets, option_set_numbers
from governance.consultation.models import (
    Agreement,
    Answer,
    ConsultationRound,
    DeadlineExtension,
    Milestone,
    PlaceRating,
    PlaceResponse,
    Question,
    ResponseStatus,
    RoundStatus,
)
from governance.consultation.services import DEFAULT_QUESTIONS, question_build
from governance.structures.models import (
    Committee,
    CommitteeKind,
    CommitteeMember,
    DecisionRule,
    Frequency,
    MemberPosition,
    TermsOfReference,
    TorStatus,
)
from partners.models import (
    STATUTORY_SECTORS,
    AuditEvent,
    Invitation,
    Membership,
    Organisation,
    OrganisationAlias,
    Place,
    PlacePartner,
    Role,
    Sector,
    System,
    User,
    normalise_name,
)
from partners.permissions import permissions_sync_all_bulk

BATCH_SIZE = 2000
EMAIL_DOMAIN = "example.nhs.uk"

# Word lists ------------------------------------------------------------------------------


def _words(text: str) -> list[str]:
    """A word list written compactly: comma-separated if any entry has a space."""
    return [w.strip() for w in text.split(",")] if "," in text else text.split()


PREFIXES = _words(
    "Ash Brack Cold Dun Elm Fen Gran Hal Ivy Kel Lang Mar Nor Oak Pen Red Stan Thorn Wey "
    "Wick Brad Ches Dar Glen Har Kings Lynd Mill New Old Queens Rother Sand Stock Tam "
    "Upton Wal Wood Amber Bel Clay Dene Eden Frox Gold Holm Kirk Lark Moss Ned Orms Pem "
    "Ribble Sel Tor Ux Ver Wren"
)
SUFFIXES = _words(
    "worth field harbour more ley ton by ford bridge wick ham stead bury dale mouth "
    "caster minster hurst combe gate well thorpe holme borough cliffe den mere sley wood "
    "stow"
)
COUNTY_ENDINGS = _words("shire land sex moor dale wold vale marsh")
COMPASS = _words("North South East West Mid Central")
PLACE_QUALIFIERS = _words("Coast Valley Downs Forest Vale Borough City")
LOCALITY_WORDS = _words(
    "Road Lane Street Park Green Hill Square Gardens Avenue Cross Bank Meadows Brook Common"
)
PRACTICE_KINDS = _words(
    "Surgery, Medical Centre, Health Centre, Medical Practice, Family Practice, Group Practice"
)
PCN_AREAS = _words(
    "North South East West Central Rural Valley Coastal Town Riverside Villages Moorland "
    "Urban Forest Docks Heights"
)
VCFSE_KINDS = _words(
    "Community Voluntary Service, Carers Centre, Mind, Age UK, Citizens Advice, Food Bank, "
    "Youth Trust, Community Transport, Wellbeing Collective, Disability Forum, "
    "Refugee Support, Men's Sheds, Community Foundation, Homeless Partnership, "
    "Befriending Service"
)
OTHER_KINDS = _words(
    "Health Innovation Network, Housing Association, University, College, "
    "Community Interest Company, Leisure Trust, Fire and Rescue Service, Police Service, "
    "Pharmacy Group, Dental Network"
)
SAINTS = _words(
    "Columba Cuthbert Luke Margaret Anne Catherine Barnabas Oswald Wilfrid Gemma Helena "
    "Michael Clare Andrew Giles Elizabeth"
)
FIRST_NAMES = _words(
    "Amira Ben Chloe Dev Ella Femi Grace Hassan Isla Jack Kiran Leah Marcus Nadia Owen "
    "Priya Quentin Rosa Sam Tariq Uma Victor Wendy Xavier Yasmin Zac Aled Bethan Callum "
    "Deepa Eilidh Farah Gareth Hannah Imran Joanne Kwame Lucy Mohammed Niamh Olu Paul "
    "Rachel Sanjay Tom Una Vikram Wei Yusuf Zara Aisha Brian Ciara Daniel Emma Fatima "
    "George Harriet Ian Jade Kate Liam Maria Neil Olivia Peter Ruth Simon Tanya Will"
)
LAST_NAMES = _words(
    "Adeyemi Brennan Chowdhury Davies Evans Fletcher Gill Hughes Iqbal Jones Kowalski "
    "Lewis Mensah Nowak O'Brien Patel Quinn Roberts Shah Thompson Usman Vaughan Walsh Xu "
    "Young Zielinski Ahmed Baker Clarke Dixon Edwards Francis Green Hall Ibrahim Jackson "
    "Khan Lee Morris Nelson Okafor Price Rahman Smith Taylor Turner Wilson Wright Begum "
    "Campbell Doyle Ellis Foster Grant Hussain Kelly Murphy Singh Ward Williams"
)
PLACE_TITLES = _words(
    "Director of Adult Social Care, Director of Public Health, Clinical Director, "
    "Chief Operating Officer, Head of Strategy, Chief Executive, Locality Manager, "
    "Head of Commissioning, GP Partner, Director of Nursing, Practice Manager, "
    "Partnership Manager, Programme Lead, Service Manager, Finance Business Partner"
)
LEAD_TITLES = _words("Place Director, Managing Director of the place, Director of Place")
ADMIN_TITLES = _words(
    "Head of Governance, Board Secretary, Governance Manager, Corporate Affairs Lead"
)
ADVISORY_TITLES = _words(
    "Lay Member, Patient Representative, Independent Adviser, Healthwatch Chair"
)

# Organisations per entity, before the remainder goes to the numerous local sectors.
PER_SYSTEM = {
    Sector.ICB: 1.0,
    Sector.AMBULANCE_TRUST: 1.0,
    Sector.ACUTE_TRUST: 2.5,
    Sector.COMMUNITY_TRUST: 0.8,
    Sector.MENTAL_HEALTH_TRUST: 1.2,
    Sector.COMBINED_TRUST: 0.5,
    Sector.HOSPICE: 2.4,
}
PER_PLACE = {
    Sector.UPPER_TIER_COUNCIL: 1.0,
    Sector.HEALTHWATCH: 1.0,
    Sector.GP_FEDERATION: 1.0,
    Sector.DISTRICT_COUNCIL: 0.8,
}
REMAINDER_SHARES = {
    Sector.GP_PRACTICE: 0.55,
    Sector.PRIMARY_CARE_NETWORK: 0.30,
    Sector.VCFSE: 0.12,
    Sector.OTHER: 0.03,
}
SYSTEM_SECTORS = frozenset({*PER_SYSTEM, Sector.OTHER})
ROUND_ROBIN_SECTORS = frozenset(
    {
        Sector.ICB,
        Sector.AMBULANCE_TRUST,
        Sector.UPPER_TIER_COUNCIL,
        Sector.HEALTHWATCH,
        Sector.GP_FEDERATION,
    }
)
SMALL_WORDS = {"and", "of", "the", "nhs", "foundation", "trust", "for", "in", "on", "upon"}


# Generation state ------------------------------------------------------------------------


@dataclass
class Sizes:
    systems: int
    places: int
    organisations: int
    people: int


@dataclass
class World:
    """What the generators have made so far, in creation order."""

    rng: random.Random
    sizes: Sizes
    now: datetime
    systems: list[System] = field(default_factory=list)
    system_bases: list[str] = field(default_factory=list)
    places: list[Place] = field(default_factory=list)
    places_by_system: dict[int, list[Place]] = field(default_factory=dict)
    organisations: list[Organisation] = field(default_factory=list)
    served_places: list[list[Place]] = field(default_factory=list)
    partners_by_place: dict[int, list[Organisation]] = field(default_factory=dict)
    icb_by_system: dict[int, Organisation] = field(default_factory=dict)
    users: list[User] = field(default_factory=list)
    memberships: list[Membership] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    used_names: set[str] = field(default_factory=set)
    names_in_system: dict[int, set[str]] = field(default_factory=dict)
    ods_codes: set[str] = field(default_factory=set)

    def days_ago(self, low: int, high: int) -> datetime:
        return self.now - timedelta(
            days=self.rng.randint(low, high), minutes=self.rng.randint(0, 1439)
        )


def _bulk(model: Any, objects: list[Any]) -> list[Any]:
    return model.objects.bulk_create(objects, batch_size=BATCH_SIZE)


def _town(world: World, *, unique: bool) -> str:
    """A plausible English town name from syllables; `unique` ones are never handed out twice."""
    rng = world.rng
    for _attempt in range(200):
        name = rng.choice(PREFIXES) + rng.choice(SUFFIXES)
        roll = rng.random()
        if roll < 0.07:
            name = f"{rng.choice(COMPASS)} {name}"
        elif roll < 0.12:
            name = f"{name} {rng.choice(PLACE_QUALIFIERS)}"
        if not unique:
            return name
        key = normalise_name(name)
        if key not in world.used_names:
            world.used_names.add(key)
            return name
    raise CommandError("Ran out of distinct place names; ask for fewer places.")


def _initials(name: str) -> str:
    words = [w for w in re.split(r"[\s-]+", name) if w and w.lower().strip("'") not in SMALL_WORDS]
    return "".join(w[0].upper() for w in words if w[0].isalpha())


def _ods_code(world: World, prefix: str, length: int, alphabet: str) -> str:
    for attempt in range(400):
        size = length + attempt // 200  # grow only if the short codes run out
        code = prefix + "".join(world.rng.choice(alphabet) for _ in range(size))
        if code not in world.ods_codes:
            world.ods_codes.add(code)
            return code
    raise CommandError("Ran out of ODS codes.")


def _claim_name(world: World, system: System, candidates: Callable[[], str]) -> str:
    """An organisation name not yet used (as a name or an alias) in the system."""
    taken = world.names_in_system.setdefault(system.pk, set())
    name = candidates()
    for _attempt in range(30):
        if normalise_name(name) not in taken:
            break
        name = candidates()
    else:
        base, n = name, 2
        while normalise_name(f"{base} {n}") in taken:
            n += 1
        name = f"{base} {n}"
    taken.add(normalise_name(name))
    return name


def _apportion(wanted: dict[str, float], total: int, minimum: int) -> dict[str, int]:
    """Whole numbers proportional to `wanted`, summing to `total`, each at least `minimum`."""
    scale = total / (sum(wanted.values()) or 1)
    exact = {key: value * scale for key, value in wanted.items()}
    counts = {key: max(minimum, int(value)) for key, value in exact.items()}
    by_remainder = sorted(exact, key=lambda key: (exact[key] - int(exact[key]), key), reverse=True)
    i = 0
    while sum(counts.values()) < total:
        counts[by_remainder[i % len(by_remainder)]] += 1
        i += 1
    while sum(counts.values()) > total:
        largest = max(counts, key=lambda key: (counts[key], key))
        if counts[largest] <= minimum:
            break
        counts[largest] -= 1
    return counts


def sector_quota(sizes: Sizes) -> dict[str, int]:
    wanted: dict[str, float] = {s: per * sizes.systems for s, per in PER_SYSTEM.items()}
    wanted.update({s: per * sizes.places for s, per in PER_PLACE.items()})
    remainder = max(sizes.organisations - sum(wanted.values()), 0.0)
    wanted.update({s: share * remainder for s, share in REMAINDER_SHARES.items()})
    minimum = 1 if sizes.organisations >= len(Sector.values) else 0
    return _apportion(wanted, sizes.organisations, minimum)


# Generators, one per domain ----------------------------------------------------------------


def generate_systems(world: World) -> None:
    rng = world.rng
    seen: set[str] = set()
    systems: list[System] = []
    while len(systems) < world.sizes.systems:
        county = rng.choice(PREFIXES) + rng.choice(COUNTY_ENDINGS)
        roll = rng.random()
        if roll < 0.25:
            base = f"{rng.choice(COMPASS)} {county}"
        elif roll < 0.45:
            base = f"{county} and {rng.choice(PREFIXES) + rng.choice(COUNTY_ENDINGS)}"
        else:
            base = county
        if slugify(base) in seen:
            continue
        seen.add(slugify(base))
        world.used_names.add(normalise_name(base))
        world.system_bases.append(base)
        short = _initials(base) if " " in base else base
        systems.append(
            System(
                name=f"{base} Integrated Care System",
                short_name=f"{short} ICB"[:40],
                slug=slugify(base)[:80],
            )
        )
    world.systems = _bulk(System, systems)
    world.counts["systems"] = len(world.systems)


def generate_places(world: World) -> None:
    rng = world.rng
    if world.sizes.places < len(world.systems):
        raise CommandError("Every system needs at least one place: ask for more places.")
    weights = [rng.uniform(0.5, 2.0) for _ in world.systems]
    owners = list(range(len(world.systems)))  # one each, then the rest by weight
    owners += rng.choices(
        range(len(world.systems)), weights=weights, k=world.sizes.places - len(owners)
    )
    places = []
    for index in owners:
        system = world.systems[index]
        name = _town(world, unique=True)
        if rng.random() < 0.08:
            name = f"{name} and {_town(world, unique=True)}"
        population = (
            rng.randint(500_001, 1_200_000)
            if rng.random() < 0.06
            else rng.randint(250_000, 500_000)
        )
        council = rng.choice(
            [
                "County Council",
                "City Council",
                "Borough Council",
                "Council",
                "Metropolitan Borough Council",
            ]
        )
        places.append(
            Place(
                system=system,
                name=name,
                slug=slugify(name)[:80],
                population=population,
                local_authority_footprint=f"{name} {council}",
            )
        )
    world.places = _bulk(Place, places)
    for place in world.places:
        world.places_by_system.setdefault(place.system_id, []).append(place)
    world.counts["places"] = len(world.places)


def _organisation_name(world: World, sector: str, system_index: int, home: Place) -> str:
    rng = world.rng
    base = world.system_bases[system_index]
    place = home.name
    town = rng.choice([place, place, _town(world, unique=False)])
    options: dict[str, Callable[[], str]] = {
        Sector.ICB: lambda: f"NHS {base} Integrated Care Board",
        Sector.ACUTE_TRUST: lambda: rng.choice(
            [
                f"{town} Hospitals NHS Trust",
                f"{town} University Hospitals NHS Foundation Trust",
                f"Royal {town} Hospital NHS Foundation Trust",
                f"{town} Teaching Hospitals NHS Trust",
                f"{town} and {_town(world, unique=False)} Hospitals NHS Trust",
            ]
        ),
        Sector.COMMUNITY_TRUST: lambda: rng.choice(
            [
                f"{town} Community Health NHS Trust",
                f"{base} Community Healthcare NHS Trust",
            ]
        ),
        Sector.MENTAL_HEALTH_TRUST: lambda: rng.choice(
            [
                f"{base} Partnership NHS Foundation Trust",
                f"{town} Mental Health NHS Trust",
                f"{town} and {base} Mental Health NHS Foundation Trust",
            ]
        ),
        Sector.COMBINED_TRUST: lambda: f"{town} Health and Care NHS Trust",
        Sector.AMBULANCE_TRUST: lambda: f"{base} Ambulance Service NHS Trust",
        Sector.UPPER_TIER_COUNCIL: lambda: home.local_authority_footprint,
        Sector.DISTRICT_COUNCIL: lambda: f"{_town(world, unique=False)} District Council",
        Sector.PRIMARY_CARE_NETWORK: lambda: rng.choice(
            [
                f"{place} {rng.choice(PCN_AREAS)} Primary Care Network",
                f"{_town(world, unique=False)} Primary Care Network",
            ]
        ),
        Sector.GP_PRACTICE: lambda: rng.choice(
            [
                f"{_town(world, unique=False)} {rng.choice(PRACTICE_KINDS)}",
                f"{rng.choice(PREFIXES)} {rng.choice(LOCALITY_WORDS)} {rng.choice(PRACTICE_KINDS)}",
                f"The {_town(world, unique=False)} {rng.choice(PRACTICE_KINDS)}",
            ]
        ),
        Sector.GP_FEDERATION: lambda: rng.choice(
            [
                f"{place} GP Federation",
                f"{place} Primary Care Collaborative",
                f"{place} Health Ltd",
            ]
        ),
        Sector.VCFSE: lambda: f"{rng.choice([place, town])} {rng.choice(VCFSE_KINDS)}",
        Sector.HEALTHWATCH: lambda: f"Healthwatch {place}",
        Sector.HOSPICE: lambda: rng.choice(
            [f"St {rng.choice(SAINTS)}'s Hospice", f"{town} Hospice"]
        ),
        Sector.OTHER: lambda: f"{rng.choice([base, town])} {rng.choice(OTHER_KINDS)}",
    }
    return _claim_name(world, world.systems[system_index], options[sector])


def _ods_for(world: World, sector: str) -> str:
    digits, letters = "0123456789", "ABCDEFGHJKLMNPQRTVWXY0123456789"
    if sector == Sector.ICB:
        return _ods_code(world, "Q", 2, letters)
    if sector in {
        Sector.ACUTE_TRUST,
        Sector.COMMUNITY_TRUST,
        Sector.MENTAL_HEALTH_TRUST,
        Sector.COMBINED_TRUST,
        Sector.AMBULANCE_TRUST,
    }:
        return _ods_code(world, "R", 2, letters)
    if sector == Sector.GP_PRACTICE:
        return _ods_code(world, world.rng.choice("ABCDEFGHJKLMNPY"), 5, digits)
    if sector == Sector.PRIMARY_CARE_NETWORK:
        return _ods_code(world, "U", 5, digits)
    return ""


def _served(world: World, sector: str, system_places: list[Place], home: Place) -> list[Place]:
    rng = world.rng
    if sector not in SYSTEM_SECTORS:
        return [home]
    if sector in {Sector.ICB, Sector.AMBULANCE_TRUST, Sector.MENTAL_HEALTH_TRUST}:
        return list(system_places)
    limits: dict[str, int] = {Sector.ACUTE_TRUST: 3, Sector.COMBINED_TRUST: 2, Sector.HOSPICE: 3}
    most = limits.get(sector, len(system_places))
    others = [p for p in system_places if p.pk != home.pk]
    extra = rng.randint(0, min(most, len(system_places)) - 1)
    return [home, *rng.sample(others, min(extra, len(others)))]


def generate_organisations(world: World) -> None:
    rng = world.rng
    quota = sector_quota(world.sizes)
    system_weights = [len(world.places_by_system[s.pk]) for s in world.systems]
    populations = [p.population or 1 for p in world.places]
    system_index = {s.pk: i for i, s in enumerate(world.systems)}
    planned: list[tuple[str, int, Place]] = []  # sector, system index, home place
    place_order = list(world.places)
    rng.shuffle(place_order)
    for sector in Sector.values:
        count = quota.get(sector, 0)
        for n in range(count):
            if sector in SYSTEM_SECTORS:
                if sector in ROUND_ROBIN_SECTORS:
                    index = n % len(world.systems)
                else:
                    index = rng.choices(range(len(world.systems)), weights=system_weights)[0]
                home = rng.choice(world.places_by_system[world.systems[index].pk])
            else:
                if sector in ROUND_ROBIN_SECTORS:
                    home = place_order[n % len(place_order)]
                else:
                    home = rng.choices(world.places, weights=populations)[0]
                index = system_index[home.system_id]
            planned.append((sector, index, home))

    organisations = []
    for sector, index, home in planned:
        system = world.systems[index]
        name = _organisation_name(world, sector, index, home)
        organisations.append(
            Organisation(
                system=system,
                name=name,
                normalised_name=normalise_name(name),
                sector=sector,
                is_statutory=sector in STATUTORY_SECTORS,
                ods_code=_ods_for(world, sector),
                is_active=rng.random() > 0.01,
            )
        )
        world.served_places.append(_served(world, sector, world.places_by_system[system.pk], home))
    world.organisations = _bulk(Organisation, organisations)
    for organisation in world.organisations:
        if organisation.sector == Sector.ICB:
            world.icb_by_system.setdefault(organisation.system_id, organisation)
    world.counts["organisations"] = len(world.organisations)
    world.counts["sectors"] = len({o.sector for o in world.organisations})


def _alias_candidates(world: World, organisation: Organisation) -> list[str]:
    name, sector = organisation.name, organisation.sector
    initials = _initials(name)
    candidates = []
    if sector == Sector.ICB:
        candidates += ["the ICB", f"{initials} ICB"]
    if sector == Sector.PRIMARY_CARE_NETWORK:
        candidates.append(name.replace("Primary Care Network", "PCN"))
    if sector == Sector.MENTAL_HEALTH_TRUST:
        candidates.append("the partnership trust")
    if sector == Sector.ACUTE_TRUST and name.startswith("Royal "):
        candidates.append("the Royal")
    if sector in {Sector.UPPER_TIER_COUNCIL, Sector.DISTRICT_COUNCIL}:
        candidates.append("the council")
    if sector == Sector.GP_PRACTICE:
        candidates.append(re.sub(r"^The ", "", name.rsplit(" ", 1)[0]) + " practice")
    if sector == Sector.VCFSE and "Community Voluntary Service" in name:
        candidates.append(name.replace("Community Voluntary Service", "CVS"))
    if sector == Sector.HEALTHWATCH:
        candidates.append(name.replace("Healthwatch ", "HW "))
    if len(initials) >= 2:
        candidates.append(initials)
    world.rng.shuffle(candidates)
    return candidates


def generate_aliases(world: World) -> None:
    """About one organisation in three gets one or two aliases, unique in its system."""
    rng = world.rng
    aliases = []
    for organisation in world.organisations:
        if rng.random() >= 1 / 3:
            continue
        wanted = rng.randint(1, 2)
        taken = world.names_in_system[organisation.system_id]
        for alias in _alias_candidates(world, organisation):
            key = normalise_name(alias)
            if not key or key in taken:
                continue
            taken.add(key)
            aliases.append(
                OrganisationAlias(
                    organisation=organisation,
                    system_id=organisation.system_id,
                    alias=alias,
                    normalised_alias=key,
                )
            )
            wanted -= 1
            if not wanted:
                break
    _bulk(OrganisationAlias, aliases)
    world.counts["organisation_aliases"] = len(aliases)
    world.counts["organisations_with_aliases"] = len({a.organisation_id for a in aliases})


def generate_place_partners(world: World) -> None:
    partners = []
    for organisation, served in zip(world.organisations, world.served_places, strict=True):
        for place in served:
            partners.append(
                PlacePartner(
                    place=place,
                    organisation=organisation,
                    joined_on=world.days_ago(30, 1200).date(),
                )
            )
            if organisation.is_active:
                world.partners_by_place.setdefault(place.pk, []).append(organisation)
    _bulk(PlacePartner, partners)
    world.counts["place_partners"] = len(partners)


def _email_part(value: str) -> str:
    folded = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "", folded.lower())


def generate_people(world: World) -> None:
    rng = world.rng
    unusable = make_password(None)  # nobody signs in with a password; benchmarks force_login
    users = []
    for n in range(world.sizes.people):
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        users.append(
            User(
                email=f"{_email_part(first)}.{_email_part(last)}.{n + 1}@{EMAIL_DOMAIN}",
                full_name=f"{first} {last}",
                password=unusable,
                job_title="",
                is_active=True,
                date_joined=world.days_ago(30, 1200),
            )
        )
    world.users = users  # saved by generate_memberships once job titles are known


def _system_role_counts(world: World) -> tuple[list[int], list[int], list[int]]:
    rng = world.rng
    admins = [rng.randint(2, 4) for _ in world.systems]
    advisory = [rng.randint(3, 6) for _ in world.systems]
    leads = [1 if rng.random() < 0.7 else 2 for _ in world.places]
    if sum(admins) + sum(advisory) + sum(leads) + len(world.places) > world.sizes.people:
        admins = [1] * len(world.systems)
        advisory = [1] * len(world.systems)
        leads = [1] * len(world.places)
    needed = sum(admins) + sum(advisory) + sum(leads) + len(world.places)
    if needed > world.sizes.people:
        raise CommandError(f"Too few people: this many systems and places need at least {needed}.")
    return admins, advisory, leads


def generate_memberships(world: World) -> None:
    """Every person holds at least one current role. Each system has a few ICB admins and
    advisory members; each place one or two leads and members in proportion to its
    population. A few people belong to two places, a few have left a place (history) and a
    few members have been deactivated."""
    rng = world.rng
    users = world.users
    admins, advisory, leads = _system_role_counts(world)
    pool = list(range(len(users)))
    rng.shuffle(pool)
    memberships: list[Membership] = []

    def add(user_index: int, system: System, role: str, place: Place | None, title: str) -> None:
        if place is not None:
            choices = world.partners_by_place.get(place.pk, [])
            organisation = rng.choice(choices) if choices and rng.random() > 0.05 else None
        elif role == Role.ICB_ADMIN:
            organisation = world.icb_by_system.get(system.pk)
        else:
            organisation = None
        if not users[user_index].job_title:
            users[user_index].job_title = title
        memberships.append(
            Membership(
                user=users[user_index],
                system=system,
                place=place,
                role=role,
                organisation=organisation,
                started_at=world.days_ago(14, 900),
            )
        )

    for i, system in enumerate(world.systems):
        for _ in range(admins[i]):
            add(pool.pop(), system, Role.ICB_ADMIN, None, rng.choice(ADMIN_TITLES))
        for _ in range(advisory[i]):
            add(pool.pop(), system, Role.ADVISORY_MEMBER, None, rng.choice(ADVISORY_TITLES))
    for i, place in enumerate(world.places):
        for _ in range(leads[i]):
            add(pool.pop(), place.system, Role.PLACE_LEAD, place, rng.choice(LEAD_TITLES))
    members_by_place: dict[int, list[int]] = {}
    homes = list(world.places)
    homes += rng.choices(
        world.places, weights=[p.population or 1 for p in world.places], k=len(pool) - len(homes)
    )
    for place, user_index in zip(homes, pool, strict=True):
        add(user_index, place.system, Role.PLACE_MEMBER, place, rng.choice(PLACE_TITLES))
        members_by_place.setdefault(place.pk, []).append(user_index)

    # Second places, past memberships and deactivated people, among plain members only.
    ended = 0
    for place in world.places:
        siblings = [p for p in world.places_by_system[place.system_id] if p.pk != place.pk]
        for user_index in members_by_place.get(place.pk, []):
            roll = rng.random()
            if siblings and roll < 0.04:
                add(user_index, place.system, Role.PLACE_MEMBER, rng.choice(siblings), "")
            elif siblings and roll < 0.07:
                add(user_index, place.system, Role.PLACE_MEMBER, rng.choice(siblings), "")
                past = memberships[-1]
                past.started_at = world.days_ago(700, 1200)
                past.ended_at = past.started_at + timedelta(days=rng.randint(30, 600))
                ended += 1
            elif roll > 0.99:
                users[user_index].is_active = False

    world.users = _bulk(User, users)
    world.memberships = _bulk(Membership, memberships)
    world.counts["people"] = len(world.users)
    world.counts["inactive_people"] = sum(not u.is_active for u in world.users)
    world.counts["memberships"] = len(world.memberships)
    world.counts["memberships_ended"] = ended
    for role in Role.values:
        world.counts[f"memberships_{role}"] = sum(
            m.role == role and m.ended_at is None for m in world.memberships
        )


def generate_invitations(world: World) -> None:
    """Some people were invited recently: most accepted, some still pending."""
    rng = world.rng
    invitations = []
    for user in world.users:
        if rng.random() >= 0.05:
            continue
        created = world.now - timedelta(days=rng.randint(0, 20), minutes=rng.randint(0, 1439))
        pending = rng.random() < 0.5
        token = rng.getrandbits(256).to_bytes(32, "big")
        invitations.append(
            Invitation(
                user=user,
                token_hash=hashlib.sha256(token).hexdigest(),
                created_at=created,
                expires_at=created + timedelta(days=14),
                sent_at=created,
                accepted_at=None if pending else created + timedelta(hours=rng.randint(1, 72)),
            )
        )
    _bulk(Invitation, invitations)
    world.counts["invitations"] = len(invitations)


def generate_audit_events(world: World) -> None:
    """A recent history for each system's console dashboard."""
    rng = world.rng
    admins_by_system: dict[int, list[User]] = {}
    for membership in world.memberships:
        if membership.role == Role.ICB_ADMIN:
            admins_by_system.setdefault(membership.system_id, []).append(membership.user)
    organisations_by_system: dict[int, list[Organisation]] = {}
    for organisation in world.organisations:
        organisations_by_system.setdefault(organisation.system_id, []).append(organisation)
    events = []
    for system in world.systems:
        actors: list[User | None] = [*admins_by_system.get(system.pk, [])] or [None]
        places = world.places_by_system[system.pk]
        organisations = organisations_by_system.get(system.pk, [])
        for _ in range(rng.randint(15, 40)):
            target: Place | Organisation
            if organisations and rng.random() < 0.6:
                target = rng.choice(organisations)
                action, summary = "organisation.update", f"Changed organisation {target.name}"
            else:
                target = rng.choice(places)
                action, summary = "place.update", f"Changed place {target.name}"
            events.append(
                AuditEvent(
                    actor=rng.choice(actors),
                    system=system,
                    action=action,
                    target_type=target._meta.label,
                    target_id=str(target.pk),
                    summary=summary[:500],
                    details={},
                    created_at=world.days_ago(0, 90),
                )
            )
    _bulk(AuditEvent, events)
    world.counts["audit_events"] = len(events)


# Committees, terms of reference and schemes of delegation ----------------------------------

TRUST_SECTORS = frozenset(
    {
        Sector.ACUTE_TRUST,
        Sector.COMMUNITY_TRUST,
        Sector.MENTAL_HEALTH_TRUST,
        Sector.COMBINED_TRUST,
        Sector.AMBULANCE_TRUST,
    }
)
ORGANISATION_ROLES = {
    "large": ("Chief Executive", "Director of Finance", "Chief Operating Officer"),
    "small": ("Chief Executive", "Practice Manager"),
}
TOR_TEXT = {
    "purpose": "To bring the partners of {place} together to agree the place's priorities, "
    "oversee delivery of the place plan and take the decisions delegated to it.",
    "membership": "One seat for each partner named in the schedule of members; each member "
    "may send a named deputy.",
    "chair": "Chaired as the schedule of members sets out; the vice-chair presides when the "
    "chair is absent or conflicted.",
    "quorum": "{quorum} voting members, including one from the ICB and one from the council.",
    "decision_making": "By consensus where possible; otherwise the matter returns to each "
    "partner's own governance.",
    "delegated_authority": "As the partners' schemes of delegation set out.",
    "conflicts_of_interest": "Interests are declared at each meeting and recorded.",
    "reporting_to_partners": "Minutes go to every partner's board after each meeting.",
    "reporting_to_community": "Papers and minutes are published.",
    "reporting_to_system": "Reports to {answers_to} and each quarter to the integrated care "
    "partnership.",
}


def _seat(
    committee: Committee,
    organisation: Organisation | None,
    title: str,
    position: str = MemberPosition.MEMBER,
    **fields: Any,
) -> CommitteeMember | None:
    if organisation is None:
        return None
    return CommitteeMember(
        committee=committee,
        organisation=organisation,
        role_title=title,
        position=position,
        **fields,
    )


def generate_structures(world: World) -> None:
    """For every place a partnership board and one or two other bodies (a committee of the
    ICB, a joint committee or a lead provider board, sometimes with a sub-committee), their
    seats and an approved version of their terms of reference; an individual director for
    some places; the default matter tree for every system; and for every active organisation
    a scheme of delegation in force whose lines delegate to the bodies of its places and to
    its own roles in value bands, reserving the rest to its board."""
    rng = world.rng
    today = world.now.date()

    # Matters: the default tree in every system.
    roots = [
        MatterCategory(system=system, code=code, name=name, order=order * 10)
        for system in world.systems
        for order, (code, name, _children) in enumerate(DEFAULT_MATTERS, start=1)
    ]
    roots = _bulk(MatterCategory, roots)
    root_by_key = {(m.system_id, m.code): m for m in roots}
    children = [
        MatterCategory(
            system=system,
            parent=root_by_key[(system.pk, code)],
            code=child_code,
            name=child_name,
            order=child_order * 10,
        )
        for system in world.systems
        for code, _name, kids in DEFAULT_MATTERS
        for child_order, (child_code, child_name) in enumerate(kids, start=1)
    ]
    children = _bulk(MatterCategory, children)
    leaves_by_system: dict[int, list[MatterCategory]] = {}
    for matter in children:
        leaves_by_system.setdefault(matter.system_id, []).append(matter)
    world.counts["matter_categories"] = len(roots) + len(children)

    # Bodies of each place.
    committees: list[Committee] = []
    directors: list[DelegateRole] = []
    for place in world.places:
        partners = world.partners_by_place.get(place.pk, [])
        by_sector: dict[str, list[Organisation]] = {}
        for organisation in partners:
            by_sector.setdefault(organisation.sector, []).append(organisation)
        icb = world.icb_by_system.get(place.system_id)
        councils = by_sector.get(Sector.UPPER_TIER_COUNCIL, [])
        council = councils[0] if councils else None
        providers = by_sector.get(Sector.ACUTE_TRUST, []) + by_sector.get(Sector.COMBINED_TRUST, [])
        committees.append(
            Committee(
                place=place,
                name=f"{place.name} Place Partnership Board",
                kind=CommitteeKind.PARTNERSHIP_BOARD,
                accountable_to_organisation=council or icb,
                frequency=Frequency.BIMONTHLY,
                meets_in_public=True,
                quorum_minimum=4,
                quorum_sectors=[Sector.ICB, Sector.UPPER_TIER_COUNCIL],
            )
        )
        roll = rng.random()
        if roll < 0.15 and icb is not None:
            directors.append(
                DelegateRole(
                    organisation=icb,
                    title=f"Director of Place, {place.name}",
                    place=place,
                    is_individual_director=True,
                )
            )
            continue
        if roll < 0.55 or not providers:
            main = Committee(
                place=place,
                name=f"{place.name} Place Committee of the ICB",
                kind=CommitteeKind.ICB_COMMITTEE,
                accountable_to_organisation=icb,
                decision_rule=DecisionRule.MAJORITY,
                quorum_minimum=4,
                quorum_sectors=[Sector.ICB],
            )
        elif roll < 0.8:
            main = Committee(
                place=place,
                name=f"{place.name} Joint Committee",
                kind=CommitteeKind.JOINT_COMMITTEE,
                accountable_to_organisation=icb,
                single_partner_veto=True,
                quorum_minimum=4,
                quorum_sectors=[Sector.ICB, Sector.UPPER_TIER_COUNCIL],
            )
        else:
            main = Committee(
                place=place,
                name=f"{place.name} Lead Provider Board",
                kind=CommitteeKind.LEAD_PROVIDER_BOARD,
                accountable_to_organisation=rng.choice(providers),
                decision_rule=DecisionRule.MAJORITY,
                quorum_minimum=3,
            )
        committees.append(main)
    committees = _bulk(Committee, committees)
    # Sub-committees, for about one place in three with a decision-making body.
    subs = []
    for committee in committees:
        if committee.kind != CommitteeKind.PARTNERSHIP_BOARD and rng.random() < 0.35:
            topic = rng.choice(["Primary Care", "Finance and Investment", "Quality"])
            subs.append(
                Committee(
                    place=committee.place,
                    name=f"{committee.place.name} {topic} Sub-committee",
                    kind=CommitteeKind.SUB_COMMITTEE,
                    accountable_to_committee=committee,
                    frequency=Frequency.QUARTERLY,
                )
            )
    committees += _bulk(Committee, subs)
    world.counts["committees"] = len(committees)

    members: list[CommitteeMember | None] = []
    terms = []
    for committee in committees:
        place = committee.place
        local: dict[str, Organisation] = {}
        for organisation in world.partners_by_place.get(place.pk, []):
            local.setdefault(organisation.sector, organisation)
        icb = world.icb_by_system.get(place.system_id)
        council_seat = local.get(Sector.UPPER_TIER_COUNCIL)
        trusts = [o for o in world.partners_by_place.get(place.pk, []) if o.sector in TRUST_SECTORS]
        chair_org = (
            committee.accountable_to_organisation
            if committee.kind == CommitteeKind.LEAD_PROVIDER_BOARD
            else icb
        )
        members += [
            _seat(
                committee, chair_org, "Independent Chair", MemberPosition.CHAIR, independent=True
            ),
            _seat(committee, icb, "Place Director", MemberPosition.VICE_CHAIR),
            _seat(committee, council_seat, "Director of Public Health"),
        ]
        if committee.kind != CommitteeKind.SUB_COMMITTEE:
            members += [
                _seat(committee, council_seat, "Director of Adult Social Care"),
                *(
                    _seat(
                        committee,
                        trust,
                        rng.choice(["Chief Operating Officer", "Director of Strategy"]),
                    )
                    for trust in trusts[:2]
                ),
                _seat(committee, local.get(Sector.GP_FEDERATION), "Clinical Director"),
                _seat(committee, local.get(Sector.VCFSE), "Chief Executive", deputy_allowed=False),
                _seat(
                    committee,
                    local.get(Sector.HEALTHWATCH),
                    "Healthwatch Representative",
                    voting=False,
                ),
            ]
        answers_to = (
            committee.accountable_to_committee.name
            if committee.accountable_to_committee
            else f"the board of {committee.accountable_to_organisation.name}"
            if committee.accountable_to_organisation
            else "the partners"
        )
        approved_on = (world.now - timedelta(days=rng.randint(30, 700))).date()
        terms.append(
            TermsOfReference(
                committee=committee,
                number=1,
                status=TorStatus.APPROVED,
                review_date=date(approved_on.year + 1, approved_on.month, 1),
                approved_by=committee.accountable_to_organisation.name + " board"
                if committee.accountable_to_organisation
                else answers_to,
                approved_on=approved_on,
                **{
                    key: text.format(
                        place=place.name, quorum=committee.quorum_minimum, answers_to=answers_to
                    )
                    for key, text in TOR_TEXT.items()
                },
            )
        )
    seats = _bulk(CommitteeMember, [m for m in members if m is not None])
    _bulk(TermsOfReference, terms)
    world.counts["committee_members"] = len(seats)
    world.counts["terms_of_reference"] = len(terms)

    # Roles and schemes of delegation.
    places_of: dict[int, list[Place]] = {}
    for place in world.places:
        for organisation in world.partners_by_place.get(place.pk, []):
            places_of.setdefault(organisation.pk, []).append(place)
    bodies_of_place: dict[int, list[Committee]] = {}
    for committee in committees:  # the bodies a scheme delegates to: not sub-committees
        if committee.kind != CommitteeKind.SUB_COMMITTEE:
            bodies_of_place.setdefault(committee.place_id, []).append(committee)
    active = [o for o in world.organisations if o.is_active]
    roles = list(directors)
    for organisation in active:
        size = "large" if organisation.is_statutory else "small"
        roles += [
            DelegateRole(organisation=organisation, title=t) for t in ORGANISATION_ROLES[size]
        ]
    roles = _bulk(DelegateRole, roles)
    roles_of: dict[int, list[DelegateRole]] = {}
    director_of: dict[tuple[int, int], DelegateRole] = {}
    for role in roles:
        if role.place_id:
            director_of[(role.organisation_id, role.place_id)] = role
        else:
            roles_of.setdefault(role.organisation_id, []).append(role)
    world.counts["delegate_roles"] = len(roles)

    schemes = _bulk(
        SchemeOfDelegation,
        [
            SchemeOfDelegation(
                organisation=organisation,
                number=1,
                status=SchemeStatus.IN_FORCE,
                effective_from=today - timedelta(days=rng.randint(30, 900)),
                approved_by=f"{organisation.name} board",
            )
            for organisation in active
        ],
    )
    lines: list[Delegation] = []
    ladders = [
        (Decimal(a), Decimal(b))
        for a, b in (
            ("100000", "1000000"),
            ("250000", "2000000"),
            ("500000", "5000000"),
            ("50000", "500000"),
        )
    ]
    for scheme, organisation in zip(schemes, active, strict=True):
        matters = leaves_by_system[organisation.system_id]
        own_roles = roles_of.get(organisation.pk, [])
        statutory = organisation.is_statutory
        for n, matter in enumerate(rng.sample(matters, rng.randint(3, 5) if statutory else 3)):
            low, high = rng.choice(ladders)
            ref = f"{n + 1}"
            # Below `low`: the bodies of each of its places (or its own director there).
            for place in places_of.get(organisation.pk, [])[:3]:
                director = director_of.get((organisation.pk, place.pk))
                bodies = bodies_of_place.get(place.pk, [])
                if director is None and not bodies:
                    continue
                line = Delegation(
                    scheme_id=scheme.pk,
                    matter_id=matter.pk,
                    limit_to=low,
                    place_id=place.pk,
                    reference=f"{ref}.{place.pk}",
                )
                if director is not None:
                    line.delegate_role_id = director.pk
                else:
                    line.delegate_committee_id = (bodies[-1] if statutory else bodies[0]).pk
                lines.append(line)
            # From `low` to `high`: one of its own roles, everywhere.
            if own_roles:
                lines.append(
                    Delegation(
                        scheme_id=scheme.pk,
                        matter_id=matter.pk,
                        limit_from=low,
                        limit_to=high,
                        delegate_role_id=rng.choice(own_roles).pk,
                        reference=f"{ref}.r",
                    )
                )
            # Above `high`: the board keeps it.
            lines.append(
                Delegation(
                    scheme_id=scheme.pk,
                    matter_id=matter.pk,
                    reserved=True,
                    limit_from=high,
                    reference=f"{ref}.b",
                    conditions="Reserved to the board.",
                )
            )
    _bulk(Delegation, lines)
    world.counts["schemes_of_delegation"] = len(schemes)
    world.counts["delegation_lines"] = len(lines)


# Consultation rounds and place responses ------------------------------------------------------

FRAMEWORK_SLUG = "ics-design-framework-2021"  # loaded by governance's data migration
ROUND_TITLE = "Place governance options 2025/26"
ROUND_PURPOSE = (
    "Tell us which governance arrangement would work best for your place from April, how well "
    "each option meets the principles, and what the analysis has missed."
)
# How often places propose each allowed set; a set not named here is proposed rarely.
PROPOSAL_WEIGHTS = {"1": 3, "2": 4, "3": 2, "4": 1, "5": 2, "1+4": 6, "2+4": 5, "3+4": 3}
BANDS = [band.value for band in Band]
BAND_WORDS: dict[str, str] = {
    Band.LOW: "weak",
    Band.LOW_MEDIUM: "fairly weak",
    Band.MEDIUM: "adequate",
    Band.MEDIUM_HIGH: "fairly strong",
    Band.HIGH: "strong",
}
QUALIFIERS = _words(
    "depending on strength of partnership, if the partnership agreement is signed first, "
    "once the schemes of delegation are revised, provided the council delegates too"
)
# Free text names the place, its partners and its people, as real responses do: that is what
# the anonymised summary has to scrub.
CASE_SENTENCES = (
    "Our partners met four times during the consultation, and {partner} hosted the last workshop.",
    "{lead} chairs the partnership today and would continue to convene it.",
    "The partnership already pools part of its budget for intermediate care with {council}.",
    "{partner} and {partner2} run a joint discharge team, and we want governance that lets "
    "that work grow.",
    "A population of about {population} people needs decisions taken close to where care is "
    "delivered.",
    "Primary care must have a real voice: the GP federation asked for a voting seat and we agree.",
    "Healthwatch {place} told us that residents want to see decisions made in public.",
    "We do not yet have the shared finance function that a joint committee would need.",
    "The council's cabinet has agreed in principle to delegate some adult social care "
    "decisions to the place.",
    "Our voluntary sector partners asked that the arrangement does not add meetings for them.",
    "A named director with delegated authority would stop small decisions waiting for a committee.",
    "Statutory partners remain accountable to their own boards, and the arrangement must "
    "respect that.",
    "We want the ICB to delegate the community services budget to the place within two years.",
    "The risk we see is duplication between the place board and the provider collaborative.",
    "{partner2} is concerned about the time a joint committee would take from its executives.",
    "Our neighbourhood teams already work across practice boundaries, so the model should build "
    "on them.",
    "We would need support from the ICB's governance team to draft terms of reference.",
    "Assurance should come through clear reporting to the ICB board, not extra layers of meetings.",
    "The arrangement must work for a place of our size, not only for the largest places.",
    "We have asked {partner} to lead the work on a partnership agreement over the summer.",
    "{writer} ({email}) can answer any questions about this response.",
    "Mental health and learning disability services should be part of the place's remit from "
    "the start.",
)
# The first sentence of each answer, by question; a question with fixed answers opens with
# the reason for the chosen one.
ANSWER_OPENERS = {
    2: "The analysis covers most of what matters to {place}, with two gaps.",
    3: "We broadly agree with the suggested ratings, though not for every option.",
    4: "For planning and delivering a strategy, {options} would serve {place} best.",
    5: "For engaging every partner, {options} gives each organisation a seat and a voice.",
    6: "For {place}, {options} is the arrangement our partners support.",
    7: "We would not want option {avoided} in {place} at this stage.",
}
CHOICE_REASONS = (
    "One model for every place would make assurance simpler for the ICB and its partners.",
    "Each place is at a different stage, so each should choose within the framework.",
    "Our partners are divided on this and would value the ICB's view.",
)
REASONS = (
    "{partner} sees option {option} as {word} on {principle}: {clause}",
    "Our partners rated option {option} {word} against {principle}; {clause}",
    "On {principle}, option {option} looks {word} for {place}: {clause}",
)
CLAUSES = (
    "accountability would stay with the statutory boards.",
    "decisions could be taken quickly within clear limits.",
    "every partner would have a voice, but nobody a veto.",
    "it depends on the partnership agreement being in place.",
    "the ICB keeps the money, so partners have little reason to commit.",
    "it needs shared finance and legal support we do not yet have.",
    "the council could not delegate its own functions to it.",
    "it builds on how the partners already work together.",
    "assurance to the ICB board would be straightforward.",
    "it adds a layer of meetings without adding authority.",
)
MISSING = (
    "How primary care is represented when decisions are delegated.",
    "The cost of running the arrangement, in staff time as well as money.",
    "How residents and Healthwatch would hold the arrangement to account.",
    "What happens when a partner's board disagrees with a decision.",
)
EXTENSION_REASONS = (
    "The partnership board meets after the closing date and must agree the response.",
    "The place lead was on leave for part of the round.",
    "The council's cabinet needs to see the response first.",
)


@dataclass
class _Authors:
    """Who writes a place's response: its current, active members and leads; and who may
    submit it: its leads."""

    writers: list[User] = field(default_factory=list)
    leads: list[User] = field(default_factory=list)


@dataclass
class _Plan:
    """A response before it is saved, and what its answers and ratings are written from."""

    response: PlaceResponse
    team: list[User]  # the members who write it
    proposer: User  # who saved the proposal
    lead: User  # who submitted it
    started: datetime
    words: dict[str, str]  # the names its sentences use


def _authors_by_place(world: World) -> dict[int, _Authors]:
    found: dict[int, _Authors] = {}
    for membership in world.memberships:
        user = membership.user
        if membership.place_id is None or membership.ended_at is not None or not user.is_active:
            continue
        authors = found.setdefault(membership.place_id, _Authors())
        authors.writers.append(user)
        if membership.role == Role.PLACE_LEAD:
            authors.leads.append(user)
    return found


def _history(instance: Any, *, at: datetime, user: User, kind: str, **then: Any) -> Any:
    """The history record django-simple-history writes when `instance` is saved, dated in
    the past; `then` holds the values that differed at that moment."""
    model = type(instance)
    values = {f.attname: getattr(instance, f.attname) for f in model._meta.concrete_fields}
    reason = then.pop("history_change_reason", None)
    values.update(then)
    return model.history.model(
        **values,
        history_date=at,
        history_user_id=user.pk,
        history_type=kind,
        history_change_reason=reason,
    )


def _options_in_words(key: str) -> str:
    numbers = [str(n) for n in option_set_numbers(key)]
    if len(numbers) == 1:
        return f"option {numbers[0]}"
    return f"options {', '.join(numbers[:-1])} and {numbers[-1]}"


def _between(world: World, start: datetime, end: datetime) -> datetime:
    seconds = max(int((end - start).total_seconds()), 1)
    return start + timedelta(seconds=world.rng.randrange(seconds))


def _sentences(world: World, count: int, words: dict[str, str]) -> list[str]:
    return [s.format(**words) for s in world.rng.sample(CASE_SENTENCES, count)]


def generate_rounds(world: World) -> None:
    """For every system an open consultation round on the 2021 design framework with the
    default seven questions and four milestones, inviting every place. Every place's response
    is submitted by one of its leads: a proposal the framework allows and the case for it, a
    rating of every option against every principle with reasons, and an answer to every
    question, written by a few of its members over the round, with the history the response
    page shows. A few places were given more time."""
    rng = world.rng
    framework = OptionFramework.objects.filter(slug=FRAMEWORK_SLUG).first()
    if framework is None:
        raise CommandError(
            f"The option framework {FRAMEWORK_SLUG!r} is not loaded: run `manage.py migrate`."
        )
    options = list(GovernanceOption.objects.filter(framework=framework).order_by("number"))
    principles = list(Principle.objects.filter(framework=framework).order_by("number"))
    rules = FrameworkRules.from_rows(
        [(o.number, o.short_name, o.stands_alone) for o in options],
        AllowedCombination.objects.filter(framework=framework).values_list("key", flat=True),
    )
    option_sets = allowed_option_sets(rules)
    weights = [PROPOSAL_WEIGHTS.get(key, 1) for key in option_sets]
    suggested = {
        (rating.option_set, rating.principle_id): rating.band
        for rating in SuggestedRating.objects.filter(framework=framework)
    }
    authors_of = _authors_by_place(world)
    admins_of: dict[int, list[User]] = {}
    for membership in world.memberships:
        if membership.role == Role.ICB_ADMIN and membership.ended_at is None:
            admins_of.setdefault(membership.system_id, []).append(membership.user)

    # The rounds: opened three weeks ago, closing in ten days.
    hour = world.now.replace(minute=0, second=0, microsecond=0)
    opens_at, closes_at = hour - timedelta(days=21), hour + timedelta(days=10)
    consultations = _bulk(
        ConsultationRound,
        [
            ConsultationRound(
                system=system,
                framework=framework,
                title=ROUND_TITLE,
                purpose=ROUND_PURPOSE,
                opens_at=opens_at,
                closes_at=closes_at,
                status=RoundStatus.OPEN,
                created_by=next(iter(admins_of.get(system.pk, [])), None),
            )
            for system in world.systems
        ],
    )
    round_of = {consultation.system_id: consultation for consultation in consultations}
    places = [place for place in world.places if place.is_active]
    invited = ConsultationRound.invited_places.through
    _bulk(
        invited,
        [invited(consultationround_id=round_of[p.system_id].pk, place_id=p.pk) for p in places],
    )
    questions = _bulk(
        Question,
        [
            question_build(round=consultation, order=order, spec=spec)
            for consultation in consultations
            for order, spec in enumerate(DEFAULT_QUESTIONS, 1)
        ],
    )
    questions_of: dict[int, list[Question]] = {}
    for question in questions:
        questions_of.setdefault(question.round_id, []).append(question)
    close_day = closes_at.date()
    milestones = _bulk(
        Milestone,
        [
            Milestone(round=consultation, title=title, description=description, due_on=due_on)
            for consultation in consultations
            for title, description, due_on in (
                (
                    "High-level summary to the oversight group",
                    "Counts of the options proposed and the ratings.",
                    close_day + timedelta(days=7),
                ),
                (
                    "Detailed review at the advisory group",
                    "Option by option, with every place's comments.",
                    close_day + timedelta(days=21),
                ),
                ("Extraordinary meeting", "", close_day + timedelta(days=35)),
                ("Proposals to the board", "", close_day + timedelta(days=49)),
            )
        ],
    )

    # The responses: begun in the round's first days, submitted since.
    plans: list[_Plan] = []
    extensions: list[DeadlineExtension] = []
    events: list[AuditEvent] = []
    invited_count = {system.pk: 0 for system in world.systems}
    for place in places:
        invited_count[place.system_id] += 1
    for consultation in consultations:
        events += [
            AuditEvent(
                actor=consultation.created_by,
                system_id=consultation.system_id,
                action="round.create",
                target_type=ConsultationRound._meta.label,
                target_id=str(consultation.pk),
                summary=f"Created consultation round {ROUND_TITLE} for "
                f"{invited_count[consultation.system_id]} places",
                details={},
                created_at=opens_at - timedelta(days=7),
            ),
            AuditEvent(
                actor=None,
                system_id=consultation.system_id,
                action="round.open",
                target_type=ConsultationRound._meta.label,
                target_id=str(consultation.pk),
                summary=f"Opened consultation round {ROUND_TITLE}; its places' leads are being "
                "e-mailed",
                details={},
                created_at=opens_at,
            ),
        ]
    for place in places:
        consultation = round_of[place.system_id]
        authors = authors_of.get(place.pk) or _Authors()
        if not authors.leads:
            raise CommandError(f"{place.name} has no active place lead to submit its response.")
        lead = rng.choice(authors.leads)
        team = rng.sample(authors.writers, min(len(authors.writers), rng.randint(2, 4)))
        started = opens_at + timedelta(minutes=rng.randint(60, 5 * 24 * 60))
        submitted = _between(world, started + timedelta(days=3), hour - timedelta(hours=1))
        key = rng.choices(option_sets, weights=weights)[0]
        partners = world.partners_by_place.get(place.pk, [])
        named = rng.sample([o.name for o in partners], 2) if len(partners) >= 2 else []
        partner, partner2 = named or ["the ICB", "the council"]
        councils = [o.name for o in partners if o.sector == Sector.UPPER_TIER_COUNCIL]
        writer = team[0]
        chosen = set(option_set_numbers(key))
        words = {
            "place": place.name,
            "partner": partner,
            "partner2": partner2,
            "council": councils[0] if councils else "the council",
            "lead": lead.full_name,
            "writer": writer.full_name,
            "email": writer.email,
            "population": f"{place.population or 300_000:,}",
            "options": _options_in_words(key),
            "avoided": str(rng.choice([o.number for o in options if o.number not in chosen])),
        }
        first = (
            f"{place.name} proposes {_options_in_words(key)} for the coming year, and would "
            "review the arrangement after twelve months."
        )
        body = _sentences(world, rng.randint(10, 16), words)
        middle = len(body) // 2
        case = " ".join([first, *body[:middle]]) + "\n\n" + " ".join(body[middle:])
        proposer = rng.choice(team)
        response = PlaceResponse(
            round=consultation,
            place=place,
            status=ResponseStatus.SUBMITTED,
            proposed_option_set=key,
            proposal_case=case,
            version=2,  # made, then the proposal saved
            updated_by=proposer,
            submitted_at=submitted,
            submitted_by=lead,
        )
        plans.append(
            _Plan(
                response=response,
                team=team,
                proposer=proposer,
                lead=lead,
                started=started,
                words=words,
            )
        )
        if rng.random() < 0.06:
            extensions.append(
                DeadlineExtension(
                    round=consultation,
                    place=place,
                    closes_at=closes_at + timedelta(days=7),
                    reason=rng.choice(EXTENSION_REASONS),
                    granted_by=consultation.created_by,
                )
            )
    responses = _bulk(PlaceResponse, [plan.response for plan in plans])
    events += [
        AuditEvent(
            actor=response.submitted_by,
            system_id=response.place.system_id,
            action="response.submit",
            target_type=PlaceResponse._meta.label,
            target_id=str(response.pk),
            summary=f"{response.submitted_by} submitted {response.place.name}'s response to "
            f"{ROUND_TITLE}",
            details={},
            created_at=response.submitted_at,
        )
        for response in responses
    ]
    _bulk(AuditEvent, events)
    world.counts["audit_events"] = world.counts.get("audit_events", 0) + len(events)
    _bulk(DeadlineExtension, extensions)

    # Answers and ratings, each by one of the team at some moment before the submission.
    answers: list[Answer] = []
    ratings: list[PlaceRating] = []
    history: dict[type, list[Any]] = {PlaceResponse: [], Answer: [], PlaceRating: []}
    drafts: list[tuple[Answer, datetime, User, str]] = []
    moments: list[tuple[Any, datetime, User]] = []
    for plan in plans:
        response, team, words = plan.response, plan.team, plan.words
        done = response.submitted_at
        assert done is not None
        last = done - timedelta(hours=1)
        for question in questions_of[response.round_id]:
            if question.choices:
                odds = [3, 5, 2] if len(question.choices) == 3 else None
                index = rng.choices(range(len(question.choices)), weights=odds)[0]
                choice = question.choices[index]
                opening = CHOICE_REASONS[index % len(CHOICE_REASONS)]
            else:
                choice = ""
                opening = ANSWER_OPENERS.get(question.order, "").format(**words)
            text = " ".join([opening, *_sentences(world, rng.randint(2, 5), words)])
            author = rng.choice(team)
            answer = Answer(
                response=response,
                question=question,
                choice=choice,
                text=text,
                updated_by=author,
                version=1,
            )
            at = _between(world, plan.started, last)
            if rng.random() < 0.3:  # an earlier, shorter draft by someone else
                answer.version = 2
                drafted_at = _between(world, plan.started, at)
                drafts.append((answer, drafted_at, rng.choice(team), opening))
            answers.append(answer)
            moments.append((answer, at, author))
        for option in options:
            for principle in principles:
                usual = suggested.get((str(option.number), principle.pk))
                if usual is None:
                    band, agreement = rng.choice(BANDS), Agreement.PARTLY
                else:
                    shift = rng.choices((-2, -1, 0, 1, 2), weights=(1, 3, 8, 3, 1))[0]
                    band = BANDS[min(max(BANDS.index(usual) + shift, 0), len(BANDS) - 1)]
                    distance = abs(BANDS.index(band) - BANDS.index(usual))
                    agreement = (
                        Agreement.AGREE
                        if distance == 0
                        else Agreement.DISAGREE
                        if distance > 1 or rng.random() < 0.3
                        else Agreement.PARTLY
                    )
                author = rng.choice(team)
                rating = PlaceRating(
                    response=response,
                    option=option,
                    principle=principle,
                    band=band,
                    qualifier=rng.choice(QUALIFIERS) if rng.random() < 0.15 else "",
                    reasons=rng.choice(REASONS).format(
                        **words,
                        option=option.number,
                        word=BAND_WORDS[band],
                        principle=principle.short_name.lower(),
                        clause=rng.choice(CLAUSES),
                    ),
                    agreement=agreement,
                    missing_from_analysis=rng.choice(MISSING) if rng.random() < 0.2 else "",
                    updated_by=author,
                    version=1,
                )
                ratings.append(rating)
                moments.append((rating, _between(world, plan.started, last), author))
    answers = _bulk(Answer, answers)
    ratings = _bulk(PlaceRating, ratings)

    # History: the response made, its proposal saved, then submitted (a record of its own,
    # never folded into an edit); each answer and rating as saved, some answers twice.
    for plan in plans:
        response = plan.response
        assert response.submitted_at is not None
        proposed = _between(world, plan.started, response.submitted_at - timedelta(hours=1))
        history[PlaceResponse] += [
            _history(
                response,
                at=plan.started,
                user=plan.team[0],
                kind="+",
                status=ResponseStatus.DRAFT,
                proposed_option_set="",
                proposal_case="",
                version=1,
                updated_at=plan.started,
                updated_by_id=None,
                submitted_at=None,
                submitted_by_id=None,
            ),
            _history(
                response,
                at=proposed,
                user=plan.proposer,
                kind="~",
                status=ResponseStatus.DRAFT,
                updated_at=proposed,
                submitted_at=None,
                submitted_by_id=None,
            ),
            _history(
                response,
                at=response.submitted_at,
                user=plan.lead,
                kind="~",
                updated_at=response.submitted_at,
                history_change_reason="status",
            ),
        ]
    for answer, at, user, opening in drafts:
        history[Answer].append(
            _history(
                answer,
                at=at,
                user=user,
                kind="+",
                text=opening,
                version=1,
                updated_at=at,
                updated_by_id=user.pk,
            )
        )
    drafted = {id(answer) for answer, *_ in drafts}
    for record, at, user in moments:
        kind = "~" if id(record) in drafted else "+"
        history[type(record)].append(_history(record, at=at, user=user, kind=kind, updated_at=at))
    for model, records in history.items():
        _bulk(model.history.model, records)  # type: ignore[attr-defined]

    # The records' own "last changed" times, which saving stamps with the present.
    PlaceResponse.objects.filter(round__in=consultations).update(updated_at=F("submitted_at"))
    for model in (Answer, PlaceRating):
        latest = (
            model.history.model.objects.filter(id=OuterRef("pk"))
            .order_by("-history_date")
            .values("history_date")[:1]
        )
        model.objects.filter(response__round__in=consultations).update(updated_at=Subquery(latest))

    world.counts["consultation_rounds"] = len(consultations)
    world.counts["round_questions"] = len(questions)
    world.counts["round_milestones"] = len(milestones)
    world.counts["deadline_extensions"] = len(extensions)
    world.counts["place_responses"] = len(responses)
    world.counts["place_responses_submitted"] = sum(
        r.status == ResponseStatus.SUBMITTED for r in responses
    )
    world.counts["answers"] = len(answers)
    world.counts["place_ratings"] = len(ratings)
    world.counts["response_history_records"] = sum(len(r) for r in history.values())
    world.counts["response_words"] = sum(
        len(text.split())
        for text in (
            *(r.proposal_case for r in responses),
            *(a.text for a in answers),
            *(r.reasons for r in ratings),
        )
    )


def generate_permissions(world: World) -> None:
    granted, revoked = permissions_sync_all_bulk()
    world.counts["object_permissions"] = granted
    world.counts["object_permissions_revoked"] = revoked


GENERATORS: list[Callable[[World], None]] = [
    generate_systems,
    generate_places,
    generate_organisations,
    generate_aliases,
    generate_place_partners,
    generate_people,
    generate_memberships,
    generate_invitations,
    generate_audit_events,
    generate_structures,
    generate_rounds,
    generate_permissions,
]


def generate(*, seed: int, sizes: Sizes, log: Callable[[str], None] = lambda _: None) -> World:
    world = World(rng=random.Random(seed), sizes=sizes, now=timezone.now())
    with transaction.atomic():
        for generator in GENERATORS:
            started = time.perf_counter()
            generator(world)
            log(f"  {generator.__name__}: {time.perf_counter() - started:.1f}s")
    return world


class Command(BaseCommand):
    help = "Load a fictional national-scale data set for benchmarks (into an empty database)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--seed", type=int, default=2025)
        parser.add_argument("--systems", type=int, default=42)
        parser.add_argument("--places", type=int, default=200)
        parser.add_argument("--organisations", type=int, default=5000)
        parser.add_argument("--people", type=int, default=20000)

    def handle(self, *args: Any, **options: Any) -> None:
        sizes = Sizes(
            systems=options["systems"],
            places=options["places"],
            organisations=options["organisations"],
            people=options["people"],
        )
        if min(sizes.systems, sizes.places, sizes.organisations, sizes.people) < 1:
            raise CommandError("Every size must be at least 1.")
        if System.objects.exists():
            raise CommandError(
                "This database already holds systems; generate_national only loads an empty "
                "database. Use a fresh one (createdb, then migrate)."
            )
        started = time.perf_counter()
        world = generate(seed=options["seed"], sizes=sizes, log=self.stdout.write)
        elapsed = time.perf_counter() - started
        for name, count in world.counts.items():
            self.stdout.write(f"{name}: {count}")
        self.stdout.write(self.style.SUCCESS(f"Generated in {elapsed:.1f} seconds."))
