"""Forms render as NHS.UK frontend components: `{{ form }}` and `{{ field.as_field_group }}`
produce the NHS markup (label, hint, error message, input classes) through NHSFormMixin."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm, SetPasswordForm
from django.db import models

from partners.models import PLACE_ROLES, Organisation, Place, Role, Sector

# First match wins: CheckboxSelectMultiple subclasses RadioSelect, so it must come first.
WIDGET_CLASSES: dict[type, str] = {
    forms.CheckboxSelectMultiple: "nhsuk-checkboxes__input",
    forms.Textarea: "nhsuk-textarea",
    forms.Select: "nhsuk-select",
    forms.SelectMultiple: "nhsuk-select",
    forms.CheckboxInput: "nhsuk-checkboxes__input",
    forms.RadioSelect: "nhsuk-radios__input",
}
ERROR_CLASSES = {
    "nhsuk-input": "nhsuk-input--error",
    "nhsuk-textarea": "nhsuk-textarea--error",
    "nhsuk-select": "nhsuk-select--error",
}


class NHSFormMixin:
    template_name = "forms/form.html"
    template_name_div = "forms/form.html"
    field_template_name = "forms/field.html"

    fields: dict[str, forms.Field]
    errors: Any

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.style_fields()

    def style_fields(self) -> None:
        """Give every field the NHS field template and widget classes. A form that adds
        fields after construction calls this again."""
        for name, field in self.fields.items():
            field.template_name = self.field_template_name  # type: ignore[attr-defined]
            css = next(
                (
                    c
                    for widget_type, c in WIDGET_CLASSES.items()
                    if isinstance(field.widget, widget_type)
                ),
                "nhsuk-input",
            )
            if isinstance(
                field.widget, forms.CheckboxInput | forms.RadioSelect | forms.CheckboxSelectMultiple
            ):
                field.widget.attrs["class"] = css
                continue
            classes = field.widget.attrs.get("class", "").split()
            if css not in classes:
                field.widget.attrs["class"] = " ".join([*classes, css])
            if field.help_text:
                field.widget.attrs["aria-describedby"] = f"{self[name].auto_id}-hint"  # type: ignore[index]

    def full_clean(self) -> None:
        super().full_clean()  # type: ignore[misc]
        style_errors(self)  # type: ignore[arg-type]


def style_errors(form: forms.BaseForm) -> None:
    """Give every field with an error the NHS error classes and point its aria-describedby at
    the error message."""
    for name in form.errors:
        if name not in form.fields:
            continue
        widget = form.fields[name].widget
        classes = widget.attrs.get("class", "")
        for base, error_class in ERROR_CLASSES.items():
            if base in classes.split() and error_class not in classes:
                classes += " " + error_class
        widget.attrs["class"] = classes
        error_id = f"{form[name].auto_id}-error"
        described = widget.attrs.get("aria-describedby", "")
        if error_id not in described:
            widget.attrs["aria-describedby"] = f"{described} {error_id}".strip()


class NHSForm(NHSFormMixin, forms.Form):
    pass


class NHSModelForm(NHSFormMixin, forms.ModelForm):
    pass


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
        required=False, min_value=1, help_text="Number of residents, if known."
    )
    local_authority_footprint = forms.CharField(
        label="Local authority footprint",
        max_length=300,
        required=False,
        help_text="The council area or areas the place covers.",
    )
    version = forms.CharField(widget=forms.HiddenInput, required=False)


class OrganisationForm(NHSForm):
    name = forms.CharField(max_length=200)
    sector = forms.ChoiceField(choices=[("", "Choose a sector"), *Sector.choices])
    is_statutory = forms.TypedChoiceField(
        label="Is it a statutory body?",
        choices=[("yes", "Yes"), ("no", "No")],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        help_text="Statutory bodies can hold delegated functions and budgets.",
    )
    ods_code = forms.CharField(label="ODS code (optional)", max_length=10, required=False)
    aliases = forms.CharField(
        label="Aliases and abbreviations (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text='One per line: the names people really use, such as "RHT" or "the council".',
    )
    version = forms.CharField(widget=forms.HiddenInput, required=False)

    def clean_aliases(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["aliases"].splitlines() if line.strip()]


class AliasForm(NHSForm):
    alias = forms.CharField(label="New alias", max_length=200)


# Admin console ----------------------------------------------------------------------------


def add_service_errors(form: forms.BaseForm, error: Any) -> None:
    """Put a service's ValidationError on the form: messages for a field the form has go on
    that field, anything else goes to the error summary. Re-applies the NHS error styling
    that NHSFormMixin gives errors found while cleaning."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)
    style_errors(form)


class PlacePartnerAddForm(NHSForm):
    organisation = forms.ModelChoiceField(
        label="Add a partner organisation",
        queryset=Organisation.objects.none(),
        empty_label="Choose an organisation",
    )

    def __init__(self, *args: Any, candidates: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = candidates  # type: ignore[attr-defined]


class MembershipAddForm(NHSForm):
    """Give a person who is already in the system another role."""

    role = forms.ChoiceField(choices=[("", "Choose a role"), *Role.choices])
    place = forms.ModelChoiceField(
        queryset=Place.objects.none(), required=False, empty_label="Not a place role"
    )
    organisation = forms.ModelChoiceField(
        label="Organisation they represent (optional)",
        queryset=Organisation.objects.none(),
        required=False,
        empty_label="None",
    )

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
    organisation = forms.ModelChoiceField(
        label="Organisation they represent (optional)",
        queryset=Organisation.objects.none(),
        required=False,
        empty_label="None",
    )

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
