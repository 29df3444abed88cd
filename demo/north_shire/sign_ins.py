"""The demo's accounts: one published password, one published authenticator key, and the
addresses the README lists."""

from __future__ import annotations

from base64 import b32encode

from partners.models import User

DEMO_PASSWORD = "place-governance-demo"  # noqa: S105 - published demo sign-in, local data only
DEMO_DOMAIN = "north-shire.example"
# Demo accounts that must use two-factor sign-in (ICB admins, the superuser) share this
# published authenticator key, so anyone trying the demo can add it to an app, or read the
# current code with `manage.py demo_code`. Real accounts set up their own at first sign-in.
DEMO_TOTP_KEY = "5047442064656d6f206b6579206f6e6c79212121"
SYSTEM_SLUG = "north-shire"
DEMO_FRAMEWORK_SLUG = "ics-design-framework-2021"  # loaded by governance's data migration
OPERATING_MODEL_FRAMEWORK_SLUG = "operating-model-2025"  # likewise

SIGN_INS = [
    ("ICB governance admin", f"icb.admin@{DEMO_DOMAIN}"),
    ("Place lead, Ashworth", f"lead.ashworth@{DEMO_DOMAIN}"),
    ("Place member, Ashworth", f"member1.ashworth@{DEMO_DOMAIN}"),
    ("Place member, Brackenfield", f"member1.brackenfield@{DEMO_DOMAIN}"),
    ("Place lead, Elmsworth (lead care provider)", f"lead.elmsworth@{DEMO_DOMAIN}"),
    ("Advisory group member", f"advisory1@{DEMO_DOMAIN}"),
    ("Superuser (Django admin)", f"superuser@{DEMO_DOMAIN}"),
]


def demo_user(local_part: str) -> User:
    """A demo account by the part of its address before the @."""
    return User.objects.get(email=f"{local_part}@{DEMO_DOMAIN}")


def sign_ins_lines() -> list[str]:
    """The sign-ins `seed_demo` prints, with the two-factor key in the form apps take."""
    lines = [f"\nDemo sign-ins (password for all: {DEMO_PASSWORD}):"]
    lines += [f"  {role:<28} {email}" for role, email in SIGN_INS]
    lines.append(
        f"  Other places: lead.<place>@{DEMO_DOMAIN}, member1-9.<place>@{DEMO_DOMAIN}; "
        f"more admins icb.admin2-3@, advisory1-6@.\n"
    )
    key = b32encode(bytes.fromhex(DEMO_TOTP_KEY)).decode()
    lines.append(
        "ICB admins and the superuser must also enter a two-factor code: run "
        f"`make demo-code`, or add the key {key} to an authenticator app.\n"
    )
    return lines
