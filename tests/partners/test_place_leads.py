"""Who leads a place is one rule (`Membership.objects.place_leads`): a place lead's membership
that has started and not ended, held by someone whose account is active. Being told about a
round, submitting, holding the lead permission and counting as "another lead" all follow it."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from partners import services
from partners.models import Membership, Role
from partners.selectors import current_place_leads, is_place_lead
from tests.factories import UserFactory, make_member, membership_of

pytestmark = pytest.mark.django_db


def fresh(user):
    return type(user).objects.get(pk=user.pk)


def test_a_current_lead_of_an_active_account_leads(world):
    assert is_place_lead(user=world.lead_a, place=world.place_a)
    assert not is_place_lead(user=world.member_a, place=world.place_a)
    assert not is_place_lead(user=world.lead_a, place=world.place_b)
    assert not is_place_lead(user=None, place=world.place_a)
    lead_b = make_member(place=world.place_b, role=Role.PLACE_LEAD)
    assert current_place_leads([world.place_a.pk, world.place_b.pk]) == {
        world.place_a.pk: [world.lead_a],
        world.place_b.pk: [lead_b],
    }


def test_a_deactivated_account_leads_nowhere(world):
    world.lead_a.is_active = False
    world.lead_a.save(update_fields=["is_active"])
    assert not is_place_lead(user=world.lead_a, place=world.place_a)
    assert current_place_leads([world.place_a.pk]) == {}
    assert not Membership.objects.place_leads().filter(place=world.place_a).exists()


def test_a_lead_role_that_has_not_started_is_not_one_yet(world):
    later = make_member(place=world.place_a, role=Role.PLACE_LEAD, user=UserFactory())
    membership = membership_of(later, world.place_a)
    membership.started_at = timezone.now() + timedelta(days=3)
    membership.save(update_fields=["started_at"])
    assert not is_place_lead(user=later, place=world.place_a)
    assert current_place_leads([world.place_a.pk]) == {world.place_a.pk: [world.lead_a]}


def test_an_ended_lead_role_is_not_one(world):
    second = make_member(place=world.place_a, role=Role.PLACE_LEAD)
    services.membership_end(actor=None, membership=membership_of(second, world.place_a))
    assert not is_place_lead(user=second, place=world.place_a)
    assert not fresh(second).has_perm("partners.lead_place", world.place_a)


def test_a_deactivated_lead_does_not_count_as_the_other_lead(world):
    """Removing the last lead who can act is refused, even if a lead whose account was
    deactivated is still on the books."""
    dormant = make_member(place=world.place_a, role=Role.PLACE_LEAD)
    dormant.is_active = False
    dormant.save(update_fields=["is_active"])
    with pytest.raises(ValidationError, match="is the only place lead of Ashford"):
        services.membership_end(actor=None, membership=membership_of(world.lead_a, world.place_a))


def test_the_lead_permission_follows_the_same_rule(world):
    later = make_member(place=world.place_a, role=Role.PLACE_LEAD)
    membership = membership_of(later, world.place_a)
    membership.started_at = timezone.now() + timedelta(days=3)
    membership.save(update_fields=["started_at"])
    services.membership_update(
        actor=None, membership=membership, role=Role.PLACE_LEAD, organisation=None
    )
    assert fresh(later).has_perm("partners.view_place", world.place_a)
    assert not fresh(later).has_perm("partners.lead_place", world.place_a)
    assert fresh(world.lead_a).has_perm("partners.lead_place", world.place_a)
