"""The form of the decision router ("who may take this decision?"): a GET form, so an answer's
address can be shared."""

from __future__ import annotations

from typing import Any

from django import forms

from core.forms import NHSForm
from delegations.forms import PoundsField
from delegations.matters import MatterTree
from delegations.models import MatterCategory
from partners.models import Organisation


class DecisionForm(NHSForm):
    matter = forms.TypedChoiceField(
        label="What is the decision about?",
        coerce=int,
        error_messages={
            "required": "Choose what the decision is about.",
            "invalid_choice": "Choose a matter from the list.",
        },
    )
    value = PoundsField(
        label="Value of the decision, in pounds",
        help_text="For example 250000, £2,500,000 or 2.5m. Enter 0 if no money is involved.",
        error_messages={"required": "Enter the value of the decision in pounds."},
    )
    organisations = forms.TypedMultipleChoiceField(
        label="Organisations whose resources are involved",
        help_text="Partners of the place with a scheme of delegation in force.",
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Tick at least one organisation whose resources are involved.",
            "invalid_choice": "Choose organisations from the list.",
        },
    )

    def __init__(
        self, *args: Any, tree: MatterTree, organisations: list[Organisation], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.tree = tree
        self.organisation_rows = {o.pk: o for o in organisations}
        matter: forms.TypedChoiceField = self.fields["matter"]  # type: ignore[assignment]
        matter.choices = [("", "Choose a matter"), *tree.options()]
        chosen: forms.TypedMultipleChoiceField = self.fields["organisations"]  # type: ignore[assignment]
        chosen.choices = [(o.pk, o.name) for o in organisations]
        self.fields["value"].widget.attrs["class"] += " nhsuk-input--width-10"

    def chosen_matter(self, system_id: int) -> MatterCategory:
        """The matter, built from the tree already read (no query)."""
        pk = self.cleaned_data["matter"]
        return MatterCategory(
            pk=pk,
            system_id=system_id,
            parent_id=self.tree.parents[pk],
            name=self.tree.names[pk],
        )

    def chosen_organisations(self) -> list[Organisation]:
        return [self.organisation_rows[pk] for pk in self.cleaned_data["organisations"]]
