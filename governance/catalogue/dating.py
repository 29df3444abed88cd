"""A framework speaks from the day it was published. Its notes that carry a date ("could be
ready for April 2022") were advice for that moment: shown years later without comment they
would read as current advice. Every page and file that shows a framework's readiness notes,
benefits or risks passes them through `framework_note`, which marks a time-bound note as the
framework's ("In the 2021 framework: …") and leaves timeless ones as they are."""

from __future__ import annotations

import re
from collections.abc import Iterable

from governance.catalogue.models import OptionFramework

# A date is a year (1900-2099, alone, in "April 2022" or in "2022/23"), or a month named in
# full. "May" counts only beside a day or a year, since a note may begin "May be seen as…".
_DATE = re.compile(
    r"(?<!\d)(?:19|20)\d{2}(?!\d)"
    r"|\b(?:January|February|March|April|June|July|August|September|October|November"
    r"|December)\b"
    r"|\b\d{1,2}(?:st|nd|rd|th)? May\b|\bMay (?:19|20)\d{2}\b"
)


def is_time_bound(note: str) -> bool:
    """Whether a note mentions a date (a year, or a month), and so speaks for its moment."""
    return bool(_DATE.search(note or ""))


def framework_voice(framework: OptionFramework) -> str:
    """Who a dated note speaks for: "In the 2021 framework", from its publication date."""
    if framework.published_on:
        return f"In the {framework.published_on.year} framework"
    return "In the framework, when it was written"


def framework_note(note: str, *, framework: OptionFramework) -> str:
    """The note as a page shows it: a time-bound note marked as the framework's; any other
    note unchanged."""
    if not is_time_bound(note):
        return note
    # "Could be ready…" continues the sentence in lower case; "ICB…" keeps its capitals.
    if note[:1].isupper() and not note[1:2].isupper():
        note = note[0].lower() + note[1:]
    return f"{framework_voice(framework)}: {note}"


def framework_notes(notes: Iterable[str], *, framework: OptionFramework) -> list[str]:
    return [framework_note(note, framework=framework) for note in notes]
