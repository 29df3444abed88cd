"""Whatever a place writes (markup, template syntax, formulas, control characters), the
anonymised summary shows it as text: escaped in the page and never a formula in the
spreadsheets. Property-based: hypothesis writes the answers."""

from __future__ import annotations

import csv
import io
from html import escape

from django.template.loader import render_to_string
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from governance.consultation.exports import render_csv, render_xlsx
from governance.consultation.models import SummaryPart
from tests.governance.consultation.test_exports import summary_content
from tests.hostile import FORMULA_STARTS, HOSTILE_SAMPLES
from tests.reach import Reach, reaching

# Text a person could type, biased towards what breaks renderers.
hostile = st.one_of(
    st.text(min_size=1, max_size=80),
    st.sampled_from([*HOSTILE_SAMPLES, "{{ request.user }}", '"><img src=x onerror=alert(1)>']),
).filter(lambda text: text.strip() != "")


def content_with(answer: str, reason: str) -> dict:
    content = summary_content()
    content["detailed"]["questions"][0]["answers"][0]["text"] = answer
    content["detailed"]["proposals"][0]["case"] = answer
    content["detailed"]["options"][0]["principles"][0]["comments"][0]["reasons"] = reason
    return content


def test_any_answer_is_escaped_on_the_summary_page() -> None:
    @reaching(
        settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow]),
        given(answer=hostile, reason=hostile),
    )
    def check(reach: Reach, answer: str, reason: str) -> None:
        html = render_to_string(
            "governance/feedback/_summary_body.html", {"content": content_with(answer, reason)}
        )
        reach.assertion()
        assert "<script>" not in html and "onerror=alert" not in html.replace(
            "onerror=alert(1)&gt;", ""
        )
        # What the place wrote appears, escaped, rather than being interpreted.
        lines = answer.strip().splitlines()
        first = lines[0][:20].strip() if lines else ""
        if first and first.isprintable():
            assert escape(first) in html

    check()


def test_no_spreadsheet_cell_can_be_a_formula() -> None:
    @reaching(
        settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow]),
        given(answer=hostile, reason=hostile),
    )
    def check(reach: Reach, answer: str, reason: str) -> None:
        content = content_with(answer, reason)
        rows = []
        sheets = []
        for part in SummaryPart.values:
            rows += csv.reader(io.StringIO(render_csv(content, part=part).decode("utf-8-sig")))
            sheets += load_workbook(io.BytesIO(render_xlsx(content, part=part))).worksheets
        reach.assertion()
        for row in rows:
            for cell in row:
                assert not cell.startswith(FORMULA_STARTS), cell
        for sheet in sheets:
            for row in sheet.iter_rows():
                for cell in row:
                    assert cell.data_type != "f"
                    if isinstance(cell.value, str):
                        assert not cell.value.startswith(FORMULA_STARTS), cell.value

    check()
