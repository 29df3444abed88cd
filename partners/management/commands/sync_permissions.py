"""Re-derive every object permission from the current memberships (after a restore, an
import, or a change to what a role may do)."""

from typing import Any

from django.core.management.base import BaseCommand

from partners.models import User
from partners.permissions import permissions_sync_for_user


class Command(BaseCommand):
    help = "Make every person's object permissions match their current memberships."

    def handle(self, *args: Any, **options: Any) -> None:
        granted = revoked = 0
        for user in User.objects.order_by("pk").iterator(chunk_size=500):
            g, r = permissions_sync_for_user(user=user)
            granted += g
            revoked += r
        self.stdout.write(f"Granted {granted} and revoked {revoked} object permissions.")
