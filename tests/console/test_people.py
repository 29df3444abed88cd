"""Console people and roles: inviting, adding, changing and ending roles, resending invitations, deactivating; refusals shown in place."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail

from partners.models import (
    Membership,
    Role,
    User,
)
from tests.console.support import url
from tests.factories import (
    UserFactory,
    make_member,
    membership_of,
)

pytestmark = pytest.mark.django_db


# People and memberships ---------------------------------------------------------------------


def test_people_list_shows_memberships_and_filters_by_role(admin_client, world, htmx_headers):
    response = admin_client.get(url("people", world), {"role": Role.PLACE_LEAD}, **htmx_headers)
    body = response.content.decode()
    assert body.count('<tr class="nhsuk-table__row" id="person-') == 1
    assert f'id="person-{world.lead_a.pk}"' in body
    assert "Place lead" in body and "Ashford" in body
    found = admin_client.get(url("people", world), {"q": world.member_b.email})
    assert list(found.context["page_obj"]) == [world.member_b]


def test_inviting_a_person_queues_the_invitation_email(
    admin_client, world, htmx_headers, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            url("person_invite", world),
            {
                "invite-full_name": "Priya Shah",
                "invite-email": "Priya.Shah@example.nhs.uk",
                "invite-job_title": "Director of place",
                "invite-role": Role.PLACE_LEAD,
                "invite-place": world.place_b.pk,
            },
            **htmx_headers,
        )
    body = response.content.decode()
    assert "Invited Priya Shah" in body
    assert 'id="person-results" class="app-results" hx-swap-oob="true"' in body
    person = User.objects.get(email="priya.shah@example.nhs.uk")
    assert (
        Membership.objects.current()
        .filter(user=person, place=world.place_b, role=Role.PLACE_LEAD)
        .exists()
    )
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["priya.shah@example.nhs.uk"]


def test_invite_errors_from_the_service_show_on_the_form(admin_client, world, htmx_headers):
    response = admin_client.post(
        url("person_invite", world),
        {
            "invite-full_name": "Priya Shah",
            "invite-email": "priya@example.nhs.uk",
            "invite-role": Role.PLACE_MEMBER,
        },
        **htmx_headers,
    )
    assert "Choose the place this person is a member of." in response.content.decode()
    assert not User.objects.filter(email="priya@example.nhs.uk").exists()


def test_removing_the_last_place_lead_is_refused_with_its_message(
    admin_client, world, htmx_headers
):
    membership = membership_of(world.lead_a, world.place_a)
    response = admin_client.post(url("membership_end", world, membership.pk), **htmx_headers)
    body = response.content.decode()
    assert body.strip().startswith(f'<li class="app-membership" id="membership-{membership.pk}"')
    assert "is the only place lead of Ashford" in body
    assert "nhsuk-error-message" in body
    membership.refresh_from_db()
    assert membership.is_current


def change_role(client: Any, world: Any, membership: Any, role: str, headers: Any) -> Any:
    """Post the membership's role form, as its row in the people page sends it."""
    return client.post(
        url("membership_edit", world, membership.pk),
        {f"membership-{membership.pk}-role": role},
        **headers,
    )


def test_demoting_the_last_place_lead_is_refused_on_the_form(admin_client, world, htmx_headers):
    membership = membership_of(world.lead_a, world.place_a)
    response = change_role(admin_client, world, membership, Role.PLACE_MEMBER, htmx_headers)
    assert "is the only place lead of Ashford" in response.content.decode()
    membership.refresh_from_db()
    assert membership.role == Role.PLACE_LEAD


def test_changing_a_role_and_removing_a_membership(admin_client, world, htmx_headers):
    membership = membership_of(world.member_a, world.place_a)
    form = admin_client.get(url("membership_edit", world, membership.pk))
    assert [value for value, _ in form.context["membership_form"].fields["role"].choices] == [
        Role.PLACE_MEMBER,
        Role.PLACE_LEAD,
    ]
    changed = change_role(admin_client, world, membership, Role.PLACE_LEAD, htmx_headers)
    assert "Place lead" in changed.content.decode()
    membership.refresh_from_db()
    assert membership.role == Role.PLACE_LEAD
    # Two leads now: the first can go.
    lead = membership_of(world.lead_a, world.place_a)
    ended = admin_client.post(url("membership_end", world, lead.pk), **htmx_headers)
    assert "Ended" in ended.content.decode()
    lead.refresh_from_db()
    assert not lead.is_current


def test_adding_a_role_to_an_existing_person(admin_client, world, htmx_headers):
    person = world.member_a
    form = admin_client.get(url("person_membership_add", world, person.pk), **htmx_headers)
    assert (
        form.content.decode()
        .strip()
        .startswith(f'<div class="app-membership-add" id="person-{person.pk}-add-role"')
    )
    response = admin_client.post(
        url("person_membership_add", world, person.pk),
        {
            f"person-{person.pk}-role": Role.PLACE_MEMBER,
            f"person-{person.pk}-place": world.place_b.pk,
        },
        **htmx_headers,
    )
    assert response["HX-Retarget"] == f"#person-{person.pk}"
    assert "Brookfield" in response.content.decode()
    assert Membership.objects.current().filter(user=person, place=world.place_b).exists()
    again = admin_client.post(
        url("person_membership_add", world, person.pk),
        {
            f"person-{person.pk}-role": Role.PLACE_MEMBER,
            f"person-{person.pk}-place": world.place_b.pk,
        },
        **htmx_headers,
    )
    assert "already a member of this place" in again.content.decode()
    assert "HX-Retarget" not in again


def test_resending_an_invitation(
    admin_client, world, htmx_headers, django_capture_on_commit_callbacks
):
    person = UserFactory(password=None)
    person.set_unusable_password()
    person.save()
    make_member(place=world.place_a, user=person)
    page = admin_client.get(
        url("people", world), {"q": person.email}, **htmx_headers
    ).content.decode()
    assert "Resend invitation" in page and "Invitation not accepted yet" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            url("person_resend_invitation", world, person.pk), **htmx_headers
        )
    assert "Sent a new invitation" in response.content.decode()
    assert [m.to for m in mail.outbox] == [[person.email]]


def test_resending_to_someone_with_a_password_is_refused_in_place(
    admin_client, world, htmx_headers
):
    response = admin_client.post(
        url("person_resend_invitation", world, world.member_a.pk), **htmx_headers
    )
    assert "has already set a password" in response.content.decode()
    assert not mail.outbox


def test_deactivating_a_person(admin_client, world, htmx_headers):
    response = admin_client.post(url("person_deactivate", world, world.member_b.pk), **htmx_headers)
    assert "Deactivated" in response.content.decode()
    world.member_b.refresh_from_db()
    assert not world.member_b.is_active
    assert not Membership.objects.current().filter(user=world.member_b).exists()


def test_deactivating_the_last_lead_or_yourself_is_refused(admin_client, world, htmx_headers):
    lead = admin_client.post(url("person_deactivate", world, world.lead_a.pk), **htmx_headers)
    assert "is the only place lead of Ashford" in lead.content.decode()
    me = admin_client.post(url("person_deactivate", world, world.icb_admin.pk), **htmx_headers)
    assert "You cannot deactivate your own account" in me.content.decode()
    world.lead_a.refresh_from_db()
    world.icb_admin.refresh_from_db()
    assert world.lead_a.is_active and world.icb_admin.is_active


def test_someone_with_roles_in_another_system_is_not_deactivated_from_here(
    admin_client, world, htmx_headers
):
    make_member(system=world.other_system, role=Role.ADVISORY_MEMBER, user=world.member_b)
    response = admin_client.post(url("person_deactivate", world, world.member_b.pk), **htmx_headers)
    assert "also has roles in another system" in response.content.decode()
    world.member_b.refresh_from_db()
    assert world.member_b.is_active


def test_forms_work_without_javascript(admin_client, world):
    place = world.place_a
    page = admin_client.get(url("place_edit", world, place.pk))
    assert "<html" in page.content.decode()
    response = admin_client.post(
        url("place_edit", world, place.pk),
        {
            f"place-{place.pk}-name": "Ashford Town",
            f"place-{place.pk}-version": place.version,
        },
    )
    assert response.status_code == 302 and response.url == url("places", world)
    membership = membership_of(world.lead_a, world.place_a)
    refused = admin_client.post(url("membership_end", world, membership.pk), follow=True)
    assert "is the only place lead of Ashford" in refused.content.decode()
