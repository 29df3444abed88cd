"""Reading an object together with the person's permissions on it: who gets it, who gets 404,
and that the page's later checks on it are answered from what was read, correctly."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404
from django.test import RequestFactory

from partners.access import get_permitted_object_or_404, has_object_permission
from partners.models import Place, System
from partners.permissions import ADMINISTER_SYSTEM, LEAD_PLACE, VIEW_PLACE
from partners.two_factor import TwoFactorRequired
from tests.factories import UserFactory
from tests.queries import queries_run_by

pytestmark = pytest.mark.django_db


def request_of(user):
    request = RequestFactory().get("/")
    request.user = type(user).objects.get(pk=user.pk) if user.pk else user
    return request


def place_for(request, place):
    return get_permitted_object_or_404(request, Place.objects.all(), VIEW_PLACE, pk=place.pk)


def test_a_member_gets_their_place_and_a_404_for_another(world):
    request = request_of(world.member_a)
    assert place_for(request, world.place_a) == world.place_a
    with pytest.raises(Http404):
        place_for(request, world.place_b)


@pytest.mark.parametrize("who", ["outsider", "advisory", "other_icb_admin"])
def test_nobody_without_the_permission_gets_the_place(world, who):
    with pytest.raises(Http404):
        place_for(request_of(getattr(world, who)), world.place_a)


def test_a_signed_out_or_deactivated_person_gets_404(world):
    with pytest.raises(Http404):
        place_for(request_of(AnonymousUser()), world.place_a)
    world.member_a.is_active = False
    world.member_a.save()
    with pytest.raises(Http404):
        place_for(request_of(world.member_a), world.place_a)


def test_a_superuser_gets_any_place(world):
    superuser = UserFactory(is_superuser=True)
    assert place_for(request_of(superuser), world.place_b) == world.place_b


@pytest.mark.parametrize(("who", "leads"), [("lead_a", True), ("member_a", False)])
def test_later_checks_on_the_place_are_answered_without_asking_again(world, who, leads):
    request = request_of(getattr(world, who))
    place = place_for(request, world.place_a)
    answers = []
    assert (
        queries_run_by(lambda: answers.append(has_object_permission(request, LEAD_PLACE, place)))
        == 0
    )
    assert answers == [leads]


def test_the_console_system_is_read_for_its_admins_only(world):
    admin = request_of(world.icb_admin)
    admin.session = {}
    # The admin's system is found; their session has not passed the second factor, so they
    # are sent to pass it before the console opens.
    with pytest.raises(TwoFactorRequired):
        get_permitted_object_or_404(
            admin, System.objects.all(), ADMINISTER_SYSTEM, slug="north-shire"
        )
    with pytest.raises(Http404):
        get_permitted_object_or_404(
            request_of(world.other_icb_admin),
            System.objects.all(),
            ADMINISTER_SYSTEM,
            slug="north-shire",
        )
