"""What the delegation page tests share: a council of place A with a scheme to edit."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from delegations import matters as matter_tree
from delegations.models import SchemeOfDelegation, SchemeStatus
from partners.models import Organisation
from tests.conftest import World
from tests.factories import (
    OrganisationFactory,
    PlacePartnerFactory,
    SchemeFactory,
    joint_committee_of,
)


@dataclass
class Council:
    organisation: Organisation
    committee: Any
    scheme: SchemeOfDelegation


@pytest.fixture
def council(world: World) -> Council:
    """Ashford Council, a partner of place A, in a joint committee there, with its draft
    scheme No. 1; the system's matters are the standard tree."""
    organisation = OrganisationFactory(system=world.system, name="Ashford Council")
    PlacePartnerFactory(place=world.place_a, organisation=organisation)
    matter_tree.matter_tree_ensure(system=world.system)
    return Council(
        organisation=organisation,
        committee=joint_committee_of(world.place_a, organisation, name="Ashford Joint Committee"),
        scheme=SchemeFactory(organisation=organisation, status=SchemeStatus.DRAFT, number=1),
    )
