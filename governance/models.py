"""Governance options and place proposals.

The catalogue is an *option framework*: a set of options, the principles (criteria) they are
weighed against, which options may be combined, and suggested ratings for each option and
allowed combination. A consultation round names its framework; each place answers it with a
PlaceResponse: its proposed option set, its own ratings, and answers to the round's questions.

Option sets are written as canonical keys, the option numbers ascending and joined by "+"
("4", "1+4", "2+3+4"); governance.rules owns that format and the combination rules."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from partners.models import Place, System


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


# Consultation rounds and place responses ------------------------------------------------


class ConsultationRound(models.Model):
    system = models.ForeignKey(System, on_delete=models.PROTECT, related_name="rounds")
    framework = models.ForeignKey(OptionFramework, on_delete=models.PROTECT, related_name="rounds")
    title = models.CharField(max_length=200)
    purpose = models.TextField(blank=True)
    opens_at = models.DateTimeField()
    closes_at = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-opens_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=models.F("opens_at")),
                name="round_closes_after_it_opens",
                violation_error_message="A round must close after it opens.",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def is_open(self, at: datetime | None = None) -> bool:
        now = at or timezone.now()
        return self.opens_at <= now < self.closes_at


class Question(models.Model):
    round = models.ForeignKey(ConsultationRound, on_delete=models.CASCADE, related_name="questions")
    order = models.PositiveSmallIntegerField()
    text = models.TextField()
    hint = models.TextField(blank=True)
    required = models.BooleanField(default=True)
    max_length = models.PositiveIntegerField(default=5000)

    class Meta:
        ordering = ["round", "order"]
        constraints = [
            models.UniqueConstraint(fields=["round", "order"], name="question_unique_order")
        ]

    def __str__(self) -> str:
        return f"Q{self.order}. {self.text[:60]}"


class ResponseStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    WITHDRAWN = "withdrawn", "Withdrawn"


class PlaceResponse(models.Model):
    """A place's response to a round, written together by its members and submitted by a
    place lead."""

    round = models.ForeignKey(ConsultationRound, on_delete=models.PROTECT, related_name="responses")
    place = models.ForeignKey(Place, on_delete=models.PROTECT, related_name="responses")
    status = models.CharField(
        max_length=20, choices=ResponseStatus.choices, default=ResponseStatus.DRAFT
    )
    proposed_option_set = models.CharField(max_length=40, blank=True)
    proposal_case = models.TextField("the case for the proposal", blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["round", "place__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "place"], name="response_one_per_place_per_round"
            )
        ]

    def __str__(self) -> str:
        return f"{self.place} – {self.round}"


class Answer(models.Model):
    response = models.ForeignKey(PlaceResponse, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    text = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["response", "question__order"]
        constraints = [
            models.UniqueConstraint(fields=["response", "question"], name="answer_one_per_question")
        ]

    def __str__(self) -> str:
        return f"{self.response} – Q{self.question.order}"


class Agreement(models.TextChoices):
    AGREE = "agree", "Agree with the suggested rating"
    PARTLY = "partly", "Partly agree"
    DISAGREE = "disagree", "Disagree"


class PlaceRating(models.Model):
    """The place's own rating of one option against one principle."""

    response = models.ForeignKey(PlaceResponse, on_delete=models.CASCADE, related_name="ratings")
    option = models.ForeignKey(GovernanceOption, on_delete=models.PROTECT, related_name="+")
    principle = models.ForeignKey(Principle, on_delete=models.PROTECT, related_name="+")
    band = models.CharField(max_length=20, choices=Band.choices, blank=True)
    qualifier = models.CharField(max_length=200, blank=True)
    reasons = models.TextField(blank=True)
    agreement = models.CharField(max_length=20, choices=Agreement.choices, blank=True)
    missing_from_analysis = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["response", "option__number", "principle__number"]
        constraints = [
            models.UniqueConstraint(
                fields=["response", "option", "principle"], name="rating_one_per_cell"
            )
        ]

    def __str__(self) -> str:
        return f"{self.response}: option {self.option.number} × principle {self.principle.number}"
