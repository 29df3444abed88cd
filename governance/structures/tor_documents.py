"""Files of one version of a committee's terms of reference: Word (DOCX) and PDF.

Each function takes a TermsOfReference and returns the file's bytes; nothing is saved here.
The text was written by people, so it is treated as hostile exactly as the feedback files
are: the PDF's HTML is autoescaped, references no file and is laid out with a URL fetcher that
refuses everything; Word text drops the control characters XML cannot hold."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.template.loader import render_to_string

from core.documents import (
    docx_bytes,
    docx_table,
    new_docx_document,
    refusing_url_fetcher,
    xml_text,
)
from governance.structures.models import TOR_SECTIONS, CommitteeMember, TermsOfReference
from governance.structures.selectors import decision_rule_in_words, quorum_in_words

PDF_TEMPLATE = "governance/committees/tor_document.html"


@dataclass(frozen=True)
class DocumentSection:
    key: str
    label: str
    text: str


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
    facts.append(("Quorum", quorum_in_words(committee)))
    facts.append(("Decisions", decision_rule_in_words(committee)))
    return facts


def document_sections(tor: TermsOfReference) -> list[DocumentSection]:
    return [DocumentSection(key, label, getattr(tor, key)) for key, label in TOR_SECTIONS]


def document_members(tor: TermsOfReference) -> list[CommitteeMember]:
    return list(
        tor.committee.members.select_related("organisation", "person").order_by(
            "position", "organisation__name", "role_title"
        )
    )


def _member_row(member: CommitteeMember) -> list[str]:
    notes = []
    if member.independent:
        notes.append("Independent")
    notes.append("Voting" if member.voting else "Non-voting")
    notes.append("Deputy allowed" if member.deputy_allowed else "No deputy")
    return [
        member.role_title,
        member.organisation.name,
        str(member.person) if member.person else "Not named",
        member.get_position_display(),
        ", ".join(notes),
    ]


MEMBER_HEADER = ("Role", "Organisation", "Person", "Position", "Voting and deputies")


def tor_docx(tor: TermsOfReference) -> bytes:
    """A Word document: the title, the facts, a heading (Heading 1) for every section, and a
    table of the members."""
    document = new_docx_document(font_points=10.5, headings=("Title", "Heading 1", "Heading 2"))
    committee = tor.committee
    document.add_heading(xml_text(f"{committee.name}: terms of reference"), 0)
    for label, value in document_facts(tor):
        paragraph = document.add_paragraph()
        paragraph.add_run(f"{label}: ").bold = True
        paragraph.add_run(xml_text(value))
    for section in document_sections(tor):
        document.add_heading(xml_text(section.label), 1)
        text = section.text.strip()
        if not text:
            document.add_paragraph("Not written yet.")
        for block in text.split("\n\n") if text else []:
            document.add_paragraph(xml_text(block))
    document.add_heading("Members", 1)
    members = document_members(tor)
    if members:
        docx_table(
            document, MEMBER_HEADER, [_member_row(m) for m in members], (4.0, 4.2, 3.2, 2.2, 3.4)
        )
    else:
        document.add_paragraph("No members have been added yet.")
    return docx_bytes(document)


def tor_html(tor: TermsOfReference) -> str:
    return render_to_string(
        PDF_TEMPLATE,
        {
            "tor": tor,
            "committee": tor.committee,
            "facts": document_facts(tor),
            "sections": document_sections(tor),
            "members": [_member_row(m) for m in document_members(tor)],
            "member_header": MEMBER_HEADER,
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
