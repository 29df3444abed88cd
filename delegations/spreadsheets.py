"""Schemes of delegation as Excel workbooks: a blank template, an export of a scheme's lines
and an import that checks every row before it saves anything.

Every text cell written loses the control characters a workbook cannot hold, is neutralised
against formula injection and stored as text. A file read back is never evaluated: a formula
cell arrives as its text, and the apostrophe the export put before text that looks like a
formula is taken off again."""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import IO, Any

from django.core.exceptions import ValidationError

from core.documents import xlsx_text
from delegations import bands, rules, services
from delegations import workbook_limits as limits
from delegations.models import DelegateRole, Delegation, MatterCategory, SchemeOfDelegation
from delegations.selectors import matter_tree, scheme_lines
from delegations.workbook_limits import MAX_UPLOAD_BYTES, ImportRefused
from governance.structures.models import Committee
from partners.models import Neighbourhood, Place, User

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
LINES = "Lines"
COLUMNS = (
    "Reference",
    "Matter code",
    "Matter",
    "Delegate type",
    "Delegate",
    "Place",
    "From (£)",
    "Up to (£)",
    "Conditions",
    "Neighbourhood",
)
(
    REFERENCE,
    MATTER_CODE,
    MATTER,
    DELEGATE_TYPE,
    DELEGATE,
    PLACE,
    FROM,
    UP_TO,
    CONDITIONS,
    NEIGHBOURHOOD,
) = COLUMNS
# Columns a file may leave out: Matter is for reading only, and files made before lines could
# be for one neighbourhood have no Neighbourhood column (every line is for the whole place).
OPTIONAL_COLUMNS = (MATTER, NEIGHBOURHOOD)
# For reading only, like Matter: the line's band in the words every page uses. The import
# reads COLUMNS by their headings, so it never reads this one.
BAND = "Band"
SHEET_COLUMNS = (*COLUMNS, BAND)
DELEGATE_TYPES = ("committee", "role", "reserved")
# A line's field → the column that shows its problem.
FIELD_COLUMNS = {
    "matter": MATTER_CODE,
    "reserved": DELEGATE_TYPE,
    "delegate_committee": DELEGATE,
    "delegate_role": DELEGATE,
    "place": PLACE,
    "neighbourhood": NEIGHBOURHOOD,
    "limit_from": FROM,
    "limit_to": UP_TO,
    "conditions": CONDITIONS,
    "reference": REFERENCE,
}
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
INSTRUCTIONS = (
    "How to fill in the Lines sheet",
    "",
    "One row is one line of the scheme: who may decide a matter, between which values, for "
    "which place and on what conditions.",
    "Matter code: a code from the Matters sheet. The Matter column is for reading only.",
    "Delegate type: committee, role or reserved. Reserved means the organisation's own "
    "board keeps the matter: leave Delegate empty.",
    "Delegate: the committee's name (a committee of a place where the organisation is a "
    "partner) or the title of one of the organisation's delegate roles.",
    "Place: the place the line is for, or empty for every place.",
    "Neighbourhood: for a line that applies in one neighbourhood of its place only, the "
    "neighbourhood's name (name the place too); empty for the whole place.",
    "From (£) and Up to (£): whole pounds, like 250000. Leave Up to empty for no upper limit. "
    "A line covers the values over its From amount (with 0, from nothing) up to and "
    "including its Up to amount. So 0 to 250000 is up to and including £250,000, and "
    "250000 to 1000000 is over £250,000 up to and including £1,000,000: the two follow on, "
    "and £250,000 falls in the first.",
    "Band: the values each exported line covers, in words. It is for reading only: the "
    "import ignores it.",
    "Two lines for the same matter and place cannot cover the same values, and a matter "
    "reserved to the board cannot also be delegated.",
    "Upload the file to a draft scheme. If any row has a problem nothing is saved, and every "
    "problem is listed with its row number.",
)


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"Row {self.row}, {self.column}: {self.message}"


@dataclass
class ImportResult:
    imported: int = 0
    errors: list[RowError] = field(default_factory=list)
    problem: str = ""  # the file as a whole could not be read

    @property
    def ok(self) -> bool:
        return not self.errors and not self.problem

    @property
    def messages(self) -> list[str]:
        """What the page lists: the first problems, then how many more."""
        if self.problem:
            return [self.problem]
        return limits.capped([str(error) for error in self.errors])


# Writing ----------------------------------------------------------------------------------


def _workbook(rows: Iterable[list[Any]], matters: list[MatterCategory]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.worksheet.datavalidation import DataValidation

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = LINES
    sheet.append(list(SHEET_COLUMNS))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(row)
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, str):
                cell.data_type = "s"
    widths = (12, 22, 36, 22, 40, 22, 14, 14, 50, 26, 40)
    for letter, width in zip("ABCDEFGHIJK", widths, strict=True):
        sheet.column_dimensions[letter].width = width
    kinds = DataValidation(
        type="list",
        formula1='"' + ",".join(DELEGATE_TYPES) + '"',
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="Delegate type",
        error="Choose committee, role or reserved.",
    )
    sheet.add_data_validation(kinds)
    kinds.add("D2:D2000")
    sheet.freeze_panes = "A2"

    instructions = book.create_sheet("Instructions")
    for line in INSTRUCTIONS:
        instructions.append([xlsx_text(line)])
    instructions["A1"].font = Font(bold=True)
    instructions.column_dimensions["A"].width = 110

    listing = book.create_sheet("Matters")
    listing.append(["Matter code", "Matter", "Beneath"])
    for cell in listing[1]:
        cell.font = Font(bold=True)
    by_pk = {matter.pk: matter for matter in matters}
    for matter in matters:
        parent = by_pk.get(matter.parent_id) if matter.parent_id else None
        listing.append(
            [
                xlsx_text(matter.code),
                xlsx_text(matter.name),
                xlsx_text(parent.code if parent else ""),
            ]
        )
    listing.column_dimensions["A"].width = 26
    listing.column_dimensions["B"].width = 50
    listing.column_dimensions["C"].width = 20
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _matters(system_id: int) -> list[MatterCategory]:
    from partners.models import System

    return [node.matter for node in matter_tree(system=System(pk=system_id))]


def scheme_template_xlsx(*, system: Any = None) -> bytes:
    """A blank Lines sheet with its instructions, and the system's matter codes if given."""
    return _workbook([], _matters(system.pk) if system is not None else [])


def _amount(value: Decimal | None) -> str:
    if value is None:
        return ""
    return str(value.quantize(Decimal(1)) if value == value.to_integral_value() else value)


def _delegate_type(line: Delegation) -> str:
    if line.reserved:
        return "reserved"
    return "committee" if line.delegate_committee_id else "role"


def _delegate_name(line: Delegation) -> str:
    if line.delegate_committee is not None:
        return line.delegate_committee.name
    if line.delegate_role is not None:
        return line.delegate_role.title
    return ""


def scheme_export_xlsx(scheme: SchemeOfDelegation) -> bytes:
    rows = [
        [
            xlsx_text(value)
            for value in (
                line.reference,
                line.matter.code,
                line.matter.name,
                _delegate_type(line),
                _delegate_name(line),
                line.place.name if line.place else "",
                _amount(line.limit_from),
                _amount(line.limit_to),
                line.conditions,
                line.neighbourhood.name if line.neighbourhood else "",
                bands.band_text(line.limit_from, line.limit_to),
            )
        ]
        for line in scheme_lines(scheme=scheme)
    ]
    return _workbook(rows, _matters(scheme.organisation.system_id))


# Reading ----------------------------------------------------------------------------------


def _text(value: Any) -> str:
    """A cell as text; the apostrophe that neutralised a formula-like text is taken off."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    if text.startswith("'") and text[1:].startswith(_FORMULA_STARTS):
        text = text[1:]
    return text


def _number(value: Any) -> Decimal | None:
    """An amount as a number cell or as text people write ("£250,000", "2.5m"); pence
    allowed. Raises ValueError for anything else, and for a negative amount."""
    if isinstance(value, bool):
        raise ValueError
    if isinstance(value, int | float | Decimal):
        try:
            number = Decimal(str(value))
        except InvalidOperation as error:
            raise ValueError from error
        if number < 0 or number != number.quantize(Decimal("0.01")):
            raise ValueError
        return number
    text = _text(value)
    if not text:
        return None
    number = bands.parse_pounds(text)
    if number < 0:
        raise ValueError
    return number


def _norm(text: str) -> str:
    return " ".join(text.casefold().split())


class _Lookups:
    """Everything a row may name, read once for the whole file."""

    def __init__(self, scheme: SchemeOfDelegation) -> None:
        organisation = scheme.organisation
        self.matters = {
            m.code.casefold(): m
            for m in MatterCategory.objects.filter(system_id=organisation.system_id)
        }
        self.places: dict[str, Place] = {
            _norm(p.name): p for p in Place.objects.filter(system_id=organisation.system_id)
        }
        # Every neighbourhood of the system, active or not (the line's rules say why an
        # inactive one may not be named), by name: a name may recur in several places.
        self.neighbourhoods: dict[str, list[Neighbourhood]] = {}
        for neighbourhood in Neighbourhood.objects.filter(
            place__system_id=organisation.system_id
        ).select_related("place"):
            self.neighbourhoods.setdefault(_norm(neighbourhood.name), []).append(neighbourhood)
        self.committees: dict[str, list[Committee]] = {}
        for committee in services.committees_for_organisation(organisation):
            self.committees.setdefault(_norm(committee.name), []).append(committee)
        self.roles: dict[str, list[DelegateRole]] = {}
        for role in DelegateRole.objects.filter(
            organisation=organisation, is_active=True
        ).select_related("place"):
            self.roles.setdefault(_norm(role.title), []).append(role)


def _pick(
    candidates: list[Any], place: Place | None, kind: str, name: str
) -> tuple[Any | None, str]:
    """The one committee or role a name means, or why none."""
    if not candidates:
        return None, ""
    if len(candidates) == 1:
        return candidates[0], ""
    if place is not None:
        here = [c for c in candidates if c.place_id == place.pk]
        if len(here) == 1:
            return here[0], ""
    return (
        None,
        f"more than one {kind} is called {limits.shown(name)}: name the place in the Place column",
    )


def _neighbourhood_named(
    lookups: _Lookups, name: str, place: Place | None
) -> tuple[Neighbourhood | None, str]:
    """The neighbourhood a row names, or why none. With the row's place, one of that place's;
    without, the one neighbourhood of the system so called (the line's rules then ask for
    its place)."""
    candidates = lookups.neighbourhoods.get(_norm(name), [])
    if place is not None:
        here = [n for n in candidates if n.place_id == place.pk]
        if here:
            return here[0], ""
        return None, f"{place.name} has no neighbourhood called {limits.shown(name)}"
    if len(candidates) == 1:
        return candidates[0], ""
    if candidates:
        return None, (
            f"more than one place has a neighbourhood called {limits.shown(name)}: name its "
            "place in the Place column"
        )
    return None, f"there is no neighbourhood called {limits.shown(name)}"


def _upload_bytes(file: IO[bytes] | Any) -> bytes:
    size = getattr(file, "size", None)
    data = b"" if size is not None and size > MAX_UPLOAD_BYTES else file.read(MAX_UPLOAD_BYTES + 1)
    if len(data) > MAX_UPLOAD_BYTES or (size is not None and size > MAX_UPLOAD_BYTES):
        raise ImportRefused("The file is larger than 2 MB. Upload a smaller file.")
    if not data.startswith(b"PK"):
        raise ImportRefused(limits.NOT_A_WORKBOOK)
    return data


def _positions(header: tuple[Any, ...]) -> dict[str, int]:
    """Where each of COLUMNS is, found by its heading."""
    for index, heading in enumerate(header):
        if isinstance(heading, str) and len(heading) > limits.MAX_CELL_CHARS:
            raise limits.heading_too_long(index + 1)
    positions: dict[str, int] = {}
    names = [_norm(_text(h)) for h in header]
    for column in COLUMNS:
        wanted = _norm(column)
        short = wanted.split(" (")[0]
        for index, name in enumerate(names):
            if name == wanted or name.split(" (")[0] == short:
                positions[column] = index
                break
    missing = [c for c in COLUMNS if c not in positions and c not in OPTIONAL_COLUMNS]
    if missing:
        raise ImportRefused(
            "The Lines sheet has no column headed " + ", ".join(missing) + ". Start from the "
            "template."
        )
    return positions


Row = tuple[int, dict[str, Any]]


def _lines(rows: Iterator[tuple[Any, ...]]) -> tuple[list[Row], list[RowError]]:
    """The sheet's lines below its heading, streamed, and the cells too long to read. Stops
    at the first row past a limit."""
    header = next(rows, None)
    if header is None:
        raise ImportRefused("The Lines sheet is empty. Start from the template.")
    if len(header) > limits.MAX_COLUMNS and any(header[limits.MAX_COLUMNS :]):
        raise limits.too_many_columns()
    positions = _positions(header)
    found: list[Row] = []
    too_long: list[RowError] = []
    lines = 0
    for number, row in enumerate(rows, start=2):
        if number > limits.MAX_SHEET_ROWS:
            raise limits.too_many_rows()
        if len(row) > limits.MAX_COLUMNS and any(row[limits.MAX_COLUMNS :]):
            raise limits.too_many_columns()
        long = [
            (index, len(value))
            for index, value in enumerate(row)
            if isinstance(value, str) and len(value) > limits.MAX_CELL_CHARS
        ]
        values = {
            column: (row[index] if index < len(row) else None)
            for column, index in positions.items()
        }
        values.setdefault(NEIGHBOURHOOD, None)
        if not long and all(_text(v) == "" for v in values.values()):
            continue
        lines += 1
        if lines > limits.MAX_LINES:
            raise limits.too_many_lines()
        if long:
            names = {index: column for column, index in positions.items()}
            too_long.extend(
                RowError(number, names.get(index, f"column {index + 1}"), limits.cell_too_long(n))
                for index, n in long
            )
        else:
            found.append((number, values))
    return found, too_long


def _read_rows(file: IO[bytes] | Any) -> tuple[list[Row], list[RowError]]:
    """The Lines sheet's rows, read within the limits of `workbook_limits`."""
    from openpyxl import load_workbook

    data = _upload_bytes(file)
    limits.check_archive(data)
    try:
        # Not data_only: a formula cell is read as its text, never as a value the file's
        # author cached for it (see the module's docstring).
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception as error:  # openpyxl raises many kinds for a damaged file
        raise ImportRefused(
            "The file could not be read as an Excel workbook (.xlsx). Start from the template."
        ) from error
    try:
        if LINES not in book.sheetnames:
            raise ImportRefused("The workbook has no sheet called Lines. Start from the template.")
        # One row and one column past each limit is read, to tell that a limit is passed.
        rows = book[LINES].iter_rows(
            max_row=limits.MAX_SHEET_ROWS + 1, max_col=limits.MAX_COLUMNS + 1, values_only=True
        )
        return _lines(rows)
    except ValidationError:
        raise
    except Exception as error:  # a sheet damaged part of the way through
        raise ImportRefused(
            "The Lines sheet could not be read: the file may be damaged. Copy the lines into "
            "a new workbook made from the template and upload that."
        ) from error
    finally:
        book.close()


def scheme_import_xlsx(
    *, actor: User | None, scheme: SchemeOfDelegation, file: IO[bytes] | Any, replace: bool = True
) -> ImportResult:
    """Check every row of the file's Lines sheet; save them all (replacing the draft's lines,
    or added to them when `replace` is False) only if every row is good."""
    try:
        services.require_draft(scheme)
        rows, too_long = _read_rows(file)
    except ValidationError as error:
        return ImportResult(problem=error.messages[0])
    if not rows and not too_long:
        return ImportResult(problem="The Lines sheet has no lines. Add at least one row.")
    lookups = _Lookups(scheme)
    context = rules.SchemeContext.load(scheme)
    errors: list[RowError] = too_long
    good: list[tuple[int, Delegation]] = []
    existing = [] if replace else scheme_lines(scheme=scheme)
    row_of: dict[int, int] = {}

    def label(other: Delegation) -> str:
        if id(other) in row_of:
            return f"Row {row_of[id(other)]}"
        return rules.line_label(other)

    for number, values in rows:
        problems: list[tuple[str, str]] = []
        code = _text(values[MATTER_CODE])
        matter = lookups.matters.get(code.casefold())
        if not code:
            problems.append((MATTER_CODE, "enter a matter code from the Matters sheet"))
        elif matter is None:
            problems.append(
                (
                    MATTER_CODE,
                    f"there is no matter with the code {limits.shown(code)}: use one from the Matters sheet",
                )
            )
        place = None
        place_name = _text(values[PLACE])
        if place_name:
            place = lookups.places.get(_norm(place_name))
            if place is None:
                problems.append((PLACE, f"there is no place called {limits.shown(place_name)}"))
        neighbourhood = None
        neighbourhood_name = _text(values[NEIGHBOURHOOD])
        # A place the file names but the system lacks is reported already.
        if neighbourhood_name and not (place_name and place is None):
            neighbourhood, why = _neighbourhood_named(lookups, neighbourhood_name, place)
            if neighbourhood is None:
                problems.append((NEIGHBOURHOOD, why))
        amounts: dict[str, Decimal | None] = {}
        for column in (FROM, UP_TO):
            try:
                amounts[column] = _number(values[column])
            except ValueError:
                problems.append((column, "enter an amount in pounds, like 250000 or £2.5m"))
        kind = _text(values[DELEGATE_TYPE]).casefold()
        delegate_name = _text(values[DELEGATE])
        committee = role = None
        if kind not in DELEGATE_TYPES:
            problems.append((DELEGATE_TYPE, "enter committee, role or reserved"))
        elif kind == "reserved":
            if delegate_name:
                problems.append(
                    (
                        DELEGATE,
                        "leave this empty: a reserved line has no delegate, the board "
                        "keeps the matter",
                    )
                )
        elif not delegate_name:
            problems.append((DELEGATE, f"enter the name of the {kind}"))
        elif kind == "committee":
            committee, why = _pick(
                lookups.committees.get(_norm(delegate_name), []),
                place,
                "committee",
                delegate_name,
            )
            if committee is None:
                problems.append(
                    (
                        DELEGATE,
                        why
                        or f"there is no committee called {limits.shown(delegate_name)} in a place "
                        f"where {scheme.organisation.name} is a partner",
                    )
                )
        else:
            role, why = _pick(
                lookups.roles.get(_norm(delegate_name), []), place, "role", delegate_name
            )
            if role is None:
                problems.append(
                    (
                        DELEGATE,
                        why
                        or f"{scheme.organisation.name} has no delegate role called "
                        f"{limits.shown(delegate_name)}",
                    )
                )
        if problems:
            errors.extend(RowError(number, column, message) for column, message in problems)
            continue
        assert matter is not None
        line = Delegation(
            scheme=scheme,
            matter=matter,
            reserved=kind == "reserved",
            delegate_committee=committee,
            delegate_role=role,
            limit_from=amounts[FROM] or Decimal("0"),
            limit_to=amounts[UP_TO],
            place=place,
            neighbourhood=neighbourhood,
            conditions=_text(values[CONDITIONS]),
            reference=_text(values[REFERENCE])[:60],
        )
        others = [*existing, *(g for _, g in good)]
        found = rules.line_problems(line, context=context, others=others, label=label)
        if found:
            for name, messages in found.items():
                column = FIELD_COLUMNS.get(name, DELEGATE)
                errors.extend(RowError(number, column, m) for m in messages)
            continue
        row_of[id(line)] = number
        good.append((number, line))
    if errors:
        errors.sort(key=lambda error: error.row)
        return ImportResult(errors=errors)
    try:
        count = services.delegation_replace_all(
            actor=actor, scheme=scheme, lines=[line for _, line in good], replace=replace
        )
    except ValidationError as error:
        return ImportResult(problem=error.messages[0])
    return ImportResult(imported=count)


__all__ = [
    "CONTENT_TYPE",
    "ImportResult",
    "RowError",
    "scheme_export_xlsx",
    "scheme_import_xlsx",
    "scheme_template_xlsx",
]
