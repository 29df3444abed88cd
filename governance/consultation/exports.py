"""Files made from an anonymised feedback summary: PDF, Word, CSV and Excel, one of each for
each part of the summary (SummaryPart: the high-level summary and the detailed review are
released separately, to different audiences, so neither part's file holds the other's).

A pure module: each renderer takes a summary's `content` (the JSON stored in
FeedbackSummary.content, already anonymised and suppressed: labels instead of place names,
redacted free text, counts as governance.consultation.suppression shows them and each place's
value generalised where its count is hidden) and the part, and returns the file's bytes. Nothing
here reads the database, saves anything, or works anything out from the places' answers: every
format prints what the content says. The caller stores the result as a SummaryExport. The Word
file is made in governance.consultation.exports_docx, the CSV and Excel files in
governance.consultation.exports_sheets.

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
for a round with more per-place text than PDF_FULL_TEXT_LIMIT the detailed review's PDF is
condensed: it keeps the title page and every rating figure per option and principle, and says
that each place's reasons, case and answers are in the Word, Excel and CSV files.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, Final

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import slugify

from core.documents import html_to_pdf, plain_text
from core.uk_time import UK
from governance.consultation.export_styles import band_colours, band_styles
from governance.consultation.exports_docx import ANONYMISED_NOTE, render_docx
from governance.consultation.exports_sheets import render_csv, render_xlsx
from governance.consultation.models import SummaryPart
from governance.consultation.summary_reading import (
    Content,
    commented,
    distribution_text,
    heat_rows,
    part_name,
    summary_title,
    uk_moment,
    uk_time,
)

__all__ = [
    "ANONYMISED_NOTE",
    "EXPORTS",
    "PDF_FULL_TEXT_LIMIT",
    "SECTIONS_OF_PART",
    "SECTION_TITLES",
    "band_colours",
    "export_filename",
    "pdf_is_condensed",
    "pdf_text_cost",
    "render_csv",
    "render_docx",
    "render_html",
    "render_pdf",
    "render_xlsx",
]

SECTION_TITLES: Final = (
    "High-level summary",
    "Detailed review option by option",
    "Proposals",
    "Answers to each question",
    "Redaction log",
)
# Which sections each part's files have: nothing of one part is in the other's files.
SECTIONS_OF_PART: Final[Mapping[str, tuple[str, ...]]] = {
    SummaryPart.HIGH_LEVEL: (SECTION_TITLES[0], SECTION_TITLES[4]),
    SummaryPart.DETAILED: SECTION_TITLES[1:4],
}

# The PDF renderer lays out text at a few thousand words a second, so the PDF of a large round
# cannot hold every place's text and still be made in seconds (200 places answering at length
# is over 1,000 pages). Above this cost (words of per-place text, plus _ENTRY_COST per entry;
# about 50 pages) the PDF keeps every figure but leaves the places' own text to the Word, Excel
# and CSV files, and says so. A round of ten or so places writing at length stays in full.
PDF_FULL_TEXT_LIMIT: Final = 30_000
_ENTRY_COST: Final = 15


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


def render_html(
    content: Content, *, part: str = SummaryPart.HIGH_LEVEL, condensed: bool | None = None
) -> str:
    """One part of the summary as a printable document (what the PDF is made from).
    `condensed` leaves out each place's own text from the detailed review; by default it
    follows `pdf_is_condensed`. The high-level summary has no place's own text to leave out."""
    part = SummaryPart(part)
    if part == SummaryPart.HIGH_LEVEL:
        condensed = False
    elif condensed is None:
        condensed = pdf_is_condensed(content)
    return render_to_string(
        "governance/feedback/document.html",
        {
            "content": content,
            "part": part.value,
            "part_name": part_name(part),
            "parts": [part.value],
            "compiled_display": uk_moment(content.get("compiled_at")),
            "closes_display": uk_moment(content.get("round", {}).get("closes_at")),
            "condensed": condensed,
            "condensed_options": _condensed_options(content) if condensed else [],
            "band_styles": band_styles(),
        },
    )


def render_pdf(
    content: Content, *, part: str = SummaryPart.HIGH_LEVEL, condensed: bool | None = None
) -> bytes:
    """One part of the summary as an A4 PDF. A round with more per-place text than
    PDF_FULL_TEXT_LIMIT gets a condensed detailed review (see the module notes); `condensed`
    overrides the choice."""
    return html_to_pdf(render_html(content, part=part, condensed=condensed))


# ---------------------------------------------------------------------------------------------
# Registry


@dataclass(frozen=True)
class ExportSpec:
    """A format: its renderer (content and part to bytes), content type and extension."""

    render: Callable[..., bytes]
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

_PART_SLUGS: Final = {
    SummaryPart.HIGH_LEVEL: "high-level-summary",
    SummaryPart.DETAILED: "detailed-review",
}


def export_filename(content: Content, fmt: str, part: str = SummaryPart.HIGH_LEVEL) -> str:
    """feedback-summary-{round title}-{part}-{date compiled}.{extension}: the part is in the
    name, so a file sent on says which audience it was released to."""
    slug = slugify(summary_title(content))[:80].strip("-") or "round"
    compiled = uk_time(content.get("compiled_at"))
    day: date = compiled.date() if compiled else timezone.localdate(timezone=UK)
    part_slug = _PART_SLUGS[SummaryPart(part)]
    return f"feedback-summary-{slug}-{part_slug}-{day:%Y-%m-%d}.{EXPORTS[fmt].extension}"
