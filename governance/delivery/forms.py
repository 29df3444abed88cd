"""The forms of a place's delivery pages, one thing per page. They parse what was typed and
save through governance.delivery.services, which holds the rules; a rule a service refuses
comes back as errors on the form, and a stale save keeps what was typed."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms

from core.forms import NHSForm, VersionedForm
from governance.catalogue.models import DeliveryModel, GovernanceOption
from governance.delivery import selectors, services
from governance.delivery.models import (
    BudgetForm,
    DeliveryArrangement,
    DeliveryFunction,
    FunctionHolding,
    Guarantee,
    VotingRule,
)
from partners.legal_forms import FACTS
from partners.models import Organisation, Place, User

COUNCIL_FORMS = frozenset(form for form, facts in FACTS.items() if facts.local_authority)
NOT_DECIDED = ("", "Not decided yet")


@dataclass(frozen=True)
class Choice:
    """A radio with the facts shown beside it (as its hint)."""

    widget: Any  # the bound radio
    hints: list[str]


class ArrangementForm(VersionedForm):
    """A page of the place's arrangement: its fields are some of the arrangement's."""

    FIELDS: tuple[str, ...] = ()

    def __init__(
        self,
        *args: Any,
        place: Place,
        arrangement: DeliveryArrangement | None,
        **kwargs: Any,
    ) -> None:
        initial = {"version": arrangement.version if arrangement else services.NOT_SAVED_YET}
        if arrangement is not None:
            initial |= {name: getattr(arrangement, name) for name in self.FIELDS}
        kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        self.place = place
        self.arrangement = arrangement

    def save(self, *, actor: User) -> DeliveryArrangement:
        """Save this page's answers (refused if someone saved the arrangement since the form
        was opened)."""
        data = dict(self.cleaned_data)
        version = data.pop("version")
        return services.arrangement_save(
            actor=actor,
            place=self.place,
            version=services.NOT_SAVED_YET if version is None else version,
            **{name: data[name] for name in self.FIELDS},
        )


def _archetype_hints(option: GovernanceOption) -> list[str]:
    hints = [option.summary] if option.summary else []
    holders = option.function_holders or {}
    placed = [
        f"{label}: {selectors.holder_kinds_in_words(holders[value])}"
        for value, label in DeliveryFunction.choices
        if holders.get(value)
    ]
    if placed:
        hints.append("Who holds each function: " + "; ".join(placed) + ".")
    if option.asks_of_local_government:
        hints.append(f"Asks of local government: {option.asks_of_local_government}")
    if option.asks_of_primary_care:
        hints.append(f"Asks of primary care: {option.asks_of_primary_care}")
    return hints


class ArchetypeForm(ArrangementForm):
    FIELDS = ("archetype", "budget_form")

    archetype = forms.ModelChoiceField(
        label="Which delivery archetype does the place follow?",
        queryset=GovernanceOption.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={
            "required": "Choose the archetype the place follows",
            "invalid_choice": "Choose one of the archetypes listed",
        },
    )
    budget_form = forms.ChoiceField(
        label="What form does the place's budget take?",
        choices=[NOT_DECIDED, *BudgetForm.choices],
        widget=forms.RadioSelect,
        required=False,
        help_text="The archetype says which forms it gives a place's budget: the design check "
        "compares them.",
        error_messages={"invalid_choice": "Choose one of the budget forms listed"},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.options = list(selectors.archetype_options())
        self.fields["archetype"].queryset = selectors.archetype_options()  # type: ignore[attr-defined]
        self.style_fields()

    def archetype_choices(self) -> list[Choice]:
        return _choices_with_hints(self["archetype"], self.options, _archetype_hints)


class PartnersForm(ArrangementForm):
    FIELDS = ("section_75_council", "lead_care_provider")

    section_75_council = forms.ModelChoiceField(
        label="The council with which the ICB has a section 75 agreement for the place",
        queryset=Organisation.objects.none(),
        required=False,
        empty_label="No section 75 agreement recorded",
        help_text="Only the place's partner councils are listed.",
        error_messages={"invalid_choice": "Choose one of the place's councils listed"},
    )
    lead_care_provider = forms.ModelChoiceField(
        label="The lead care provider or provider partnership",
        queryset=Organisation.objects.none(),
        required=False,
        empty_label="No lead care provider",
        help_text="Any of the place's partner organisations.",
        error_messages={"invalid_choice": "Choose one of the place's partners listed"},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        partners = selectors.partner_organisations(self.place)
        self.fields["section_75_council"].queryset = partners.filter(  # type: ignore[attr-defined]
            legal_form__in=COUNCIL_FORMS
        )
        self.fields["lead_care_provider"].queryset = partners  # type: ignore[attr-defined]


def _choices_with_hints(
    field: Any, rows: list[Any], hints: Callable[[Any], list[str]]
) -> list[Choice]:
    """Each radio of a choice among `rows` (read once), with the hints of the row it is."""
    by_pk = {str(row.pk): row for row in rows}
    return [
        Choice(widget, hints(by_pk[str(widget.data["value"])]))
        for widget in field
        if str(widget.data["value"]) in by_pk
    ]


def _form_hints(form: DeliveryModel) -> list[str]:
    hints = [form.summary, *(form.points or [])]
    hints.append(f"Governance: {form.get_governance_display().lower()}.")
    hints.append(f"Where risk sits: {form.risk[:1].lower()}{form.risk[1:]}.")
    hints.append(f"Time limit: {form.time_limited}.")
    return [hint for hint in hints if hint]


class ContractingFormForm(ArrangementForm):
    FIELDS = ("contracting_form",)

    contracting_form = forms.ModelChoiceField(
        label="Which contracting form does the lead provider arrangement take?",
        queryset=DeliveryModel.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={
            "required": "Choose the contracting form of the lead provider arrangement",
            "invalid_choice": "Choose one of the contracting forms listed",
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.forms = list(selectors.contracting_forms())
        self.fields["contracting_form"].queryset = selectors.contracting_forms()  # type: ignore[attr-defined]
        self.style_fields()

    def form_choices(self) -> list[Choice]:
        return _choices_with_hints(self["contracting_form"], self.forms, _form_hints)


class TermsForm(ArrangementForm):
    FIELDS = (
        "contract_years",
        "lead_risk_share",
        "voting_rule",
        "voting_weights",
        "reserved_matters",
        "guarantee",
        "gp_participation",
        "gp_support",
    )

    contract_years = forms.IntegerField(
        label="Contract length (years)",
        required=False,
        min_value=1,
        max_value=30,
        help_text="The source expects at least five years, often 10 to 15, so that providers "
        "can invest.",
        widget=forms.NumberInput(attrs={"class": "nhsuk-input--width-4", "inputmode": "numeric"}),
        error_messages={
            "invalid": "Enter the contract length as a whole number of years, like 10",
            "min_value": "Enter a contract length of at least 1 year",
            "max_value": "Enter a contract length of 30 years or fewer",
        },
    )
    lead_risk_share = forms.IntegerField(
        label="Share of the risk and reward the lead provider bears (%)",
        required=False,
        min_value=0,
        max_value=100,
        widget=forms.NumberInput(attrs={"class": "nhsuk-input--width-4", "inputmode": "numeric"}),
        error_messages={
            "invalid": "Enter the lead provider's share as a whole number from 0 to 100, like 60",
            "min_value": "Enter a share of 0%% or more",
            "max_value": "Enter a share of 100%% or less",
        },
    )
    voting_rule = forms.ChoiceField(
        label="How do the participants decide together?",
        choices=[NOT_DECIDED, *VotingRule.choices],
        widget=forms.RadioSelect,
        required=False,
        error_messages={"invalid_choice": "Choose one of the voting rules listed"},
    )
    voting_weights = forms.CharField(
        label="How much each participant's vote counts, and why",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    reserved_matters = forms.CharField(
        label="Reserved matters",
        required=False,
        help_text="What each participant keeps for itself (a contractual joint venture), or "
        "what is referred back to the shareholders (a corporate joint venture).",
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    guarantee = forms.ChoiceField(
        label="Do the parent organisations guarantee the arrangement?",
        choices=[NOT_DECIDED, *Guarantee.choices],
        widget=forms.RadioSelect,
        required=False,
        error_messages={"invalid_choice": "Choose one of the answers listed"},
    )
    gp_participation = forms.CharField(
        label="How GPs take part",
        required=False,
        help_text="As partners bearing risk, taking part in its governance without bearing "
        "risk, as sub-contractors or as salaried employees.",
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    gp_support = forms.BooleanField(
        label="GPs support the lead care provider holding their contracts",
        required=False,
    )


class HolderForm(NHSForm):
    """Who holds one function: an organisation (a partner or the ICB) or an active body."""

    holder = forms.ChoiceField(
        label="Who holds it?",
        error_messages={
            "required": "Choose the organisation or body that holds the function",
            "invalid_choice": "Choose one of the organisations or bodies listed",
        },
    )
    notes = forms.CharField(
        label="Notes (optional)",
        required=False,
        max_length=2000,
        help_text="For example, what the holder does and under which agreement.",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": "Notes must be 2,000 characters or fewer"},
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(
        self,
        *args: Any,
        place: Place,
        function: str,
        holding: FunctionHolding | None,
        **kwargs: Any,
    ) -> None:
        initial: dict[str, Any] = {"version": holding.version if holding else 0}
        if holding is not None:
            initial |= {"holder": _holder_value(holding), "notes": holding.notes}
        kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        self.place = place
        self.function = function
        self.holding = holding
        self.organisations = {o.pk: o for o in selectors.holder_organisations(place)}
        self.bodies = {c.pk: c for c in selectors.active_bodies(place)}
        self.fields["holder"].choices = [  # type: ignore[attr-defined]
            ("", "Choose who holds it"),
            (
                "Organisations",
                [(f"organisation-{pk}", o.name) for pk, o in self.organisations.items()],
            ),
            (
                "Bodies of the place",
                [(f"committee-{pk}", c.name) for pk, c in self.bodies.items()],
            ),
        ]

    def start_from(self, version: int) -> None:
        data = self.data.copy()  # type: ignore[attr-defined]
        data["version"] = str(version)
        self.data = data

    def chosen(self) -> tuple[Organisation | None, Any]:
        kind, _, pk = self.cleaned_data["holder"].partition("-")
        if kind == "organisation":
            return self.organisations[int(pk)], None
        return None, self.bodies[int(pk)]

    def save(self, *, actor: User) -> FunctionHolding:
        organisation, body = self.chosen()
        version = self.cleaned_data.get("version")
        return services.holding_save(
            actor=actor,
            place=self.place,
            function=self.function,
            version=services.NOT_SAVED_YET if version is None else version,
            holder_organisation=organisation,
            holder_committee=body,
            notes=self.cleaned_data["notes"],
        )


def _holder_value(holding: FunctionHolding) -> str:
    if holding.holder_committee_id:
        return f"committee-{holding.holder_committee_id}"
    return f"organisation-{holding.holder_organisation_id}"
