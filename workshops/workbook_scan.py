"""A bounded look at an XLSX workbook before openpyxl reads it.

openpyxl trusts what a workbook says about itself. A sheet whose only row is numbered
20,000,000 makes its reader yield twenty million empty rows (a 1.7 kB file held a worker
for 32 s); a cell in column XFD pads every row to 16,384 cells; 95 MB of empty cells pack
into a few hundred kilobytes; and every shared string, rich-text run or style costs it
tens of microseconds. ``workbook_check`` reads every part of the archive once, in chunks
of ``CHUNK`` bytes, builds no tree, and refuses the workbook with a ``ValidationError``
(and a ``code``) as soon as it asks for more than a list within the importer's limits
needs:

* ``too_large``: the parts unpack to more than ``limits.unpacked`` bytes: their declared
  sizes (which ``zipfile`` holds each part to) and the bytes actually read;
* ``sheet_dimension``: a sheet's ``<dimension ref="…">`` reaches beyond the last row or
  column;
* ``row_number``: a row numbered beyond ``limits.rows`` (the headings are row 1);
* ``too_many_rows``: more than ``limits.rows`` rows;
* ``too_many_columns``: a cell beyond column ``limits.columns``;
* ``too_complex``: more parts, cells, strings (shared strings and text cells) or other
  elements (styles, formatting, rich-text runs) than ``limits`` allow;
* ``format``: not a zip archive, a damaged one, XML in UTF-16, or a row or cell reference
  openpyxl would not read either.

The limits apply to every sheet of the workbook: openpyxl opens them all. Rows and cells
are numbered as openpyxl numbers them: by their ``r`` attribute, else one more than the
one before. Tags are matched with any namespace prefix, attributes in either quotes and
``>`` inside attribute values, so no row or cell can hide from the scan; what it may take
for a tag (inside a comment or CDATA) can only make it stricter.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

CHUNK = 256 * 1024

_PREFIX = rb"(?:[^\s<>/:=\"'!?]+:)?"
# A start tag of a row, a cell or the sheet's dimension: its name, its "r" attribute when
# that comes first (as every program writes it), and its other attributes.
_TAG = re.compile(
    rb"<" + _PREFIX + rb"(row|c|dimension)(?:\s+r\s*=\s*\"([^\"<]*)\")?"
    rb"((?:\s+[^\s=<>/\"']+\s*=\s*(?:\"[^\"<]*\"|'[^'<]*'))*)\s*/?>"
)
_ATTRIBUTE = re.compile(rb"([^\s=<>/\"']+)\s*=\s*(?:\"([^\"<]*)\"|'([^'<]*)')")
# Elements that hold a sheet's data and cost openpyxl little: rows, cells, values,
# formulas, text; every other element (styles, formatting, runs) is counted as "other".
_PLAIN = re.compile(rb"<" + _PREFIX + rb"(?:row|c|v|f|is|si|t|sheetData)[\s/>]")
_STRING = re.compile(rb"<" + _PREFIX + rb"(?:si|is)[\s/>]")
# As openpyxl reads a cell's "r" and a <dimension ref="A1:F20">.
_CELL_REFERENCE = re.compile(rb"\$?([A-Za-z]{1,3})\$?[0-9]+")
_RANGE = re.compile(rb"\$?([A-Za-z]{1,3})?\$?([0-9]+)?(?::\$?([A-Za-z]{1,3})?\$?([0-9]+)?)?")
_UTF16_STARTS = (b"\xff\xfe", b"\xfe\xff", b"<\x00", b"\x00<")


@dataclass(frozen=True)
class Limits:
    rows: int  # the last row a sheet may have (the headings are row 1)
    columns: int  # the last column a sheet may have
    unpacked: int  # bytes, all parts together
    parts: int
    cells: int
    strings: int
    other_elements: int


@dataclass
class _Totals:
    """What the parts read so far ask of openpyxl."""

    limits: Limits
    unpacked: int = 0
    cells: int = 0
    strings: int = 0
    other_elements: int = 0


@dataclass
class _Sheet:
    """Where the scan is in one part, numbered as openpyxl numbers rows and cells."""

    totals: _Totals
    rows: int = 0
    row: int = 0
    column: int = 0
    # A <dimension> beyond the limits, refused once the part is read, so that a list
    # that is too long hears so rather than about its declared size.
    dimension: str = ""


def workbook_check(content: bytes, *, limits: Limits) -> None:
    """Refuse (``ValidationError``) a workbook that asks for more work than ``limits``."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            members = archive.infolist()
            _check_declared(members, limits)
            totals = _Totals(limits)
            for info in members:
                _scan_part(archive, info, totals)
    except ValidationError:
        raise
    except Exception:  # zipfile and zlib raise many kinds of error on a damaged archive
        raise invalid_workbook() from None


def invalid_workbook() -> ValidationError:
    return ValidationError(
        _("The file is not a valid XLSX workbook. Open it in Excel and save it again."),
        code="format",
    )


def _check_declared(members: list[zipfile.ZipInfo], limits: Limits) -> None:
    if len(members) > limits.parts:
        _too_complex(pgettext("the workbook holds more …", "parts"), len(members), limits.parts)
    declared = sum(info.file_size for info in members)
    if declared > limits.unpacked:
        _too_large(limits)


def _too_large(limits: Limits) -> None:
    raise ValidationError(
        _(
            "The workbook unpacks to more than %(limit)s, far more than a list of %(rows)s "
            "people needs: it probably holds many formatted empty cells or other large "
            "sheets. Copy the list (values only) into a new workbook and upload that."
        )
        % {
            "limit": filesizeformat(limits.unpacked),
            "rows": _number(limits.rows - 1),
        },
        code="too_large",
    )


def _scan_part(archive: zipfile.ZipFile, info: zipfile.ZipInfo, totals: _Totals) -> None:
    """Read one part in chunks; a tag cut by a chunk's end is read with the next chunk."""
    sheet = _Sheet(totals=totals)
    with archive.open(info) as stream:
        pending = stream.read(CHUNK)
        if pending.startswith(_UTF16_STARTS):
            raise invalid_workbook()  # the scan reads UTF-8 (and ASCII) only
        chunk, pending = pending, b""
        while chunk:
            totals.unpacked += len(chunk)
            if totals.unpacked > totals.limits.unpacked:
                _too_large(totals.limits)
            data = pending + chunk
            cut = data.rfind(b"<")
            cut = len(data) if cut == -1 else cut
            _scan(data[:cut], sheet)
            pending = data[cut:]
            chunk = stream.read(CHUNK)
    _scan(pending, sheet)
    if sheet.dimension:
        _dimension_refused(sheet.dimension, totals.limits)


def _scan(data: bytes, sheet: _Sheet) -> None:
    totals, limits = sheet.totals, sheet.totals.limits
    elements = data.count(b"<") - data.count(b"</") - data.count(b"<?") - data.count(b"<!")
    totals.other_elements += elements - len(_PLAIN.findall(data))
    totals.strings += len(_STRING.findall(data))
    if totals.other_elements > limits.other_elements:
        _too_complex(
            pgettext("the workbook holds more …", "formatting and other elements"),
            totals.other_elements,
            limits.other_elements,
        )
    if totals.strings > limits.strings:
        _too_complex(pgettext("the workbook holds more …", "texts"), totals.strings, limits.strings)
    for name, reference, attributes in _TAG.findall(data):
        if name == b"c":
            _cell(sheet, reference or _attribute(attributes, b"r"))
        elif name == b"row":
            _row(sheet, reference or _attribute(attributes, b"r"))
        elif not sheet.dimension:
            sheet.dimension = _dimension_beyond(_attribute(attributes, b"ref"), limits)


def _attribute(attributes: bytes, wanted: bytes) -> bytes | None:
    for name, double, single in _ATTRIBUTE.findall(attributes):
        if name == wanted:
            return double or single
    return None


def _row(sheet: _Sheet, reference: bytes | None) -> None:
    limits = sheet.totals.limits
    sheet.rows += 1
    sheet.row = sheet.row + 1 if reference is None else _row_number(reference)
    sheet.column = 0
    if sheet.rows > limits.rows:
        raise ValidationError(
            _(
                "A sheet of the workbook has more than %(rows)s rows; a list may have at most "
                "%(max)s people below the headings. Split it into files of at most %(max)s "
                "rows, or delete the empty rows below the list."
            )
            % {"rows": _number(limits.rows), "max": _number(limits.rows - 1)},
            code="too_many_rows",
        )
    if sheet.row > limits.rows:
        raise ValidationError(
            _(
                "A sheet of the workbook has a row numbered %(row)s, but a list ends by row "
                "%(last)s (the headings and at most %(max)s people). Delete the empty rows "
                "below the list (and any other sheets), save the file and upload it again."
            )
            % {
                "row": _number(sheet.row),
                "last": _number(limits.rows),
                "max": _number(limits.rows - 1),
            },
            code="row_number",
        )


def _row_number(reference: bytes) -> int:
    """The row's ``r`` as openpyxl reads it: an integer, or a float with nothing after the
    point; anything else fails there too."""
    try:
        return int(reference)
    except ValueError:
        pass
    try:
        number = float(reference)
    except ValueError:
        raise invalid_workbook() from None
    if not number.is_integer():
        raise invalid_workbook()
    return int(number)


def _cell(sheet: _Sheet, reference: bytes | None) -> None:
    totals, limits = sheet.totals, sheet.totals.limits
    totals.cells += 1
    if totals.cells > limits.cells:
        _too_complex(pgettext("the workbook holds more …", "cells"), totals.cells, limits.cells)
    if reference:  # openpyxl numbers a cell with an empty "r" as one without
        match = _CELL_REFERENCE.fullmatch(reference)
        if match is None:
            raise invalid_workbook()
        sheet.column = _column_number(match[1])
    else:
        sheet.column += 1
    if sheet.column > limits.columns:
        _too_many_columns(sheet.column, limits)


def _column_number(letters: bytes) -> int:
    number = _COLUMN_NUMBERS.get(letters)
    if number is None:
        number = 0
        for letter in letters.upper():
            number = number * 26 + letter - 64
    return number


def column_letter(number: int) -> str:
    """The column's letters, as a spreadsheet shows them: 1 is A, 27 is AA."""
    letters = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


_COLUMN_NUMBERS = {column_letter(n).encode(): n for n in range(1, 703)}  # A … ZZ


def _too_many_columns(column: int, limits: Limits) -> None:
    raise ValidationError(
        _(
            "A sheet of the workbook has a cell in column %(column)s (no. %(number)s), but a "
            "list may use only the first %(max)s columns (A to %(last)s). Delete the columns "
            "to the right of the list (and any other sheets), save the file and upload it again."
        )
        % {
            "column": column_letter(column),
            "number": _number(column),
            "max": limits.columns,
            "last": column_letter(limits.columns),
        },
        code="too_many_columns",
    )


def _dimension_beyond(reference: bytes | None, limits: Limits) -> str:
    """A sheet's declared size (``A1:F20``), when it is beyond the limits."""
    match = _RANGE.fullmatch(reference or b"")
    if match is None or not any(match.groups()):
        raise invalid_workbook()
    first_column, first_row, last_column, last_row = match.groups()
    column = max(_column_number(letters or b"A") for letters in (first_column, last_column))
    row = max(int(digits or b"1") for digits in (first_row, last_row))
    if row > limits.rows or column > limits.columns:
        return reference.decode("ascii")
    return ""


def _dimension_refused(reference: str, limits: Limits) -> None:
    raise ValidationError(
        _(
            "A sheet of the workbook says it uses cells up to %(cell)s, but a list has at "
            "most %(rows)s rows (the headings and %(max)s people) and %(columns)s columns "
            "(A to %(last)s). Delete the empty rows below the list and the columns to its "
            "right (and any other sheets), save the file and upload it again."
        )
        % {
            "cell": reference.split(":")[-1].replace("$", "")[:20],
            "rows": _number(limits.rows),
            "max": _number(limits.rows - 1),
            "columns": limits.columns,
            "last": column_letter(limits.columns),
        },
        code="sheet_dimension",
    )


def _too_complex(what: str, count: int, limit: int) -> None:
    raise ValidationError(
        _(
            "The workbook holds more %(what)s (%(count)s) than a list of attendees needs (at "
            "most %(limit)s). Copy the list (values only) into a new workbook and upload that."
        )
        % {"what": what, "count": _number(count), "limit": _number(limit)},
        code="too_complex",
    )


def _number(value: int) -> str:
    return formats.number_format(value, force_grouping=True)
