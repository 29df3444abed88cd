"""Two-factor sign-in: required for ICB governance admins and superusers, optional for everyone
else. These tests sign in through the real pages (the sign-in and two-factor forms),
not `force_login`, which conftest treats as a whole sign-in."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from partners import services
from partners.models import AuditEvent, Role
from tests.factories import AuthenticatorAppFactory, UserFactory, current_code

PASSWORD = "correct horse battery staple"

pytestmark = pytest.mark.django_db


def sign_in_with_password(client, user) -> None:
    user.set_password(PASSWORD)
    user.save()
    response = client.post(reverse("login"), {"username": user.email, "password": PASSWORD})
    assert response.status_code == 302, response.content.decode()


def console_url(world) -> str:
    return reverse("console:dashboard", args=[world.system.slug])


def verify_url(next_url: str) -> str:
    return f"{reverse('two_factor_verify')}?next={next_url.replace('/', '%2F')}"


def set_up_app(client) -> list[str]:
    """Goes through the set-up page as the signed-in person; returns their backup codes."""
    page = client.get(reverse("two_factor_setup"))
    assert page.status_code == 200
    device = TOTPDevice.objects.get(user=page.wsgi_request.user, confirmed=False)
    response = client.post(reverse("two_factor_setup"), {"token": current_code(device)})
    assert response.status_code == 302
    codes_page = client.get(response["Location"])
    return re.findall(r"<li><code>([0-9a-f]{8})</code></li>", codes_page.content.decode())


def test_an_icb_admin_without_an_app_is_taken_to_set_one_up_before_the_console(client, world):
    sign_in_with_password(client, world.icb_admin)
    response = client.get(console_url(world))
    assert response.status_code == 302 and response["Location"] == verify_url(console_url(world))
    # With no app yet, the code page sends them on to set one up, keeping where they were going.
    setup = client.get(response["Location"], follow=True)
    page = setup.content.decode()
    assert setup.redirect_chain[-1][0].startswith(reverse("two_factor_setup"))
    assert "Set up two-factor sign-in" in page
    assert "ICB governance admins and superusers must sign in with a code" in page
    assert "<svg" in page and 'class="app-qr-code"' in page
    device = TOTPDevice.objects.get(user=world.icb_admin, confirmed=False)
    # Reloading keeps the same key, so a half-finished set-up is not lost.
    client.get(reverse("two_factor_setup"))
    assert TOTPDevice.objects.get(user=world.icb_admin).pk == device.pk


def test_a_wrong_code_at_set_up_is_explained_and_the_app_stays_unconfirmed(client, world):
    sign_in_with_password(client, world.icb_admin)
    client.get(reverse("two_factor_setup"))
    response = client.post(reverse("two_factor_setup"), {"token": "000000"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "That code did not match" in page and "nhsuk-error-summary" in page
    assert not TOTPDevice.objects.filter(user=world.icb_admin, confirmed=True).exists()
    assert client.get(console_url(world)).status_code == 302


def test_setting_up_the_app_shows_backup_codes_once_and_opens_the_console(client, world):
    sign_in_with_password(client, world.icb_admin)
    before = client.session.session_key
    codes = set_up_app(client)
    assert len(codes) == 10 and len(set(codes)) == 10
    assert client.session.session_key != before  # a new session key once verified
    assert client.get(console_url(world)).status_code == 200
    # The codes are shown only once.
    again = client.get(reverse("two_factor_backup_codes"))
    assert again.status_code == 302 and again["Location"] == reverse("account_security")
    event = AuditEvent.objects.get(action="two_factor.enable")
    assert event.actor == world.icb_admin


def time_passes(device: TOTPDevice) -> None:
    """As long as it takes a person to read the error and type the code again."""
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_timestamp=timezone.now() - timedelta(minutes=10)
    )


def test_an_icb_admin_with_an_app_enters_its_code_after_the_password(client, world):
    app = AuthenticatorAppFactory(user=world.icb_admin)
    sign_in_with_password(client, world.icb_admin)
    assert client.get(reverse("home"))["Location"] == verify_url(reverse("home"))
    wrong = client.post(reverse("two_factor_verify"), {"token": "123 456", "next": "/"})
    assert "That code did not match" in wrong.content.decode()
    time_passes(app)
    right = client.post(
        reverse("two_factor_verify"), {"token": current_code(app), "next": console_url(world)}
    )
    assert right.status_code == 302 and right["Location"] == console_url(world)
    assert client.get(console_url(world)).status_code == 200


def test_a_backup_code_works_once(client, world):
    sign_in_with_password(client, world.icb_admin)
    codes = set_up_app(client)
    client.logout()
    sign_in_with_password(client, world.icb_admin)
    used = client.post(reverse("two_factor_verify"), {"token": codes[0].upper(), "next": "/"})
    assert used.status_code == 302 and used["Location"] == "/"
    assert StaticToken.objects.filter(device__user=world.icb_admin).count() == 9
    assert "signed in with a backup code (9 left)" in (
        AuditEvent.objects.get(action="two_factor.backup_code_used").summary
    )
    client.logout()
    sign_in_with_password(client, world.icb_admin)
    again = client.post(reverse("two_factor_verify"), {"token": codes[0], "next": "/"})
    assert again.status_code == 200 and "That code did not match" in again.content.decode()


def test_each_wrong_code_makes_the_next_try_wait_longer(client, world):
    app = AuthenticatorAppFactory(user=world.icb_admin)
    sign_in_with_password(client, world.icb_admin)
    for _ in range(3):
        time_passes(app)
        client.post(reverse("two_factor_verify"), {"token": "000000"})
    app.refresh_from_db()
    assert app.throttling_failure_count == 3
    blocked = client.post(reverse("two_factor_verify"), {"token": current_code(app)})
    assert "Too many wrong codes. Wait 4 seconds" in blocked.content.decode()
    assert client.get(console_url(world)).status_code == 302


def test_htmx_requests_before_the_second_factor_load_the_code_page_whole(client, world):
    AuthenticatorAppFactory(user=world.icb_admin)
    sign_in_with_password(client, world.icb_admin)
    response = client.get(console_url(world), HTTP_HX_REQUEST="true")
    assert response["HX-Redirect"].startswith(reverse("two_factor_verify"))


def test_place_members_are_not_asked_for_a_second_factor(client, world):
    sign_in_with_password(client, world.member_a)
    assert client.get(reverse("place_detail", args=[world.place_a.pk])).status_code == 200
    page = client.get(reverse("account_security")).content.decode()
    assert "Off" in page and "Set up two-factor sign-in" in page


def test_a_member_may_turn_two_factor_on_and_then_must_use_it_and_may_turn_it_off(client, world):
    sign_in_with_password(client, world.member_a)
    set_up_app(client)
    page = client.get(reverse("account_security")).content.decode()
    assert "On: a code from your authenticator app" in page and "Turn off" in page
    client.logout()
    sign_in_with_password(client, world.member_a)
    place = reverse("place_detail", args=[world.place_a.pk])
    assert client.get(place)["Location"] == verify_url(place)
    app = TOTPDevice.objects.get(user=world.member_a)
    client.post(reverse("two_factor_verify"), {"token": current_code(app)})
    off = client.post(reverse("two_factor_turn_off"), follow=True)
    assert "Two-factor sign-in is off." in off.content.decode()
    assert not TOTPDevice.objects.filter(user=world.member_a).exists()
    assert AuditEvent.objects.filter(action="two_factor.disable", actor=world.member_a).exists()


def test_an_icb_admin_cannot_turn_two_factor_off(client, world):
    sign_in_with_password(client, world.icb_admin)
    set_up_app(client)
    page = client.get(reverse("account_security")).content.decode()
    assert "Turn off two-factor sign-in" not in page
    refused = client.post(reverse("two_factor_turn_off"), follow=True).content.decode()
    assert "must use two-factor sign-in, so it cannot be turned off" in refused
    assert TOTPDevice.objects.filter(user=world.icb_admin, confirmed=True).exists()


def test_new_backup_codes_replace_the_old_ones(client, world):
    sign_in_with_password(client, world.icb_admin)
    old = set_up_app(client)
    response = client.post(reverse("two_factor_backup_codes_new"))
    new = re.findall(
        r"<li><code>([0-9a-f]{8})</code></li>", client.get(response["Location"]).content.decode()
    )
    assert len(new) == 10 and not set(old) & set(new)
    assert set(StaticToken.objects.values_list("token", flat=True)) == set(new)


def test_someone_made_an_icb_admin_mid_session_meets_the_second_factor_at_the_console(
    client, world
):
    sign_in_with_password(client, world.member_a)
    services.membership_create(
        actor=world.icb_admin, user=world.member_a, system=world.system, role=Role.ICB_ADMIN
    )
    response = client.get(console_url(world))
    assert response.status_code == 302
    assert response["Location"] == verify_url(console_url(world))
    # From then on every page asks for it, not only the console.
    assert client.get(reverse("home")).status_code == 302


def test_a_superuser_needs_the_second_factor_for_the_django_admin(client, db):
    superuser = UserFactory(is_superuser=True, is_staff=True)
    sign_in_with_password(client, superuser)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("two_factor_verify"))


def test_the_code_page_never_sends_people_off_the_site(client, world):
    app = AuthenticatorAppFactory(user=world.icb_admin)
    sign_in_with_password(client, world.icb_admin)
    response = client.post(
        reverse("two_factor_verify"),
        {"token": current_code(app), "next": "https://phishing.example/console/"},
    )
    assert response["Location"] == reverse("home")


def test_signing_out_is_possible_before_the_second_factor(client, world):
    AuthenticatorAppFactory(user=world.icb_admin)
    sign_in_with_password(client, world.icb_admin)
    response = client.post(reverse("logout"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("login")
    assert not response.wsgi_request.user.is_authenticated


def people_url(world) -> str:
    return reverse("console:people", args=[world.system.slug])


def reset_url(world, person) -> str:
    return reverse("console:person_two_factor_reset", args=[world.system.slug, person.pk])


def test_an_icb_admin_resets_a_members_lost_app_and_they_set_up_a_new_one(client, world):
    AuthenticatorAppFactory(user=world.member_a)
    client.force_login(world.icb_admin)
    row = client.get(people_url(world), {"q": world.member_a.email}).content.decode()
    assert "Reset two-factor sign-in" in row
    response = client.post(reset_url(world, world.member_a), HTTP_HX_REQUEST="true")
    page = response.content.decode()
    assert "they set up a new authenticator app when they next sign in" in page
    assert "Reset two-factor sign-in" not in page  # nothing left to reset
    assert not TOTPDevice.objects.filter(user=world.member_a).exists()
    event = AuditEvent.objects.get(action="two_factor.reset")
    assert event.system == world.system and event.actor == world.icb_admin


def test_an_icb_admin_cannot_reset_another_admins_second_factor(client, world):
    colleague = UserFactory()
    services.membership_create(actor=None, user=colleague, system=world.system, role=Role.ICB_ADMIN)
    AuthenticatorAppFactory(user=colleague)
    client.force_login(world.icb_admin)
    page = client.post(reset_url(world, colleague), HTTP_HX_REQUEST="true").content.decode()
    assert "ask a superuser to reset their two-factor sign-in" in page
    assert TOTPDevice.objects.filter(user=colleague).exists()


def test_people_without_two_factor_have_no_reset_button(client, world):
    client.force_login(world.icb_admin)
    row = client.get(people_url(world), {"q": world.member_a.email}).content.decode()
    assert world.member_a.email in row and "Reset two-factor sign-in" not in row
