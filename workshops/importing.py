"""Attendee lists from spreadsheets: read a file, preview it, then import it in one go.

The staff screens follow three steps:

1. ``attendee_file_parse(cycle=..., filename=..., content=...)`` reads an uploaded CSV
   (UTF-8 with or without a BOM, or Windows-1250; comma, semicolon or tab separated) or
   XLSX file and returns an ``ImportPreview``: the new rows, the rows that match attendees
   already registered for the cycle, and every error with its row, column and reason.
   A problem with the file as a whole (too large, empty, wrong columns, unreadable) raises
   ``ValidationError``. Values in columns without a heading are not imported; the preview
   lists them (``ImportPreview.unheaded_columns``). Nothing is written to the database.
2. The view keeps ``preview.rows`` (plain JSON) on the server for the confirmation
   (``import_previews``, two hours at most) and shows the preview.
3. On confirmation, ``attendees_import(cycle=..., rows=...)`` checks the rows again against
   the database as it is then, and creates the attendees and their attendance in one
   transaction: all or nothing.

CSV files are read with the standard ``csv`` module. When the first line (the headings)
ends with LF or CR LF, a lone CR elsewhere (a line break typed in a cell, as some programs
write it) is read as a space, so it never splits one person into two rows; a file whose
first line ends with a lone CR (old Mac files) is read with lone CRs ending the lines.

XLSX files are read with openpyxl (which tablib[xlsx] brings), after ``workbook_scan``
has checked, in one bounded pass over the archive, that the workbook asks for no more
work than a list within the limits needs: at most ``MAX_ROWS`` people below the headings
(row numbers and declared dimension included), ``MAX_COLUMNS`` columns, and
``MAX_XLSX_*`` unpacked bytes, parts, cells, texts and other elements. Reading stops at
those rows and columns whatever the workbook says. tablib's own importer is not used
because it drops blank lines (so row numbers would no longer be the ones the user sees),
reads cached formula results instead of the formulas, and cannot stop at the row limit.
``attendee_template_file`` writes the template with tablib.

Every cell is checked by ``attendee_fields.attendee_field_clean``, the same function the
attendee admin form uses, so both refuse and store the same values.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
import warnings
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.template.defaultfilters import filesizeformat
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from partnership.caching import public_data_changed
from partnership.csvfiles import EXCEL_PL, csv_bytes
from programmes.models import Sector

from . import workbook_scan
from .attendee_fields import (
    CONTROL,
    TEXT_FIELDS,
    attendee_field_clean,
    consent_clean,
    name_key,
    sector_lookup,
    text_clean,
)
from .figures import cycle_figures_refresh
from .models import Attendance, Attendee, WorkshopCycle

# Stored in the audit trail, so in the portal's language and never translated per request.
IMPORT_CHANGE_REASON = "Import listy uczestników"

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_ROWS = 10_000
MAX_COLUMNS = 100  # the template has 7
# What an XLSX workbook may ask of openpyxl (workbook_scan checks it first). A list of
# 10,000 people unpacks to about 4 MB (14 MB with every field at its length limit in
# two-byte letters) and holds 60,000 cells and texts, a few hundred other elements.
MAX_XLSX_UNPACKED_BYTES = 20 * 1024 * 1024
MAX_XLSX_PARTS = 1000
MAX_XLSX_CELLS = 250_000
MAX_XLSX_STRINGS = 100_000
MAX_XLSX_OTHER_ELEMENTS = 50_000
BATCH_SIZE = 5000

FORMATS = ("csv", "xlsx")


@dataclass(frozen=True)
class Column:
    key: str  # the Attendee field, or "sessions"
    heading: str  # the Polish heading written in the template
    english: str  # the English heading, also accepted
    aliases: frozenset[str]
    required: bool = False


COLUMNS = (
    Column(
        "full_name",
        "Imię i nazwisko",
        "name",
        frozenset({"imię i nazwisko", "imie i nazwisko", "name", "full name"}),
        required=True,
    ),
    Column(
        "organisation_name",
        "Organizacja",
        "organisation",
        frozenset({"organizacja", "organisation", "organization"}),
    ),
    Column("sector", "Sektor", "sector", frozenset({"sektor", "sector"})),
    Column("email", "E-mail", "e-mail", frozenset({"e-mail", "email"})),
    Column("phone", "Telefon", "phone", frozenset({"telefon", "phone"})),
    Column(
        "email_consent",
        "Zgoda na e-mail",
        "e-mail consent",
        frozenset({"zgoda na e-mail", "zgoda na email", "e-mail consent", "email consent"}),
    ),
    Column("sessions", "Sesje", "sessions", frozenset({"sesje", "sessions"})),
)
COLUMN_BY_ALIAS = {alias: column for column in COLUMNS for alias in column.aliases}
FILLABLE_FIELDS = ("organisation_name", "sector", "email", "phone", "email_consent")

TEMPLATE_EXAMPLE = {
    "full_name": "Jan Kowalski",
    "organisation_name": "Stowarzyszenie Przykładowe",
    "sector": Sector.NGO,
    "email": "jan.kowalski@example.org",
    "phone": "+48 600 100 200",
    "email_consent": "tak",
    "sessions": "1; 2; 3",
}

_INVISIBLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_LONE_CR = re.compile(r"\r(?!\n)")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_SESSION_SPLIT = re.compile(r"[,;\s]+")
_DECIMAL = re.compile(r"\d+\.\d+", re.ASCII)
_ARABIC = re.compile(r"\d{1,4}", re.ASCII)
_ROMAN = re.compile(r"M{0,3}(CM|CD|D?C{0,3})(XC|XL|L?X{0,3})(IX|IV|V?I{0,3})")
_ROMAN_VALUES = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100, "D": 500, "M": 1000}


# -- Results -----------------------------------------------------------------------------


@dataclass(frozen=True)
class RowError:
    """One problem in one cell: ``row`` as numbered in the spreadsheet (headings are row 1),
    ``column`` as headed in the file, ``value`` the cell shortened for display."""

    row: int
    column: str
    reason: str
    value: str = ""


@dataclass(frozen=True)
class ImportRow:
    """One attendee as read from the file; ``attendee_id`` is set when the row matches
    someone already registered for the cycle."""

    row: int
    full_name: str
    organisation_name: str = ""
    sector: str = ""
    email: str = ""
    phone: str = ""
    email_consent: bool = False  # agreed to receive e-mail (the certificate)
    sessions: tuple[int, ...] = ()  # session numbers (ordinals) in the cycle
    attendee_id: int | None = None

    def as_payload(self) -> dict[str, Any]:
        return {
            "row": self.row,
            **{name: getattr(self, name) for name in TEXT_FIELDS},
            "email_consent": self.email_consent,
            "sessions": list(self.sessions),
            "attendee_id": self.attendee_id,
        }


@dataclass(frozen=True)
class UnheadedColumn:
    """Values in a column without a heading, which are not imported: the column's number
    (A is 1), the first rows holding a value, and how many values it holds."""

    number: int
    rows: tuple[int, ...]
    count: int

    @property
    def letter(self) -> str:
        return workbook_scan.column_letter(self.number)

    @property
    def description(self) -> str:
        rows = ", ".join(map(str, self.rows)) + (", …" if self.count > len(self.rows) else "")
        return ngettext(
            "Column %(letter)s (no. %(number)s): %(count)s value, in row %(rows)s.",
            "Column %(letter)s (no. %(number)s): %(count)s values, in rows %(rows)s.",
            self.count,
        ) % {"letter": self.letter, "number": self.number, "count": self.count, "rows": rows}


@dataclass
class ImportPreview:
    """What importing a file would do. ``rows`` (JSON) is kept between preview and
    confirmation; the rest is for showing the preview."""

    cycle_id: int
    filename: str
    new_rows: list[ImportRow] = field(default_factory=list)
    matched_rows: list[ImportRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    unheaded_columns: list[UnheadedColumn] = field(default_factory=list)

    @property
    def new_count(self) -> int:
        return len(self.new_rows)

    @property
    def matched_count(self) -> int:
        return len(self.matched_rows)

    @property
    def error_count(self) -> int:
        return len(self.errors)

    @property
    def error_row_count(self) -> int:
        return len({error.row for error in self.errors})

    @property
    def attendance_count(self) -> int:
        return sum(len(row.sessions) for row in (*self.new_rows, *self.matched_rows))

    @property
    def is_valid(self) -> bool:
        return not self.errors

    @property
    def rows(self) -> list[dict[str, Any]]:
        """The rows to import, as JSON-ready dicts kept until the confirmation; empty when
        the file has errors (such a file cannot be confirmed)."""
        if not self.is_valid:
            return []
        rows = sorted((*self.new_rows, *self.matched_rows), key=lambda row: row.row)
        return [row.as_payload() for row in rows]


@dataclass(frozen=True)
class ImportResult:
    created: int  # new attendees
    matched: int  # rows added to attendees already registered
    attendance_added: int  # attendance marks created
    filled: int  # matched attendees whose blank fields were filled from the file
    changed_since_preview: int  # rows matched differently than in the preview


# -- Reading the file --------------------------------------------------------------------


def _file_format(filename: str) -> str:
    extension = filename.rpartition(".")[2].lower() if "." in filename else ""
    if extension not in FORMATS:
        raise ValidationError(
            _(
                "“%(name)s” is not a CSV or XLSX file. Upload the list as .csv or .xlsx "
                "(in Excel: File › Save as › CSV UTF-8 or Excel Workbook)."
            )
            % {"name": filename[-80:]},
            code="format",
        )
    return extension


def _decode(content: bytes) -> str:
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ValidationError(
            _("The file is saved as UTF-16. Save it as CSV UTF-8 and upload it again."),
            code="encoding",
        )
    if content.startswith(b"\xef\xbb\xbf"):
        try:
            return content.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ValidationError(
                _("The file says it is UTF-8 but is not. Save it as CSV UTF-8 again."),
                code="encoding",
            ) from None
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return content.decode("cp1250")
    except UnicodeDecodeError:
        raise ValidationError(
            _("The file is neither UTF-8 nor Windows-1250 text. Save it as CSV UTF-8."),
            code="encoding",
        ) from None


def _delimiter(text: str) -> str:
    """Comma, semicolon (Polish Excel's CSV) or tab: whichever the heading row uses most."""
    first_line = re.split(r"[\r\n]", text, maxsplit=1)[0]
    counts = {delimiter: first_line.count(delimiter) for delimiter in ",;\t"}
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


def _line_breaks(text: str) -> str:
    """When the file's first line (the headings) ends with LF or CR LF, a CR on its own,
    which some programs write for a line break typed inside a cell, is read as a space,
    not as the start of another row. A file whose first line ends with a lone CR (old Mac
    files) is read line by line as before, its lone CRs ending the lines."""
    first_break = _LINE_BREAK.search(text)
    if first_break is not None and first_break[0] != "\r":
        return _LONE_CR.sub(" ", text)
    return text


MAX_CSV_CELL = 131_072  # characters in one CSV cell (csv's default field limit)


def _read_csv(content: bytes) -> Iterator[Sequence[Any]]:
    if content.startswith(b"PK\x03\x04"):
        raise ValidationError(
            _("This is an Excel workbook with a .csv name. Rename it to .xlsx."),
            code="format",
        )
    text = _line_breaks(_decode(content))
    if not text.strip():
        raise ValidationError(_("The file is empty."), code="empty")
    # newline="" lets csv see \r\n, \n and a bare \r alike, also inside quoted cells.
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    try:
        for row in reader:
            # csv's own field limit is process-wide and other libraries raise it (frictionless
            # sets it to sys.maxsize), so the importer checks its own.
            if any(len(cell) > MAX_CSV_CELL for cell in row):
                raise csv.Error(f"field larger than field limit ({MAX_CSV_CELL})")
            yield row
    except csv.Error as error:
        raise ValidationError(
            _("The file cannot be read as CSV (line %(line)s): %(error)s")
            % {"line": reader.line_num, "error": error},
            code="csv",
        ) from None


def _xlsx_limits() -> workbook_scan.Limits:
    return workbook_scan.Limits(
        rows=MAX_ROWS + 1,
        columns=MAX_COLUMNS,
        unpacked=MAX_XLSX_UNPACKED_BYTES,
        parts=MAX_XLSX_PARTS,
        cells=MAX_XLSX_CELLS,
        strings=MAX_XLSX_STRINGS,
        other_elements=MAX_XLSX_OTHER_ELEMENTS,
    )


def _read_xlsx(content: bytes) -> Iterator[Sequence[Any]]:
    import openpyxl

    # Before openpyxl sees it: a workbook that asks for more work than a list needs.
    workbook_scan.workbook_check(content, limits=_xlsx_limits())
    workbook = None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # e.g. "Workbook contains no default style"
            # data_only=False: a formula arrives as its text ("=...") and is refused.
            workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=False)
        sheets = workbook.worksheets
        if not sheets:
            raise ValidationError(_("The file is empty."), code="empty")
        # The first sheet, as in the template. The bounds, not the sheet's own <dimension>,
        # say where to stop: a dimension too small would hide rows.
        yield from sheets[0].iter_rows(max_row=MAX_ROWS + 1, max_col=MAX_COLUMNS, values_only=True)
    except ValidationError:
        raise
    except Exception:  # openpyxl raises many kinds of error on a damaged file
        raise workbook_scan.invalid_workbook() from None
    finally:
        if workbook is not None:
            workbook.close()


def _cell_text(value: Any) -> str:
    """A cell as text: numbers without a spurious ".0", dates in ISO format."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return str(value).upper()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime) and value.time() == datetime.time():
        return value.date().isoformat()
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    formula = getattr(value, "text", None)  # openpyxl's array and data-table formulas
    if isinstance(formula, str):
        return formula if formula.startswith("=") else f"={formula}"
    return str(value)


def _display(text: str, limit: int = 60) -> str:
    """A cell's text safe to show: shortened, with invisible characters made visible."""
    shown = _INVISIBLE.sub("\ufffd", text[:limit])
    return shown + "…" if len(text) > limit else shown


# -- Validating cells --------------------------------------------------------------------


def _roman_to_int(numeral: str) -> int:
    total = 0
    for char, following in zip(numeral, [*numeral[1:], None], strict=True):
        value = _ROMAN_VALUES[char]
        total += -value if following and _ROMAN_VALUES[following] > value else value
    return total


def _session_numbers(text: str, ordinals: Iterable[int]) -> tuple[tuple[int, ...], str | None]:
    """Session numbers in a cell (``1, 2; VI``) and the reason they are wrong, if they are."""
    numbers = set()
    for token in _SESSION_SPLIT.split(text):
        if not token:
            continue
        if _DECIMAL.fullmatch(token):
            return (), _(
                "“%(value)s” looks like a decimal number; separate session numbers with a "
                "semicolon or a space (1; 2), or format the column as text."
            ) % {"value": token}
        bare = token.removesuffix(".")
        if _ARABIC.fullmatch(bare):
            numbers.add(int(bare))
        elif bare and _ROMAN.fullmatch(bare.upper()):
            numbers.add(_roman_to_int(bare.upper()))
        else:
            return (), _(
                "“%(value)s” is not a session number; write numbers such as 1, 2, 3 or I, II, III."
            ) % {"value": _display(token, 20)}
    known = set(ordinals)
    unknown = sorted(numbers - known)
    if unknown:
        if not known:
            return (), _("This cycle has no sessions recorded yet.")
        return (), _("This cycle has no session %(numbers)s; its sessions are %(known)s.") % {
            "numbers": ", ".join(map(str, unknown)),
            "known": ", ".join(map(str, sorted(known))),
        }
    return tuple(sorted(numbers)), None


def _clean_cell(key: str, raw: str, *, ordinals, sectors) -> tuple[Any, str | None]:
    """The value to store for one cell, or the reason it is refused."""
    try:
        if key == "sessions":
            return _session_numbers(text_clean(raw), ordinals)
        if key == "email_consent":
            return consent_clean(raw), None
        return attendee_field_clean(field=key, value=raw, sectors=sectors), None
    except ValidationError as error:
        return None, error.messages[0]


def _clean_row(
    number: int, cells: Mapping[str, str], headings: Mapping[str, str], *, ordinals, sectors
) -> tuple[ImportRow | None, list[RowError]]:
    values: dict[str, Any] = {}
    errors = []
    for key, raw in cells.items():
        value, reason = _clean_cell(key, raw, ordinals=ordinals, sectors=sectors)
        if reason is None:
            values[key] = value
        else:
            errors.append(RowError(number, headings[key], reason, _display(raw)))
    if errors:
        return None, errors
    return ImportRow(row=number, **values), []


# -- Duplicates and matches ---------------------------------------------------------------


class _Registered:
    """The cycle's active attendees by normalised name, for matching rows against them."""

    def __init__(self, attendees: Iterable[tuple[int, str, str]]):
        self.by_name: dict[str, list[tuple[int, str]]] = defaultdict(list)
        for pk, full_name, email in attendees:
            self.by_name[name_key(full_name)].append((pk, email.casefold()))

    def candidates(self, full_name: str, email: str) -> list[int]:
        email = email.casefold()
        same = [
            (pk, other)
            for pk, other in self.by_name.get(name_key(full_name), ())
            if _emails_agree(email, other)
        ]
        exact = [pk for pk, other in same if email and other == email]
        return exact or [pk for pk, _other in same]


def _emails_agree(email: str, other: str) -> bool:
    """Two records with the same name are one person unless both e-mails differ."""
    return not email or not other or other == email


def _match_rows(
    rows: Iterable[ImportRow], registered: _Registered, name_heading: str
) -> tuple[list[ImportRow], list[RowError]]:
    """Each row with ``attendee_id`` set when it matches a registered attendee; errors for
    a repeated person (the later row names the earlier one) and for ambiguous matches."""
    checked: list[ImportRow] = []
    errors = []
    seen: dict[str, list[tuple[int, str]]] = defaultdict(list)  # name -> [(row, email)]
    claimed: dict[int, int] = {}  # attendee id -> row
    for row in rows:
        attendee_id, reason = _match_row(row, registered, seen, claimed)
        if reason is None:
            checked.append(_replace_attendee(row, attendee_id))
        else:
            errors.append(RowError(row.row, name_heading, reason, _display(row.full_name)))
    return checked, errors


def _match_row(
    row: ImportRow,
    registered: _Registered,
    seen: dict[str, list[tuple[int, str]]],
    claimed: dict[int, int],
) -> tuple[int | None, str | None]:
    """The registered attendee ``row`` matches (None for a new person), or why it cannot
    be imported. Records the row's person in ``seen`` and its match in ``claimed``, the
    rows before it in the file."""
    name, email = name_key(row.full_name), row.email.casefold()
    earlier = next((number for number, other in seen[name] if _emails_agree(email, other)), None)
    seen[name].append((row.row, email))
    if earlier is not None:
        return None, _("The same person as in row %(row)s.") % {"row": earlier}
    candidates = registered.candidates(row.full_name, row.email)
    if len(candidates) > 1:
        return None, _(
            "Matches %(count)s people already registered for this cycle; add the "
            "e-mail address to tell them apart."
        ) % {"count": len(candidates)}
    attendee_id = candidates[0] if candidates else None
    if attendee_id is not None:
        if attendee_id in claimed:
            return None, _("Matches the same registered attendee as row %(row)s.") % {
                "row": claimed[attendee_id]
            }
        claimed[attendee_id] = row.row
    return attendee_id, None


def _replace_attendee(row: ImportRow, attendee_id: int | None) -> ImportRow:
    if row.attendee_id == attendee_id:
        return row
    return ImportRow(**{**row.__dict__, "attendee_id": attendee_id})


# -- Services ----------------------------------------------------------------------------


def _expected_columns() -> str:
    return ", ".join(
        f"{column.heading} ({column.english})"
        if column.heading.casefold() != column.english
        else column.heading
        for column in COLUMNS
    )


def attendee_file_parse(*, cycle: WorkshopCycle, filename: str, content: bytes) -> ImportPreview:
    """Read an attendee list and say what importing it would do; saves nothing.

    Raises ``ValidationError`` (with a ``code``) when the file as a whole cannot be used:
    ``format``, ``too_large``, ``encoding``, ``csv``, ``empty``, ``no_rows``, ``columns``,
    ``too_many_rows``, and for a workbook that asks for more work than a list needs
    ``sheet_dimension``, ``row_number``, ``too_many_columns``, ``too_complex``
    (``workbook_scan``). Problems in single cells are listed in ``ImportPreview.errors``;
    values in columns without a heading in ``ImportPreview.unheaded_columns``.
    """
    file_format = _file_format(filename)
    if len(content) > MAX_FILE_BYTES:
        raise ValidationError(
            _("The file is larger than %(size)s; split the list into smaller files.")
            % {"size": filesizeformat(MAX_FILE_BYTES)},
            code="too_large",
        )
    if not content:
        raise ValidationError(_("The file is empty."), code="empty")
    table = _read_csv(content) if file_format == "csv" else _read_xlsx(content)
    try:
        headings = _read_headings(table)
        preview = ImportPreview(
            cycle_id=cycle.pk, filename=filename, ignored_columns=headings.ignored
        )
        rows = _read_rows(table, headings, preview, cycle=cycle)
    finally:
        table.close()
    registered = _Registered(
        Attendee.objects.active().filter(cycle=cycle).values_list("pk", "full_name", "email")
    )
    checked, errors = _match_rows(rows, registered, headings.names["full_name"])
    preview.errors.extend(errors)
    preview.errors.sort(key=lambda error: error.row)  # stable: columns stay in file order
    for row in checked:
        (preview.new_rows if row.attendee_id is None else preview.matched_rows).append(row)
    return preview


def _read_rows(
    table: Iterator[Sequence[Any]], headings: _Headings, preview: ImportPreview, *, cycle
) -> list[ImportRow]:
    """The rows below the headings, cleaned; their errors and the values in columns
    without a heading go into ``preview``."""
    ordinals = set(cycle.sessions.values_list("ordinal", flat=True))
    sectors = sector_lookup()
    unheaded = _UnheadedCells(headings.headed)
    rows = []
    count = 0
    for number, cells in enumerate(table, start=2):
        unheaded.note(number, cells)
        raw = {
            key: _cell_text(cells[index]) if index < len(cells) else ""
            for key, index in headings.positions.items()
        }
        if not any(value.strip() for value in raw.values()):
            continue
        count += 1
        if count > MAX_ROWS:
            raise ValidationError(
                _(
                    "The file has more than %(max)s attendees; split it into files of at "
                    "most %(max)s rows."
                )
                % {"max": formats.number_format(MAX_ROWS, force_grouping=True)},
                code="too_many_rows",
            )
        row, errors = _clean_row(number, raw, headings.names, ordinals=ordinals, sectors=sectors)
        preview.errors.extend(errors)
        if row is not None:
            rows.append(row)
    if not count:
        raise ValidationError(_("The file has column headings but no attendees."), code="no_rows")
    preview.unheaded_columns = unheaded.columns()
    return rows


@dataclass(frozen=True)
class _Headings:
    names: dict[str, str]  # column key -> the heading as written in the file
    positions: dict[str, int]  # column key -> index in the row
    ignored: list[str]  # headings of no known column
    headed: frozenset[int]  # the indexes of every column with a heading


class _UnheadedCells:
    """Where the rows hold values in columns without a heading (or beyond the last)."""

    SHOWN_ROWS = 10

    def __init__(self, headed: frozenset[int]):
        self.width = max(headed, default=-1) + 1
        self.gaps = [index for index in range(self.width) if index not in headed]
        self.rows: dict[int, list[int]] = defaultdict(list)  # column index -> row numbers
        self.counts: dict[int, int] = defaultdict(int)

    def note(self, number: int, cells: Sequence[Any]) -> None:
        beyond = cells[self.width :]
        if not self.gaps and beyond.count(None) + beyond.count("") == len(beyond):
            return  # the usual row, checked without a loop
        for index in (*self.gaps, *range(self.width, len(cells))):
            value = cells[index] if index < len(cells) else None
            if value is not None and value != "" and _cell_text(value).strip():
                self.counts[index] += 1
                if len(self.rows[index]) < self.SHOWN_ROWS:
                    self.rows[index].append(number)

    def columns(self) -> list[UnheadedColumn]:
        return [
            UnheadedColumn(number=index + 1, rows=tuple(self.rows[index]), count=count)
            for index, count in sorted(self.counts.items())
        ]


def _read_headings(table: Iterator[Sequence[Any]]) -> _Headings:
    """Map the heading row (row 1) to the known columns."""
    header = next(table, None)
    texts = [" ".join(_cell_text(cell).split()) for cell in header or ()]
    if not any(texts):
        if not any(any(_cell_text(cell).strip() for cell in cells) for cells in table):
            raise ValidationError(_("The file is empty."), code="empty")
    positions: dict[str, int] = {}
    headings: dict[str, str] = {}
    ignored = []
    for index, text in enumerate(texts):
        if not text:
            continue
        column = COLUMN_BY_ALIAS.get(text.casefold())
        if column is None:
            ignored.append(text)
        elif column.key in positions:
            raise ValidationError(
                _("The column “%(column)s” appears more than once.") % {"column": text},
                code="columns",
            )
        else:
            positions[column.key] = index
            headings[column.key] = text
    if "full_name" not in positions:
        found = ", ".join(f"“{_display(text, 40)}”" for text in texts if text)
        raise ValidationError(
            _(
                "The first row must hold the column headings, with at least the name. "
                "Expected: %(expected)s. Found: %(found)s."
            )
            % {"expected": _expected_columns(), "found": found or _("no headings")},
            code="columns",
        )
    return _Headings(
        names=headings,
        positions=positions,
        ignored=ignored,
        headed=frozenset(index for index, text in enumerate(texts) if text),
    )


def _rows_from_payload(
    rows: Iterable[Mapping[str, Any]], *, ordinals, sectors
) -> tuple[list[ImportRow], list[RowError], dict[int, int | None]]:
    """Check the rows kept between preview and confirmation as if they were read again."""
    headings = {column.key: column.heading for column in COLUMNS}
    cleaned, errors, previewed = [], [], {}
    for index, payload in enumerate(rows):
        try:
            number = int(payload["row"])
            cells = {key: payload.get(key) or "" for key in TEXT_FIELDS}
            if not all(isinstance(value, str) for value in cells.values()):
                raise TypeError
            consent = payload.get("email_consent", False)
            if not isinstance(consent, bool):
                raise TypeError
            cells["email_consent"] = "tak" if consent else ""
            cells["sessions"] = " ".join(str(int(n)) for n in payload.get("sessions") or ())
            attendee_id = payload.get("attendee_id")
            previewed[number] = int(attendee_id) if attendee_id is not None else None
        except (KeyError, TypeError, ValueError, AttributeError, OverflowError):
            raise ValidationError(
                _("The rows to import are malformed (item %(index)s); upload the file again.")
                % {"index": index + 1},
                code="payload",
            ) from None
        row, row_errors = _clean_row(number, cells, headings, ordinals=ordinals, sectors=sectors)
        errors.extend(row_errors)
        if row is not None:
            cleaned.append(row)
    return cleaned, errors, previewed


def _bulk_create_audited(objs: list, model, *, reason: str, user, now) -> list:
    """``model.objects.bulk_create(objs)`` with the audit-trail copy of every new row, as
    ``bulk_create_with_history`` records it (``+``, the user, the reason, the time), but
    copied by the database, one ``INSERT … SELECT`` per batch, instead of through a
    Python object per row. ``user`` is the user the history middleware supplies, or None.
    """
    if not connection.features.can_return_rows_from_bulk_insert:
        return bulk_create_with_history(
            objs,
            model,
            batch_size=BATCH_SIZE,
            default_user=user,
            default_change_reason=reason,
            default_date=now,
        )
    created = model.objects.bulk_create(objs, batch_size=BATCH_SIZE)
    if not created or not getattr(settings, "SIMPLE_HISTORY_ENABLED", True):
        return created
    history = model.history.model
    quote = connection.ops.quote_name
    copied = ", ".join(quote(field.column) for field in history.tracked_fields)
    extra = ", ".join(
        quote(history._meta.get_field(name).column)
        for name in ("history_date", "history_change_reason", "history_type", "history_user")
    )
    values = [
        connection.ops.adapt_datetimefield_value(now),
        reason,
        "+",
        user.pk if user is not None else None,
    ]
    # SQLite takes at most 999 parameters a query.
    batch = min(BATCH_SIZE, (connection.features.max_query_params or BATCH_SIZE) - len(values))
    pk_column = quote(model._meta.pk.column)
    with connection.cursor() as cursor:
        for start in range(0, len(created), batch):
            ids = [obj.pk for obj in created[start : start + batch]]
            cursor.execute(
                f"INSERT INTO {quote(history._meta.db_table)} ({copied}, {extra}) "  # noqa: S608 - names from the models
                f"SELECT {copied}, %s, %s, %s, %s FROM {quote(model._meta.db_table)} "
                f"WHERE {pk_column} IN ({', '.join(['%s'] * len(ids))})",
                [*values, *ids],
            )
    return created


def _refuse(errors: Sequence[RowError], message: str) -> None:
    details = [
        _("Row %(row)s, %(column)s: %(reason)s")
        % {"row": error.row, "column": error.column, "reason": error.reason}
        for error in errors[:20]
    ]
    raise ValidationError([message, *details])


@transaction.atomic
def attendees_import(
    *, cycle: WorkshopCycle, rows: Sequence[Mapping[str, Any]], consent_note: str = ""
) -> ImportResult:
    """Import the rows of a valid preview (``ImportPreview.rows``) into the cycle.

    The rows are checked again and matched against the cycle's attendees as the database
    is now, under a lock on the cycle (one import per cycle at a time): a row that matches
    someone registered since the preview is added to that person. A new row creates an
    attendee; a matched row adds attendance to the registered attendee and fills only
    their blank fields. Nothing is saved unless everything is (``ValidationError``
    otherwise).

    Side effects, all here: the audit trail records everything created or changed, with
    the request's user and ``IMPORT_CHANGE_REASON``; the cycle's kept figures are
    recomputed (``workshops.figures``); ``public_data_changed()`` invalidates
    the cached pages and reports once the transaction commits (the cycle's page counts
    registered attendees).
    """
    sessions, records, previewed = _import_rows_check(
        cycle=cycle, rows=rows, consent_note=consent_note
    )
    registered, records = _import_rows_match(cycle=cycle, records=records)
    audit = _import_audit(cycle)
    new_records = [record for record in records if record.attendee_id is None]
    matched_records = [record for record in records if record.attendee_id is not None]
    attendees = _import_attendees_create(
        cycle=cycle, records=new_records, consent_note=consent_note, audit=audit
    )
    filled = _import_blanks_fill(registered=registered, records=matched_records, now=audit["now"])
    marks = _import_marks(
        cycle=cycle,
        sessions=sessions,
        new=zip(attendees, new_records, strict=True),
        matched=matched_records,
    )
    _import_marks_add(marks, audit=audit)
    cycle_figures_refresh(cycle_ids=[cycle.pk])
    public_data_changed(register=cycle)
    return ImportResult(
        created=len(attendees),
        matched=len(matched_records),
        attendance_added=len(marks),
        filled=len(filled),
        changed_since_preview=sum(
            previewed.get(record.row) != record.attendee_id for record in records
        ),
    )


def _import_audit(cycle: WorkshopCycle) -> dict[str, Any]:
    """How the import's rows go into the audit trail: with the user of the request (the
    history middleware supplies it), ``IMPORT_CHANGE_REASON`` and one time."""
    return {
        "reason": IMPORT_CHANGE_REASON,
        "user": Attendee.history.model.get_default_history_user(cycle),
        "now": timezone.now(),
    }


def _import_rows_check(
    *, cycle: WorkshopCycle, rows: Sequence[Mapping[str, Any]], consent_note: str
) -> tuple[dict[int, int], list[ImportRow], dict[int, int | None]]:
    """Lock the cycle and check the rows again as if read from the file. Returns the
    cycle's session ids by number, the rows, and the attendee each row matched in the
    preview (by row number); refuses an empty list, a consent note with control
    characters, a cycle deleted meanwhile and rows no longer valid."""
    if not rows:
        raise ValidationError(_("There are no attendees to import."), code="no_rows")
    if CONTROL.search(consent_note):
        raise ValidationError(
            _("The consent note contains control characters (such as NUL); retype it."),
            code="consent_note",
        )
    # One import per cycle at a time, so that two imports never register a person twice.
    if not WorkshopCycle.objects.select_for_update().filter(pk=cycle.pk).values_list("pk"):
        raise ValidationError(_("The workshop cycle no longer exists."), code="cycle")
    sessions = dict(cycle.sessions.values_list("ordinal", "pk"))
    records, errors, previewed = _rows_from_payload(
        rows, ordinals=sessions.keys(), sectors=sector_lookup()
    )
    if errors:
        _refuse(errors, _("Some rows are not valid; nothing was imported."))
    return sessions, records, previewed


def _import_rows_match(
    *, cycle: WorkshopCycle, records: list[ImportRow]
) -> tuple[dict[int, Attendee], list[ImportRow]]:
    """The cycle's active attendees by id (locked), and the rows matched against them;
    refuses when a row is now a repeated or ambiguous person."""
    registered = {
        attendee.pk: attendee
        for attendee in Attendee.objects.active().filter(cycle=cycle).select_for_update()
    }
    records, errors = _match_rows(
        records,
        _Registered((a.pk, a.full_name, a.email) for a in registered.values()),
        COLUMNS[0].heading,
    )
    if errors:
        _refuse(
            errors,
            _("The attendees of this cycle changed since the preview; nothing was imported."),
        )
    return registered, records


def _import_attendees_create(
    *, cycle: WorkshopCycle, records: list[ImportRow], consent_note: str, audit: dict
) -> list[Attendee]:
    """An attendee for each new row, created with their audit trail."""
    attendees = [
        Attendee(
            cycle=cycle,
            **{name: getattr(record, name) for name in TEXT_FIELDS},
            email_consent=record.email_consent,
            consent_note=consent_note.strip()[:2000],
            created_at=audit["now"],
            updated_at=audit["now"],
        )
        for record in records
    ]
    _bulk_create_audited(attendees, Attendee, **audit)
    return attendees


def _import_blanks_fill(
    *, registered: dict[int, Attendee], records: list[ImportRow], now
) -> list[Attendee]:
    """Fill the blank fields of the matched attendees from their rows (with their audit
    trail); returns the attendees changed."""
    filled = []
    for record in records:
        attendee = registered[record.attendee_id]
        blanks = [
            name
            for name in FILLABLE_FIELDS
            if not getattr(attendee, name) and getattr(record, name)
        ]
        for name in blanks:
            setattr(attendee, name, getattr(record, name))
        if blanks:
            attendee.updated_at = now
            filled.append(attendee)
    if filled:
        bulk_update_with_history(
            filled,
            Attendee,
            fields=[*FILLABLE_FIELDS, "updated_at"],
            batch_size=BATCH_SIZE,
            default_change_reason=IMPORT_CHANGE_REASON,
        )
    return filled


def _import_marks(
    *,
    cycle: WorkshopCycle,
    sessions: dict[int, int],
    new: Iterable[tuple[Attendee, ImportRow]],
    matched: list[ImportRow],
) -> list[tuple[int, int]]:
    """The (attendee id, session id) marks to add: every session of a new attendee's row,
    and those of a matched row the attendee is not yet marked at."""
    existing = set()
    if matched:
        existing = set(
            Attendance.objects.filter(session__cycle=cycle).values_list("attendee_id", "session_id")
        )
    marks = [
        (attendee.pk, sessions[ordinal]) for attendee, record in new for ordinal in record.sessions
    ]
    marks += [
        (record.attendee_id, sessions[ordinal])
        for record in matched
        for ordinal in record.sessions
        if (record.attendee_id, sessions[ordinal]) not in existing
    ]
    return marks


def _import_marks_add(marks: list[tuple[int, int]], *, audit: dict) -> None:
    """Create the attendance marks with their audit trail; refuses (and so rolls the whole
    import back) when the register saved one of them meanwhile."""
    attendances = [
        Attendance(
            attendee_id=attendee_id,
            session_id=session_id,
            created_at=audit["now"],
            updated_at=audit["now"],
        )
        for attendee_id, session_id in marks
    ]
    try:
        with transaction.atomic():
            _bulk_create_audited(attendances, Attendance, **audit)
    except IntegrityError:
        # Marks saved from the register screen while this import ran.
        raise ValidationError(
            _(
                "The attendance of this cycle changed during the import; nothing was imported. "
                "Upload the file again."
            ),
            code="conflict",
        ) from None


def attendee_template_file(*, format: Literal["csv", "xlsx"]) -> bytes:
    """An empty attendee list to fill in: the Polish headings and one example row.

    The CSV is in the ``excel-pl`` dialect (``partnership.csvfiles``): UTF-8 with a BOM
    and semicolons, which Excel in Polish opens as columns.
    """
    import tablib

    if format not in FORMATS:
        raise ValueError(f"Unknown template format: {format!r}")
    with translation.override("pl"):
        example = {**TEMPLATE_EXAMPLE, "sector": str(Sector(TEMPLATE_EXAMPLE["sector"]).label)}
    dataset = tablib.Dataset(
        [example[column.key] for column in COLUMNS],
        headers=[column.heading for column in COLUMNS],
        title="Uczestnicy",
    )
    if format == "csv":
        return csv_bytes([dataset.headers, *dataset], dialect=EXCEL_PL)
    return dataset.export("xlsx")


def attendee_duplicates(
    *, cycle: WorkshopCycle, full_name: str, email: str = "", exclude_pk: int | None = None
) -> list[int]:
    """Ids of the cycle's attendees who look like the same person, by the import's rule.

    The same name (case and spacing aside) and the same e-mail, or the same name where
    either e-mail is blank.
    """
    attendees = Attendee.objects.active().filter(cycle=cycle).exclude(pk=exclude_pk)
    registered = _Registered(attendees.values_list("pk", "full_name", "email"))
    return registered.candidates(full_name, email)
