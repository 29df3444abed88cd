"""The NHS date input: a date typed as day, month and year in three boxes, one fieldset with a
legend and a hint (https://service-manual.nhs.uk/design-system/components/date-input).

`NHSDateField(subject="the date the round opens")` cleans the three boxes to a `date`, with the
NHS messages built from its subject ("Enter the date the round opens", "The date the round
opens must include a month", "… must be a real date"). Only the boxes that are wrong are
highlighted: core.forms gives the widget `parts_in_error` once the form has its errors
(every box for an error the boxes alone cannot explain, such as a date before another).
Browser date pickers are not used: they differ between browsers and are hard to use with a
screen reader or at 320 pixels wide."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

PARTS = ("day", "month", "year")
PART_LABELS = {"day": "Day", "month": "Month", "year": "Year"}
PART_WIDTHS = {
    "day": "nhsuk-input--width-2",
    "month": "nhsuk-input--width-2",
    "year": "nhsuk-input--width-4",
}
DATE_HINT = "For example, 15 3 2027"
# No real day, month or year is longer; anything longer (a pasted paragraph) is not a date.
LONGEST_PART = 4


@dataclass(frozen=True)
class DateProblem:
    message: str
    parts: tuple[str, ...]


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def _listed(parts: list[str]) -> str:
    """ "a month", "a day and month", "a day, month and year"."""
    if len(parts) == 1:
        return f"a {parts[0]}"
    return "a " + ", ".join(parts[:-1]) + " and " + parts[-1]


def typed_parts(value: Any) -> dict[str, str]:
    """What was typed in each box, stripped. `value` is the widget's list of three, or a date
    (the initial value of an unbound or disabled field)."""
    if isinstance(value, date):
        return {"day": str(value.day), "month": str(value.month), "year": str(value.year)}
    values = list(value) if isinstance(value, list | tuple) else []
    values += [""] * (len(PARTS) - len(values))
    return {part: str(typed or "").strip() for part, typed in zip(PARTS, values, strict=False)}


def date_problem(parts: dict[str, str], *, subject: str, required: bool) -> DateProblem | None:
    """What is wrong with the boxes as typed, or None when they make a date (or are all blank
    and need not be filled)."""
    missing = [part for part in PARTS if not parts[part]]
    if len(missing) == len(PARTS):
        return DateProblem(f"Enter {subject}", PARTS) if required else None
    if missing:
        return DateProblem(
            f"{_capitalised(subject)} must include {_listed(missing)}", tuple(missing)
        )
    not_real = f"{_capitalised(subject)} must be a real date"
    not_numbers = tuple(
        part
        for part in PARTS
        if not (parts[part].isascii() and parts[part].isdigit()) or len(parts[part]) > LONGEST_PART
    )
    if not_numbers:
        return DateProblem(not_real, not_numbers)
    day, month, year = (int(parts[part]) for part in PARTS)
    if len(parts["year"]) != LONGEST_PART or year < 1:
        return DateProblem(not_real, ("year",))
    if not 1 <= month <= 12:
        return DateProblem(not_real, ("month",))
    try:
        date(year, month, day)
    except ValueError:
        return DateProblem(not_real, ("day",))
    return None


class NHSDateInput(forms.MultiWidget):
    """Three text boxes (day, month, year) for numbers, posted as `<name>_day`,
    `<name>_month` and `<name>_year`."""

    template_name = "forms/date_input.html"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        boxes: dict[str, forms.Widget | type[forms.Widget]] = {
            part: forms.TextInput() for part in PARTS
        }
        super().__init__(boxes, attrs)
        self.parts_in_error: tuple[str, ...] = ()

    def decompress(self, value: Any) -> list[str]:
        parts = typed_parts(value)
        return [parts[part] for part in PARTS]

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        if isinstance(value, date):
            value = self.decompress(value)
        context = super().get_context(name, value, attrs)
        group_id = context["widget"]["attrs"].get("id", "")
        boxes = []
        for part, box in zip(PARTS, context["widget"]["subwidgets"], strict=True):
            classes = ["nhsuk-input", "nhsuk-date-input__input", PART_WIDTHS[part]]
            if part in self.parts_in_error:
                classes.append("nhsuk-input--error")
            box_attrs = {
                key: item
                for key, item in box["attrs"].items()
                if key not in {"class", "aria-describedby", "aria-invalid"}
            }
            if part in self.parts_in_error:
                box_attrs["aria-invalid"] = "true"
            box_attrs.update(
                {"id": f"{group_id}_{part}", "class": " ".join(classes), "inputmode": "numeric"}
            )
            box["attrs"] = box_attrs
            boxes.append({"label": PART_LABELS[part], "widget": box})
        context["widget"]["group_id"] = group_id
        context["widget"]["boxes"] = boxes
        return context

    def id_for_label(self, id_: str) -> str:
        """The box an error summary's link should take the person to: the first one wrong."""
        first = self.parts_in_error[0] if self.parts_in_error else PARTS[0]
        return f"{id_}_{first}" if id_ else ""


class NHSDateField(forms.MultiValueField):
    """A date typed in the NHS date input. `subject` names the date in its messages, written
    to follow "Enter": "the date the round opens"."""

    widget = NHSDateInput

    def __init__(self, *, subject: str, **kwargs: Any) -> None:
        kwargs.setdefault("help_text", DATE_HINT)
        boxes = tuple(forms.CharField(required=False) for _ in PARTS)
        super().__init__(boxes, require_all_fields=False, **kwargs)
        self.subject = subject

    def problem(self, value: Any) -> DateProblem | None:
        return date_problem(typed_parts(value), subject=self.subject, required=self.required)

    def parts_in_error(self, value: Any) -> tuple[str, ...]:
        """The boxes to highlight when the field has an error: those its boxes explain, or all
        three when the error is about the date itself (e.g. before another date)."""
        problem = self.problem(value)
        return problem.parts if problem is not None else PARTS

    def clean(self, value: Any) -> date | None:
        if self.disabled and isinstance(value, date):
            return value
        problem = self.problem(value)
        if problem is not None:
            raise ValidationError(problem.message, code="invalid")
        parts = typed_parts(value)
        if not any(parts.values()):
            return None
        cleaned = date(int(parts["year"]), int(parts["month"]), int(parts["day"]))
        self.run_validators(cleaned)
        return cleaned

    def compress(self, data_list: list[Any]) -> date | None:
        # clean() above does the whole job; MultiValueField requires this to exist.
        return None

    def has_changed(self, initial: Any, data: Any) -> bool:
        if self.disabled:
            return False
        return typed_parts(initial) != typed_parts(data)
