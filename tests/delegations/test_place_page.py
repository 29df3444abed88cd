"""The place's schemes of delegation page at scale: a page of partner organisations at a time,
each scheme whole, in a number of queries that does not grow with the organisations or their
lines."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from delegations import matters as matter_tree
from delegations.models import Delegation, MatterCategory, SchemeStatus
from delegations.views import SCHEMES_PER_PAGE
from tests.conftest import World
from tests.factories import (
    DelegationFactory,
    OrganisationFactory,
    PlacePartnerFactory,
    SchemeFactory,
    joint_committee_of,
)
from tests.queries import page_query_count

pytestmark = pytest.mark.django_db

# The request's own (session, user, place, permissions, the header's systems) and the page's
# two: the schemes in force, and the lines of those on show.
PLACE_PAGE_QUERIES = 7


def url(world: World) -> str:
    return reverse("delegations_place:delegations", args=[world.place_a.pk])


def add_partners(world: World, names: list[str], lines_each: int = 2) -> None:
    """Partners of place A, each with a scheme in force of `lines_each` lines for every place
    (the first to its joint committee) and one line for place B only."""
    matter_tree.matter_tree_ensure(system=world.system)
    matters = list(MatterCategory.objects.filter(system=world.system).order_by("pk")[:2])
    for name in names:
        organisation = OrganisationFactory(system=world.system, name=name)
        PlacePartnerFactory(place=world.place_a, organisation=organisation)
        committee = joint_committee_of(world.place_a, organisation, name=f"{name} Committee")
        scheme = SchemeFactory(organisation=organisation, status=SchemeStatus.IN_FORCE, number=1)
        for n in range(lines_each):
            DelegationFactory(
                scheme=scheme,
                matter=matters[n % 2],
                delegate_committee=committee if n == 0 else None,
                reserved=n != 0,
                limit_from=Decimal(n * 1000),
                limit_to=Decimal(n * 1000 + 500),
                reference=f"{name[:3]}-{n}",
            )
        DelegationFactory(
            scheme=scheme,
            matter=matters[0],
            delegate_committee=committee,
            place=world.place_b,
            conditions=f"Only for {world.place_b.name}",
        )


def test_the_query_count_does_not_grow_with_organisations_or_lines(client, world):
    client.force_login(world.member_a)
    add_partners(world, ["Alder Trust"], lines_each=1)
    few = page_query_count(client, url(world))
    add_partners(world, [f"Partner {n:02d}" for n in range(SCHEMES_PER_PAGE + 3)], lines_each=6)
    many = page_query_count(client, url(world))
    second_page = page_query_count(client, url(world), {"page": 2})
    assert few == many == second_page
    assert many <= PLACE_PAGE_QUERIES


def test_a_page_of_organisations_at_a_time_by_name_each_scheme_whole(client, world):
    client.force_login(world.member_a)
    names = [f"Partner {n:02d}" for n in range(SCHEMES_PER_PAGE + 2)]
    add_partners(world, list(reversed(names)), lines_each=3)

    first = client.get(url(world)).content.decode()
    shown = [name for name in names if f"<h2>{name}</h2>" in first]
    assert shown == names[:SCHEMES_PER_PAGE]
    assert f"Partner organisations 1 to {SCHEMES_PER_PAGE} of {len(names)}" in first
    # Every line of a scheme on show that applies to the place, and none for another place.
    assert first.count("Reserved to the board") == 2 * SCHEMES_PER_PAGE
    assert "Partner 00 Committee" in first and "Par-0" in first
    assert f"Only for {world.place_b.name}" not in first
    assert 'aria-label="Page 2"' in first and 'rel="next"' in first

    second = client.get(url(world), {"page": 2}).content.decode()
    assert [name for name in names if f"<h2>{name}</h2>" in second] == names[SCHEMES_PER_PAGE:]
    assert "(page 2 of 2)" in second.split("</title>")[0]


def test_htmx_gets_only_the_next_page_of_schemes(client, world):
    client.force_login(world.member_a)
    add_partners(world, [f"Partner {n:02d}" for n in range(SCHEMES_PER_PAGE + 1)])
    partial = client.get(url(world), {"page": 2}, HTTP_HX_REQUEST="true").content.decode()
    assert partial.lstrip().startswith('<div id="delegation-schemes"')
    assert "<html" not in partial and f"<h2>Partner {SCHEMES_PER_PAGE:02d}</h2>" in partial


def test_a_line_shows_its_conditions_escaped_with_their_line_breaks(client, world):
    client.force_login(world.member_a)
    add_partners(world, ["Alder Trust"], lines_each=1)
    line = Delegation.objects.get(reference="Ald-0")
    line.conditions = "Report to the <board>\nwithin 28 days"
    line.reference = ""
    line.save()
    page = client.get(url(world)).content.decode()
    assert "Report to the &lt;board&gt;<br>within 28 days" in page
    assert "Up to and including £500" in page and "Every place" in page
    assert 'aria-hidden="true">Reference </span>–</td>' in page


def test_a_search_finds_a_partners_scheme_and_keeps_to_it_across_pages(client, world):
    client.force_login(world.member_a)
    names = [f"Partner {n:02d}" for n in range(SCHEMES_PER_PAGE + 2)]
    add_partners(world, [*names, "Alder Trust"])

    found = client.get(url(world), {"q": "alder"}).content.decode()
    assert "<h2>Alder Trust</h2>" in found
    assert not any(f"<h2>{name}</h2>" in found for name in names)
    assert 'value="alder"' in found  # the box keeps what was typed

    # A search that still fills more than a page keeps its words on the next page's link.
    many = client.get(url(world), {"q": "partner"}).content.decode()
    assert f"of {len(names)} matching “partner”" in many
    assert "q=partner&amp;page=2" in many or "page=2&amp;q=partner" in many


def test_a_search_that_finds_nothing_says_how_to_search_again(client, world):
    client.force_login(world.member_a)
    add_partners(world, ["Alder Trust"])
    page = client.get(url(world), {"q": "<b>Nowhere</b>"}).content.decode()
    assert "matches “&lt;b&gt;Nowhere&lt;/b&gt;”. Check the spelling" in page
    assert "<h2>Alder Trust</h2>" not in page


def test_a_search_costs_no_more_queries_than_the_page(client, world):
    client.force_login(world.member_a)
    add_partners(world, [f"Partner {n:02d}" for n in range(SCHEMES_PER_PAGE + 3)])
    assert page_query_count(client, url(world), {"q": "partner 1"}) == page_query_count(
        client, url(world)
    )
