"""The 2025 operating model across the national data set: every system's population (its
places' together), five to eight neighbourhoods in each place with their populations and
leads, and how each place delivers care (about a third through a lead care provider holding
a capitated budget under a joint venture, the rest as place partnerships), with a holder for
every function. Nothing is generated when the 2025 framework is not loaded."""

from __future__ import annotations

from demo.build.rows import bulk_insert
from demo.national.world import World, town_name
from governance.catalogue.models import DeliveryModel, OptionFramework
from governance.delivery.models import (
    BudgetForm,
    DeliveryArrangement,
    DeliveryFunction,
    FunctionHolding,
    Guarantee,
    VotingRule,
)
from partners.models import Neighbourhood, NeighbourhoodLead, Organisation, Sector, System

OPERATING_MODEL = "operating-model-2025"
PROVIDERS: set[str] = {Sector.COMBINED_TRUST, Sector.COMMUNITY_TRUST, Sector.MENTAL_HEALTH_TRUST}
GP_SECTORS: set[str] = {Sector.PRIMARY_CARE_NETWORK, Sector.GP_FEDERATION, Sector.GP_PRACTICE}
COUNCILS: set[str] = {Sector.UPPER_TIER_COUNCIL}


def generate_geography_and_delivery(world: World) -> None:
    framework = OptionFramework.objects.filter(slug=OPERATING_MODEL).first()
    for system in world.systems:
        system.population = sum(p.population or 0 for p in world.places_by_system[system.pk])
    System.objects.bulk_update(world.systems, ["population"], batch_size=500)
    _neighbourhoods(world)
    if framework is not None:
        _arrangements(world, framework)


def _first(organisations: list[Organisation], sectors: set[str]) -> Organisation | None:
    return next((o for o in organisations if o.sector in sectors), None)


def _neighbourhoods(world: World) -> None:
    rng = world.rng
    rows = []
    leads = list(NeighbourhoodLead)
    for place in world.places:
        partners = world.partners_by_place.get(place.pk, [])
        count = rng.randint(5, 8)
        share = (place.population or 300_000) // count
        names: set[str] = set()
        while len(names) < count:
            names.add(town_name(world, unique=False))
        for name in sorted(names):
            lead_kind = rng.choice(leads)
            sectors = GP_SECTORS if lead_kind == NeighbourhoodLead.PCN else PROVIDERS
            rows.append(
                Neighbourhood(
                    place=place,
                    name=name,
                    population=max(1, int(share * rng.uniform(0.6, 1.2))),
                    lead_kind=lead_kind if rng.random() < 0.9 else "",
                    lead_organisation=_first(partners, sectors),
                )
            )
    world.counts["neighbourhoods"] = len(bulk_insert(Neighbourhood, rows))


def _arrangements(world: World, framework: OptionFramework) -> None:
    rng = world.rng
    partnership, lead_care_provider = (
        framework.options.get(number=1),
        framework.options.get(number=2),
    )
    forms = list(DeliveryModel.objects.filter(kind="integration_form").order_by("order"))
    arrangements = []
    holdings = []
    for place in world.places:
        partners = world.partners_by_place.get(place.pk, [])
        icb = world.icb_by_system.get(place.system_id)
        if icb is None:  # a data set too small to give every system its ICB
            continue
        council = _first(partners, COUNCILS)
        provider = _first(partners, PROVIDERS) or icb
        gp = _first(partners, GP_SECTORS) or provider
        led = rng.random() < 0.33
        arrangements.append(
            DeliveryArrangement(
                place=place,
                archetype=lead_care_provider if led else partnership,
                budget_form=BudgetForm.CAPITATED if led else BudgetForm.POOLED_SECTION_75,
                section_75_council=council,
                lead_care_provider=provider if led else None,
                gp_support=led and rng.random() < 0.5,
                contracting_form=rng.choice(forms) if led and forms else None,
                contract_years=rng.choice([3, 5, 7, 10, 15]) if led else None,
                lead_risk_share=rng.randint(30, 80) if led else None,
                voting_rule=rng.choice(list(VotingRule)) if led else "",
                voting_weights="One vote for each partner." if led else "",
                reserved_matters="Workforce and estates." if led else "",
                guarantee=rng.choice(list(Guarantee)) if led else "",
            )
        )
        holder = {
            DeliveryFunction.STRATEGIC_COMMISSIONING: icb,
            DeliveryFunction.INTEGRATOR: provider,
            DeliveryFunction.BUDGET_HOLDING: provider if led else icb,
            DeliveryFunction.CONTRACT_HOLDING: provider if led else icb,
            DeliveryFunction.GP_CONTRACTS: gp if led else icb,
            DeliveryFunction.NEIGHBOURHOOD_DELIVERY: gp,
        }
        holdings += [
            FunctionHolding(place=place, function=function, holder_organisation=organisation)
            for function, organisation in holder.items()
        ]
    world.counts["delivery arrangements"] = len(bulk_insert(DeliveryArrangement, arrangements))
    world.counts["function holders"] = len(bulk_insert(FunctionHolding, holdings))
