"""The CSV and Excel files of one part of an anonymised feedback summary (see
governance.consultation.exports for what every file of a summary holds to). Every cell passes
through `safe_cell` or `xlsx_put`, so no place's text can become a formula. Pure: content in,
bytes out."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import Any

from core.documents import plain_text, safe_cell, xlsx_put, xlsx_table_sheet, xml_text
from governance.consultation.exports_docx import ANONYMISED_NOTE, SUPPRESSION_NOTE
from governance.consultation.models import SummaryPart
from governance.consultation.summary_reading import (
    HIGH_LEVEL_HEADER,
    RATING_HEADER,
    Content,
    distribution_text,
    framework_text,
    heat_rows,
    high_level_table,
    modal_text,
    part_name,
    question_heading,
    rating_rows,
    redaction_rows,
    response_table,
    set_words,
    summary_title,
    uk_moment,
)


def _csv_bytes(header: Sequence[object], rows: Sequence[Sequence[object]]) -> bytes:
    """UTF-8 with a byte order mark, so Excel reads it right."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_ALL)
    # Control characters go first, so that "\x00=cmd" cannot slip a formula past safe_cell.
    for row in (header, *rows):
        writer.writerow([safe_cell(xml_text(value)) for value in row])
    return buffer.getvalue().encode("utf-8-sig")


def render_csv(content: Content, *, part: str = SummaryPart.HIGH_LEVEL) -> bytes:
    """The detailed review: one row per anonymised response. The high-level summary: one row
    per count, heat map cell and redaction type, under HIGH_LEVEL_HEADER."""
    if part == SummaryPart.DETAILED:
        return _csv_bytes(*response_table(content))
    return _csv_bytes(HIGH_LEVEL_HEADER, high_level_table(content))


def render_xlsx(content: Content, *, part: str = SummaryPart.HIGH_LEVEL) -> bytes:
    """The detailed review: an About sheet, one row per response and one per rating. The
    high-level summary: a Summary sheet of facts, counts, heat map cells and redactions."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    if part == SummaryPart.DETAILED:
        _detailed_sheets(workbook, sheet, content)
    else:
        _summary_sheet(sheet, content)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


class _Lines:
    """A sheet written row by row, wrapped and aligned to the top."""

    def __init__(self, sheet: Any) -> None:
        from openpyxl.styles import Alignment

        self.sheet = sheet
        self.line = 0
        self.wrap = Alignment(wrap_text=True, vertical="top")

    def put(self, *values: object, bold: bool = False) -> None:
        self.line += 1
        for column, value in enumerate(values, 1):
            xlsx_put(self.sheet, self.line, column, value, bold=bold).alignment = self.wrap

    def skip(self) -> None:
        self.line += 1


def _facts(lines: _Lines, content: Content, part: str) -> None:
    round_ = content.get("round", {})
    lines.put(f"{part_name(part)}: {summary_title(content)}", bold=True)
    lines.put("System", round_.get("system"))
    lines.put("Framework", framework_text(content))
    lines.put("Compiled", uk_moment(content.get("compiled_at")))
    lines.put("Places invited", content.get("invited_count"))
    lines.put("Places that responded", content.get("response_count"))
    lines.put(f"{ANONYMISED_NOTE} {SUPPRESSION_NOTE.format(threshold=content.get('threshold'))}")


def _detailed_sheets(workbook: Any, about: Any, content: Content) -> None:
    about.title = "About"
    lines = _Lines(about)
    _facts(lines, content, SummaryPart.DETAILED)
    lines.put(
        "This is the detailed review: each place’s proposal, answers and ratings. The counts "
        "are in the high-level summary, released on its own."
    )
    about.column_dimensions["A"].width = 48
    about.column_dimensions["B"].width = 60
    responses = workbook.create_sheet("Responses")
    header, rows = response_table(content)
    xlsx_table_sheet(responses, header, rows, [12, 24, 60, *([60] * (len(header) - 3))])
    ratings = workbook.create_sheet("Ratings")
    xlsx_table_sheet(ratings, RATING_HEADER, rating_rows(content), [12, 30, 18, 30, 14, 16, 60, 60])


def _summary_sheet(summary: Any, content: Content) -> None:
    summary.title = "Summary"
    lines = _Lines(summary)
    _facts(lines, content, SummaryPart.HIGH_LEVEL)
    lines.skip()
    lines.put("Option set", "Permitted", "Places", bold=True)
    if content.get("option_sets_withheld"):
        lines.put(content.get("option_sets_withheld"))
    else:
        for option_set in content.get("option_sets", []):
            lines.put(
                option_set.get("label"),
                "Yes" if option_set.get("allowed", True) else "No",
                option_set.get("count"),
            )
    for question in content.get("choice_questions", []):
        lines.skip()
        lines.put(question_heading(question), bold=True)
        if question.get("withheld"):
            lines.put(question.get("withheld"))
            continue
        lines.put("Answer", "Places", bold=True)
        for row in question.get("counts", []):
            lines.put(row.get("choice"), row.get("count"))
    lines.skip()
    lines.put(
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
            lines.put(
                f"{heat_row.get('option')}. {plain_text(heat_row.get('option_name'))}",
                set_words(heat_row.get("option_set")),
                f"{cell.get('principle')}. {names.get(cell.get('principle'), '')}",
                cell.get("suggested_label") or "none",
                cell.get("modal_label") or modal_text(cell),
                distribution_text(cell),
                cell.get("verdict_text"),
            )
    lines.skip()
    lines.put("Redactions", "Shown as", "Number", bold=True)
    for name, marker, count in redaction_rows(content):
        lines.put(name, marker, count)
    lines.put("Total", "", content.get("redactions", {}).get("total"), bold=True)
    for letter, width in zip("ABCDEFG", (48, 18, 36, 14, 14, 30, 40), strict=True):
        summary.column_dimensions[letter].width = width
