"""The decision router: worked examples against real schemes, and properties of the pure
decision over generated lines."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from delegations.models import SchemeStatus
from delegations.router import Line, SchemeCitation, decide, route_decision
from governance.structures.models import CommitteeKind
from partners.models import Organisation, Sector
from tests.factories import (
    CommitteeFactory,
    DelegateRoleFactory,
    DelegationFactory,
    MatterCategoryFactory,
    OrganisationFactory,
    PlaceFactory,
    SchemeFactory,
    SystemFactory,
    contract_matters,
)
from tests.queries import queries_run_by
from tests.reach import Reach, reaching

ON = date(2025, 6, 1)
M = Decimal(1_000_000)


@pytest.fixture
def setup(db):
    """Coldharbour: the ICB delegates contract awards up to £1m to the place committee and up
    to £5m to its finance committee, and reserves anything above; the county council
    delegates up to £500k to its cabinet member."""
    system = SystemFactory()
    place = PlaceFactory(system=system, name="Coldharbour")
    other_place = PlaceFactory(system=system, name="Dunmore")
    icb = OrganisationFactory(system=system, name="North Shire ICB", sector=Sector.ICB)
    council = OrganisationFactory(
        system=system, name="Coldharbour County Council", sector=Sector.UPPER_TIER_COUNCIL
    )
    contracts, award = contract_matters(system)
    workforce = MatterCategoryFactory(system=system, name="Workforce", code="workforce")

    def icb_committee(name, **answers_to):
        return CommitteeFactory(
            place=place, name=name, kind=CommitteeKind.ICB_COMMITTEE, **answers_to
        )

    audit = icb_committee("ICB audit committee", accountable_to_organisation=icb)
    finance = icb_committee("ICB finance committee", accountable_to_committee=audit)
    place_committee = icb_committee("Coldharbour place committee", accountable_to_committee=finance)

    def award_line(scheme, reference, **terms):
        return DelegationFactory(scheme=scheme, matter=award, reference=reference, **terms)

    icb_scheme = SchemeFactory(organisation=icb, number=3, effective_from=date(2025, 4, 1))
    award_line(icb_scheme, "C1", delegate_committee=place_committee, limit_to=1 * M)
    award_line(icb_scheme, "C2", delegate_committee=finance, limit_to=5 * M)
    award_line(icb_scheme, "C3", reserved=True, limit_from=5 * M + Decimal("0.01"))
    DelegationFactory(scheme=icb_scheme, matter=workforce, reserved=True, reference="W1")
    cabinet = DelegateRoleFactory(organisation=council, title="Cabinet member for adults")
    council_scheme = SchemeFactory(organisation=council, number=1)
    award_line(council_scheme, "4.2", delegate_role=cabinet, limit_to=Decimal(500_000))
    return {
        "system": system, "place": place, "other_place": other_place, "icb": icb,
        "council": council, "contracts": contracts, "award": award, "workforce": workforce,
        "place_committee": place_committee, "finance": finance, "icb_scheme": icb_scheme,
        "council_scheme": council_scheme,
    }  # fmt: skip


def route(s, value, matter="award", organisations=("icb", "council"), place="place"):
    return route_decision(
        place=s[place],
        matter=s[matter],
        value=Decimal(value),
        organisations=[s[o] for o in organisations],
        on=ON,
    )


def add_line(s, scheme="council_scheme", matter="award", **terms):
    """One more line in one of the setup's schemes (the council's, for contract awards,
    unless named)."""
    return DelegationFactory(scheme=s[scheme], matter=s[matter], **terms)


def by_name(result, organisation):
    return next(o for o in result.outcomes if o.organisation == organisation)


def test_250k_is_taken_at_place_by_both_delegates(setup):
    result = route(setup, 250_000)
    icb = by_name(result, setup["icb"])
    assert icb.authority.delegate_label == "Coldharbour place committee"
    assert icb.authority.reference == "C1"
    assert icb.authority.citation == "line C1 of scheme version 3, in force from 1 April 2025"
    assert [step.label for step in icb.escalation] == [
        "ICB finance committee",
        "ICB audit committee",
        "North Shire ICB board",
    ]
    council = by_name(result, setup["council"])
    assert council.authority.delegate_label == "Cabinet member for adults"
    assert not result.back_to_own_governance
    assert result.can_be_taken_at_place
    assert "can be taken at place" in result.joint_route


def test_2_5m_goes_to_the_finance_committee_and_the_council_takes_it_back(setup):
    result = route(setup, 2_500_000)
    icb = by_name(result, setup["icb"])
    assert icb.authority.delegate_label == "ICB finance committee"
    assert [step.label for step in icb.escalation] == [
        "ICB audit committee",
        "North Shire ICB board",
    ]
    council = by_name(result, setup["council"])
    assert council.back_to_own_governance
    assert council.reason == "£2,500,000 exceeds the highest delegated limit of £500,000."
    assert result.joint_route == (
        "The decision can be taken at place only if every organisation has delegated "
        "authority; Coldharbour County Council must take it through its own governance."
    )


def test_7m_is_reserved_to_the_icb_board(setup):
    result = route(setup, 7_000_000)
    icb = by_name(result, setup["icb"])
    assert icb.back_to_own_governance and icb.authority is None
    assert "reserved to the board" in icb.reason
    assert "No organisation has delegated authority" in result.joint_route


def test_a_reserved_matter_goes_back_to_the_board(setup):
    result = route(setup, 10, matter="workforce", organisations=("icb",))
    assert result.outcomes[0].back_to_own_governance
    assert "reserved to the board" in result.outcomes[0].reason


def test_no_line_for_the_matter(setup):
    result = route(setup, 10, matter="workforce", organisations=("council",))
    assert result.outcomes[0].reason == "There is no delegation for this matter."


def test_a_line_on_a_parent_matter_applies_to_its_child(setup):
    cabinet = DelegateRoleFactory(organisation=setup["council"], title="Director of finance")
    add_line(setup, matter="contracts", delegate_role=cabinet, limit_to=3 * M, reference="4.1")
    council = by_name(route(setup, 2_500_000), setup["council"])
    assert council.authority.delegate_label == "Director of finance"
    assert council.authority.matter_name == "Contracts"


def test_a_gap_between_bands_is_reported(setup):
    role = DelegateRoleFactory(organisation=setup["council"], title="Chief executive")
    add_line(setup, delegate_role=role, limit_from=2 * M, limit_to=None)
    council = by_name(route(setup, 1_500_000), setup["council"])
    assert council.back_to_own_governance
    assert len(council.gaps) == 1
    assert council.gaps[0].below.reference == "4.2"
    assert council.reason == (
        "£1,500,000 falls in a gap between the band up to and including £500,000 "
        f"({council.gaps[0].below.delegate_label}) and the band over £2,000,000 (Chief executive)."
    )


def test_a_conflict_between_two_lines_is_reported(setup):
    other = CommitteeFactory(place=setup["place"], name="Coldharbour joint committee")
    add_line(setup, "icb_scheme", delegate_committee=other, limit_to=1 * M, reference="C9")
    icb = by_name(route(setup, 250_000), setup["icb"])
    assert len(icb.conflicts) == 1
    assert {icb.conflicts[0].first.reference, icb.conflicts[0].second.reference} == {"C1", "C9"}
    assert icb.authority is not None  # still routed, but the conflict is shown


def test_a_place_scoped_line_does_not_apply_to_another_place(setup):
    CommitteeFactory(place=setup["other_place"], name="Dunmore committee")
    director = DelegateRoleFactory(organisation=setup["council"], title="Place director")
    add_line(setup, delegate_role=director, limit_to=3 * M, place=setup["place"], reference="P1")
    here = by_name(route(setup, 2_000_000), setup["council"])
    assert here.authority.reference == "P1" and here.authority.place_scoped
    there = by_name(route(setup, 2_000_000, place="other_place"), setup["council"])
    assert there.back_to_own_governance


def test_a_superseded_scheme_is_ignored(setup):
    old = SchemeFactory(
        organisation=setup["council"],
        number=0,
        status=SchemeStatus.SUPERSEDED,
        effective_from=date(2024, 4, 1),
        effective_to=date(2025, 3, 31),
    )
    DelegationFactory(scheme=old, matter=setup["award"], delegate_role=None, limit_to=None)
    council = by_name(route(setup, 2_500_000), setup["council"])
    assert council.back_to_own_governance
    assert council.scheme.number == 1


def test_a_scheme_not_yet_in_force_on_the_day(setup):
    setup["council_scheme"].effective_from = date(2025, 7, 1)
    setup["council_scheme"].save()
    council = by_name(route(setup, 10), setup["council"])
    assert council.scheme is None
    assert "no scheme of delegation in force on 1 June 2025" in council.reason


def test_an_inactive_committee_cannot_take_the_decision(setup):
    setup["place_committee"].is_active = False
    setup["place_committee"].save()
    icb = by_name(route(setup, 250_000), setup["icb"])
    assert icb.authority.delegate_label == "ICB finance committee"
    assert any("not active" in note for note in icb.notes)


def test_negative_values_are_refused(setup):
    with pytest.raises(ValueError):
        route(setup, -1)


def test_the_query_count_does_not_grow_with_the_schemes(setup):
    def count() -> int:
        return queries_run_by(lambda: route(setup, 250_000))

    # A line to a committee makes the route read the frameworks' versions, to know what each
    # kind of body may hold (kept per process for each version): the fourth query.
    add_line(
        setup,
        "icb_scheme",
        delegate_committee=CommitteeFactory(
            place=setup["place"], accountable_to_committee=setup["finance"]
        ),
        limit_to=10 * M,
    )
    route(setup, 250_000)
    before = count()
    for n in range(30):
        committee = CommitteeFactory(
            place=setup["place"], accountable_to_committee=setup["finance"]
        )
        add_line(
            setup,
            "icb_scheme",
            delegate_committee=committee,
            limit_from=Decimal(n),
            limit_to=Decimal(n + 1) * 10 * M,
        )
    assert count() == before <= 4


# Properties of the pure decision ------------------------------------------------------------
#
# Each property is about schemes and values that meet its premise ("a value some band
# delegates", "a value no delegate may decide"), so the strategies build those and nothing
# else, and each test checks that its examples reach its assertions (tests/reach.py).

ORG = Organisation(name="Test ICB", sector=Sector.ICB, legal_form="icb")
SCHEME = SchemeCitation(pk=1, number=1, effective_from=ON, effective_to=None)
PENNY = Decimal("0.01")
amounts = st.integers(min_value=0, max_value=10_000).map(lambda n: Decimal(n) * 1000)
# How far above its "from" an open-ended band's values are drawn.
SPREAD = Decimal(10) * M


def make_line(pk, *, limit_from, limit_to, delegate, reserved=False, depth=0):
    return Line(
        pk=pk,
        reference=str(pk),
        scheme_number=1,
        scheme_effective_from=ON,
        matter_id=depth + 1,
        matter_name="Matter",
        matter_depth=depth,
        reserved=reserved,
        delegate_key="board" if reserved else f"committee:{delegate}",
        delegate_label="the board (reserved)" if reserved else f"Committee {delegate}",
        delegate_active=True,
        limit_from=limit_from,
        limit_to=limit_to,
    )


def pounds_between(low, high):
    """Whole pennies from `low` to `high`, both included, and those two most often: the
    edges are where a band's rule shows."""
    pennies = st.integers(int(low * 100), int(high * 100)).map(lambda p: Decimal(p) / 100)
    return st.one_of(st.sampled_from([low, high]), pennies)


def inside(limit_from, limit_to):
    """A value the band holds: over its "from" (from £0 itself, for a band starting there)
    up to and including its "up to"."""
    lowest = Decimal(0) if limit_from <= 0 else limit_from + PENNY
    return pounds_between(lowest, limit_from + SPREAD if limit_to is None else limit_to)


@st.composite
def band_holding(draw, value):
    """A band, from £0 or from below the value, up to the value or beyond, or open-ended."""
    limit_from = draw(pounds_between(Decimal(0), max(value - PENNY, Decimal(0))))
    if value == 0:
        limit_from = Decimal(0)
    limit_to = draw(st.one_of(st.none(), pounds_between(value, value + SPREAD)))
    return limit_from, limit_to


@st.composite
def band_leaving_out(draw, value):
    """A band wholly below the value (its "up to" under it) or wholly above it (its "from"
    at or over it, and not £0)."""
    if value > 0 and draw(st.booleans()):
        limit_to = draw(pounds_between(Decimal(0), value - PENNY))
        return draw(pounds_between(Decimal(0), limit_to)), limit_to
    limit_from = draw(pounds_between(max(value, PENNY), value + SPREAD))
    limit_to = draw(st.one_of(st.none(), pounds_between(limit_from, limit_from + SPREAD)))
    return limit_from, limit_to


@st.composite
def any_band(draw):
    start = draw(amounts)
    return start, draw(st.one_of(st.none(), amounts.map(lambda a: start + a)))


@st.composite
def tiered_lines(draw, *, open_ended=None):
    """A well-formed tiered scheme: each tier from zero up to a ceiling, the top one possibly
    (or, with `open_ended`, certainly or never) without an upper limit."""
    ceilings = sorted(set(draw(st.lists(amounts, min_size=1, max_size=6))))
    lines = [
        make_line(i, limit_from=Decimal(0), limit_to=c, delegate=draw(st.integers(1, 4)))
        for i, c in enumerate(ceilings, start=1)
    ]
    if draw(st.booleans()) if open_ended is None else open_ended:
        lines.append(make_line(99, limit_from=Decimal(0), limit_to=None, delegate=5))
    return lines


@st.composite
def any_lines(draw):
    return [
        any_line(draw, pk, draw(any_band()), reserved=draw(st.booleans()))
        for pk in range(1, draw(st.integers(0, 8)) + 1)
    ]


def any_line(draw, pk: int, band: tuple[Decimal, Decimal | None], *, reserved: bool) -> Line:
    """A line for `band` with any of four delegates, at any of three depths of the matter
    tree."""
    limit_from, limit_to = band
    return make_line(
        pk,
        limit_from=limit_from,
        limit_to=limit_to,
        delegate=draw(st.integers(1, 4)),
        reserved=reserved,
        depth=draw(st.integers(0, 2)),
    )


@st.composite
def tiers_and_two_values(draw):
    """A tiered scheme and two values, the higher one inside a tier: a value some band
    delegates, and one no higher."""
    lines = draw(tiered_lines())
    tier = draw(st.sampled_from(lines))
    high = draw(inside(tier.limit_from, tier.limit_to))
    ceilings = [line.limit_to for line in lines if line.limit_to is not None]
    edges = [Decimal(0), *(c for c in ceilings if c <= high)]
    low = draw(st.one_of(st.sampled_from(edges), pounds_between(Decimal(0), high)))
    return lines, low, high


@st.composite
def undecided(draw):
    """A value, and a scheme with at least one delegation that gives no delegate the value:
    either a reserved band holds it, and the delegated bands are anything, or no band holds
    it. (Every delegate is active, so these are all such schemes.)"""
    value = draw(amounts)
    reservation_holds = draw(st.booleans())
    band = any_band() if reservation_holds else band_leaving_out(value)
    lines = []
    for pk in range(1, draw(st.integers(1, 8)) + 1):
        reserved = draw(st.booleans()) if pk > 1 else False
        lines.append(any_line(draw, pk, draw(band), reserved=reserved))
    if reservation_holds:
        limit_from, limit_to = draw(band_holding(value))
        lines.append(
            make_line(
                100,
                limit_from=limit_from,
                limit_to=limit_to,
                delegate=0,
                reserved=True,
                depth=draw(st.integers(0, 2)),
            )
        )
    return draw(st.permutations(lines)), value


@st.composite
def reserved_above_the_top_tier(draw):
    """A tiered scheme with an upper limit, everything over it reserved, and a value over
    it."""
    lines = draw(tiered_lines(open_ended=False))
    top = max(line.limit_to for line in lines)
    reservation = make_line(100, limit_from=top, limit_to=None, delegate=0, reserved=True)
    return [*lines, reservation], draw(pounds_between(top + PENNY, top + SPREAD))


def decided(lines, value):
    """The pure decision for the test ICB's scheme on the day."""
    return decide(organisation=ORG, scheme=SCHEME, lines=lines, value=value, on=ON)


def without_one_of(candidates, lines, data):
    """The lines with one of the candidates, drawn by hypothesis, removed."""
    removed = data.draw(st.sampled_from(candidates))
    return [line for line in lines if line is not removed]


def rank(outcome):
    return outcome.authority.ceiling_rank if outcome.authority else None


def test_a_larger_value_never_routes_to_a_lower_level():
    @reaching(settings(max_examples=200, deadline=None), given(case=tiers_and_two_values()))
    def check(reach: Reach, case):
        lines, low, high = case
        first = decided(lines, low)
        second = decided(lines, high)
        reach.assertion()
        assert second.authority is not None, "a value inside a tier is delegated"
        assert first.authority is not None
        assert rank(second) >= rank(first)

    check()


def test_a_reserved_matter_never_routes_below_the_board():
    @reaching(settings(max_examples=200, deadline=None), given(lines=any_lines(), value=amounts))
    def check(reach: Reach, lines, value):
        reservation = make_line(
            100, limit_from=Decimal(0), limit_to=None, delegate=0, reserved=True
        )
        outcome = decided([*lines, reservation], value)
        reach.assertion()
        assert outcome.authority is None and outcome.back_to_own_governance
        assert "reserved to the board" in outcome.reason

    check()


def test_removing_a_delegation_never_grants_authority():
    @reaching(settings(max_examples=300, deadline=None), given(case=undecided(), data=st.data()))
    def check(reach: Reach, case, data):
        lines, value = case
        assert decided(lines, value).authority is None
        delegations = [line for line in lines if not line.reserved]
        fewer = without_one_of(delegations, lines, data)
        after = decided(fewer, value)
        reach.assertion()
        assert after.authority is None

    check()


def test_removing_any_line_of_a_tiered_scheme_never_grants_authority():
    @reaching(
        settings(max_examples=200, deadline=None),
        given(case=reserved_above_the_top_tier(), data=st.data()),
    )
    def check(reach: Reach, case, data):
        lines, value = case
        assert decided(lines, value).authority is None
        fewer = without_one_of(lines, lines, data)
        after = decided(fewer, value)
        reach.assertion()
        assert after.authority is None

    check()


def test_an_accountability_chain_deeper_than_the_joined_levels_is_followed(setup):
    above = setup["finance"]
    for n in range(5):
        above = CommitteeFactory(
            place=setup["place"],
            name=f"Sub-committee {n}",
            kind=CommitteeKind.SUB_COMMITTEE,
            accountable_to_committee=above,
        )
    DelegationFactory(
        scheme=setup["icb_scheme"], matter=setup["award"], delegate_committee=above,
        limit_to=Decimal(100), reference="D1",
    )  # fmt: skip
    icb = by_name(route(setup, 50), setup["icb"])
    assert icb.authority.reference == "D1"
    labels = [step.label for step in icb.escalation]
    assert labels == [
        "Coldharbour place committee",
        "ICB finance committee",
        "Sub-committee 3",
        "Sub-committee 2",
        "Sub-committee 1",
        "Sub-committee 0",
        "ICB audit committee",
        "North Shire ICB board",
    ]


@pytest.mark.parametrize(("value", "decided"), [(500_000, False), ("500000.01", True)])
def test_a_value_at_a_bands_from_is_outside_it_and_the_answer_says_so(setup, value, decided):
    """A band "over £500,000" starts just above £500,000, so £500,000 itself is left out."""
    setup["council_scheme"].delegations.all().delete()
    role = DelegateRoleFactory(organisation=setup["council"], title="Chief executive")
    add_line(setup, delegate_role=role, limit_from=Decimal(500_000), limit_to=2 * M)
    council = by_name(route(setup, value), setup["council"])
    assert (council.authority is not None) is decided
    if decided:
        assert council.authority.band == "over £500,000 up to and including £2,000,000"
    else:
        assert council.reason == (
            "No delegated band covers £500,000: the lowest is over £500,000 up to and "
            "including £2,000,000."
        )


def test_an_icb_whose_name_ends_in_board_is_not_called_a_board_board(setup):
    Organisation.objects.filter(pk=setup["icb"].pk).update(
        name="NHS North Shire Integrated Care Board"
    )
    setup["icb"].refresh_from_db()
    icb = by_name(route(setup, 2_500_000), setup["icb"])
    assert [step.label for step in icb.escalation] == [
        "ICB audit committee",
        "NHS North Shire Integrated Care Board",
    ]
