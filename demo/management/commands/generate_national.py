"""Load the national-scale benchmark data set (`demo.national`) into an empty database."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from demo.national import Sizes, generate
from partners.models import System


def refresh_planner_statistics() -> None:
    """PostgreSQL plans from table statistics, which a bulk load leaves empty until autovacuum
    gets round to it: pages measured straight after loading were planned for empty tables
    (the governance map took 4 s instead of milliseconds). A load ends with ANALYZE, as any
    bulk load in production would."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


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
        refresh_planner_statistics()
        for name, count in world.counts.items():
            self.stdout.write(f"{name}: {count}")
        self.stdout.write(self.style.SUCCESS(f"Generated in {elapsed:.1f} seconds."))
