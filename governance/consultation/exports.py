"""Files made from an anonymised feedback summary: PDF, Word, CSV and Excel.

A pure module: each renderer takes a summary's `content` (the JSON stored in
FeedbackSummary.content, already anonymised: labels instead of place names, redacted free text,
small counts as "fewer than 3") and returns the file's bytes. Nothing here reads the database or
saves anything; the caller stores the result as a SummaryExport.

Everything in `content` was written by people, so it is treated as hostile:

- HTML (the PDF and the summary pages) is rendered with autoescaping on, from the same body
  template, `governance/feedback/_summary_body.html`.
- The PDF renderer fetches nothing: the document references no file, and its URL fetcher
  refuses every URL, so text can never make the server request anything.
- Spreadsheet cells (CSV and Excel) pass through `safe_cell`, which neutralises formula
  injection, and Excel cells are stored as text, never as formulas.
- Word and Excel files are XML, which cannot hold most control characters; those are dropped.

Counts may be suppressed strings, so they are printed as they are and never added up here.

Size. Word, Excel and CSV hold every place's text at any size in a second or two. A PDF is laid
out line by line and glyph by glyph (WeasyPrint manages a few pages a second on two cores), so
for a round with more per-place text than PDF_FULL_TEXT_LIMIT the PDF is condensed: it keeps the
title page, the high-level summary, every rating figure per option and principle, the
fixed-answer counts and the redaction log, and says that each place's reasons, case and
answers are in the Word, Excel and CSV files.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any, Final

from django.contrib.staticfiles import finders
from django.core.exceptions import ImproperlyConfigured
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import slugify

from core.documents import (
    Run,
    docx_bytes,
    docx_table,
    html_to_pdf,
    new_docx_document,
    plain_text,
    safe_cell,
    xlsx_put,
    xlsx_table_sheet,
    xml_text,
)
from core.uk_time import UK
from governance.consultation.summary_reading import (
    RATING_HEADER,
    Content,
    answer_text,
    commented,
    distribution_text,
    framework_text,
    heat_rows,
    modal_text,
    question_heading,
    rating_rows,
    redaction_rows,
    response_table,
    set_words,
    summary_title,
    uk_moment,
    uk_time,
)

SECTION_TITLES: Final = (
    "High-level summary",
    "Detailed review option by option",
    "Proposals",
    "Answers to each question",
    "Redaction log",
)
ANONYMISED_NOTE: Final = (
    "This summary is anonymised. Places are shown under anonymous labels (Place A, Place B "
    "and so on) and their free text has been redacted: names, contact details and phrases "
    "that could identify a place appear as markers such as [place] or [organisation]."
)

# The PDF renderer lays out text at a few thousand words a second, so the PDF of a large round
# cannot hold every place's text and still be made in seconds (200 places answering at length
# is over 1,000 pages). Above this cost (words of per-place text, plus _ENTRY_COST per entry;
# about 50 pages) the PDF keeps every figure but leaves the places' own text to the Word, Excel
# and CSV files, and says so. A round of ten or so places writing at length stays in full.
PDF_FULL_TEXT_LIMIT: Final = 30_000
_ENTRY_COST: Final = 15


def _modal_band(cell: Mapping[str, Any]) -> str:
    """The band code of the rating places gave most often ('' when none)."""
    if cell.get("modal") in band_colours():
        return str(cell["modal"])
    modal = cell.get("modal_label")
    if not modal:
        return ""
    for share in cell.get("distribution", []):
        if share.get("label") == modal:
            return plain_text(share.get("band"))
    return ""


# ---------------------------------------------------------------------------------------------
# PDF


def pdf_text_cost(content: Content) -> int:
    """How much per-place text the PDF would have to lay out: words of free text plus a
    fixed allowance for each place's entry (its heading line and spacing)."""
    detailed = content.get("detailed", {})
    texts: list[object] = []
    entries = 0
    for option in detailed.get("options", []):
        for _, principles in commented(option):
            for principle in principles:
                for comment in principle.get("comments", []):
                    texts += (comment.get("reasons"), comment.get("missing"))
                    entries += 1
    for proposal in detailed.get("proposals", []):
        texts.append(proposal.get("case"))
        entries += 1
    for question in detailed.get("questions", []):
        for answer in question.get("answers", []):
            texts.append(answer.get("text"))
            entries += 1
    words = sum(len(plain_text(text).split()) for text in texts)
    return words + _ENTRY_COST * entries


def pdf_is_condensed(content: Content) -> bool:
    """Whether the PDF leaves each place's text to the Word, Excel and CSV files."""
    return pdf_text_cost(content) > PDF_FULL_TEXT_LIMIT


def _condensed_options(content: Content) -> list[dict[str, Any]]:
    """Per option, alone and in each combination, and principle: the heat map's figures (for
    the condensed PDF)."""
    cells = {
        (row.get("option"), row.get("option_set"), cell.get("principle")): cell
        for row in heat_rows(content)
        for cell in row.get("cells", [])
    }

    def figures(number: object, key: object) -> list[dict[str, Any]]:
        found = []
        for principle in content.get("principles", []):
            cell = cells.get((number, key, principle.get("number")), {})
            found.append(
                {
                    "number": principle.get("number"),
                    "name": principle.get("name"),
                    "cell": cell,
                    "distribution": distribution_text(cell),
                }
            )
        return found

    return [
        {
            "number": option.get("number"),
            "name": option.get("name"),
            "principles": figures(option.get("number"), str(option.get("number"))),
            "contexts": [
                {
                    "label": row.get("label"),
                    "principles": figures(row.get("option"), row.get("option_set")),
                }
                for row in content.get("heatmap_in_context", [])
                if row.get("option") == option.get("number")
                and any(cell.get("rated") for cell in row.get("cells", []))
            ],
        }
        for option in content.get("options", [])
    ]


def render_html(content: Content, *, condensed: bool | None = None) -> str:
    """The whole printable document as HTML (what the PDF is made from). `condensed` leaves
    out each place's own text; by default it follows `pdf_is_condensed`."""
    if condensed is None:
        condensed = pdf_is_condensed(content)
    return render_to_string(
        "governance/feedback/document.html",
        {
            "content": content,
            "compiled_display": uk_moment(content.get("compiled_at")),
            "closes_display": uk_moment(content.get("round", {}).get("closes_at")),
            "condensed": condensed,
            "condensed_options": _condensed_options(content) if condensed else [],
            "band_styles": _band_styles(),
        },
    )


@cache
def _band_styles() -> SafeString:
    """The pages' band colours (static/css/bands.css), inlined: the PDF fetches nothing."""
    path = finders.find("css/bands.css")
    if not isinstance(path, str):
        raise ImproperlyConfigured("static/css/bands.css is missing.")
    return mark_safe(Path(path).read_text(encoding="utf-8"))  # noqa: S308 (our own file)


_BAND_RULE = re.compile(r"\.app-band--(\w+) \{ background-color: #(\w{6}); color: #(\w{6}); \}")


@cache
def band_colours() -> dict[str, tuple[str, str]]:
    """Each band's (background, text) colours for the Word and Excel files, read from the
    pages' style sheet so that every format colours a band alike; "" is no band."""
    return {
        "" if band == "none" else band: (fill.upper(), ink.upper())
        for band, fill, ink in _BAND_RULE.findall(_band_styles())
    }


def render_pdf(content: Content, *, condensed: bool | None = None) -> bytes:
    """The summary as an A4 PDF. A round with more per-place text than PDF_FULL_TEXT_LIMIT
    gets a condensed PDF (see the module notes); `condensed` overrides the choice."""
    return html_to_pdf(render_html(content, condensed=condensed))


# ---------------------------------------------------------------------------------------------
# Word


def render_docx(content: Content) -> bytes:
    """A Word document for a board paper appendix: the same sections as the PDF, with real
    headings (Heading 1 to 3) and tables whose header row repeats on every page."""
    document = new_docx_document(
        font_points=10, headings=("Title", "Heading 1", "Heading 2", "Heading 3")
    )

    def heading(text: str, level: int) -> None:
        document.add_heading(xml_text(text), level)

    def paragraph(text: str, *, bold_lead: str = "") -> None:
        para = document.add_paragraph()
        if bold_lead:
            para.add_run(xml_text(bold_lead)).bold = True
        para.add_run(xml_text(text))

    round_ = content.get("round", {})
    detailed = content.get("detailed", {})
    threshold = content.get("threshold")
    heading(f"Feedback summary: {summary_title(content)}", 0)
    paragraph(plain_text(round_.get("system")), bold_lead="System: ")
    paragraph(framework_text(content), bold_lead="Framework: ")
    if closes := uk_moment(round_.get("closes_at")):
        paragraph(closes, bold_lead="Round closed: ")
    paragraph(uk_moment(content.get("compiled_at")), bold_lead="Compiled: ")
    paragraph(
        f"{content.get('response_count')} of {content.get('invited_count')} invited places "
        "responded",
        bold_lead="Responses: ",
    )
    if round_.get("purpose"):
        paragraph(plain_text(round_.get("purpose")))
    paragraph(f"{ANONYMISED_NOTE} Counts below {threshold} are shown as “fewer than {threshold}”.")
    if not content.get("releasable"):
        paragraph(
            f"Fewer places responded than the suppression threshold of {threshold}, so this "
            "summary cannot be released."
        )

    heading(SECTION_TITLES[0], 1)
    heading("Option sets the places proposed", 2)
    docx_table(
        document,
        ["Option set", "Places"],
        [
            (
                plain_text(option_set.get("label"))
                + ("" if option_set.get("allowed", True) else " (not a permitted combination)"),
                option_set.get("count"),
            )
            for option_set in content.get("option_sets", [])
        ],
        (13, 4),
    )
    for question in content.get("choice_questions", []):
        heading(f"Question {question.get('order')}. {plain_text(question.get('text'))}", 2)
        docx_table(
            document,
            ["Answer", "Places"],
            [(row.get("choice"), row.get("count")) for row in question.get("counts", [])],
            (13, 4),
        )
    heading("Ratings: each option against each principle", 2)
    paragraph(
        "Each cell names the rating places gave most often and is shaded in its colour; it also "
        "gives the suggested rating, how many places gave each rating, and whether places "
        "agree with the suggestion."
    )
    principles = content.get("principles", [])
    column = 13 / max(len(principles), 1)

    def heat_table(rows: list[Mapping[str, Any]]) -> None:
        heat_rows: list[list[object]] = []
        heat_fills: list[list[str]] = []
        for row in rows:
            name = f"{row.get('option')}. {plain_text(row.get('option_name'))}"
            if "+" in plain_text(row.get("option_set")):
                name = plain_text(row.get("label"))
            cells: list[object] = [[[Run(name, bold=True)]]]
            fills = [""]
            for cell in row.get("cells", []):
                fill, ink = band_colours().get(_modal_band(cell), band_colours()[""])
                lines = [f"Suggested {cell.get('suggested_label') or 'none'}"]
                if cell.get("rated"):
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
            heat_rows.append(cells)
            heat_fills.append(fills)
        docx_table(
            document,
            ["Option", *(f"{p.get('number')}. {plain_text(p.get('name'))}" for p in principles)],
            heat_rows,
            (4, *([column] * len(principles))),
            fills=heat_fills,
        )

    heat_table(content.get("heatmap", []))
    if content.get("heatmap_in_context"):
        heading("Ratings in the context of a combination", 2)
        paragraph(
            "The framework rates some options separately in the context of a combination "
            "(“Option 1 with option 4” is option 1 used with option 4); places could rate "
            "these too, if they wished."
        )
        heat_table(content.get("heatmap_in_context", []))

    heading(SECTION_TITLES[1], 1)
    for option in detailed.get("options", []):
        heading(f"Option {option.get('number')}: {plain_text(option.get('name'))}", 2)
        contexts = [("", option.get("principles", []))] + [
            (plain_text(c.get("label")), c.get("principles", []))
            for c in option.get("contexts", [])
        ]
        for context, reviewed in contexts:
            if context:
                heading(context, 2)
            for principle in reviewed:
                heading(
                    f"Principle {principle.get('number')}: {plain_text(principle.get('name'))}", 3
                )
                paragraph(
                    plain_text(principle.get("suggested_label")) or "none",
                    bold_lead="Suggested rating: ",
                )
                comments = principle.get("comments", [])
                if not comments:
                    paragraph("No place commented on this.")
                    continue
                docx_table(
                    document,
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

    heading(SECTION_TITLES[2], 1)
    if proposals := detailed.get("proposals", []):
        docx_table(
            document,
            ["Place", "Option set", "Case for the proposal"],
            [
                (p.get("label"), p.get("option_set_label") or p.get("option_set"), p.get("case"))
                for p in proposals
            ],
            (2.2, 3.8, 11),
        )
    else:
        paragraph("No proposals.")

    heading(SECTION_TITLES[3], 1)
    for question in detailed.get("questions", []):
        heading(f"Question {question.get('order')}. {plain_text(question.get('text'))}", 2)
        if answers := question.get("answers", []):
            docx_table(
                document,
                ["Place", "Answer"],
                [(a.get("label"), answer_text(a.get("choice"), a.get("text"))) for a in answers],
                (2.2, 14.8),
            )
        else:
            paragraph("No place answered this question.")

    heading(SECTION_TITLES[4], 1)
    paragraph(
        "What was removed from the places’ text before anyone else read it, by type. The "
        "removed text itself is never shown."
    )
    total = content.get("redactions", {}).get("total")
    docx_table(
        document,
        ["Removed", "Shown as", "Number"],
        [
            *redaction_rows(content),
            ([[Run("Total", bold=True)]], "", [[Run(plain_text(total), bold=True)]]),
        ],
        (8, 5, 4),
    )

    return docx_bytes(document)


# ---------------------------------------------------------------------------------------------
# CSV and Excel


def render_csv(content: Content) -> bytes:
    """One row per anonymised response, UTF-8 with a byte order mark so Excel reads it right."""
    header, rows = response_table(content)
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_ALL)
    # Control characters go first, so that "\x00=cmd" cannot slip a formula past safe_cell.
    writer.writerow([safe_cell(xml_text(value)) for value in header])
    for row in rows:
        writer.writerow([safe_cell(xml_text(value)) for value in row])
    return buffer.getvalue().encode("utf-8-sig")


def render_xlsx(content: Content) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment

    workbook = Workbook()
    responses = workbook.active
    assert responses is not None
    responses.title = "Responses"
    header, rows = response_table(content)
    xlsx_table_sheet(responses, header, rows, [12, 24, 60, *([60] * (len(header) - 3))])

    ratings = workbook.create_sheet("Ratings")
    xlsx_table_sheet(ratings, RATING_HEADER, rating_rows(content), [12, 30, 18, 30, 14, 16, 60, 60])

    summary = workbook.create_sheet("Summary")
    wrap = Alignment(wrap_text=True, vertical="top")
    line = 0

    def put_row(*values: object, bold: bool = False) -> None:
        nonlocal line
        line += 1
        for column, value in enumerate(values, 1):
            xlsx_put(summary, line, column, value, bold=bold).alignment = wrap

    round_ = content.get("round", {})
    put_row(f"Feedback summary: {summary_title(content)}", bold=True)
    put_row("System", round_.get("system"))
    put_row("Framework", framework_text(content))
    put_row("Compiled", uk_moment(content.get("compiled_at")))
    put_row("Places invited", content.get("invited_count"))
    put_row("Places that responded", content.get("response_count"))
    put_row(ANONYMISED_NOTE)
    line += 1
    put_row("Option set", "Permitted", "Places", bold=True)
    for option_set in content.get("option_sets", []):
        put_row(
            option_set.get("label"),
            "Yes" if option_set.get("allowed", True) else "No",
            option_set.get("count"),
        )
    for question in content.get("choice_questions", []):
        line += 1
        put_row(question_heading(question), bold=True)
        put_row("Answer", "Places", bold=True)
        for row in question.get("counts", []):
            put_row(row.get("choice"), row.get("count"))
    line += 1
    put_row(
        "Option",
        "In the context of",
        "Principle",
        "Suggested",
        "Most often",
        "Places' ratings",
        "Verdict",
        bold=True,
    )
    names = {p.get("number"): plain_text(p.get("name")) for p in content.get("principles", [])}
    for heat_row in heat_rows(content):
        for cell in heat_row.get("cells", []):
            put_row(
                f"{heat_row.get('option')}. {plain_text(heat_row.get('option_name'))}",
                set_words(heat_row.get("option_set")),
                f"{cell.get('principle')}. {names.get(cell.get('principle'), '')}",
                cell.get("suggested_label") or "none",
                cell.get("modal_label") or modal_text(cell),
                distribution_text(cell),
                cell.get("verdict_text"),
            )
    line += 1
    put_row("Redactions", "Shown as", "Number", bold=True)
    for name, marker, count in redaction_rows(content):
        put_row(name, marker, count)
    put_row("Total", "", content.get("redactions", {}).get("total"), bold=True)
    for letter, width in zip("ABCDEFG", (48, 18, 36, 14, 14, 30, 40), strict=True):
        summary.column_dimensions[letter].width = width

    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# ---------------------------------------------------------------------------------------------
# Registry


@dataclass(frozen=True)
class ExportSpec:
    render: Callable[[Content], bytes]
    content_type: str
    extension: str


EXPORTS: Final[Mapping[str, ExportSpec]] = {
    "pdf": ExportSpec(render_pdf, "application/pdf", "pdf"),
    "docx": ExportSpec(
        render_docx,
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "docx",
    ),
    "csv": ExportSpec(render_csv, "text/csv; charset=utf-8", "csv"),
    "xlsx": ExportSpec(
        render_xlsx,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "xlsx",
    ),
}


def export_filename(content: Content, fmt: str) -> str:
    """feedback-summary-{round title}-{date compiled}.{extension}"""
    slug = slugify(summary_title(content))[:80].strip("-") or "round"
    compiled = uk_time(content.get("compiled_at"))
    day: date = compiled.date() if compiled else timezone.localdate(timezone=UK)
    return f"feedback-summary-{slug}-{day:%Y-%m-%d}.{EXPORTS[fmt].extension}"
