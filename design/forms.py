"""The form of the decision router ("who may take this decision?"): a GET form, so an answer's
address can be shared."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from core.forms import NHSForm
from delegations.forms import PoundsField
from delegations.matters import MatterTree
from delegations.models import MatterCategory
from partners.models import Neighbourhood, Organisation


def attributes_html(attributes: dict[str, Any]) -> SafeString:
    """HTML attributes in the order given, as Django's widget templates write them: a true
    one by its name alone, a false or empty one not at all."""
    return format_html_join(
        "",
        "{}",
        (
            (format_html(" {}", name) if value is True else format_html(' {}="{}"', name, value),)
            for name, value in attributes.items()
            if value is not False and value is not None
        ),
    )


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

    neighbourhood = forms.TypedChoiceField(
        label="Where is it to be taken? (optional)",
        help_text="Lines of a scheme for one neighbourhood apply only to a decision taken there.",
        coerce=int,
        required=False,
        empty_value=None,
        error_messages={
            "invalid_choice": "Choose a neighbourhood from the list, or the whole place."
        },
    )

    def __init__(
        self,
        *args: Any,
        tree: MatterTree,
        organisations: list[Organisation],
        neighbourhoods: list[Neighbourhood] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.tree = tree
        self.organisation_rows = {o.pk: o for o in organisations}
        # Asked only of a place with active neighbourhoods.
        self.neighbourhood_rows = {n.pk: n for n in neighbourhoods or []}
        if self.neighbourhood_rows:
            where: forms.TypedChoiceField = self.fields["neighbourhood"]  # type: ignore[assignment]
            where.choices = [
                ("", "The whole place"),
                *((n.pk, n.name) for n in self.neighbourhood_rows.values()),
            ]
        else:
            del self.fields["neighbourhood"]
        matter: forms.TypedChoiceField = self.fields["matter"]  # type: ignore[assignment]
        matter.choices = [("", "Choose a matter"), *tree.options()]
        chosen: forms.TypedMultipleChoiceField = self.fields["organisations"]  # type: ignore[assignment]
        chosen.choices = [(o.pk, o.name) for o in organisations]
        self.fields["value"].widget.attrs["class"] += " nhsuk-input--width-10"

    # The matter list and the organisations' checkboxes are drawn by the page's template
    # from these, not by the widgets: a widget draws each option and each checkbox from a
    # template of its own, and for a place's dozens of partners that was a fifth of the
    # page's time. They give what the widgets would: the same choices, selection, classes and
    # attributes (in error, the checkboxes' attributes may come in another order).

    def matter_options(self) -> list[tuple[str, str, bool]]:
        """(value, label, selected) of each option of the matter list; as the Select
        widget does, only the first option matching the value is selected, and with no value
        the empty one is."""
        value = self["matter"].value()
        chosen: str | None = "" if value is None else str(value)
        options: list[tuple[str, str, bool]] = []
        for choice, label in self.fields["matter"].choices:  # type: ignore[attr-defined]
            selected = chosen is not None and str(choice) == chosen
            if selected:
                chosen = None
            options.append((str(choice), str(label), selected))
        return options

    def matter_attributes(self) -> SafeString:
        """The list's attributes, as its widget would write them after its name."""
        return attributes_html(self._widget_attributes("matter"))

    def organisation_checkboxes(self) -> list[tuple[str, str, str, bool]]:
        """(id, value, label, checked) of each organisation's checkbox."""
        field = self["organisations"]
        chosen = {str(value) for value in field.value() or ()}
        return [
            (f"{field.auto_id}_{index}", str(pk), str(label), str(pk) in chosen)
            for index, (pk, label) in enumerate(self.fields["organisations"].choices)  # type: ignore[attr-defined]
        ]

    def organisation_attributes(self) -> SafeString:
        """Each checkbox's attributes but its own id: its class, and when the choice is in
        error, that it is and what describes it."""
        attributes = self._widget_attributes("organisations")
        attributes.pop("id", None)
        return attributes_html(attributes)

    def _widget_attributes(self, name: str) -> dict[str, Any]:
        """The attributes the field's widget is drawn with (BoundField.as_widget's)."""
        field = self[name]
        widget = self.fields[name].widget
        extra = field.build_widget_attrs({}, widget)
        if field.auto_id and "id" not in widget.attrs:
            extra.setdefault("id", field.auto_id)
        return {**widget.attrs, **extra}

    def chosen_matter(self, system_id: int) -> MatterCategory:
        """The matter, built from the tree already read (no query)."""
        pk = self.cleaned_data["matter"]
        return MatterCategory(
            pk=pk,
            system_id=system_id,
            parent_id=self.tree.parents[pk],
            name=self.tree.names[pk],
        )

    def chosen_neighbourhood(self) -> Neighbourhood | None:
        pk = self.cleaned_data.get("neighbourhood")
        return self.neighbourhood_rows.get(pk) if pk is not None else None

    def chosen_organisations(self) -> list[Organisation]:
        return [self.organisation_rows[pk] for pk in self.cleaned_data["organisations"]]
