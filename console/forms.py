"""Forms only the console uses."""

from __future__ import annotations

from django import forms

from core.forms import NHSForm
from governance.consultation.feedback_review import (
    KEEP_REASON_MISSING,
    NOTE_MAX_LENGTH,
    PHRASE_MAX_LENGTH,
)


class RedactionForm(NHSForm):
    """A phrase to redact everywhere in a round's texts."""

    phrase = forms.CharField(
        label="Phrase to redact",
        max_length=PHRASE_MAX_LENGTH,
        help_text="Every appearance of this phrase, in every place’s response, becomes "
        "“[redacted]”. Case and punctuation do not matter.",
    )
    note = forms.CharField(
        label="Why (optional)",
        max_length=NOTE_MAX_LENGTH,
        required=False,
        help_text="For other reviewers: for example, “names a local landmark”.",
    )


class KeepForm(NHSForm):
    """A name the scrubber removed, to keep as written everywhere, and why: the reason is
    required (the service refuses a keep without one too)."""

    phrase = forms.CharField(max_length=PHRASE_MAX_LENGTH, widget=forms.HiddenInput)
    note = forms.CharField(
        label="Why does this name not identify a place or person?",
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Other reviewers, and the admin who approves the summary, read this. For "
        "example, “Reading is a verb here, not the town”.",
        error_messages={"required": KEEP_REASON_MISSING},
    )
