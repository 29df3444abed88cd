"""Records the property-based tests of a place's bodies and schemes start from."""

from __future__ import annotations

import pytest

from delegations.matters import matter_tree_ensure
from delegations.models import MatterCategory
from governance.structures.models import Committee, CommitteeKind
from partners.models import Organisation
from tests.conftest import World
from tests.factories import CommitteeFactory
from tests.properties.structures_checks import partner


@pytest.fixture
def board(world: World) -> Committee:
    return CommitteeFactory(place=world.place_a, name="Ashford Partnership Board")


@pytest.fixture
def council(world: World) -> Organisation:
    return partner(world)


@pytest.fixture
def joint_committee(world: World, council: Organisation) -> Committee:
    """A body the council may delegate to: a joint committee the council is a party of."""
    return CommitteeFactory(
        place=world.place_a,
        name="Ashford Joint Committee",
        kind=CommitteeKind.JOINT_COMMITTEE,
        parties=[council],
    )


@pytest.fixture
def matters(world: World) -> dict[str, MatterCategory]:
    matter_tree_ensure(system=world.system)
    return {m.code: m for m in MatterCategory.objects.filter(system=world.system)}
