"""Inviting a person: the e-mail, the set-password link, and what happens when it is misused."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from partners import services
from partners.models import Invitation, Membership, Role, User

pytestmark = pytest.mark.django_db


def invite_to_place_a(world, *, email: str, full_name: str = "Nia Okafor") -> Membership:
    """The ICB admin invites a new member of place A (the e-mail goes once this commits)."""
    return services.person_invite(
        actor=world.icb_admin,
        system=world.system,
        email=email,
        full_name=full_name,
        role=Role.PLACE_MEMBER,
        place=world.place_a,
    )


def invite(world, django_capture_on_commit_callbacks, email="new.person@example.nhs.uk"):
    with django_capture_on_commit_callbacks(execute=True):
        invite_to_place_a(world, email=email)
    return User.objects.get(email=email)


def link_path(message, path: str = r"/accounts/invitation/[^\s/]+/") -> str:
    """The path of the e-mail's link that matches `path`: its set-password link unless told."""
    match = re.search(rf"https?://[^/\s]+({path})", message.body)
    assert match, message.body
    return match.group(1)


def test_inviting_sends_an_email_with_a_set_password_link_after_commit(
    world, django_capture_on_commit_callbacks
):
    user = invite(world, django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["new.person@example.nhs.uk"]
    assert "Place member, Ashford" in message.body
    assert link_path(message)
    assert not user.has_usable_password()
    assert Invitation.objects.get(user=user).sent_at is not None


def test_no_email_is_sent_if_the_invitation_rolls_back(world, django_capture_on_commit_callbacks):
    from django.db import transaction

    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        invite_to_place_a(world, email="x@example.nhs.uk", full_name="X")
        raise RuntimeError("something later failed")
    assert mail.outbox == []
    assert not User.objects.filter(email="x@example.nhs.uk").exists()


def test_following_the_link_sets_the_password_and_signs_in(
    client, world, django_capture_on_commit_callbacks
):
    user = invite(world, django_capture_on_commit_callbacks)
    path = link_path(mail.outbox[0])
    page = client.get(path)
    assert page.status_code == 200
    assert "Welcome, Nia Okafor" in page.content.decode()
    response = client.post(
        path, {"new_password1": "a-long-enough-secret", "new_password2": "a-long-enough-secret"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    user.refresh_from_db()
    assert user.check_password("a-long-enough-secret")
    assert client.get(reverse("home")).status_code == 200
    # The link is spent.
    client.logout()
    again = client.get(path)
    assert again.status_code == 410
    assert "already been used" in again.content.decode()


def test_mismatched_passwords_show_a_message_and_keep_the_link_usable(
    client, world, django_capture_on_commit_callbacks
):
    user = invite(world, django_capture_on_commit_callbacks)
    path = link_path(mail.outbox[0])
    response = client.post(
        path, {"new_password1": "a-long-enough-secret", "new_password2": "different-secret-1"}
    )
    assert response.status_code == 200
    assert (
        "didn’t match" in response.content.decode() or "didn't match" in response.content.decode()
    )
    user.refresh_from_db()
    assert not user.has_usable_password()
    assert client.get(path).status_code == 200


def test_an_expired_link_says_so(client, world, django_capture_on_commit_callbacks):
    user = invite(world, django_capture_on_commit_callbacks)
    Invitation.objects.filter(user=user).update(expires_at=timezone.now() - timedelta(minutes=1))
    response = client.get(link_path(mail.outbox[0]))
    assert response.status_code == 410
    assert "expired" in response.content.decode()


def test_a_made_up_link_says_it_is_not_valid(client, db):
    response = client.get(reverse("invitation_accept", kwargs={"token": "not-a-real-token"}))
    assert response.status_code == 410
    assert "not valid" in response.content.decode()


def test_inviting_an_existing_person_adds_the_role_without_a_new_account(
    world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.person_invite(
            actor=world.icb_admin,
            system=world.system,
            email=world.member_a.email.upper(),
            full_name="Ignored",
            role=Role.PLACE_MEMBER,
            place=world.place_b,
        )
    assert User.objects.filter(email=world.member_a.email).count() == 1
    assert mail.outbox == []  # they already have a password
    assert world.member_a.memberships.current().count() == 2


def test_the_raw_token_is_never_stored(world, django_capture_on_commit_callbacks):
    invite(world, django_capture_on_commit_callbacks)
    token = link_path(mail.outbox[0]).rstrip("/").rsplit("/", 1)[1]
    assert not Invitation.objects.filter(token_hash=token).exists()


def test_sending_twice_is_harmless_once_accepted(world, django_capture_on_commit_callbacks):
    from partners.emails import invitation_email_send

    user = invite(world, django_capture_on_commit_callbacks)
    invitation = Invitation.objects.get(user=user)
    Invitation.objects.filter(pk=invitation.pk).update(accepted_at=timezone.now())
    assert invitation_email_send(invitation_id=invitation.pk, token="whatever") is False
    assert len(mail.outbox) == 1
