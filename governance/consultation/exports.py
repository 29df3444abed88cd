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
import logging
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from copy import copy
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Final
from xml.sax.saxutils import escape as xml_escape
from zoneinfo import ZoneInfo

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.text import slugify

Content = Mapping[str, Any]

UK: Final = ZoneInfo("Europe/London")

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

# Band colours (background, text) as in static/css/app.css; the band is always named in words.
BAND_COLOURS: Final[Mapping[str, tuple[str, str]]] = {
    "low": ("F7D4D1", "6B140E"),
    "low_medium": ("FFDC8E", "4D3708"),
    "medium": ("FFF9C4", "212B32"),
    "medium_high": ("CCE5D8", "00401E"),
    "high": ("007F3B", "FFFFFF"),
    "": ("FFFFFF", "4C6272"),
}
NHS_BLUE: Final = "005EB8"

# The PDF renderer lays out text at a few thousand words a second, so the PDF of a large round
# cannot hold every place's text and still be made in seconds (200 places answering at length
# is over 1,000 pages). Above this cost (words of per-place text, plus _ENTRY_COST per entry;
# about 50 pages) the PDF keeps every figure but leaves the places' own text to the Word, Excel
# and CSV files, and says so. A round of ten or so places writing at length stays in full.
PDF_FULL_TEXT_LIMIT: Final = 30_000
_ENTRY_COST: Final = 15

REDACTION_KINDS: Final[Mapping[str, tuple[str, str]]] = {
    "place": ("Place names", "[place]"),
    "organisation": ("Organisation names", "[organisation]"),
    "person": ("People’s names", "[person]"),
    "email": ("E-mail addresses", "[email]"),
    "phone": ("Telephone numbers", "[phone]"),
    "postcode": ("Postcodes", "[postcode]"),
    "url": ("Web addresses", "[url]"),
    "nhs_number": ("NHS numbers", "[NHS number]"),
    "redacted": ("Phrases redacted on review", "[redacted]"),
}

# Spreadsheet programs treat a cell starting with one of these as a formula (OWASP, "CSV
# injection"); tab and carriage return because some programs strip them and read what follows.
_FORMULA_STARTS: Final = ("=", "+", "-", "@", "\t", "\r")
# Characters XML 1.0 cannot hold (python-docx and openpyxl refuse them); tab, newline and
# carriage return are allowed.
_XML_ILLEGAL: Final = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
# Excel's limit on the text in one cell.
_EXCEL_CELL_LIMIT: Final = 32_767
_TRUNCATED: Final = " … [cut: longer than a spreadsheet cell can hold]"


def safe_cell(value: object) -> str:
    """The text of a spreadsheet cell that no spreadsheet program will run as a formula.

    A value starting with = + - @, a tab or a carriage return gets a leading apostrophe
    ("=1+1" becomes "'=1+1"); anything else is its plain text, and None is empty. Only ever
    prepends, so applying it twice gives the same text as once."""
    if value is None:
        return ""
    text = str(value)
    if text.startswith(_FORMULA_STARTS):
        return "'" + text
    return text


def _xml_text(value: object) -> str:
    """Text without the control characters an XML file cannot contain."""
    return _XML_ILLEGAL.sub("", "" if value is None else str(value))


def _text(value: object) -> str:
    return "" if value is None else str(value)


# ---------------------------------------------------------------------------------------------
# Shared reading of the content


def _uk_time(raw: object) -> datetime | None:
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


def _uk_moment(raw: object) -> str:
    """17:00 on Friday 3 October 2025 (UK time), or "" for a missing or unreadable time."""
    local = _uk_time(raw)
    if local is None:
        return ""
    return f"{local:%H:%M} on {local:%A} {local.day} {local:%B %Y} (UK time)"


def _title(content: Content) -> str:
    return _text(content.get("round", {}).get("title")) or "Consultation round"


def _question_heading(question: Mapping[str, Any]) -> str:
    return f"Q{question.get('order')}. {_text(question.get('text'))}"


def _answer_text(choice: object, text: object) -> str:
    """A choice, then a blank line and the free text if there is any."""
    parts = [part for part in (_text(choice), _text(text)) if part]
    return "\n\n".join(parts)


def _distribution_text(cell: Mapping[str, Any]) -> str:
    """'LOW 1 · MEDIUM fewer than 3': the bands places chose, with how many chose each."""
    shares = [
        f"{share.get('label')} {share.get('count')}"
        for share in cell.get("distribution", [])
        if share.get("count") != 0
    ]
    return " · ".join(shares)


def _modal_text(cell: Mapping[str, Any]) -> str:
    modal = cell.get("modal_label")
    if modal:
        return f"Most often {modal}"
    return "No single most common rating" if cell.get("rated") else "Not rated"


def _modal_band(cell: Mapping[str, Any]) -> str:
    """The band code of the rating places gave most often ('' when none)."""
    if cell.get("modal") in BAND_COLOURS:
        return str(cell["modal"])
    modal = cell.get("modal_label")
    if not modal:
        return ""
    for share in cell.get("distribution", []):
        if share.get("label") == modal:
            return _text(share.get("band"))
    return ""


def _redaction_rows(content: Content) -> list[tuple[str, str, object]]:
    counts = content.get("redactions", {}).get("counts", {})
    rows = []
    for kind, count in counts.items():
        name, marker = REDACTION_KINDS.get(kind, (str(kind).capitalize(), f"[{kind}]"))
        rows.append((name, marker, count))
    return rows


def _response_table(content: Content) -> tuple[list[str], list[list[str]]]:
    """The header and rows of one anonymised response per label: place, proposal, case and
    one column per question, in question order."""
    detailed = content.get("detailed", {})
    questions = sorted(detailed.get("questions", []), key=lambda q: q.get("order") or 0)
    proposals = {p.get("label"): p for p in detailed.get("proposals", [])}
    answers = [
        {a.get("label"): _answer_text(a.get("choice"), a.get("text")) for a in q.get("answers", [])}
        for q in questions
    ]
    header = [
        "Place",
        "Proposed option set",
        "Case for the proposal",
        *(_question_heading(q) for q in questions),
    ]
    rows = []
    for label in content.get("labels", []):
        proposal = proposals.get(label, {})
        rows.append(
            [
                _text(label),
                _text(proposal.get("option_set_label") or proposal.get("option_set")),
                _text(proposal.get("case")),
                *(by_label.get(label, "") for by_label in answers),
            ]
        )
    return header, rows


def _rating_rows(content: Content) -> list[list[str]]:
    rows = []
    for option in content.get("detailed", {}).get("options", []):
        option_name = f"{option.get('number')}. {_text(option.get('name'))}"
        for principle in option.get("principles", []):
            principle_name = f"{principle.get('number')}. {_text(principle.get('name'))}"
            for comment in principle.get("comments", []):
                rows.append(
                    [
                        _text(comment.get("label")),
                        option_name,
                        principle_name,
                        _text(comment.get("band_label")),
                        _text(comment.get("agreement_label")),
                        _text(comment.get("reasons")),
                        _text(comment.get("missing")),
                    ]
                )
    return rows


RATING_HEADER: Final = [
    "Place",
    "Option",
    "Principle",
    "Band",
    "Agreement",
    "Reasons",
    "What is missing",
]


# ---------------------------------------------------------------------------------------------
# PDF


# WeasyPrint logs every page it lays out (and fontTools every table it subsets) at INFO: for a
# summary of hundreds of pages that would flood the worker's log. Warnings still show.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
logging.getLogger("fontTools").setLevel(logging.WARNING)


def _weasyprint_fetcher() -> Any:
    from weasyprint.urls import URLFetcher

    class RefuseEveryURL(URLFetcher):
        """Fetches nothing: a summary's PDF never needs a file or a network resource."""

        def fetch(self, url: str, headers: object = None) -> Any:
            raise ValueError(f"Fetching is disabled for summary documents: {url[:80]}")

    return RefuseEveryURL(fail_on_errors=False)


def pdf_text_cost(content: Content) -> int:
    """How much per-place text the PDF would have to lay out: words of free text plus a
    fixed allowance for each place's entry (its heading line and spacing)."""
    detailed = content.get("detailed", {})
    texts: list[object] = []
    entries = 0
    for option in detailed.get("options", []):
        for principle in option.get("principles", []):
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
    words = sum(len(_text(text).split()) for text in texts)
    return words + _ENTRY_COST * entries


def pdf_is_condensed(content: Content) -> bool:
    """Whether the PDF leaves each place's text to the Word, Excel and CSV files."""
    return pdf_text_cost(content) > PDF_FULL_TEXT_LIMIT


def _condensed_options(content: Content) -> list[dict[str, Any]]:
    """Per option and principle, the heat map's figures (for the condensed PDF)."""
    cells = {
        (row.get("option"), cell.get("principle")): cell
        for row in content.get("heatmap", [])
        for cell in row.get("cells", [])
    }
    return [
        {
            "number": option.get("number"),
            "name": option.get("name"),
            "principles": [
                {
                    "number": principle.get("number"),
                    "name": principle.get("name"),
                    "cell": cells.get((option.get("number"), principle.get("number")), {}),
                    "distribution": _distribution_text(
                        cells.get((option.get("number"), principle.get("number")), {})
                    ),
                }
                for principle in content.get("principles", [])
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
            "compiled_display": _uk_moment(content.get("compiled_at")),
            "closes_display": _uk_moment(content.get("round", {}).get("closes_at")),
            "condensed": condensed,
            "condensed_options": _condensed_options(content) if condensed else [],
        },
    )


def render_pdf(content: Content, *, condensed: bool | None = None) -> bytes:
    """The summary as an A4 PDF. A round with more per-place text than PDF_FULL_TEXT_LIMIT
    gets a condensed PDF (see the module notes); `condensed` overrides the choice."""
    from weasyprint import HTML

    html = render_html(content, condensed=condensed)
    document = HTML(string=html, base_url="about:blank", url_fetcher=_weasyprint_fetcher())
    pdf = document.write_pdf()
    assert isinstance(pdf, bytes)
    return pdf


# ---------------------------------------------------------------------------------------------
# Word


# Tables are written as WordprocessingML directly: python-docx's cell-by-cell API takes
# seconds for the thousands of rows of a large round, one XML string takes milliseconds.
_W_NS: Final = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_DXA_PER_CM: Final = 567  # twentieths of a point


@dataclass(frozen=True)
class _Run:
    text: str
    bold: bool = False
    colour: str = ""
    half_points: int = 0  # font size in half points; 0 keeps the style's size


def _w_run(run: _Run) -> str:
    props = ""
    if run.bold:
        props += "<w:b/>"
    if run.colour:
        props += f'<w:color w:val="{run.colour}"/>'
    if run.half_points:
        props += f'<w:sz w:val="{run.half_points}"/>'
    pieces = []
    for index, line in enumerate(_xml_text(run.text).split("\n")):
        if index:
            pieces.append("<w:br/>")
        for part_index, part in enumerate(line.split("\t")):
            if part_index:
                pieces.append("<w:tab/>")
            if part:
                pieces.append(f'<w:t xml:space="preserve">{xml_escape(part)}</w:t>')
    return f"<w:r>{f'<w:rPr>{props}</w:rPr>' if props else ''}{''.join(pieces)}</w:r>"


def _w_cell(paragraphs: Sequence[Sequence[_Run]], width_cm: float, fill: str = "") -> str:
    shading = f'<w:shd w:val="clear" w:color="auto" w:fill="{fill}"/>' if fill else ""
    body = "".join(
        f"<w:p>{''.join(_w_run(run) for run in runs)}</w:p>" for runs in paragraphs or [[]]
    )
    width = round(width_cm * _DXA_PER_CM)
    return f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/>{shading}</w:tcPr>{body}</w:tc>'


def _docx_table(
    document: Any,
    header: Sequence[str],
    rows: Iterable[Sequence[object | Sequence[Sequence[_Run]]]],
    widths: Sequence[float],
    *,
    fills: Iterable[Sequence[str]] | None = None,
) -> None:
    """Append a table: a header row (NHS blue, white bold text, repeated on every page) and a
    row per item. A value is plain text, or a list of paragraphs of runs for richer cells;
    `fills` gives a background colour per cell."""
    from docx.oxml import parse_xml

    fill_rows = iter(fills) if fills is not None else None
    parts = [
        f'<w:tbl xmlns:w="{_W_NS}"><w:tblPr><w:tblStyle w:val="TableGrid"/>'
        '<w:tblW w:w="0" w:type="auto"/><w:tblLayout w:type="fixed"/>'
        '<w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="1" '
        'w:lastColumn="0" w:noHBand="0" w:noVBand="1"/></w:tblPr><w:tblGrid>',
        *(f'<w:gridCol w:w="{round(width * _DXA_PER_CM)}"/>' for width in widths),
        "</w:tblGrid><w:tr><w:trPr><w:tblHeader/></w:trPr>",
        *(
            _w_cell([[_Run(title, bold=True, colour="FFFFFF")]], width, NHS_BLUE)
            for title, width in zip(header, widths, strict=True)
        ),
        "</w:tr>",
    ]
    for values in rows:
        row_fills = next(fill_rows) if fill_rows is not None else [""] * len(widths)
        parts.append("<w:tr>")
        for value, width, fill in zip(values, widths, row_fills, strict=True):
            paragraphs = value if isinstance(value, list) else [[_Run(_text(value))]]
            parts.append(_w_cell(paragraphs, width, fill))
        parts.append("</w:tr>")
    parts.append("</w:tbl>")
    body = document.element.body
    body.sectPr.addprevious(parse_xml("".join(parts)))


def _docx_footer_page_numbers(section: Any) -> None:
    """'Page 3 of 12' in the footer, as Word fields Word fills in as it lays the pages out."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    def run(text: str) -> Any:
        element = OxmlElement("w:r")
        text_element = OxmlElement("w:t")
        text_element.set(qn("xml:space"), "preserve")
        text_element.text = text
        element.append(text_element)
        return element

    def field(instruction: str) -> Any:
        element = OxmlElement("w:fldSimple")
        element.set(qn("w:instr"), instruction)
        element.append(run("1"))
        return element

    paragraph = section.footer.paragraphs[0]._p
    for element in (run("Page "), field("PAGE"), run(" of "), field("NUMPAGES")):
        paragraph.append(element)


def render_docx(content: Content) -> bytes:
    """A Word document for a board paper appendix: the same sections as the PDF, with real
    headings (Heading 1 to 3) and tables whose header row repeats on every page."""
    from docx import Document
    from docx.shared import Cm, Pt, RGBColor

    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2)
    section.top_margin = section.bottom_margin = Cm(2)
    styles = document.styles
    styles["Normal"].font.name = "Arial"
    styles["Normal"].font.size = Pt(10)
    for name in ("Title", "Heading 1", "Heading 2", "Heading 3"):
        styles[name].font.name = "Arial"
        styles[name].font.color.rgb = RGBColor.from_string(NHS_BLUE)
    _docx_footer_page_numbers(section)

    def heading(text: str, level: int) -> None:
        document.add_heading(_xml_text(text), level)

    def paragraph(text: str, *, bold_lead: str = "") -> None:
        para = document.add_paragraph()
        if bold_lead:
            para.add_run(_xml_text(bold_lead)).bold = True
        para.add_run(_xml_text(text))

    round_ = content.get("round", {})
    detailed = content.get("detailed", {})
    threshold = content.get("threshold")
    heading(f"Feedback summary: {_title(content)}", 0)
    paragraph(_text(round_.get("system")), bold_lead="System: ")
    paragraph(_text(content.get("framework", {}).get("name")), bold_lead="Framework: ")
    if closes := _uk_moment(round_.get("closes_at")):
        paragraph(closes, bold_lead="Round closed: ")
    paragraph(_uk_moment(content.get("compiled_at")), bold_lead="Compiled: ")
    paragraph(
        f"{content.get('response_count')} of {content.get('invited_count')} invited places "
        "responded",
        bold_lead="Responses: ",
    )
    if round_.get("purpose"):
        paragraph(_text(round_.get("purpose")))
    paragraph(f"{ANONYMISED_NOTE} Counts below {threshold} are shown as “fewer than {threshold}”.")
    if not content.get("releasable"):
        paragraph(
            f"Fewer places responded than the suppression threshold of {threshold}, so this "
            "summary cannot be released."
        )

    heading(SECTION_TITLES[0], 1)
    heading("Option sets the places proposed", 2)
    _docx_table(
        document,
        ["Option set", "Places"],
        [
            (
                _text(option_set.get("label"))
                + ("" if option_set.get("allowed", True) else " (not a permitted combination)"),
                option_set.get("count"),
            )
            for option_set in content.get("option_sets", [])
        ],
        (13, 4),
    )
    for question in content.get("choice_questions", []):
        heading(f"Question {question.get('order')}. {_text(question.get('text'))}", 2)
        _docx_table(
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
    heat_rows: list[list[object]] = []
    heat_fills: list[list[str]] = []
    for row in content.get("heatmap", []):
        cells: list[object] = [
            [[_Run(f"{row.get('option')}. {_text(row.get('option_name'))}", bold=True)]]
        ]
        fills = [""]
        for cell in row.get("cells", []):
            fill, ink = BAND_COLOURS.get(_modal_band(cell), BAND_COLOURS[""])
            lines = [f"Suggested {cell.get('suggested_label') or 'none'}"]
            if cell.get("rated"):
                lines.append(_distribution_text(cell))
            if cell.get("verdict_text"):
                lines.append(_text(cell.get("verdict_text")))
            cells.append(
                [
                    [_Run(_modal_text(cell), bold=True, colour=ink)],
                    *([_Run(line, colour=ink, half_points=16)] for line in lines),
                ]
            )
            fills.append(fill)
        heat_rows.append(cells)
        heat_fills.append(fills)
    _docx_table(
        document,
        ["Option", *(f"{p.get('number')}. {_text(p.get('name'))}" for p in principles)],
        heat_rows,
        (4, *([column] * len(principles))),
        fills=heat_fills,
    )

    heading(SECTION_TITLES[1], 1)
    for option in detailed.get("options", []):
        heading(f"Option {option.get('number')}: {_text(option.get('name'))}", 2)
        for principle in option.get("principles", []):
            heading(f"Principle {principle.get('number')}: {_text(principle.get('name'))}", 3)
            paragraph(
                _text(principle.get("suggested_label")) or "none", bold_lead="Suggested rating: "
            )
            comments = principle.get("comments", [])
            if not comments:
                paragraph("No place commented on this.")
                continue
            _docx_table(
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
        _docx_table(
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
        heading(f"Question {question.get('order')}. {_text(question.get('text'))}", 2)
        if answers := question.get("answers", []):
            _docx_table(
                document,
                ["Place", "Answer"],
                [(a.get("label"), _answer_text(a.get("choice"), a.get("text"))) for a in answers],
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
    _docx_table(
        document,
        ["Removed", "Shown as", "Number"],
        [
            *_redaction_rows(content),
            ([[_Run("Total", bold=True)]], "", [[_Run(_text(total), bold=True)]]),
        ],
        (8, 5, 4),
    )

    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


# ---------------------------------------------------------------------------------------------
# CSV and Excel


def render_csv(content: Content) -> bytes:
    """One row per anonymised response, UTF-8 with a byte order mark so Excel reads it right."""
    header, rows = _response_table(content)
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_ALL)
    # Control characters go first, so that "\x00=cmd" cannot slip a formula past safe_cell.
    writer.writerow([safe_cell(_xml_text(value)) for value in header])
    for row in rows:
        writer.writerow([safe_cell(_xml_text(value)) for value in row])
    return buffer.getvalue().encode("utf-8-sig")


def xlsx_text(value: object) -> str:
    text = safe_cell(_xml_text(value))
    if len(text) > _EXCEL_CELL_LIMIT:
        text = text[: _EXCEL_CELL_LIMIT - len(_TRUNCATED)] + _TRUNCATED
    return text


def _xlsx_put(sheet: Any, row: int, column: int, value: object, *, bold: bool = False) -> Any:
    """Write one cell: whole numbers stay numbers; everything else is text, never a formula."""
    from openpyxl.styles import Font

    cell = sheet.cell(row=row, column=column)
    if isinstance(value, int) and not isinstance(value, bool):
        cell.value = value
    else:
        cell.value = xlsx_text(value)
        cell.data_type = "s"
    if bold:
        cell.font = Font(bold=True)
    return cell


def _xlsx_table_sheet(
    sheet: Any, header: Sequence[str], rows: Iterable[Sequence[object]], widths: Sequence[int]
) -> None:
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    sheet.append([xlsx_text(value) for value in header])
    for values in rows:
        sheet.append([xlsx_text(value) for value in values])
    # Style one cell of each kind and share its style record: setting a style object on each
    # of tens of thousands of cells is openpyxl's slowest path.
    first = sheet.cell(row=1, column=1)
    first.font = Font(bold=True)
    first.alignment = Alignment(wrap_text=True, vertical="top")
    header_style = copy(first._style)
    body = sheet.cell(row=2, column=1)
    body.alignment = Alignment(wrap_text=True, vertical="top")
    body_style = copy(body._style)
    for index, row in enumerate(sheet.iter_rows()):
        style = header_style if index == 0 else body_style
        for cell in row:
            cell.data_type = "s"
            cell._style = copy(style)
    sheet.freeze_panes = "A2"
    for index, width in enumerate(widths, 1):
        sheet.column_dimensions[get_column_letter(index)].width = width


def render_xlsx(content: Content) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment

    workbook = Workbook()
    responses = workbook.active
    assert responses is not None
    responses.title = "Responses"
    header, rows = _response_table(content)
    _xlsx_table_sheet(responses, header, rows, [12, 24, 60, *([60] * (len(header) - 3))])

    ratings = workbook.create_sheet("Ratings")
    _xlsx_table_sheet(ratings, RATING_HEADER, _rating_rows(content), [12, 30, 30, 14, 16, 60, 60])

    summary = workbook.create_sheet("Summary")
    wrap = Alignment(wrap_text=True, vertical="top")
    line = 0

    def put_row(*values: object, bold: bool = False) -> None:
        nonlocal line
        line += 1
        for column, value in enumerate(values, 1):
            _xlsx_put(summary, line, column, value, bold=bold).alignment = wrap

    round_ = content.get("round", {})
    put_row(f"Feedback summary: {_title(content)}", bold=True)
    put_row("System", round_.get("system"))
    put_row("Framework", content.get("framework", {}).get("name"))
    put_row("Compiled", _uk_moment(content.get("compiled_at")))
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
        put_row(_question_heading(question), bold=True)
        put_row("Answer", "Places", bold=True)
        for row in question.get("counts", []):
            put_row(row.get("choice"), row.get("count"))
    line += 1
    put_row(
        "Option", "Principle", "Suggested", "Most often", "Places' ratings", "Verdict", bold=True
    )
    names = {p.get("number"): _text(p.get("name")) for p in content.get("principles", [])}
    for heat_row in content.get("heatmap", []):
        for cell in heat_row.get("cells", []):
            put_row(
                f"{heat_row.get('option')}. {_text(heat_row.get('option_name'))}",
                f"{cell.get('principle')}. {names.get(cell.get('principle'), '')}",
                cell.get("suggested_label") or "none",
                cell.get("modal_label") or _modal_text(cell),
                _distribution_text(cell),
                cell.get("verdict_text"),
            )
    line += 1
    put_row("Redactions", "Shown as", "Number", bold=True)
    for name, marker, count in _redaction_rows(content):
        put_row(name, marker, count)
    put_row("Total", "", content.get("redactions", {}).get("total"), bold=True)
    for letter, width in zip("ABCDEF", (48, 36, 14, 14, 30, 40), strict=True):
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
    slug = slugify(_title(content))[:80].strip("-") or "round"
    compiled = _uk_time(content.get("compiled_at"))
    day: date = compiled.date() if compiled else timezone.localdate(timezone=UK)
    return f"feedback-summary-{slug}-{day:%Y-%m-%d}.{EXPORTS[fmt].extension}"
