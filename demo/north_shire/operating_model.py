"""North Shire under the 2025 operating model, beside the 2021 framework its other rounds use:
the system's and the neighbourhoods' populations and who leads each neighbourhood; how two
places deliver care (Coldharbour as a place partnership with a section 75 pool, Elmsworth
with a lead care provider holding a capitated budget under a contractual joint venture); and
an open round on the delivery archetypes, with Elmsworth's response submitted and
Coldharbour's in draft.

Some of it is left for the design check to find, as in any real system: a neighbourhood
smaller than the source's typical footprint, and a joint venture with no parent company
guarantee."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from demo.build.consultation import (
    RatingText,
    answer_write,
    proposal_write,
    rating_write,
    response_submit_by_lead,
)
from demo.north_shire.sign_ins import demo_user
from governance.catalogue.models import DeliveryModel, GovernanceOption, OptionFramework
from governance.consultation.responses import response_get_or_create, response_sheet
from governance.consultation.round_setup import round_create
from governance.delivery.models import (
    BudgetForm,
    DeliveryArrangement,
    DeliveryFunction,
    FunctionHolding,
    Guarantee,
    VotingRule,
)
from partners.models import Neighbourhood, NeighbourhoodLead, Organisation, Place, System

# The system's population is its places' together.
NEIGHBOURHOODS: dict[str, list[tuple[str, int, str, str]]] = {
    # place: (name, population, who leads it, the lead organisation's name or "")
    "Ashworth": [
        ("Millbrook", 42_000, NeighbourhoodLead.PCN, "Ashworth Central Primary Care Network"),
        ("Harrowgate", 38_500, NeighbourhoodLead.VCSE, "Ashworth Community Voluntary Service"),
    ],
    "Dunmore Coast": [
        ("Saltby", 34_000, NeighbourhoodLead.PCN, "Dunmore Coast Central Primary Care Network"),
        # Smaller than the source's typical neighbourhood: the design check says so.
        ("Fennick Bay", 21_500, "", ""),
    ],
    "Elmsworth": [
        (
            "Elm Park",
            46_000,
            NeighbourhoodLead.INTEGRATOR,
            "Dunmore and Elmsworth Health and Care NHS Trust",
        ),
        ("Wyke Hollow", 39_000, NeighbourhoodLead.PCN, "Elmsworth Central Primary Care Network"),
        (
            "Castle Mead",
            33_000,
            NeighbourhoodLead.PROVIDER_COLLABORATIVE,
            "Elmsworth GP Federation",
        ),
    ],
}

ICB = "NHS North Shire Integrated Care Board"
ELMSWORTH_LEAD = "Dunmore and Elmsworth Health and Care NHS Trust"

# Who holds each function, by place: the organisation's name.
HOLDERS = {
    "Coldharbour": {
        DeliveryFunction.STRATEGIC_COMMISSIONING: ICB,
        DeliveryFunction.INTEGRATOR: "North Shire Community Health NHS Trust",
        DeliveryFunction.BUDGET_HOLDING: ICB,
        DeliveryFunction.CONTRACT_HOLDING: ICB,
        DeliveryFunction.GP_CONTRACTS: ICB,
        DeliveryFunction.NEIGHBOURHOOD_DELIVERY: "Coldharbour Central Primary Care Network",
    },
    "Elmsworth": {
        DeliveryFunction.STRATEGIC_COMMISSIONING: ICB,
        DeliveryFunction.INTEGRATOR: ELMSWORTH_LEAD,
        DeliveryFunction.BUDGET_HOLDING: ELMSWORTH_LEAD,
        DeliveryFunction.CONTRACT_HOLDING: ELMSWORTH_LEAD,
        DeliveryFunction.GP_CONTRACTS: "Elmsworth GP Federation",
        DeliveryFunction.NEIGHBOURHOOD_DELIVERY: ELMSWORTH_LEAD,
    },
}


def build_geography(system: System, places: dict[str, Place]) -> None:
    """Populations for the system and the neighbourhoods, and who leads each neighbourhood."""
    system.population = sum(place.population or 0 for place in places.values())
    system.save(update_fields=["population"])
    for place_name, rows in NEIGHBOURHOODS.items():
        place = places[place_name]
        for name, population, lead_kind, lead_name in rows:
            Neighbourhood.objects.update_or_create(
                place=place,
                name=name,
                defaults={
                    "population": population,
                    "lead_kind": lead_kind,
                    "lead_organisation": _organisation(system, lead_name) if lead_name else None,
                },
            )


def _organisation(system: System, name: str) -> Organisation:
    return Organisation.objects.get(system=system, name=name)


def _archetype(framework: OptionFramework, number: int) -> GovernanceOption:
    return framework.options.get(number=number)


def build_delivery(system: System, places: dict[str, Place], framework: OptionFramework) -> None:
    """Coldharbour as a place partnership; Elmsworth with a lead care provider."""
    admin = demo_user("icb.admin")
    DeliveryArrangement.objects.create(
        place=places["Coldharbour"],
        archetype=_archetype(framework, 1),
        budget_form=BudgetForm.POOLED_SECTION_75,
        section_75_council=_organisation(system, "Coldharbour County Council"),
        updated_by=admin,
    )
    DeliveryArrangement.objects.create(
        place=places["Elmsworth"],
        archetype=_archetype(framework, 2),
        budget_form=BudgetForm.CAPITATED,
        section_75_council=_organisation(system, "Elmsworth Metropolitan Borough Council"),
        lead_care_provider=_organisation(system, ELMSWORTH_LEAD),
        gp_support=True,
        contracting_form=DeliveryModel.objects.filter(slug="contractual-joint-venture").first(),
        contract_years=10,
        lead_risk_share=60,
        voting_rule=VotingRule.MAJORITY,
        voting_weights="Each partner has one vote; the lead care provider has a casting vote "
        "on the capitated budget.",
        reserved_matters="Each partner keeps its own workforce and estates decisions, and any "
        "change to the services it is contracted for.",
        guarantee=Guarantee.NOT_GIVEN,
        gp_participation="Practices in Elmsworth take part through the GP federation, as "
        "sub-contractors; they keep their own GMS contracts.",
        updated_by=admin,
    )
    for place_name, holders in HOLDERS.items():
        for function, organisation_name in holders.items():
            FunctionHolding.objects.create(
                place=places[place_name],
                function=function,
                holder_organisation=_organisation(system, organisation_name),
                updated_by=admin,
            )


def _view(option: GovernanceOption, band: str) -> RatingText:
    return RatingText(
        band=band,
        reasons=f"How our partners see the {option.short_name.lower()} archetype for the "
        "left shift.",
        agreement="",  # the framework suggests no rating to agree with
    )


def build_archetypes_round(
    system: System, places: dict[str, Place], framework: OptionFramework
) -> None:
    """An open round on the 2025 delivery archetypes: Elmsworth has submitted, proposing a
    lead care provider; Coldharbour has a draft proposing a place partnership."""
    now = timezone.now()
    consultation = round_create(
        actor=demo_user("icb.admin"),
        system=system,
        framework=framework,
        title="Delivery models for the left shift 2026/27",
        opens_at=now - timedelta(days=1),
        closes_at=now + timedelta(days=35),
        purpose="Tell us which delivery archetype your place will follow to move care from "
        "hospital to home, and who should hold each function.",
    )
    sheet = response_sheet(round=consultation, response=None)

    elmsworth = response_get_or_create(round=consultation, place=places["Elmsworth"])
    writer = demo_user("member1.elmsworth")
    proposal_write(
        actor=writer,
        response=elmsworth,
        option_numbers=[2],
        case="Our combined trust already runs community, mental health and much of primary "
        "care; holding a capitated budget lets it move money into neighbourhood teams.",
    )
    for question in sheet.questions:
        answer_write(
            writer,
            elmsworth,
            question,
            f"Elmsworth's answer to question {question.order}.",
            choice=question.choices[0] if question.choices else None,
        )
    for option in sheet.options:
        for principle in sheet.principles:
            rating_write(
                actor=writer,
                response=elmsworth,
                option=option,
                principle=principle,
                rating=_view(option, "high" if option.number == 2 else "medium"),
            )
    response_submit_by_lead(lead=demo_user("lead.elmsworth"), response=elmsworth)

    coldharbour = response_get_or_create(round=consultation, place=places["Coldharbour"])
    proposal_write(
        actor=demo_user("member1.coldharbour"),
        response=coldharbour,
        option_numbers=[1],
        case="Our partnership board and the county council already pool a budget under "
        "section 75; we would build on it.",
    )
