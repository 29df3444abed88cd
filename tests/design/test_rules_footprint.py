"""The design check's geography: populations of the system, the place and its neighbourhoods
against the framework's tiers, and a lead for each neighbourhood. Warnings at worst, never a
failure; quiet when there is nothing to compare."""

from __future__ import annotations

import pytest
from django.urls import reverse

from design import rules_footprint
from design.check_items import FAIL, PASS, WARNING
from design.validator import design_review
from governance.catalogue.models import GeographicTier
from partners.models import Sector
from tests.factories import (
    NeighbourhoodFactory,
    OrganisationFactory,
    PlaceFactory,
    make_tiers,
    partner_in,
)

pytestmark = pytest.mark.django_db

CODES = {
    "system_population",
    "place_population",
    "neighbourhood_population",
    "neighbourhoods_total",
    "neighbourhood_lead",
    "neighbourhood_lead_organisation",
}


def footprint_items(place):
    return [item for item in design_review(place=place).items if item.code in CODES]


def items_of(place, code):
    return [item for item in footprint_items(place) if item.code == code]


def one(place, code):
    found = items_of(place, code)
    assert len(found) == 1, found
    return found[0]


@pytest.fixture
def place(db):
    make_tiers()
    place = PlaceFactory(name="Ashford", population=300_000)
    place.system.population = 1_500_000
    place.system.save()
    return place


def test_populations_within_the_typical_footprints_pass(place):
    NeighbourhoodFactory(place=place, name="North", population=40_000)
    NeighbourhoodFactory(place=place, name="South", population=45_000)
    items = footprint_items(place)
    assert {item.status for item in items} == {PASS}
    assert one(place, "system_population").detail.startswith(
        f"{place.system.name} has 1,500,000 people: within the typical footprint of a system "
        "(typically 1,000,000 to 3,000,000 people)"
    )
    assert "North" in one(place, "neighbourhood_lead").detail
    assert one(place, "neighbourhoods_total").detail == (
        "Ashford's active neighbourhoods add up to 85,000 people, within the place's 300,000 "
        "people."
    )


def test_no_item_is_ever_a_failure(place):
    place.population = 5_000_000
    place.save()
    NeighbourhoodFactory(place=place, population=9_000_000, lead_kind="")
    assert FAIL not in {item.status for item in footprint_items(place)}


@pytest.mark.parametrize(
    ("population", "says"),
    [
        (200_000, "smaller than the typical footprint of a place"),
        (
            800_000,
            "larger than typical, but within the largest footprint the source allows",
        ),
        (1_200_000, "larger than typical, but within the largest footprint the source allows"),
        (1_200_001, "larger than the largest footprint the source allows"),
    ],
)
def test_a_place_outside_the_typical_footprint_is_a_warning_with_the_range(place, population, says):
    place.population = population
    place.save()
    item = one(place, "place_population")
    assert item.status == WARNING
    assert says in item.detail
    assert "typically 250,000 to 500,000 people, and at most 1,200,000 people" in item.detail
    assert item.source == "Operating model, the place tier"
    assert item.fix_url.name == "console:place_edit"
    assert item.fix_url.args == (place.system.slug, place.pk)


@pytest.mark.parametrize("population", [250_000, 500_000])
def test_the_typical_range_includes_its_ends(place, population):
    place.population = population
    place.save()
    assert one(place, "place_population").status == PASS


@pytest.mark.parametrize(
    ("population", "says"),
    [(900_000, "smaller than the typical"), (3_000_001, "larger than the typical footprint")],
)
def test_a_system_outside_its_footprint_is_a_warning(place, population, says):
    place.system.population = population
    place.system.save()
    item = one(place, "system_population")
    assert item.status == WARNING and says in item.detail
    assert item.fix_url.name == "console:system_edit"


@pytest.mark.parametrize(("population", "says"), [(29_999, "smaller"), (50_001, "larger")])
def test_a_neighbourhood_outside_its_footprint_is_a_warning_that_links_to_it(
    place, population, says
):
    odd = NeighbourhoodFactory(place=place, name="Odd", population=population)
    NeighbourhoodFactory(place=place, name="Usual", population=40_000)
    item = one(place, "neighbourhood_population")
    assert item.status == WARNING and item.subject == "Odd" and says in item.detail
    assert "typically 30,000 to 50,000 people" in item.detail
    assert item.fix_url.name == "neighbourhoods:edit" and item.fix_url.args == (place.pk, odd.pk)


def test_neighbourhoods_adding_up_to_more_than_the_place_warn(place):
    NeighbourhoodFactory(place=place, name="A", population=50_000)
    NeighbourhoodFactory(place=place, name="B", population=260_000)
    NeighbourhoodFactory(place=place, name="Closed", population=100_000, is_active=False)
    item = one(place, "neighbourhoods_total")
    assert item.status == WARNING
    assert "add up to 310,000 people, more than the 300,000 people recorded" in item.detail
    assert item.fix_url.name == "neighbourhoods:list"


def test_inactive_neighbourhoods_are_not_judged(place):
    NeighbourhoodFactory(place=place, name="Closed", population=5, lead_kind="", is_active=False)
    assert footprint_items(place) == [
        one(place, "system_population"),
        one(place, "place_population"),
    ]


def test_without_tiers_or_populations_there_is_nothing_to_say_about_size(db):
    GeographicTier.objects.all().delete()
    place = PlaceFactory(population=5_000_000)
    NeighbourhoodFactory(place=place, population=900_000)
    assert not items_of(place, "place_population")
    assert not items_of(place, "neighbourhood_population")
    assert not items_of(place, "neighbourhoods_total")
    # Leads are still asked for: they do not depend on a footprint.
    assert one(place, "neighbourhood_lead").status == PASS


def test_an_unrecorded_population_gives_no_item(place):
    place.population = None
    place.save()
    place.system.population = None
    place.system.save()
    NeighbourhoodFactory(place=place, name="North", population=None)
    assert not items_of(place, "system_population")
    assert not items_of(place, "place_population")
    assert not items_of(place, "neighbourhood_population")
    assert not items_of(place, "neighbourhoods_total")


def test_a_place_without_neighbourhoods_is_not_asked_for_leads(place):
    assert not items_of(place, "neighbourhood_lead")


def test_each_neighbourhood_without_a_lead_is_a_warning(place):
    first = NeighbourhoodFactory(place=place, name="North", lead_kind="")
    NeighbourhoodFactory(place=place, name="South", lead_kind="")
    NeighbourhoodFactory(place=place, name="East", lead_kind="vcse")
    found = items_of(place, "neighbourhood_lead")
    assert [(item.status, item.subject) for item in found] == [
        (WARNING, "North"),
        (WARNING, "South"),
    ]
    assert "North has no lead recorded" in found[0].detail
    assert found[0].fix_url.name == "neighbourhoods:edit"
    assert found[0].fix_url.args == (place.pk, first.pk)


def test_a_lead_organisation_outside_the_partnership_is_a_warning(place):
    outsider = OrganisationFactory(system=place.system, name="Elsewhere PCN")
    partner = partner_in(place, name="Ashford PCN", sector=Sector.PRIMARY_CARE_NETWORK)
    NeighbourhoodFactory(place=place, name="North", lead_organisation=outsider)
    NeighbourhoodFactory(place=place, name="South", lead_organisation=partner)
    item = one(place, "neighbourhood_lead_organisation")
    assert item.status == WARNING and item.subject == "North"
    assert "Elsewhere PCN, which is not a partner of Ashford" in item.detail


def test_the_check_page_links_each_warning_to_its_page(client, world):
    make_tiers()
    world.place_a.population = 2_000_000
    world.place_a.save()
    odd = NeighbourhoodFactory(place=world.place_a, name="Tiny", population=1_000, lead_kind="")
    edit = reverse("neighbourhoods:edit", args=[world.place_a.pk, odd.pk])
    console = reverse("console:place_edit", args=[world.system.slug, world.place_a.pk])
    client.force_login(world.lead_a)
    page = client.get(reverse("design:check", args=[world.place_a.pk])).content.decode()
    assert "Tiny has no lead recorded" in page and edit in page
    assert "larger than the largest footprint the source allows" in page
    assert console not in page  # the console's pages are for the ICB admins
    client.force_login(world.icb_admin)
    page = client.get(reverse("design:check", args=[world.place_a.pk])).content.decode()
    assert console in page


@pytest.mark.parametrize(
    ("typical_from", "typical_to", "largest", "words"),
    [
        (1, 2, None, "typically 1 to 2 people"),
        (None, 5, None, "typically up to 5 people"),
        (7, None, None, "typically at least 7 people"),
        (None, None, 9, "at most 9 people"),
        (1, 2, 3, "typically 1 to 2 people, and at most 3 people"),
    ],
)
def test_a_tiers_range_in_words(typical_from, typical_to, largest, words):
    tier = GeographicTier(
        slug="place",
        name="Place",
        typical_from=typical_from,
        typical_to=typical_to,
        largest=largest,
    )
    assert rules_footprint.typical_range(tier) == words
