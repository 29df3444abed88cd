"""Signing in and out, password reset, throttling, and the session."""

import pytest
from django.core import mail
from django.urls import reverse

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def sign_in(client, email, password=PASSWORD):
    return client.post(reverse("login"), {"username": email, "password": password})


def test_signing_in_with_the_right_password_goes_home(client, world):
    response = sign_in(client, world.member_a.email)
    assert response.status_code == 302
    assert response["Location"] == reverse("home")


def test_email_is_matched_case_insensitively(client, world):
    response = sign_in(client, world.member_a.email.upper())
    assert response.status_code == 302


def test_a_wrong_password_says_so_on_the_form(client, world):
    response = sign_in(client, world.member_a.email, "wrong-password")
    assert response.status_code == 200
    assert "Enter a correct e-mail address and password" in response.content.decode()


def test_repeated_failures_are_throttled(client, world, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, world.member_a.email, "wrong-password")
    locked = sign_in(client, world.member_a.email)  # even the right password is refused now
    assert locked.status_code == 429
    assert "Too many sign-in attempts" in locked.content.decode()


def test_the_session_key_changes_at_sign_in(client, world):
    client.get(reverse("login"))
    client.session.save()
    before = client.session.session_key
    sign_in(client, world.member_a.email)
    assert client.session.session_key != before


def test_pages_need_sign_in(client, world):
    response = client.get(reverse("place_detail", args=[world.place_a.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_sign_out_is_a_post(client, world):
    client.force_login(world.member_a)
    assert client.get(reverse("logout")).status_code == 405
    client.post(reverse("logout"))
    assert client.get(reverse("home")).status_code == 302


def test_password_reset_emails_a_link_that_sets_a_new_password(client, world):
    response = client.post(reverse("password_reset"), {"email": world.member_a.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = next(line for line in mail.outbox[0].body.splitlines() if "/accounts/reset/" in line)
    path = link.split("testserver", 1)[1].strip()
    set_password_page = client.get(path, follow=True)
    assert "Choose a new password" in set_password_page.content.decode()
    client.post(
        set_password_page.redirect_chain[-1][0],
        {"new_password1": "another-long-secret", "new_password2": "another-long-secret"},
    )
    world.member_a.refresh_from_db()
    assert world.member_a.check_password("another-long-secret")


def test_an_unknown_address_gets_the_same_answer_and_no_email(client, db):
    response = client.post(reverse("password_reset"), {"email": "nobody@example.nhs.uk"})
    assert response.status_code == 302
    assert mail.outbox == []


def test_an_invalid_email_address_gets_a_clear_message(client, db):
    response = client.post(reverse("password_reset"), {"email": "not an address"})
    assert "Enter a valid email address" in response.content.decode()
