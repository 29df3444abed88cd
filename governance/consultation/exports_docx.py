"""The Word file of one part of an anonymised feedback summary (see governance.consultation
.exports for what every file of a summary holds to). Pure: content in, bytes out."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from core.documents import (
    Run,
    docx_bytes,
    docx_table,
    new_docx_document,
    plain_text,
    xml_text,
)
from governance.consultation.export_styles import band_colours, modal_band
from governance.consultation.models import SummaryPart
from governance.consultation.summary_reading import (
    Content,
    answer_text,
    distribution_text,
    framework_text,
    modal_text,
    option_set_counts,
    part_name,
    redaction_rows,
    summary_title,
    uk_moment,
)

ANONYMISED_NOTE = (
    "This summary is anonymised. Places are shown under anonymous labels (Place A, Place B "
    "and so on) and their free text has been redacted: names, contact details and phrases "
    "that could identify a place appear as markers such as [place] or [organisation]."
)
SUPPRESSION_NOTE = (
    "Counts below {threshold} are shown as “fewer than {threshold}”; a count that would let "
    "a reader work one of them out is “not shown”, and so is the value of any place behind a "
    "count that is not shown."
)
_DETAILED_NOTE = (
    "This is the detailed review: each place’s comments, ratings, proposal and answers, option "
    "by option. The counts are in the high-level summary, released on its own."
)
_HIGH_LEVEL_NOTE = (
    "This is the high-level summary: how many places proposed and answered what, and how they "
    "rated each option. Each place’s comments are in the detailed review, released on its own."
)


class _Writer:
    """A Word document being written, with the few kinds of block a summary uses."""

    def __init__(self) -> None:
        self.document = new_docx_document(
            font_points=10, headings=("Title", "Heading 1", "Heading 2", "Heading 3")
        )

    def heading(self, text: str, level: int) -> None:
        self.document.add_heading(xml_text(text), level)

    def paragraph(self, text: str, *, bold_lead: str = "") -> None:
        para = self.document.add_paragraph()
        if bold_lead:
            para.add_run(xml_text(bold_lead)).bold = True
        para.add_run(xml_text(text))

    def counts(self, caption: str, header: str, withheld: object, rows: list[Any]) -> None:
        """A table of counts, or the one sentence that says why it is withheld."""
        self.heading(caption, 2)
        if withheld:
            self.paragraph(plain_text(withheld))
        else:
            docx_table(self.document, [header, "Places"], rows, (13, 4))


def render_docx(content: Content, *, part: str = SummaryPart.HIGH_LEVEL) -> bytes:
    """A Word document of one part of the summary, for a board paper appendix: real headings
    (Heading 1 to 3) and tables whose header row repeats on every page."""
    writer = _Writer()
    _title(writer, content, part)
    sections: dict[str, Callable[[_Writer, Content], None]] = {
        SummaryPart.HIGH_LEVEL: _high_level,
        SummaryPart.DETAILED: _detailed,
    }
    sections[SummaryPart(part)](writer, content)
    return docx_bytes(writer.document)


def _title(writer: _Writer, content: Content, part: str) -> None:
    round_ = content.get("round", {})
    threshold = content.get("threshold")
    writer.heading(f"{part_name(part)}: {summary_title(content)}", 0)
    writer.paragraph(_DETAILED_NOTE if part == SummaryPart.DETAILED else _HIGH_LEVEL_NOTE)
    writer.paragraph(plain_text(round_.get("system")), bold_lead="System: ")
    writer.paragraph(framework_text(content), bold_lead="Framework: ")
    if closes := uk_moment(round_.get("closes_at")):
        writer.paragraph(closes, bold_lead="Round closed: ")
    writer.paragraph(uk_moment(content.get("compiled_at")), bold_lead="Compiled: ")
    writer.paragraph(
        f"{content.get('response_count')} of {content.get('invited_count')} invited places "
        "responded",
        bold_lead="Responses: ",
    )
    if round_.get("purpose"):
        writer.paragraph(plain_text(round_.get("purpose")))
    writer.paragraph(f"{ANONYMISED_NOTE} {SUPPRESSION_NOTE.format(threshold=threshold)}")
    if not content.get("releasable"):
        writer.paragraph(
            f"Fewer places responded than the suppression threshold of {threshold}, so this "
            "summary cannot be released."
        )


def _high_level(writer: _Writer, content: Content) -> None:
    writer.heading("High-level summary", 1)
    writer.counts(
        "Option sets the places proposed",
        "Option set",
        content.get("option_sets_withheld"),
        option_set_counts(content),
    )
    for question in content.get("choice_questions", []):
        writer.counts(
            f"Question {question.get('order')}. {plain_text(question.get('text'))}",
            "Answer",
            question.get("withheld"),
            [(row.get("choice"), row.get("count")) for row in question.get("counts", [])],
        )
    _heat_section(
        writer,
        content,
        "Ratings: each option against each principle",
        "Each cell names the rating places gave most often and is shaded in its colour; it also "
        "gives the suggested rating, how many places gave each rating, and whether places "
        "agree with the suggestion."
        if content.get("framework_suggests", True)
        else "Each cell names the rating places gave most often and is shaded in its colour; "
        "it also gives how many places gave each rating and whether they agree with one "
        "another. The framework suggests no rating of its options.",
        content.get("heatmap", []),
    )
    if content.get("heatmap_in_context"):
        _heat_section(
            writer,
            content,
            "Ratings in the context of a combination",
            "The framework rates some options separately in the context of a combination "
            "(“Option 1 with option 4” is option 1 used with option 4); places could rate "
            "these too, if they wished.",
            content.get("heatmap_in_context", []),
        )

    writer.heading("Redaction log", 1)
    writer.paragraph(
        "What was removed from the places’ text before anyone else read it, by type. The "
        "removed text itself is never shown."
    )
    total = content.get("redactions", {}).get("total")
    docx_table(
        writer.document,
        ["Removed", "Shown as", "Number"],
        [
            *redaction_rows(content),
            ([[Run("Total", bold=True)]], "", [[Run(plain_text(total), bold=True)]]),
        ],
        (8, 5, 4),
    )


def _heat_section(
    writer: _Writer,
    content: Content,
    heading: str,
    explanation: str,
    rows: list[Mapping[str, Any]],
) -> None:
    """A heat map under its heading, after the sentence that says how to read it."""
    writer.heading(heading, 2)
    writer.paragraph(explanation)
    principles = content.get("principles", [])
    column = 13 / max(len(principles), 1)
    table: list[list[object]] = []
    fills_of_rows: list[list[str]] = []
    for row in rows:
        name = f"{row.get('option')}. {plain_text(row.get('option_name'))}"
        if "+" in plain_text(row.get("option_set")):
            name = plain_text(row.get("label"))
        cells: list[object] = [[[Run(name, bold=True)]]]
        fills = [""]
        for cell in row.get("cells", []):
            fill, ink = band_colours().get(modal_band(cell), band_colours()[""])
            lines = [f"Suggested {cell.get('suggested_label') or 'none'}"]
            if cell.get("rated") or cell.get("withheld"):
                lines.append(distribution_text(cell))
            if cell.get("verdict_text"):
                lines.append(plain_text(cell.get("verdict_text")))
            cells.append(
                [
                    [Run(modal_text(cell), bold=True, colour=ink)],
                    *([Run(line, colour=ink, half_points=16)] for line in lines),
                ]
            )
            fills.append(fill)
        table.append(cells)
        fills_of_rows.append(fills)
    docx_table(
        writer.document,
        ["Option", *(f"{p.get('number')}. {plain_text(p.get('name'))}" for p in principles)],
        table,
        (4, *([column] * len(principles))),
        fills=fills_of_rows,
    )


def _detailed(writer: _Writer, content: Content) -> None:
    detailed = content.get("detailed", {})
    writer.heading("Detailed review option by option", 1)
    for option in detailed.get("options", []):
        writer.heading(f"Option {option.get('number')}: {plain_text(option.get('name'))}", 2)
        contexts = [("", option.get("principles", []))] + [
            (plain_text(c.get("label")), c.get("principles", []))
            for c in option.get("contexts", [])
        ]
        for context, reviewed in contexts:
            if context:
                writer.heading(context, 2)
            for principle in reviewed:
                writer.heading(
                    f"Principle {principle.get('number')}: {plain_text(principle.get('name'))}", 3
                )
                writer.paragraph(
                    plain_text(principle.get("suggested_label")) or "none",
                    bold_lead="Suggested rating: ",
                )
                comments = principle.get("comments", [])
                if not comments:
                    writer.paragraph("No place commented on this.")
                    continue
                docx_table(
                    writer.document,
                    ["Place", "Rating", "Agreement", "Reasons", "What is missing"],
                    [
                        (
                            comment.get("label"),
                            comment.get("band_label") or "Not rated",
                            comment.get("agreement_label"),
                            comment.get("reasons"),
                            comment.get("missing"),
                        )
                        for comment in comments
                    ],
                    (2, 2.2, 2.3, 5.25, 5.25),
                )

    writer.heading("Proposals", 1)
    if proposals := detailed.get("proposals", []):
        docx_table(
            writer.document,
            ["Place", "Option set", "Case for the proposal"],
            [
                (p.get("label"), p.get("option_set_label") or p.get("option_set"), p.get("case"))
                for p in proposals
            ],
            (2.2, 3.8, 11),
        )
    else:
        writer.paragraph("No proposals.")

    writer.heading("Answers to each question", 1)
    for question in detailed.get("questions", []):
        writer.heading(f"Question {question.get('order')}. {plain_text(question.get('text'))}", 2)
        if answers := question.get("answers", []):
            docx_table(
                writer.document,
                ["Place", "Answer"],
                [(a.get("label"), answer_text(a.get("choice"), a.get("text"))) for a in answers],
                (2.2, 14.8),
            )
        else:
            writer.paragraph("No place answered this question.")
