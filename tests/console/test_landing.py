"""The console's front door, /console/: who it sends where."""

from __future__ import annotations

import pytest
from django.urls import reverse

from partners.models import Role
from tests.factories import PASSWORD, SystemFactory, make_member

pytestmark = pytest.mark.django_db

LANDING = "/console/"


def test_the_front_door_is_at_console():
    assert reverse("console:landing") == LANDING


def test_an_admin_of_one_system_goes_straight_to_its_dashboard(client, world):
    client.force_login(world.icb_admin)
    response = client.get(LANDING)
    assert response.status_code == 302
    assert response["Location"] == "/console/north-shire/"


def test_an_admin_of_two_systems_chooses_between_them(client, world):
    make_member(user=world.icb_admin, system=world.other_system, role=Role.ICB_ADMIN)
    SystemFactory(name="West Moor ICS", slug="west-moor")  # not theirs
    client.force_login(world.icb_admin)
    response = client.get(LANDING)
    assert response.status_code == 200
    page = response.content.decode()
    assert "<h1>Choose a system</h1>" in page
    assert '<a href="/console/north-shire/">North Shire ICS</a>' in page
    assert '<a href="/console/south-vale/">South Vale ICS</a>' in page
    assert "West Moor ICS" not in page


@pytest.mark.parametrize("who", ["member_a", "lead_a", "advisory", "oversight", "outsider"])
def test_people_who_administer_no_system_find_nothing(client, world, who):
    client.force_login(getattr(world, who))
    response = client.get(LANDING)
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_anonymous_people_are_sent_to_sign_in(client, world):
    response = client.get(LANDING)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next=/console/"


def test_an_admin_must_pass_the_second_factor_first(client, world):
    """Signed in with a password alone, an admin is asked for their second factor before the
    console tells them anything."""
    world.icb_admin.set_password(PASSWORD)
    world.icb_admin.save()
    client.post(reverse("login"), {"username": world.icb_admin.email, "password": PASSWORD})
    response = client.get(LANDING)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('two_factor_verify')}?next=%2Fconsole%2F"


def test_the_front_door_only_reads(client, world):
    client.force_login(world.icb_admin)
    assert client.post(LANDING).status_code == 405
