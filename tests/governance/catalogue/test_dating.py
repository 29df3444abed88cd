"""Notes of a framework that carry a date are shown as the framework's advice at the time."""

from __future__ import annotations

from datetime import date

import pytest

from governance.catalogue.dating import framework_note, framework_notes, is_time_bound
from governance.catalogue.models import OptionFramework


@pytest.mark.parametrize(
    "note",
    [
        "Could be ready for April 2022",
        "Unlikely to be ready for 1st April 2022 amid the other changes",
        "Section 75 arrangements move to the new ICB after April 2022",
        "Budgets for 2022/23 are set",
        "Review it in 2030",
        "Ready by March",
        "Due on 1 May",
        "From May 2023",
    ],
)
def test_a_note_that_mentions_a_year_or_a_month_is_time_bound(note):
    assert is_time_bound(note)


@pytest.mark.parametrize(
    "note",
    [
        "Closest to how places already work",
        "May be seen as an NHS-only or NHS-led group",
        "Section 75 agreements become easier",
        "Cannot be formally set up until the ICB exists",
        "Serves 300,000 people",
        "",
    ],
)
def test_a_note_without_a_date_is_not(note):
    assert not is_time_bound(note)


def test_a_dated_note_speaks_for_the_framework_of_its_year():
    framework = OptionFramework(name="F", published_on=date(2021, 6, 1))
    assert framework_note("Could be ready for April 2022", framework=framework) == (
        "In the 2021 framework: could be ready for April 2022"
    )
    # Capitals of an abbreviation are kept; a timeless note is left as it is.
    assert framework_note("ICB set-up by April 2022", framework=framework) == (
        "In the 2021 framework: ICB set-up by April 2022"
    )
    assert framework_notes(["Closest to how places work"], framework=framework) == [
        "Closest to how places work"
    ]
    undated = OptionFramework(name="F")
    assert framework_note("Ready by April 2022", framework=undated).startswith(
        "In the framework, when it was written: ready by"
    )
    assert framework.published_label == "Published June 2021"
    assert undated.published_label == ""
