"""The partners' forms: signing in and setting a password, places, organisations, people and
their roles, and the two-factor code. They render the NHS way through core.forms."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm, SetPasswordForm
from django.db import models

from core.forms import NHSForm, NHSFormMixin
from partners import neighbourhoods
from partners.legal_forms import LegalForm
from partners.models import (
    PLACE_ROLES,
    Neighbourhood,
    NeighbourhoodLead,
    Organisation,
    Place,
    Role,
    Sector,
    User,
    legal_form_mismatch,
)


class SignInForm(NHSFormMixin, AuthenticationForm):
    error_messages = {
        "invalid_login": "Enter a correct e-mail address and password. Both are case-sensitive.",
        "inactive": "This account has been deactivated. Contact your ICB governance team.",
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].label = "E-mail address"
        self.fields["username"].widget.attrs.update(
            {"autocomplete": "email", "spellcheck": "false"}
        )


class NHSPasswordResetForm(NHSFormMixin, PasswordResetForm):
    pass


class NHSSetPasswordForm(NHSFormMixin, SetPasswordForm):
    pass


class PlaceForm(NHSForm):
    name = forms.CharField(max_length=200)
    population = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=neighbourhoods.LARGEST_POPULATION,
        help_text="Number of residents, if known. A place usually serves somewhere between "
        "250,000 and 500,000 people; a few serve up to 1.2 million.",
    )
    local_authority_footprint = forms.CharField(
        label="Local authority footprint",
        max_length=300,
        required=False,
        help_text="The council area or areas the place covers.",
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class OrganisationForm(NHSForm):
    name = forms.CharField(max_length=200)
    sector = forms.ChoiceField(choices=[("", "Choose a sector"), *Sector.choices])
    legal_form = forms.ChoiceField(
        label="Legal form",
        choices=[("", "Choose a legal form"), *LegalForm.choices],
        help_text="What kind of body it is in law. ICBs, NHS trusts and councils are statutory "
        "bodies, which may hold delegated functions and budgets; practices, networks, charities "
        "and companies are not.",
    )
    ods_code = forms.CharField(label="ODS code (optional)", max_length=10, required=False)
    aliases = forms.CharField(
        label="Aliases and abbreviations (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text='One per line: the names people really use, such as "RHT" or "the council".',
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        mismatch = legal_form_mismatch(data.get("sector", ""), data.get("legal_form", ""))
        if data.get("sector") and data.get("legal_form") and mismatch:
            self.add_error("legal_form", mismatch)
        return data

    def clean_aliases(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["aliases"].splitlines() if line.strip()]


class AliasForm(NHSForm):
    alias = forms.CharField(label="New alias", max_length=200)


# Admin console ----------------------------------------------------------------------------


class SystemPopulationForm(NHSForm):
    population = forms.IntegerField(
        label="Population (optional)",
        required=False,
        min_value=1,
        max_value=neighbourhoods.LARGEST_POPULATION,
        help_text="How many people live in the system's footprint, if known. A system "
        "usually serves somewhere between 1 million and 3 million people.",
        error_messages={
            "invalid": "Enter the number of people as a whole number, like 1500000.",
            "min_value": "Enter a number of people above 0, or leave it empty.",
            "max_value": f"Enter a number of people no larger than "
            f"{neighbourhoods.LARGEST_POPULATION:,}.",
        },
        widget=forms.NumberInput(attrs={"class": "nhsuk-input--width-10", "inputmode": "numeric"}),
    )


class PlacePartnerAddForm(NHSForm):
    organisation = forms.ModelChoiceField(
        label="Add a partner organisation",
        queryset=Organisation.objects.none(),
        empty_label="Choose an organisation",
    )

    def __init__(self, *args: Any, candidates: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = candidates  # type: ignore[attr-defined]


def represented_organisation_field() -> forms.ModelChoiceField:
    """The organisation a person represents in a role: optional, chosen from the system's
    organisations (each form sets the queryset)."""
    return forms.ModelChoiceField(
        label="Organisation they represent (optional)",
        queryset=Organisation.objects.none(),
        required=False,
        empty_label="None",
    )


class MembershipAddForm(NHSForm):
    """Give a person who is already in the system another role."""

    role = forms.ChoiceField(choices=[("", "Choose a role"), *Role.choices])
    place = forms.ModelChoiceField(
        queryset=Place.objects.none(), required=False, empty_label="Not a place role"
    )
    organisation = represented_organisation_field()

    def __init__(self, *args: Any, system: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        places = Place.objects.filter(system=system, is_active=True)
        organisations = Organisation.objects.filter(system=system, is_active=True)
        self.fields["place"].queryset = places  # type: ignore[attr-defined]
        self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]


class PersonInviteForm(MembershipAddForm):
    """A new person and their first role."""

    full_name = forms.CharField(label="Full name", max_length=200)
    email = forms.EmailField(
        label="E-mail address",
        error_messages={
            "invalid": "Enter an e-mail address in the correct format, like name@example.nhs.uk"
        },
    )
    job_title = forms.CharField(label="Job title (optional)", max_length=200, required=False)
    field_order = ["full_name", "email", "job_title", "role", "place", "organisation"]


class MembershipChangeForm(NHSForm):
    """Change the role (within the same scope) and the organisation a person represents."""

    role = forms.ChoiceField(choices=Role.choices)
    organisation = represented_organisation_field()

    def __init__(self, *args: Any, membership: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        same_scope = [
            (value, label)
            for value, label in Role.choices
            if (value in PLACE_ROLES) == (membership.role in PLACE_ROLES)
        ]
        self.fields["role"].choices = same_scope  # type: ignore[attr-defined]
        organisations = Organisation.objects.filter(system_id=membership.system_id).filter(
            models.Q(is_active=True) | models.Q(pk=membership.organisation_id)
        )
        self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]


class SecurityCodeForm(NHSForm):
    token = forms.CharField(
        label="Security code",
        max_length=20,
        error_messages={"required": "Enter the security code."},
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "spellcheck": "false",
                "autocapitalize": "none",
                "class": "nhsuk-input--width-10",
            }
        ),
    )

    def __init__(self, *args: Any, hint: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["token"].help_text = hint


# A place's neighbourhoods ------------------------------------------------------------------


class NeighbourhoodForm(NHSForm):
    """A neighbourhood of a place: parsed here, judged and saved by partners.neighbourhoods.
    It carries the version the neighbourhood was at when the form was opened, so a save from
    a stale form is refused and what was typed stays in the form."""

    name = forms.CharField(
        max_length=200,
        error_messages={
            "required": "Enter the neighbourhood's name.",
            "max_length": "Enter a name of 200 characters or fewer.",
        },
    )
    population = forms.IntegerField(
        label="Population (optional)",
        required=False,
        min_value=1,
        max_value=neighbourhoods.LARGEST_POPULATION,
        help_text="How many people live in the neighbourhood, if known. "
        + neighbourhoods.TYPICAL_HINT,
        error_messages={
            "invalid": "Enter the number of people as a whole number, like 42000.",
            "min_value": "Enter a number of people above 0, or leave it empty.",
            "max_value": f"Enter a number of people no larger than "
            f"{neighbourhoods.LARGEST_POPULATION:,}.",
        },
        widget=forms.NumberInput(attrs={"class": "nhsuk-input--width-10", "inputmode": "numeric"}),
    )
    lead_kind = forms.ChoiceField(
        label="Who leads it (optional)",
        choices=[("", "Not recorded yet"), *NeighbourhoodLead.choices],
        required=False,
        error_messages={"invalid_choice": "Choose who leads the neighbourhood from the list."},
    )
    lead_organisation = forms.ModelChoiceField(
        label="Lead organisation (optional)",
        queryset=Organisation.objects.none(),
        required=False,
        empty_label="Not recorded yet",
        help_text="One of the place's partner organisations.",
        error_messages={
            "invalid_choice": "Choose one of the place's partner organisations from the list."
        },
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(
        self, *args: Any, place: Place, neighbourhood: Neighbourhood | None = None, **kwargs: Any
    ) -> None:
        if neighbourhood is not None:
            kwargs.setdefault(
                "initial",
                {
                    "name": neighbourhood.name,
                    "population": neighbourhood.population,
                    "lead_kind": neighbourhood.lead_kind,
                    "lead_organisation": neighbourhood.lead_organisation_id,
                    "version": neighbourhood.version,
                },
            )
        super().__init__(*args, **kwargs)
        self.place = place
        self.neighbourhood = neighbourhood
        self.fields["lead_organisation"].queryset = Organisation.objects.filter(  # type: ignore[attr-defined]
            place_partnerships__place=place
        ).order_by("name")

    def clean_name(self) -> str:
        return neighbourhoods.clean_name(self.cleaned_data["name"])

    def save(self, *, actor: User) -> Neighbourhood:
        """Add the neighbourhood, or save the changes to it (refused if someone saved it
        since the form was opened)."""
        data = dict(self.cleaned_data)
        version = data.pop("version", None)
        if self.neighbourhood is None:
            return neighbourhoods.neighbourhood_create(actor=actor, place=self.place, **data)
        return neighbourhoods.neighbourhood_update(
            actor=actor,
            neighbourhood=self.neighbourhood,
            version=version or self.neighbourhood.version,
            **data,
        )

    def start_from(self, version: int) -> None:
        """After a refused stale save: keep what was typed, and let the next save replace
        the version now saved."""
        data = self.data.copy()  # type: ignore[attr-defined]
        data["version"] = str(version)
        self.data = data
