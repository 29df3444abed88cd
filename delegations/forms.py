"""Console forms for schemes of delegation, their lines, matters and delegate roles. They
parse input only; the rules live in delegations.services."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms

from core.date_input import NHSDateField
from core.forms import NHSForm
from delegations.bands import MAX_POUNDS, parse_pounds
from delegations.models import DelegateRole, MatterCategory, SchemeOfDelegation
from governance.structures.models import Committee
from partners.models import Neighbourhood, Organisation, Place

DELEGATE_TYPES = [
    ("committee", "A committee"),
    ("role", "A named role"),
    ("reserved", "Reserved to the organisation's board"),
]


class PoundsField(forms.CharField):
    """An amount of money as people type it in a scheme: 250000, £250,000, 250k or £2.5m."""

    default_error_messages = {
        "invalid": "Enter an amount in pounds, for example 250000, £250,000 or 2.5m.",
        "negative": "Enter £0 or more: an amount cannot be negative.",
        "too_large": "Enter an amount below £1 trillion.",
    }

    # Checked on the text in to_python: CharField's own length validator would run on the
    # Decimal it returns.
    longest = 30

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        return {
            **super().widget_attrs(widget),
            "maxlength": str(self.longest),
            "inputmode": "decimal",
            "autocomplete": "off",
            "spellcheck": "false",
        }

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, Decimal):
            return f"{value:,.0f}" if value == value.to_integral_value() else f"{value:,.2f}"
        return value

    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]
        text = super().to_python(value)
        if text is None or text in self.empty_values:
            return None
        if len(text) > self.longest:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        try:
            amount = parse_pounds(text)
        except ValueError:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None
        if amount < 0:
            raise forms.ValidationError(self.error_messages["negative"], code="negative")
        if amount > MAX_POUNDS:
            raise forms.ValidationError(self.error_messages["too_large"], code="too_large")
        return amount


class SchemeForm(NHSForm):
    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.none(),
        empty_label="Choose an organisation",
        error_messages={"required": "Choose the organisation whose scheme this is"},
    )
    effective_from = NHSDateField(
        label="Takes effect on",
        subject="the date the scheme takes effect",
        help_text="For example, 1 4 2026",
    )
    approved_by = forms.CharField(
        label="Approved by (optional)",
        max_length=200,
        required=False,
        help_text="The body that agreed it, for example the board of the organisation.",
    )
    notes = forms.CharField(
        label="Notes (optional)", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    copy_lines = forms.BooleanField(
        label="Copy the lines of the organisation's latest scheme", required=False, initial=True
    )
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(
        self,
        *args: Any,
        organisations: Any = None,
        scheme: SchemeOfDelegation | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if scheme is not None:  # editing: the organisation and the copy are fixed
            del self.fields["organisation"]
            del self.fields["copy_lines"]
        else:
            self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]
            del self.fields["version"]


class LineForm(NHSForm):
    matter = forms.TypedChoiceField(coerce=int, choices=())
    delegate_type = forms.ChoiceField(
        label="Who decides", choices=DELEGATE_TYPES, widget=forms.RadioSelect, initial="committee"
    )
    delegate_committee = forms.ModelChoiceField(
        label="Committee",
        queryset=Committee.objects.none(),
        required=False,
        empty_label="Choose a committee",
        help_text="A committee of a place where the organisation is a partner.",
    )
    delegate_role = forms.ModelChoiceField(
        label="Role",
        queryset=DelegateRole.objects.none(),
        required=False,
        empty_label="Choose a role",
    )
    limit_from = PoundsField(
        label="From (£)",
        initial=Decimal(0),
        help_text="The line covers values over this amount; with 0 it covers £0 too. For "
        "example 0, 250,000 or 1m.",
        error_messages={"required": "Enter the amount the band starts from: 0 for any amount."},
        widget=forms.TextInput(attrs={"class": "nhsuk-input--width-10"}),
    )
    limit_to = PoundsField(
        label="Up to (£)",
        required=False,
        help_text="The line covers values up to and including this amount. Empty for no "
        "upper limit.",
        widget=forms.TextInput(attrs={"class": "nhsuk-input--width-10"}),
    )
    place = forms.ModelChoiceField(
        label="Place", queryset=Place.objects.none(), required=False, empty_label="Every place"
    )
    neighbourhood = forms.ModelChoiceField(
        label="Only in one neighbourhood of the place (optional)",
        queryset=Neighbourhood.objects.none(),
        required=False,
        empty_label="The whole place",
        help_text="Choose the place above too: a neighbourhood is named with its own place.",
        error_messages={
            "invalid_choice": "Choose an active neighbourhood of one of the organisation's "
            "places from the list."
        },
    )
    conditions = forms.CharField(
        label="Conditions (optional)", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    reference = forms.CharField(
        label="Reference (optional)",
        max_length=60,
        required=False,
        help_text="The line's number in the organisation's scheme, for example 4.2.",
        widget=forms.TextInput(attrs={"class": "nhsuk-input--width-10"}),
    )

    def __init__(
        self,
        *args: Any,
        matters: list[tuple[int, str]],
        committees: Any,
        roles: Any,
        places: Any,
        neighbourhoods: Any = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if neighbourhoods is None:
            neighbourhoods = Neighbourhood.objects.none()
        self.fields["matter"].choices = [("", "Choose a matter"), *matters]  # type: ignore[attr-defined]
        self.fields["delegate_committee"].queryset = committees  # type: ignore[attr-defined]
        self.fields["delegate_committee"].label_from_instance = (  # type: ignore[attr-defined]
            lambda c: f"{c.name} ({c.place.name})"
        )
        self.fields["delegate_role"].queryset = roles  # type: ignore[attr-defined]
        self.fields["place"].queryset = places  # type: ignore[attr-defined]
        self.fields["neighbourhood"].queryset = neighbourhoods  # type: ignore[attr-defined]
        self.fields["neighbourhood"].label_from_instance = (  # type: ignore[attr-defined]
            lambda n: f"{n.name} ({n.place.name})"
        )

    def service_fields(self, matters: dict[int, MatterCategory]) -> dict[str, Any]:
        data = self.cleaned_data
        kind = data["delegate_type"]
        return {
            "matter": matters[data["matter"]],
            "reserved": kind == "reserved",
            "delegate_committee": data["delegate_committee"] if kind == "committee" else None,
            "delegate_role": data["delegate_role"] if kind == "role" else None,
            "limit_from": data["limit_from"],
            "limit_to": data["limit_to"],
            "place": data["place"],
            "neighbourhood": data.get("neighbourhood"),
            "conditions": data["conditions"],
            "reference": data["reference"],
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind = data.get("delegate_type")
        if kind == "committee" and not data.get("delegate_committee"):
            self.add_error("delegate_committee", "Choose the committee this line delegates to.")
        if kind == "role" and not data.get("delegate_role"):
            self.add_error("delegate_role", "Choose the role this line delegates to.")
        return data


def line_initial(line: Any) -> dict[str, Any]:
    kind = "reserved" if line.reserved else ("committee" if line.delegate_committee_id else "role")
    return {
        "matter": line.matter_id,
        "delegate_type": kind,
        "delegate_committee": line.delegate_committee_id,
        "delegate_role": line.delegate_role_id,
        "limit_from": line.limit_from,
        "limit_to": line.limit_to,
        "place": line.place_id,
        "neighbourhood": line.neighbourhood_id,
        "conditions": line.conditions,
        "reference": line.reference,
    }


class UploadForm(NHSForm):
    file = forms.FileField(
        label="Upload a spreadsheet (.xlsx)",
        help_text="Start from the template. Up to 2 MB and 5,000 lines. If any row has a "
        "problem, nothing is saved and every problem is listed.",
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                "class": "nhsuk-file-upload",
            }
        ),
    )
    mode = forms.ChoiceField(
        label="What to do with the scheme's lines",
        choices=[
            ("replace", "Replace all of the lines with the file's"),
            ("add", "Add the file's lines to the lines already there"),
        ],
        initial="replace",
        widget=forms.RadioSelect,
    )


class MatterForm(NHSForm):
    name = forms.CharField(max_length=200)
    code = forms.SlugField(
        max_length=60,
        help_text="A short code for spreadsheets: lower case letters, numbers and hyphens.",
    )
    parent = forms.TypedChoiceField(
        label="Beneath (optional)", coerce=int, required=False, empty_value=None, choices=()
    )
    is_budget = forms.BooleanField(
        label="Delegating it hands over a budget or a pooled fund",
        required=False,
        help_text="Such as a section 75 pooled budget. Only a body that may hold budgets can "
        "be delegated it.",
    )

    def __init__(self, *args: Any, matters: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["parent"].choices = [("", "Nothing: a top-level matter"), *matters]  # type: ignore[attr-defined]


class MatterRenameForm(NHSForm):
    name = forms.CharField(max_length=200)
    code = forms.SlugField(max_length=60)
    is_budget = forms.BooleanField(
        label="Delegating it hands over a budget or a pooled fund", required=False
    )


class RoleForm(NHSForm):
    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.none(), empty_label="Choose an organisation"
    )
    title = forms.CharField(max_length=200, help_text="For example, Director of Place.")
    place = forms.ModelChoiceField(
        label="Acts for the place (optional)",
        queryset=Place.objects.none(),
        required=False,
        empty_label="No one place",
    )
    is_individual_director = forms.BooleanField(
        label="An individual director with delegated authority", required=False
    )
    accountable_to_committee = forms.ModelChoiceField(
        label="Answers to the committee (optional)",
        queryset=Committee.objects.none(),
        required=False,
        empty_label="The organisation's board",
    )
    is_active = forms.BooleanField(label="Active", required=False, initial=True)

    def __init__(
        self,
        *args: Any,
        organisations: Any,
        places: Any,
        committees: Any,
        editing: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["organisation"]
        else:
            self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]
            del self.fields["is_active"]
        self.fields["place"].queryset = places  # type: ignore[attr-defined]
        self.fields["accountable_to_committee"].queryset = committees  # type: ignore[attr-defined]
