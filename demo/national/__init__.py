"""A national-scale, fictional data set for benchmarks: by default 42 integrated care
systems, about 200 places, 5,000 partner organisations of every sector (a third of them with
the abbreviations people really use), 20,000 people in every role and the object permissions
their memberships give; every place's committees and terms of reference, every
organisation's scheme of delegation; and in every system an open consultation round to which
every place has submitted its response; and the 2025 operating model's populations,
neighbourhoods and delivery arrangements (demo.national.delivery).

Seeded and reproducible: the same seed gives the same names, sizes and links (dates are
relative to the moment it runs). Rows go in with `bulk_insert` in batches, not through the
per-row services (only the rounds themselves go through `round_create`), and permissions
with `permissions_sync_all_bulk`, so it runs in well under a minute on a small machine.
Each domain has its own generators, run in the order `GENERATORS` lists."""

from __future__ import annotations

import random
import time
from collections.abc import Callable

from django.db import transaction
from django.utils import timezone

from demo.national.consultation import generate_rounds
from demo.national.delegations import generate_matters, generate_schemes
from demo.national.delivery import generate_geography_and_delivery
from demo.national.partners import (
    generate_aliases,
    generate_audit_events,
    generate_invitations,
    generate_memberships,
    generate_organisations,
    generate_people,
    generate_permissions,
    generate_place_partners,
    generate_places,
    generate_systems,
)
from demo.national.structures import generate_committees, generate_seats_and_terms
from demo.national.world import Sizes, World

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
    generate_matters,
    generate_committees,
    generate_seats_and_terms,
    generate_schemes,
    generate_rounds,
    generate_permissions,
    # Last, so that the names and sizes drawn before it stay as they were.
    generate_geography_and_delivery,
]

__all__ = ["GENERATORS", "Sizes", "World", "generate"]


def generate(*, seed: int, sizes: Sizes, log: Callable[[str], None] = lambda _: None) -> World:
    world = World(rng=random.Random(seed), sizes=sizes, now=timezone.now())
    with transaction.atomic():
        for generator in GENERATORS:
            started = time.perf_counter()
            generator(world)
            log(f"  {generator.__name__}: {time.perf_counter() - started:.1f}s")
    return world
