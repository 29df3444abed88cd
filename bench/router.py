"""How fast does the decision router answer? `.venv/bin/python bench/router.py`.

Builds (once; reused on later runs) a system of 20 places and 200 organisations whose
schemes of delegation hold 50,000 lines in all (four in five in the scheme in force, the rest
in superseded versions) over a three-level matter tree, with committees answering to one
another. Then times 500 routes of random matters, values and sets of one to five
organisations, as `route_decision` runs them for the decision page. Goal: p95 of 20 ms or less.

Runs against DATABASE_URL (PostgreSQL for figures worth quoting; SQLite works). Prints a JSON
report."""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import sys
import time
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SYSTEM_SLUG = "bench-router"
GOAL_P95_MS = 20.0
LINES = 50_000
ORGANISATIONS = 200
PLACES = 20


def setup_django() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.bench")
    import django

    django.setup()


def build(seed: int) -> Any:
    """The bench system, made once."""
    from django.db import transaction

    from delegations.models import (
        DelegateRole,
        Delegation,
        MatterCategory,
        SchemeOfDelegation,
        SchemeStatus,
    )
    from demo.build.partners import system_bulk
    from demo.build.rows import bulk_insert
    from governance.structures.models import Committee, CommitteeKind
    from partners.models import PlacePartner, Sector, System

    system = System.objects.filter(slug=SYSTEM_SLUG).first()
    if (
        system is not None
        and Delegation.objects.filter(scheme__organisation__system=system).count() >= LINES
    ):
        return system
    if system is not None:
        raise SystemExit(
            f"A partial bench system {SYSTEM_SLUG!r} exists; drop the database and run again."
        )
    rng = random.Random(seed)  # noqa: S311 - reproducible bench data, not a secret
    sectors = [Sector.ICB, Sector.UPPER_TIER_COUNCIL, Sector.ACUTE_TRUST, Sector.COMMUNITY_TRUST]
    with transaction.atomic():
        system, places, organisations = system_bulk(
            name="Router Benchmark Integrated Care System",
            short_name="RBENCH",
            slug=SYSTEM_SLUG,
            place_names=(f"Routeton {n:02d}" for n in range(PLACES)),
            organisations=(
                (f"Routeton organisation {n:03d}", sectors[n % len(sectors)])
                for n in range(ORGANISATIONS)
            ),
            legal_form=None,
        )
        bulk_insert(
            PlacePartner,
            (
                PlacePartner(place=places[n % PLACES], organisation=organisation)
                for n, organisation in enumerate(organisations)
            ),
        )
        matters: list[MatterCategory] = []
        roots = MatterCategory.objects.bulk_create(
            MatterCategory(system=system, code=f"m{r}", name=f"Matter {r}", order=r)
            for r in range(8)
        )
        children = MatterCategory.objects.bulk_create(
            MatterCategory(system=system, parent=root, code=f"m{r}-{c}", name=f"Matter {r}.{c}")
            for r, root in enumerate(roots)
            for c in range(4)
        )
        leaves = MatterCategory.objects.bulk_create(
            MatterCategory(
                system=system,
                parent=child,
                code=f"{child.code}-{g}",
                name=f"{child.name}.{g}",
            )
            for child in children
            for g in range(2)
        )
        matters = [*roots, *children, *leaves]
        committees: list[Committee] = []
        for p, place in enumerate(places):
            board = Committee.objects.create(
                place=place,
                name=f"Routeton {p:02d} board",
                kind=CommitteeKind.ICB_COMMITTEE,
                accountable_to_organisation=organisations[p],
            )
            middle = Committee.objects.create(
                place=place,
                name=f"Routeton {p:02d} finance committee",
                kind=CommitteeKind.ICB_COMMITTEE,
                accountable_to_committee=board,
            )
            committees += [board, middle]
            committees += Committee.objects.bulk_create(
                Committee(
                    place=place,
                    name=f"Routeton {p:02d} committee {c}",
                    kind=CommitteeKind.SUB_COMMITTEE,
                    accountable_to_committee=middle,
                    is_active=c != 0,
                )
                for c in range(8)
            )
        roles = DelegateRole.objects.bulk_create(
            DelegateRole(organisation=organisation, title=f"Director {r}")
            for organisation in organisations
            for r in range(3)
        )
        per_org = LINES // ORGANISATIONS
        superseded = per_org // 5
        lines: list[Delegation] = []
        for index, organisation in enumerate(organisations):
            old, current = SchemeOfDelegation.objects.bulk_create(
                [
                    SchemeOfDelegation(
                        organisation=organisation,
                        number=1,
                        status=SchemeStatus.SUPERSEDED,
                        effective_from=date(2023, 4, 1),
                        effective_to=date(2025, 3, 31),
                    ),
                    SchemeOfDelegation(
                        organisation=organisation,
                        number=2,
                        status=SchemeStatus.IN_FORCE,
                        effective_from=date(2025, 4, 1),
                    ),
                ]
            )
            own_roles = roles[index * 3 : index * 3 + 3]
            for n in range(per_org):
                ceiling = Decimal(rng.choice([50, 250, 500, 1000, 2500, 5000, 10_000])) * 1000
                reserved = rng.random() < 0.1
                use_role = not reserved and rng.random() < 0.3
                lines.append(
                    Delegation(
                        scheme=old if n < superseded else current,
                        matter=rng.choice(matters),
                        reserved=reserved,
                        delegate_committee=None if reserved or use_role else rng.choice(committees),
                        delegate_role=rng.choice(own_roles) if use_role else None,
                        limit_from=ceiling + Decimal("0.01") if reserved else Decimal(0),
                        limit_to=None if reserved or rng.random() < 0.05 else ceiling,
                        place=rng.choice(places) if rng.random() < 0.2 else None,
                        reference=f"{n + 1}",
                    )
                )
        Delegation.objects.bulk_create(lines, batch_size=5000)
    return system


def run(routes: int, seed: int) -> dict[str, Any]:
    from django.db import connection

    from delegations.models import Delegation, MatterCategory
    from delegations.router import route_decision
    from partners.models import Organisation, Place

    system = build(seed)
    rng = random.Random(seed + 1)  # noqa: S311
    places = list(Place.objects.filter(system=system))
    organisations = list(Organisation.objects.filter(system=system))
    matters = list(MatterCategory.objects.filter(system=system, parent__parent__isnull=False))
    queries = 0

    def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        nonlocal queries
        queries += 1
        return execute(sql, params, many, context)

    timings: list[float] = []
    cpu: list[float] = []
    baseline: list[float] = []
    query_counts: list[int] = []
    answered = 0
    with connection.execute_wrapper(count):
        for _ in range(20):  # warm up connections and caches
            route_decision(
                place=rng.choice(places),
                matter=rng.choice(matters),
                value=Decimal(100_000),
                organisations=rng.sample(organisations, 3),
                on=date(2025, 6, 1),
            )
        for _ in range(routes):
            place = rng.choice(places)
            matter = rng.choice(matters)
            value = Decimal(int(10 ** rng.uniform(3, 7.3)))
            chosen = rng.sample(organisations, rng.randint(1, 5))
            # The cheapest ORM query, interleaved, shows how loaded the machine is.
            started = time.perf_counter()
            list(Place.objects.filter(pk=place.pk).values_list("pk"))
            baseline.append((time.perf_counter() - started) * 1000)
            queries = 0
            started, started_cpu = time.perf_counter(), time.process_time()
            result = route_decision(
                place=place, matter=matter, value=value, organisations=chosen, on=date(2025, 6, 1)
            )
            timings.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - started_cpu) * 1000)
            query_counts.append(queries)
            answered += len(result.with_authority)

    def percentiles(values: list[float]) -> dict[str, float]:
        values = sorted(values)
        return {
            "p50": round(statistics.median(values), 2),
            "p95": round(values[int(len(values) * 0.95) - 1], 2),
            "max": round(values[-1], 2),
        }

    ms = percentiles(timings)
    p95 = ms["p95"]
    return {
        "benchmark": "decision router",
        "database": connection.vendor,
        "python": platform.python_version(),
        "lines_in_system": Delegation.objects.filter(scheme__organisation__system=system).count(),
        "organisations": len(organisations),
        "routes": routes,
        "cpu_cores": os.cpu_count(),
        "load_average_1m": round(os.getloadavg()[0], 2),
        "ms": ms,
        "client_cpu_ms": percentiles(cpu),
        "baseline_one_row_query_ms": percentiles(baseline),
        "queries_per_route": {"min": min(query_counts), "max": max(query_counts)},
        "organisations_with_authority": answered,
        "goal_p95_ms": GOAL_P95_MS,
        "met_goal": p95 <= GOAL_P95_MS,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--routes", type=int, default=500)
    parser.add_argument("--seed", type=int, default=2025)
    args = parser.parse_args()
    setup_django()
    print(json.dumps(run(args.routes, args.seed), indent=2))


if __name__ == "__main__":
    main()
