"""What a browser posts for a date typed in the NHS date input (core/date_input.py): a box
each for day, month and year."""

from __future__ import annotations

from datetime import date


def date_boxes(name: str, day: date) -> dict[str, str]:
    """The posted boxes of the date field `name` (with its form's prefix, e.g.
    "round-opens_on") holding `day`."""
    return {
        f"{name}_day": str(day.day),
        f"{name}_month": str(day.month),
        f"{name}_year": str(day.year),
    }
