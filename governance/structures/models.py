"""How a place is governed: its bodies (committees and boards), the seats on them, and the
versions of each body's terms of reference. Committees and terms of reference are edited by
several people, so each carries a `version` (core.locking.VersionedModel)."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from core.locking import VersionedModel
from partners.models import Place

# Committees and terms of reference ------------------------------------------------------------


class CommitteeKind(models.TextChoices):
    PARTNERSHIP_BOARD = "partnership_board", "Place partnership board (consultative forum)"
    ICB_COMMITTEE = "icb_committee", "Committee of the ICB"
    JOINT_COMMITTEE = "joint_committee", "Joint committee"
    LEAD_PROVIDER_BOARD = "lead_provider_board", "Lead provider board"
    SUB_COMMITTEE = "sub_committee", "Sub-committee"


class Frequency(models.TextChoices):
    MONTHLY = "monthly", "Monthly"
    BIMONTHLY = "bimonthly", "Every two months"
    QUARTERLY = "quarterly", "Quarterly"
    AS_NEEDED = "as_needed", "As needed"


class DecisionRule(models.TextChoices):
    CONSENSUS = "consensus", "Consensus"
    MAJORITY = "majority", "Simple majority of voting members present"
    TWO_THIRDS = "two_thirds", "Two-thirds majority of voting members present"
    UNANIMOUS = "unanimous", "Unanimous (every voting member agrees)"


class SharedRecord(VersionedModel):
    """A record of a place's structure that several people edit: `version` refuses a save
    from a stale form, and every save is kept in its history."""

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(inherit=True)

    class Meta:
        abstract = True


class Committee(SharedRecord):
    """A body of a place: its partnership board, a committee of the ICB, a joint committee of
    statutory bodies, a lead provider's board, or a sub-committee of one of them. It answers
    either to another committee or to an organisation's own board."""

    place = models.ForeignKey(Place, on_delete=models.PROTECT, related_name="committees")
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=30, choices=CommitteeKind.choices)
    accountable_to_committee = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="sub_committees"
    )
    accountable_to_organisation = models.ForeignKey(
        "partners.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The organisation whose board this body answers to.",
    )
    parties = models.ManyToManyField(
        "partners.Organisation",
        blank=True,
        related_name="joint_committees",
        help_text="For a joint committee: the statutory organisations that form it, delegate "
        "to it and that it answers to.",
    )
    frequency = models.CharField(
        max_length=20, choices=Frequency.choices, default=Frequency.MONTHLY
    )
    meets_in_public = models.BooleanField(default=False)
    quorum_minimum = models.PositiveSmallIntegerField(
        "quorum: voting members present", default=3, validators=[MinValueValidator(1)]
    )
    quorum_sectors = models.JSONField(
        "quorum: sectors that must be present",
        default=list,
        blank=True,
        help_text="Sectors (e.g. the ICB and a local authority) with at least one voting "
        "member present for the meeting to be quorate.",
    )
    decision_rule = models.CharField(
        max_length=20, choices=DecisionRule.choices, default=DecisionRule.CONSENSUS
    )
    single_partner_veto = models.BooleanField("any single partner can veto", default=False)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["place", "name"]
        constraints = [
            models.UniqueConstraint(fields=["place", "name"], name="committee_unique_name"),
            models.CheckConstraint(
                condition=~(
                    Q(accountable_to_committee__isnull=False)
                    & Q(accountable_to_organisation__isnull=False)
                ),
                name="committee_one_line_of_accountability",
                violation_error_message="A body answers to a committee or to an organisation's "
                "board, not both.",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class MemberPosition(models.TextChoices):
    CHAIR = "chair", "Chair"
    VICE_CHAIR = "vice_chair", "Vice-chair"
    MEMBER = "member", "Member"


class CommitteeMember(models.Model):
    """A seat on a committee: held for an organisation, by a named person or not yet filled."""

    committee = models.ForeignKey(Committee, on_delete=models.CASCADE, related_name="members")
    organisation = models.ForeignKey(
        "partners.Organisation", on_delete=models.PROTECT, related_name="committee_seats"
    )
    role_title = models.CharField(max_length=200)
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    position = models.CharField(
        max_length=20, choices=MemberPosition.choices, default=MemberPosition.MEMBER
    )
    voting = models.BooleanField(default=True)
    deputy_allowed = models.BooleanField(default=True)
    independent = models.BooleanField(
        "independent / non-executive",
        default=False,
        help_text="A non-executive or independent member (for a chair, an independent chair).",
    )

    class Meta:
        ordering = ["committee", "position", "organisation__name", "role_title"]
        constraints = [
            models.UniqueConstraint(
                fields=["committee"],
                condition=Q(position="chair"),
                name="committee_one_chair",
                violation_error_message="A committee has one chair.",
            ),
            models.UniqueConstraint(
                fields=["committee"],
                condition=Q(position="vice_chair"),
                name="committee_one_vice_chair",
                violation_error_message="A committee has one vice-chair.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.role_title}, {self.organisation}"


class TorStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    FOR_APPROVAL = "for_approval", "For approval"
    APPROVED = "approved", "Approved"
    SUPERSEDED = "superseded", "Superseded"


TOR_SECTIONS: tuple[tuple[str, str], ...] = (
    ("purpose", "Purpose"),
    ("membership", "Membership"),
    ("chair", "Chair"),
    ("quorum", "Quorum"),
    ("decision_making", "Decision-making"),
    ("delegated_authority", "Delegated authority"),
    ("conflicts_of_interest", "Conflicts of interest"),
    ("reporting_to_partners", "Reporting to partners"),
    ("reporting_to_community", "Reporting to the community"),
    ("reporting_to_system", "Reporting to the system"),
)


class TermsOfReference(SharedRecord):
    """One version of a committee's terms of reference. Versions move draft → for approval →
    approved; approving one supersedes the one approved before it."""

    committee = models.ForeignKey(
        Committee, on_delete=models.CASCADE, related_name="terms_of_reference"
    )
    number = models.PositiveIntegerField("version number")
    status = models.CharField(max_length=20, choices=TorStatus.choices, default=TorStatus.DRAFT)
    purpose = models.TextField(blank=True)
    membership = models.TextField(blank=True)
    chair = models.TextField(blank=True)
    quorum = models.TextField(blank=True)
    decision_making = models.TextField(blank=True)
    delegated_authority = models.TextField(blank=True)
    conflicts_of_interest = models.TextField(blank=True)
    reporting_to_partners = models.TextField(blank=True)
    reporting_to_community = models.TextField(blank=True)
    reporting_to_system = models.TextField(blank=True)
    review_date = models.DateField(null=True, blank=True)
    generated_sections = models.JSONField(
        default=dict,
        blank=True,
        help_text="The sections drawn from the body's recorded structure (membership, chair, "
        "quorum, decision-making), as they stood when this version was approved.",
    )
    approved_by = models.CharField(
        "approved by (body)", max_length=200, blank=True, help_text="The body that approved it."
    )
    approved_on = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["committee", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["committee", "number"], name="tor_unique_number"),
            models.UniqueConstraint(
                fields=["committee"],
                condition=Q(status="approved"),
                name="tor_one_approved",
                violation_error_message="Only one version of a committee's terms of reference "
                "is approved at a time.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.committee} terms of reference v{self.number}"
