"""Load (or reload) catalogue content from JSON; safe to run any number of times."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from governance.catalogue.loader import DEFAULT_FILES, catalogue_load


class Command(BaseCommand):
    help = "Load option frameworks and delivery models from the catalogue JSON files."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "paths",
            nargs="*",
            type=Path,
            help="JSON files to load; by default every file in governance/catalogue.",
        )

    def handle(self, *args: Any, paths: list[Path], **options: Any) -> None:
        for path in paths or DEFAULT_FILES:
            counts = catalogue_load(path=path)
            summary = ", ".join(
                f"{count} {name.replace('_', ' ')}" for name, count in counts.items()
            )
            self.stdout.write(f"{path.name}: {summary}")
