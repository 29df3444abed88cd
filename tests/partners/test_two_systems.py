"""One person in two systems (issue #14, findings 2 and 6).

Inviting an address that already has an account, from a system it holds no role in, offers the
role: that system sees only the address until the person accepts, and the offer grants
nothing. An account that belongs to two systems is changed by neither system's admins (only a
superuser), every change to it is recorded in each system's audit trail, and a new invitation
link replaces the earlier ones."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from partners import services
from partners.models import (
    AuditEvent,
    Invitation,
    Membership,
    MembershipOffer,
    OfferStatus,
    Place,
    Role,
    User,
)
from partners.permissions import VIEW_PLACE
from tests.factories import AuthenticatorAppFactory, make_member
from tests.partners.test_invitations import invite, link_path

pytestmark = pytest.mark.django_db

JOB_TITLE = "Director of Community Nursing"


@pytest.fixture
def far_place(world) -> Place:
    """A place of the other system (South Vale)."""
    return services.place_create(actor=None, system=world.other_system, name="Farley")


@pytest.fixture
def person(world) -> User:
    """Someone of the first system (North Shire) with a name and a job title to keep private."""
    world.member_a.job_title = JOB_TITLE
    world.member_a.save(update_fields=["job_title"])
    return world.member_a


def people_page(client, admin: User, system) -> str:
    client.force_login(admin)
    response = client.get(reverse("console:people", args=[system.slug]))
    assert response.status_code == 200
    return response.content.decode()


def invite_from_other_system(client, world, far_place, email: str, captured) -> str:
    """The other system's ICB admin invites the address through the console."""
    client.force_login(world.other_icb_admin)
    with captured(execute=True):
        response = client.post(
            reverse("console:person_invite", args=[world.other_system.slug]),
            {
                "invite-full_name": "Whoever They Are",
                "invite-email": email,
                "invite-job_title": "",
                "invite-role": Role.PLACE_MEMBER,
                "invite-place": far_place.pk,
            },
            HTTP_HX_REQUEST="true",
        )
    assert response.status_code == 200
    return response.content.decode()


def offer_from_other_system(world, far_place, person) -> MembershipOffer:
    """The other system's ICB admin offers the person a place role there, through the service."""
    offer = services.person_invite(
        actor=world.other_icb_admin,
        system=world.other_system,
        email=person.email,
        full_name="",
        role=Role.PLACE_MEMBER,
        place=far_place,
    )
    assert isinstance(offer, MembershipOffer)
    return offer


@pytest.fixture
def offer_to_answer(client, world, far_place, person, django_capture_on_commit_callbacks):
    """The offer the other system's admin made through the console, and the person signed in
    to answer it."""
    invite_from_other_system(
        client, world, far_place, person.email, django_capture_on_commit_callbacks
    )
    client.force_login(person)
    return MembershipOffer.objects.get(user=person)


# Inviting someone who already has an account ---------------------------------------------


def test_inviting_an_account_of_another_system_shows_nothing_of_theirs_and_grants_nothing(
    client, world, far_place, person, django_capture_on_commit_callbacks
):
    reply = invite_from_other_system(
        client, world, far_place, person.email.upper(), django_capture_on_commit_callbacks
    )
    assert person.email in reply and "once they accept" in reply
    assert person.full_name not in reply and JOB_TITLE not in reply

    offer = MembershipOffer.objects.get(user=person, system=world.other_system)
    assert offer.status == OfferStatus.WAITING
    assert not Membership.objects.filter(user=person, system=world.other_system).exists()
    person = User.objects.get(pk=person.pk)  # no cached permissions
    assert not person.has_perm(VIEW_PLACE, far_place)

    page = people_page(client, world.other_icb_admin, world.other_system)
    assert person.email in page
    assert "Invited, waiting for them to accept" in page
    assert person.full_name not in page and JOB_TITLE not in page
    assert "Ashford" not in page  # nor their roles in the first system

    # The other system's audit trail names them by the address it typed, nothing more.
    summaries = " ".join(
        AuditEvent.objects.filter(system=world.other_system).values_list("summary", flat=True)
    )
    assert person.email in summaries and person.full_name not in summaries

    # They are told, and asked to accept or decline after signing in.
    (message,) = mail.outbox
    assert message.to == [person.email]
    assert "accept or decline" in message.body
    assert link_path(message, r"/accounts/invitations/\d+/") == reverse(
        "membership_offer", args=[offer.pk]
    )


def test_inviting_the_same_account_again_before_they_answer_is_refused(world, far_place, person):
    offer_from_other_system(world, far_place, person)
    with pytest.raises(ValidationError, match="has not answered yet"):
        offer_from_other_system(world, far_place, person)


def test_once_they_accept_the_system_sees_them_and_their_role_works(
    client, world, far_place, person, offer_to_answer
):
    offer = offer_to_answer
    home = client.get(reverse("home")).content.decode()
    assert reverse("membership_offer", args=[offer.pk]) in home
    question = client.get(reverse("membership_offer", args=[offer.pk]))
    assert question.status_code == 200
    assert "Do you want to join South Vale ICS?" in question.content.decode()
    unanswered = client.post(reverse("membership_offer", args=[offer.pk]), {})
    assert unanswered.status_code == 400
    assert "Choose whether to join South Vale ICS" in unanswered.content.decode()

    accepted = client.post(reverse("membership_offer", args=[offer.pk]), {"answer": "accept"})
    assert accepted.status_code == 302 and accepted["Location"] == reverse("home")
    offer.refresh_from_db()
    assert offer.status == OfferStatus.ACCEPTED
    assert Membership.objects.current().filter(user=person, place=far_place).exists()
    assert User.objects.get(pk=person.pk).has_perm(VIEW_PLACE, far_place)

    page = people_page(client, world.other_icb_admin, world.other_system)
    assert person.full_name in page and JOB_TITLE in page
    assert "Invited, waiting for them to accept" not in page


def test_declining_leaves_the_system_knowing_only_the_address(
    client, world, person, offer_to_answer
):
    offer = offer_to_answer
    client.post(reverse("membership_offer", args=[offer.pk]), {"answer": "decline"})
    offer.refresh_from_db()
    assert offer.status == OfferStatus.DECLINED
    assert not Membership.objects.filter(user=person, system=world.other_system).exists()
    page = people_page(client, world.other_icb_admin, world.other_system)
    assert person.email not in page and person.full_name not in page
    declined = AuditEvent.objects.get(action="membership.offer_decline")
    assert declined.system == world.other_system and declined.actor is None
    assert person.email in declined.summary and person.full_name not in declined.summary


def test_someone_else_cannot_answer_the_offer(client, world, far_place, person):
    offer = offer_from_other_system(world, far_place, person)
    client.force_login(world.member_b)
    url = reverse("membership_offer", args=[offer.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"answer": "accept"}).status_code == 404
    assert not Membership.objects.filter(user=world.member_b, system=world.other_system).exists()


# An account in two systems is neither system's to change ------------------------------------


@pytest.fixture
def shared(world, far_place, person) -> User:
    """The person, who has accepted a role in the other system too, uses an authenticator
    app, and (for the resend) has not set a password."""
    offer = offer_from_other_system(world, far_place, person)
    services.membership_offer_answer(user=person, offer=offer, accept=True)
    AuthenticatorAppFactory(user=person)
    person.set_unusable_password()
    person.save(update_fields=["password"])
    return person


@pytest.mark.parametrize("which", ["system", "other_system"])
def test_neither_systems_admin_may_change_the_account(world, shared, which):
    system = getattr(world, which)
    admin = world.icb_admin if which == "system" else world.other_icb_admin
    invitations = Invitation.objects.filter(user=shared).count()
    with pytest.raises(ValidationError, match="also has roles in another system"):
        services.person_two_factor_reset(actor=admin, system=system, user=shared)
    with pytest.raises(ValidationError, match="also has roles in another system"):
        services.person_deactivate_in_system(actor=admin, system=system, user=shared)
    with pytest.raises(ValidationError, match="also has roles in another system"):
        services.person_invitation_resend(actor=admin, system=system, user=shared)
    assert services.account_change_refusal(actor=admin, system=system, user=shared)
    shared.refresh_from_db()
    assert shared.is_active
    assert TOTPDevice.objects.filter(user=shared).exists()
    assert Invitation.objects.filter(user=shared).count() == invitations


def test_the_console_says_why_and_does_not_offer_the_actions(client, world, shared):
    page = people_page(client, world.other_icb_admin, world.other_system)
    row = page[page.index(f'id="person-{shared.pk}"') :]
    row = row[: row.index("</tr>")]
    assert "Also has roles in another system, so only a superuser" in row
    for action in ("Reset two-factor sign-in", "Resend invitation", "Deactivate"):
        assert action not in row
    # Their roles in this system are still this system's to change.
    assert "Add a role" in row and "Remove" in row

    for name in ("person_two_factor_reset", "person_deactivate", "person_resend_invitation"):
        url = reverse(f"console:{name}", args=[world.other_system.slug, shared.pk])
        reply = client.post(url, HTTP_HX_REQUEST="true").content.decode()
        assert "also has roles in another system" in reply, name
        assert "only a superuser" in reply, name
        without_js = client.post(url, follow=True).content.decode()
        assert "also has roles in another system" in without_js, name
    shared.refresh_from_db()
    assert shared.is_active and TOTPDevice.objects.filter(user=shared).exists()


def test_a_superuser_may_and_both_systems_audit_trails_record_it(client, world, shared):
    superuser = User.objects.create_superuser("root@example.nhs.uk", "a-long-enough-secret")
    assert not services.account_change_refusal(
        actor=superuser, system=world.other_system, user=shared
    )
    services.person_two_factor_reset(actor=superuser, system=world.other_system, user=shared)
    assert not TOTPDevice.objects.filter(user=shared).exists()
    resets = AuditEvent.objects.filter(action="two_factor.reset")
    assert {event.system for event in resets} == {world.system, world.other_system}

    services.person_invitation_resend(actor=superuser, system=world.other_system, user=shared)
    resends = AuditEvent.objects.filter(action="user.invite_resend")
    assert {event.system for event in resends} == {world.system, world.other_system}

    services.person_deactivate_in_system(actor=superuser, system=world.other_system, user=shared)
    shared.refresh_from_db()
    assert not shared.is_active
    deactivations = AuditEvent.objects.filter(action="user.deactivate")
    assert {event.system for event in deactivations} == {world.system, world.other_system}

    for admin, system in (
        (world.icb_admin, world.system),
        (world.other_icb_admin, world.other_system),
    ):
        client.force_login(admin)
        trail = client.get(reverse("console:audit", args=[system.slug])).content.decode()
        assert f"reset the two-factor sign-in of {shared}" in trail
        assert f"Deactivated {shared}" in trail


def test_a_change_to_the_account_in_the_django_admin_is_in_both_audit_trails(client, world, shared):
    superuser = User.objects.create_superuser("root@example.nhs.uk", "a-long-enough-secret")
    client.force_login(superuser)
    device = TOTPDevice.objects.get(user=shared)
    url = reverse("admin:otp_totp_totpdevice_delete", args=[device.pk])
    assert client.post(url, {"post": "yes"}).status_code == 302
    deleted = AuditEvent.objects.filter(action="admin.delete", target_id=str(device.pk))
    assert {event.system for event in deleted} == {world.system, world.other_system}


def test_an_admin_of_the_only_system_still_may(world, person):
    """The rule is about shared accounts: someone of one system alone is that system's."""
    AuthenticatorAppFactory(user=person)
    services.person_two_factor_reset(actor=world.icb_admin, system=world.system, user=person)
    assert not TOTPDevice.objects.filter(user=person).exists()
    (event,) = AuditEvent.objects.filter(action="two_factor.reset")
    assert event.system == world.system


# A new invitation replaces the earlier links ------------------------------------------------


def test_resending_an_invitation_revokes_the_earlier_link(
    client, world, django_capture_on_commit_callbacks
):
    user = invite(world, django_capture_on_commit_callbacks, email="nia.okafor@example.nhs.uk")
    with django_capture_on_commit_callbacks(execute=True):
        services.person_invitation_resend(actor=world.icb_admin, system=world.system, user=user)
    first, newest = (link_path(message) for message in mail.outbox)

    old = client.get(first)
    assert old.status_code == 410
    assert "replaced by a newer one" in old.content.decode()
    assert "most recent invitation e-mail" in old.content.decode()
    refused = client.post(
        first, {"new_password1": "a-long-enough-secret", "new_password2": "a-long-enough-secret"}
    )
    assert refused.status_code == 410
    user.refresh_from_db()
    assert not user.has_usable_password()

    assert client.get(newest).status_code == 200
    done = client.post(
        newest, {"new_password1": "a-long-enough-secret", "new_password2": "a-long-enough-secret"}
    )
    assert done.status_code == 302
    user.refresh_from_db()
    assert user.check_password("a-long-enough-secret")


def test_an_account_already_in_the_system_is_given_the_role_at_once(world):
    """No question to answer for a second role in a system the person already belongs to."""
    make_member(system=world.system, role=Role.ADVISORY_MEMBER, user=world.member_b)
    membership = services.person_invite(
        actor=world.icb_admin,
        system=world.system,
        email=world.member_b.email,
        full_name="",
        role=Role.OVERSIGHT_MEMBER,
    )
    assert isinstance(membership, Membership) and membership.is_current
    assert not MembershipOffer.objects.exists()


def test_the_two_factor_reset_itself_refuses_an_account_of_another_system_too(world):
    """Whatever calls it, the reset keeps to the rule, not only the console's service."""
    from partners.two_factor import two_factor_reset

    shared = make_member(place=world.place_a)
    make_member(system=world.other_system, role=Role.ADVISORY_MEMBER, user=shared)
    AuthenticatorAppFactory(user=shared)
    with pytest.raises(ValidationError, match="also has roles in another system"):
        two_factor_reset(actor=world.icb_admin, system=world.system, user=shared)
