"""A place's governance map: the diagram and its text name every body and every line, markup
in names stays text, and the page's query count does not grow with the bodies."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from html import unescape

import pytest
from django.urls import reverse

from delegations.models import SchemeStatus
from design.map import Line, MatterBands, board_name, governance_map, merged_bands
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


def diagram_labels(svg: str) -> list[str]:
    """Each delegation label of the diagram as one line of text, its wrapped rows joined."""
    labels = re.findall(r'<text class="app-map__label"[^>]*>(.*?)</text>', svg)
    return [unescape(" ".join(re.findall(r"<tspan[^>]*>(.*?)</tspan>", label))) for label in labels]


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
    board_label = (
        "2 matters: Contract award up to and including £1,000,000; Investment up to and "
        "including £250,000"
    )
    assert sorted(diagram_labels(svg)) == sorted([board_label, "1 matter with any value"])
    text = page[page.index("The map as text") :]
    for sentence in (
        "Ashford Partnership Board answers to North Shire ICB board.",
        "Ashford Finance Sub-committee answers to Ashford Partnership Board.",
        "Director of Place, Ashford Council answers to Ashford Partnership Board.",
        "Ashford Partnership Board holds delegated authority from North Shire ICB board "
        f"for {board_label}.",
        "Contract award: up to and including £1,000,000",
        "Investment: up to and including £250,000",
        "Director of Place, Ashford Council holds delegated authority from Ashford Council "
        "board for 1 matter with any value.",
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
    # The request's own five (session, user, place, permissions, the header's systems) and
    # the map's five: committees, delegate roles, delegation lines, and how the place delivers
    # care (its arrangement with its archetype, and its function holders).
    assert before <= 10


def test_a_label_with_mixed_limits_says_exactly_what_the_text_says(client, world) -> None:
    """Four matters, only contracts capped: the label says so, in the diagram and the text."""
    icb = OrganisationFactory(system=world.system, name="North Shire ICB", sector=Sector.ICB)
    committee = CommitteeFactory(
        place=world.place_a, name="Ashford Place Committee", accountable_to_organisation=icb
    )
    scheme = SchemeFactory(organisation=icb, status=SchemeStatus.IN_FORCE)
    for order, name in enumerate(("Contracts", "Estates", "Workforce", "Quality")):
        matter = MatterCategoryFactory(system=world.system, name=name, order=order)
        if name == "Contracts":
            # Two lines that follow on read as one band.
            DelegationFactory(
                scheme=scheme, matter=matter, delegate_committee=committee, limit_to=250_000
            )
            DelegationFactory(
                scheme=scheme,
                matter=matter,
                delegate_committee=committee,
                limit_from=250_000,
                limit_to=1_000_000,
            )
        else:
            DelegationFactory(scheme=scheme, matter=matter, delegate_committee=committee)
    client.force_login(world.member_a)
    page = client.get(map_url(world)).content.decode()
    label = "4 matters: Contracts up to and including £1,000,000; 3 with any value"
    assert diagram_labels(page) == [label]
    assert "no limit" not in page
    text = unescape(page[page.index("The map as text") :])
    assert (
        "Ashford Place Committee holds delegated authority from North Shire ICB board for "
        f"{label}." in text
    )
    for detail in (
        "Contracts: up to and including £1,000,000",
        "Estates: any value",
        "Workforce: any value",
        "Quality: any value",
    ):
        assert detail in text, detail


def test_limits_in_words() -> None:
    def line(*details: MatterBands) -> Line:
        return Line(source="a", target="b", delegation=True, details=list(details))

    capped = MatterBands("Awarding a contract", ((Decimal(0), Decimal("1000000")),))
    unlimited = MatterBands("Minor service change", ((Decimal(0), None),))
    above = MatterBands("Estates", ((Decimal("500000"), None),))
    mixed = line(capped, unlimited)
    assert mixed.label == (
        "2 matters: Awarding a contract up to and including £1,000,000; Minor service change "
        "with any value"
    )
    assert mixed.detail_texts == [
        "Awarding a contract: up to and including £1,000,000",
        "Minor service change: any value",
    ]
    assert line(unlimited).label == "1 matter with any value"
    assert line(capped, capped).label == "2 matters up to and including £1,000,000"
    assert line(above).label == "1 matter over £500,000"
    assert line(capped, above, above).label == (
        "3 matters: Awarding a contract up to and including £1,000,000; 2 over £500,000"
    )
    # The diagram wraps the label's parts; the words are the same.
    assert " ".join(mixed.label_parts) == mixed.label
    assert Line(source="a", target="b", delegation=False).label == ""
    assert board_name(OrganisationFactory.build(name="NHS Vale Integrated Care Board")) == (
        "NHS Vale Integrated Care Board"
    )
    assert board_name(OrganisationFactory.build(name="Vale Council")) == "Vale Council board"


def test_bands_of_a_matter_merge_only_where_they_follow_on() -> None:
    k = Decimal(1000)
    assert merged_bands([(250 * k, 1000 * k), (Decimal(0), 250 * k)]) == ((Decimal(0), 1000 * k),)
    assert merged_bands([(Decimal(0), 250 * k), (1000 * k, None)]) == (
        (Decimal(0), 250 * k),
        (1000 * k, None),
    )
    assert merged_bands([(Decimal(0), None), (500 * k, 900 * k)]) == ((Decimal(0), None),)
    split = MatterBands("Contracts", merged_bands([(Decimal(0), 250 * k), (1000 * k, None)]))
    assert split.text == "Contracts: up to and including £250,000 and over £1,000,000"
