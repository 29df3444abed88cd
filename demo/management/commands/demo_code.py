"""`python manage.py demo_code`: the code the demo's authenticator key shows now, for signing
in to the demo as an ICB admin or the superuser without an authenticator app. It reads only
the demo accounts' published key (seed_demo.DEMO_TOTP_KEY), never a real person's."""

from __future__ import annotations

from base64 import b32encode
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from demo.management.commands.seed_demo import DEMO_DOMAIN, DEMO_TOTP_KEY


class Command(BaseCommand):
    help = "Print the current two-factor code of the demo ICB admins and superuser."

    def handle(self, *args: Any, **options: Any) -> None:
        app = TOTPDevice.objects.filter(
            key=DEMO_TOTP_KEY, user__email__endswith=f"@{DEMO_DOMAIN}"
        ).first()
        if app is None:
            raise CommandError("There are no demo accounts here: run `manage.py seed_demo` first.")
        totp = TOTP(app.bin_key, app.step, app.t0, app.digits, app.drift)
        seconds_left = app.step - int(totp.time - app.t0) % app.step
        self.stdout.write(
            f"{totp.token():0{app.digits}d}\n"
            f"Valid for about {seconds_left} more seconds; each code works once per account. "
            f"The demo's authenticator key is {b32encode(app.bin_key).decode()}."
        )
