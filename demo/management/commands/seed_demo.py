"""Load North Shire, the fictional integrated care system the demo runs on (`demo.north_shire`),
and print its sign-ins."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction
from django.test.utils import override_settings

from demo.north_shire import build
from demo.north_shire.sign_ins import (  # noqa: F401 - the demo's published sign-ins, used by demo_code
    DEMO_DOMAIN,
    DEMO_PASSWORD,
    DEMO_TOTP_KEY,
    SYSTEM_SLUG,
    sign_ins_lines,
)
from partners.models import System


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
            else:
                self.stderr.write("The demo system is already loaded; nothing changed.")
        else:
            # The demo's people are fictional and its history is being written, not lived:
            # the notices its set-up would send (submissions, round openings) go nowhere.
            with (
                override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"),
                transaction.atomic(),
            ):
                build(warn=self.stderr.write)
            self.stdout.write(self.style.SUCCESS("Loaded the North Shire demo system."))
        for line in sign_ins_lines():
            self.stdout.write(line)
