"""The decision router asked about a neighbourhood: that neighbourhood's lines apply beside the
place's and every place's, another neighbourhood's never do, and asked about the whole place
the answer says what each neighbourhood's lines would decide there without letting them
answer. Worked examples against real schemes, properties of the pure functions over
generated lines, and the router's page."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from delegations.router import (
    Line,
    SchemeCitation,
    decide,
    neighbourhood_only,
    route_decision,
    split_by_neighbourhood,
)
from governance.structures.models import CommitteeKind
from partners.models import Organisation, Sector
from tests.conftest import World
from tests.factories import (
    CommitteeFactory,
    DelegateRoleFactory,
    DelegationFactory,
    NeighbourhoodFactory,
    SchemeFactory,
    contract_matters,
    partner_in,
)
from tests.queries import queries_run_by
from tests.reach import Reach, reaching

ON = date(2025, 6, 1)
M = Decimal(1_000_000)


@pytest.fixture
def setup(world: World):
    """Ashford (place A): the ICB delegates contract awards up to £1m to the place committee
    everywhere; over £1m up to £3m to the North neighbourhood's lead in Ashford North only,
    and over £1m up to £2m to the South director in Ashford South only. An old neighbourhood,
    now inactive, has a line too."""
    place = world.place_a
    icb = partner_in(place, name="North Shire ICB", sector=Sector.ICB)
    _, award = contract_matters(world.system)
    north = NeighbourhoodFactory(place=place, name="Ashford North")
    south = NeighbourhoodFactory(place=place, name="Ashford South")
    closed = NeighbourhoodFactory(place=place, name="Old Town", is_active=False)
    committee = CommitteeFactory(
        place=place,
        name="Ashford place committee",
        kind=CommitteeKind.ICB_COMMITTEE,
        accountable_to_organisation=icb,
    )
    scheme = SchemeFactory(organisation=icb, number=2, effective_from=date(2025, 4, 1))

    def line(reference, **terms):
        return DelegationFactory(scheme=scheme, matter=award, reference=reference, **terms)

    def role(title):
        return DelegateRoleFactory(organisation=icb, title=title, place=place)

    line("C1", delegate_committee=committee, limit_to=1 * M)
    around = {"place": place, "limit_from": 1 * M}
    line("N1", delegate_role=role("North neighbourhood lead"), neighbourhood=north, limit_to=3 * M, **around)  # fmt: skip
    line("S1", delegate_role=role("South director"), neighbourhood=south, limit_to=2 * M, **around)
    line("O1", delegate_role=role("Old Town lead"), neighbourhood=closed, limit_to=3 * M, **around)
    return {"place": place, "icb": icb, "award": award, "north": north, "south": south,
            "closed": closed, "world": world}  # fmt: skip


def route(s, value, neighbourhood=None):
    return route_decision(
        place=s["place"],
        matter=s["award"],
        value=Decimal(value),
        organisations=[s["icb"]],
        on=ON,
        neighbourhood=s[neighbourhood] if neighbourhood else None,
    )


def test_asked_about_a_neighbourhood_its_line_answers_and_says_where(setup):
    result = route(setup, 2_000_000, "north")
    outcome = result.outcomes[0]
    assert outcome.authority.reference == "N1"
    assert outcome.authority.neighbourhood == "Ashford North"
    assert result.neighbourhood == "Ashford North" and result.can_be_taken_at_place
    assert outcome.neighbourhood_only == ()


def test_another_neighbourhoods_line_never_answers(setup):
    outcome = route(setup, 2_500_000, "south").outcomes[0]
    assert outcome.authority is None and outcome.back_to_own_governance
    assert outcome.neighbourhood_only == ()  # North's line is not even mentioned


def test_the_place_and_every_place_lines_still_answer_in_a_neighbourhood(setup):
    outcome = route(setup, 500_000, "south").outcomes[0]
    assert outcome.authority.reference == "C1" and outcome.authority.neighbourhood == ""


def test_asked_about_the_whole_place_neighbourhood_lines_do_not_answer_but_are_told(setup):
    outcome = route(setup, 2_000_000).outcomes[0]
    assert outcome.authority is None and outcome.back_to_own_governance
    assert outcome.reason == "£2,000,000 exceeds the highest delegated limit of £1,000,000."
    assert outcome.neighbourhood_only == (
        "In Ashford North only, North neighbourhood lead may decide (Contract award, over "
        "£1,000,000 up to and including £3,000,000: line N1 of scheme version 2, in force from "
        "1 April 2025).",
        "In Ashford South only, South director may decide (Contract award, over £1,000,000 up "
        "to and including £2,000,000: line S1 of scheme version 2, in force from 1 April 2025).",
    )


def test_a_neighbourhood_line_that_does_not_hold_the_value_is_not_told(setup):
    assert route(setup, 500_000).outcomes[0].neighbourhood_only == ()
    told = route(setup, 2_500_000).outcomes[0].neighbourhood_only
    assert len(told) == 1 and told[0].startswith("In Ashford North only")


def test_an_inactive_neighbourhoods_lines_are_neither_applied_nor_told(setup):
    told = route(setup, 2_500_000).outcomes[0].neighbourhood_only
    assert not any("Old Town" in sentence for sentence in told)


def test_a_neighbourhood_of_another_place_is_refused(setup):
    elsewhere = NeighbourhoodFactory(place=setup["world"].place_b, name="Brookfield East")
    with pytest.raises(ValueError):
        route_decision(
            place=setup["place"],
            matter=setup["award"],
            value=Decimal(1),
            organisations=[setup["icb"]],
            neighbourhood=elsewhere,
        )


def test_asking_about_a_neighbourhood_costs_no_more_queries(setup):
    whole = queries_run_by(lambda: route(setup, 2_000_000))
    assert queries_run_by(lambda: route(setup, 2_000_000, "north")) == whole


# Properties of the pure part ---------------------------------------------------------------

ORG = Organisation(name="Test ICB", sector=Sector.ICB, legal_form="icb")
SCHEME = SchemeCitation(pk=1, number=1, effective_from=ON, effective_to=None)
NEIGHBOURHOODS = {1: "North", 2: "South", 3: "East"}
amounts = st.integers(min_value=0, max_value=5_000).map(lambda n: Decimal(n) * 1000)


@st.composite
def scoped_lines(draw):
    """Up to eight lines, each for the whole place or one of three neighbourhoods, some
    reserved, with bands of any shape."""
    lines = []
    for pk in range(1, draw(st.integers(1, 8)) + 1):
        limit_from = draw(amounts)
        limit_to = draw(st.one_of(st.none(), amounts.map(lambda a, f=limit_from: f + a)))
        reserved = draw(st.booleans()) and draw(st.booleans())
        where = draw(st.sampled_from([None, *NEIGHBOURHOODS]))
        delegate = draw(st.integers(1, 4))
        lines.append(
            Line(
                pk=pk,
                reference=str(pk),
                scheme_number=1,
                scheme_effective_from=ON,
                matter_id=1,
                matter_name="Matter",
                matter_depth=0,
                reserved=reserved,
                delegate_key="board" if reserved else f"committee:{delegate}",
                delegate_label="the board (reserved)" if reserved else f"Committee {delegate}",
                delegate_active=True,
                limit_from=limit_from,
                limit_to=limit_to,
                neighbourhood_id=where,
                neighbourhood=NEIGHBOURHOODS.get(where, "") if where else "",
            )
        )
    return lines


def decided(lines, value):
    return decide(organisation=ORG, scheme=SCHEME, lines=lines, value=value, on=ON)


def test_only_the_asked_neighbourhoods_lines_ever_answer():
    @reaching(
        settings(max_examples=300, deadline=None),
        given(
            lines=scoped_lines(),
            asked=st.sampled_from([None, *NEIGHBOURHOODS]),
            value=amounts,
        ),
    )
    def check(reach: Reach, lines, asked, value):
        applicable, elsewhere = split_by_neighbourhood(lines, asked)
        outcome = decided(applicable, value)
        reach.assertion()
        assert {line.neighbourhood_id for line in applicable} <= {None, asked}
        if outcome.authority is not None:
            assert outcome.authority.neighbourhood_id in (None, asked)
        if asked is None:
            assert elsewhere == [line for line in lines if line.neighbourhood_id is not None]
        else:
            assert elsewhere == []
        # Every line is either applied, told about, or (another neighbourhood's, when one is
        # asked) left out; none is both applied and told about.
        assert not set(map(id, applicable)) & set(map(id, elsewhere))

    check()


def test_a_line_for_another_neighbourhood_never_changes_the_answer():
    @reaching(
        settings(max_examples=300, deadline=None),
        given(lines=scoped_lines(), asked=st.sampled_from(list(NEIGHBOURHOODS)), value=amounts),
    )
    def check(reach: Reach, lines, asked, value):
        own, _ = split_by_neighbourhood(lines, asked)
        # Every line moved to a neighbourhood not asked about: only the place's remain.
        moved = [
            replace(line, neighbourhood_id=asked % 3 + 1, neighbourhood="Other")
            if line.neighbourhood_id not in (None, asked)
            else line
            for line in lines
        ]
        reach.assertion()
        assert decided(split_by_neighbourhood(moved, asked)[0], value) == decided(own, value)

    check()


def test_what_is_told_for_the_whole_place_is_held_by_a_neighbourhoods_line():
    @reaching(settings(max_examples=300, deadline=None), given(lines=scoped_lines(), value=amounts))
    def check(reach: Reach, lines, value):
        _, elsewhere = split_by_neighbourhood(lines, None)
        told = neighbourhood_only(elsewhere, value)
        holding = [line for line in elsewhere if line.contains(value)]
        reach.assertion()
        assert len(told) <= len(holding)
        assert all(sentence.startswith("In ") and " only, " in sentence for sentence in told)
        assert bool(told) == bool(holding)

    check()


# The router's page -------------------------------------------------------------------------


def test_the_form_asks_where_only_when_the_place_has_neighbourhoods(client, setup):
    world = setup["world"]
    client.force_login(world.member_a)
    page = client.get(reverse("design:decide", args=[world.place_a.pk])).content.decode()
    assert "Where is it to be taken?" in page and "The whole place" in page
    assert ">Ashford North<" in page and "Old Town" not in page
    for neighbourhood in (setup["north"], setup["south"]):
        neighbourhood.is_active = False
        neighbourhood.save()
    page = client.get(reverse("design:decide", args=[world.place_a.pk])).content.decode()
    assert "Where is it to be taken?" not in page


def test_the_answer_for_a_neighbourhood_is_a_shareable_link(client, setup):
    world = setup["world"]
    client.force_login(world.member_a)
    url = reverse("design:decide", args=[world.place_a.pk])
    query = {
        "matter": setup["award"].pk,
        "value": "2000000",
        "organisations": setup["icb"].pk,
        "neighbourhood": setup["north"].pk,
    }
    page = client.get(url, query).content.decode()
    assert "Contract award, £2,000,000, in Ashford North" in page
    assert "North neighbourhood lead" in page
    assert "only in Ashford North, Ashford" in page
    assert f"neighbourhood={setup['north'].pk}" in page  # the link to this answer
    # The same address answers the same for another reader of the place.
    client.force_login(world.lead_a)
    assert "only in Ashford North, Ashford" in client.get(url, query).content.decode()


def test_the_whole_place_answer_tells_what_a_neighbourhood_may_decide(client, setup):
    world = setup["world"]
    client.force_login(world.member_a)
    query = {"matter": setup["award"].pk, "value": "2000000", "organisations": setup["icb"].pk}
    page = client.get(reverse("design:decide", args=[world.place_a.pk]), query).content.decode()
    assert "Not at place alone" in page
    assert "In one neighbourhood only" in page
    assert "In Ashford North only, North neighbourhood lead may decide" in page


@pytest.mark.parametrize("value", ["999999", "<script>", "Old Town"])
def test_a_neighbourhood_not_on_the_list_is_refused_with_a_message(client, setup, value):
    world = setup["world"]
    client.force_login(world.member_a)
    query = {
        "matter": setup["award"].pk,
        "value": "1",
        "organisations": setup["icb"].pk,
        "neighbourhood": str(setup["closed"].pk) if value == "Old Town" else value,
    }
    page = client.get(reverse("design:decide", args=[world.place_a.pk]), query).content.decode()
    assert "Choose a neighbourhood from the list, or the whole place." in page
