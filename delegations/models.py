"""Schemes of reservation and delegation (SoRD): what each organisation (the ICB, a council, a
trust) keeps for its own board and what it delegates, to which body or role, up to what
value, for which place.

A scheme is versioned: each organisation has at most one scheme in force on a given date
(`effective_from` to `effective_to`). Its lines (`Delegation`) name a matter (a node of the
`MatterCategory` tree: a line on "Contracts" covers "Contract award" beneath it), a delegate
(one of the place's committees, or a named role such as an individual director with
delegated authority), a value band in pounds and any conditions. A reserved line keeps the
matter for the organisation's own board: it can never be delegated.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from core.locking import VersionedModel
from delegations.bands import band_text
from partners.models import Organisation, Place, System


class MatterCategory(models.Model):
    """A kind of decision, in a tree shared by every organisation of a system (investment,
    contract award and variation, service change, pooled budgets under section 75, workforce,
    strategy and priorities…)."""

    system = models.ForeignKey(System, on_delete=models.PROTECT, related_name="matter_categories")
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    code = models.SlugField(max_length=60, help_text="A short code used in spreadsheets.")
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    order = models.PositiveSmallIntegerField(default=0)
    is_budget = models.BooleanField(
        "a budget or pooled fund",
        default=False,
        help_text="Delegating this matter, or one beneath it, hands over a budget or a pooled "
        "fund: only a body that may hold budgets can take it.",
    )

    class Meta:
        ordering = ["system", "order", "name"]
        verbose_name_plural = "matter categories"
        constraints = [
            models.UniqueConstraint(fields=["system", "code"], name="matter_unique_code"),
        ]

    def __str__(self) -> str:
        return self.name


class DelegateRole(models.Model):
    """A named role that can hold delegated authority: an individual director with delegated
    authority for a place (option 4), a chief executive, a director of finance. Modelled
    beside committees; it answers to a committee or to its organisation's board."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="delegate_roles"
    )
    title = models.CharField(max_length=200)
    place = models.ForeignKey(
        Place,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="delegate_roles",
        help_text="The place this role acts for, if it is a place role.",
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    is_individual_director = models.BooleanField(
        "individual director with delegated authority", default=False
    )
    accountable_to_committee = models.ForeignKey(
        "governance.Committee",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="accountable_roles",
    )
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["organisation__name", "title"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "title", "place"], name="delegate_role_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title}, {self.organisation}"


class SchemeStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    IN_FORCE = "in_force", "In force"
    SUPERSEDED = "superseded", "Superseded"


class SchemeOfDelegation(VersionedModel):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="schemes_of_delegation"
    )
    number = models.PositiveIntegerField("version number")
    status = models.CharField(
        max_length=20, choices=SchemeStatus.choices, default=SchemeStatus.DRAFT
    )
    effective_from = models.DateField()
    effective_to = models.DateField(null=True, blank=True)
    approved_by = models.CharField(max_length=200, blank=True)
    notes = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["organisation__name", "-number"]
        verbose_name_plural = "schemes of delegation"
        constraints = [
            models.UniqueConstraint(fields=["organisation", "number"], name="scheme_unique_number"),
            models.UniqueConstraint(
                fields=["organisation"],
                condition=Q(status="in_force"),
                name="scheme_one_in_force",
                violation_error_message="An organisation has one scheme of delegation in force.",
            ),
            models.CheckConstraint(
                condition=Q(effective_to__isnull=True)
                | Q(effective_to__gte=models.F("effective_from")),
                name="scheme_ends_after_it_starts",
                violation_error_message="A scheme cannot end before it takes effect.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} scheme of delegation v{self.number}"


class Delegation(models.Model):
    """One line of a scheme: who may decide a matter, between which values, for which place,
    on which conditions; or, when `reserved`, that the organisation's board keeps it."""

    scheme = models.ForeignKey(
        SchemeOfDelegation, on_delete=models.CASCADE, related_name="delegations"
    )
    matter = models.ForeignKey(MatterCategory, on_delete=models.PROTECT, related_name="delegations")
    reserved = models.BooleanField(
        "reserved to the board",
        default=False,
        help_text="The organisation's board keeps this matter: it cannot be delegated.",
    )
    delegate_committee = models.ForeignKey(
        "governance.Committee",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="delegations",
    )
    delegate_role = models.ForeignKey(
        DelegateRole, on_delete=models.PROTECT, null=True, blank=True, related_name="delegations"
    )
    limit_from = models.DecimalField(
        "from (£)",
        max_digits=14,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    limit_to = models.DecimalField(
        "up to (£)",
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="Empty for no upper limit.",
    )
    place = models.ForeignKey(
        Place,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Only for this place; empty for every place.",
    )
    neighbourhood = models.ForeignKey(
        "partners.Neighbourhood",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="delegations",
        help_text="Only for this neighbourhood of the place; empty for the whole place.",
    )
    conditions = models.TextField(blank=True)
    reference = models.CharField(
        max_length=60, blank=True, help_text="The line's reference in the organisation's scheme."
    )

    class Meta:
        ordering = ["scheme", "matter__order", "limit_from"]
        indexes = [models.Index(fields=["matter", "scheme"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(neighbourhood__isnull=True) | Q(place__isnull=False),
                name="delegation_neighbourhood_within_its_place",
                violation_error_message="A line for a neighbourhood names the neighbourhood's "
                "place too.",
            ),
            models.CheckConstraint(
                condition=Q(limit_to__isnull=True) | Q(limit_to__gte=models.F("limit_from")),
                name="delegation_limits_in_order",
                violation_error_message="The 'from' value cannot be above the 'up to' value.",
            ),
            models.CheckConstraint(
                condition=(
                    Q(reserved=True, delegate_committee__isnull=True, delegate_role__isnull=True)
                    | Q(
                        reserved=False, delegate_committee__isnull=False, delegate_role__isnull=True
                    )
                    | Q(
                        reserved=False, delegate_committee__isnull=True, delegate_role__isnull=False
                    )
                ),
                name="delegation_has_one_delegate_unless_reserved",
                violation_error_message="A line delegates to one committee or one role, or "
                "reserves the matter to the board with no delegate.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.scheme.organisation}: {self.matter} → {self.delegate_label}"

    @property
    def band(self) -> str:
        """The values the line covers, in words: "up to and including £250,000", "over
        £1,000,000", "any value" (delegations.bands)."""
        return band_text(self.limit_from, self.limit_to)

    @property
    def delegate_label(self) -> str:
        if self.reserved:
            return "the board (reserved)"
        if self.delegate_committee_id:
            return str(self.delegate_committee)
        return str(self.delegate_role)
