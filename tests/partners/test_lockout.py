"""Lockout and throttling are keyed on the account, not on how its address was typed or on
the session (issue #14): sign-in (django-axes), password reset requests and two-factor codes."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import PASSWORD, AuthenticatorAppFactory, current_code
from tests.partners.test_two_factor import console_url, sign_in_with_password, time_passes

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _limits(settings):
    """The limits these tests count to, whatever the environment sets."""
    settings.AXES_FAILURE_LIMIT = 5
    settings.AXES_COOLOFF_TIME = 0.25
    settings.PASSWORD_RESET_LIMIT_PER_EMAIL = 3
    settings.PASSWORD_RESET_LIMIT_PER_IP = 20
    settings.PASSWORD_RESET_THROTTLE_WINDOW_MINUTES = 15
    settings.TWO_FACTOR_FAILURE_LIMIT = 5
    settings.TWO_FACTOR_LOCKOUT_MINUTES = 15


def sign_in(client, email, password=PASSWORD):
    return client.post(reverse("login"), {"username": email, "password": password})


def spellings(email: str) -> list[str]:
    local, domain = email.split("@")
    return [
        email,
        email.upper(),
        f"  {email}  ",
        f"{local.capitalize()}@{domain.upper()}",
        f"\t{local.upper()}@{domain} ",
    ]


def test_the_address_is_normalised_as_the_user_model_stores_it():
    from partners.throttling import normalised_email

    assert normalised_email("  Member9.Ashworth@Example.NHS.uk \t") == (
        "member9.ashworth@example.nhs.uk"
    )
    assert normalised_email(None) == ""


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (0.2, "1 second"),
        (4, "4 seconds"),
        (61, "2 minutes"),
        (900, "15 minutes"),
        (7200, "2 hours"),
    ],
)
def test_waits_are_rounded_up_to_a_unit_people_read(seconds, text):
    from partners.throttling import wait_text

    assert wait_text(seconds) == text


# Sign-in ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("other", ["upper", "spaces"])
def test_a_locked_account_stays_locked_under_another_spelling(client, world, settings, other):
    email = world.member_a.email
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, email, "wrong-password")
    spelling = email.upper() if other == "upper" else f"  {email.upper()}  "
    locked = sign_in(client, spelling)  # the right password
    assert locked.status_code == 429
    page = locked.content.decode()
    assert "Too many sign-in attempts" in page
    assert "Wait 15 minutes" in page
    assert "_auth_user_id" not in client.session


def test_wrong_passwords_count_together_across_spellings(client, world, settings):
    email = world.member_a.email
    typed = spellings(email)
    assert len(typed) == settings.AXES_FAILURE_LIMIT
    for spelling in typed[:-1]:
        assert sign_in(client, spelling, "wrong-password").status_code == 200
    # The fifth wrong password, under a fifth spelling, locks the account.
    assert sign_in(client, typed[-1], "wrong-password").status_code == 429
    assert sign_in(client, email).status_code == 429


def test_a_right_password_still_clears_the_count_for_every_spelling(client, world, settings):
    email = world.member_a.email
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        sign_in(client, email.upper(), "wrong-password")
    assert sign_in(client, email).status_code == 302
    client.logout()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert sign_in(client, email.upper(), "wrong-password").status_code == 200
    assert sign_in(client, email).status_code == 302


# Password reset requests -------------------------------------------------------------------------


def request_reset(client, email):
    return client.post(reverse("password_reset"), {"email": email})


def test_reset_requests_for_one_address_are_throttled_across_spellings(client, world, settings):
    email = world.member_a.email
    limit = settings.PASSWORD_RESET_LIMIT_PER_EMAIL
    typed = spellings(email)
    for spelling in typed[:limit]:
        assert request_reset(client, spelling).status_code == 302
    assert len(mail.outbox) == limit
    throttled = request_reset(client, typed[limit])
    assert throttled.status_code == 429
    page = throttled.content.decode()
    assert "Too many requests for a reset link" in page
    assert "wait 15 minutes" in page  # from the first request counted
    assert len(mail.outbox) == limit  # no e-mail for the throttled request
    # Another address from another connection is not held up by this one.
    other = Client(REMOTE_ADDR="10.0.0.9")
    assert request_reset(other, world.member_b.email).status_code == 302


def test_a_throttled_reset_page_does_not_say_whether_the_account_exists(client, world, settings):
    def throttled_page(email: str) -> str:
        for _ in range(settings.PASSWORD_RESET_LIMIT_PER_EMAIL):
            assert request_reset(client, email).status_code == 302
        response = request_reset(client, email.upper())
        assert response.status_code == 429
        return re.sub(r'"X-CSRFToken": "\w+"', "", response.content.decode())

    assert throttled_page(world.member_a.email) == throttled_page("nobody@example.nhs.uk")


def test_reset_requests_from_one_connection_are_throttled(client, world, settings):
    settings.PASSWORD_RESET_LIMIT_PER_IP = 4
    for n in range(4):
        assert request_reset(client, f"person{n}@example.nhs.uk").status_code == 302
    throttled = request_reset(client, world.member_a.email)
    assert throttled.status_code == 429
    assert not mail.outbox


# Two-factor codes --------------------------------------------------------------------------------


def wrong_codes(client, app, count):
    for _ in range(count):
        time_passes(app)  # past django-otp's own growing delay between tries on one device
        response = client.post(reverse("two_factor_verify"), {"token": "000000"})
        assert response.status_code == 200
    return response


def move_failures_back(app, minutes):
    TOTPDevice.objects.filter(pk=app.pk).update(
        throttling_failure_timestamp=timezone.now() - timedelta(minutes=minutes)
    )


def test_wrong_codes_pause_code_entry_for_the_account_in_every_session(world, settings):
    app = AuthenticatorAppFactory(user=world.icb_admin)
    first, second = Client(), Client()
    sign_in_with_password(first, world.icb_admin)
    wrong_codes(first, app, settings.TWO_FACTOR_FAILURE_LIMIT)

    # A second session, signed in with the password afresh, gets no fresh guesses: not even
    # the right code gets through while the account's code entry is paused.
    sign_in_with_password(second, world.icb_admin)
    move_failures_back(app, 10)
    refused = second.post(reverse("two_factor_verify"), {"token": current_code(app)})
    assert refused.status_code == 200
    assert "Too many wrong codes. Wait 5 minutes" in refused.content.decode()
    assert second.get(console_url(world)).status_code == 302

    # Once the pause is over, the right code works, and forgives the wrong ones.
    move_failures_back(app, 16)
    right = second.post(reverse("two_factor_verify"), {"token": current_code(app), "next": "/"})
    assert right.status_code == 302
    app.refresh_from_db()
    assert app.throttling_failure_count == 0


def test_backup_codes_and_app_codes_count_together(client, world, settings):
    app = AuthenticatorAppFactory(user=world.icb_admin)
    backup = StaticDevice.objects.create(user=world.icb_admin, name="Backup codes")
    backup.token_set.create(token="feedf00d")
    sign_in_with_password(client, world.icb_admin)
    wrong_codes(client, app, settings.TWO_FACTOR_FAILURE_LIMIT - 1)
    # Not a six-digit code, so it is tried as a backup code: the account's last guess.
    last = client.post(reverse("two_factor_verify"), {"token": "abcd1234"})
    assert "Too many wrong codes. Wait 15 minutes" in last.content.decode()
    time_passes(app)
    refused = client.post(reverse("two_factor_verify"), {"token": current_code(app)})
    assert "Too many wrong codes. Wait" in refused.content.decode()


def test_the_wrong_code_that_reaches_the_limit_says_how_long_to_wait(client, world, settings):
    app = AuthenticatorAppFactory(user=world.icb_admin)
    sign_in_with_password(client, world.icb_admin)
    before = wrong_codes(client, app, settings.TWO_FACTOR_FAILURE_LIMIT - 1)
    assert "That code did not match" in before.content.decode()
    last = wrong_codes(client, app, 1)
    assert "Too many wrong codes. Wait 15 minutes" in last.content.decode()
