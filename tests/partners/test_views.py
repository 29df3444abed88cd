"""The member-facing pages: what each person sees, and that query counts stay flat."""

import pytest
from django.urls import reverse

from partners import services
from partners.models import Role, Sector
from tests.factories import (
    OrganisationAliasFactory,
    OrganisationFactory,
    UserFactory,
    make_member,
)

pytestmark = pytest.mark.django_db


def home_page(client, user):
    """The home page as the user sees it."""
    client.force_login(user)
    return client.get(reverse("home")).content.decode()


def test_home_lists_only_the_places_a_person_belongs_to(client, world):
    page = home_page(client, world.member_a)
    assert "Ashford" in page
    assert "Brookfield" not in page


def test_home_tells_someone_with_no_place_what_to_do(client, world):
    page = home_page(client, world.outsider)
    assert "You are not a member of any place yet" in page


def test_home_offers_the_console_to_icb_admins(client, world):
    page = home_page(client, world.icb_admin)
    assert reverse("console:dashboard", args=[world.system.slug]) in page
    assert "/console/" not in home_page(client, world.member_a)


def test_place_page_shows_partners_by_sector_with_aliases_and_people(client, world):
    council = OrganisationFactory(
        system=world.system, name="Ashford Council", sector=Sector.UPPER_TIER_COUNCIL
    )
    OrganisationAliasFactory(organisation=council, alias="the council")
    services.place_partner_add(actor=None, place=world.place_a, organisation=council)
    client.force_login(world.member_a)
    page = client.get(reverse("place_detail", args=[world.place_a.pk])).content.decode()
    assert "Upper-tier or unitary council" in page
    assert "Ashford Council" in page
    assert "the council" in page
    assert world.lead_a.full_name in page
    assert "Place lead" in page
    assert world.member_b.full_name not in page


@pytest.mark.parametrize("who", ["member_b", "outsider", "advisory", "other_icb_admin"])
def test_a_place_is_not_found_for_people_outside_it(client, world, who):
    client.force_login(getattr(world, who))
    assert client.get(reverse("place_detail", args=[world.place_a.pk])).status_code == 404


def test_an_inactive_place_is_not_found(client, world):
    services.place_update(actor=None, place=world.place_a, is_active=False)
    client.force_login(world.member_a)
    assert client.get(reverse("place_detail", args=[world.place_a.pk])).status_code == 404


def grow_place(world, people: int, partners: int) -> None:
    for _ in range(partners):
        organisation = OrganisationFactory(system=world.system)
        OrganisationAliasFactory(organisation=organisation)
        services.place_partner_add(actor=None, place=world.place_a, organisation=organisation)
    for _ in range(people):
        make_member(place=world.place_a, role=Role.PLACE_MEMBER)


@pytest.mark.parametrize("rows", [10, 200])
def test_place_page_queries_stay_flat(client, world, rows, django_assert_max_num_queries):
    grow_place(world, people=rows, partners=rows)
    client.force_login(world.member_a)
    # 10, plus one for the place's consultation rounds and its response status in each.
    with django_assert_max_num_queries(11):
        response = client.get(reverse("place_detail", args=[world.place_a.pk]))
    assert response.status_code == 200


@pytest.mark.parametrize("rows", [10, 200])
def test_home_queries_stay_flat(client, world, rows, django_assert_max_num_queries):
    grow_place(world, people=rows, partners=rows)
    client.force_login(world.member_a)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("home"))
    assert response.status_code == 200


def test_pages_send_security_headers(client, world):
    client.force_login(world.member_a)
    response = client.get(reverse("home"))
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_body_carries_the_csrf_token_for_htmx(client, world):
    page = home_page(client, world.member_a)
    assert 'hx-headers=\'{"X-CSRFToken": "' in page


def test_not_found_pages_are_nhs_styled_and_say_what_to_do(client, world):
    client.force_login(world.member_b)
    response = client.get(reverse("place_detail", args=[world.place_a.pk]))
    assert response.status_code == 404
    page = response.content.decode()
    assert "Page not found" in page
    assert "nhsuk-header" in page
    assert world.place_a.name not in page


def test_a_server_error_shows_a_calm_page_without_a_traceback(client, world, monkeypatch):
    from design import views_place as views

    def explode(**kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(views, "places_for_home", explode)
    client.raise_request_exception = False
    client.force_login(world.member_a)
    response = client.get(reverse("home"))
    assert response.status_code == 500
    page = response.content.decode()
    assert "Sorry, there is a problem with the service" in page
    assert "database went away" not in page
    assert "Traceback" not in page


def test_place_people_are_paged_and_searchable(client, world):
    for n in range(55):
        make_member(place=world.place_a, user=UserFactory(full_name=f"Person {n:02d} Example"))
    client.force_login(world.member_a)
    url = reverse("place_detail", args=[world.place_a.pk])
    first = client.get(url).content.decode()
    assert "57 people" in first  # the 55, member_a and lead_a
    assert world.lead_a.full_name in first  # leads come first
    assert 'aria-label="Pagination"' in first
    assert "Person 22 Example" in first and "Person 23 Example" not in first  # 25 a page
    last = client.get(url, {"page": 3}).content.decode()
    assert "Person 54 Example" in last
    found = client.get(url, {"q": "Person 07"}).content.decode()
    assert "Person 07 Example" in found
    assert "Person 08 Example" not in found
    assert "1 person matching" in found


def test_place_people_search_returns_only_the_people_partial_for_htmx(client, world, htmx_headers):
    client.force_login(world.member_a)
    url = reverse("place_detail", args=[world.place_a.pk])
    partial = client.get(url, {"q": world.lead_a.full_name.split()[0]}, **htmx_headers)
    html = partial.content.decode()
    assert '<div id="place-people"' in html
    assert "<html" not in html
    assert "Partner organisations" not in html
    assert "HX-Request" in partial["Vary"]
    full = client.get(url).content.decode()
    assert "<html" in full and "Partner organisations" in full


def test_the_people_partial_checks_permission_too(client, world, htmx_headers):
    client.force_login(world.member_b)
    response = client.get(reverse("place_detail", args=[world.place_a.pk]), **htmx_headers)
    assert response.status_code == 404
