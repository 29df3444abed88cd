"""The console's actions that cannot be taken back (ending a role, deactivating a person,
resetting their two-factor sign-in, deleting an organisation) are confirmed on a page of
their own: the row links to it, GET changes nothing, its warning button posts the change,
Cancel goes back; everyone else is kept out as from the action itself."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from partners.models import AuditEvent, Membership, Organisation
from tests.console.support import url
from tests.factories import OrganisationFactory, PlaceFactory, make_member, membership_of

pytestmark = pytest.mark.django_db


def confirmations(world: Any, organisation: Organisation) -> dict[str, list[Any]]:
    """Each confirmation page's URL name and its arguments after the system slug."""
    return {
        "membership_end": [membership_of(world.member_a, world.place_a).pk],
        "person_deactivate": [world.member_b.pk],
        "person_two_factor_reset": [world.member_b.pk],
        "organisation_delete": [organisation.pk],
    }


def nothing_changed(world: Any, organisation: Organisation) -> None:
    world.member_a.refresh_from_db()
    world.member_b.refresh_from_db()
    assert world.member_a.is_active and world.member_b.is_active
    assert Membership.objects.current().filter(user=world.member_a).exists()
    assert Organisation.objects.filter(pk=organisation.pk).exists()


@pytest.mark.parametrize(
    "name",
    ["membership_end", "person_deactivate", "person_two_factor_reset", "organisation_delete"],
)
def test_the_confirmation_page_changes_nothing(admin_client, world, organisation, name):
    target = url(name, world, *confirmations(world, organisation)[name])
    audited = AuditEvent.objects.count()
    response = admin_client.get(target)
    html = response.content.decode()
    assert response.status_code == 200
    assert "nhsuk-button nhsuk-button--warning" in html
    assert f'<form action="{target}" method="post"' in html
    assert ">Cancel</a>" in html
    nothing_changed(world, organisation)
    assert AuditEvent.objects.count() == audited


@pytest.mark.parametrize("who", ["member_a", "lead_a", "advisory", "other_icb_admin", "outsider"])
@pytest.mark.parametrize(
    "name",
    ["membership_end", "person_deactivate", "person_two_factor_reset", "organisation_delete"],
)
def test_nobody_else_may_confirm_or_post(client, world, organisation, name, who):
    client.force_login(getattr(world, who))
    target = url(name, world, *confirmations(world, organisation)[name])
    assert client.get(target).status_code == 404
    assert client.post(target).status_code == 404
    nothing_changed(world, organisation)


@pytest.mark.parametrize(
    "name",
    ["membership_end", "person_deactivate", "person_two_factor_reset", "organisation_delete"],
)
def test_anonymous_people_are_sent_to_sign_in(client, world, organisation, name):
    target = url(name, world, *confirmations(world, organisation)[name])
    for method in (client.get, client.post):
        response = method(target)
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))
    nothing_changed(world, organisation)


def test_objects_of_another_system_have_no_confirmation_page(admin_client, world):
    other_place = PlaceFactory(system=world.other_system)
    other_person = make_member(place=other_place)
    other_organisation = OrganisationFactory(system=world.other_system)
    for target in [
        url("membership_end", world, membership_of(other_person, other_place).pk),
        url("person_deactivate", world, other_person.pk),
        url("person_two_factor_reset", world, other_person.pk),
        url("organisation_delete", world, other_organisation.pk),
    ]:
        assert admin_client.get(target).status_code == 404, target


def test_ending_a_role_is_confirmed_then_done(admin_client, world):
    membership = membership_of(world.member_a, world.place_a)
    end_url = url("membership_end", world, membership.pk)
    people = admin_client.get(url("people", world)).content.decode()
    assert f'href="{end_url}"' in people
    assert f'action="{end_url}"' not in people  # the row links, it does not post

    confirm = admin_client.get(end_url).content.decode()
    assert f"Remove {world.member_a} as place member of Ashford?" in confirm
    assert f"{world.member_a} will no longer hold this role" in confirm
    assert f'href="{url("people", world)}">Cancel</a>' in confirm
    assert Membership.objects.get(pk=membership.pk).is_current

    done = admin_client.post(end_url, follow=True)
    assert done.redirect_chain[-1][0] == url("people", world)
    assert f"Removed {world.member_a} as place member of Ashford." in done.content.decode()
    assert not Membership.objects.get(pk=membership.pk).is_current


def test_an_ended_role_has_no_confirmation_page(admin_client, world):
    membership = membership_of(world.member_a, world.place_a)
    admin_client.post(url("membership_end", world, membership.pk))
    assert admin_client.get(url("membership_end", world, membership.pk)).status_code == 404


def test_deactivating_a_person_is_confirmed_then_done(admin_client, world):
    deactivate_url = url("person_deactivate", world, world.member_b.pk)
    assert f'href="{deactivate_url}"' in admin_client.get(url("people", world)).content.decode()
    confirm = admin_client.get(deactivate_url).content.decode()
    assert f"Deactivate {world.member_b}?" in confirm
    assert "will no longer be able to sign in" in confirm
    assert ">Deactivate</button>" in confirm

    done = admin_client.post(deactivate_url, follow=True)
    assert f"Deactivated {world.member_b}: they can no longer sign in." in done.content.decode()
    world.member_b.refresh_from_db()
    assert not world.member_b.is_active


def test_a_refused_deactivation_after_confirming_says_why(admin_client, world):
    done = admin_client.post(url("person_deactivate", world, world.lead_a.pk), follow=True)
    assert done.redirect_chain[-1][0] == url("people", world)
    assert "is the only place lead of Ashford" in done.content.decode()
    world.lead_a.refresh_from_db()
    assert world.lead_a.is_active


def test_resetting_two_factor_sign_in_is_confirmed_first(admin_client, world):
    reset_url = url("person_two_factor_reset", world, world.member_b.pk)
    confirm = admin_client.get(reset_url).content.decode()
    assert f"Reset the two-factor sign-in of {world.member_b}?" in confirm
    assert "Do this only if they have lost their phone and their backup codes." in confirm
    assert ">Reset two-factor sign-in</button>" in confirm


def test_deleting_an_organisation_is_confirmed_then_done(admin_client, world, organisation):
    delete_url = url("organisation_delete", world, organisation.pk)
    listing = admin_client.get(url("organisations", world)).content.decode()
    assert f'href="{delete_url}"' in listing and "hx-confirm" not in listing
    confirm = admin_client.get(delete_url).content.decode()
    assert "Delete Ashford Borough Council?" in confirm
    assert "This cannot be undone." in confirm
    assert ">Delete organisation</button>" in confirm
    assert Organisation.objects.filter(pk=organisation.pk).exists()

    done = admin_client.post(delete_url, follow=True)
    assert done.redirect_chain[-1][0] == url("organisations", world)
    assert "Deleted organisation Ashford Borough Council." in done.content.decode()
    assert not Organisation.objects.filter(pk=organisation.pk).exists()
