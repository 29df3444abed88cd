"""Building blocks for the files the app writes: spreadsheet cells (CSV and Excel), Word
tables and pages, and PDFs laid out from HTML.

Everything written into these files may have been typed by people, so it is treated as hostile:
a spreadsheet cell never starts a formula (`safe_cell`), Word and Excel text drops the control
characters XML cannot hold (`xml_text`), and a PDF's HTML is laid out by a URL fetcher that
refuses every address (`html_to_pdf`), so text can never make the server request anything.

python-docx, openpyxl and WeasyPrint are imported only when a file is made: most requests
never make one."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterable, Sequence
from copy import copy
from dataclasses import dataclass
from typing import Any, Final
from xml.sax.saxutils import escape as xml_escape

from core.text_input import UNSTORABLE

NHS_BLUE: Final = "005EB8"

# Spreadsheet programs treat a cell starting with one of these as a formula (OWASP, "CSV
# injection"); tab and carriage return because some programs strip them and read what follows.
_FORMULA_STARTS: Final = ("=", "+", "-", "@", "\t", "\r")
# Characters XML 1.0 cannot hold (python-docx and openpyxl refuse them): the same set that
# no request lets in (core.text_input), dropped here from text stored before that rule or
# written by code rather than typed.
_XML_ILLEGAL: Final = UNSTORABLE
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


def xml_text(value: object) -> str:
    """Text without the control characters an XML file cannot contain."""
    return _XML_ILLEGAL.sub("", "" if value is None else str(value))


def plain_text(value: object) -> str:
    return "" if value is None else str(value)


# PDF


def refusing_url_fetcher() -> Any:
    from weasyprint.urls import URLFetcher

    class RefuseEveryURL(URLFetcher):
        """Fetches nothing: the app's documents never need a file or a network resource."""

        def fetch(self, url: str, headers: object = None) -> Any:
            raise ValueError(f"Fetching is disabled for documents: {url[:80]}")

    return RefuseEveryURL(fail_on_errors=False)


# WeasyPrint logs every page it lays out (and fontTools every table it subsets) at INFO: for a
# document of hundreds of pages that would flood the worker's log. Warnings still show.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
logging.getLogger("fontTools").setLevel(logging.WARNING)


def html_to_pdf(html: str) -> bytes:
    """An HTML document laid out as a PDF, fetching nothing."""
    from weasyprint import HTML

    document = HTML(string=html, base_url="about:blank", url_fetcher=refusing_url_fetcher())
    pdf = document.write_pdf()
    assert isinstance(pdf, bytes)
    return pdf


# Word


# Tables are written as WordprocessingML directly: python-docx's cell-by-cell API takes
# seconds for the thousands of rows of a large round, one XML string takes milliseconds.
_W_NS: Final = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_DXA_PER_CM: Final = 567  # twentieths of a point


@dataclass(frozen=True)
class Run:
    text: str
    bold: bool = False
    colour: str = ""
    half_points: int = 0  # font size in half points; 0 keeps the style's size


def _w_run(run: Run) -> str:
    props = ""
    if run.bold:
        props += "<w:b/>"
    if run.colour:
        props += f'<w:color w:val="{run.colour}"/>'
    if run.half_points:
        props += f'<w:sz w:val="{run.half_points}"/>'
    pieces = []
    for index, line in enumerate(xml_text(run.text).split("\n")):
        if index:
            pieces.append("<w:br/>")
        for part_index, part in enumerate(line.split("\t")):
            if part_index:
                pieces.append("<w:tab/>")
            if part:
                pieces.append(f'<w:t xml:space="preserve">{xml_escape(part)}</w:t>')
    return f"<w:r>{f'<w:rPr>{props}</w:rPr>' if props else ''}{''.join(pieces)}</w:r>"


def _w_cell(paragraphs: Sequence[Sequence[Run]], width_cm: float, fill: str = "") -> str:
    shading = f'<w:shd w:val="clear" w:color="auto" w:fill="{fill}"/>' if fill else ""
    body = "".join(
        f"<w:p>{''.join(_w_run(run) for run in runs)}</w:p>" for runs in paragraphs or [[]]
    )
    width = round(width_cm * _DXA_PER_CM)
    return f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/>{shading}</w:tcPr>{body}</w:tc>'


def docx_table(
    document: Any,
    header: Sequence[str],
    rows: Iterable[Sequence[object | Sequence[Sequence[Run]]]],
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
            _w_cell([[Run(title, bold=True, colour="FFFFFF")]], width, NHS_BLUE)
            for title, width in zip(header, widths, strict=True)
        ),
        "</w:tr>",
    ]
    for values in rows:
        row_fills = next(fill_rows) if fill_rows is not None else [""] * len(widths)
        parts.append("<w:tr>")
        for value, width, fill in zip(values, widths, row_fills, strict=True):
            paragraphs = value if isinstance(value, list) else [[Run(plain_text(value))]]
            parts.append(_w_cell(paragraphs, width, fill))
        parts.append("</w:tr>")
    parts.append("</w:tbl>")
    body = document.element.body
    body.sectPr.addprevious(parse_xml("".join(parts)))


def docx_footer_page_numbers(section: Any) -> None:
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


def new_docx_document(*, font_points: float, headings: Sequence[str]) -> Any:
    """An A4 Word document with 2 cm margins, Arial throughout, the named heading styles in
    NHS blue, and "Page 3 of 12" in the footer."""
    from docx import Document
    from docx.shared import Cm, Pt, RGBColor

    document = Document()
    page = document.sections[0]
    page.page_width, page.page_height = Cm(21), Cm(29.7)
    page.left_margin = page.right_margin = Cm(2)
    page.top_margin = page.bottom_margin = Cm(2)
    styles = document.styles
    styles["Normal"].font.name = "Arial"
    styles["Normal"].font.size = Pt(font_points)
    for name in headings:
        styles[name].font.name = "Arial"
        styles[name].font.color.rgb = RGBColor.from_string(NHS_BLUE)
    docx_footer_page_numbers(page)
    return document


def docx_bytes(document: Any) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


# Excel


def xlsx_text(value: object) -> str:
    """The text of an Excel cell: no formula, no XML control characters, cut to fit."""
    text = safe_cell(xml_text(value))
    if len(text) > _EXCEL_CELL_LIMIT:
        text = text[: _EXCEL_CELL_LIMIT - len(_TRUNCATED)] + _TRUNCATED
    return text


def xlsx_put(sheet: Any, row: int, column: int, value: object, *, bold: bool = False) -> Any:
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


def xlsx_table_sheet(
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
