"""The export renderers of anonymised feedback summaries (governance/exports.py): PDF, Word,
CSV and Excel made from a summary's content, with hostile text kept inert in every format."""

from __future__ import annotations

import csv
import io
import zipfile
from typing import Any

import pytest
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from docx import Document
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook
from pypdf import PdfReader

from core.documents import safe_cell
from governance.consultation.exports import (
    EXPORTS,
    PDF_FULL_TEXT_LIMIT,
    export_filename,
    pdf_is_condensed,
    pdf_text_cost,
    render_csv,
    render_docx,
    render_html,
    render_pdf,
    render_xlsx,
)
from governance.consultation.models import ExportFormat, SummaryPart
from tests.reach import Reach, reaching

LABELS = ["Place A", "Place B", "Place C", "Place D"]
OPTIONS = [
    "Place partnership board (consultative forum)",
    "Committee of the ICB",
    "Joint committee",
    "Individual director with delegated authority",
    "Lead provider contract",
]
PRINCIPLES = [
    "Collective ownership and accountability",
    "Collective decision-making",
    "Empowered to act, with clear assurance",
]
BANDS = [
    ("low", "LOW"),
    ("low_medium", "LOW/MEDIUM"),
    ("medium", "MEDIUM"),
    ("medium_high", "MEDIUM/HIGH"),
    ("high", "HIGH"),
]
# The sections a reader finds in each part's files. The high-level summary (counts, heat map,
# redactions) goes to a wider audience than the detailed review (each place's own words), so
# neither part's file may hold a section of the other.
HIGH_LEVEL_SECTIONS = ("High-level summary", "Redaction log")
DETAILED_SECTIONS = ("Detailed review option by option", "Proposals", "Answers to each question")
ALL_SECTIONS = HIGH_LEVEL_SECTIONS + DETAILED_SECTIONS
HOSTILE = {
    "Place A": '=HYPERLINK("http://x")',
    "Place B": "+SUM(A1)",
    "Place C": "-1",
    "Place D": "@cmd",
}


def summary_content(labels: list[str] | None = None, *, long_text: str = "") -> dict[str, Any]:
    """A realistic summary content dict (the shape FeedbackSummary.content holds), with
    suppressed counts, redaction markers and hostile text in the places' answers."""
    labels = LABELS if labels is None else labels
    extra = f" {long_text}" if long_text else ""
    heatmap = []
    detailed_options = []
    for option_number, option_name in enumerate(OPTIONS, 1):
        cells = []
        principles = []
        for principle_number, principle_name in enumerate(PRINCIPLES, 1):
            suggested, suggested_label = BANDS[(option_number + principle_number) % 5]
            modal_band, modal_label = BANDS[(option_number * principle_number) % 5]
            cells.append(
                {
                    "principle": principle_number,
                    "suggested": suggested,
                    "suggested_label": suggested_label,
                    "distribution": [
                        {
                            "band": band,
                            "label": label,
                            "count": len(labels) if band == modal_band else 0,
                        }
                        if band != "low" or modal_band == "low"
                        else {"band": band, "label": label, "count": "fewer than 3"}
                        for band, label in BANDS
                    ],
                    "rated": len(labels),
                    "modal_label": modal_label,
                    "verdict": "agree" if suggested == modal_band else "diverge",
                    "verdict_text": "Most places agree with the suggested rating"
                    if suggested == modal_band
                    else "Most places rate this differently from the suggestion",
                }
            )
            principles.append(
                {
                    "number": principle_number,
                    "name": principle_name,
                    "suggested_label": suggested_label,
                    "comments": [
                        {
                            "label": label,
                            "band_label": modal_label,
                            "agreement_label": "Partly agree",
                            "reasons": f"{label} reasons for option {option_number}: "
                            f"[organisation] would chair.{extra}",
                            "missing": "\tTAB the role of [person]" if index == 0 else "",
                        }
                        for index, label in enumerate(labels)
                    ],
                }
            )
        heatmap.append(
            {
                "option": option_number,
                "option_name": option_name,
                "option_set": str(option_number),
                "label": f"Option {option_number}",
                "cells": cells,
            }
        )
        detailed_options.append(
            {"number": option_number, "name": option_name, "principles": principles, "contexts": []}
        )
    # Option 1 rated in the context of 1+4 too: the places' view beside the framework's.
    heatmap_in_context = [
        {**heatmap[0], "option_set": "1+4", "label": "Option 1 with option 4"},
        {**heatmap[3], "option_set": "1+4", "label": "Option 4 with option 1"},
    ]
    detailed_options[0]["contexts"] = [
        {
            "option_set": "1+4",
            "label": "Option 1 with option 4",
            "principles": [
                {
                    **principle,
                    "comments": [
                        {**comment, "reasons": f"In context: {comment['reasons']}"}
                        for comment in principle["comments"]
                    ],
                }
                for principle in detailed_options[0]["principles"]
            ],
        }
    ]
    questions = [
        {
            "order": 1,
            "text": "Should every place in the system use the same governance model?",
            "choices": [
                "Yes, the same model for every place",
                "No, each place should choose its own",
                "Not sure",
            ],
            "answers": [
                {
                    "label": label,
                    "choice": "No, each place should choose its own",
                    "text": f"Because [place] differs.{extra}" if index % 2 else "",
                }
                for index, label in enumerate(labels)
            ],
        },
        {
            "order": 2,
            "text": "Does the analysis cover the issues that matter?",
            "choices": [],
            "answers": [
                {
                    "label": label,
                    "choice": "",
                    "text": HOSTILE.get(label, f"Fine, ask [email].{extra}"),
                }
                for label in labels
            ],
        },
        {
            "order": 3,
            "text": "Do the suggested ratings match your view?",
            "choices": [],
            "answers": [
                {
                    "label": label,
                    "choice": "",
                    "text": "<script>alert(1)</script> and {{ secret }} as [organisation] said"
                    if index == 0
                    else f"Mostly, see [url].{extra}",
                }
                for index, label in enumerate(labels)
            ],
        },
    ]
    return {
        "schema": 2,
        "round": {
            "title": "Place governance options 2025/26",
            "purpose": "Choose how each place is governed from April.",
            "closes_at": "2025-10-03T16:00:00+00:00",
            "system": "North Shire Integrated Care System",
        },
        "framework": {
            "name": "ICS design framework (2021): place governance arrangements",
            "published": "June 2021",
        },
        "compiled_at": "2025-10-06T09:30:00+00:00",
        "threshold": 3,
        "invited_count": len(labels) + 1,
        "response_count": len(labels),
        "releasable": True,
        "labels": labels,
        "options": [{"number": n, "name": name} for n, name in enumerate(OPTIONS, 1)],
        "principles": [{"number": n, "name": name} for n, name in enumerate(PRINCIPLES, 1)],
        "milestones": [
            {"title": "Board decision", "description": "", "due_on": "2025-11-20"},
        ],
        "option_sets": [
            {"key": "2+4", "label": "Options 2 and 4", "count": len(labels), "allowed": True},
            {"key": "5", "label": "Option 5", "count": "fewer than 3", "allowed": True},
            {"key": "3+5", "label": "Options 3 and 5", "count": 0, "allowed": False},
        ],
        "choice_questions": [
            {
                "order": 1,
                "text": questions[0]["text"],
                "counts": [
                    {"choice": "Yes, the same model for every place", "count": 0},
                    {"choice": "No, each place should choose its own", "count": len(labels)},
                    {"choice": "Not sure", "count": "fewer than 3"},
                ],
            }
        ],
        "heatmap": heatmap,
        "heatmap_in_context": heatmap_in_context,
        "detailed": {
            "proposals": [
                {
                    "label": label,
                    "option_set": "2+4",
                    "option_set_label": "Options 2 and 4",
                    "case": f"[organisation] and [place] already meet monthly.{extra}",
                }
                for label in labels
            ],
            "options": detailed_options,
            "questions": questions,
        },
        "redactions": {
            "counts": {"place": 4, "organisation": 7, "person": 3, "email": 1, "redacted": 2},
            "total": 17,
        },
    }


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


# --- safe_cell -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+SUM(A1)", "'+SUM(A1)"),
        ("-1", "'-1"),
        ("@cmd", "'@cmd"),
        ("\tTAB", "'\tTAB"),
        ("\rCR", "'\rCR"),
        ("Plain text", "Plain text"),
        ("a=b", "a=b"),
        ("", ""),
        (None, ""),
        (3, "3"),
    ],
)
def test_safe_cell_neutralises_formulas_only(value: object, expected: str) -> None:
    assert safe_cell(value) == expected


def test_safe_cell_never_starts_a_formula_and_only_prepends() -> None:
    @reaching(given(st.one_of(st.none(), st.text(), st.integers())))
    def check(reach: Reach, value: object) -> None:
        result = safe_cell(value)
        original = "" if value is None else str(value)
        reach.assertion()
        assert not result.startswith(FORMULA_STARTS)
        assert result.endswith(original)
        assert result in (original, "'" + original)
        assert safe_cell(result) == result

    check()


# --- HTML body -------------------------------------------------------------------------------


def test_summary_body_escapes_text_and_uses_no_style_attributes() -> None:
    html = render_to_string(
        "governance/feedback/_summary_body.html", {"content": summary_content()}
    )
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>" not in html
    assert "{{ secret }}" in html
    assert "style=" not in html
    for title in ALL_SECTIONS:
        assert title in html
    # Heat map cells are coloured by the most common band and name it in words.
    assert "app-band--" in html
    assert "Most often MEDIUM" in html
    assert "LOW fewer than 3" in html


def test_the_summary_shows_ratings_in_context_and_reads_old_summaries_too() -> None:
    html = render_to_string(
        "governance/feedback/_summary_body.html", {"content": summary_content()}
    )
    assert "Ratings in the context of a combination" in html
    assert 'scope="row">Option 1 with option 4</th>' in html
    assert 'scope="row">Option 4 with option 1</th>' in html
    assert '<h3 class="app-summary__subheading">Option 1 with option 4</h3>' in html
    assert "Suggested rating of option 1 with option 4: MEDIUM" in html
    # A summary compiled before ratings in context still renders, without that section.
    old = summary_content()
    del old["heatmap_in_context"]
    for option in old["detailed"]["options"]:
        del option["contexts"]
    for row in old["heatmap"]:
        del row["option_set"], row["label"]
    html = render_to_string("governance/feedback/_summary_body.html", {"content": old})
    assert "in the context of a combination" not in html
    assert 'scope="row">1. Place partnership board (consultative forum)</th>' in html
    for spec in EXPORTS.values():
        if spec.extension != "pdf":
            for part in SummaryPart.values:
                assert spec.render(old, part=part)


def test_document_has_title_page_and_no_remote_references() -> None:
    html = render_html(summary_content())
    assert "High-level summary: Place governance options 2025/26" in html
    detailed = render_html(summary_content(), part=SummaryPart.DETAILED)
    assert "Detailed review: Place governance options 2025/26" in detailed
    assert "ICS design framework (2021): place governance arrangements (published June 2021)" in (
        html
    )
    assert "North Shire Integrated Care System" in html
    assert "anonymous labels" in html and "redacted" in html
    assert "4 of 5 invited places responded" in html
    assert "10:30 on Monday 6 October 2025 (UK time)" in html
    assert "<link" not in html and "<img" not in html and "@import" not in html


def test_not_releasable_summary_says_so() -> None:
    content = summary_content()
    content["releasable"] = False
    html = render_to_string("governance/feedback/_summary_body.html", {"content": content})
    assert "cannot be released" in html


# --- PDF -------------------------------------------------------------------------------------


def test_pdf_has_sections_labels_and_markers() -> None:
    high_level = render_pdf(summary_content())
    assert high_level.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(high_level))
    flat = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    for title in HIGH_LEVEL_SECTIONS:
        assert title in flat, title
    for title in DETAILED_SECTIONS:
        assert title not in flat, title
    assert "Place D" not in flat and "Partly agree" not in flat
    pdf = render_pdf(summary_content(), part=SummaryPart.DETAILED)
    reader = PdfReader(io.BytesIO(pdf))
    text = "\n".join(page.extract_text() for page in reader.pages)
    flat = " ".join(text.split())
    for title in DETAILED_SECTIONS:
        assert title in flat, title
    for title in HIGH_LEVEL_SECTIONS:
        assert title not in flat, title
    for label in LABELS:
        assert label in flat
    assert "[organisation]" in flat
    assert "<script>alert(1)</script>" in flat  # printed as text, never run
    assert "Page 1 of" in flat
    assert len(reader.pages) >= 3


def test_large_round_gets_a_condensed_pdf_that_points_to_the_other_files() -> None:
    small = summary_content()
    assert not pdf_is_condensed(small)
    large = summary_content(
        [f"Place {letter}" for letter in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"],
        long_text="[organisation] would chair " * 40,
    )
    assert pdf_text_cost(large) > PDF_FULL_TEXT_LIMIT
    assert pdf_is_condensed(large)
    html = render_html(large, part=SummaryPart.DETAILED)
    assert "in the Word, Excel and CSV files" in html
    assert "Principle 3: Empowered to act, with clear assurance" in html
    assert "Most often MEDIUM" in html
    assert "[organisation] would chair" not in html  # no place's own words
    assert "Place Z" not in html
    for title in DETAILED_SECTIONS:
        assert title in html
    # The summary pages always show everything.
    body = render_to_string("governance/feedback/_summary_body.html", {"content": large})
    assert "Place Z" in body and "[organisation] would chair" in body
    # ... of the parts they are given: a reader of the high-level summary sees no place.
    body = render_to_string(
        "governance/feedback/_summary_body.html", {"content": large, "parts": ["high_level"]}
    )
    assert "Place Z" not in body and "Redaction log" in body and "Proposals" not in body
    body = render_to_string(
        "governance/feedback/_summary_body.html", {"content": large, "parts": []}
    )
    assert "High-level summary" not in body and "Place Z" not in body

    reader = PdfReader(io.BytesIO(render_pdf(small, part=SummaryPart.DETAILED, condensed=True)))
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    assert "Detailed review option by option" in text
    assert "Place D" not in text
    assert "Fine, ask" not in text and "Partly agree" not in text


def test_pdf_fetches_nothing() -> None:
    from core.documents import refusing_url_fetcher

    with pytest.raises(ValueError, match="disabled"):
        refusing_url_fetcher().fetch("http://example.com/logo.png")


# --- Word ------------------------------------------------------------------------------------


def test_docx_has_real_headings_tables_and_answers() -> None:
    high_level = Document(io.BytesIO(render_docx(summary_content())))
    document = Document(io.BytesIO(render_docx(summary_content(), part=SummaryPart.DETAILED)))
    headings = {
        p.text: p.style.name
        for doc in (high_level, document)
        for p in doc.paragraphs
        if p.style.name.startswith("Heading")
    }
    for title in ALL_SECTIONS:
        assert headings[title] == "Heading 1"
    for doc, holds, leaves_out in (
        (high_level, HIGH_LEVEL_SECTIONS, DETAILED_SECTIONS),
        (document, DETAILED_SECTIONS, HIGH_LEVEL_SECTIONS),
    ):
        top_headings = {
            p.text for p in doc.paragraphs if p.style is not None and p.style.name == "Heading 1"
        }
        assert set(holds) <= top_headings
        assert not set(leaves_out) & top_headings
    assert headings["Option 1: Place partnership board (consultative forum)"] == "Heading 2"
    assert headings["Principle 1: Collective ownership and accountability"] == "Heading 3"
    assert headings["Ratings in the context of a combination"] == "Heading 2"
    assert headings["Option 1 with option 4"] == "Heading 2"
    cell_text = "\n".join(
        cell.text
        for doc in (high_level, document)
        for table in doc.tables
        for row in table.rows
        for cell in row.cells
    )
    high_level_text = "\n".join(
        cell.text for table in high_level.tables for row in table.rows for cell in row.cells
    )
    assert "Place A" not in high_level_text and "In context:" not in high_level_text
    assert '=HYPERLINK("http://x")' in cell_text
    assert "<script>alert(1)</script> and {{ secret }}" in cell_text
    assert "Most often MEDIUM" in cell_text
    assert "LOW fewer than 3" in cell_text
    assert "Option 4 with option 1" in cell_text  # a row of the heat map in context
    assert "In context: Place A reasons for option 1" in cell_text
    # Every table starts with a header row.
    assert all(table.rows[0].cells[0].text for table in document.tables)
    assert high_level.tables[0].rows[0].cells[0].text == "Option set"
    xml = zipfile.ZipFile(io.BytesIO(render_docx(summary_content()))).read("word/document.xml")
    assert b"w:shd" in xml
    assert b"w:tblHeader" in xml


def test_a_band_has_the_pages_colours_in_the_pdf_and_the_word_file() -> None:
    # The summary's most common rating of option 1 against principle 1 is MEDIUM.
    with open(finders.find("css/bands.css"), encoding="utf-8") as pages_styles:
        assert ".app-band--medium { background-color: #fff9c4; color: #212b32; }" in (
            pages_styles.read()
        )
    html = render_html(summary_content())
    assert ".app-band--medium { background-color: #fff9c4; color: #212b32; }" in html
    xml = zipfile.ZipFile(io.BytesIO(render_docx(summary_content()))).read("word/document.xml")
    assert b'w:fill="FFF9C4"' in xml


# --- CSV -------------------------------------------------------------------------------------


def test_csv_one_row_per_place_one_column_per_question() -> None:
    data = render_csv(summary_content(), part=SummaryPart.DETAILED)
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    header, body = rows[0], rows[1:]
    assert header == [
        "Place",
        "Proposed option set",
        "Case for the proposal",
        "Q1. Should every place in the system use the same governance model?",
        "Q2. Does the analysis cover the issues that matter?",
        "Q3. Do the suggested ratings match your view?",
    ]
    assert [row[0] for row in body] == LABELS
    by_label = {row[0]: row for row in body}
    assert (
        by_label["Place B"][3] == "No, each place should choose its own\n\nBecause [place] differs."
    )
    assert by_label["Place A"][3] == "No, each place should choose its own"
    assert by_label["Place A"][4] == '\'=HYPERLINK("http://x")'
    assert by_label["Place B"][4] == "'+SUM(A1)"
    assert by_label["Place C"][4] == "'-1"
    assert by_label["Place D"][4] == "'@cmd"
    for row in rows:
        for cell in row:
            assert not cell.startswith(FORMULA_STARTS)


def test_the_high_level_csv_has_the_counts_and_no_place() -> None:
    rows = list(csv.reader(io.StringIO(render_csv(summary_content()).decode("utf-8-sig"))))
    assert rows[0][:2] == ["Table", "Item"]
    assert ["Option sets the places proposed", "Option 5", "", "", "", "", "fewer than 3", ""] in (
        rows
    )
    assert any(row[0] == "Ratings" and row[2] == "Options 1 + 4" for row in rows)
    assert ["Redaction log", "Total", "", "", "", "", "17", ""] in rows
    assert not any("Place A" in cell for row in rows for cell in row)


def test_a_withheld_table_is_one_sentence_in_every_format() -> None:
    content = summary_content()
    sentence = (
        "No answer was given by 3 or more places, so the counts for this question are not shown."
    )
    content["choice_questions"][0]["withheld"] = sentence
    content["heatmap"][0]["cells"][0]["withheld"] = "No rating was given by 3 or more places."
    html = render_to_string("governance/feedback/_summary_body.html", {"content": content})
    assert sentence in html and "No rating was given by 3 or more places." in html
    assert "Yes, the same model for every place" not in html
    assert sentence in render_csv(content).decode("utf-8-sig")
    document = Document(io.BytesIO(render_docx(content)))
    assert sentence in [p.text for p in document.paragraphs]
    summary = load_workbook(io.BytesIO(render_xlsx(content)))["Summary"]
    assert sentence in [row[0] for row in summary.iter_rows(values_only=True)]


# --- Excel -----------------------------------------------------------------------------------


def test_xlsx_sheets_and_formula_text_stays_text() -> None:
    high_level = load_workbook(io.BytesIO(render_xlsx(summary_content())))
    assert high_level.sheetnames == ["Summary"]
    workbook = load_workbook(io.BytesIO(render_xlsx(summary_content(), part=SummaryPart.DETAILED)))
    assert workbook.sheetnames == ["About", "Responses", "Ratings"]
    responses = workbook["Responses"]
    assert responses.freeze_panes == "A2"
    assert responses["A1"].font.bold
    header = [cell.value for cell in responses[1]]
    assert header[0] == "Place" and header[3].startswith("Q1. ")
    assert [row[0].value for row in responses.iter_rows(min_row=2)] == LABELS
    values = {
        cell.value for sheet in workbook for row in sheet.iter_rows() for cell in row if cell.value
    }
    assert '\'=HYPERLINK("http://x")' in values
    assert {"'+SUM(A1)", "'-1", "'@cmd"} <= values
    assert any(isinstance(v, str) and v.startswith("'\tTAB") for v in values)
    for sheet in workbook:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f"
                if isinstance(cell.value, str):
                    assert not cell.value.startswith(FORMULA_STARTS)
    ratings = workbook["Ratings"]
    headings = [cell.value for cell in ratings[1]]
    assert " | ".join(headings) == (
        "Place | Option | In the context of | Principle | Band | Agreement | Reasons | "
        "What is missing"
    )
    # Every place's rating of every option alone, then of option 1 with option 4.
    assert ratings.max_row == 1 + len(LABELS) * (len(OPTIONS) + 1) * len(PRINCIPLES)
    contexts = [row[2].value for row in ratings.iter_rows(min_row=2)]
    assert contexts.count("On its own") == len(LABELS) * len(OPTIONS) * len(PRINCIPLES)
    assert contexts.count("Options 1 + 4") == len(LABELS) * len(PRINCIPLES)
    in_context = next(row for row in ratings.iter_rows(min_row=2) if row[2].value != "On its own")
    assert in_context[1].value.startswith("1. ") and in_context[6].value.startswith("In context:")
    summary_rows = [[c.value for c in row] for row in high_level["Summary"].iter_rows()]
    heading_row = next(row for row in summary_rows if row[0] == "Option")
    assert heading_row[:3] == ["Option", "In the context of", "Principle"]
    assert any(row[1] == "Options 1 + 4" and row[3] == "MEDIUM" for row in summary_rows)
    summary_values = [cell.value for row in high_level["Summary"].iter_rows() for cell in row]
    assert "fewer than 3" in summary_values
    assert "Options 2 and 4" in summary_values
    assert 17 in summary_values


# --- Robustness and registry -----------------------------------------------------------------


def test_control_characters_do_not_break_the_office_formats() -> None:
    content = summary_content()
    content["detailed"]["questions"][1]["answers"][0]["text"] = "bell\x07 and null\x00 here"
    content["detailed"]["questions"][1]["answers"][1]["text"] = "\x00=1+1"
    detailed = SummaryPart.DETAILED
    Document(io.BytesIO(render_docx(content, part=detailed)))
    rows = list(csv.reader(io.StringIO(render_csv(content, part=detailed).decode("utf-8-sig"))))
    assert rows[2][4] == "'=1+1"
    workbook = load_workbook(io.BytesIO(render_xlsx(content, part=detailed)))
    assert workbook["Responses"]["E2"].value == "bell and null here"


def test_exports_registry_matches_export_formats() -> None:
    assert set(EXPORTS) == {"pdf", "docx", "csv", "xlsx"} == set(ExportFormat.values)
    assert EXPORTS["pdf"].content_type == "application/pdf"
    assert EXPORTS["xlsx"].extension == "xlsx"
    assert EXPORTS["csv"].content_type.startswith("text/csv")
    assert (
        export_filename(summary_content(), "docx", SummaryPart.HIGH_LEVEL)
        == "feedback-summary-place-governance-options-202526-high-level-summary-2025-10-06.docx"
    )
    assert (
        export_filename(summary_content(), "csv", SummaryPart.DETAILED)
        == "feedback-summary-place-governance-options-202526-detailed-review-2025-10-06.csv"
    )


def test_empty_summary_still_renders_every_format() -> None:
    content = summary_content(labels=[])
    content["option_sets"] = []
    for spec in EXPORTS.values():
        if spec.extension != "pdf":
            for part in SummaryPart.values:
                assert spec.render(content, part=part)
