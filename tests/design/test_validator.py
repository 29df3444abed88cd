"""The design validator: each rule passes on a sound design and fails (or warns) when the
design breaks it."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from delegations.models import SchemeStatus
from design.validator import FAIL, PASS, WARNING, design_check, design_review
from governance.catalogue.models import OptionFramework
from governance.consultation.models import PlaceResponse, ResponseStatus
from governance.structures.models import CommitteeKind, DecisionRule, MemberPosition, TorStatus
from partners.models import PlacePartner, Sector
from tests.factories import (
    CommitteeFactory,
    CommitteeMemberFactory,
    DelegateRoleFactory,
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
    """A place whose design passes every rule: a committee of the ICB and a joint committee of
    the ICB, the council and the acute trust (2+3, as it proposed)."""

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
        acute = self.orgs[Sector.ACUTE_TRUST]
        self.committee = self.body(
            "Ashford place committee",
            CommitteeKind.ICB_COMMITTEE,
            accountable_to_organisation=icb,
            quorum_sectors=[Sector.ICB],
        )
        CommitteeMemberFactory(
            committee=self.committee,
            organisation=icb,
            role_title="Non-executive member",
            position=MemberPosition.CHAIR,
            independent=True,
        )
        CommitteeMemberFactory(
            committee=self.committee, organisation=icb, role_title="Place director"
        )
        self.dph = CommitteeMemberFactory(
            committee=self.committee, organisation=council, role_title="Director of Public Health"
        )
        self.joint = self.body(
            "Ashford joint committee", CommitteeKind.JOINT_COMMITTEE, parties=[icb, council, acute]
        )
        self.chair = CommitteeMemberFactory(
            committee=self.joint,
            organisation=icb,
            role_title="Independent chair",
            position=MemberPosition.CHAIR,
            independent=True,
        )
        CommitteeMemberFactory(committee=self.joint, organisation=council, role_title="Director")
        CommitteeMemberFactory(
            committee=self.joint, organisation=acute, role_title="Chief Executive"
        )
        for committee in (self.committee, self.joint):
            TermsOfReferenceFactory(committee=committee, status=TorStatus.APPROVED)
        self.matter = MatterCategoryFactory(system=system, name="Community contracts")
        self.schemes = {o.pk: SchemeFactory(organisation=o) for o in (icb, council, acute)}
        self.lines = [
            DelegationFactory(
                scheme=self.schemes[icb.pk],
                matter=self.matter,
                delegate_committee=self.committee,
                limit_to=Decimal(1_000_000),
                place=self.place,
            )
        ] + [
            DelegationFactory(
                scheme=self.schemes[organisation.pk],
                matter=matter,
                delegate_committee=self.joint,
                limit_to=Decimal(1_000_000),
            )
            for organisation, matter in (
                (icb, MatterCategoryFactory(system=system, name="Pooled budget")),
                (council, self.matter),
                (acute, self.matter),
            )
        ]
        self.round = make_round(
            system=system, framework=OptionFramework.objects.get(slug="ics-design-framework-2021")
        )
        self.response = PlaceResponse.objects.create(
            round=self.round,
            place=self.place,
            status=ResponseStatus.SUBMITTED,
            proposed_option_set="2+3",
            submitted_at=timezone.now(),
        )

    def body(self, name, kind, **fields):
        """A body of the place, quorate with two members."""
        return CommitteeFactory(place=self.place, name=name, kind=kind, quorum_minimum=2, **fields)

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
        "recorded_arrangement",
        "option_set",
        "proposal_matches",
        "body_powers",
        "accountability",
        "joint_committee",
        "independent_chair",
        "quorum",
        "veto",
        "voting_members",
        "terms_of_reference",
        "delegation_routes",
    }
    # Every rule that restates the framework names its source passage.
    assert one(result, "membership").source.startswith("Appendix A")
    assert "Appendix A" in one(result, "accountability", "Ashford joint committee").source


def test_failures_come_first_then_warnings_then_passes(design):
    design.chair.independent = False  # a warning
    design.chair.save()
    design.committee.single_partner_veto = True  # a failure
    design.committee.save()
    statuses = [item.status for item in design.check()]
    assert statuses == sorted(statuses, key=[FAIL, WARNING, PASS].index)
    assert statuses[0] == FAIL and WARNING in statuses


def test_missing_partners_are_named(design):
    PlacePartner.objects.filter(
        organisation__sector__in=[Sector.HEALTHWATCH, Sector.MENTAL_HEALTH_TRUST]
    ).delete()
    item = one(design.check(), "membership")
    assert item.status == FAIL
    assert "mental health provider" in item.detail and "Healthwatch" in item.detail
    assert "acute" not in item.detail


def test_a_patient_representatives_seat_speaks_for_people_who_use_services(design):
    PlacePartner.objects.filter(organisation__sector=Sector.HEALTHWATCH).delete()
    assert one(design.check(), "membership").status == FAIL
    CommitteeMemberFactory(
        committee=design.committee,
        organisation=design.orgs[Sector.ICB],
        role_title="Patient representative",
        voting=False,
    )
    assert one(design.check(), "membership").status == PASS


def test_a_district_council_is_not_the_local_authority_with_public_health(design):
    PlacePartner.objects.filter(organisation__sector=Sector.UPPER_TIER_COUNCIL).delete()
    PlacePartnerFactory(
        place=design.place,
        organisation=OrganisationFactory(
            system=design.place.system, sector=Sector.DISTRICT_COUNCIL
        ),
    )
    item = one(design.check(), "membership")
    assert item.status == FAIL and "director of public health" in item.detail


def test_a_combined_trust_provides_community_and_mental_health(design):
    PlacePartner.objects.filter(
        organisation__sector__in=[Sector.COMMUNITY_TRUST, Sector.MENTAL_HEALTH_TRUST]
    ).delete()
    PlacePartnerFactory(
        place=design.place,
        organisation=OrganisationFactory(system=design.place.system, sector=Sector.COMBINED_TRUST),
    )
    assert one(design.check(), "membership").status == PASS


def test_no_public_health_seat_fails_and_points_to_adding_one(design):
    design.dph.role_title = "Director of adult social care"
    design.dph.save()
    item = one(design.check(), "public_health_seat")
    assert item.status == FAIL
    assert item.fix_url.name == "committees:member_add"


def test_the_recorded_arrangement_is_read_from_the_bodies(design):
    CommitteeFactory(place=design.place, name="Ashford partnership board")
    item = one(design.check(), "recorded_arrangement")
    assert item.status == FAIL
    assert "1+2+3" in item.detail and "Ashford partnership board" in item.detail
    matches = one(design.check(), "proposal_matches")
    assert matches.status == WARNING
    assert "Recorded but not proposed: option 1, partnership board" in matches.detail


def test_a_proposal_not_recorded_is_named(design):
    design.joint.is_active = False
    design.joint.save()
    item = one(design.check(), "proposal_matches")
    assert item.status == WARNING
    assert "Proposed 2+3; recorded 2" in item.detail
    assert "Proposed but not recorded: option 3, joint committee" in item.detail


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
    assert items(design.check(), "proposal_matches") == []


def test_a_board_holding_a_delegation_fails(design):
    """A line recorded before the rule was enforced where lines are entered."""
    board = CommitteeFactory(place=design.place, name="Ashford partnership board")
    DelegationFactory(
        scheme=design.schemes[design.orgs[Sector.UPPER_TIER_COUNCIL].pk],
        matter=MatterCategoryFactory(system=design.place.system, name="Pooled budget"),
        delegate_committee=board,
    )
    item = one(design.check(), "body_powers", "Ashford partnership board")
    assert item.status == FAIL
    assert "holds no delegated authority" in item.detail
    assert item.source.startswith("Section 6.3")


def test_a_committee_of_the_icb_takes_only_the_icbs_lines(design):
    DelegationFactory(
        scheme=design.schemes[design.orgs[Sector.ACUTE_TRUST].pk],
        matter=MatterCategoryFactory(system=design.place.system),
        delegate_committee=design.committee,
    )
    item = one(design.check(), "body_powers", "Ashford place committee")
    assert item.status == FAIL and "only the ICB delegates to it" in item.detail


def test_a_lead_providers_board_must_belong_to_a_statutory_body(design):
    hospice = OrganisationFactory(system=design.place.system, sector=Sector.HOSPICE)
    board = CommitteeFactory(
        place=design.place,
        name="Ashford lead provider board",
        kind=CommitteeKind.LEAD_PROVIDER_BOARD,
        accountable_to_organisation=hospice,
    )
    item = one(design.check(), "accountability", "Ashford lead provider board")
    assert item.status == FAIL and "must be a statutory organisation" in item.detail
    board.accountable_to_organisation = design.orgs[Sector.ACUTE_TRUST]
    board.save()
    assert one(design.check(), "accountability", "Ashford lead provider board").status == PASS


def test_a_joint_committee_needs_the_icb_and_a_statutory_provider(design):
    design.joint.parties.set([design.orgs[Sector.UPPER_TIER_COUNCIL]])
    item = one(design.check(), "accountability", "Ashford joint committee")
    assert item.status == FAIL
    assert "add the ICB" in item.detail and "statutory provider" in item.detail


def test_a_joint_committees_voting_members_are_parties_that_delegate_to_it(design):
    vcfse = OrganisationFactory(system=design.place.system, sector=Sector.VCFSE)
    CommitteeMemberFactory(committee=design.joint, organisation=vcfse, role_title="VCFSE lead")
    council_scheme = design.schemes[design.orgs[Sector.UPPER_TIER_COUNCIL].pk]
    council_scheme.status = SchemeStatus.SUPERSEDED
    council_scheme.save()
    item = one(design.check(), "joint_committee")
    assert item.status == FAIL
    assert vcfse.name in item.detail and "is not a party" in item.detail
    assert design.orgs[Sector.UPPER_TIER_COUNCIL].name in item.detail
    assert "delegated nothing" in item.detail


def test_one_outsider_votes_and_two_outsiders_vote(design):
    """The sentence agrees with the number of members who vote without being parties."""
    CommitteeMemberFactory(
        committee=design.joint,
        organisation=OrganisationFactory(
            system=design.place.system, name="Ashford Voluntary Action", sector=Sector.VCFSE
        ),
    )
    advice = (
        ". Give each voting party a line in its scheme of delegation, or make its seat non-voting."
    )
    item = one(design.check(), "joint_committee")
    assert item.detail == "Ashford Voluntary Action votes but is not a party" + advice
    CommitteeMemberFactory(
        committee=design.joint,
        organisation=OrganisationFactory(
            system=design.place.system, name="Ashford Hospice", sector=Sector.HOSPICE
        ),
    )
    item = one(design.check(), "joint_committee")
    assert item.detail == (
        "Ashford Hospice and Ashford Voluntary Action vote but are not parties" + advice
    )


def test_an_individual_director_needs_limits_and_a_body_above_them(design):
    design.response.proposed_option_set = "2+4"
    design.response.save()
    icb = design.orgs[Sector.ICB]
    assert one(design.check(), "director").status == FAIL  # option 4 proposed, no director
    director = DelegateRoleFactory(
        organisation=icb, title="Director of Place", place=design.place, is_individual_director=True
    )
    contracts = MatterCategoryFactory(system=design.place.system, name="Contract award")
    DelegationFactory(
        scheme=design.schemes[icb.pk], matter=contracts, delegate_role=director,
        limit_to=Decimal(500_000), place=design.place,
    )  # fmt: skip
    gap = one(design.check(), "director_routes")
    assert gap.status == FAIL
    assert "Contract award over £500,000 has no body of Ashford to go to" in gap.detail
    DelegationFactory(
        scheme=design.schemes[icb.pk], matter=contracts, delegate_committee=design.committee,
        limit_from=Decimal(500_000), limit_to=Decimal(2_000_000), place=design.place,
    )  # fmt: skip
    assert one(design.check(), "director_routes").status == PASS
    DelegationFactory(
        scheme=design.schemes[icb.pk], matter=design.matter, delegate_role=director,
        place=design.place,
    )  # fmt: skip
    unlimited = one(design.check(), "director")
    assert unlimited.status == FAIL and "with no upper limit" in unlimited.detail


def test_a_committee_without_an_independent_chair_is_a_warning(design):
    design.chair.independent = False
    design.chair.save()
    item = one(design.check(), "independent_chair", "Ashford joint committee")
    assert item.status == WARNING
    assert item.detail == (
        "The chair (Independent chair) is not independent; guidance advises an independent or "
        "non-executive chair. Make the chair's seat an independent one."
    )


def test_a_quorum_that_cannot_be_met_fails(design):
    design.committee.quorum_minimum = 5
    design.committee.quorum_sectors = [Sector.ICB, Sector.HEALTHWATCH]
    design.committee.save()
    item = one(design.check(), "quorum", "Ashford place committee")
    assert item.status == FAIL
    assert "needs 5 voting members but there are 3" in item.detail
    assert "healthwatch" in item.detail.lower()


def test_a_single_partner_veto_fails_naming_the_partners_and_unanimity_warns(design):
    design.joint.single_partner_veto = True
    design.joint.save()
    item = one(design.check(), "veto", "Ashford joint committee")
    assert item.status == FAIL
    assert design.orgs[Sector.ACUTE_TRUST].name in item.detail
    design.joint.single_partner_veto = False
    design.joint.decision_rule = DecisionRule.UNANIMOUS
    design.joint.save()
    item = one(design.check(), "veto", "Ashford joint committee")
    assert item.status == WARNING and design.orgs[Sector.UPPER_TIER_COUNCIL].name in item.detail


def test_a_committee_without_voting_members_fails(design):
    design.committee.members.update(voting=False)
    item = one(design.check(), "voting_members", "Ashford place committee")
    assert item.status == FAIL
    assert item.detail == "Ashford place committee has no voting members. Add its members' seats."


def test_an_active_committee_needs_approved_terms_of_reference(design):
    design.committee.terms_of_reference.update(status=TorStatus.SUPERSEDED)
    item = one(design.check(), "terms_of_reference", "Ashford place committee")
    assert item.status == FAIL
    design.committee.is_active = False
    design.committee.save()
    assert items(design.check(), "terms_of_reference")[0].subject == "Ashford joint committee"


def test_terms_of_reference_past_their_review_date_warn(design):
    tor = design.committee.terms_of_reference.get()
    tor.review_date = timezone.localdate() - timedelta(days=1)
    tor.save()
    item = one(design.check(), "tor_review", "Ashford place committee")
    assert item.status == WARNING and item.fix_url.name == "committees:tor_new"
    tor.review_date = timezone.localdate()
    tor.save()
    assert items(design.check(), "tor_review") == []


def test_a_delegation_to_an_inactive_or_unaccountable_body_has_no_route(design):
    design.committee.accountable_to_organisation = None
    design.committee.save()
    item = one(design.check(), "delegation_routes")
    assert item.status == FAIL and "answers to no one" in item.detail
    design.committee.is_active = False
    design.committee.save()
    assert "not active" in one(design.check(), "delegation_routes").detail


def test_each_matter_delegated_to_an_inactive_body_is_named(design):
    """Every line without a route is named, so fixing one does not hide the next."""
    DelegationFactory(
        scheme=design.lines[0].scheme,
        matter=MatterCategoryFactory(system=design.place.system, name="Estates"),
        delegate_committee=design.committee,
    )
    design.committee.is_active = False
    design.committee.save()
    item = one(design.check(), "delegation_routes")
    assert item.status == FAIL
    assert item.detail == (
        "Community contracts (Ashford Integrated care board) is delegated to Ashford place "
        "committee, which is not active; Estates (Ashford Integrated care board) is delegated "
        "to Ashford place committee, which is not active."
    )


def test_delegations_held_by_the_individual_director_alone_have_a_route(design):
    """When the ICB's lines for the place go to its individual director and none to the bodies,
    every delegated matter still has a route: the item passes rather than warning."""
    icb = design.orgs[Sector.ICB]
    for line in design.lines:
        line.delete()
    director = DelegateRoleFactory(
        organisation=icb, title="Director of Place", place=design.place, is_individual_director=True
    )
    DelegationFactory(
        scheme=design.schemes[icb.pk], matter=design.matter, delegate_role=director,
        limit_to=Decimal(500_000), place=design.place,
    )  # fmt: skip
    item = one(design.check(), "delegation_routes")
    assert item.status == PASS
    assert item.detail == (
        "The ICB's delegations for the place go to its individual director; its bodies hold "
        "none, as their options allow."
    )


def test_the_validator_reads_a_fixed_number_of_queries(design):
    def count() -> int:
        return queries_run_by(design.check)

    before = count()
    for n in range(10):
        committee = CommitteeFactory(
            place=design.place,
            kind=CommitteeKind.SUB_COMMITTEE,
            accountable_to_committee=design.committee,
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


# The place's responses (its newest submitted on each kind of framework, in one query), every
# framework's options (with their combinations, tiers, the place's directors and how it
# delivers care: its arrangement, function holders and neighbourhoods), its bodies, their
# seats, the organisations (partners and parties) and the lines. Still six: what the delivery
# rules read comes with the options.
VALIDATOR_QUERIES = 6


def test_the_validator_reads_at_most_six_queries_with_or_without_a_proposal(design):
    with_proposal = queries_run_by(design.check)
    design.response.delete()
    assert queries_run_by(design.check) == with_proposal <= VALIDATOR_QUERIES


def test_the_validator_reads_the_same_six_with_a_delivery_arrangement_and_neighbourhoods(design):
    """How the place delivers care, its neighbourhoods and the tiers cost no query of their
    own, however many holders and neighbourhoods it records."""
    from governance.catalogue.models import GeographicTier
    from partners.models import Neighbourhood
    from tests.factories import (
        LEAD_CARE_PROVIDER,
        DeliveryArrangementFactory,
        archetype,
        contracting_form,
        hold,
    )

    before = queries_run_by(design.check)
    trust = design.orgs[Sector.ACUTE_TRUST]
    DeliveryArrangementFactory(
        place=design.place,
        archetype=archetype(LEAD_CARE_PROVIDER),
        lead_care_provider=trust,
        section_75_council=design.orgs[Sector.UPPER_TIER_COUNCIL],
        contracting_form=contracting_form("corporate-joint-venture"),
    )
    hold(design.place, "integrator", trust)
    hold(design.place, "budget_holding", design.committee)
    for n in range(3):
        Neighbourhood.objects.create(
            place=design.place, name=f"Neighbourhood {n}", population=40_000,
            lead_organisation=design.orgs[Sector.PRIMARY_CARE_NETWORK],
        )  # fmt: skip
    framework = archetype(LEAD_CARE_PROVIDER).framework
    for order, slug in enumerate(("system", "place", "neighbourhood")):
        GeographicTier.objects.create(framework=framework, slug=slug, name=slug, order=order)
    review_queries = queries_run_by(design.check)
    assert review_queries == before <= VALIDATOR_QUERIES


def test_the_validator_reads_delivery_neighbourhoods_and_tiers_as_stored(design):
    """What the rules read is what the database holds: the arrangement with its archetype,
    organisations and contracting form (its lessons a list), the holders (a body of the place
    as one of its bodies), the active neighbourhoods by name with their lead, and the newest
    framework's tiers by slug."""
    from design.validator import _load
    from governance.catalogue.models import GeographicTier
    from partners.models import Neighbourhood
    from tests.factories import (
        PLACE_PARTNERSHIP,
        DeliveryArrangementFactory,
        archetype,
        contracting_form,
        hold,
    )

    council = design.orgs[Sector.UPPER_TIER_COUNCIL]
    form = contracting_form("contractual-joint-venture")
    DeliveryArrangementFactory(
        place=design.place, archetype=archetype(PLACE_PARTNERSHIP), section_75_council=council,
        contracting_form=form, voting_weights="Equal", lead_risk_share=40,
    )  # fmt: skip
    hold(design.place, "integrator", design.committee)
    hold(design.place, "strategic_commissioning", design.orgs[Sector.ICB])
    pcn = design.orgs[Sector.PRIMARY_CARE_NETWORK]
    for name, active in (("Wye", True), ("Brook", True), ("Closed", False)):
        Neighbourhood.objects.create(
            place=design.place, name=name, is_active=active, lead_organisation=pcn
        )
    framework = archetype(PLACE_PARTNERSHIP).framework
    GeographicTier.objects.create(
        framework=framework, slug="place", name="Place", order=4, typical_from=250_000,
        core_functions=["Integrate services"],
    )  # fmt: skip
    loaded = _load(design.place, timezone.localdate())
    delivery = loaded.delivery
    assert delivery.archetype == archetype(PLACE_PARTNERSHIP)
    assert delivery.archetype.framework.kind == "archetypes"
    assert delivery.section_75_council == council and delivery.section_75_council.name
    assert delivery.lead_care_provider is None
    assert delivery.contracting_form == form and delivery.contracting_form.points == form.points
    assert (delivery.voting_weights, delivery.lead_risk_share) == ("Equal", 40)
    body = loaded.holdings["integrator"].holder_committee
    assert body == design.committee and any(body is c for c in loaded.committees)
    assert loaded.holdings["strategic_commissioning"].holder_organisation.legal_form == "icb"
    assert [n.name for n in loaded.neighbourhoods] == ["Brook", "Wye"]
    assert loaded.neighbourhoods[0].lead_organisation == pcn
    assert loaded.neighbourhoods[0].lead_organisation.name == pcn.name
    tier = loaded.tiers["place"]
    assert (tier.typical_from, tier.core_functions) == (250_000, ["Integrate services"])


def test_the_places_directors_are_read_whole_and_named_in_title_order(design):
    """Directors are read with the framework's options: each field as stored, in title order,
    and only the ICB's active individual directors for this place."""
    icb = design.orgs[Sector.ICB]
    contracts = MatterCategoryFactory(system=design.place.system, name="Contract award")
    for title in ("Director of Place, West", "Deputy director", "Director of Place, East"):
        role = DelegateRoleFactory(
            organisation=icb, title=title, place=design.place, is_individual_director=True
        )
        DelegationFactory(
            scheme=design.schemes[icb.pk], matter=contracts, delegate_role=role,
            limit_to=Decimal(100_000), place=design.place,
        )  # fmt: skip
    DelegateRoleFactory(
        organisation=icb, title="Acting director", place=design.place,
        is_individual_director=True, is_active=False,
    )  # fmt: skip
    DelegateRoleFactory(organisation=icb, title="Another place's", is_individual_director=True)
    review = design_review(place=design.place)
    made_by = dict(review.recorded.rows)
    assert made_by["4. Individual director"] == (
        "Deputy director, Director of Place, East and Director of Place, West"
    )
    subjects = [i.subject for i in review.items if i.code in ("director", "director_routes")]
    assert subjects and subjects == sorted(subjects)
