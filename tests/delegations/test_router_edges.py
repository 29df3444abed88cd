"""The decision router at every edge of every band.

A band holds the values over its "from" up to and including its "up to", so a value exactly at
an edge belongs to the band below it. These tests route a value at each edge of realistic
schemes, and one penny either side, and check who answers as the router page would show it:
a penny the wrong way sends a contract award to the wrong body, or back to a board that need
not have seen it."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from html import unescape

import pytest
from django.urls import reverse

from delegations.models import MatterCategory
from delegations.router import OrganisationOutcome, RouteResult, route_decision
from governance.structures.models import CommitteeKind
from partners.models import Organisation, Place, Sector
from tests.conftest import World
from tests.factories import (
    CommitteeFactory,
    DelegateRoleFactory,
    DelegationFactory,
    PlaceFactory,
    SchemeFactory,
    contract_matters,
    partner_in,
)

ON = date(2025, 6, 1)
LARGEST = "999999999999.99"  # the largest value a decision may have

ICB = "North Shire ICB"
COUNCIL = "Ashford County Council"
TRUST = "Ashford Community NHS Trust"

TAKEN_AT_PLACE = "The decision can be taken at place under delegated authority."


Expected = dict[str, object]


def pounds(value: str) -> str:
    """A value as the router's sentences write it: £100,000.01, £500,000."""
    return f"£{Decimal(value):,}"


def from_zero(expected: Expected) -> list:
    """£0, the lowest value a decision can have, and a penny over it."""
    return [
        pytest.param("0", expected, id="0, the first band's from"),
        pytest.param("0.01", expected, id="a penny over 0"),
    ]


def around(
    edge: str,
    edge_is: str,
    up_to: Expected | Callable[[str], Expected],
    over: Expected | Callable[[str], Expected],
) -> list:
    """A penny under `edge` and `edge` itself, which belong to the band that goes up to and
    including it, and a penny over, which belongs to what comes next. An expected answer
    that names the value is given as a function of it."""
    under = str(Decimal(edge) - Decimal("0.01"))
    above = str(Decimal(edge) + Decimal("0.01"))
    thousands = f"{Decimal(edge):,}"

    def answer(expected: Expected | Callable[[str], Expected], value: str) -> Expected:
        return expected(value) if callable(expected) else expected

    return [
        pytest.param(under, answer(up_to, under), id=f"a penny under {thousands}"),
        pytest.param(edge, answer(up_to, edge), id=f"{thousands}, {edge_is}"),
        pytest.param(above, answer(over, above), id=f"a penny over {thousands}"),
    ]


@dataclass
class Schemes:
    place: Place
    award: MatterCategory
    organisations: dict[str, Organisation]


def ashford_schemes(place: Place) -> Schemes:
    """Three partners of the place and their schemes for contract awards, in force from
    1 April 2025:

    - North Shire ICB (version 4), consecutive bands: up to and including £250,000 to the
      Ashford place committee (A1), over £250,000 up to and including £1,000,000 to the ICB
      finance and investment committee (A2), anything over £1,000,000 reserved to the board
      (A3). The place committee answers to the ICB strategic commissioning committee.
    - Ashford County Council (version 2), with a gap: up to and including £100,000 to the
      Director of adult social care (4.1), over £500,000 up to and including £2,000,000 to the
      Cabinet member for adults (4.2); nothing between, nothing above.
    - Ashford Community NHS Trust (version 7): up to and including £50,000 to the Chief
      operating officer (2.1), anything over £50,000 to the Chief executive (2.2)."""
    _, award = contract_matters(place.system)
    icb = partner_in(place, name=ICB, sector=Sector.ICB)
    council = partner_in(place, name=COUNCIL, sector=Sector.UPPER_TIER_COUNCIL)
    trust = partner_in(place, name=TRUST, sector=Sector.COMMUNITY_TRUST)

    def icb_committee(name: str, **answers_to: object) -> object:
        return CommitteeFactory(
            place=place, name=name, kind=CommitteeKind.ICB_COMMITTEE, **answers_to
        )

    strategic = icb_committee(
        "ICB strategic commissioning committee", accountable_to_organisation=icb
    )
    place_committee = icb_committee("Ashford place committee", accountable_to_committee=strategic)
    finance = icb_committee("ICB finance and investment committee", accountable_to_organisation=icb)

    def line(
        scheme: object, reference: str, over: int = 0, up_to: int | None = None, **terms: object
    ) -> None:
        """A line for values over `over` up to and including `up_to` (no limit if None)."""
        limit_to = None if up_to is None else Decimal(up_to)
        DelegationFactory(
            scheme=scheme,
            matter=award,
            reference=reference,
            limit_from=Decimal(over),
            limit_to=limit_to,
            **terms,
        )

    def to_role(scheme: object, reference: str, title: str, **limits: int) -> None:
        role = DelegateRoleFactory(organisation=scheme.organisation, title=title)
        line(scheme, reference, delegate_role=role, **limits)

    icb_scheme = SchemeFactory(organisation=icb, number=4)
    line(icb_scheme, "A1", up_to=250_000, delegate_committee=place_committee)
    line(icb_scheme, "A2", over=250_000, up_to=1_000_000, delegate_committee=finance)
    line(icb_scheme, "A3", over=1_000_000, reserved=True)

    council_scheme = SchemeFactory(organisation=council, number=2)
    to_role(council_scheme, "4.1", "Director of adult social care", up_to=100_000)
    to_role(council_scheme, "4.2", "Cabinet member for adults", over=500_000, up_to=2_000_000)

    trust_scheme = SchemeFactory(organisation=trust, number=7)
    to_role(trust_scheme, "2.1", "Chief operating officer", up_to=50_000)
    to_role(trust_scheme, "2.2", "Chief executive", over=50_000)
    return Schemes(place, award, {ICB: icb, COUNCIL: council, TRUST: trust})


@pytest.fixture
def schemes(db: None) -> Schemes:
    return ashford_schemes(PlaceFactory.create(name="Ashford"))


def route(
    schemes: Schemes, organisation: str, value: str
) -> tuple[RouteResult, OrganisationOutcome]:
    """The router's answer for one organisation, on 1 June 2025."""
    result = route_decision(
        place=schemes.place,
        matter=schemes.award,
        value=Decimal(value),
        organisations=[schemes.organisations[organisation]],
        on=ON,
    )
    (outcome,) = result.outcomes
    return result, outcome


def delegated(who: str, band: str, *escalation: str) -> dict[str, object]:
    """The expected answer when a delegate may decide: who, the band of the line the page
    cites, and the escalation route it lists."""
    return {"who": who, "band": band, "escalation": list(escalation)}


def back(reason: str) -> dict[str, object]:
    """The expected answer when the organisation must take the decision through its own
    governance, with the reason the page gives."""
    return {"reason": reason}


def assert_answer(
    result: RouteResult, outcome: OrganisationOutcome, expected: dict[str, object]
) -> None:
    """The answer is the expected one, and no edge is claimed by two lines at once."""
    assert outcome.conflicts == ()
    if "who" in expected:
        assert outcome.authority is not None, outcome.reason
        assert outcome.authority.delegate_label == expected["who"]
        assert outcome.authority.band == expected["band"]
        assert [step.label for step in outcome.escalation] == expected["escalation"]
        assert outcome.gaps == ()
        assert result.joint_route == TAKEN_AT_PLACE
    else:
        assert outcome.authority is None, outcome.authority.delegate_label
        assert outcome.back_to_own_governance
        assert outcome.reason == expected["reason"]
        name = str(outcome.organisation)
        assert result.joint_route == f"{name} must take the decision through its own governance."


PLACE_COMMITTEE = delegated(
    "Ashford place committee",
    "up to and including £250,000",
    "ICB strategic commissioning committee",
    "North Shire ICB board",
)
FINANCE_COMMITTEE = delegated(
    "ICB finance and investment committee",
    "over £250,000 up to and including £1,000,000",
    "North Shire ICB board",
)
ICB_BOARD = back(
    "This decision is reserved to the board (Contract award, over £1,000,000: line A3 of "
    "scheme version 4, in force from 1 April 2025)."
)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        *from_zero(PLACE_COMMITTEE),
        *around("250000", "A1's up to and A2's from", PLACE_COMMITTEE, FINANCE_COMMITTEE),
        *around("1000000", "A2's up to and A3's from", FINANCE_COMMITTEE, ICB_BOARD),
        pytest.param(LARGEST, ICB_BOARD, id="the largest value, in the open-ended band"),
    ],
)
def test_consecutive_bands_give_each_edge_to_the_band_below_it(schemes, value, expected):
    """£250,000 is the place committee's, £250,000.01 the finance committee's; £1,000,000
    is still the finance committee's and a penny more is the board's."""
    assert_answer(*route(schemes, ICB, value), expected)


DIRECTOR = delegated(
    "Director of adult social care", "up to and including £100,000", "Ashford County Council board"
)
CABINET_MEMBER = delegated(
    "Cabinet member for adults",
    "over £500,000 up to and including £2,000,000",
    "Ashford County Council board",
)


def in_the_gap(value: str) -> Expected:
    return back(
        f"{pounds(value)} falls in a gap between the band up to and including £100,000 (Director of "
        "adult social care) and the band over £500,000 up to and including £2,000,000 "
        "(Cabinet member for adults)."
    )


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        *from_zero(DIRECTOR),
        *around("100000", "4.1's up to", DIRECTOR, in_the_gap),
        *around("500000", "4.2's from", in_the_gap, CABINET_MEMBER),
        *around(
            "2000000",
            "4.2's up to",
            CABINET_MEMBER,
            back("£2,000,000.01 exceeds the highest delegated limit of £2,000,000."),
        ),
    ],
)
def test_a_gap_between_bands_starts_a_penny_over_one_and_ends_at_the_next(schemes, value, expected):
    """The council's scheme leaves out the values over £100,000 up to and including
    £500,000: the router says so for exactly those, and the values just beyond the highest
    limit go back to the council."""
    result, outcome = route(schemes, COUNCIL, value)
    assert_answer(result, outcome, expected)
    assert [gap.sentence for gap in outcome.gaps] == (
        [expected["reason"]] if "falls in a gap" in str(expected.get("reason")) else []
    )


CHIEF_OPERATING_OFFICER = delegated(
    "Chief operating officer", "up to and including £50,000", "Ashford Community NHS Trust board"
)
CHIEF_EXECUTIVE = delegated("Chief executive", "over £50,000", "Ashford Community NHS Trust board")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        *from_zero(CHIEF_OPERATING_OFFICER),
        *around("50000", "2.1's up to and 2.2's from", CHIEF_OPERATING_OFFICER, CHIEF_EXECUTIVE),
        pytest.param(LARGEST, CHIEF_EXECUTIVE, id="the largest value, in the open-ended band"),
    ],
)
def test_an_open_ended_top_band_takes_everything_over_its_from(schemes, value, expected):
    """The trust's chief executive has no upper limit, so every value over £50,000 is theirs
    and £50,000 itself stays with the chief operating officer, escalating only to the board."""
    assert_answer(*route(schemes, TRUST, value), expected)


def test_a_penny_under_the_first_bands_from_is_refused(schemes):
    """£0 is the lowest value a decision can have; below it there is no band to look in."""
    with pytest.raises(ValueError, match="cannot be negative"):
        route(schemes, ICB, "-0.01")


# Through the page -----------------------------------------------------------------------------


def shown(response) -> str:
    """The page's words, as a reader sees them."""
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


@pytest.mark.parametrize(
    ("typed", "decides", "cited", "not_named"),
    [
        pytest.param(
            "249,999.99",
            "Ashford place committee",
            "Contract award, up to and including £250,000: line A1 of scheme version 4",
            "ICB finance and investment committee",
            id="a penny under 250,000",
        ),
        pytest.param(
            "£250,000",
            "Ashford place committee",
            "Contract award, up to and including £250,000: line A1 of scheme version 4",
            "ICB finance and investment committee",
            id="250,000",
        ),
        pytest.param(
            "250000.01",
            "ICB finance and investment committee",
            "Contract award, over £250,000 up to and including £1,000,000: line A2 of scheme "
            "version 4",
            "Ashford place committee",
            id="a penny over 250,000",
        ),
    ],
)
def test_the_router_page_shows_which_side_of_250k_a_value_falls(
    client, world: World, htmx_headers, typed, decides, cited, not_named
):
    """A reader typing a value at or next to the edge sees the body that may decide and the
    band it holds in words that put £250,000 itself on the place committee's side."""
    schemes = ashford_schemes(world.place_a)
    client.force_login(world.member_a)
    response = client.get(
        reverse("design:decide", args=[world.place_a.pk]),
        {
            "matter": schemes.award.pk,
            "value": typed,
            "organisations": [schemes.organisations[ICB].pk],
        },
        **htmx_headers,
    )
    assert response.status_code == 200
    page = shown(response)
    assert f"Who may decide {decides} {cited}" in page
    assert not_named not in page
    assert "Can be taken at place" in page
    assert "Conflict" not in page
