"""What the national generators share: the sizes asked for, what has been made so far, and
the naming rules (unique town names, initials, ODS codes, organisation names unique in
their system, sector quotas)."""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.core.management.base import CommandError

from delegations.models import DelegateRole, MatterCategory
from demo.national.words import (
    COMPASS,
    PER_PLACE,
    PER_SYSTEM,
    PLACE_QUALIFIERS,
    PREFIXES,
    REMAINDER_SHARES,
    SMALL_WORDS,
    SUFFIXES,
)
from governance.structures.models import Committee
from partners.models import Membership, Organisation, Place, Sector, System, User, normalise_name


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
    committees: list[Committee] = field(default_factory=list)
    directors: list[DelegateRole] = field(default_factory=list)
    parties: dict[int, set[int]] = field(default_factory=dict)  # a joint committee's, by pk
    leaves_by_system: dict[int, list[MatterCategory]] = field(default_factory=dict)

    def days_ago(self, low: int, high: int) -> datetime:
        return self.now - timedelta(
            days=self.rng.randint(low, high), minutes=self.rng.randint(0, 1439)
        )


def town_name(world: World, *, unique: bool) -> str:
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


def initials(name: str) -> str:
    words = [w for w in re.split(r"[\s-]+", name) if w and w.lower().strip("'") not in SMALL_WORDS]
    return "".join(w[0].upper() for w in words if w[0].isalpha())


def ods_code(world: World, prefix: str, length: int, alphabet: str) -> str:
    for attempt in range(400):
        size = length + attempt // 200  # grow only if the short codes run out
        code = prefix + "".join(world.rng.choice(alphabet) for _ in range(size))
        if code not in world.ods_codes:
            world.ods_codes.add(code)
            return code
    raise CommandError("Ran out of ODS codes.")


def claim_name(world: World, system: System, candidates: Callable[[], str]) -> str:
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


def apportion(wanted: dict[str, float], total: int, minimum: int) -> dict[str, int]:
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
    return apportion(wanted, sizes.organisations, minimum)
