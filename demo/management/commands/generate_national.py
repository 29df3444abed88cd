"""Load the national-scale benchmark data set (`demo.national`) into an empty database."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from demo.national import Sizes, generate
from partners.models import System


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
