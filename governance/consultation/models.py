"""Consultation rounds and what they gather.

A round consults a system's places on one option framework (governance.catalogue.models):
its questions, milestones, per-place deadline extensions and the reminders sent. Each invited
place answers with a PlaceResponse (its proposed option set, its own rating of every option
against every principle, and its answers), edited part by part with a `version` each. Once
the round has closed, its submitted responses are compiled into an anonymised
FeedbackSummary with its files (SummaryExport), shaped by the reviewer's RedactionDecisions."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone
from simple_history.models import HistoricalRecords

from core.locking import VersionedModel
from governance.catalogue.models import Band, GovernanceOption, OptionFramework, Principle
from partners.models import Audience, Place, System

# Consultation rounds and place responses ------------------------------------------------


class SummaryPart(models.TextChoices):
    """The two parts of a feedback summary, each released on its own to its own audiences."""

    HIGH_LEVEL = "high_level", "High-level summary"
    DETAILED = "detailed", "Detailed review"


def audiences_problem(audiences: object) -> str | None:
    """Why a part's audiences are not a list of known groups, or None. An empty list is
    allowed: that part is then not released to anyone until an audience is chosen."""
    if not isinstance(audiences, list) or any(a not in Audience.values for a in audiences):
        return "Choose the groups from the list."
    if len(set(audiences)) != len(audiences):
        return "Choose each group once."
    return None


def default_high_level_audiences() -> list[str]:
    """The high-level summary goes to the advisory group and the oversight group."""
    return [Audience.ADVISORY.value, Audience.OVERSIGHT.value]


def default_detailed_audiences() -> list[str]:
    """The option-by-option detailed review goes to the advisory group."""
    return [Audience.ADVISORY.value]


class RoundStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"


def later_deadline(closes_at: datetime, extended_to: datetime | None) -> datetime:
    """A place's deadline in a round: the round's closing time, or a later deadline the ICB
    granted that place (an extension never shortens it). `ConsultationRoundQuerySet` applies
    the same rule in SQL."""
    return max(closes_at, extended_to) if extended_to else closes_at


# The settings of a round that its ICB admins may change, as `round_update` takes them.
ROUND_SETTINGS = (
    "title",
    "purpose",
    "opens_at",
    "closes_at",
    "reminder_days",
    "suppression_threshold",
    "high_level_audiences",
    "detailed_audiences",
)

# What a milestone is made of, as the round services take it.
MILESTONE_FIELDS = ("title", "due_on", "description", "releases")


class ConsultationRoundQuerySet(QuerySet["ConsultationRound"]):
    def with_place_deadline(self, place: Place) -> ConsultationRoundQuerySet:
        """Each round annotated with `place_deadline`, the place's own deadline
        (`later_deadline`), in the same query."""
        extension = DeadlineExtension.objects.filter(round=OuterRef("pk"), place=place)
        return self.annotate(
            place_deadline=Greatest(
                F("closes_at"), Coalesce(Subquery(extension.values("closes_at")[:1]), "closes_at")
            )
        )

    def with_final_deadline(self) -> ConsultationRoundQuerySet:
        """Each round annotated with `final_deadline`: the last moment any of its places may
        still change its response (the latest of its closing time and every extension)."""
        latest = (
            DeadlineExtension.objects.filter(round_id=OuterRef("pk"))
            .order_by("-closes_at")
            .values("closes_at")[:1]
        )
        return self.annotate(
            final_deadline=Greatest(F("closes_at"), Coalesce(Subquery(latest), "closes_at"))
        )


class ConsultationRound(models.Model):
    """A consultation of a system's places. Whether a place may still edit is decided by the
    clock (`opens_at`, `closes_at` and any extension for that place); `status` records the
    transitions the scheduler has carried out (opening e-mails sent, closure recorded)."""

    system = models.ForeignKey(System, on_delete=models.PROTECT, related_name="rounds")
    framework = models.ForeignKey(OptionFramework, on_delete=models.PROTECT, related_name="rounds")
    title = models.CharField(max_length=200)
    purpose = models.TextField(blank=True)
    opens_at = models.DateTimeField()
    closes_at = models.DateTimeField()
    invited_places = models.ManyToManyField(Place, related_name="invited_to_rounds", blank=True)
    status = models.CharField(
        max_length=20, choices=RoundStatus.choices, default=RoundStatus.SCHEDULED
    )
    reminder_days = models.PositiveSmallIntegerField(
        "reminder, days before closing",
        default=7,
        help_text="Place leads of places that have not submitted are e-mailed this many days "
        "before their deadline. 0 sends no reminder.",
    )
    suppression_threshold = models.PositiveSmallIntegerField(
        "smallest count shown",
        default=3,
        validators=[MinValueValidator(2), MaxValueValidator(20)],
        help_text="Counts below this are shown as 'fewer than' in summaries, and a summary "
        "cannot be released unless at least this many places responded.",
    )
    # Who receives each part of the summary once it is released (Audience values).
    high_level_audiences = models.JSONField(default=default_high_level_audiences, blank=True)
    detailed_audiences = models.JSONField(default=default_detailed_audiences, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ConsultationRoundQuerySet.as_manager()

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

    def clean(self) -> None:
        super().clean()
        errors = {
            name: [problem]
            for name in ("high_level_audiences", "detailed_audiences")
            if (problem := audiences_problem(getattr(self, name)))
        }
        if errors:
            raise ValidationError(errors)

    def audiences_of(self, part: str) -> list[str]:
        """Who receives `part` of the summary (SummaryPart), as Audience values."""
        if part == SummaryPart.HIGH_LEVEL:
            return list(self.high_level_audiences or [])
        return list(self.detailed_audiences or [])

    def status_save(self, status: RoundStatus) -> None:
        """Record that the round is now `status`, writing only that column (and the time)."""
        self.status = status
        self.save(update_fields=["status", "updated_at"])


class Milestone(models.Model):
    """A date in the round's timeline that everyone sees: "high-level summary to the
    oversight group", "detailed review at the advisory group", "proposals to the board"."""

    round = models.ForeignKey(
        ConsultationRound, on_delete=models.CASCADE, related_name="milestones"
    )
    title = models.CharField(max_length=200)
    description = models.CharField(max_length=500, blank=True)
    due_on = models.DateField()
    # The part of the feedback summary due to be released at this milestone, if any.
    releases = models.CharField("releases", max_length=20, choices=SummaryPart.choices, blank=True)

    class Meta:
        ordering = ["round", "due_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "releases"],
                condition=~Q(releases=""),
                name="milestone_one_release_per_part",
                violation_error_message="Another milestone already releases that part.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.due_on:%d %b %Y})"


class DeadlineExtension(models.Model):
    """More time for one place, granted by an ICB admin with a reason."""

    round = models.ForeignKey(
        ConsultationRound, on_delete=models.CASCADE, related_name="extensions"
    )
    place = models.ForeignKey(Place, on_delete=models.PROTECT, related_name="+")
    closes_at = models.DateTimeField("new deadline")
    reason = models.CharField(max_length=500)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    granted_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["round", "place__name"]
        constraints = [
            models.UniqueConstraint(fields=["round", "place"], name="extension_one_per_place")
        ]

    def __str__(self) -> str:
        return f"{self.place} until {self.closes_at:%d %b %Y %H:%M}"


class ReminderSent(models.Model):
    """Marks that a place's leads were reminded, so the scheduler reminds each place once per
    deadline (a new extension allows one more)."""

    round = models.ForeignKey(ConsultationRound, on_delete=models.CASCADE, related_name="+")
    place = models.ForeignKey(Place, on_delete=models.CASCADE, related_name="+")
    deadline = models.DateTimeField()
    recipients = models.PositiveSmallIntegerField(default=0)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["round", "place", "deadline"], name="reminder_once_per_deadline"
            )
        ]

    def __str__(self) -> str:
        return f"Reminder to {self.place} for {self.round}"


class Question(models.Model):
    round = models.ForeignKey(ConsultationRound, on_delete=models.CASCADE, related_name="questions")
    order = models.PositiveSmallIntegerField()
    text = models.TextField()
    hint = models.TextField(blank=True)
    choices = models.JSONField(
        default=list,
        blank=True,
        help_text="Optional fixed answers (e.g. yes / no / not sure) counted in the summary; "
        "the place can still explain in free text.",
    )
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


class ResponsePart(VersionedModel):
    """A part of a place's response that its members edit together as they type (the
    response itself with its proposal, an answer, a rating): each save names who made it and
    is kept in the part's history."""

    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords(inherit=True)

    class Meta:
        abstract = True


class PlaceResponse(ResponsePart):
    """A place's response to a round, written together by its members and submitted by a
    place lead."""

    round = models.ForeignKey(ConsultationRound, on_delete=models.PROTECT, related_name="responses")
    place = models.ForeignKey(Place, on_delete=models.PROTECT, related_name="responses")
    status = models.CharField(
        max_length=20, choices=ResponseStatus.choices, default=ResponseStatus.DRAFT
    )
    proposed_option_set = models.CharField(max_length=40, blank=True)
    proposal_case = models.TextField("the case for the proposal", blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["round", "place__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "place"], name="response_one_per_place_per_round"
            )
        ]

    def __str__(self) -> str:
        return f"{self.place} – {self.round}"


class Answer(ResponsePart):
    response = models.ForeignKey(PlaceResponse, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    choice = models.CharField(max_length=200, blank=True)
    text = models.TextField(blank=True)

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


class PlaceRating(ResponsePart):
    """The place's own rating of one option against one principle, in the context of an
    option set as the framework's suggested ratings are: the option alone (`option_set` is
    its own number) or with its partners in a combination."""

    response = models.ForeignKey(PlaceResponse, on_delete=models.CASCADE, related_name="ratings")
    option = models.ForeignKey(GovernanceOption, on_delete=models.PROTECT, related_name="+")
    option_set = models.CharField(
        max_length=40, help_text='The option alone ("4") or the combination it is rated in ("1+4").'
    )
    principle = models.ForeignKey(Principle, on_delete=models.PROTECT, related_name="+")
    band = models.CharField(max_length=20, choices=Band.choices, blank=True)
    qualifier = models.CharField(max_length=200, blank=True)
    reasons = models.TextField(blank=True)
    agreement = models.CharField(max_length=20, choices=Agreement.choices, blank=True)
    missing_from_analysis = models.TextField(blank=True)

    class Meta:
        ordering = ["response", "option__number", "option_set", "principle__number"]
        constraints = [
            models.UniqueConstraint(
                fields=["response", "option", "option_set", "principle"],
                name="rating_one_per_cell_in_context",
            )
        ]

    def __str__(self) -> str:
        return (
            f"{self.response}: option {self.option.number} in {self.option_set} × principle "
            f"{self.principle.number}"
        )


# Feedback summaries ----------------------------------------------------------------------------


class JobState(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Compiling"
    FAILED = "failed", "Failed"
    COMPLETE = "complete", "Complete"


class FeedbackSummaryQuerySet(QuerySet["FeedbackSummary"]):
    def released(self) -> FeedbackSummaryQuerySet:
        """Summaries with at least one part released, complete with content (see
        `FeedbackSummary.is_released`)."""
        return self.filter(
            Q(high_level_released_at__isnull=False) | Q(detailed_released_at__isnull=False),
            state=JobState.COMPLETE,
            compiled_generation__gt=0,
        )


class FeedbackSummary(models.Model):
    """The anonymised summary of a round: one row per round, recompiled in place.

    `generation` counts compilations; a job carries the generation it was queued for and
    writes its result only if that is still the current one, in a single transaction with its
    exports, so a half-made summary is never visible and a redelivered job (a worker killed
    mid-run) completes the compilation exactly once. `content` is the anonymised summary
    itself (JSON, see governance.consultation.feedback); the place label mapping is never stored."""

    round = models.OneToOneField(
        ConsultationRound, on_delete=models.PROTECT, related_name="feedback_summary"
    )
    generation = models.PositiveIntegerField(default=0)
    state = models.CharField(max_length=20, choices=JobState.choices, default=JobState.QUEUED)
    stage = models.CharField(max_length=200, blank=True)
    progress = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    requested_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # What the current content was built from.
    content = models.JSONField(default=dict, blank=True)
    compiled_generation = models.PositiveIntegerField(default=0)
    compiled_at = models.DateTimeField(null=True, blank=True)
    redaction_fingerprint = models.CharField(max_length=64, blank=True)
    redaction_counts = models.JSONField(default=dict, blank=True)
    response_count = models.PositiveIntegerField(default=0)
    # Each part is released on its own (SummaryPart), to the round's audiences for it.
    high_level_released_at = models.DateTimeField(null=True, blank=True)
    high_level_released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    detailed_released_at = models.DateTimeField(null=True, blank=True)
    detailed_released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # A second ICB admin's approval of a compilation built with review choices (kept names or
    # manual redactions): the generation approved, by whom and when.
    approved_generation = models.PositiveIntegerField(default=0)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)

    objects = FeedbackSummaryQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "feedback summaries"

    def __str__(self) -> str:
        return f"Feedback summary – {self.round}"

    @property
    def has_content(self) -> bool:
        return self.compiled_generation > 0

    def released_at_of(self, part: str) -> datetime | None:
        """When `part` (SummaryPart) was released, if it is released now."""
        if not (self.state == JobState.COMPLETE and self.compiled_generation > 0):
            return None
        if part == SummaryPart.HIGH_LEVEL:
            return self.high_level_released_at
        return self.detailed_released_at

    @property
    def released_parts(self) -> list[str]:
        """The parts released now, in reading order."""
        return [part.value for part in SummaryPart if self.released_at_of(part) is not None]

    @property
    def is_released(self) -> bool:
        """The rule of `FeedbackSummary.objects.released()`, for a summary already read."""
        return bool(self.released_parts)

    @property
    def is_approved(self) -> bool:
        """A second ICB admin approved the current compilation."""
        return self.compiled_generation > 0 and self.approved_generation == self.compiled_generation

    @property
    def is_busy(self) -> bool:
        return self.state in {JobState.QUEUED, JobState.RUNNING}


class ExportFormat(models.TextChoices):
    PDF = "pdf", "PDF"
    DOCX = "docx", "Word (DOCX)"
    CSV = "csv", "CSV"
    XLSX = "xlsx", "Excel (XLSX)"


class SummaryExport(models.Model):
    """A generated file of a summary, kept in the database so that every web and worker
    process sees the same files, and served only through a permission-checked view."""

    summary = models.ForeignKey(FeedbackSummary, on_delete=models.CASCADE, related_name="exports")
    part = models.CharField(
        max_length=20, choices=SummaryPart.choices, default=SummaryPart.HIGH_LEVEL
    )
    format = models.CharField(max_length=10, choices=ExportFormat.choices)
    generation = models.PositiveIntegerField()
    filename = models.CharField(max_length=200)
    content_type = models.CharField(max_length=120)
    data = models.BinaryField()
    size = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["summary", "part", "format"]
        constraints = [
            models.UniqueConstraint(
                fields=["summary", "part", "format"], name="export_one_per_part_and_format"
            )
        ]

    def __str__(self) -> str:
        return self.filename


class RemovedText(models.TextChoices):
    """What the scrubber (governance.consultation.anonymise) replaces in a place's free text,
    with how a summary counts it. Each kind has its marker, the word for one of it on the
    review page, and whether a reviewer may keep it as written. The values are the keys of a
    summary's redaction counts, stored with every summary: they never change."""

    PLACE = "place", "Place names"
    ORGANISATION = "organisation", "Organisation names"
    PERSON = "person", "People’s names"
    EMAIL = "email", "E-mail addresses"
    PHONE = "phone", "Telephone numbers"
    POSTCODE = "postcode", "Postcodes"
    URL = "url", "Web addresses"
    NHS_NUMBER = "nhs_number", "NHS numbers"
    REDACTED = "redacted", "Phrases redacted on review"

    @property
    def marker(self) -> str:
        """What stands in the text instead: "[place]", "[NHS number]"."""
        return _REMOVED_TEXT[self.value][0]

    @property
    def label_one(self) -> str:
        """One of them, in words: "place name", "e-mail address"."""
        return _REMOVED_TEXT[self.value][1]

    @property
    def keepable(self) -> bool:
        """A reviewer may keep a name the scrubber removed (a false positive); e-mails,
        telephone numbers and the like are always removed."""
        return _REMOVED_TEXT[self.value][2]


# kind: (marker, one of them in words, keepable)
_REMOVED_TEXT: dict[str, tuple[str, str, bool]] = {
    "place": ("[place]", "place name", True),
    "organisation": ("[organisation]", "organisation name", True),
    "person": ("[person]", "person’s name", True),
    "email": ("[email]", "e-mail address", False),
    "phone": ("[phone]", "telephone number", False),
    "postcode": ("[postcode]", "postcode", False),
    "url": ("[url]", "web address", False),
    "nhs_number": ("[NHS number]", "NHS number", False),
    "redacted": ("[redacted]", "phrase redacted on review", False),
}


class RedactionKind(models.TextChoices):
    """A reviewer's choice about a phrase: redact it everywhere, or keep it as written."""

    REDACT = "redact", "Redact"
    KEEP = "keep", "Keep (not identifying)"


class RedactionDecision(models.Model):
    """An ICB admin's review choice for a round: a phrase that still identifies a place and
    must be redacted everywhere, or a false positive that must be kept as written."""

    round = models.ForeignKey(
        ConsultationRound, on_delete=models.CASCADE, related_name="redaction_decisions"
    )
    kind = models.CharField(max_length=10, choices=RedactionKind.choices)
    phrase = models.CharField(max_length=200)
    note = models.CharField(max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["round", "kind", "phrase"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "kind", "phrase"], name="redaction_decision_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.phrase}"


class ReviewText(models.Model):
    """One piece of a place's free text in a compiled summary's redaction review: where it
    came from, and what the scrubber found in it when the summary was compiled. The review page
    filters and pages these rows instead of scrubbing every text of the round on each request;
    it never stores the text itself, which stays in the response it points to."""

    class Source(models.TextChoices):
        CASE = "case", "The case for the proposal"
        ANSWER = "answer", "An answer"
        REASONS = "reasons", "The reasons for a rating"
        MISSING = "missing", "What is missing from the analysis"

    summary = models.ForeignKey(
        FeedbackSummary, on_delete=models.CASCADE, related_name="review_texts"
    )
    place = models.ForeignKey(Place, on_delete=models.CASCADE, related_name="+")
    order = models.PositiveIntegerField()
    where = models.CharField(max_length=300)
    source = models.CharField(max_length=10, choices=Source.choices)
    # The PlaceResponse (case), Answer or PlaceRating the text belongs to.
    source_id = models.PositiveBigIntegerField()
    removed = models.PositiveIntegerField(default=0)
    possible = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["summary", "order"]
        indexes = [models.Index(fields=["summary", "place", "order"], name="review_text_place")]

    def __str__(self) -> str:
        return self.where
