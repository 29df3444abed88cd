"""How the place delivers care, against its delivery archetype (the 2025 operating model's
place partnership or lead care provider): who holds each function, the budget's form, and the
contracting form of a lead provider arrangement. Each rule cites the source passage it
restates, from the framework data.

Every function holder is of one kind (`holder_kind`): one of the place's bodies, the ICB, a
council, the lead care provider, GP practices, a voluntary, community or social enterprise
organisation, or another provider. The archetype option says which kinds may hold each
function (`function_holders`) and which forms its budget takes (`budget_forms`); what the
archetype's passages say is in its `sources`, under these keys (a passage restated here is
used where the framework has none):

- `functions`: where the archetype places each function;
- `budget`: the forms of budget it gives a place;
- `section_75`: its reliance on a section 75 agreement with local government;
- `lead_care_provider`: the provider or partnership that leads care;
- `gp_contracts`: GP contracts held by the lead care provider, with GPs' support.

The lead provider arrangement's rules restate the King's Fund report on contracting and
organisational forms for new care models (file 003 of the reference documents)."""

from __future__ import annotations

from design.check_items import FAIL, PASS, WARNING, CheckItem, Design, Fix, sentence
from governance.catalogue.models import GovernanceOption
from governance.delivery.models import (
    BudgetForm,
    DeliveryArrangement,
    DeliveryFunction,
    FunctionHolding,
    Guarantee,
)
from governance.delivery.selectors import (
    HOLDER_KINDS,
    holder_kinds_in_words,
    leads_with_a_care_provider,
)
from partners.legal_forms import LegalForm, facts_of
from partners.models import Sector

GP_SECTORS = frozenset({Sector.GP_PRACTICE, Sector.GP_FEDERATION, Sector.PRIMARY_CARE_NETWORK})
VCSE_SECTORS = frozenset({Sector.VCFSE, Sector.HOSPICE})

# The contracting forms (DeliveryModel slugs) whose rules differ.
SUB_CONTRACT = "sub-contractor"
CONTRACTUAL_JV = "contractual-joint-venture"
CORPORATE_JV = "corporate-joint-venture"
JOINT_VENTURES = frozenset({CONTRACTUAL_JV, CORPORATE_JV})
GUARANTEED_FORMS = JOINT_VENTURES | {SUB_CONTRACT}
SHORTEST_CONTRACT = 5  # years

# The archetypes' passages, restated, for a framework whose data has none for a rule.
ARCHETYPE_PASSAGES = {
    "functions": "The 2025 delivery archetypes: under both, the ICB keeps commissioning; a place "
    "partnership's integrator may be the ICB or be shared with providers, while a lead care "
    "provider or partnership holds the integrator function and the budget itself.",
    "budget": "The 2025 delivery archetypes: a place partnership receives budgets delegated to "
    "place and pools with the council through section 75; a lead care provider holds a "
    "capitated budget, weighted by risk, for a defined population.",
    "section_75": "The 2025 delivery archetypes: both rely on working closely with local "
    "government through section 75 agreements.",
    "lead_care_provider": "The 2025 delivery archetypes: the integrator function sits with a "
    "lead care provider or partnership, which may be any provider or provider collaborative.",
    "gp_contracts": "The 2025 delivery archetypes: the lead care provider takes on the GP "
    "contracts only where GPs support it, and otherwise sub-contracts providers for that care.",
}

# The King's Fund report on contracting and organisational forms, restated.
FORMS_PASSAGES = {
    "contracting_form": "King's Fund, contracting for new care models: commissioners and "
    "providers must choose how the lead entity binds the providers together, from "
    "sub-contracts through contractual and corporate joint ventures to a merger.",
    "contract_years": "King's Fund, contracting and procurement: the sites planned contracts "
    "of five years at the least, and often of 10 to 15, so that providers have time to invest "
    "in services and change them.",
    "voting": "King's Fund, decision-making: where the lead provider is a contractual or "
    "corporate joint venture, the participants must agree their voting rights, how much each "
    "vote weighs, and whether a majority or everyone decides.",
    "reserved_contractual": "King's Fund, decision-making: in a contractual joint venture the "
    "participants must agree what they decide together and what each keeps for itself.",
    "reserved_corporate": "King's Fund, decision-making: in a corporate joint venture the "
    "participants must settle which questions go back to the shareholders.",
    "guarantee": "King's Fund, the end of the UnitingCare contract: the partnership was a "
    "limited liability partnership without guarantees from its parent trusts, so "
    "commissioners shared the losses; they should require parent company guarantees.",
    "risk_share": "King's Fund, risk and reward: the partners must decide how savings and "
    "losses are shared, according to the risk each one bears.",
    "gp_participation": "King's Fund, bringing GPs in: GPs may join as partners bearing risk, "
    "take part in governance without bearing risk, or deliver care as sub-contractors or "
    "salaried employees, and the arrangement must say which.",
}


def holder_kind(holding: FunctionHolding, delivery: DeliveryArrangement | None) -> str:
    """The kind of holder a function is with, as an archetype's `function_holders` names it."""
    if holding.holder_committee_id is not None:
        return "place_body"
    organisation = holding.holder_organisation
    if organisation is None:
        return "provider"
    if organisation.legal_form == LegalForm.ICB:
        return "icb"
    if delivery is not None and organisation.pk == delivery.lead_care_provider_id:
        return "lead_care_provider"
    if facts_of(organisation.legal_form).local_authority:
        return "council"
    if organisation.sector in GP_SECTORS:
        return "gp_practices"
    if organisation.sector in VCSE_SECTORS:
        return "vcse"
    return "provider"


def _archetype(design: Design) -> GovernanceOption | None:
    return design.delivery.archetype if design.delivery is not None else None


# Where the framework data keeps the passage for each rule here, when it names it otherwise.
DATA_KEYS = {"budget": "budget_form", "lead_care_provider": "integrator"}

# What each function is, as the object of "holds": "holds the budget", not "holds holding
# the budget".
HELD = {
    DeliveryFunction.STRATEGIC_COMMISSIONING: "strategic commissioning",
    DeliveryFunction.INTEGRATOR: "the integrator function",
    DeliveryFunction.BUDGET_HOLDING: "the budget",
    DeliveryFunction.CONTRACT_HOLDING: "the contracts",
    DeliveryFunction.GP_CONTRACTS: "the GP contracts (GMS and PMS)",
    DeliveryFunction.NEIGHBOURHOOD_DELIVERY: "neighbourhood delivery",
}


def _source(option: GovernanceOption | None, rule: str, fallback: str = "") -> str:
    """The archetype's passage for `rule`, from its framework data, or else restated here."""
    sources = (option.sources or {}) if option is not None else {}
    found = sources.get(DATA_KEYS.get(rule, rule), "") or sources.get(fallback, "")
    return found or ARCHETYPE_PASSAGES[fallback or rule]


def _holder_name(design: Design, holding: FunctionHolding) -> str:
    if holding.holder_committee_id is not None:
        body = next((c for c in design.committees if c.pk == holding.holder_committee_id), None)
        return body.name if body is not None else "a body of the place"
    organisation = holding.holder_organisation
    return organisation.name if organisation is not None else "an organisation"


def _fix_holder(design: Design, function: str) -> Fix:
    return Fix("delivery:holder", (design.place.pk, function))


def _fix_archetype(design: Design) -> Fix:
    return Fix("delivery:archetype", (design.place.pk,))


def _fix_partners(design: Design) -> Fix:
    return Fix("delivery:partners", (design.place.pk,))


def _fix_terms(design: Design, field: str) -> Fix:
    return Fix("delivery:terms", (design.place.pk,), f"id_{field}")


def function_holders(design: Design) -> list[CheckItem]:
    """Who holds each function, against what the place's archetype allows; with the budget's
    form, the section 75 council, the lead care provider, GP contracts, and the archetype the
    place proposed."""
    option = _archetype(design)
    if option is None and not design.holdings:
        return archetype_proposal(design)
    if option is None:
        return [
            CheckItem(
                "archetype",
                "The place records its delivery archetype",
                WARNING,
                f"{design.place.name} records who holds functions but not the archetype it "
                "follows, so they cannot be checked against it. Record the archetype.",
                _fix_archetype(design),
                source=_source(None, "functions"),
            ),
            *archetype_proposal(design),
        ]
    return [
        *_holdings(design, option),
        *budget(design, option),
        *section_75(design, option),
        *lead_care_provider(design, option),
        *gp_contracts(design, option),
        *archetype_proposal(design),
    ]


def _holdings(design: Design, option: GovernanceOption) -> list[CheckItem]:
    """Each function the archetype places has a holder, of a kind it allows."""
    allowed_by_function = option.function_holders or {}
    items = []
    for function, label in DeliveryFunction.choices:
        source = _source(option, function, fallback="functions")
        held = HELD[DeliveryFunction(function)]
        allowed = list(allowed_by_function.get(function, []))
        holding = design.holdings.get(function)
        if not allowed and holding is None:
            continue
        title = f"{label}: held where {option.name} places it"
        fix = _fix_holder(design, function)
        if holding is None:
            items.append(
                CheckItem(
                    "function_holder",
                    title,
                    WARNING,
                    f"No one is recorded as holding {held}. Under {option.name} it "
                    f"sits with {holder_kinds_in_words(allowed)}: record who holds it.",
                    fix,
                    str(label),
                    source,
                )
            )
            continue
        kind = holder_kind(holding, design.delivery)
        name = _holder_name(design, holding)
        if allowed and kind not in allowed:
            items.append(
                CheckItem(
                    "function_holder",
                    title,
                    FAIL,
                    f"{name} ({HOLDER_KINDS[kind]}) holds {held}, but under "
                    f"{option.name} it sits with {holder_kinds_in_words(allowed)}. Give it to "
                    f"{holder_kinds_in_words(allowed)}, or record the archetype the place "
                    "follows.",
                    fix,
                    str(label),
                    source,
                )
            )
        else:
            where = f", as {option.name} places it" if allowed else f"; {option.name} does not say"
            items.append(
                CheckItem(
                    "function_holder",
                    title,
                    PASS,
                    f"{name} ({HOLDER_KINDS[kind]}) holds {held}{where}.",
                    subject=str(label),
                    source=source,
                )
            )
    return items


def budget(design: Design, option: GovernanceOption) -> list[CheckItem]:
    """The budget takes a form the archetype gives it."""
    delivery = design.delivery
    assert delivery is not None
    forms = list(option.budget_forms or [])
    listed = [str(BudgetForm(f).label).lower() for f in forms if f in BudgetForm.values]
    title = f"The budget takes a form {option.name} gives it"
    source = _source(option, "budget")
    fix = _fix_archetype(design)
    chosen = delivery.budget_form
    if not chosen:
        return [
            CheckItem(
                "budget_form",
                title,
                WARNING,
                f"The place records no form for its budget. Under {option.name} it is "
                f"{' or '.join(listed) or 'not given'}: record which.",
                fix,
                source=source,
            )
        ]
    words = delivery.get_budget_form_display().lower()
    if chosen not in forms:
        why = (
            f"{option.name} gives no provider a capitated budget"
            if chosen == BudgetForm.CAPITATED
            else f"{option.name} does not give a place's budget that form"
        )
        return [
            CheckItem(
                "budget_form",
                title,
                FAIL,
                f"The budget is recorded as {words}, but {why}. Choose "
                f"{' or '.join(listed) or 'the form the archetype gives'}, or the archetype "
                "that gives this form.",
                fix,
                source=source,
            )
        ]
    return [
        CheckItem(
            "budget_form",
            title,
            PASS,
            f"The budget is {words}, a form {option.name} gives it.",
            source=source,
        )
    ]


def section_75(design: Design, option: GovernanceOption) -> list[CheckItem]:
    """A pooled budget needs its section 75 council; either archetype relies on one."""
    delivery = design.delivery
    assert delivery is not None
    title = "A section 75 agreement with the council is recorded"
    source = _source(option, "section_75")
    council = delivery.section_75_council
    if council is not None:
        return [
            CheckItem(
                "section_75",
                title,
                PASS,
                f"The ICB has a section 75 agreement with {council.name} for the place.",
                source=source,
            )
        ]
    if delivery.budget_form == BudgetForm.POOLED_SECTION_75:
        return [
            CheckItem(
                "section_75",
                title,
                FAIL,
                "The budget is pooled under section 75, but no council is recorded as the "
                "other party to the agreement. Record the section 75 council.",
                _fix_partners(design),
                source=source,
            )
        ]
    return [
        CheckItem(
            "section_75",
            title,
            WARNING,
            f"{option.name} relies on working with local government through a section 75 "
            "agreement, and none is recorded. Record the council the agreement is with.",
            _fix_partners(design),
            source=source,
        )
    ]


def lead_care_provider(design: Design, option: GovernanceOption) -> list[CheckItem]:
    """The lead care provider archetype names its lead care provider."""
    if not leads_with_a_care_provider(option):
        return []
    delivery = design.delivery
    assert delivery is not None
    title = "The lead care provider is recorded"
    source = _source(option, "lead_care_provider")
    provider = delivery.lead_care_provider
    if provider is None:
        return [
            CheckItem(
                "lead_care_provider",
                title,
                FAIL,
                f"{option.name} places the integrator function and the budget with a lead "
                "care provider, and none is recorded. Record the provider or partnership that "
                "leads care.",
                _fix_partners(design),
                source=source,
            )
        ]
    return [
        CheckItem(
            "lead_care_provider",
            title,
            PASS,
            f"{provider.name} leads care for the place.",
            source=source,
        )
    ]


def gp_contracts(design: Design, option: GovernanceOption) -> list[CheckItem]:
    """GP contracts held by the lead care provider need GPs' support."""
    holding = design.holdings.get(DeliveryFunction.GP_CONTRACTS)
    delivery = design.delivery
    assert delivery is not None
    if holding is None or holder_kind(holding, delivery) != "lead_care_provider":
        return []
    title = "GPs support the lead care provider holding their contracts"
    source = _source(option, "gp_contracts")
    if delivery.gp_support:
        return [
            CheckItem(
                "gp_contracts",
                title,
                PASS,
                f"{_holder_name(design, holding)} holds the GP contracts, with GPs' support.",
                source=source,
            )
        ]
    return [
        CheckItem(
            "gp_contracts",
            title,
            WARNING,
            f"{_holder_name(design, holding)} holds the GP contracts, but GPs' support for it "
            "is not recorded. Record their support, or sub-contract GP care instead.",
            _fix_terms(design, "gp_support"),
            source=source,
        )
    ]


def archetype_proposal(design: Design) -> list[CheckItem]:
    """The archetype the place proposed in a round, beside the one it records."""
    response = design.archetype_response
    if response is None or not response.proposed_option_set:
        return []
    framework = response.round.framework
    proposed = next(
        (
            o
            for o in (design.archetype_options or [])
            if o.framework_id == framework.pk and str(o.number) == response.proposed_option_set
        ),
        None,
    )
    proposed_name = (
        proposed.name if proposed is not None else f"option {response.proposed_option_set}"
    )
    recorded = _archetype(design)
    title = "The recorded archetype is the one proposed"
    source = framework.source
    if recorded is not None and proposed is not None and recorded.pk == proposed.pk:
        return [
            CheckItem(
                "archetype_proposal",
                title,
                PASS,
                f"Proposed {proposed_name} in {response.round.title}; recorded the same.",
                source=source,
            )
        ]
    detail = (
        f"Proposed {proposed_name} in {response.round.title}, but "
        + (f"recorded {recorded.name}." if recorded is not None else "recorded no archetype.")
        + " Record the archetype the place follows, or propose it in the next round."
    )
    return [
        CheckItem(
            "archetype_proposal", title, WARNING, detail, _fix_archetype(design), source=source
        )
    ]


# The lead provider arrangement --------------------------------------------------------------


def contracting_form(design: Design) -> list[CheckItem]:
    """The lead provider arrangement's contracting form, against the source's lessons: where
    the place follows the lead care provider archetype, or has recorded a form."""
    delivery = design.delivery
    if delivery is None:
        return []
    form = delivery.contracting_form
    if form is None and not leads_with_a_care_provider(delivery.archetype):
        return []
    place = design.place
    if form is None:
        return [
            CheckItem(
                "contracting_form",
                "The lead provider arrangement's contracting form is recorded",
                WARNING,
                "The place follows the lead care provider archetype but records no contracting "
                "form for the arrangement. Record how the providers are bound together.",
                Fix("delivery:contracting_form", (place.pk,)),
                source=FORMS_PASSAGES["contracting_form"],
            ),
            *_contract_terms(design, delivery),
        ]
    return [
        CheckItem(
            "contracting_form",
            "The lead provider arrangement's contracting form is recorded",
            PASS,
            f"The arrangement is a {form.name.lower()}.",
            source=FORMS_PASSAGES["contracting_form"],
        ),
        *_contract_terms(design, delivery),
        *_joint_venture_terms(design, delivery, form.slug, form.name),
    ]


def _item(
    code: str, title: str, problem: str | None, done: str, fix: Fix, source: str
) -> CheckItem:
    """A warning saying `problem` (with `fix`), or a pass saying `done`."""
    if problem:
        return CheckItem(code, title, WARNING, problem, fix, source=source)
    return CheckItem(code, title, PASS, done, source=source)


def _contract_terms(design: Design, delivery: DeliveryArrangement) -> list[CheckItem]:
    years = delivery.contract_years
    share = delivery.lead_risk_share
    return [
        _item(
            "contract_years",
            "The contract runs long enough for providers to invest",
            "The contract's length is not recorded. Record it: the source expects five years "
            "at the least."
            if years is None
            else f"The contract runs {years} year{'' if years == 1 else 's'}, less than five. "
            "Providers need longer to invest in and change services: consider five years or "
            "more, often 10 to 15."
            if years < SHORTEST_CONTRACT
            else None,
            f"The contract runs {years} years.",
            _fix_terms(design, "contract_years"),
            FORMS_PASSAGES["contract_years"],
        ),
        _item(
            "risk_share",
            "The lead provider's share of risk and reward is agreed",
            "How much of the risk and reward the lead provider bears is not recorded. Record "
            "the share it bears."
            if share is None
            else None,
            f"The lead provider bears {share}% of the risk and reward.",
            _fix_terms(design, "lead_risk_share"),
            FORMS_PASSAGES["risk_share"],
        ),
        _item(
            "gp_participation",
            "How GPs take part is agreed",
            "How GPs take part in the arrangement is not recorded. Say whether they join as "
            "partners, take part in its governance, sub-contract or are employed."
            if not delivery.gp_participation
            else None,
            "How GPs take part is recorded.",
            _fix_terms(design, "gp_participation"),
            FORMS_PASSAGES["gp_participation"],
        ),
    ]


def _joint_venture_terms(
    design: Design, delivery: DeliveryArrangement, slug: str, name: str
) -> list[CheckItem]:
    items = []
    if slug in JOINT_VENTURES:
        missing = [
            words
            for words, given in (
                ("how they decide (by majority or unanimously)", delivery.voting_rule),
                ("how much each participant's vote weighs", delivery.voting_weights),
            )
            if not given
        ]
        items.append(
            _item(
                "voting",
                "The participants' voting rights are agreed",
                sentence(f"a {name.lower()} needs agreed voting rights, and ")
                + " and ".join(missing)
                + " "
                + ("is" if len(missing) == 1 else "are")
                + " not recorded. Record them."
                if missing
                else None,
                f"The participants decide {delivery.get_voting_rule_display().lower()}, with "
                "weights recorded.",
                _fix_terms(design, "voting_rule_0"),
                FORMS_PASSAGES["voting"],
            )
        )
        corporate = slug == CORPORATE_JV
        items.append(
            _item(
                "reserved_matters",
                "What goes back to the shareholders is agreed"
                if corporate
                else "What each participant keeps for itself is agreed",
                (
                    "Nothing is recorded as referred back to the shareholders. Record which "
                    "questions the venture's board refers to them."
                    if corporate
                    else "Nothing is recorded as kept by each participant. Record which "
                    "questions each decides for itself, and which they decide together."
                )
                if not delivery.reserved_matters
                else None,
                "The reserved matters are recorded.",
                _fix_terms(design, "reserved_matters"),
                FORMS_PASSAGES["reserved_corporate" if corporate else "reserved_contractual"],
            )
        )
    if slug in GUARANTEED_FORMS:
        items.append(
            _item(
                "guarantee",
                "The parent organisations guarantee the arrangement",
                (
                    "The parent organisations give no guarantee"
                    if delivery.guarantee == Guarantee.NOT_GIVEN
                    else "No parent company guarantee is recorded"
                )
                + ": if the arrangement fails, its losses fall on the commissioners, as they "
                "did when the UnitingCare contract ended. Seek a guarantee and record it."
                if delivery.guarantee != Guarantee.GIVEN
                else None,
                "The parent organisations guarantee the arrangement.",
                _fix_terms(design, "guarantee_0"),
                FORMS_PASSAGES["guarantee"],
            )
        )
    return items
