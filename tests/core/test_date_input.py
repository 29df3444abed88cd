"""The NHS date input (core/date_input.py): what it cleans to, each message it gives, which
boxes it highlights, and what it does with hostile values."""

from __future__ import annotations

import re
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.date_input import NHSDateField
from core.forms import NHSForm


class OpensForm(NHSForm):
    opens_on = NHSDateField(label="Opens on", subject="the date the round opens")


class ReviewForm(NHSForm):
    review_date = NHSDateField(label="Review date", subject="the review date", required=False)


def boxes(day: str = "", month: str = "", year: str = "") -> dict[str, str]:
    return {"opens_on_day": day, "opens_on_month": month, "opens_on_year": year}


def highlighted(form: NHSForm) -> list[str]:
    """The boxes drawn with the NHS error class."""
    html = str(form)
    return [
        part
        for part in ("day", "month", "year")
        if "nhsuk-input--error"
        in re.search(rf'<input [^>]*id="id_opens_on_{part}"[^>]*>', html).group(0)  # type: ignore[union-attr]
    ]


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        (boxes("15", "3", "2027"), date(2027, 3, 15)),
        (boxes(" 1 ", "02", "2028"), date(2028, 2, 1)),
        (boxes("29", "2", "2028"), date(2028, 2, 29)),
        (boxes("31", "12", "1999"), date(1999, 12, 31)),
    ],
)
def test_the_three_boxes_clean_to_a_date(typed, expected):
    form = OpensForm(typed)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["opens_on"] == expected


@pytest.mark.parametrize(
    ("typed", "message", "boxes_in_error"),
    [
        (boxes(), "Enter the date the round opens", ["day", "month", "year"]),
        ({}, "Enter the date the round opens", ["day", "month", "year"]),
        (boxes("15", "", "2027"), "The date the round opens must include a month", ["month"]),
        (boxes("", "3", "2027"), "The date the round opens must include a day", ["day"]),
        (boxes("15", "3", ""), "The date the round opens must include a year", ["year"]),
        (
            boxes("", "", "2027"),
            "The date the round opens must include a day and month",
            ["day", "month"],
        ),
        (boxes("31", "2", "2027"), "The date the round opens must be a real date", ["day"]),
        (boxes("29", "2", "2027"), "The date the round opens must be a real date", ["day"]),
        (boxes("1", "13", "2027"), "The date the round opens must be a real date", ["month"]),
        (boxes("0", "3", "2027"), "The date the round opens must be a real date", ["day"]),
        (boxes("1", "3", "99999"), "The date the round opens must be a real date", ["year"]),
        (boxes("1", "3", "27"), "The date the round opens must be a real date", ["year"]),
        (boxes("1", "3", "0000"), "The date the round opens must be a real date", ["year"]),
        (boxes("one", "3", "2027"), "The date the round opens must be a real date", ["day"]),
        (boxes("-1", "3", "2027"), "The date the round opens must be a real date", ["day"]),
        (boxes("1", "3", "２０２７"), "The date the round opens must be a real date", ["year"]),
    ],
)
def test_each_mistake_gets_its_message_and_only_its_boxes_highlighted(
    typed, message, boxes_in_error
):
    form = OpensForm(typed)
    assert not form.is_valid()
    assert form.errors["opens_on"] == [message]
    assert highlighted(form) == boxes_in_error
    html = str(form)
    assert f"Error:</span> {message}" in html
    # The error summary's link goes to the first box in error.
    assert form["opens_on"].id_for_label == f"id_opens_on_{boxes_in_error[0]}"


def test_an_optional_date_may_be_left_blank_but_not_half_filled():
    assert ReviewForm({}).is_valid()
    blank = ReviewForm({"review_date_day": "", "review_date_month": "", "review_date_year": ""})
    assert blank.is_valid() and blank.cleaned_data["review_date"] is None
    half = ReviewForm({"review_date_day": "1", "review_date_month": "", "review_date_year": ""})
    assert half.errors["review_date"] == ["The review date must include a month and year"]


def test_the_date_input_is_one_fieldset_with_a_legend_a_hint_and_three_labelled_boxes():
    html = str(OpensForm(initial={"opens_on": date(2027, 3, 15)}))
    assert (
        '<fieldset class="nhsuk-fieldset" role="group" aria-describedby="id_opens_on-hint">' in html
    )
    assert (
        '<legend class="nhsuk-fieldset__legend nhsuk-fieldset__legend--s">Opens on</legend>' in html
    )
    assert '<div class="nhsuk-hint" id="id_opens_on-hint">For example, 15 3 2027</div>' in html
    for part, label, value, width in [
        ("day", "Day", "15", "2"),
        ("month", "Month", "3", "2"),
        ("year", "Year", "2027", "4"),
    ]:
        assert (
            f'<label class="nhsuk-label nhsuk-date-input__label" for="id_opens_on_{part}">{label}</label>'
            in html
        )
        box = re.search(rf'<input [^>]*id="id_opens_on_{part}"[^>]*>', html)
        assert box is not None
        assert f'name="opens_on_{part}"' in box.group(0)
        assert f'value="{value}"' in box.group(0)
        assert f"nhsuk-input--width-{width}" in box.group(0)
        assert 'inputmode="numeric"' in box.group(0)
    assert 'type="date"' not in html


def test_an_error_the_boxes_do_not_explain_highlights_all_three():
    form = OpensForm(boxes("15", "3", "2027"))
    assert form.is_valid()
    form.add_error("opens_on", "The date the round opens must be before it closes")
    from core.forms import style_errors

    style_errors(form)
    assert highlighted(form) == ["day", "month", "year"]


@pytest.mark.parametrize(
    "hostile",
    [
        "<script>alert(1)</script>",
        "\x00",
        "1\x002",
        "9" * 100_000,
        "{{ request }}",
        "٣",
    ],
)
def test_hostile_values_are_refused_as_not_a_real_date(hostile):
    form = OpensForm(boxes(hostile, "3", "2027"))
    assert not form.is_valid()
    assert form.errors["opens_on"] in (
        ["The date the round opens must be a real date"],
        ["The date the round opens must include a day"],
    )
    html = str(form)
    assert "<script>alert(1)</script>" not in html


@given(st.text(max_size=12), st.text(max_size=12), st.text(max_size=12))
def test_any_typing_either_cleans_to_a_date_or_gives_one_message(day, month, year):
    form = OpensForm(boxes(day, month, year))
    if form.is_valid():
        assert isinstance(form.cleaned_data["opens_on"], date)
    else:
        [message] = form.errors["opens_on"]
        assert message.startswith(("Enter the date", "The date the round opens must"))
        str(form)  # it draws
