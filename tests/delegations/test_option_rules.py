"""What a body's framework option lets it hold, enforced where a line is entered and where a
decision is routed: a partnership board holds no delegated authority, a committee of the ICB
takes only the ICB's lines, a joint committee only its parties', and a budget goes only to a
body whose option may hold one."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from delegations import matters as matter_tree
from delegations import services
from delegations.models import MatterCategory, SchemeStatus
from delegations.router import route_decision
from governance.catalogue.models import GovernanceOption
from governance.structures.models import CommitteeKind
from partners.models import Sector
from tests.factories import (
    CommitteeFactory,
    DelegationFactory,
    PlaceFactory,
    SchemeFactory,
    make_framework,
    partner_in,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def place():
    place = PlaceFactory(name="Ashford")
    matter_tree.matter_tree_ensure(system=place.system)
    return place


def matter(place, code):
    return MatterCategory.objects.get(system=place.system, code=code)


def draft(organisation):
    return SchemeFactory(organisation=organisation, status=SchemeStatus.DRAFT, number=1)


def add(scheme, place, committee, code="contract-award"):
    return services.delegation_add(
        actor=None,
        scheme=scheme,
        matter=matter(place, code),
        delegate_committee=committee,
        limit_to=Decimal(500_000),
        place=place,
    )


def refusal(excinfo) -> str:
    return " ".join(excinfo.value.message_dict["delegate_committee"])


def test_a_partnership_board_is_refused_a_delegation_naming_the_rule_and_its_source(place):
    council = partner_in(place, name="Ashford County Council", sector=Sector.UPPER_TIER_COUNCIL)
    board = CommitteeFactory(place=place, name="Ashford Partnership Board")
    scheme = draft(council)
    with pytest.raises(ValidationError) as excinfo:
        add(scheme, place, board)
    message = refusal(excinfo)
    assert "holds no delegated authority" in message
    assert "Delegate to a member's own role instead" in message
    assert "Section 6.3" in message
    assert not scheme.delegations.exists()


def test_only_the_icb_delegates_to_a_committee_of_the_icb(place):
    icb = partner_in(place, name="NHS Ashford ICB", sector=Sector.ICB)
    council = partner_in(place, name="Ashford County Council", sector=Sector.UPPER_TIER_COUNCIL)
    committee = CommitteeFactory(
        place=place, name="Ashford Place Committee", kind=CommitteeKind.ICB_COMMITTEE
    )
    assert add(draft(icb), place, committee).pk
    with pytest.raises(ValidationError) as excinfo:
        add(draft(council), place, committee)
    assert "only the ICB delegates to it" in refusal(excinfo)


def test_only_its_parties_delegate_to_a_joint_committee(place):
    icb = partner_in(place, name="NHS Ashford ICB", sector=Sector.ICB)
    trust = partner_in(place, name="Ashford Hospital NHS Trust", sector=Sector.ACUTE_TRUST)
    council = partner_in(place, name="Ashford County Council", sector=Sector.UPPER_TIER_COUNCIL)
    joint = CommitteeFactory(
        place=place, name="Ashford Joint Committee", kind=CommitteeKind.JOINT_COMMITTEE,
        parties=[icb, trust],
    )  # fmt: skip
    assert add(draft(trust), place, joint).pk
    with pytest.raises(ValidationError) as excinfo:
        add(draft(council), place, joint)
    assert "Ashford County Council is not one of them" in refusal(excinfo)


def test_a_budget_goes_only_to_a_body_whose_option_may_hold_one(place):
    # A newer framework whose committee of the ICB may decide but not hold money.
    framework = make_framework(slug="no-budgets")
    GovernanceOption.objects.filter(framework=framework, number=2).update(
        body_kinds=[CommitteeKind.ICB_COMMITTEE], holds_delegated_authority=True,
        holds_budgets=False, delegated_by="icb", sources={"budgets": "A test passage."},
    )  # fmt: skip
    icb = partner_in(place, name="NHS Ashford ICB", sector=Sector.ICB)
    committee = CommitteeFactory(
        place=place, name="Ashford Place Committee", kind=CommitteeKind.ICB_COMMITTEE
    )
    scheme = draft(icb)
    assert add(scheme, place, committee, "contract-award").pk
    with pytest.raises(ValidationError) as excinfo:
        add(scheme, place, committee, "section-75")
    assert "cannot hold a budget or a pooled fund" in refusal(excinfo)
    assert "A test passage." in refusal(excinfo)


def test_the_router_never_routes_to_a_body_that_may_not_hold_authority(place):
    """A line recorded before the rule (as an old import might have) is passed over, and the
    answer says why."""
    council = partner_in(place, name="Ashford County Council", sector=Sector.UPPER_TIER_COUNCIL)
    board = CommitteeFactory(place=place, name="Ashford Partnership Board")
    scheme = SchemeFactory(organisation=council, effective_from=date(2025, 4, 1))
    DelegationFactory(
        scheme=scheme, matter=matter(place, "contract-award"), delegate_committee=board,
        limit_to=Decimal(500_000), reference="C1",
    )  # fmt: skip
    result = route_decision(
        place=place,
        matter=matter(place, "contract-award"),
        value=Decimal(100_000),
        organisations=[council],
        on=date(2025, 6, 1),
    )
    [outcome] = result.outcomes
    assert outcome.authority is None
    assert "Ashford Partnership Board" in outcome.reason
    assert "holds no delegated authority" in outcome.reason
