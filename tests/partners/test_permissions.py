"""Object permissions follow memberships: granted on join, revoked on leave, re-synced by the
management command."""

import io

import pytest
from django.core.management import call_command
from guardian.models import UserObjectPermission
from guardian.shortcuts import assign_perm, remove_perm

from partners import services
from partners.models import Role
from partners.permissions import ADMINISTER_SYSTEM, LEAD_PLACE, READ_RELEASED_SUMMARIES, VIEW_PLACE
from tests.factories import PlaceFactory, UserFactory, make_member, membership_of

pytestmark = pytest.mark.django_db


def fresh(user):
    """Permission checks are cached on the user object; reload to see changes."""
    return type(user).objects.get(pk=user.pk)


def test_joining_a_place_grants_view_on_that_place_only(world):
    member = fresh(world.member_a)
    assert member.has_perm(VIEW_PLACE, world.place_a)
    assert not member.has_perm(VIEW_PLACE, world.place_b)
    assert not member.has_perm(LEAD_PLACE, world.place_a)
    assert not member.has_perm(ADMINISTER_SYSTEM, world.system)


def test_a_place_lead_may_lead_their_place(world):
    lead = fresh(world.lead_a)
    assert lead.has_perm(LEAD_PLACE, world.place_a)
    assert not lead.has_perm(LEAD_PLACE, world.place_b)


def test_icb_admin_administers_their_system_and_sees_all_its_places(world):
    admin = fresh(world.icb_admin)
    assert admin.has_perm(ADMINISTER_SYSTEM, world.system)
    assert not admin.has_perm(ADMINISTER_SYSTEM, world.other_system)
    assert admin.has_perm(VIEW_PLACE, world.place_a)
    assert admin.has_perm(VIEW_PLACE, world.place_b)


def test_a_place_added_later_is_visible_to_the_systems_admins(world):
    new_place = services.place_create(
        actor=world.icb_admin, system=world.system, name="Coldharbour"
    )
    assert fresh(world.icb_admin).has_perm(VIEW_PLACE, new_place)
    assert not fresh(world.other_icb_admin).has_perm(VIEW_PLACE, new_place)


def test_advisory_member_reads_summaries_but_sees_no_place(world):
    advisory = fresh(world.advisory)
    assert advisory.has_perm(READ_RELEASED_SUMMARIES, world.system)
    assert not advisory.has_perm(VIEW_PLACE, world.place_a)


def test_leaving_a_place_revokes_its_permissions(world):
    services.membership_end(
        actor=world.icb_admin, membership=membership_of(world.member_a, world.place_a)
    )
    assert not fresh(world.member_a).has_perm(VIEW_PLACE, world.place_a)


def test_demoting_a_lead_revokes_lead_but_keeps_view(world):
    second_lead = make_member(place=world.place_a, role=Role.PLACE_LEAD)
    services.membership_update(
        actor=world.icb_admin,
        membership=membership_of(second_lead, world.place_a),
        role=Role.PLACE_MEMBER,
        organisation=None,
    )
    second_lead = fresh(second_lead)
    assert second_lead.has_perm(VIEW_PLACE, world.place_a)
    assert not second_lead.has_perm(LEAD_PLACE, world.place_a)


def test_a_deactivated_person_keeps_no_permissions(world):
    services.user_deactivate(actor=world.icb_admin, user=world.member_b)
    assert not UserObjectPermission.objects.filter(user=world.member_b).exists()


def test_resync_repairs_hand_made_drift():
    place = PlaceFactory()
    other = PlaceFactory(system=place.system)
    member = make_member(place=place)
    stray = UserFactory()
    # Someone granted and revoked by hand, bypassing the service.
    assign_perm(VIEW_PLACE, member, other)
    assign_perm(VIEW_PLACE, stray, place)
    remove_perm(VIEW_PLACE, member, place)
    call_command("sync_permissions", stdout=io.StringIO())
    assert fresh(member).has_perm(VIEW_PLACE, place)
    assert not fresh(member).has_perm(VIEW_PLACE, other)
    assert not fresh(stray).has_perm(VIEW_PLACE, place)


def test_sync_is_idempotent(world):
    from partners.permissions import permissions_sync_for_user

    assert permissions_sync_for_user(user=world.member_a) == (0, 0)
