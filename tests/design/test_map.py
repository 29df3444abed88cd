"""A place's governance map: the diagram and its text name every body and every line, markup
in names stays text, and the page's query count does not grow with the bodies."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from delegations.models import SchemeStatus
from design.map import governance_map, money
from governance.structures.models import CommitteeKind
from partners.models import Sector
from tests.conftest import World
from tests.factories import (
    CommitteeFactory,
    DelegateRoleFactory,
    DelegationFactory,
    MatterCategoryFactory,
    OrganisationFactory,
    SchemeFactory,
)
from tests.queries import page_query_count

pytestmark = pytest.mark.django_db


def map_url(world: World) -> str:
    return reverse("map:place_map", kwargs={"place_pk": world.place_a.pk})


def build(world: World) -> dict[str, object]:
    """Place A: a partnership board answering to the ICB's board, a sub-committee of it, an
    individual director answering to the board, and the ICB's and the council's schemes."""
    icb = OrganisationFactory(system=world.system, name="North Shire ICB", sector=Sector.ICB)
    council = OrganisationFactory(
        system=world.system, name="Ashford Council", sector=Sector.UPPER_TIER_COUNCIL
    )
    board = CommitteeFactory(
        place=world.place_a,
        name="Ashford Partnership Board",
        kind=CommitteeKind.ICB_COMMITTEE,
        accountable_to_organisation=icb,
    )
    finance = CommitteeFactory(
        place=world.place_a,
        name="Ashford Finance Sub-committee",
        kind=CommitteeKind.SUB_COMMITTEE,
        accountable_to_committee=board,
    )
    director = DelegateRoleFactory(
        organisation=council,
        title="Director of Place",
        place=world.place_a,
        is_individual_director=True,
        accountable_to_committee=board,
    )
    CommitteeFactory(place=world.place_a, name="Old Forum", is_active=False)
    CommitteeFactory(place=world.place_b, name="Brookfield Board")
    contracts = MatterCategoryFactory(system=world.system, name="Contract award")
    investment = MatterCategoryFactory(system=world.system, name="Investment")
    icb_scheme = SchemeFactory(organisation=icb, status=SchemeStatus.IN_FORCE)
    for matter, limit in ((contracts, Decimal("1000000")), (investment, Decimal("250000"))):
        DelegationFactory(
            scheme=icb_scheme, matter=matter, delegate_committee=board, limit_to=limit
        )
    DelegationFactory(scheme=icb_scheme, matter=contracts, reserved=True, limit_from=1000000)
    # Only for place B: not on place A's map.
    DelegationFactory(
        scheme=icb_scheme,
        matter=investment,
        delegate_committee=finance,
        place=world.place_b,
        limit_to=Decimal("5"),
    )
    council_scheme = SchemeFactory(organisation=council, status=SchemeStatus.IN_FORCE)
    DelegationFactory(
        scheme=council_scheme, matter=contracts, delegate_committee=None, delegate_role=director
    )
    old = SchemeFactory(organisation=council, status=SchemeStatus.SUPERSEDED)
    DelegationFactory(scheme=old, matter=investment, delegate_committee=finance, limit_to=9)
    return {"icb": icb, "council": council, "board": board, "finance": finance}


def test_the_map_names_every_body_and_line(client, world) -> None:
    build(world)
    client.force_login(world.member_a)
    response = client.get(map_url(world))
    assert response.status_code == 200
    page = response.content.decode()
    svg = page[page.index('<svg class="app-map__svg') :]
    svg = svg[: svg.index("</svg>")]
    assert 'role="img"' in svg and "<title" in svg and "<desc" in svg
    for name in (
        "Ashford Partnership Board",
        "Ashford Finance Sub-committee",
        "Director of Place, Ashford Council",
        "North Shire ICB board",
        "Ashford Council board",
    ):
        assert name in svg, name
    assert "Old Forum" not in page and "Brookfield Board" not in page
    # Two solid lines to the board, one from the board to the ICB; two dashed lines.
    assert svg.count('class="app-map__line"') == 3
    assert svg.count("app-map__line--delegation") == 2
    assert "2 matters, to £1m" in svg
    assert "1 matter, no limit" in svg
    text = page[page.index("The map as text") :]
    for sentence in (
        "Ashford Partnership Board answers to North Shire ICB board.",
        "Ashford Finance Sub-committee answers to Ashford Partnership Board.",
        "Director of Place, Ashford Council answers to Ashford Partnership Board.",
        "Ashford Partnership Board holds delegated authority from North Shire ICB board "
        "for 2 matters up to £1,000,000.",
        "Contract award: up to £1,000,000",
        "Investment: up to £250,000",
        "Director of Place, Ashford Council holds delegated authority from Ashford Council "
        "board for 1 matter with no upper limit.",
    ):
        assert sentence in text, sentence
    # The line for place B only and the superseded scheme's line are not on the map.
    assert "Ashford Finance Sub-committee holds delegated authority" not in page


def test_boards_sit_above_the_bodies_that_answer_to_them(world) -> None:
    found = build(world)
    gmap = governance_map(place=world.place_a, on=date.today())
    rows = {node.name: node.row for node in gmap.nodes}
    assert rows["North Shire ICB board"] == 0 and rows["Ashford Council board"] == 0
    assert rows[found["board"].name] == 1  # type: ignore[attr-defined]
    assert rows[found["finance"].name] == 2  # type: ignore[attr-defined]
    boards = [node.name for node in gmap.nodes if node.row == 0]
    assert boards == ["North Shire ICB board", "Ashford Council board"]  # the ICB first


def test_markup_in_names_is_shown_as_text(client, world) -> None:
    CommitteeFactory(
        place=world.place_a,
        name='<script>alert("x")</script> & Partners',
        accountable_to_organisation=OrganisationFactory(
            system=world.system, name="<b>Bold</b> Trust"
        ),
    )
    client.force_login(world.lead_a)
    page = client.get(map_url(world)).content.decode()
    assert "<script>alert" not in page and "<b>Bold" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Partners" in page
    assert "&lt;b&gt;Bold&lt;/b&gt; Trust board" in page


def test_an_empty_place_says_so(client, world) -> None:
    client.force_login(world.icb_admin)
    response = client.get(map_url(world))
    assert response.status_code == 200
    assert "No committees, delegate roles or delegated authority" in response.content.decode()
    assert "app-map__svg" not in response.content.decode()


def test_the_place_page_links_to_the_map(client, world) -> None:
    client.force_login(world.member_a)
    page = client.get(reverse("place_detail", args=[world.place_a.pk])).content.decode()
    assert map_url(world) in page


def test_htmx_gets_just_the_map(client, world) -> None:
    build(world)
    client.force_login(world.member_a)
    page = client.get(map_url(world), HTTP_HX_REQUEST="true").content.decode()
    assert page.lstrip().startswith('<div id="governance-map"')
    assert "Ashford Partnership Board" in page


def test_query_count_is_flat(client, world) -> None:
    found = build(world)
    client.force_login(world.member_a)

    def queries() -> int:
        return page_query_count(client, map_url(world))

    before = queries()
    scheme = SchemeFactory(organisation=found["icb"], status=SchemeStatus.DRAFT)
    for n in range(8):
        organisation = OrganisationFactory(system=world.system, sector=Sector.ACUTE_TRUST)
        committee = CommitteeFactory(
            place=world.place_a,
            name=f"Extra committee {n}",
            accountable_to_organisation=organisation,
        )
        CommitteeFactory(place=world.place_a, accountable_to_committee=committee)
        DelegateRoleFactory(organisation=organisation, place=world.place_a)
        trust_scheme = SchemeFactory(organisation=organisation, status=SchemeStatus.IN_FORCE)
        DelegationFactory(scheme=trust_scheme, delegate_committee=committee, limit_to=n)
        DelegationFactory(scheme=scheme, delegate_committee=committee)
    assert queries() == before


def test_money_labels() -> None:
    assert money(Decimal("500000")) == "£500k"
    assert money(Decimal("2500000.00")) == "£2.5m"
    assert money(Decimal("1000000")) == "£1m"
    assert money(Decimal("750")) == "£750"


def test_limits_in_words() -> None:
    from design.map import Line, board_name

    mixed = Line(
        source="a",
        target="b",
        delegation=True,
        details=[("Awarding a contract", Decimal("1000000")), ("Minor service change", None)],
    )
    assert mixed.label == "2 matters, no limit"
    assert mixed.limit_text == "up to £1,000,000, and with no upper limit for some"
    assert mixed.detail_texts == [
        "Awarding a contract: up to £1,000,000",
        "Minor service change: no upper limit",
    ]
    assert board_name(OrganisationFactory.build(name="NHS Vale Integrated Care Board")) == (
        "NHS Vale Integrated Care Board"
    )
    assert board_name(OrganisationFactory.build(name="Vale Council")) == "Vale Council board"
