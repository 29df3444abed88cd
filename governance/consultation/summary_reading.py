"""Reading an anonymised feedback summary's content (FeedbackSummary.content) for its files:
the shared pieces every renderer of governance.consultation.exports uses. Pure functions of
the content; everything in it was written by people, so text is taken through `plain_text`,
and counts (which may be suppressed strings) are printed as they are, never added up."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, Final

from django.utils import timezone
from django.utils.dateparse import parse_datetime

from core.documents import plain_text
from core.uk_time import UK, uk_datetime
from governance.catalogue.rules import option_set_label
from governance.consultation.models import RemovedText, SummaryPart

Content = Mapping[str, Any]

# The first schema whose every table follows governance.consultation.suppression, with each
# place's value generalised where its count is hidden. An older summary still reads (its
# fields are a subset), but it should be recompiled before it is released again.
SUPPRESSION_SCHEMA: Final = 3


def holds_suppression(content: Content) -> bool:
    """Whether the content was compiled under the one suppression rule (schema 3 or later)."""
    schema = content.get("schema")
    return isinstance(schema, int) and schema >= SUPPRESSION_SCHEMA


def part_name(part: str) -> str:
    """ "High-level summary" or "Detailed review"."""
    return str(SummaryPart(part).label)


def uk_time(raw: object) -> datetime | None:
    """An ISO date and time from the content in UK time (a naive one is taken as UK time)."""
    if not raw:
        return None
    try:
        moment = parse_datetime(str(raw))
    except ValueError:
        return None
    if moment is None:
        return None
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, UK)
    return timezone.localtime(moment, UK)


def uk_moment(raw: object) -> str:
    """17:00 on Friday 3 October 2025 (UK time), or "" for a missing or unreadable time."""
    local = uk_time(raw)
    return uk_datetime(local) if local is not None else ""


def summary_title(content: Content) -> str:
    return plain_text(content.get("round", {}).get("title")) or "Consultation round"


def framework_text(content: Content) -> str:
    """The framework the round consulted on, with when it was published."""
    framework = content.get("framework", {})
    name, published = plain_text(framework.get("name")), plain_text(framework.get("published"))
    return f"{name} (published {published})" if name and published else name


def question_heading(question: Mapping[str, Any]) -> str:
    return f"Q{question.get('order')}. {plain_text(question.get('text'))}"


def answer_text(choice: object, text: object) -> str:
    """A choice, then a blank line and the free text if there is any."""
    parts = [part for part in (plain_text(choice), plain_text(text)) if part]
    return "\n\n".join(parts)


def distribution_text(cell: Mapping[str, Any]) -> str:
    """'LOW 3 · MEDIUM fewer than 3': the bands places chose, with how many chose each; or
    the sentence that stands for them when they are withheld."""
    if cell.get("withheld"):
        return plain_text(cell.get("withheld"))
    shares = [
        f"{share.get('label')} {share.get('count')}"
        for share in cell.get("distribution", [])
        if share.get("count") != 0
    ]
    return " · ".join(shares)


def modal_text(cell: Mapping[str, Any]) -> str:
    modal = cell.get("modal_label")
    if modal:
        return f"Most often {modal}"
    if cell.get("modal_hidden"):
        return "Most common rating not shown"
    return "No single most common rating" if cell.get("rated") else "Not rated"


def redaction_rows(content: Content) -> list[tuple[str, str, object]]:
    counts = content.get("redactions", {}).get("counts", {})
    rows = []
    for kind, count in counts.items():
        known = kind in RemovedText.values
        name = RemovedText(kind).label if known else str(kind).capitalize()
        marker = RemovedText(kind).marker if known else f"[{kind}]"
        rows.append((name, marker, count))
    return rows


def response_table(content: Content) -> tuple[list[str], list[list[str]]]:
    """The header and rows of one anonymised response per label: place, proposal, case and
    one column per question, in question order."""
    detailed = content.get("detailed", {})
    questions = sorted(detailed.get("questions", []), key=lambda q: q.get("order") or 0)
    proposals = {p.get("label"): p for p in detailed.get("proposals", [])}
    answers = [
        {a.get("label"): answer_text(a.get("choice"), a.get("text")) for a in q.get("answers", [])}
        for q in questions
    ]
    header = [
        "Place",
        "Proposed option set",
        "Case for the proposal",
        *(question_heading(q) for q in questions),
    ]
    rows = []
    for label in content.get("labels", []):
        proposal = proposals.get(label, {})
        rows.append(
            [
                plain_text(label),
                plain_text(proposal.get("option_set_label") or proposal.get("option_set")),
                plain_text(proposal.get("case")),
                *(by_label.get(label, "") for by_label in answers),
            ]
        )
    return header, rows


ALONE: Final = "On its own"


def set_words(key: object) -> str:
    """An option set in words ("Options 1 + 4"); "On its own" for a single option."""
    text = plain_text(key)
    if "+" not in text:
        return ALONE
    try:
        return option_set_label(text)
    except ValueError:  # not a key the catalogue writes: shown as it is
        return text


def commented(option: Mapping[str, Any]) -> list[tuple[str, list[Mapping[str, Any]]]]:
    """An option's detailed review: (the context, its principles) alone and then in each
    combination places rated it in ("On its own", "Options 1 + 4")."""
    contexts = [
        (set_words(c.get("option_set")), c.get("principles", []))
        for c in option.get("contexts", [])
    ]
    return [(ALONE, option.get("principles", [])), *contexts]


def rating_rows(content: Content) -> list[list[str]]:
    rows = []
    for option in content.get("detailed", {}).get("options", []):
        option_name = f"{option.get('number')}. {plain_text(option.get('name'))}"
        for context, principles in commented(option):
            for principle in principles:
                principle_name = f"{principle.get('number')}. {plain_text(principle.get('name'))}"
                for comment in principle.get("comments", []):
                    rows.append(
                        [
                            plain_text(comment.get("label")),
                            option_name,
                            context,
                            principle_name,
                            plain_text(comment.get("band_label")),
                            plain_text(comment.get("agreement_label")),
                            plain_text(comment.get("reasons")),
                            plain_text(comment.get("missing")),
                        ]
                    )
    return rows


RATING_HEADER: Final = [
    "Place",
    "Option",
    "In the context of",
    "Principle",
    "Band",
    "Agreement",
    "Reasons",
    "What is missing",
]


def heat_rows(content: Content) -> list[Mapping[str, Any]]:
    """Every heat map row: each option alone, then each option in a combination."""
    return [*content.get("heatmap", []), *content.get("heatmap_in_context", [])]


HIGH_LEVEL_HEADER: Final = [
    "Table",
    "Item",
    "In the context of",
    "Principle",
    "Suggested",
    "Most often",
    "Places",
    "Verdict",
]


def option_set_counts(content: Content) -> list[tuple[str, object]]:
    """Each option set the places proposed with how many proposed it, its label marked where
    the framework does not permit the combination: the rows every format's table shows."""
    return [
        (
            plain_text(option_set.get("label"))
            + ("" if option_set.get("allowed", True) else " (not a permitted combination)"),
            option_set.get("count"),
        )
        for option_set in content.get("option_sets", [])
    ]


def high_level_table(content: Content) -> list[list[object]]:
    """The high-level summary as one table (the CSV's rows, under HIGH_LEVEL_HEADER): each
    count of option sets and of answers, each heat map cell, and the redaction log. A withheld
    table is one row with its sentence in place of an item."""

    def counts(table: str, withheld: object, rows: list[tuple[str, object]]) -> list[list[object]]:
        if withheld:
            return [[table, plain_text(withheld), "", "", "", "", "", ""]]
        return [[table, item, "", "", "", "", count, ""] for item, count in rows]

    table = counts(
        "Option sets the places proposed",
        content.get("option_sets_withheld"),
        option_set_counts(content),
    )
    for question in content.get("choice_questions", []):
        table += counts(
            question_heading(question),
            question.get("withheld"),
            [
                (plain_text(row.get("choice")), row.get("count"))
                for row in question.get("counts", [])
            ],
        )
    names = {p.get("number"): plain_text(p.get("name")) for p in content.get("principles", [])}
    for row in heat_rows(content):
        for cell in row.get("cells", []):
            table.append(
                [
                    "Ratings",
                    f"{row.get('option')}. {plain_text(row.get('option_name'))}",
                    set_words(row.get("option_set")),
                    f"{cell.get('principle')}. {names.get(cell.get('principle'), '')}",
                    plain_text(cell.get("suggested_label")) or "none",
                    modal_text(cell),
                    distribution_text(cell),
                    plain_text(cell.get("verdict_text")),
                ]
            )
    for name, marker, count in redaction_rows(content):
        table.append(["Redaction log", f"{name} {marker}", "", "", "", "", count, ""])
    total = content.get("redactions", {}).get("total")
    table.append(["Redaction log", "Total", "", "", "", "", total, ""])
    return table
