"""The demo system's governance structures: every place has bodies with terms of reference,
and the ICB, the councils and the main trusts have schemes of delegation in force."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core.management import call_command

from delegations.models import DelegateRole, Delegation, MatterCategory, SchemeOfDelegation
from design.map import governance_map
from governance.structures.models import Committee, CommitteeKind, TermsOfReference, TorStatus
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
def demo() -> None:
    call_command("seed_demo", stdout=io.StringIO())


def in_force(organisation: Organisation) -> SchemeOfDelegation:
    return SchemeOfDelegation.objects.get(organisation=organisation, status="in_force")


def test_every_place_has_bodies_with_terms_of_reference(demo: None) -> None:
    for place in Place.objects.all():
        bodies = Committee.objects.filter(place=place, is_active=True)
        board = bodies.get(kind=CommitteeKind.PARTNERSHIP_BOARD)
        chair = board.members.get(position="chair")
        assert chair.independent
        titles = set(board.members.values_list("role_title", "organisation__sector"))
        assert ("Director of Public Health", Sector.UPPER_TIER_COUNCIL) in titles
        assert ("Healthwatch Representative", Sector.HEALTHWATCH) in titles
        assert TermsOfReference.objects.filter(committee__place=place).exists(), place
    kinds = dict(
        Committee.objects.exclude(kind=CommitteeKind.PARTNERSHIP_BOARD)
        .exclude(kind=CommitteeKind.SUB_COMMITTEE)
        .values_list("place__name", "kind")
    )
    assert kinds == {
        "Ashworth": CommitteeKind.ICB_COMMITTEE,
        "Coldharbour": CommitteeKind.ICB_COMMITTEE,
        "Brackenfield": CommitteeKind.JOINT_COMMITTEE,
        "Elmsworth": CommitteeKind.LEAD_PROVIDER_BOARD,
    }
    director = DelegateRole.objects.get(place__name="Dunmore Coast")
    assert director.is_individual_director
    for committee in Committee.objects.all():
        assert committee.terms_of_reference.exists(), committee
    statuses = set(TermsOfReference.objects.values_list("status", flat=True))
    assert statuses == {s.value for s in TorStatus}
    assert TermsOfReference.objects.filter(status=TorStatus.APPROVED).count() >= 5
    ashworth = Committee.objects.get(name="Ashworth Place Committee of the ICB")
    assert list(ashworth.terms_of_reference.values_list("number", "status")) == [
        (2, TorStatus.APPROVED),
        (1, TorStatus.SUPERSEDED),
    ]


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
    assert who_decides("Coldharbour County Council", coldharbour, small) == (
        "Coldharbour Place Partnership Board"
    )
