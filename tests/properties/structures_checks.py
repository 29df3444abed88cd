"""What the property-based tests of the structures and delegations forms check a page or
a file by, and the records and forms they start from."""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Iterable
from html import escape
from typing import Any

from django.test import Client
from django.urls import resolve, reverse
from hypothesis import HealthCheck, assume, settings
from openpyxl import load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from governance.structures.models import (
    TOR_SECTIONS,
    Committee,
)
from partners.models import Organisation
from tests.conftest import World
from tests.factories import (
    partner_in,
)
from tests.hostile import (
    FORMULA_STARTS,
    assert_no_injected_markup,
)

HTMX = {"HTTP_HX_REQUEST": "true"}
SECTION_KEYS = [key for key, _ in TOR_SECTIONS]


def examples(count: int) -> Any:
    return settings(
        max_examples=count,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )


# What a person would see ---------------------------------------------------------------------


def first_line(value: str) -> str:
    """The start of the text as a person would spot it on a page: its first line, if every
    character of it prints."""
    lines = value.strip().splitlines()
    first = lines[0][:20].strip() if lines else ""
    return first if first and first.isprintable() else ""


def first_lines(values: Iterable[str]) -> list[str]:
    """The first line of each value that a person could spot at all."""
    return [first for first in map(first_line, values) if first]


def page(response: Any) -> str:
    assert response.status_code < 500
    html = response.content.decode()
    assert_no_injected_markup(html)
    return html


def assert_shown(html: str, *values: str) -> None:
    """Each value appears escaped, as text, and no markup of it got through."""
    assert_no_injected_markup(html)
    for first in first_lines(values):
        assert escape(first) in html, f"{first!r} is not shown as text"


def redirected_to(response: Any) -> str:
    """Where a successful form sends the browser, with or without HTMX."""
    if response.has_header("HX-Redirect"):
        return response["HX-Redirect"]
    assert response.status_code == 302, response.status_code
    return response["Location"]


def saved(response: Any) -> bool:
    assert response.status_code < 500
    return response.status_code == 302 or response.has_header("HX-Redirect")


def xlsx_cells(data: bytes) -> list[Any]:
    book = load_workbook(io.BytesIO(data))
    return [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]


def assert_no_formulas(data: bytes) -> None:
    for cell in xlsx_cells(data):
        assert cell.data_type != "f", cell.value
        if isinstance(cell.value, str):
            assert not cell.value.startswith(FORMULA_STARTS), cell.value


def docx_text(data: bytes) -> str:
    from docx import Document

    document = Document(io.BytesIO(data))
    texts = [p.text for p in document.paragraphs]
    for table in document.tables:
        texts.extend(cell.text for row in table.rows for cell in row.cells)
    return "\n".join(texts)


def pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    text = "".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(data)).pages)
    return "".join(unicodedata.normalize("NFKC", text).split())


def downloaded(response: Any) -> bytes:
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def spreadsheet_text(value: str) -> str:
    """Text an uploaded workbook can hold: without the characters XML forbids."""
    return ILLEGAL_CHARACTERS_RE.sub("", value)


# Records -------------------------------------------------------------------------------------


def partner(world: World, name: str = "Ashford Borough Council", **fields: Any) -> Organisation:
    """An organisation that is a partner in place A (by default, its council)."""
    return partner_in(world.place_a, name=name, **fields)


def committees_url(name: str, world: World, *args: Any) -> str:
    return reverse(f"committees:{name}", args=[world.place_a.pk, *args])


def console_url(name: str, world: World, *args: Any) -> str:
    return reverse(f"console:{name}", args=[world.system.slug, *args])


def committee_form(name: str, **changes: Any) -> dict[str, Any]:
    return {
        "name": name,
        "kind": "sub_committee",
        "frequency": "quarterly",
        "quorum_minimum": "3",
        "decision_rule": "majority",
        **changes,
    }


def add_committee(client: Client, world: World, name: str, **changes: Any) -> Committee | None:
    """A committee added through its form, or None when the form refused the name."""
    response = client.post(committees_url("add", world), committee_form(name, **changes))
    if not saved(response):
        return None
    return Committee.objects.get(pk=resolve(redirected_to(response)).kwargs["pk"])


def committee_added(client: Client, world: World, name: str, **changes: Any) -> Committee:
    """`add_committee` in a property test: an example whose name the form refused is dropped
    (hypothesis draws another), so the test goes on only with a committee."""
    committee = add_committee(client, world, name, **changes)
    assume(committee is not None)
    assert committee is not None
    return committee


def member_form(prefix: str, organisation: Organisation, **changes: Any) -> dict[str, Any]:
    data = {"organisation": organisation.pk, "role_title": "Director of Nursing"}
    data.update({"position": "member", "voting": "on", "deputy_allowed": "on"})
    data.update(changes)
    return {f"{prefix}-{key}": value for key, value in data.items()}
