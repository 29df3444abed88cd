"""Governance options and place proposals.

The catalogue is an *option framework*: a set of options, the principles (criteria) they are
weighed against, which options may be combined, and suggested ratings for each option and
allowed combination. A consultation round names its framework; each place answers it with a
PlaceResponse: its proposed option set, its own ratings, and answers to the round's questions.

Option sets are written as canonical keys, the option numbers ascending and joined by "+"
("4", "1+4", "2+3+4"); governance.catalogue.rules owns that format and the combination rules."""

from __future__ import annotations

from django.db import models


class Band(models.TextChoices):
    """How well an option meets a principle, weakest first."""

    LOW = "low", "LOW"
    LOW_MEDIUM = "low_medium", "LOW/MEDIUM"
    MEDIUM = "medium", "MEDIUM"
    MEDIUM_HIGH = "medium_high", "MEDIUM/HIGH"
    HIGH = "high", "HIGH"


BAND_ORDER = {band.value: position for position, band in enumerate(Band)}


class OptionFramework(models.Model):
    slug = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=200)
    summary = models.TextField(blank=True)
    source = models.CharField(
        max_length=300, help_text="The document the framework's content is restated from."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


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
    """The framework's suggested rating of an option set against a principle. A set with no
    row has no suggested rating in the source, and the product says so."""

    framework = models.ForeignKey(
        OptionFramework, on_delete=models.CASCADE, related_name="suggested_ratings"
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
        ordering = ["framework", "option_set", "principle__number"]
        constraints = [
            models.UniqueConstraint(
                fields=["framework", "option_set", "principle"], name="suggested_rating_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.option_set} × {self.principle.short_name}: {self.get_band_display()}"


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

    class Meta:
        ordering = ["kind", "order", "name"]

    def __str__(self) -> str:
        return self.name
