"""The design check's delivery rules: who holds each function under the place's archetype,
the budget's form, the section 75 council, the lead care provider, GP contracts, the archetype
proposed beside the one recorded, and the lead provider arrangement's contracting form. Each
rule passes on a sound arrangement and fails (or warns) when it is broken, under both
archetypes."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from design.rules_delivery import holder_kind
from design.validator import FAIL, PASS, WARNING, design_check
from governance.consultation.models import PlaceResponse, ResponseStatus
from governance.delivery.models import BudgetForm, Guarantee, VotingRule
from partners.models import Sector
from tests.factories import (
    LEAD_CARE_PROVIDER,
    PLACE_PARTNERSHIP,
    CommitteeFactory,
    DeliveryArrangementFactory,
    PlaceFactory,
    archetype,
    contracting_form,
    hold,
    make_archetypes_framework,
    make_round,
    partner_in,
)
from tests.queries import queries_run_by

pytestmark = pytest.mark.django_db


class Place:
    """A place with an ICB, a council, a trust, a GP practice and a VCSE organisation among
    its partners, and a partnership board."""

    def __init__(self) -> None:
        self.place = PlaceFactory(name="Ashford")
        self.icb = partner_in(self.place, name="Ashford ICB", sector=Sector.ICB)
        self.council = partner_in(
            self.place, name="Ashford Council", sector=Sector.UPPER_TIER_COUNCIL
        )
        self.trust = partner_in(self.place, name="Ashford Hospitals NHS Trust")
        self.gp = partner_in(self.place, name="Ashford Surgery", sector=Sector.GP_PRACTICE)
        self.vcse = partner_in(self.place, name="Ashford Carers", sector=Sector.VCFSE)
        self.board = CommitteeFactory(place=self.place, name="Ashford Partnership Board")
        make_archetypes_framework()

    def follows(self, number: int, **fields):
        self.arrangement = DeliveryArrangementFactory(
            place=self.place, archetype=archetype(number), **fields
        )
        return self.arrangement

    def check(self):
        return design_check(place=self.place)


@pytest.fixture
def ashford():
    return Place()


def items(result, code):
    return [item for item in result if item.code == code]


def one(result, code, subject=None):
    found = [i for i in items(result, code) if subject is None or i.subject == subject]
    assert len(found) == 1, found
    return found[0]


def sound_place_partnership(p: Place) -> None:
    p.follows(
        PLACE_PARTNERSHIP, budget_form=BudgetForm.POOLED_SECTION_75, section_75_council=p.council
    )
    hold(p.place, "strategic_commissioning", p.icb)
    hold(p.place, "integrator", p.board)
    hold(p.place, "budget_holding", p.board)
    hold(p.place, "contract_holding", p.trust)


def sound_lead_care_provider(p: Place) -> None:
    p.follows(
        LEAD_CARE_PROVIDER,
        budget_form=BudgetForm.CAPITATED,
        section_75_council=p.council,
        lead_care_provider=p.trust,
        gp_support=True,
        contracting_form=contracting_form("corporate-joint-venture"),
        contract_years=10,
        lead_risk_share=60,
        voting_rule=VotingRule.MAJORITY,
        voting_weights="By share of the budget.",
        reserved_matters="Changes to the shareholders' agreement.",
        guarantee=Guarantee.GIVEN,
        gp_participation="As partners bearing risk.",
    )
    hold(p.place, "strategic_commissioning", p.icb)
    for function in ("integrator", "budget_holding", "contract_holding", "gp_contracts"):
        hold(p.place, function, p.trust)
    hold(p.place, "neighbourhood_delivery", p.vcse)


# Nothing to check ---------------------------------------------------------------------------


def test_a_place_with_no_archetype_and_no_holders_has_no_delivery_items(ashford):
    codes = {item.code for item in ashford.check()}
    assert not codes & {
        "archetype",
        "function_holder",
        "budget_form",
        "section_75",
        "lead_care_provider",
        "contracting_form",
    }


def test_holders_without_an_archetype_warn_that_they_cannot_be_checked(ashford):
    hold(ashford.place, "integrator", ashford.board)
    item = one(ashford.check(), "archetype")
    assert item.status == WARNING
    assert item.fix_url.name == "delivery:archetype"


# Sound arrangements pass ----------------------------------------------------------------------


@pytest.mark.parametrize("build", [sound_place_partnership, sound_lead_care_provider])
def test_a_sound_arrangement_passes_every_delivery_rule(ashford, build):
    build(ashford)
    result = ashford.check()
    delivery_codes = {
        "function_holder",
        "budget_form",
        "section_75",
        "lead_care_provider",
        "gp_contracts",
        "contracting_form",
        "contract_years",
        "risk_share",
        "gp_participation",
        "voting",
        "reserved_matters",
        "guarantee",
    }
    found = [item for item in result if item.code in delivery_codes]
    assert found and all(item.status == PASS for item in found), [
        (i.code, i.detail) for i in found if i.status != PASS
    ]
    assert all(item.source for item in found)


def test_the_place_partnership_has_no_lead_provider_items(ashford):
    sound_place_partnership(ashford)
    codes = {item.code for item in ashford.check()}
    assert not codes & {"lead_care_provider", "contracting_form", "guarantee", "gp_contracts"}


# Function holders -------------------------------------------------------------------------------


def test_a_function_the_archetype_places_without_a_holder_warns(ashford):
    ashford.follows(PLACE_PARTNERSHIP)
    item = one(ashford.check(), "function_holder", "The integrator function")
    assert item.status == WARNING
    assert "No one is recorded as holding the integrator function" in item.detail
    assert item.fix_url.name == "delivery:holder"
    assert item.fix_url.args == (ashford.place.pk, "integrator")
    assert item.source == "Test archetypes: where each function sits."


@pytest.mark.parametrize("number", [PLACE_PARTNERSHIP, LEAD_CARE_PROVIDER])
def test_commissioning_away_from_the_icb_fails_under_either_archetype(ashford, number):
    ashford.follows(number, lead_care_provider=ashford.trust)
    hold(ashford.place, "strategic_commissioning", ashford.board)
    item = one(ashford.check(), "function_holder", "Strategic commissioning")
    assert item.status == FAIL
    assert "Ashford Partnership Board (a body of the place) holds strategic commissioning" in (
        item.detail
    )
    assert "it sits with the ICB" in item.detail


@pytest.mark.parametrize("function", ["integrator", "budget_holding"])
def test_under_the_lead_care_provider_the_integrator_and_budget_stay_with_it(ashford, function):
    ashford.follows(LEAD_CARE_PROVIDER, lead_care_provider=ashford.trust)
    hold(ashford.place, function, ashford.icb)
    item = next(
        i
        for i in ashford.check()
        if i.code == "function_holder" and function in (i.fix_url.args if i.fix_url else ())
    )
    assert item.status == FAIL
    assert "the lead care provider" in item.detail


def test_the_same_trust_is_a_provider_until_it_is_the_lead_care_provider(ashford):
    ashford.follows(LEAD_CARE_PROVIDER)
    holding = hold(ashford.place, "integrator", ashford.trust)
    assert holder_kind(holding, ashford.arrangement) == "provider"
    assert one(ashford.check(), "function_holder", "The integrator function").status == FAIL
    ashford.arrangement.lead_care_provider = ashford.trust
    ashford.arrangement.save()
    assert holder_kind(holding, ashford.arrangement) == "lead_care_provider"
    assert one(ashford.check(), "function_holder", "The integrator function").status == PASS


def test_each_organisation_is_the_kind_of_holder_its_legal_form_and_sector_make_it(ashford):
    arrangement = ashford.follows(LEAD_CARE_PROVIDER, lead_care_provider=ashford.trust)
    kinds = {
        name: holder_kind(hold(ashford.place, function, holder), arrangement)
        for name, function, holder in (
            ("icb", "strategic_commissioning", ashford.icb),
            ("council", "integrator", ashford.council),
            ("lead", "budget_holding", ashford.trust),
            ("gp", "gp_contracts", ashford.gp),
            ("vcse", "neighbourhood_delivery", ashford.vcse),
            ("body", "contract_holding", ashford.board),
        )
    }
    assert kinds == {
        "icb": "icb",
        "council": "council",
        "lead": "lead_care_provider",
        "gp": "gp_practices",
        "vcse": "vcse",
        "body": "place_body",
    }


# The budget -----------------------------------------------------------------------------------


def test_a_capitated_budget_under_the_place_partnership_fails(ashford):
    ashford.follows(PLACE_PARTNERSHIP, budget_form=BudgetForm.CAPITATED)
    item = one(ashford.check(), "budget_form")
    assert item.status == FAIL
    assert "gives no provider a capitated budget" in item.detail
    assert item.fix_url.name == "delivery:archetype"


def test_a_budget_form_the_archetype_does_not_list_fails(ashford):
    ashford.follows(LEAD_CARE_PROVIDER, budget_form=BudgetForm.DELEGATED)
    item = one(ashford.check(), "budget_form")
    assert item.status == FAIL
    assert "does not give a place's budget that form" in item.detail


def test_no_budget_form_warns(ashford):
    ashford.follows(PLACE_PARTNERSHIP)
    assert one(ashford.check(), "budget_form").status == WARNING


# Section 75 -------------------------------------------------------------------------------------


def test_a_budget_pooled_under_section_75_without_its_council_fails(ashford):
    ashford.follows(PLACE_PARTNERSHIP, budget_form=BudgetForm.POOLED_SECTION_75)
    item = one(ashford.check(), "section_75")
    assert item.status == FAIL
    assert item.fix_url.name == "delivery:partners"


@pytest.mark.parametrize("number", [PLACE_PARTNERSHIP, LEAD_CARE_PROVIDER])
def test_either_archetype_without_a_section_75_council_warns(ashford, number):
    ashford.follows(number, budget_form=BudgetForm.DELEGATED)
    item = one(ashford.check(), "section_75")
    assert item.status == WARNING
    assert item.source == "Test archetypes: both rely on section 75 agreements."


# The lead care provider ------------------------------------------------------------------------


def test_the_lead_care_provider_archetype_without_a_lead_care_provider_fails(ashford):
    ashford.follows(LEAD_CARE_PROVIDER)
    item = one(ashford.check(), "lead_care_provider")
    assert item.status == FAIL
    assert item.fix_url.name == "delivery:partners"


def test_gp_contracts_with_the_lead_care_provider_need_gp_support(ashford):
    ashford.follows(LEAD_CARE_PROVIDER, lead_care_provider=ashford.trust)
    hold(ashford.place, "gp_contracts", ashford.trust)
    item = one(ashford.check(), "gp_contracts")
    assert item.status == WARNING
    assert item.fix_url.name == "delivery:terms"
    ashford.arrangement.gp_support = True
    ashford.arrangement.save()
    assert one(ashford.check(), "gp_contracts").status == PASS


def test_gp_contracts_kept_by_the_practices_need_no_support(ashford):
    ashford.follows(LEAD_CARE_PROVIDER, lead_care_provider=ashford.trust)
    hold(ashford.place, "gp_contracts", ashford.gp)
    assert items(ashford.check(), "gp_contracts") == []


# The archetype proposed -----------------------------------------------------------------------


def submitted(place, framework, option_set):
    round = make_round(system=place.system, framework=framework, title=f"Round {option_set}")
    return PlaceResponse.objects.create(
        round=round,
        place=place,
        status=ResponseStatus.SUBMITTED,
        proposed_option_set=option_set,
        submitted_at=timezone.now(),
    )


def test_the_archetype_proposed_is_compared_with_the_one_recorded(ashford):
    framework = make_archetypes_framework()
    submitted(ashford.place, framework, str(LEAD_CARE_PROVIDER))
    ashford.follows(PLACE_PARTNERSHIP)
    item = one(ashford.check(), "archetype_proposal")
    assert item.status == WARNING
    assert "Proposed Lead care provider" in item.detail
    assert "recorded Place partnership" in item.detail
    ashford.arrangement.archetype = archetype(LEAD_CARE_PROVIDER)
    ashford.arrangement.save()
    assert one(ashford.check(), "archetype_proposal").status == PASS


def test_a_proposed_archetype_with_nothing_recorded_warns(ashford):
    submitted(ashford.place, make_archetypes_framework(), str(PLACE_PARTNERSHIP))
    item = one(ashford.check(), "archetype_proposal")
    assert item.status == WARNING and "recorded no archetype" in item.detail


def test_a_proposal_on_the_archetypes_framework_leaves_the_body_rules_on_the_arrangements(
    ashford,
):
    """The body rules read the newest response on an arrangements framework; a newer one on
    the archetypes framework does not become the place's proposal of bodies."""
    submitted(ashford.place, make_archetypes_framework(), str(LEAD_CARE_PROVIDER))
    result = ashford.check()
    proposal = one(result, "option_set")
    assert proposal.status == WARNING  # no arrangements proposal submitted
    assert "not submitted a proposal" in proposal.detail


# The lead provider arrangement --------------------------------------------------------------


def lead_provider(p: Place, form: str | None = "contractual-joint-venture", **fields):
    return p.follows(
        LEAD_CARE_PROVIDER,
        lead_care_provider=p.trust,
        contracting_form=contracting_form(form) if form else None,
        **fields,
    )


def test_no_contracting_form_under_the_lead_care_provider_warns(ashford):
    lead_provider(ashford, None)
    item = one(ashford.check(), "contracting_form")
    assert item.status == WARNING
    assert item.fix_url.name == "delivery:contracting_form"


def test_a_form_recorded_under_the_place_partnership_is_checked_too(ashford):
    ashford.follows(PLACE_PARTNERSHIP, contracting_form=contracting_form("sub-contractor"))
    assert one(ashford.check(), "contracting_form").status == PASS
    assert one(ashford.check(), "guarantee").status == WARNING


@pytest.mark.parametrize(("years", "status"), [(None, WARNING), (4, WARNING), (5, PASS)])
def test_a_contract_shorter_than_five_years_warns(ashford, years, status):
    lead_provider(ashford, contract_years=years)
    item = one(ashford.check(), "contract_years")
    assert item.status == status
    assert "five years" in item.source
    if years == 4:
        assert "4 years, less than five" in item.detail


@pytest.mark.parametrize("form", ["contractual-joint-venture", "corporate-joint-venture"])
@pytest.mark.parametrize(
    "fields",
    [{}, {"voting_rule": VotingRule.UNANIMOUS}, {"voting_weights": "Equal votes."}],
)
def test_a_joint_venture_without_its_voting_rule_or_weights_warns(ashford, form, fields):
    lead_provider(ashford, form, **fields)
    assert one(ashford.check(), "voting").status == WARNING


def test_a_joint_venture_with_its_voting_rule_and_weights_passes(ashford):
    lead_provider(ashford, voting_rule=VotingRule.UNANIMOUS, voting_weights="Equal votes.")
    item = one(ashford.check(), "voting")
    assert item.status == PASS and "unanimously" in item.detail


@pytest.mark.parametrize(
    ("form", "says"),
    [
        ("contractual-joint-venture", "kept by each participant"),
        ("corporate-joint-venture", "referred back to the shareholders"),
    ],
)
def test_a_joint_venture_without_reserved_matters_warns(ashford, form, says):
    lead_provider(ashford, form)
    item = one(ashford.check(), "reserved_matters")
    assert item.status == WARNING and says in item.detail
    ashford.arrangement.reserved_matters = "Each keeps its own estates."
    ashford.arrangement.save()
    assert one(ashford.check(), "reserved_matters").status == PASS


@pytest.mark.parametrize("form", ["sub-contractor", "contractual-joint-venture"])
@pytest.mark.parametrize("guarantee", ["", Guarantee.NOT_GIVEN])
def test_an_arrangement_without_a_parent_company_guarantee_warns(ashford, form, guarantee):
    lead_provider(ashford, form, guarantee=guarantee)
    item = one(ashford.check(), "guarantee")
    assert item.status == WARNING
    assert "UnitingCare" in item.detail and "UnitingCare" in item.source


def test_a_merger_needs_no_guarantee_voting_or_reserved_matters(ashford):
    lead_provider(ashford, "merger")
    assert not items(ashford.check(), "guarantee")
    assert not items(ashford.check(), "voting")
    assert not items(ashford.check(), "reserved_matters")


def test_no_risk_share_or_gp_participation_warns(ashford):
    lead_provider(ashford)
    result = ashford.check()
    assert one(result, "risk_share").status == WARNING
    assert one(result, "gp_participation").status == WARNING
    assert one(result, "risk_share").fix_url.fragment == "id_lead_risk_share"


# The check page ----------------------------------------------------------------------------------


def test_every_fix_names_a_page_that_exists(ashford):
    lead_provider(ashford, None)
    hold(ashford.place, "strategic_commissioning", ashford.board)
    for item in ashford.check():
        if item.fix_url and item.fix_url.name.startswith("delivery:"):
            reverse(item.fix_url.name, args=item.fix_url.args)


def test_the_check_reads_no_more_queries_with_a_whole_delivery_arrangement(ashford):
    baseline = queries_run_by(ashford.check)
    sound_lead_care_provider(ashford)
    assert queries_run_by(ashford.check) == baseline
