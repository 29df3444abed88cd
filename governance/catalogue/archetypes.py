"""What a delivery archetype (an option of a FrameworkKind.ARCHETYPES framework) says about
who holds what, in words: the kinds of holder the framework files name for each function, the
functions themselves and the forms a budget takes.

The holder kinds are the vocabulary of `GovernanceOption.function_holders`, defined here once
for the catalogue files, the catalogue pages and the design check. The function and budget
form keys are those of governance.delivery.models (DeliveryFunction, BudgetForm), which the
catalogue may not import; a test holds the names here to theirs."""

from __future__ import annotations

from dataclasses import dataclass

from governance.catalogue.models import GovernanceOption

HOLDER_KINDS: dict[str, str] = {
    "icb": "The ICB",
    "council": "The council",
    "lead_care_provider": "The lead care provider or partnership",
    "provider": "Providers (a trust, or a provider collaborative)",
    "place_body": "A body of the place, such as its partnership board or a joint committee",
    "gp_practices": "GP practices",
    "vcse": "Voluntary, community and social enterprise (VCSE) organisations",
}

# In the order pages list them; governance.delivery.models.DeliveryFunction takes its labels
# from here.
FUNCTION_NAMES: dict[str, str] = {
    "strategic_commissioning": "Strategic commissioning",
    "integrator": "The integrator function",
    "budget_holding": "Holding the budget",
    "contract_holding": "Holding the contracts",
    "gp_contracts": "GP contracts (GMS and PMS)",
    "neighbourhood_delivery": "Neighbourhood delivery",
}

# governance.delivery.models.BudgetForm takes its labels from here.
BUDGET_FORM_NAMES: dict[str, str] = {
    "delegated": "Delegated to the place by the ICB",
    "pooled_section_75": "Pooled with the council under section 75",
    "capitated": "A risk-based capitated budget for a defined population",
}


@dataclass(frozen=True)
class FunctionHolders:
    """One function of an archetype: who may hold it, in words, and the passage it restates."""

    function: str
    name: str
    holders: list[str]
    source: str


@dataclass(frozen=True)
class ArchetypeProfile:
    """An archetype's function holders, budget forms and asks of partners, as pages show them."""

    functions: list[FunctionHolders]
    budget_forms: list[str]
    budget_source: str
    section_75_source: str

    @property
    def described(self) -> bool:
        return bool(self.functions or self.budget_forms)


def holder_words(kind: str) -> str:
    return HOLDER_KINDS.get(kind, kind)


def archetype_profile(option: GovernanceOption) -> ArchetypeProfile:
    """Every function the option names a holder for, in the order pages list functions."""
    holders: dict[str, list[str]] = option.function_holders or {}
    sources: dict[str, str] = option.sources or {}
    ordered = [key for key in FUNCTION_NAMES if key in holders] + [
        key for key in holders if key not in FUNCTION_NAMES
    ]
    return ArchetypeProfile(
        functions=[
            FunctionHolders(
                function=key,
                name=FUNCTION_NAMES.get(key, key),
                holders=[holder_words(kind) for kind in holders[key]],
                source=sources.get(key, ""),
            )
            for key in ordered
        ],
        budget_forms=[BUDGET_FORM_NAMES.get(form, form) for form in option.budget_forms or []],
        budget_source=sources.get("budget_form", ""),
        section_75_source=sources.get("section_75", ""),
    )
