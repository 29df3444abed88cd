"""Governance options and place proposals.

The catalogue is an *option framework*: a set of options, the principles (criteria) they are
weighed against, which options may be combined, and suggested ratings for each option and
allowed combination. A consultation round names its framework; each place answers it with a
PlaceResponse: its proposed option set, its own ratings, and answers to the round's questions.

Option sets are written as canonical keys, the option numbers ascending and joined by "+"
("4", "1+4", "2+3+4"); governance.catalogue.rules owns that format and the combination rules."""

from __future__ import annotations

from typing import Any

from django.db import models


class Band(models.TextChoices):
    """How well an option meets a principle, weakest first."""

    LOW = "low", "LOW"
    LOW_MEDIUM = "low_medium", "LOW/MEDIUM"
    MEDIUM = "medium", "MEDIUM"
    MEDIUM_HIGH = "medium_high", "MEDIUM/HIGH"
    HIGH = "high", "HIGH"


BAND_ORDER = {band.value: position for position, band in enumerate(Band)}


# What an option lets its bodies do, as the framework files name it: whose schemes of
# delegation may delegate to a body of the option, and whom such a body answers to. (Built
# from rows, as partners.legal_forms.LegalForm is; the stubs know only the class form.)
_make_choices: Any = models.TextChoices
Delegators: Any = _make_choices(
    "Delegators",
    [
        ("NOBODY", ("nobody", "Nobody: it holds no delegated authority")),
        ("ICB", ("icb", "The ICB only")),
        ("PARTIES", ("parties", "The statutory organisations that form it")),
        (
            "ICB_AND_OWN",
            ("icb_and_own", "The ICB (by contract) and the organisation it belongs to"),
        ),
    ],
)
Accountability: Any = _make_choices(
    "Accountability",
    [
        ("PARTNERS", ("partners", "Each partner, through its own governance")),
        ("ICB_BOARD", ("icb_board", "The ICB's board")),
        ("PARTIES", ("parties", "Every organisation that delegates to it")),
        ("OWN_BOARD", ("own_board", "The board of the organisation it belongs to")),
    ],
)


class FrameworkKind(models.TextChoices):
    """What a framework's options are. Its kind says which parts of the product read it:
    the bodies a place records are instances of an arrangements framework's options (the
    design check's body rules); a place follows one of an archetypes framework's options and
    records who holds each function (governance.delivery)."""

    ARRANGEMENTS = "arrangements", "Place governance arrangements"
    ARCHETYPES = "archetypes", "Delivery archetypes"


class OptionFramework(models.Model):
    slug = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=200)
    kind = models.CharField(
        max_length=20, choices=FrameworkKind.choices, default=FrameworkKind.ARRANGEMENTS
    )
    summary = models.TextField(blank=True)
    source = models.CharField(
        max_length=300, help_text="The document the framework's content is restated from."
    )
    published_on = models.DateField(
        null=True,
        blank=True,
        help_text='When the source was published: its dated advice ("by April 2022") is '
        "shown as the framework's, not as current.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def published_month(self) -> str:
        """ "June 2021", or "" when the date is not known."""
        return f"{self.published_on:%B %Y}" if self.published_on else ""

    @property
    def published_label(self) -> str:
        """ "Published June 2021", or "" when the date is not known."""
        return f"Published {self.published_month}" if self.published_on else ""


class Principle(models.Model):
    framework = models.ForeignKey(
        OptionFramework, on_delete=models.CASCADE, related_name="principles"
    )
    number = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=200)
    short_name = models.CharField(max_length=60)
    summary = models.TextField(blank=True)
    sub_points = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["framework", "number"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "number"], name="principle_unique_number")
        ]

    def __str__(self) -> str:
        return self.name


class GovernanceOption(models.Model):
    framework = models.ForeignKey(OptionFramework, on_delete=models.CASCADE, related_name="options")
    number = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=200)
    short_name = models.CharField(max_length=60)
    summary = models.TextField()
    decision_making = models.TextField("how decisions are made", blank=True)
    contracts_and_budgets = models.TextField("where contracts and budgets sit", blank=True)
    statutory_lead_required = models.BooleanField(default=False)
    key_features = models.JSONField(default=list, blank=True)
    benefits = models.JSONField(default=list, blank=True)
    risks = models.JSONField(default=list, blank=True)
    readiness_notes = models.JSONField(default=list, blank=True)
    stands_alone = models.BooleanField(
        default=False, help_text="Cannot be combined with any other option."
    )
    # What the option may do, which the design check and the delegation rules enforce.
    body_kinds = models.JSONField(
        default=list,
        blank=True,
        help_text="The kinds of body (governance.structures.CommitteeKind) that are this option "
        "when a place records one.",
    )
    holds_delegated_authority = models.BooleanField(
        default=False, help_text="A body of this option may be delegated decisions."
    )
    holds_budgets = models.BooleanField(
        default=False, help_text="A body of this option may hold a budget or a pooled fund."
    )
    delegated_by = models.CharField(
        max_length=20,
        choices=Delegators.choices,
        default=Delegators.NOBODY,
        help_text="Whose schemes of delegation may delegate to a body of this option.",
    )
    accountable_to = models.CharField(
        max_length=20,
        choices=Accountability.choices,
        default=Accountability.PARTNERS,
        help_text="Whom a body of this option answers to.",
    )
    membership_rules = models.JSONField(
        default=list,
        blank=True,
        help_text="Who must, and who may, be a member (codes the design check knows).",
    )
    sources = models.JSONField(
        default=dict,
        blank=True,
        help_text="For each rule, the passage of the source it restates.",
    )
    # What a delivery archetype (FrameworkKind.ARCHETYPES) says about who holds what.
    function_holders = models.JSONField(
        default=dict,
        blank=True,
        help_text="For each function (governance.delivery.models.DeliveryFunction), the kinds "
        "of holder the source places it with.",
    )
    budget_forms = models.JSONField(
        default=list,
        blank=True,
        help_text="The forms of budget (governance.delivery.models.BudgetForm) the source "
        "gives the archetype.",
    )
    asks_of_local_government = models.TextField(blank=True)
    asks_of_primary_care = models.TextField(blank=True)

    class Meta:
        ordering = ["framework", "number"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "number"], name="option_unique_number")
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.name}"


class AllowedCombination(models.Model):
    """A set of two or more options that may be used together. Single options are always
    allowed; every other set must be listed here."""

    framework = models.ForeignKey(
        OptionFramework, on_delete=models.CASCADE, related_name="combinations"
    )
    key = models.CharField(max_length=40, help_text='Option numbers joined by "+", e.g. "1+4".')
    summary = models.TextField(blank=True)

    class Meta:
        ordering = ["framework", "key"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "key"], name="combination_unique_key")
        ]

    def __str__(self) -> str:
        return self.key


class SuggestedRating(models.Model):
    """The framework's suggested rating of one option against a principle, in the context of
    an option set: the option alone (`option_set` is its own number) or with its partners in
    a combination ("1+4" rated as option 1, and again as option 4). A cell the source leaves
    empty has no row, and the product says there is no suggested rating."""

    framework = models.ForeignKey(
        OptionFramework, on_delete=models.CASCADE, related_name="suggested_ratings"
    )
    option = models.ForeignKey(
        GovernanceOption, on_delete=models.CASCADE, related_name="suggested_ratings"
    )
    option_set = models.CharField(max_length=40)
    principle = models.ForeignKey(
        Principle, on_delete=models.CASCADE, related_name="suggested_ratings"
    )
    band = models.CharField(max_length=20, choices=Band.choices)
    qualifier = models.CharField(max_length=200, blank=True)
    rationale = models.JSONField(
        default=list, blank=True, help_text="The points behind the rating."
    )

    class Meta:
        ordering = ["framework", "option_set", "option__number", "principle__number"]
        constraints = [
            models.UniqueConstraint(
                fields=["framework", "option", "option_set", "principle"],
                name="suggested_rating_unique_in_context",
            )
        ]

    def __str__(self) -> str:
        return (
            f"Option {self.option.number} in {self.option_set} × {self.principle.short_name}: "
            f"{self.get_band_display()}"
        )


class GeographicTier(models.Model):
    """One of the geographical scales a framework describes (national, regional, system,
    place, neighbourhood): the population it typically serves, the most the source allows,
    and its core functions. Populations recorded in the product are checked against them."""

    framework = models.ForeignKey(OptionFramework, on_delete=models.CASCADE, related_name="tiers")
    slug = models.SlugField(max_length=40)
    name = models.CharField(max_length=100)
    order = models.PositiveSmallIntegerField(default=0)
    typical_from = models.PositiveIntegerField(null=True, blank=True)
    typical_to = models.PositiveIntegerField(null=True, blank=True)
    largest = models.PositiveIntegerField(
        null=True, blank=True, help_text="The largest population the source allows, if it says."
    )
    core_functions = models.JSONField(default=list, blank=True)
    source = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["framework", "order"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "slug"], name="tier_unique_slug"),
        ]

    def __str__(self) -> str:
        return self.name


class DeliveryModelKind(models.TextChoices):
    DELIVERY_MODEL = "delivery_model", "Delivery model"
    ARCHETYPE = "archetype", "Delivery model archetype"
    INTEGRATION_FORM = "integration_form", "Integration form"


class GovernanceShape(models.TextChoices):
    SEPARATE = "separate", "Separate"
    SHARED = "shared", "Shared"
    SINGLE = "single", "Single"


class DeliveryModel(models.Model):
    """A way providers organise to deliver care together (federation, alliance, lead provider…)
    or a contracting/organisational form (sub-contractor, joint venture, merger)."""

    slug = models.SlugField(max_length=60, unique=True)
    kind = models.CharField(max_length=30, choices=DeliveryModelKind.choices)
    name = models.CharField(max_length=200)
    summary = models.TextField()
    contract_holder = models.CharField("who holds the contract", max_length=300)
    risk = models.CharField("where risk sits", max_length=300)
    accountability = models.CharField(max_length=300, blank=True)
    governance = models.CharField(max_length=20, choices=GovernanceShape.choices)
    legal_entity = models.CharField("legal entity", max_length=300)
    time_limited = models.CharField(max_length=200)
    source = models.CharField(max_length=300)
    order = models.PositiveSmallIntegerField(default=0)
    points = models.JSONField(
        default=list,
        blank=True,
        help_text="The source's lessons for a place choosing this form, in the product's words.",
    )

    class Meta:
        ordering = ["kind", "order", "name"]

    def __str__(self) -> str:
        return self.name
