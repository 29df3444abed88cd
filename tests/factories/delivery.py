"""How a place delivers care: a small framework of delivery archetypes shaped like the 2025
one, the catalogue's contracting forms, and a place's arrangement and function holders.

The framework is built here, not loaded, so a test reads exactly the data it checks against:
option 1 (place partnership) and option 2 (lead care provider/partnership), each saying who
may hold each function and which forms its budget takes, with a passage for each rule."""

from __future__ import annotations

from datetime import date
from typing import Any

import factory
from factory.django import DjangoModelFactory

from governance.catalogue.models import (
    DeliveryModel,
    DeliveryModelKind,
    FrameworkKind,
    GovernanceOption,
    OptionFramework,
)
from governance.delivery.models import DeliveryArrangement, FunctionHolding
from tests.factories.partners import PlaceFactory

# Not the real framework's slug (operating-model-2025), which the catalogue may load too.
ARCHETYPES_SLUG = "test-delivery-archetypes"
PLACE_PARTNERSHIP = 1
LEAD_CARE_PROVIDER = 2

_PASSAGES = {
    "functions": "Test archetypes: where each function sits.",
    "budget": "Test archetypes: the forms a budget takes.",
    "section_75": "Test archetypes: both rely on section 75 agreements.",
    "lead_care_provider": "Test archetypes: a lead care provider holds the integrator function.",
    "gp_contracts": "Test archetypes: GP contracts only with GPs' support.",
}


def make_archetypes_framework(*, slug: str = ARCHETYPES_SLUG) -> OptionFramework:
    """A framework of kind "archetypes" with its two options, made once per slug."""
    framework, created = OptionFramework.objects.get_or_create(
        slug=slug,
        defaults={
            "name": "Operating model 2025 (test)",
            "kind": FrameworkKind.ARCHETYPES,
            "source": "Test delivery archetypes",
            "published_on": date(2025, 7, 1),
        },
    )
    if not created:
        return framework
    GovernanceOption.objects.create(
        framework=framework,
        number=PLACE_PARTNERSHIP,
        name="Place partnership",
        short_name="Place partnership",
        summary="The ICB delegates to place and works with the council.",
        function_holders={
            "strategic_commissioning": ["icb"],
            "integrator": ["icb", "place_body", "provider"],
            "budget_holding": ["icb", "place_body"],
            "contract_holding": ["icb", "place_body", "provider"],
        },
        budget_forms=["delegated", "pooled_section_75"],
        asks_of_local_government="Pool budgets through section 75 agreements.",
        asks_of_primary_care="Take part in the partnership's governance.",
        sources=_PASSAGES,
    )
    GovernanceOption.objects.create(
        framework=framework,
        number=LEAD_CARE_PROVIDER,
        name="Lead care provider",
        short_name="Lead care provider",
        summary="A provider or partnership holds a capitated budget and the integrator function.",
        function_holders={
            "strategic_commissioning": ["icb"],
            "integrator": ["lead_care_provider"],
            "budget_holding": ["lead_care_provider"],
            "contract_holding": ["lead_care_provider"],
            "gp_contracts": ["lead_care_provider", "gp_practices"],
            "neighbourhood_delivery": ["lead_care_provider", "provider", "vcse", "gp_practices"],
        },
        budget_forms=["capitated", "pooled_section_75"],
        asks_of_local_government="Work as integrated teams on the wider determinants of health.",
        asks_of_primary_care="GPs may become salaried employees of the provider.",
        sources=_PASSAGES,
    )
    return framework


def archetype(number: int, *, slug: str = ARCHETYPES_SLUG) -> GovernanceOption:
    return make_archetypes_framework(slug=slug).options.get(number=number)


_FORMS = {
    "sub-contractor": ("Sub-contractor relationship", "separate", "Time-limited"),
    "contractual-joint-venture": ("Contractual joint venture", "shared", "Time-limited"),
    "corporate-joint-venture": ("Corporate joint venture", "shared", "Not stated"),
    "merger": ("Merger", "single", "Not time-limited"),
}


def contracting_form(slug: str) -> DeliveryModel:
    """One of the catalogue's integration forms (made if the catalogue is not loaded)."""
    name, governance, time_limited = _FORMS[slug]
    form, _ = DeliveryModel.objects.get_or_create(
        slug=slug,
        defaults={
            "kind": DeliveryModelKind.INTEGRATION_FORM,
            "name": name,
            "summary": f"{name}: a test form.",
            "contract_holder": "The lead",
            "risk": "Shared as agreed",
            "governance": governance,
            "legal_entity": "None",
            "time_limited": time_limited,
            "source": "kings_fund_forms",
            "order": list(_FORMS).index(slug) + 1,
            "points": [f"A lesson about the {name.lower()}."],
        },
    )
    return form


class DeliveryArrangementFactory(DjangoModelFactory):
    """A place's arrangement as a row: a test sets up exactly what it checks, including what
    the services would refuse."""

    class Meta:
        model = DeliveryArrangement

    place = factory.SubFactory(PlaceFactory)


class FunctionHoldingFactory(DjangoModelFactory):
    class Meta:
        model = FunctionHolding

    place = factory.SubFactory(PlaceFactory)
    function = "integrator"


def hold(place: Any, function: str, holder: Any) -> FunctionHolding:
    """`holder` (an organisation or a body) recorded as holding `function` for `place`."""
    from governance.structures.models import Committee

    if isinstance(holder, Committee):
        return FunctionHoldingFactory(place=place, function=function, holder_committee=holder)
    return FunctionHoldingFactory(place=place, function=function, holder_organisation=holder)
