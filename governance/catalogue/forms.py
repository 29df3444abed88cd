"""Forms of the catalogue pages: choosing options to explore, delivery models to compare."""

from __future__ import annotations

from typing import Any

from django import forms

from core.forms import NHSForm
from governance.catalogue.models import DeliveryModel, GovernanceOption

COMPARE_MIN = 2
COMPARE_MAX = 4


class OptionSetForm(NHSForm):
    options = forms.TypedMultipleChoiceField(
        label="Options to use together",
        help_text="Tick one option, or several to see whether they may be combined.",
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, options: list[GovernanceOption], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: forms.TypedMultipleChoiceField = self.fields["options"]  # type: ignore[assignment]
        field.choices = [(o.number, f"Option {o.number}: {o.name}") for o in options]
        field.error_messages["invalid_choice"] = "Choose from the options listed."


class CompareForm(NHSForm):
    models = forms.MultipleChoiceField(
        label="Delivery models to compare",
        help_text=f"Tick between {COMPARE_MIN} and {COMPARE_MAX} models.",
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": f"Tick at least {COMPARE_MIN} delivery models to compare.",
            "invalid_choice": "Choose from the delivery models listed.",
        },
    )

    def __init__(self, *args: Any, delivery_models: list[DeliveryModel], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.delivery_models = {m.slug: m for m in delivery_models}
        field: forms.MultipleChoiceField = self.fields["models"]  # type: ignore[assignment]
        field.choices = [
            (m.slug, f"{m.name} ({m.get_kind_display().lower()})") for m in delivery_models
        ]

    def clean_models(self) -> list[str]:
        slugs: list[str] = list(dict.fromkeys(self.cleaned_data["models"]))
        if len(slugs) < COMPARE_MIN:
            raise forms.ValidationError(
                f"Tick at least {COMPARE_MIN} delivery models to compare; you ticked {len(slugs)}."
            )
        if len(slugs) > COMPARE_MAX:
            raise forms.ValidationError(
                f"Tick no more than {COMPARE_MAX} delivery models to compare; you ticked {len(slugs)}."
            )
        return slugs

    def chosen(self) -> list[DeliveryModel]:
        return [self.delivery_models[slug] for slug in self.cleaned_data["models"]]
