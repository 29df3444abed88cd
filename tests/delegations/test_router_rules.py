"""The decision router's pure parts, each on its own: the sentence that says how a decision
involving several organisations is taken, the reason a reserved matter gives, the columns
the line query follows up the accountability chain, and the amount parser's refusals.
Expected sentences are written out in full."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from delegations.bands import parse_pounds
from delegations.router import Line, OrganisationOutcome, SchemeCitation, decide, joint_route
from delegations.router import _chain_fields as chain_fields
from partners.models import Organisation, Sector

ON = date(2026, 4, 1)
SCHEME = SchemeCitation(pk=1, number=3, effective_from=ON, effective_to=None)


def outcome(name: str, *, back: bool) -> OrganisationOutcome:
    organisation = Organisation(name=name, sector=Sector.ICB, legal_form="icb")
    return OrganisationOutcome(organisation, SCHEME, None, back_to_own_governance=back)


def delegated_with(*going_back: str) -> list[OrganisationOutcome]:
    """North ICB, which has delegated authority, with organisations that have not."""
    return [outcome("North ICB", back=False), *(outcome(name, back=True) for name in going_back)]


@pytest.mark.parametrize(
    ("outcomes", "sentence"),
    [
        ([], "Choose at least one organisation whose resources the decision involves."),
        (
            delegated_with(),
            "The decision can be taken at place under delegated authority.",
        ),
        (
            [outcome("North ICB", back=False), outcome("Ashford Council", back=False)],
            "The decision can be taken at place: every organisation has delegated authority, "
            "so each delegate agrees it for its organisation.",
        ),
        (
            [outcome("Ashford Council", back=True)],
            "Ashford Council must take the decision through its own governance.",
        ),
        (
            [outcome("North ICB", back=True), outcome("Ashford Council", back=True)],
            "No organisation has delegated authority for this decision: each must take it "
            "through its own governance.",
        ),
        (
            delegated_with("Ashford Council"),
            "The decision can be taken at place only if every organisation has delegated "
            "authority; Ashford Council must take it through its own governance.",
        ),
        (
            delegated_with("Ashford Council", "Ashford Trust"),
            "The decision can be taken at place only if every organisation has delegated "
            "authority; Ashford Council and Ashford Trust must each take it through their own "
            "governance.",
        ),
        (
            delegated_with("Ashford Council", "Ashford Trust", "Ashford Hospice"),
            "The decision can be taken at place only if every organisation has delegated "
            "authority; Ashford Council, Ashford Trust and Ashford Hospice must each take it "
            "through their own governance.",
        ),
    ],
)
def test_the_joint_route_says_how_the_decision_is_taken(
    outcomes: list[OrganisationOutcome], sentence: str
) -> None:
    assert joint_route(outcomes) == sentence


def test_a_matter_with_only_a_reservation_goes_back_saying_so() -> None:
    """The scheme reserves values over £100,000 and delegates nothing: £1,000 is under the
    reservation, but no line delegates it either."""
    reserved = Line(
        pk=7,
        reference="R1",
        scheme_number=3,
        scheme_effective_from=ON,
        matter_id=1,
        matter_name="Strategy",
        matter_depth=0,
        reserved=True,
        delegate_key="board",
        delegate_label="the board (reserved)",
        delegate_active=True,
        limit_from=Decimal(100_000),
        limit_to=None,
    )
    organisation = Organisation(name="North ICB", sector=Sector.ICB, legal_form="icb")
    result = decide(
        organisation=organisation, scheme=SCHEME, lines=[reserved], value=Decimal(1000), on=ON
    )
    assert result.back_to_own_governance
    assert result.authority is None
    assert result.reason == "There is no delegation for this matter: the scheme reserves it."


def test_the_line_query_reads_the_delegate_and_the_body_it_answers_to() -> None:
    assert chain_fields("delegate_committee") == [
        "delegate_committee__name",
        "delegate_committee__is_active",
        "delegate_committee__accountable_to_organisation__name",
        "delegate_committee__accountable_to_committee_id",
    ]


@pytest.mark.parametrize("text", ["twelve", "1.005", "99999999999999999999999999999m", "£"])
def test_an_amount_that_cannot_be_read_is_refused_naming_what_was_typed(text: str) -> None:
    with pytest.raises(ValueError) as refused:
        parse_pounds(text)
    assert refused.value.args == (text,)
