"""Scheme workbooks built to exhaust the server: a few hundred kilobytes that unpack to a
million rows or to one enormous cell. The import reads the archive's directory first and
streams the sheet within fixed limits, so each is refused on the page quickly, in little
memory and with a short page."""

from __future__ import annotations

import io
import os
import time
import tracemalloc
import zipfile
from collections.abc import Iterable, Iterator
from typing import Any
from xml.sax.saxutils import escape

import pytest
from django.urls import reverse

from delegations import spreadsheets
from delegations import workbook_limits as limits
from delegations.models import Delegation
from tests.conftest import World
from tests.delegations.conftest import Council
from tests.factories import scheme_workbook

pytestmark = pytest.mark.django_db

MB = 1024 * 1024
# Guards, not benchmarks: the unguarded import took minutes and gigabytes.
SECONDS = 5
PEAK_BYTES = 100 * MB
PAGE_BYTES = 100 * 1024

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
DOC_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml"


# Workbooks written straight into a zip ------------------------------------------------------


def cell(value: Any) -> str:
    if isinstance(value, int):
        return f"<c><v>{value}</v></c>"
    return f'<c t="inlineStr"><is><t>{escape(str(value))}</t></is></c>'


def row(*values: Any, number: int | None = None) -> bytes:
    r = f' r="{number}"' if number is not None else ""
    return f"<row{r}>{''.join(cell(v) for v in values)}</row>".encode()


HEADER = row(*spreadsheets.COLUMNS)
GOOD = ("1", "contract-award", "", "committee", "Ashford Joint Committee", "", 0, 5, "")
BAD = ("", "no-such-matter", "", "boss", "", "", 0, 5, "")


def workbook(
    rows: Iterable[bytes], *, shared: Iterable[bytes] | None = None, dimension: str = ""
) -> io.BytesIO:
    """An .xlsx file with one sheet, Lines, whose rows (and shared strings) are streamed into
    the archive in chunks, so a part can unpack to far more than the test holds in memory."""
    out = io.BytesIO()
    types = (
        f'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        f'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        f'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{TYPE}.sheet.main+xml"/>'
        f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{TYPE}.worksheet+xml"/>'
        + (
            f'<Override PartName="/xl/sharedStrings.xml" ContentType="{TYPE}.sharedStrings+xml"/>'
            if shared is not None
            else ""
        )
        + "</Types>"
    )
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", types)
        archive.writestr(
            "_rels/.rels",
            f'<Relationships xmlns="{RELS}"><Relationship Id="rId1" '
            f'Type="{DOC_RELS}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        )
        archive.writestr(
            "xl/workbook.xml",
            f'<workbook xmlns="{MAIN}" xmlns:r="{DOC_RELS}"><sheets>'
            f'<sheet name="Lines" sheetId="1" r:id="rId1"/></sheets></workbook>',
        )
        archive.writestr(
            "xl/_rels/workbook.xml.rels",
            f'<Relationships xmlns="{RELS}"><Relationship Id="rId1" Type="{DOC_RELS}/worksheet" '
            f'Target="worksheets/sheet1.xml"/><Relationship Id="rId2" '
            f'Type="{DOC_RELS}/sharedStrings" Target="sharedStrings.xml"/></Relationships>',
        )
        if shared is not None:
            with archive.open("xl/sharedStrings.xml", "w", force_zip64=True) as part:
                part.write(f'<sst xmlns="{MAIN}">'.encode())
                for chunk in shared:
                    part.write(chunk)
                part.write(b"</sst>")
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as part:
            part.write(f'<worksheet xmlns="{MAIN}">'.encode())
            if dimension:
                part.write(f'<dimension ref="{dimension}"/>'.encode())
            part.write(b"<sheetData>")
            for chunk in rows:
                part.write(chunk)
            part.write(b"</sheetData></worksheet>")
    out.seek(0)
    out.name = "scheme.xlsx"
    return out


def chunked(line: bytes, count: int, per_chunk: int = 10_000) -> Iterator[bytes]:
    """`line` `count` times, written a chunk at a time."""
    whole, rest = divmod(count, per_chunk)
    block = line * per_chunk
    for _ in range(whole):
        yield block
    yield line * rest


def million_bad_rows() -> io.BytesIO:
    """The first bomb: a heading and 1,000,000 rows, each with two problems. The rows carry
    no numbers (a reader counts them), so they are identical and pack a thousand to one."""
    return workbook([HEADER, *chunked(row(*BAD), 1_000_000)])


def one_huge_shared_string(size: int) -> io.BytesIO:
    """The second bomb: the matter code of the one line is a shared string of `size`
    characters, which packs to almost nothing."""
    text = (b"<si><t>", *chunked(b"A" * 1024, size // 1024, per_chunk=1024), b"</t></si>")
    line = row(*GOOD).replace(cell(GOOD[1]).encode(), b'<c t="s"><v>0</v></c>')
    return workbook([HEADER, line], shared=text)


# The page ---------------------------------------------------------------------------------


@pytest.fixture
def upload(client: Any, world: World, council: Council) -> Any:
    client.force_login(world.icb_admin)
    url = reverse("console:scheme_upload", args=[world.system.slug, council.scheme.pk])

    def send(file: io.BytesIO, *, traced: bool = True) -> tuple[str, int, float, int]:
        """The page, its size in bytes, the seconds taken and the peak memory traced (when
        `traced`: tracing makes a long import several times slower)."""
        if traced:
            tracemalloc.start()
        started = time.perf_counter()
        try:
            response = client.post(url, {"upload-file": file, "upload-mode": "replace"})
            seconds = time.perf_counter() - started
            _, peak = tracemalloc.get_traced_memory() if traced else (0, 0)
        finally:
            tracemalloc.stop()
        assert response.status_code == 200
        return response.content.decode(), len(response.content), seconds, peak

    return send


def refused_in_bounds(page: str, size: int, seconds: float, peak: int) -> None:
    assert "The spreadsheet was not imported" in page and "Nothing has been saved" in page
    assert size < PAGE_BYTES, f"a page of {size:,} bytes"
    assert seconds < SECONDS, f"{seconds:.1f} s"
    assert peak < PEAK_BYTES, f"a peak of {peak / MB:,.0f} MB"
    assert not Delegation.objects.exists()


def test_a_million_bad_rows_are_refused_quickly_in_little_memory(upload):
    file = million_bad_rows()
    assert len(file.getvalue()) < limits.MAX_UPLOAD_BYTES
    page, size, seconds, peak = upload(file)
    refused_in_bounds(page, size, seconds, peak)
    assert f"unpacks to more than {limits.MAX_UNPACKED_BYTES // MB} MB" in page


def test_one_huge_shared_string_is_refused_by_its_unpacked_size(upload):
    file = one_huge_shared_string(4 * limits.MAX_PART_BYTES)
    # Packed, the file is tiny: only its unpacked size gives it away.
    assert len(file.getvalue()) < MB
    page, size, seconds, peak = upload(file)
    refused_in_bounds(page, size, seconds, peak)
    assert f"one of its parts to more than {limits.MAX_PART_BYTES // MB} MB" in page


# The archive checks -----------------------------------------------------------------------


def test_a_part_just_over_the_limit_is_refused_though_it_packs_only_a_little():
    # Mostly one letter, with a random one in thirty: packs about ten to one, well under the
    # ratio limit, so only the unpacked size refuses it.
    noise = os.urandom(limits.MAX_PART_BYTES + 1024)
    table = b"a" * 248 + b"bcdefghi"
    letters = noise.translate(table)
    file = workbook([HEADER], shared=[b"<si><t>", letters, b"</t></si>"])
    part = zipfile.ZipFile(file).getinfo("xl/sharedStrings.xml")
    assert part.file_size < limits.MAX_RATIO * part.compress_size
    with pytest.raises(limits.ImportRefused, match="one of its parts to more than 16 MB"):
        limits.check_archive(file.getvalue())


def test_a_part_that_packs_too_well_is_refused_though_small_enough():
    file = workbook([HEADER, *chunked(row(*BAD), 20_000)])
    part = zipfile.ZipFile(file).getinfo("xl/worksheets/sheet1.xml")
    assert part.file_size < limits.MAX_PART_BYTES
    with pytest.raises(limits.ImportRefused, match="more than 100 times its size"):
        limits.check_archive(file.getvalue())


def test_an_archive_of_too_many_parts_is_refused():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for n in range(limits.MAX_PARTS + 1):
            archive.writestr(f"part{n}.xml", "<a/>")
    with pytest.raises(limits.ImportRefused, match=r"holds 101 parts"):
        limits.check_archive(out.getvalue())


def test_a_large_scheme_with_long_conditions_is_well_inside_the_limits():
    file = scheme_workbook(*[[str(n), *GOOD[1:8], "c" * 500] for n in range(limits.MAX_LINES)])
    limits.check_archive(file.getvalue())


# Rows, columns and cells ------------------------------------------------------------------


def test_more_lines_than_the_limit_are_refused_with_how_to_split_them(upload):
    # Numbered rows, each naming a different matter: they pack like a real sheet does.
    rows = (row("", f"matter-{n}", *BAD[2:], number=n) for n in range(2, limits.MAX_LINES + 3))
    page, *_ = upload(workbook([HEADER, *rows]), traced=False)
    assert "The Lines sheet has more than 5,000 lines. To import a larger scheme, split" in page


def test_a_sheet_that_runs_far_down_is_refused_without_reading_every_empty_row(upload):
    file = workbook([HEADER, row(*BAD, number=1_000_000)], dimension="A1:XFD1048576")
    page, size, seconds, peak = upload(file)
    refused_in_bounds(page, size, seconds, peak)
    assert "The Lines sheet goes on past row 20,000. Delete the empty rows" in page


def test_too_many_columns_are_refused(upload):
    page, *_ = upload(workbook([HEADER, row(*GOOD, *["note"] * limits.MAX_COLUMNS)]))
    assert "The Lines sheet has more than 50 columns." in page
    assert not Delegation.objects.exists()


def test_a_cell_longer_than_the_limit_is_named_and_nothing_saved(upload):
    long = "x" * (limits.MAX_CELL_CHARS + 1)
    page, *_ = upload(workbook([HEADER, row(*GOOD[:8], long)]))
    assert (
        "Row 2, Conditions: the cell has 2,001 characters, more than the 2,000 a cell may "
        "have: shorten it" in page
    )
    assert not Delegation.objects.exists()


def test_the_problems_listed_stop_at_fifty_and_count_the_rest(upload):
    # Thirty rows with two problems each: sixty problems.
    page, *_ = upload(workbook([HEADER, *chunked(row(*BAD), 30)]))
    assert page.count('<li><a href="#upload-file">Row ') == limits.MAX_LISTED_ERRORS
    assert "and 10 more problems. Correct these and upload the file again" in page


def test_a_long_name_is_cut_short_when_a_message_repeats_it(upload):
    name = "N" * limits.MAX_CELL_CHARS
    page, *_ = upload(workbook([HEADER, row(*GOOD[:5], name, 0, 5, "")]))
    assert "there is no place called " + "N" * 79 + "…" in page
    assert "N" * 81 not in page
