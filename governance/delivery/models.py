"""How a place delivers care under a framework of delivery archetypes (the 2025 operating
model): the archetype it follows, the form its budget takes, who holds each function, and,
where a lead care provider holds the contract, the contracting form of that arrangement.

Each place has at most one DeliveryArrangement and one FunctionHolding per function. Both are
edited through forms by several people, so each carries a `version` and keeps its history."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from core.locking import VersionedModel
from governance.catalogue.archetypes import BUDGET_FORM_NAMES, FUNCTION_NAMES
from governance.catalogue.models import DeliveryModel, GovernanceOption
from partners.models import Organisation, Place

# The names come from the catalogue, which describes the archetypes in the same words and
# may not import this room.
_function = FUNCTION_NAMES.__getitem__
_budget = BUDGET_FORM_NAMES.__getitem__


class DeliveryFunction(models.TextChoices):
    """The functions whose holders a place records, in the order pages list them."""

    STRATEGIC_COMMISSIONING = "strategic_commissioning", _function("strategic_commissioning")
    INTEGRATOR = "integrator", _function("integrator")
    BUDGET_HOLDING = "budget_holding", _function("budget_holding")
    CONTRACT_HOLDING = "contract_holding", _function("contract_holding")
    GP_CONTRACTS = "gp_contracts", _function("gp_contracts")
    NEIGHBOURHOOD_DELIVERY = "neighbourhood_delivery", _function("neighbourhood_delivery")


class BudgetForm(models.TextChoices):
    DELEGATED = "delegated", _budget("delegated")
    POOLED_SECTION_75 = "pooled_section_75", _budget("pooled_section_75")
    CAPITATED = "capitated", _budget("capitated")


class VotingRule(models.TextChoices):
    MAJORITY = "majority", "By majority"
    UNANIMOUS = "unanimous", "Unanimously"


class Guarantee(models.TextChoices):
    GIVEN = "given", "Yes, the parent organisations guarantee it"
    NOT_GIVEN = "not_given", "No guarantee is given"


class DeliveryArrangement(VersionedModel):
    """The place's delivery archetype and budget and, under a lead care provider, the terms
    of the lead provider arrangement (its contracting form and what the source says to agree)."""

    place = models.OneToOneField(
        Place, on_delete=models.PROTECT, related_name="delivery_arrangement"
    )
    archetype = models.ForeignKey(
        GovernanceOption,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The option of a delivery-archetypes framework the place follows.",
    )
    budget_form = models.CharField(max_length=30, choices=BudgetForm.choices, blank=True)
    section_75_council = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The council with which the ICB has a section 75 agreement for the place.",
    )
    lead_care_provider = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The provider or provider collaborative leading care for the place.",
    )
    gp_support = models.BooleanField(
        "GPs support the lead care provider holding their contracts", default=False
    )
    # The lead provider arrangement's contracting form and terms.
    contracting_form = models.ForeignKey(
        DeliveryModel,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"kind": "integration_form"},
    )
    contract_years = models.PositiveSmallIntegerField(
        "contract length (years)",
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(30)],
    )
    lead_risk_share = models.PositiveSmallIntegerField(
        "share of risk and reward the lead provider bears (%)",
        null=True,
        blank=True,
        validators=[MaxValueValidator(100)],
    )
    voting_rule = models.CharField(max_length=20, choices=VotingRule.choices, blank=True)
    voting_weights = models.TextField(
        blank=True, help_text="How much each participant's vote counts, and why."
    )
    reserved_matters = models.TextField(
        blank=True,
        help_text="What each participant keeps for itself (a contractual joint venture) or "
        "refers back to its shareholders (a corporate joint venture).",
    )
    guarantee = models.CharField(
        "parent company guarantee", max_length=20, choices=Guarantee.choices, blank=True
    )
    gp_participation = models.TextField(
        "how GPs take part", blank=True, help_text="As partners, sub-contractors or employees."
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(lead_risk_share__isnull=True) | Q(lead_risk_share__lte=100),
                name="delivery_risk_share_a_percentage",
            ),
        ]

    def __str__(self) -> str:
        return f"How {self.place} delivers care"


class FunctionHolding(VersionedModel):
    """Who holds one function for a place: an organisation, or one of the place's bodies."""

    place = models.ForeignKey(Place, on_delete=models.PROTECT, related_name="function_holdings")
    function = models.CharField(max_length=30, choices=DeliveryFunction.choices)
    holder_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    holder_committee = models.ForeignKey(
        "governance.Committee", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    notes = models.TextField(blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["place", "function"]
        constraints = [
            models.UniqueConstraint(fields=["place", "function"], name="one_holder_per_function"),
            models.CheckConstraint(
                condition=Q(holder_organisation__isnull=False, holder_committee__isnull=True)
                | Q(holder_organisation__isnull=True, holder_committee__isnull=False),
                name="function_held_by_one_organisation_or_body",
                violation_error_message="A function is held by one organisation or one body.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_function_display()} for {self.place}"

    @property
    def holder(self) -> object:
        return self.holder_organisation or self.holder_committee
