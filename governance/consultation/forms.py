"""Console forms for consultation rounds. Times are typed in UK time (a date in the NHS date
input and a 24-hour time in a box of its own) and become aware datetimes here; the services
get plain values."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils import timezone

from core.date_input import NHSDateField
from core.forms import NHSForm, add_service_errors
from core.uk_time import UK
from governance.catalogue.models import OptionFramework
from governance.consultation.models import (
    MILESTONE_FIELDS,
    ROUND_SETTINGS,
    ConsultationRound,
    Milestone,
    Question,
    SummaryPart,
    default_detailed_audiences,
    default_high_level_audiences,
)
from partners.models import Audience, Place, System

EXTRA_QUESTION_SLOTS = 3
NEW_MILESTONE_SLOTS = 4
# A blank milestone slot's suggested title, and the summary part it would release.
MILESTONE_SUGGESTIONS = [
    ("High-level summary to the oversight group", SummaryPart.HIGH_LEVEL.value),
    ("Detailed review at the advisory group", SummaryPart.DETAILED.value),
    ("Extraordinary meeting", ""),
    ("Proposals to the board", ""),
]
TIME_HINT = "UK time, 24-hour clock, for example 17:00."


class TimeInput(forms.TimeInput):
    """A plain box for a 24-hour time: a browser's time picker differs from browser to browser
    and can show a 12-hour clock."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs={"class": "nhsuk-input--width-5", **(attrs or {})}, format="%H:%M")


def time_field(label: str, subject: str, **kwargs: Any) -> forms.TimeField:
    """A 24-hour time, with messages naming `subject` ("the time the round opens")."""
    return forms.TimeField(
        label=label,
        widget=TimeInput(),
        help_text=TIME_HINT,
        error_messages={
            "required": f"Enter {subject}, like 17:00",
            "invalid": f"Enter {subject} on the 24-hour clock, like 17:00",
        },
        **kwargs,
    )


def whole_number_messages(subject: str, smallest: int, largest: int) -> dict[str, str]:
    return {
        "required": f"Enter {subject}",
        "invalid": f"Enter {subject} as a whole number, like {smallest + 1}",
        "min_value": f"{subject[:1].upper()}{subject[1:]} must be {smallest} or more",
        "max_value": f"{subject[:1].upper()}{subject[1:]} must be {largest} or fewer",
    }


def uk_moment(day: date, at: time) -> datetime:
    """A date and a wall-clock time in the UK as an aware datetime."""
    return datetime.combine(day, at, tzinfo=UK)


def uk_parts(moment: datetime) -> tuple[date, time]:
    local = timezone.localtime(moment, UK)
    return local.date(), local.time().replace(second=0, microsecond=0)


# Service field names → the form field that shows their error.
SERVICE_FIELDS = {"opens_at": "opens_on", "closes_at": "closes_on"}


def add_round_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """A service's errors on the form, datetimes shown on their date field."""
    if hasattr(error, "error_dict"):
        error = ValidationError(
            {
                SERVICE_FIELDS.get(name, name): messages
                for name, messages in error.message_dict.items()
            }
        )
    add_service_errors(form, error)


def audience_field(label: str, help_text: str) -> forms.MultipleChoiceField:
    """Who receives one part of the summary: each part is released on its own, to audiences
    chosen the same way. None need be ticked; the part then goes to no one when released."""
    return forms.MultipleChoiceField(
        label=label,
        choices=Audience.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=help_text,
    )


class RoundForm(NHSForm):
    """A round's settings. `framework` is asked only when creating."""

    # The settings asked in groups of their own, after the title, purpose and places.
    FIELDSETS = (
        ("When it runs", ("opens_on", "opens_time", "closes_on", "closes_time")),
        (
            "Reminders and summaries",
            (
                "reminder_days",
                "suppression_threshold",
                "high_level_audiences",
                "detailed_audiences",
            ),
        ),
    )

    title = forms.CharField(
        max_length=200,
        help_text="For example: Place governance options 2025.",
        error_messages={
            "required": "Enter a title for the round",
            "max_length": "The title must be 200 characters or fewer",
        },
    )
    purpose = forms.CharField(
        label="Purpose (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Shown to places at the top of their response.",
    )
    framework = forms.ModelChoiceField(
        label="Option framework",
        queryset=OptionFramework.objects.none(),
        empty_label="Choose a framework",
        help_text="The governance options, principles and ratings places respond to.",
        error_messages={"required": "Choose the option framework places respond to"},
    )
    invited_places = forms.ModelMultipleChoiceField(
        label="Places invited to respond",
        queryset=Place.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one place to invite"},
    )
    opens_on = NHSDateField(label="Opens on", subject="the date the round opens")
    opens_time = time_field("Opening time", "the time the round opens")
    closes_on = NHSDateField(label="Closes on", subject="the date the round closes")
    closes_time = time_field("Closing time", "the time the round closes")
    reminder_days = forms.IntegerField(
        label="Reminder, days before each place's deadline",
        min_value=0,
        max_value=60,
        widget=forms.NumberInput(attrs={"class": "nhsuk-input--width-3"}),
        help_text="Place leads of places that have not submitted are e-mailed once, this many "
        "days before their deadline (and once more if they are given more time). 0 sends none.",
        error_messages=whole_number_messages("the number of days before the deadline", 0, 60),
    )
    suppression_threshold = forms.IntegerField(
        label="Smallest count shown in summaries",
        min_value=2,
        max_value=20,
        widget=forms.NumberInput(attrs={"class": "nhsuk-input--width-3"}),
        help_text="Counts below this are shown as “fewer than”, and a summary cannot be "
        "released unless at least this many places responded.",
        error_messages=whole_number_messages("the smallest count shown", 2, 20),
    )
    high_level_audiences = audience_field(
        "Who receives the high-level summary",
        "The counts of what places proposed and how they rated the options. It is released on "
        "its own, when you choose.",
    )
    detailed_audiences = audience_field(
        "Who receives the detailed review",
        "Each place’s anonymised reasons, option by option. It is released on its own, when "
        "you choose.",
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(
        self,
        *args: Any,
        system: System,
        consultation: ConsultationRound | None = None,
        opened: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        places: QuerySet[Place] = Place.objects.filter(system=system, is_active=True)
        if consultation is not None:
            places = Place.objects.filter(system=system).filter(
                Q(is_active=True) | Q(invited_to_rounds=consultation)
            )
            del self.fields["framework"]
        else:
            self.fields["framework"].queryset = OptionFramework.objects.all()  # type: ignore[attr-defined]
            del self.fields["version"]
        self.fields["invited_places"].queryset = places.distinct().order_by("name")  # type: ignore[attr-defined]
        self.consultation = consultation
        self.opened = opened
        if opened:
            for name in ("opens_on", "opens_time"):
                self.fields[name].disabled = True
            self.fields["opens_on"].help_text = "The round has opened, so this cannot change."

    @property
    def fieldsets(self) -> list[tuple[str, list[Any]]]:
        return [(heading, [self[name] for name in names]) for heading, names in self.FIELDSETS]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for prefix in ("opens", "closes"):
            day, at = data.get(f"{prefix}_on"), data.get(f"{prefix}_time")
            if day is not None and at is not None:
                data[f"{prefix}_at"] = uk_moment(day, at)
        opens_at, closes_at = data.get("opens_at"), data.get("closes_at")
        if opens_at and closes_at and closes_at <= opens_at:
            if data["closes_on"] < data["opens_on"]:
                self.add_error(
                    "closes_on", "The date the round closes must be after the date it opens"
                )
            else:
                self.add_error(
                    "closes_time",
                    "The time the round closes must be after the time it opens, or it must "
                    "close on a later date",
                )
        return data

    def settings(self) -> dict[str, Any]:
        """What the round services take from a valid form: its settings, the places invited
        and, when setting a round up, its framework. A time the form shows unchanged keeps its
        stored seconds, since the form carries minutes only."""
        data = self.cleaned_data
        settings = {name: data[name] for name in ROUND_SETTINGS}
        settings["invited_places"] = data["invited_places"]
        if "framework" in self.fields:
            settings["framework"] = data["framework"]
        if "version" in self.fields:
            settings["version"] = data.get("version") or 0
        if self.consultation is not None:
            for name in ("opens_at", "closes_at"):
                settings[name] = _same_minute(getattr(self.consultation, name), settings[name])
        return settings


def _same_minute(current: datetime, typed: datetime) -> datetime:
    """The stored moment when the form shows it unchanged."""
    return current if uk_parts(current) == uk_parts(typed) else typed


def round_form_initial(consultation: ConsultationRound) -> dict[str, Any]:
    opens_on, opens_time = uk_parts(consultation.opens_at)
    closes_on, closes_time = uk_parts(consultation.closes_at)
    return {
        "title": consultation.title,
        "purpose": consultation.purpose,
        "invited_places": list(consultation.invited_places.all()),
        "opens_on": opens_on,
        "opens_time": opens_time,
        "closes_on": closes_on,
        "closes_time": closes_time,
        "reminder_days": consultation.reminder_days,
        "suppression_threshold": consultation.suppression_threshold,
        "high_level_audiences": list(consultation.high_level_audiences),
        "detailed_audiences": list(consultation.detailed_audiences),
        "version": consultation.version,
    }


def new_round_initial(*, system: System) -> dict[str, Any]:
    """Opens tomorrow at 09:00 and closes four weeks later at 17:00 (UK time)."""
    tomorrow = timezone.localtime(timezone.now(), UK).date() + timedelta(days=1)
    frameworks = list(OptionFramework.objects.all()[:2])
    return {
        "framework": frameworks[0].pk if len(frameworks) == 1 else None,
        "invited_places": list(Place.objects.filter(system=system, is_active=True)),
        "opens_on": tomorrow,
        "opens_time": time(9, 0),
        "closes_on": tomorrow + timedelta(days=28),
        "closes_time": time(17, 0),
        "reminder_days": 7,
        "suppression_threshold": 3,
        "high_level_audiences": default_high_level_audiences(),
        "detailed_audiences": default_detailed_audiences(),
    }


def slot_text(label: str, *, rows: int, help_text: str = "") -> forms.CharField:
    """A text box of a question slot. No box is required on its own: a slot left blank is
    ignored, and QuestionForm.clean asks for the question once anything else is written."""
    return forms.CharField(
        label=label,
        required=False,
        widget=forms.Textarea(attrs={"rows": rows}),
        help_text=help_text,
    )


class QuestionForm(NHSForm):
    """One question slot; a slot left blank is ignored."""

    text = slot_text("Question", rows=3)
    hint = slot_text("Hint (optional)", rows=2)
    choices = slot_text(
        "Fixed answers (optional)",
        rows=3,
        help_text="One per line, for example Yes, No, Not sure. Places can still explain in "
        "words. Leave blank for a written answer only.",
    )
    required = forms.BooleanField(label="Places must answer this question", required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        lines = [line.strip() for line in data.get("choices", "").splitlines() if line.strip()]
        data["choice_list"] = lines
        if not data.get("text", "").strip():
            if data.get("hint", "").strip() or lines:
                self.add_error("text", "Write the question, or clear this slot.")
            return data
        if len(lines) == 1:
            self.add_error("choices", "Give at least two fixed answers, or none.")
        elif len(set(lines)) != len(lines):
            self.add_error("choices", "Each fixed answer must be different.")
        return data

    @property
    def spec(self) -> dict[str, Any] | None:
        """The question as the services take it, or None for a blank slot."""
        data = self.cleaned_data
        if not data.get("text", "").strip():
            return None
        return {
            "text": data["text"],
            "hint": data.get("hint", ""),
            "choices": data["choice_list"],
            "required": data.get("required", False),
        }


def question_forms(
    data: Any, specs: Iterable[dict[str, Any]], extra: int = EXTRA_QUESTION_SLOTS
) -> list[QuestionForm]:
    """A slot per existing question (pre-filled) and `extra` blank slots."""
    slots = []
    specs = list(specs)
    for number in range(1, len(specs) + extra + 1):
        spec = specs[number - 1] if number <= len(specs) else {}
        initial = {
            "text": spec.get("text", ""),
            "hint": spec.get("hint", ""),
            "choices": "\n".join(spec.get("choices") or []),
            "required": spec.get("required", True),
        }
        slots.append(QuestionForm(data, prefix=f"q{number}", initial=initial))
    return slots


def question_specs(questions: Iterable[Question]) -> list[dict[str, Any]]:
    return [
        {"text": q.text, "hint": q.hint, "choices": list(q.choices), "required": q.required}
        for q in questions
    ]


class MilestoneForm(NHSForm):
    """One milestone row: an existing milestone (with Remove) or a blank slot for a new one."""

    title = forms.CharField(label="Milestone", max_length=200, required=False)
    due_on = NHSDateField(label="Date", subject="the milestone’s date", required=False)
    description = forms.CharField(label="Description (optional)", max_length=500, required=False)
    releases = forms.ChoiceField(
        label="Summary part due for release at this milestone",
        choices=[("", "None"), *SummaryPart.choices],
        required=False,
    )
    remove = forms.BooleanField(label="Remove this milestone", required=False)

    def __init__(
        self, *args: Any, milestone: Milestone | None = None, suggestion: str = "", **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.milestone = milestone
        if milestone is None:
            del self.fields["remove"]
            if suggestion:
                self.fields["title"].widget.attrs["placeholder"] = suggestion

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("remove"):
            return data
        title, due_on = data.get("title", "").strip(), data.get("due_on")
        if self.milestone is not None or title or due_on or data.get("description", "").strip():
            if not title and "title" not in self.errors:
                self.add_error("title", "Enter a title for the milestone, or clear this slot")
            if due_on is None and "due_on" not in self.errors:
                self.add_error("due_on", "Enter the milestone’s date, or clear this slot")
        return data

    @property
    def is_blank(self) -> bool:
        data = self.cleaned_data
        return self.milestone is None and not data.get("title", "").strip()


def milestone_forms(
    data: Any, milestones: Iterable[Milestone], new_slots: int
) -> list[MilestoneForm]:
    milestones = list(milestones)
    # A new slot suggests releasing a part only if no milestone releases it yet.
    taken = {m.releases for m in milestones}
    forms_: list[MilestoneForm] = [
        MilestoneForm(
            data,
            prefix=f"milestone-{m.pk}",
            milestone=m,
            initial={name: getattr(m, name) for name in MILESTONE_FIELDS},
        )
        for m in milestones
    ]
    for number in range(1, new_slots + 1):
        title, releases = MILESTONE_SUGGESTIONS[(number - 1) % len(MILESTONE_SUGGESTIONS)]
        forms_.append(
            MilestoneForm(
                data,
                prefix=f"m{number}",
                suggestion=title,
                initial={"releases": "" if releases in taken else releases},
            )
        )
    return forms_


class ExtensionForm(NHSForm):
    place = forms.ModelChoiceField(
        label="Place",
        queryset=Place.objects.none(),
        empty_label="Choose a place",
        error_messages={"required": "Choose the place to give more time"},
    )
    closes_on = NHSDateField(label="New deadline: date", subject="the date of the new deadline")
    closes_time = time_field(
        "New deadline: time", "the time of the new deadline", initial=time(17, 0)
    )
    reason = forms.CharField(
        label="Reason",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Recorded in the audit trail, for example “Partnership board met late”.",
        error_messages={
            "required": "Enter the reason for the extra time",
            "max_length": "The reason must be 500 characters or fewer",
        },
    )

    def __init__(
        self,
        *args: Any,
        consultation: ConsultationRound,
        invited: list[Place] | None = None,
        **kwargs: Any,
    ) -> None:
        """`invited`: the round's invited places where the page has already read them (the
        progress board), so that listing them in the form costs no query of its own."""
        super().__init__(*args, **kwargs)
        place: forms.ModelChoiceField = self.fields["place"]  # type: ignore[assignment]
        place.queryset = consultation.invited_places.order_by("name")
        if invited is not None:
            place.choices = [
                ("", place.empty_label),
                *((p.pk, p.name) for p in sorted(invited, key=lambda p: (p.name, p.pk))),
            ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("closes_on") and data.get("closes_time"):
            data["closes_at"] = uk_moment(data["closes_on"], data["closes_time"])
        return data


class CloseForm(NHSForm):
    reason = forms.CharField(
        label="Reason (optional)",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Recorded in the audit trail.",
    )
