"""For any set of bodies a place records, the design check's verdict on its arrangement is the
framework's own verdict on the option set those bodies make."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from delegations.models import SchemeStatus
from design.validator import PASS, design_check
from governance.catalogue.models import OptionFramework
from governance.catalogue.rules import FrameworkRules, option_set_key, option_set_verdict
from governance.structures.models import CommitteeKind
from partners.models import Sector
from tests.factories import (
    CommitteeFactory,
    DelegateRoleFactory,
    DelegationFactory,
    MatterCategoryFactory,
    PlaceFactory,
    SchemeFactory,
    partner_in,
)
from tests.hostile import rolled_back
from tests.properties.structures_checks import examples
from tests.reach import Reach, reaching

pytestmark = pytest.mark.django_db

# The 2021 framework's option for each kind of body a place can record.
KINDS = {
    CommitteeKind.PARTNERSHIP_BOARD: 1,
    CommitteeKind.ICB_COMMITTEE: 2,
    CommitteeKind.JOINT_COMMITTEE: 3,
    CommitteeKind.LEAD_PROVIDER_BOARD: 5,
}


def test_the_checks_verdict_is_the_frameworks_on_the_recorded_option_set() -> None:
    @reaching(
        examples(25),
        given(
            kinds=st.lists(st.sampled_from(sorted(KINDS)), max_size=5),
            sub_committee_of=st.none() | st.sampled_from(sorted(KINDS)),
            director=st.booleans(),
        ),
    )
    def check(reach: Reach, kinds: list[str], sub_committee_of: str | None, director: bool) -> None:
        framework = OptionFramework.objects.get(slug="ics-design-framework-2021")
        with rolled_back():
            place = PlaceFactory(name="Ashford")
            icb = partner_in(place, name="NHS Ashford ICB", sector=Sector.ICB)
            bodies = {}
            for n, kind in enumerate(kinds):
                bodies.setdefault(kind, CommitteeFactory(place=place, name=f"Body {n}", kind=kind))
            if sub_committee_of is not None and sub_committee_of in bodies:
                CommitteeFactory(
                    place=place,
                    name="A sub-committee",
                    kind=CommitteeKind.SUB_COMMITTEE,
                    accountable_to_committee=bodies[sub_committee_of],
                )
            if director:
                role = DelegateRoleFactory(
                    organisation=icb,
                    title="Director of Place",
                    place=place,
                    is_individual_director=True,
                )
                DelegationFactory(
                    scheme=SchemeFactory(organisation=icb, status=SchemeStatus.IN_FORCE),
                    matter=MatterCategoryFactory(system=place.system),
                    delegate_role=role,
                    limit_to=Decimal(100_000),
                )
            numbers = sorted({KINDS[kind] for kind in kinds} | ({4} if director else set()))
            [item] = [i for i in design_check(place=place) if i.code == "recorded_arrangement"]
            reach.assertion()
            if not numbers:
                assert item.status != PASS
                return
            verdict = option_set_verdict(FrameworkRules.load(framework), numbers)
            assert (item.status == PASS) == verdict.allowed, (numbers, item.detail)
            assert f"makes {option_set_key(numbers)}" in item.detail or (
                f"arrangement {option_set_key(numbers)}" in item.detail
            )

    check()
