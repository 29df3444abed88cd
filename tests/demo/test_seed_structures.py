"""The demo system's governance structures: every place has bodies with terms of reference,
and the ICB, the councils and the main trusts have schemes of delegation in force."""

from __future__ import annotations

from decimal import Decimal

import pytest

from delegations.models import DelegateRole, Delegation, MatterCategory, SchemeOfDelegation
from design.map import governance_map
from design.validator import FAIL, design_check
from governance.structures.models import (
    Committee,
    CommitteeKind,
    CommitteeMember,
    TermsOfReference,
    TorStatus,
)
from partners.models import Organisation, Place, Sector

pytestmark = pytest.mark.django_db

MAIN_TRUSTS = [
    "Ashworth and Brackenfield Hospitals NHS Trust",
    "Royal Coldharbour Hospital NHS Foundation Trust",
    "North Shire Community Health NHS Trust",
    "North Shire Partnership NHS Foundation Trust",
    "Dunmore and Elmsworth Health and Care NHS Trust",
]


@pytest.fixture
def demo(north_shire: str) -> None:
    """The demo, seeded once for the module (tests/demo/conftest.py)."""


def in_force(organisation: Organisation) -> SchemeOfDelegation:
    return SchemeOfDelegation.objects.get(organisation=organisation, status="in_force")


def test_every_place_has_bodies_with_terms_of_reference(demo: None) -> None:
    for place in Place.objects.all():
        bodies = Committee.objects.filter(place=place, is_active=True)
        assert bodies.exists(), place
        # The director of public health sits on one of the place's bodies (Appendix A).
        assert CommitteeMember.objects.filter(
            committee__in=bodies, role_title="Director of Public Health"
        ).exists(), place
        assert TermsOfReference.objects.filter(committee__place=place).exists(), place
    for board in Committee.objects.filter(kind=CommitteeKind.PARTNERSHIP_BOARD):
        assert board.members.get(position="chair").independent
        titles = set(board.members.values_list("role_title", "organisation__sector"))
        assert ("Healthwatch Representative", Sector.HEALTHWATCH) in titles
    kinds = sorted(
        Committee.objects.exclude(kind=CommitteeKind.SUB_COMMITTEE).values_list(
            "place__name", "kind"
        )
    )
    assert kinds == [
        ("Ashworth", CommitteeKind.PARTNERSHIP_BOARD),
        ("Brackenfield", CommitteeKind.ICB_COMMITTEE),
        ("Brackenfield", CommitteeKind.JOINT_COMMITTEE),
        ("Coldharbour", CommitteeKind.ICB_COMMITTEE),
        ("Coldharbour", CommitteeKind.PARTNERSHIP_BOARD),
        ("Dunmore Coast", CommitteeKind.PARTNERSHIP_BOARD),
        ("Elmsworth", CommitteeKind.LEAD_PROVIDER_BOARD),
    ]
    directors = DelegateRole.objects.filter(is_individual_director=True)
    assert sorted(directors.values_list("place__name", flat=True)) == ["Ashworth", "Dunmore Coast"]
    joint = Committee.objects.get(kind=CommitteeKind.JOINT_COMMITTEE)
    assert {p.legal_form for p in joint.parties.all()} >= {"icb", "nhs_trust"}
    for committee in Committee.objects.all():
        assert committee.terms_of_reference.exists(), committee
    statuses = set(TermsOfReference.objects.values_list("status", flat=True))
    assert statuses == {s.value for s in TorStatus}
    assert TermsOfReference.objects.filter(status=TorStatus.APPROVED).count() >= 5
    brackenfield = Committee.objects.get(name="Brackenfield Place Committee of the ICB")
    assert list(brackenfield.terms_of_reference.values_list("number", "status")) == [
        (2, TorStatus.APPROVED),
        (1, TorStatus.SUPERSEDED),
    ]


def test_the_demo_passes_its_own_design_check_but_for_the_place_that_fails_on_purpose(
    demo: None,
) -> None:
    for place in Place.objects.all():
        failed = [item for item in design_check(place=place) if item.status == FAIL]
        if place.name == "Coldharbour":
            codes = {item.code for item in failed}
            assert codes == {"recorded_arrangement", "terms_of_reference"}, failed
        else:
            assert failed == [], (place.name, failed)


def test_no_demo_delegation_goes_to_a_body_that_may_not_hold_it(demo: None) -> None:
    assert not Delegation.objects.filter(
        delegate_committee__kind=CommitteeKind.PARTNERSHIP_BOARD
    ).exists()
    assert not Organisation.objects.filter(
        sector=Sector.HEALTHWATCH, legal_form__in=["icb", "nhs_trust"]
    ).exists()
    assert not any(o.is_statutory for o in Organisation.objects.filter(sector=Sector.HEALTHWATCH))


def test_schemes_in_force_for_the_icb_councils_and_main_trusts(demo: None) -> None:
    system_matters = MatterCategory.objects.filter(code="contract-award")
    assert system_matters.count() == 1
    assert MatterCategory.objects.filter(parent__isnull=True).count() >= 5
    for organisation in Organisation.objects.filter(
        sector__in=[Sector.ICB, Sector.UPPER_TIER_COUNCIL]
    ):
        assert in_force(organisation).delegations.exists(), organisation
    for name in MAIN_TRUSTS:
        assert in_force(Organisation.objects.get(name=name)).delegations.exists(), name


def who_decides(organisation_name: str, place: Place, value: Decimal) -> str:
    """The line of the organisation's scheme in force covering a contract award of that
    value in the place: its delegate, or the board."""
    line = (
        Delegation.objects.filter(
            scheme__organisation__name=organisation_name,
            scheme__status="in_force",
            matter__code="contract-award",
            limit_from__lte=value,
        )
        .exclude(limit_to__lt=value)
        .exclude(place__isnull=False, place__in=Place.objects.exclude(pk=place.pk))
        .get()
    )
    return line.delegate_label


def test_a_large_contract_award_in_coldharbour_goes_different_ways(demo: None) -> None:
    coldharbour = Place.objects.get(name="Coldharbour")
    value = Decimal("2500000")
    assert "Finance and Performance Committee" in who_decides(
        "NHS North Shire Integrated Care Board", coldharbour, value
    )
    assert "Chief Executive" in who_decides(
        "Royal Coldharbour Hospital NHS Foundation Trust", coldharbour, value
    )
    assert who_decides("Coldharbour County Council", coldharbour, value) == ("the board (reserved)")
    assert who_decides("North Shire Community Health NHS Trust", coldharbour, value) == (
        "the board (reserved)"
    )
    # Every place's map shows its bodies and the authority delegated to them.
    for place in Place.objects.all():
        gmap = governance_map(place=place)
        assert gmap.bodies and any(line.delegation for line in gmap.lines), place
    small = Decimal("400000")
    # A partnership board holds no delegated authority: the council delegates to its own
    # director, who sits on the board.
    assert who_decides("Coldharbour County Council", coldharbour, small) == (
        "Director of Adult Social Care, Coldharbour County Council"
    )
