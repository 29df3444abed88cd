"""A place's neighbourhood pages: who may reach each of them across two systems, and what a
lead sees and does there (the list with its totals, adding, a stale edit, making one
inactive)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from partners.models import Neighbourhood, Role, Sector
from tests.conftest import World
from tests.factories import NeighbourhoodFactory, make_member, partner_in
from tests.hostile import assert_no_injected_markup
from tests.queries import page_query_count

pytestmark = pytest.mark.django_db

ANONYMOUS = "anonymous"
READERS = {"member_a", "lead_a", "icb_admin"}
EDITORS = {"lead_a", "icb_admin"}
# Everyone else: the ICB admin of the other system, the other system's place lead, the
# advisory group, a member of another place of the same system.
OUTSIDERS = ["other_icb_admin", "other_lead", "advisory", "member_b"]
ROLES = [ANONYMOUS, *sorted(READERS), *OUTSIDERS]


@pytest.fixture
def north(world: World) -> Neighbourhood:
    return NeighbourhoodFactory(place=world.place_a, name="Ashford North", population=42_000)


@pytest.fixture
def people(world: World) -> dict[str, object]:
    from partners import services

    far_place = services.place_create(actor=None, system=world.other_system, name="Farther Vale")
    return {
        "other_lead": make_member(place=far_place, role=Role.PLACE_LEAD),
        **{role: getattr(world, role) for role in ROLES if role not in (ANONYMOUS, "other_lead")},
    }


def urls(world: World, north: Neighbourhood) -> dict[str, str]:
    place = world.place_a.pk
    return {
        "list": reverse("neighbourhoods:list", args=[place]),
        "add": reverse("neighbourhoods:add", args=[place]),
        "edit": reverse("neighbourhoods:edit", args=[place, north.pk]),
        "deactivate": reverse("neighbourhoods:deactivate", args=[place, north.pk]),
    }


def sign_in(client, people, role: str) -> None:
    client.logout()
    if role != ANONYMOUS:
        client.force_login(people[role])


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("which", ["list", "add", "edit", "deactivate"])
def test_who_may_open_each_page(client, world, north, people, role, which):
    sign_in(client, people, role)
    url = urls(world, north)[which]
    response = client.get(url)
    if role == ANONYMOUS:
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    elif role in EDITORS or (which == "list" and role in READERS):
        assert response.status_code == 200
    elif role in READERS:  # a member opening a form is taken back to the list
        assert response.status_code == 302 and response["Location"] == urls(world, north)["list"]
    else:
        assert response.status_code == 404


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("which", ["add", "edit", "deactivate"])
def test_who_may_change_anything(client, world, north, people, role, which):
    sign_in(client, people, role)
    data = {"name": "Ashford Central", "population": "35000", "version": "1"}
    response = client.post(urls(world, north)[which], data)
    north.refresh_from_db()
    if role in EDITORS:
        assert response.status_code == 302
        changed = {
            "add": Neighbourhood.objects.filter(name="Ashford Central").exists(),
            "edit": north.name == "Ashford Central",
            "deactivate": not north.is_active,
        }[which]
        assert changed
    else:
        expected = 302 if role == ANONYMOUS else (403 if role in READERS else 404)
        assert response.status_code == expected
        assert north.is_active and north.name == "Ashford North"
        assert not Neighbourhood.objects.filter(name="Ashford Central").exists()


def test_a_neighbourhood_of_another_place_is_not_found_under_this_one(client, world):
    theirs = NeighbourhoodFactory(place=world.place_b, name="Brookfield East")
    client.force_login(world.lead_a)
    for name in ("edit", "deactivate"):
        url = reverse(f"neighbourhoods:{name}", args=[world.place_a.pk, theirs.pk])
        assert client.get(url).status_code == 404
        assert client.post(url, {"name": "Taken"}).status_code == 404
    theirs.refresh_from_db()
    assert theirs.is_active and theirs.name == "Brookfield East"


def test_the_place_page_links_to_its_neighbourhoods(client, world):
    client.force_login(world.member_a)
    page = client.get(reverse("place_detail", args=[world.place_a.pk])).content.decode()
    assert reverse("neighbourhoods:list", args=[world.place_a.pk]) in page


def test_the_list_shows_each_neighbourhood_its_lead_and_the_total(client, world):
    pcn = partner_in(world.place_a, name="Ashford North PCN", sector=Sector.PRIMARY_CARE_NETWORK)
    NeighbourhoodFactory(
        place=world.place_a, name="Ashford North", population=42_000, lead_organisation=pcn
    )
    NeighbourhoodFactory(place=world.place_a, name="Ashford South", population=None, lead_kind="")
    NeighbourhoodFactory(place=world.place_a, name="Old Town", population=9_000, is_active=False)
    client.force_login(world.member_a)
    page = client.get(reverse("neighbourhoods:list", args=[world.place_a.pk])).content.decode()
    assert "Ashford North PCN" in page and "Primary care network" in page
    assert "42,000 people, not counting 1 neighbourhood with no population recorded" in page
    assert "300,000 people (the neighbourhoods add up to 14%)" in page
    assert "between 30,000 and 50,000 people" in page
    assert "Inactive" in page
    assert "Add a neighbourhood" not in page  # a member reads only


def test_the_list_warns_when_the_neighbourhoods_outnumber_the_place(client, world):
    NeighbourhoodFactory(place=world.place_a, name="A", population=200_000)
    NeighbourhoodFactory(place=world.place_a, name="B", population=150_000)
    client.force_login(world.lead_a)
    page = client.get(reverse("neighbourhoods:list", args=[world.place_a.pk])).content.decode()
    assert "add up to 350,000 people, more than the 300,000 recorded for Ashford" in page
    assert "Add a neighbourhood" in page


def test_a_lead_adds_a_neighbourhood_and_sees_it_listed(client, world):
    pcn = partner_in(world.place_a, name="Ashford PCN", sector=Sector.PRIMARY_CARE_NETWORK)
    client.force_login(world.lead_a)
    response = client.post(
        reverse("neighbourhoods:add", args=[world.place_a.pk]),
        {
            "name": "Ashford West",
            "population": "38000",
            "lead_kind": "pcn",
            "lead_organisation": str(pcn.pk),
        },
        follow=True,
    )
    page = response.content.decode()
    assert "Added Ashford West." in page and "38,000" in page
    added = Neighbourhood.objects.get(name="Ashford West")
    assert added.lead_organisation == pcn


def test_a_duplicate_name_comes_back_on_the_form_with_what_was_typed(
    client, world, north, htmx_headers
):
    client.force_login(world.lead_a)
    response = client.post(
        reverse("neighbourhoods:add", args=[world.place_a.pk]),
        {"name": "ashford north", "population": "41234"},
        **htmx_headers,
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Ashford already has a neighbourhood called “Ashford North”" in page
    assert 'value="41234"' in page and 'value="ashford north"' in page
    assert Neighbourhood.objects.count() == 1


def test_hostile_text_is_shown_as_text(client, world):
    client.force_login(world.lead_a)
    client.post(
        reverse("neighbourhoods:add", args=[world.place_a.pk]),
        {"name": "<pgd-injected>x</pgd-injected> <script>alert(1)</script>"},
    )
    page = client.get(reverse("neighbourhoods:list", args=[world.place_a.pk])).content.decode()
    assert_no_injected_markup(page)
    assert "&lt;pgd-injected&gt;x&lt;/pgd-injected&gt;" in page


def test_a_stale_edit_keeps_the_typed_data_and_shows_what_is_saved(client, world, north):
    url = reverse("neighbourhoods:edit", args=[world.place_a.pk, north.pk])
    client.force_login(world.icb_admin)
    client.post(url, {"name": "Ashford North", "population": "43000", "version": "1"})
    client.force_login(world.lead_a)
    response = client.post(url, {"name": "Ashford Northern", "population": "47000", "version": "1"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Someone else changed this neighbourhood" in page
    assert "What is saved now (version 2): Ashford North, 43,000 people" in page
    assert 'value="Ashford Northern"' in page and 'value="47000"' in page
    assert 'name="version" value="2"' in page
    north.refresh_from_db()
    assert (north.name, north.population) == ("Ashford North", 43_000)
    # Saving again replaces the version now saved.
    client.post(url, {"name": "Ashford Northern", "population": "47000", "version": "2"})
    north.refresh_from_db()
    assert (north.name, north.population, north.version) == ("Ashford Northern", 47_000, 3)


def test_making_inactive_asks_first_then_keeps_the_neighbourhood(client, world, north):
    url = reverse("neighbourhoods:deactivate", args=[world.place_a.pk, north.pk])
    client.force_login(world.lead_a)
    page = client.get(url).content.decode()
    assert "Make Ashford North inactive?" in page and "cannot be made active again" in page
    response = client.post(url, follow=True)
    assert "Ashford North is now inactive." in response.content.decode()
    north.refresh_from_db()
    assert not north.is_active
    page = client.get(url).content.decode()
    assert "Ashford North is already inactive." in page
    # An inactive neighbourhood is not changed any more.
    edit = reverse("neighbourhoods:edit", args=[world.place_a.pk, north.pk])
    response = client.post(edit, {"name": "Revived", "version": "2"}, follow=True)
    assert "inactive, so it cannot be changed" in response.content.decode()


def test_the_pages_read_a_flat_number_of_queries(client, world):
    for n in range(3):
        NeighbourhoodFactory(
            place=world.place_a,
            name=f"N{n}",
            lead_organisation=partner_in(world.place_a, name=f"PCN {n}"),
        )
    client.force_login(world.lead_a)
    list_url = reverse("neighbourhoods:list", args=[world.place_a.pk])
    few = page_query_count(client, list_url)
    for n in range(3, 13):
        NeighbourhoodFactory(
            place=world.place_a,
            name=f"N{n}",
            lead_organisation=partner_in(world.place_a, name=f"PCN {n}"),
        )
    assert page_query_count(client, list_url) == few <= 12
    add = reverse("neighbourhoods:add", args=[world.place_a.pk])
    assert page_query_count(client, add) <= 12
