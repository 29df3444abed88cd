"""How much of an uploaded scheme workbook the import will read, and the check of the archive
before openpyxl opens it.

An .xlsx file is a zip archive of XML parts. The upload limit (MAX_UPLOAD_BYTES) counts the
compressed bytes only, and XML compresses very well: a 2 MB file can unpack to gigabytes
("a zip bomb"), or hold a million rows. So the archive's own directory is read first and
every part's uncompressed size, the total, the number of parts and each part's compression
ratio are checked before a byte is unpacked. Python's zipfile never unpacks more than a
part's declared size, so a part that lies about its size is cut short and fails its CRC
check rather than growing. Then the Lines sheet is streamed: at most MAX_SHEET_ROWS rows
and MAX_COLUMNS + 1 columns are read, and the import stops at the first row past a limit.

A scheme of delegation has at most a few thousand lines of ten columns; the template and
an export of a large scheme sit far inside every limit here."""

from __future__ import annotations

import io
import zipfile
from typing import Final

from django.core.exceptions import ValidationError

# The file as uploaded (compressed).
MAX_UPLOAD_BYTES: Final = 2 * 1024 * 1024
# A workbook has a dozen parts or so (sheets, styles, shared strings, properties); Excel's
# own files rarely pass 30.
MAX_PARTS: Final = 100
# One part unpacked. The largest is the Lines sheet or its shared strings: 5,000 lines of
# ten cells with long conditions is about 5 MB.
MAX_PART_BYTES: Final = 16 * 1024 * 1024
# Every part unpacked, together.
MAX_UNPACKED_BYTES: Final = 32 * 1024 * 1024
# Workbook XML compresses about 5 to 20 times; a part that unpacks to more than 100 times
# its packed size is built to be small on the wire. Parts under RATIO_FROM_BYTES are
# too small to matter and are not checked.
MAX_RATIO: Final = 100
RATIO_FROM_BYTES: Final = 1024 * 1024
# Lines (rows below the heading with something in them).
MAX_LINES: Final = 5_000
# Rows read, empty ones included: room for blank or formatted rows between and below the
# lines, but not for a sheet that runs to Excel's last row.
MAX_SHEET_ROWS: Final = 20_000
# Columns read: the template has ten; room for a few of the organisation's own.
MAX_COLUMNS: Final = 50
# Characters in one cell: the conditions of a line are a paragraph at most.
MAX_CELL_CHARS: Final = 2_000
# Problems listed on the page; the rest are counted.
MAX_LISTED_ERRORS: Final = 50
# Characters of a cell's text repeated in a message ("there is no place called …").
SHOWN_CHARS: Final = 80

_SPLIT = (
    "split the scheme into files of up to {lines:,} lines and upload them one after "
    "another, choosing “Add the file's lines” for the second and later files."
)
NOT_A_WORKBOOK: Final = "The file must be an Excel workbook (.xlsx). Start from the template."


class ImportRefused(ValidationError):
    """The file itself cannot be read (too big, not a workbook, no Lines sheet)."""


def _mb(size: int) -> str:
    return f"{size / (1024 * 1024):,.0f} MB"


def check_archive(data: bytes) -> None:
    """Refuse a workbook whose parts would unpack to more than the limits allow, reading
    only the archive's directory."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError) as error:
        raise ImportRefused(NOT_A_WORKBOOK) from error
    if len(parts) > MAX_PARTS:
        raise ImportRefused(
            f"The file holds {len(parts):,} parts; an Excel workbook has far fewer (at most "
            f"{MAX_PARTS:,} are read). Save the scheme as a new workbook from the template "
            "and upload that."
        )
    total = 0
    for part in parts:
        total += part.file_size
        if part.file_size > MAX_PART_BYTES or total > MAX_UNPACKED_BYTES:
            raise ImportRefused(
                f"The workbook unpacks to more than {_mb(MAX_UNPACKED_BYTES)} (one of its parts "
                f"to more than {_mb(MAX_PART_BYTES)}), far more than a scheme needs. Remove "
                "other sheets, pictures and very long cells, or " + _SPLIT.format(lines=MAX_LINES)
            )
        if part.file_size > RATIO_FROM_BYTES and part.file_size > MAX_RATIO * max(
            part.compress_size, 1
        ):
            raise ImportRefused(
                f"The workbook unpacks to more than {MAX_RATIO} times its size, which a "
                "spreadsheet of scheme lines never does: it may be damaged or built to be "
                "harmful. Copy the lines into a new workbook made from the template and "
                "upload that."
            )


def too_many_lines() -> ImportRefused:
    return ImportRefused(
        f"The Lines sheet has more than {MAX_LINES:,} lines. To import a larger scheme, "
        + _SPLIT.format(lines=MAX_LINES)
    )


def too_many_rows() -> ImportRefused:
    return ImportRefused(
        f"The Lines sheet goes on past row {MAX_SHEET_ROWS:,}. Delete the empty rows below "
        f"the last line. If the scheme has more than {MAX_LINES:,} lines, "
        + _SPLIT.format(lines=MAX_LINES)
    )


def too_many_columns() -> ImportRefused:
    return ImportRefused(
        f"The Lines sheet has more than {MAX_COLUMNS} columns. Keep the template's columns "
        "and delete the columns to the right of them."
    )


def heading_too_long(column: int) -> ImportRefused:
    return ImportRefused(
        f"The heading of column {column} of the Lines sheet has more than "
        f"{MAX_CELL_CHARS:,} characters. Use the template's headings."
    )


def cell_too_long(length: int) -> str:
    return (
        f"the cell has {length:,} characters, more than the {MAX_CELL_CHARS:,} a cell may "
        "have: shorten it"
    )


def shown(text: str) -> str:
    """A cell's text as a message repeats it: cut short when long."""
    return text if len(text) <= SHOWN_CHARS else text[: SHOWN_CHARS - 1] + "…"


def capped(messages: list[str]) -> list[str]:
    """The first MAX_LISTED_ERRORS messages, then how many more there are."""
    if len(messages) <= MAX_LISTED_ERRORS:
        return messages
    rest = len(messages) - MAX_LISTED_ERRORS
    return [
        *messages[:MAX_LISTED_ERRORS],
        f"and {rest:,} more problem{'s' if rest != 1 else ''}. Correct these and upload the "
        "file again to see the rest.",
    ]
