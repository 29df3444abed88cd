"""Forms render as NHS.UK frontend components: `{{ form }}` and `{{ field.as_field_group }}`
produce the NHS markup (label, hint, error message, input classes) through NHSFormMixin and
the templates in templates/forms/. Every app's forms build on `NHSForm`; a service's
ValidationError reaches the page through `add_service_errors`."""

from __future__ import annotations

from typing import Any

from django import forms

from core.date_input import NHSDateField, NHSDateInput

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
            if isinstance(field.widget, NHSDateInput):
                continue  # its boxes are classed as they are drawn, its fieldset described
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
    the error message; a date input highlights only its boxes in error."""
    for name in form.errors:
        if name not in form.fields:
            continue
        field = form.fields[name]
        widget = field.widget
        if isinstance(field, NHSDateField):
            widget.parts_in_error = field.parts_in_error(form[name].data)
            continue
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


class VersionedForm(NHSForm):
    """A form that edits a record saved by several people: it carries the version the record
    was at when the form was opened, so a save from a stale form is refused."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def start_from(self, version: int) -> None:
        """After a refused stale save: keep what was typed, and let the next save replace
        the version now saved."""
        data = self.data.copy()  # type: ignore[attr-defined]
        data["version"] = str(version)
        self.data = data


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
