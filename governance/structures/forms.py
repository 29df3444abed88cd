"""The forms of a place's committee pages. They parse what was typed and save through
governance.structures.committees and governance.structures.terms_of_reference, which hold the
rules; a rule a service refuses comes back as errors on the form."""

from __future__ import annotations

from typing import Any

from django import forms

from core.date_input import NHSDateField
from core.forms import NHSForm, VersionedForm
from governance.structures import committees, terms_of_reference, tor_sections
from governance.structures.models import (
    TOR_SECTIONS,
    Committee,
    CommitteeKind,
    CommitteeMember,
    DecisionRule,
    Frequency,
    MemberPosition,
    TermsOfReference,
)
from partners.legal_forms import STATUTORY_FORMS
from partners.models import Membership, Organisation, Place, Sector, User


def _partner_organisations(place: Place) -> Any:
    return Organisation.objects.filter(place_partnerships__place=place).order_by("name")


class CommitteeForm(VersionedForm):
    name = forms.CharField(max_length=200)
    kind = forms.ChoiceField(label="Kind of body", choices=CommitteeKind.choices)
    accountable_to_committee = forms.ModelChoiceField(
        label="Answers to another body of the place",
        queryset=Committee.objects.none(),
        required=False,
        empty_label="Not another body",
    )
    accountable_to_organisation = forms.ModelChoiceField(
        label="Or answers to the board of a partner organisation",
        queryset=Organisation.objects.none(),
        required=False,
        empty_label="Not an organisation's board",
        help_text="Choose one line of accountability: a body of the place or an "
        "organisation's board, not both.",
    )
    parties = forms.ModelMultipleChoiceField(
        label="For a joint committee: the statutory organisations that form it",
        queryset=Organisation.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="The ICB and at least one NHS trust or foundation trust, with any councils "
        "that take part. It answers to each of them, and only they vote and delegate to it. "
        "Leave empty for any other kind of body.",
    )
    frequency = forms.ChoiceField(label="How often it meets", choices=Frequency.choices)
    meets_in_public = forms.BooleanField(label="Meets in public", required=False)
    quorum_minimum = forms.IntegerField(
        label="Quorum: voting members present", min_value=1, max_value=100
    )
    quorum_sectors = forms.MultipleChoiceField(
        label="Quorum: sectors that must have a voting member present",
        choices=Sector.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    decision_rule = forms.ChoiceField(label="How decisions are made", choices=DecisionRule.choices)
    single_partner_veto = forms.BooleanField(
        label="Any single partner organisation can veto", required=False
    )
    NEW = {
        "frequency": Frequency.MONTHLY,
        "quorum_minimum": 3,
        "decision_rule": DecisionRule.CONSENSUS,
    }

    def __init__(
        self, *args: Any, place: Place, committee: Committee | None = None, **kwargs: Any
    ) -> None:
        if committee is not None:
            kwargs.setdefault(
                "initial",
                {name: getattr(committee, name) for name in committees.COMMITTEE_FIELDS}
                | {"version": committee.version, "parties": list(committee.parties.all())},
            )
        else:
            kwargs.setdefault("initial", dict(self.NEW))
        super().__init__(*args, **kwargs)
        self.place = place
        self.committee = committee
        others = Committee.objects.filter(place=place, is_active=True)
        if committee is not None:
            others = others.exclude(pk=committee.pk)
        self.fields["accountable_to_committee"].queryset = others  # type: ignore[attr-defined]
        self.fields["accountable_to_organisation"].queryset = _partner_organisations(place)  # type: ignore[attr-defined]
        self.fields["parties"].queryset = _partner_organisations(place).filter(  # type: ignore[attr-defined]
            legal_form__in=STATUTORY_FORMS
        )

    def save(self, *, actor: User) -> Committee:
        """Add the body, or save the changes to it (refused if someone saved it since the form
        was opened)."""
        changes = dict(self.cleaned_data)
        version = changes.pop("version", None)
        if self.committee is None:
            return committees.committee_create(actor=actor, place=self.place, **changes)
        return committees.committee_update(
            actor=actor,
            committee=self.committee,
            version=version or self.committee.version,
            **changes,
        )


class MemberForm(NHSForm):
    organisation = forms.ModelChoiceField(
        label="Partner organisation",
        queryset=Organisation.objects.none(),
        empty_label="Choose an organisation",
    )
    role_title = forms.CharField(
        label="Role",
        max_length=200,
        help_text="The post that holds the seat, such as Director of Finance.",
    )
    person = forms.ModelChoiceField(
        label="Person (optional)",
        queryset=User.objects.none(),
        required=False,
        empty_label="Not named",
    )
    position = forms.ChoiceField(choices=MemberPosition.choices)
    voting = forms.BooleanField(label="Voting member", required=False)
    deputy_allowed = forms.BooleanField(label="May send a deputy", required=False)
    independent = forms.BooleanField(label="Independent or non-executive", required=False)

    NEW_PREFIX = "new"

    def __init__(
        self,
        *args: Any,
        committee: Committee,
        member: CommitteeMember | None = None,
        **kwargs: Any,
    ) -> None:
        if member is None:
            kwargs.setdefault("initial", {"voting": True, "deputy_allowed": True})
            kwargs.setdefault("prefix", self.NEW_PREFIX)
        else:
            kwargs.setdefault(
                "initial", {name: getattr(member, name) for name in committees.MEMBER_FIELDS}
            )
            kwargs.setdefault("prefix", f"seat-{member.pk}")
        super().__init__(*args, **kwargs)
        self.committee = committee
        self.member = member
        place = committee.place
        self.fields["organisation"].queryset = _partner_organisations(place)  # type: ignore[attr-defined]
        people = Membership.objects.current().filter(system_id=place.system_id).values("user_id")
        self.fields["person"].queryset = User.objects.filter(  # type: ignore[attr-defined]
            pk__in=people, is_active=True
        ).order_by("full_name")

    def save(self, *, actor: User) -> CommitteeMember:
        """Add the seat, or save the changes to it."""
        if self.member is None:
            return committees.committee_member_add(
                actor=actor, committee=self.committee, **self.cleaned_data
            )
        return committees.committee_member_update(
            actor=actor, member=self.member, **self.cleaned_data
        )


def _note_hint(key: str, label: str, written: tor_sections.Written) -> str:
    """What the version already says for a written section, so a note does not say it
    again."""
    # Every written paragraph ends in a full stop, so the quotation closes the sentence.
    said = "“" + " ".join(written.paragraphs) + "”"
    if written.items:
        said += ", then a list of the seats."
    return (
        f"{label} is written from the body's record: {said} To change it, change the "
        f"body's details or members. Add here only what it does not say, such as "
        f"{tor_sections.NOTE_EXAMPLES[key]}."
    )


class TorEditForm(VersionedForm):
    review_date = NHSDateField(
        label="Review date (optional)", subject="the review date", required=False
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, tor: TermsOfReference, **kwargs: Any) -> None:
        initial: dict[str, Any] = {key: getattr(tor, key) for key, _ in TOR_SECTIONS}
        initial.update(review_date=tor.review_date, version=tor.version)
        kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        self.tor = tor
        written = tor_sections.written_sections(tor.committee)
        for key, label in TOR_SECTIONS:
            if key in written:
                self.fields[key] = forms.CharField(
                    label=f"{tor_sections.NOTE_LABELS[key]} (optional)",
                    required=False,
                    help_text=_note_hint(key, label, written[key]),
                    widget=forms.Textarea(attrs={"rows": 3}),
                )
            else:
                self.fields[key] = forms.CharField(
                    label=label, required=False, widget=forms.Textarea(attrs={"rows": 6})
                )
        # Sections first, then the review date.
        self.order_fields([key for key, _ in TOR_SECTIONS] + ["review_date"])
        self.style_fields()

    def save(self, *, actor: User) -> TermsOfReference:
        """Save the draft's sections (refused if someone saved it since the form was
        opened)."""
        data = dict(self.cleaned_data)
        version = data.pop("version")
        return terms_of_reference.tor_update(actor=actor, tor=self.tor, version=version, **data)

    def sections_unlike(self, theirs: TermsOfReference) -> list[dict[str, str]]:
        """The sections where what was typed differs from the version saved meanwhile."""
        return [
            {
                "label": tor_sections.NOTE_LABELS.get(key, label),
                "theirs": getattr(theirs, key),
                "yours": self.cleaned_data.get(key, ""),
            }
            for key, label in TOR_SECTIONS
            if getattr(theirs, key) != (self.cleaned_data.get(key) or "").replace("\r\n", "\n")
        ]


class TorApproveForm(NHSForm):
    approved_by = forms.CharField(
        label="Approving body",
        max_length=200,
        help_text="For example, the ICB board.",
        error_messages={
            "required": "Enter the body that approved the terms of reference, like the ICB board",
            "max_length": "The approving body must be 200 characters or fewer",
        },
    )
    approved_on = NHSDateField(label="Date approved", subject="the date they were approved")

    PREFIX = "approve"

    def __init__(self, *args: Any, tor: TermsOfReference, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", self.PREFIX)
        super().__init__(*args, **kwargs)
        self.tor = tor

    def save(self, *, actor: User) -> TermsOfReference:
        return terms_of_reference.tor_approve(actor=actor, tor=self.tor, **self.cleaned_data)
