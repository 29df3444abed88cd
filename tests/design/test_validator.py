"""The design validator: each rule passes on a sound design and fails (or warns) when the
design breaks it."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import timezone

from delegations.models import SchemeStatus
from design.validator import FAIL, PASS, WARNING, design_check
from governance.consultation.models import PlaceResponse, ResponseStatus
from governance.structures.models import CommitteeKind, DecisionRule, MemberPosition, TorStatus
from partners.models import PlacePartner, Sector
from tests.factories import (
    CommitteeFactory,
    CommitteeMemberFactory,
    DelegationFactory,
    MatterCategoryFactory,
    OrganisationFactory,
    PlaceFactory,
    PlacePartnerFactory,
    SchemeFactory,
    TermsOfReferenceFactory,
    make_round,
)
from tests.queries import queries_run_by

pytestmark = pytest.mark.django_db


class Design:
    """A place whose design passes every rule."""

    def __init__(self) -> None:
        self.place = PlaceFactory(name="Ashford")
        system = self.place.system
        self.orgs = {}
        for sector in (
            Sector.ICB,
            Sector.UPPER_TIER_COUNCIL,
            Sector.PRIMARY_CARE_NETWORK,
            Sector.ACUTE_TRUST,
            Sector.COMMUNITY_TRUST,
            Sector.MENTAL_HEALTH_TRUST,
            Sector.HEALTHWATCH,
        ):
            organisation = OrganisationFactory(
                system=system, name=f"Ashford {sector.label}", sector=sector
            )
            PlacePartnerFactory(place=self.place, organisation=organisation)
            self.orgs[sector] = organisation
        icb, council = self.orgs[Sector.ICB], self.orgs[Sector.UPPER_TIER_COUNCIL]
        self.board = self.body(
            "Ashford partnership board",
            CommitteeKind.PARTNERSHIP_BOARD,
            quorum_sectors=[Sector.ICB, Sector.UPPER_TIER_COUNCIL],
        )
        CommitteeMemberFactory(committee=self.board, organisation=icb, role_title="Place director")
        self.dph = CommitteeMemberFactory(
            committee=self.board, organisation=council, role_title="Director of Public Health"
        )
        self.joint = self.body("Ashford joint committee", CommitteeKind.JOINT_COMMITTEE)
        self.chair = CommitteeMemberFactory(
            committee=self.joint,
            organisation=icb,
            role_title="Independent chair",
            position=MemberPosition.CHAIR,
            independent=True,
        )
        CommitteeMemberFactory(committee=self.joint, organisation=council, role_title="Director")
        for committee in (self.board, self.joint):
            TermsOfReferenceFactory(committee=committee, status=TorStatus.APPROVED)
        self.matter = MatterCategoryFactory(system=system, name="Community contracts")
        self.lines = [
            DelegationFactory(
                scheme=SchemeFactory(organisation=organisation),
                matter=self.matter,
                delegate_committee=self.joint,
                limit_to=Decimal(1_000_000),
            )
            for organisation in (icb, council)
        ]
        self.round = make_round(system=system)
        self.response = PlaceResponse.objects.create(
            round=self.round,
            place=self.place,
            status=ResponseStatus.SUBMITTED,
            proposed_option_set="2+3",
            submitted_at=timezone.now(),
        )

    def body(self, name, kind, **fields):
        """A body of the place answering to its ICB, quorate with two members."""
        return CommitteeFactory(
            place=self.place,
            name=name,
            kind=kind,
            accountable_to_organisation=self.orgs[Sector.ICB],
            quorum_minimum=2,
            **fields,
        )

    def check(self):
        return design_check(place=self.place)


@pytest.fixture
def design():
    return Design()


def items(result, code):
    return [item for item in result if item.code == code]


def one(result, code, subject=None):
    found = [i for i in items(result, code) if subject is None or i.subject == subject]
    assert len(found) == 1, found
    return found[0]


def test_a_sound_design_passes_every_rule(design):
    result = design.check()
    assert [i for i in result if i.status != PASS] == []
    codes = {i.code for i in result}
    assert codes >= {
        "membership",
        "public_health_seat",
        "option_set",
        "joint_committee",
        "independent_chair",
        "quorum",
        "veto",
        "voting_members",
        "terms_of_reference",
        "delegation_routes",
    }


def test_missing_partners_are_named(design):
    PlacePartner.objects.filter(
        organisation__sector__in=[Sector.HEALTHWATCH, Sector.MENTAL_HEALTH_TRUST]
    ).delete()
    item = one(design.check(), "membership")
    assert item.status == FAIL
    assert "mental health provider" in item.detail and "Healthwatch" in item.detail
    assert "acute" not in item.detail


def test_a_combined_trust_provides_community_and_mental_health(design):
    PlacePartner.objects.filter(
        organisation__sector__in=[Sector.COMMUNITY_TRUST, Sector.MENTAL_HEALTH_TRUST]
    ).delete()
    PlacePartnerFactory(
        place=design.place,
        organisation=OrganisationFactory(system=design.place.system, sector=Sector.COMBINED_TRUST),
    )
    assert one(design.check(), "membership").status == PASS


def test_no_public_health_seat_is_a_warning(design):
    design.dph.role_title = "Director of adult social care"
    design.dph.save()
    item = one(design.check(), "public_health_seat")
    assert item.status == WARNING
    assert item.fix_url.name == "committees:committee"


def test_a_proposal_that_breaks_the_combination_rules_fails(design):
    design.response.proposed_option_set = "1+5"
    design.response.save()
    item = one(design.check(), "option_set")
    assert item.status == FAIL
    assert "stands alone" in item.detail


def test_no_submitted_proposal_is_a_warning(design):
    design.response.status = ResponseStatus.DRAFT
    design.response.save()
    assert one(design.check(), "option_set").status == WARNING


def test_a_lead_provider_must_be_statutory(design):
    design.response.proposed_option_set = "5"
    design.response.save()
    assert one(design.check(), "lead_provider").status == FAIL  # no lead provider board
    hospice = OrganisationFactory(system=design.place.system, sector=Sector.HOSPICE)
    board = CommitteeFactory(
        place=design.place,
        kind=CommitteeKind.LEAD_PROVIDER_BOARD,
        accountable_to_organisation=hospice,
    )
    item = one(design.check(), "lead_provider")
    assert item.status == FAIL and "not a statutory body" in item.detail
    board.accountable_to_organisation = design.orgs[Sector.ACUTE_TRUST]
    board.save()
    assert one(design.check(), "lead_provider").status == PASS


def test_lead_provider_is_not_checked_without_option_5(design):
    assert items(design.check(), "lead_provider") == []


def test_a_joint_committee_needs_statutory_members_who_delegate_to_it(design):
    vcfse = OrganisationFactory(system=design.place.system, sector=Sector.VCFSE)
    CommitteeMemberFactory(committee=design.joint, organisation=vcfse, role_title="VCFSE lead")
    design.lines[1].scheme.status = SchemeStatus.SUPERSEDED
    design.lines[1].scheme.save()
    item = one(design.check(), "joint_committee")
    assert item.status == FAIL
    assert vcfse.name in item.detail and "not a statutory body" in item.detail
    assert design.orgs[Sector.UPPER_TIER_COUNCIL].name in item.detail
    assert "delegated nothing" in item.detail


def test_a_committee_without_an_independent_chair_is_a_warning(design):
    design.chair.independent = False
    design.chair.save()
    item = one(design.check(), "independent_chair", "Ashford joint committee")
    assert item.status == WARNING and "not independent" in item.detail


def test_a_quorum_that_cannot_be_met_fails(design):
    design.board.quorum_minimum = 5
    design.board.quorum_sectors = [Sector.ICB, Sector.HEALTHWATCH]
    design.board.save()
    item = one(design.check(), "quorum", "Ashford partnership board")
    assert item.status == FAIL
    assert "needs 5 voting members but there are 2" in item.detail
    assert "healthwatch" in item.detail.lower()


def test_a_single_partner_veto_fails_and_unanimity_warns(design):
    design.board.single_partner_veto = True
    design.board.save()
    assert one(design.check(), "veto", "Ashford partnership board").status == FAIL
    design.board.single_partner_veto = False
    design.board.decision_rule = DecisionRule.UNANIMOUS
    design.board.save()
    assert one(design.check(), "veto", "Ashford partnership board").status == WARNING


def test_a_committee_without_voting_members_fails(design):
    design.board.members.update(voting=False)
    item = one(design.check(), "voting_members", "Ashford partnership board")
    assert item.status == FAIL and item.detail == "Ashford partnership board has no voting members."


def test_an_active_committee_needs_approved_terms_of_reference(design):
    design.board.terms_of_reference.update(status=TorStatus.SUPERSEDED)
    item = one(design.check(), "terms_of_reference", "Ashford partnership board")
    assert item.status == FAIL
    design.board.is_active = False
    design.board.save()
    assert items(design.check(), "terms_of_reference")[0].subject == "Ashford joint committee"


def test_a_delegation_to_an_inactive_or_unaccountable_body_has_no_route(design):
    design.joint.accountable_to_organisation = None
    design.joint.save()
    item = one(design.check(), "delegation_routes")
    assert item.status == FAIL and "answers to no one" in item.detail
    design.joint.is_active = False
    design.joint.save()
    assert "not active" in one(design.check(), "delegation_routes").detail


def test_the_validator_reads_a_fixed_number_of_queries(design):
    def count() -> int:
        return queries_run_by(design.check)

    before = count()
    for n in range(10):
        committee = CommitteeFactory(
            place=design.place,
            kind=CommitteeKind.ICB_COMMITTEE,
            accountable_to_committee=design.board,
        )
        CommitteeMemberFactory(committee=committee, organisation=design.orgs[Sector.ICB])
        TermsOfReferenceFactory(committee=committee, status=TorStatus.APPROVED)
        DelegationFactory(
            scheme=design.lines[0].scheme,
            matter=MatterCategoryFactory(system=design.place.system),
            delegate_committee=committee,
            limit_from=Decimal(n),
        )
    assert count() == before
