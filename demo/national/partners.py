"""The national data set's systems, places, partner organisations (a third of them with
the abbreviations people really use), people in every role, invitations, a recent audit
history, and the object permissions their memberships give."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Callable
from datetime import timedelta

from django.contrib.auth.hashers import make_password
from django.core.management.base import CommandError
from django.utils.text import slugify

from demo.build.partners import alias_row, organisation_row, place_row
from demo.build.rows import bulk_insert
from demo.national.words import (
    ADMIN_TITLES,
    ADVISORY_TITLES,
    COMPASS,
    COUNTY_ENDINGS,
    EMAIL_DOMAIN,
    FIRST_NAMES,
    LAST_NAMES,
    LEAD_TITLES,
    LOCALITY_WORDS,
    OTHER_KINDS,
    PCN_AREAS,
    PLACE_TITLES,
    PRACTICE_KINDS,
    PREFIXES,
    ROUND_ROBIN_SECTORS,
    SAINTS,
    SYSTEM_SECTORS,
    VCFSE_KINDS,
)
from demo.national.world import World, claim_name, initials, ods_code, sector_quota, town_name
from partners.models import (
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
        short = initials(base) if " " in base else base
        systems.append(
            System(
                name=f"{base} Integrated Care System",
                short_name=f"{short} ICB"[:40],
                slug=slugify(base)[:80],
            )
        )
    world.systems = bulk_insert(System, systems)
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
        name = town_name(world, unique=True)
        if rng.random() < 0.08:
            name = f"{name} and {town_name(world, unique=True)}"
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
            place_row(
                system=system,
                name=name,
                population=population,
                local_authority_footprint=f"{name} {council}",
            )
        )
    world.places = bulk_insert(Place, places)
    for place in world.places:
        world.places_by_system.setdefault(place.system_id, []).append(place)
    world.counts["places"] = len(world.places)


def _organisation_name(world: World, sector: str, system_index: int, home: Place) -> str:
    rng = world.rng
    base = world.system_bases[system_index]
    place = home.name
    town = rng.choice([place, place, town_name(world, unique=False)])
    options: dict[str, Callable[[], str]] = {
        Sector.ICB: lambda: f"NHS {base} Integrated Care Board",
        Sector.ACUTE_TRUST: lambda: rng.choice(
            [
                f"{town} Hospitals NHS Trust",
                f"{town} University Hospitals NHS Foundation Trust",
                f"Royal {town} Hospital NHS Foundation Trust",
                f"{town} Teaching Hospitals NHS Trust",
                f"{town} and {town_name(world, unique=False)} Hospitals NHS Trust",
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
        Sector.DISTRICT_COUNCIL: lambda: f"{town_name(world, unique=False)} District Council",
        Sector.PRIMARY_CARE_NETWORK: lambda: rng.choice(
            [
                f"{place} {rng.choice(PCN_AREAS)} Primary Care Network",
                f"{town_name(world, unique=False)} Primary Care Network",
            ]
        ),
        Sector.GP_PRACTICE: lambda: rng.choice(
            [
                f"{town_name(world, unique=False)} {rng.choice(PRACTICE_KINDS)}",
                f"{rng.choice(PREFIXES)} {rng.choice(LOCALITY_WORDS)} {rng.choice(PRACTICE_KINDS)}",
                f"The {town_name(world, unique=False)} {rng.choice(PRACTICE_KINDS)}",
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
    return claim_name(world, world.systems[system_index], options[sector])


def _ods_for(world: World, sector: str) -> str:
    digits, letters = "0123456789", "ABCDEFGHJKLMNPQRTVWXY0123456789"
    if sector == Sector.ICB:
        return ods_code(world, "Q", 2, letters)
    if sector in {
        Sector.ACUTE_TRUST,
        Sector.COMMUNITY_TRUST,
        Sector.MENTAL_HEALTH_TRUST,
        Sector.COMBINED_TRUST,
        Sector.AMBULANCE_TRUST,
    }:
        return ods_code(world, "R", 2, letters)
    if sector == Sector.GP_PRACTICE:
        return ods_code(world, world.rng.choice("ABCDEFGHJKLMNPY"), 5, digits)
    if sector == Sector.PRIMARY_CARE_NETWORK:
        return ods_code(world, "U", 5, digits)
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
            organisation_row(
                system=system,
                name=name,
                sector=sector,
                ods_code=_ods_for(world, sector),
                is_active=rng.random() > 0.01,
            )
        )
        world.served_places.append(_served(world, sector, world.places_by_system[system.pk], home))
    world.organisations = bulk_insert(Organisation, organisations)
    for organisation in world.organisations:
        if organisation.sector == Sector.ICB:
            world.icb_by_system.setdefault(organisation.system_id, organisation)
    world.counts["organisations"] = len(world.organisations)
    world.counts["sectors"] = len({o.sector for o in world.organisations})


def _alias_candidates(world: World, organisation: Organisation) -> list[str]:
    name, sector = organisation.name, organisation.sector
    abbreviation = initials(name)
    candidates = []
    if sector == Sector.ICB:
        candidates += ["the ICB", f"{abbreviation} ICB"]
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
    if len(abbreviation) >= 2:
        candidates.append(abbreviation)
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
            aliases.append(alias_row(organisation=organisation, alias=alias))
            wanted -= 1
            if not wanted:
                break
    bulk_insert(OrganisationAlias, aliases)
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
    bulk_insert(PlacePartner, partners)
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

    world.users = bulk_insert(User, users)
    world.memberships = bulk_insert(Membership, memberships)
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
    bulk_insert(Invitation, invitations)
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
    bulk_insert(AuditEvent, events)
    world.counts["audit_events"] = len(events)


def generate_permissions(world: World) -> None:
    granted, revoked = permissions_sync_all_bulk()
    world.counts["object_permissions"] = granted
    world.counts["object_permissions_revoked"] = revoked
