"""Forms only the console uses."""

from __future__ import annotations

from django import forms

from core.forms import NHSForm
from governance.consultation.feedback_review import PHRASE_MAX_LENGTH
from governance.consultation.models import RedactionKind


class RedactionForm(NHSForm):
    """A phrase to redact everywhere in a round's texts, or (kind "keep") one found
    automatically to keep as written."""

    kind = forms.ChoiceField(choices=RedactionKind.choices, widget=forms.HiddenInput)
    phrase = forms.CharField(
        label="Phrase to redact",
        max_length=PHRASE_MAX_LENGTH,
        help_text="Every appearance of this phrase, in every place’s response, becomes "
        "“[redacted]”. Case and punctuation do not matter.",
    )
    note = forms.CharField(
        label="Why (optional)",
        max_length=300,
        required=False,
        help_text="For other reviewers: for example, “names a local landmark”.",
    )
