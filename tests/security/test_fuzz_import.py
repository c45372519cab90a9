"""Property-based tests (hypothesis) of the attendee-list importer.

Whatever file arrives — random bytes, CSV text in odd encodings (UTF-16, Latin-1, broken
UTF-8, Windows-1250), odd separators and line endings, NUL bytes, formulas, 10–100 kB cells,
hundreds of columns, more rows than allowed; XLSX workbooks with cells of every type
openpyxl writes (numbers, infinities, dates, times, durations, booleans, formulas), empty or
extra sheets, or cut short and damaged — ``attendee_file_parse`` returns a preview or
raises ``ValidationError`` with one of its documented codes, and writes nothing. Importing
a valid preview (or rows tampered with between preview and confirmation) either saves
everything it reports or raises ``ValidationError`` and saves nothing.
"""

from __future__ import annotations

import csv
import datetime
import io
import math
from contextlib import contextmanager

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from hypothesis import assume, event, given
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.utils.exceptions import IllegalCharacterError

from tests.security.test_fuzz import huge_text, nasty_text
from workshops import importing
from workshops.importing import ImportPreview, attendee_file_parse, attendees_import
from workshops.models import Attendance, Attendee

pytestmark = pytest.mark.django_db

FILE_ERRORS = {
    "format",
    "too_large",
    "encoding",
    "csv",
    "empty",
    "no_rows",
    "columns",
    "too_many_rows",
    # workbook_scan: workbooks that ask for more work than a list needs
    "sheet_dimension",
    "row_number",
    "too_many_columns",
    "too_complex",
}
IMPORT_ERRORS = {"no_rows", "cycle", "payload", "conflict", "consent_note", None}
HEADINGS = [column.heading for column in importing.COLUMNS] + [
    "name",
    "E-MAIL",
    " sesje ",
    "Sessions",
]

session_cells = st.sampled_from(
    ["1", "1, 2", "I; VI", "1 2 3", "2;3", "v", "1.5", "7", "0", "-1", "IIII", "1;;2", "", "-"]
)
names = st.sampled_from(
    ["Łucja Żółć", "Jan Kowalski", "jan  KOWALSKI", "Zoë Ñandú", "Anna Nowak", "Anna Nowak"]
)
other_cells = st.sampled_from(
    [
        "",
        "anna@example.org",
        "nie-email",
        "+48 600 100 200",
        "(24) 555-10-20",
        "=1+1",
        "+SUM(A1)",
        "@cmd",
        "-2",
        "culture",
        "organizacja pozarządowa",
        "ngo",
        "Gminny Ośrodek Kultury",
    ]
)
# Mostly what a real list holds, with something hostile now and then.
cells = st.one_of(
    names,
    session_cells,
    other_cells,
    other_cells,
    nasty_text,
    huge_text.map(lambda t: t[:20_000]),
)
good_row = st.tuples(
    names,
    st.sampled_from(["", "Gminny Ośrodek Kultury", "Stowarzyszenie „Źródło”"]),
    st.sampled_from(["", "ngo", "culture", "organizacja pozarządowa"]),
    st.sampled_from(["", "anna@example.org", "jan@example.org"]),
    st.sampled_from(["", "+48 600 100 200", "(24) 555-10-20"]),
    st.sampled_from(["", "1", "1, 2", "I; VI", "2 3 4"]),
).map(list)
rows = st.lists(st.one_of(good_row, good_row, good_row, st.lists(cells, max_size=10)), max_size=25)
headers = st.one_of(
    st.just(HEADINGS[:6]),
    st.just(HEADINGS[:6]),
    st.permutations(HEADINGS[:6]),
    st.lists(st.sampled_from(HEADINGS), min_size=1, max_size=8),
    st.lists(st.one_of(st.sampled_from(HEADINGS), nasty_text), max_size=8),
    # Too many columns: the known ones, then hundreds of others.
    st.integers(min_value=50, max_value=400).map(
        lambda n: HEADINGS[:6] + [f"kolumna {i}" for i in range(n)]
    ),
)
tables = st.tuples(headers, rows)


def stored() -> tuple[int, ...]:
    return (
        Attendee.objects.count(),
        Attendance.objects.count(),
        Attendee.history.count(),
        Attendance.history.count(),
    )


@contextmanager
def counted(tally):
    """Count one input; an exception other than a failed assertion is what the import
    screen would answer with a server error, and is counted as one."""
    try:
        yield
    except AssertionError:
        tally()
        raise
    except Exception:
        tally(500)
        raise
    tally()


def parse(cycle, filename: str, content: bytes) -> ImportPreview | None:
    """Parse; a refusal must carry a documented code. Nothing may be written either way."""
    before = stored()
    try:
        preview = attendee_file_parse(cycle=cycle, filename=filename, content=content)
    except ValidationError as error:
        assert getattr(error, "code", None) in FILE_ERRORS, error
        event(f"refused: {error.code}")
        preview = None
    assert stored() == before
    if preview is not None:
        for problem in preview.errors:
            assert problem.row >= 2 and problem.reason
            assert "\x00" not in problem.value
        assert preview.is_valid == (not preview.errors)
        event("preview: valid" if preview.is_valid else "preview: with row errors")
    return preview


def import_preview(cycle, preview: ImportPreview | None) -> None:
    """Confirm a valid preview: all of it is saved, or nothing."""
    if preview is None or not preview.is_valid:
        return
    before = stored()
    try:
        result = attendees_import(cycle=cycle, rows=preview.rows)
    except ValidationError as error:
        assert getattr(error, "code", None) in IMPORT_ERRORS
        assert stored() == before
        event("import: refused")
        return
    event("import: saved")
    assert result.created == preview.new_count
    assert Attendee.objects.count() == before[0] + result.created
    assert Attendance.objects.count() == before[1] + result.attendance_added


def csv_bytes(header, rows, *, delimiter: str, newline: str, encoding: str) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator=newline)
    writer.writerow(header)
    writer.writerows(rows)
    text = buffer.getvalue()
    if encoding == "utf-8-broken":
        return text.encode("utf-8", "surrogatepass") + b"\xc3\x28\xa0\xa1"
    return text.encode(encoding, "surrogatepass" if encoding.startswith("utf-8") else "replace")


@given(
    table=tables,
    delimiter=st.sampled_from([",", ",", ";", "\t", "|"]),
    newline=st.sampled_from(["\r\n", "\n", "\r"]),
    encoding=st.sampled_from(
        ["utf-8", "utf-8", "utf-8-sig", "cp1250", "latin-1", "utf-16", "utf-8-broken", "cp1252"]
    ),
    filename=st.sampled_from(["lista.csv", "LISTA.CSV", "a.b.csv"]),
    import_it=st.booleans(),
)
def test_csv_files(cycle, fuzz_tally, table, delimiter, newline, encoding, filename, import_it):
    with counted(fuzz_tally):
        header, rows = table
        content = csv_bytes(header, rows, delimiter=delimiter, newline=newline, encoding=encoding)
        preview = parse(cycle, filename, content)
        if import_it:
            import_preview(cycle, preview)


@given(
    content=st.one_of(
        st.binary(max_size=4_000),
        st.builds(
            lambda prefix, body: prefix + body,
            st.sampled_from([b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"PK\x03\x04", b""]),
            st.binary(max_size=2_000),
        ),
    ),
    filename=st.one_of(
        st.sampled_from(["lista.csv", "lista.xlsx", "lista", "lista.xls", ".csv", "x.CSV.exe"]),
        nasty_text.map(lambda name: name + ".csv"),
        nasty_text,
    ),
)
def test_random_bytes_under_any_name(cycle, fuzz_tally, content, filename):
    with counted(fuzz_tally):
        parse(cycle, filename, content)


def _cell_value(value):
    """What openpyxl can write: characters XML cannot hold (NUL, lone surrogates) are
    left out of strings, and infinities are written as text."""
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
        return value.encode("utf-8", "ignore").decode("utf-8")
    return value


xlsx_cells = st.one_of(
    cells,
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**63), max_value=2**63),
    st.floats(allow_nan=True, allow_infinity=True),
    st.datetimes(min_value=datetime.datetime(1900, 3, 1)),  # noqa: DTZ001 - spreadsheets are naive
    st.dates(min_value=datetime.date(1900, 3, 1)),
    st.times(),
    st.timedeltas(min_value=datetime.timedelta(0), max_value=datetime.timedelta(days=9999)),
    st.sampled_from(["=SUM(A1:A3)", '=HYPERLINK("http://example.org")', "=1/0", "{=A1}"]),
)


def workbook_bytes(header, rows, *, sheets: int, first_empty: bool) -> bytes | None:
    book = openpyxl.Workbook()
    sheet = book.active
    if first_empty:
        sheet = book.create_sheet("Uczestnicy")
    for extra in range(sheets - 1):
        book.create_sheet(f"Arkusz {extra}").append(["Imię i nazwisko", "Ktoś inny"])
    try:
        sheet.append([_cell_value(cell) for cell in header])
        for row in rows:
            sheet.append([_cell_value(cell) for cell in row])
        buffer = io.BytesIO()
        book.save(buffer)
    except (IllegalCharacterError, ValueError, TypeError, OverflowError):
        return None  # openpyxl itself cannot write this workbook
    return buffer.getvalue()


@given(
    header=st.one_of(headers, headers, headers, st.lists(xlsx_cells, max_size=8)),
    rows=st.lists(st.one_of(good_row, good_row, st.lists(xlsx_cells, max_size=9)), max_size=20),
    sheets=st.integers(min_value=1, max_value=3),
    first_empty=st.sampled_from([False, False, False, True]),
    damage=st.one_of(st.none(), st.tuples(st.floats(0, 1), st.sampled_from(["cut", "flip"]))),
    import_it=st.booleans(),
)
def test_xlsx_workbooks(cycle, fuzz_tally, header, rows, sheets, first_empty, damage, import_it):
    content = workbook_bytes(header, rows, sheets=sheets, first_empty=first_empty)
    assume(content is not None)
    with counted(fuzz_tally):
        if damage is not None:
            where, how = damage
            at = int(where * (len(content) - 1))
            if how == "cut":
                content = content[:at]
            else:
                content = content[:at] + bytes([content[at] ^ 0xFF]) + content[at + 1 :]
        preview = parse(cycle, "lista.xlsx", content)
        if import_it:
            import_preview(cycle, preview)


@given(rows=st.lists(st.lists(st.sampled_from(["Jan Kowalski", "1, 2", ""]), max_size=3)))
def test_more_rows_than_allowed_are_refused_whole(cycle, fuzz_tally, monkeypatch, rows):
    with counted(fuzz_tally):
        monkeypatch.setattr(importing, "MAX_ROWS", 5)
        header = ["Imię i nazwisko", "Sesje"]
        content = csv_bytes(header, rows, delimiter=",", newline="\n", encoding="utf-8")
        preview = parse(cycle, "lista.csv", content)
        filled = sum(any(cell.strip() for cell in row[:2]) for row in rows)
        if filled > 5:
            assert preview is None


payload_values = st.one_of(
    nasty_text,
    st.none(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(),
    st.booleans(),
    st.lists(st.one_of(st.integers(-5, 20), nasty_text), max_size=4),
    st.dictionaries(nasty_text, nasty_text, max_size=2),
)
# Rows as the preview keeps them, with some values swapped for something else.
well_formed_row = st.fixed_dictionaries(
    {
        "row": st.integers(2, 50),
        "full_name": names,
        "organisation_name": other_cells,
        "sector": st.sampled_from(["", "ngo", "culture", "?"]),
        "email": st.sampled_from(["", "a@example.org", "b@example.org"]),
        "phone": st.just(""),
        "sessions": st.lists(st.integers(0, 8), max_size=4),
        "attendee_id": st.none(),
    }
)
tampered_row = st.tuples(
    well_formed_row,
    st.sampled_from(["row", "full_name", "sector", "email", "sessions", "attendee_id", "x"]),
    payload_values,
).map(lambda t: {**t[0], t[1]: t[2]})
payload_rows = st.lists(st.one_of(*[well_formed_row] * 6, tampered_row, payload_values), max_size=6)


@given(rows=payload_rows, consent_note=st.one_of(nasty_text, huge_text))
def test_tampered_rows_between_preview_and_confirmation(cycle, fuzz_tally, rows, consent_note):
    """The rows kept in the session are checked again: saved whole, or refused whole."""
    with counted(fuzz_tally):
        before = stored()
        try:
            result = attendees_import(cycle=cycle, rows=rows, consent_note=consent_note)
        except ValidationError as error:
            assert getattr(error, "code", None) in IMPORT_ERRORS
            assert stored() == before
            event(f"refused: {getattr(error, 'code', None)}")
        else:
            event("saved")
            assert Attendee.objects.count() == before[0] + result.created
            assert Attendance.objects.count() == before[1] + result.attendance_added


def test_a_workbook_whose_header_asks_for_an_unknown_zip_version_is_refused(cycle):
    """Regression: found by ``test_xlsx_workbooks`` (a flipped byte); it was a server error."""
    content = bytearray(
        workbook_bytes(HEADINGS[:6], [["Jan Kowalski"]], sheets=1, first_empty=False)
    )
    directory = content.index(b"PK\x01\x02")
    content[directory + 6] = 235  # "version needed to extract": 23.5
    with pytest.raises(ValidationError) as refused:
        attendee_file_parse(cycle=cycle, filename="lista.xlsx", content=bytes(content))
    assert refused.value.code == "format"


@pytest.mark.parametrize("field", ["row", "sessions", "attendee_id"])
def test_an_infinite_number_in_the_kept_rows_is_refused(cycle, field):
    """Regression: found by ``test_tampered_rows_between_preview_and_confirmation`` (an
    infinite float where a number is kept); ``int(inf)`` raised OverflowError, a 500."""
    row = {
        "row": 2,
        "full_name": "Jan Kowalski",
        "organisation_name": "",
        "sector": "",
        "email": "",
        "phone": "",
        "sessions": [1],
        "attendee_id": None,
    }
    row[field] = [float("inf")] if field == "sessions" else float("inf")
    before = stored()
    with pytest.raises(ValidationError) as refused:
        attendees_import(cycle=cycle, rows=[row], consent_note="")
    assert refused.value.code == "payload"
    assert stored() == before
