import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_sign_in_page_is_served(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert b"Sign in" in response.content


def test_member_sees_their_place_on_home(client, world):
    client.force_login(world.member_a)
    response = client.get(reverse("home"))
    assert world.place_a.name in response.content.decode()
    assert world.place_b.name not in response.content.decode()
