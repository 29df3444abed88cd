"""Files of one version of a committee's terms of reference: Word (DOCX) and PDF.

Each function takes a TermsOfReference and returns the file's bytes; nothing is saved here.
The sections come from governance.structures.tor_sections, as on the version's page: the
membership, chair, quorum and decision-making written from the body's record (or as kept
when the version was approved), each followed by what was typed as "Anything else about …".
So a file states each rule once.

The text was written by people, so it is treated as hostile exactly as the feedback files
are: the PDF's HTML is autoescaped, references no file and is laid out with a URL fetcher that
refuses everything; Word and PDF text drop the control characters XML cannot hold."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string

from core.documents import (
    docx_bytes,
    new_docx_document,
    refusing_url_fetcher,
    xml_text,
)
from governance.structures.models import TermsOfReference
from governance.structures.tor_sections import TorSection, tor_sections

PDF_TEMPLATE = "governance/committees/tor_document.html"
WRITTEN_INTRO = (
    "The membership, chair, quorum and decision-making sections are written from the "
    "body's record of its seats and rules."
)


def _date(value: Any) -> str:
    return f"{value.day} {value:%B %Y}" if value else "Not set"


def document_facts(tor: TermsOfReference) -> list[tuple[str, str]]:
    """The lines under the title: version, status, approval and review."""
    committee = tor.committee
    facts = [
        ("Place", committee.place.name),
        ("Body", committee.get_kind_display()),
        ("Version", str(tor.number)),
        ("Status", tor.get_status_display()),
    ]
    if tor.approved_by or tor.approved_on:
        facts.append(("Approved by", tor.approved_by or "Not recorded"))
        facts.append(("Approved on", _date(tor.approved_on)))
    facts.append(("Review date", _date(tor.review_date)))
    return [(label, xml_text(value)) for label, value in facts]


def _blocks(text: str) -> list[str]:
    """Typed text as paragraphs (a blank line between them), without control characters."""
    stripped = xml_text(text).strip()
    return [block for block in stripped.split("\n\n") if block.strip()] if stripped else []


def _docx_section(document: Any, section: TorSection) -> None:
    document.add_heading(xml_text(section.label), 1)
    blocks = _blocks(section.note)
    if section.written is None:
        for block in blocks or ["Not written yet."]:
            document.add_paragraph(block)
        return
    for paragraph in section.written.paragraphs:
        document.add_paragraph(xml_text(paragraph))
    for item in section.written.items:
        document.add_paragraph(xml_text(item), style="List Bullet")
    if blocks:
        document.add_heading(xml_text(section.note_label), 2)
        for block in blocks:
            document.add_paragraph(block)


def tor_docx(tor: TermsOfReference) -> bytes:
    """A Word document: the title, the facts, and a heading (Heading 1) for every section,
    with its note under a Heading 2."""
    document = new_docx_document(font_points=10.5, headings=("Title", "Heading 1", "Heading 2"))
    committee = tor.committee
    document.add_heading(xml_text(f"{committee.name}: terms of reference"), 0)
    for label, value in document_facts(tor):
        paragraph = document.add_paragraph()
        paragraph.add_run(f"{label}: ").bold = True
        paragraph.add_run(value)
    content = tor_sections(tor)
    document.add_paragraph(f"{WRITTEN_INTRO} {content.source_text}").runs[0].italic = True
    for section in content.sections:
        _docx_section(document, section)
    return docx_bytes(document)


def _pdf_section(section: TorSection) -> dict[str, Any]:
    written = section.written
    return {
        "label": section.label,
        "written": written is not None,
        "paragraphs": [xml_text(p) for p in written.paragraphs] if written else [],
        "items": [xml_text(item) for item in written.items] if written else [],
        "blocks": _blocks(section.note),
        "note_label": section.note_label,
    }


def tor_html(tor: TermsOfReference) -> str:
    content = tor_sections(tor)
    return render_to_string(
        PDF_TEMPLATE,
        {
            "tor": tor,
            "name": xml_text(tor.committee.name),
            "facts": document_facts(tor),
            "written_intro": f"{WRITTEN_INTRO} {content.source_text}",
            "sections": [_pdf_section(section) for section in content.sections],
        },
    )


def tor_pdf(tor: TermsOfReference) -> bytes:
    """An A4 PDF of the same content, laid out by WeasyPrint without fetching anything."""
    from weasyprint import HTML

    document = HTML(
        string=tor_html(tor), base_url="about:blank", url_fetcher=refusing_url_fetcher()
    )
    pdf = document.write_pdf()
    assert isinstance(pdf, bytes)
    return pdf
