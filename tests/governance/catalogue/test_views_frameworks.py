"""The catalogue pages with two frameworks: the switcher, the default (the newest framework
of place governance arrangements), and the 2025 delivery archetypes as people read them: who
holds each function, the budget, what each asks of partners, the geographical scales, and no
suggested ratings anywhere."""

from __future__ import annotations

import html
import re

import pytest
from django.urls import reverse

from governance.catalogue.loader import catalogue_load_all

pytestmark = pytest.mark.django_db

Q_2021 = "?framework=ics-design-framework-2021"
Q_2025 = "?framework=operating-model-2025"
NO_RATING = "No suggested rating in the source"


@pytest.fixture(autouse=True)
def catalogue(db: None) -> None:
    catalogue_load_all()


def _text(response) -> str:
    assert response.status_code == 200
    main = response.content.decode().split('id="maincontent"', 1)[1]
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", main)).split())


@pytest.mark.parametrize(
    "name", ["governance:options", "governance:ratings", "governance:explorer"]
)
def test_without_a_framework_the_pages_show_the_2021_arrangements(client, world, name):
    client.force_login(world.member_a)
    text = _text(client.get(reverse(name)))
    assert "ICS design framework (2021)" in text
    assert "Place partnership board" in text or name != "governance:options"


@pytest.mark.parametrize(
    "name", ["governance:options", "governance:ratings", "governance:explorer"]
)
def test_the_switcher_links_to_every_framework_keeping_the_page(client, world, name):
    client.force_login(world.member_a)
    page = client.get(reverse(name)).content.decode()
    assert 'aria-label="Option frameworks"' in page
    # The framework shown is marked as the current one; the other is a link to the same page.
    assert re.search(r'aria-current="page">\s*<span[^>]*>ICS design framework \(2021\)', page)
    assert f'href="{reverse(name)}{Q_2025}"' in page
    other = client.get(reverse(name) + Q_2025).content.decode()
    assert f'href="{reverse(name)}{Q_2021}"' in other
    assert re.search(r'aria-current="page">\s*<span[^>]*>Operating model \(2025\)', other)


def test_an_option_page_switches_to_the_other_frameworks_options(client, world):
    client.force_login(world.member_a)
    page = client.get(reverse("governance:option_detail", args=[5])).content.decode()
    assert f'href="{reverse("governance:options")}{Q_2025}"' in page


def test_the_archetypes_page_lists_both_archetypes_the_principles_and_the_scales(client, world):
    client.force_login(world.member_a)
    text = _text(client.get(reverse("governance:options") + Q_2025))
    assert "Delivery archetypes" in text
    assert "Option 1: Place partnership" in text
    assert "Option 2: Lead care provider/partnership" in text
    assert text.count("A place follows one archetype") == 2
    assert "The principles to guide change" in text
    for principle in (
        "Devolution and subsidiarity",
        "A system approach to change",
        "Clarity and accountability",
    ):
        assert principle in text
    assert "Geographical scales" in text
    for scale in (
        "National Population: The source gives no typical population",
        "System Population: Typically 1,000,000 to 3,000,000 people",
        "Place Population: Typically 250,000 to 500,000 people; some up to 1,200,000",
        "Neighbourhood Population: Typically 30,000 to 50,000 people",
    ):
        assert scale in text
    assert "engine room of integrated care" in text  # a place's core function


def test_the_2021_options_page_has_no_scales(client, world):
    client.force_login(world.member_a)
    assert "Geographical scales" not in _text(client.get(reverse("governance:options")))


@pytest.mark.parametrize(
    ("number", "said"),
    [
        (
            1,
            [
                "The integrator function The ICB Providers (a trust, or a provider collaborative) "
                "A body of the place, such as its partnership board or a joint committee",
                "Holding the budget The ICB A body of the place",
                "GP contracts (GMS and PMS) The ICB File 000",
                "Delegated to the place by the ICB",
                "Pooled with the council under section 75",
                "Local government Work closely with the ICB",
            ],
        ),
        (
            2,
            [
                "The integrator function The lead care provider or partnership File 000",
                "GP contracts (GMS and PMS) The lead care provider or partnership GP practices",
                "A risk-based capitated budget for a defined population",
                "Primary care Decide whether to support the lead care provider",
            ],
        ),
    ],
)
def test_an_archetypes_page_says_who_holds_what_and_has_no_rating(client, world, number, said):
    client.force_login(world.member_a)
    text = _text(client.get(reverse("governance:option_detail", args=[number]) + Q_2025))
    assert "Who holds each function" in text and "What it asks of partners" in text
    for words in said:
        assert words in text, words
    assert f"{NO_RATING} for option {number} alone." in text
    assert "a place follows one archetype" in text
    assert (
        "app-band--"
        not in client.get(
            reverse("governance:option_detail", args=[number]) + Q_2025
        ).content.decode()
    )


def test_a_2021_option_page_shows_no_archetype_profile(client, world):
    client.force_login(world.member_a)
    text = _text(client.get(reverse("governance:option_detail", args=[1])))
    assert "Who holds each function" not in text
    assert "MEDIUM" in text  # its suggested ratings are still shown


def test_the_ratings_page_says_the_archetypes_have_no_suggested_rating(client, world):
    client.force_login(world.member_a)
    text = _text(client.get(reverse("governance:ratings") + Q_2025))
    assert f"{NO_RATING} for any option of this framework." in text
    assert "Each option on its own" not in text  # no empty table
    assert "LOW/MEDIUM" in _text(client.get(reverse("governance:ratings")))


def test_the_explorer_allows_one_archetype_and_refuses_both(client, world, htmx_headers):
    client.force_login(world.member_a)
    url = reverse("governance:explorer")
    page = _text(client.get(url + Q_2025))
    assert "Every option of this framework stands alone" in page
    one = client.get(url + Q_2025 + "&options=2", **htmx_headers).content.decode()
    assert "Allowed" in one and f"{NO_RATING} for option 2 alone." in one
    both = client.get(url + Q_2025 + "&options=1&options=2", **htmx_headers).content.decode()
    assert "Not allowed" in both


def test_catalogue_pages_of_the_archetypes_stay_within_the_query_budget(
    client, world, django_assert_max_num_queries
):
    client.force_login(world.member_a)
    for url in (
        reverse("governance:options") + Q_2025,
        reverse("governance:option_detail", args=[1]) + Q_2025,
        reverse("governance:ratings") + Q_2025,
        reverse("governance:explorer") + Q_2025 + "&options=1",
    ):
        client.get(url)  # the framework is now kept by this process
        with django_assert_max_num_queries(8):
            assert client.get(url).status_code == 200
