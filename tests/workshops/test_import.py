"""The attendee-list importer: reading CSV and XLSX, the preview, and the import itself."""

import csv
import io
import json

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.urls import reverse
from django.utils import timezone, translation

from programmes.models import Sector
from tests.records import LOSICE_2017
from workshops import importing
from workshops.importing import (
    IMPORT_CHANGE_REASON,
    attendee_file_parse,
    attendee_template_file,
    attendees_import,
)
from workshops.models import Attendance, Attendee, WorkshopCycle

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

HEADER = ["Imię i nazwisko", "Organizacja", "Sektor", "E-mail", "Telefon", "Sesje"]
GOOD_ROWS = [
    [
        "Łukasz Żółć",
        "Gminny Ośrodek Kultury w Słupnie",
        "culture",
        "lukasz@example.org",
        "",
        "1, 2",
    ],
    ["Anna Nowak", "", "", "", "+48 600 100 200", "I; III"],
    ["Zofia Wiśniewska", "Stowarzyszenie Źródło", "", "zofia@example.org", "(24) 555-10-20", ""],
]


def csv_file(rows, *, encoding="utf-8", newline="\r\n", delimiter=",", header=HEADER):
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator=newline)
    if header is not None:
        writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)


def xlsx_file(rows, *, header=HEADER):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    if header is not None:
        sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def parse(cycle, content, filename="lista.csv"):
    return attendee_file_parse(cycle=cycle, filename=filename, content=content)


def parse_one(cycle, row, header=HEADER):
    """The preview of a file with one data row (row 2)."""
    return parse(cycle, csv_file([row], header=header))


def refused(cycle, content, filename="lista.csv"):
    with pytest.raises(ValidationError) as caught:
        parse(cycle, content, filename)
    return caught.value


def sessions_of(attendee):
    return sorted(attendee.attendances.values_list("session__ordinal", flat=True))


# -- A good file -------------------------------------------------------------------------


def test_good_csv_file_previews_then_imports(cycle):
    preview = parse(cycle, csv_file(GOOD_ROWS))
    assert preview.is_valid
    assert (preview.new_count, preview.matched_count, preview.error_count) == (3, 0, 0)
    assert preview.attendance_count == 4
    first = preview.new_rows[0]
    assert (first.row, first.full_name, first.sector, first.sessions) == (
        2,
        "Łukasz Żółć",
        Sector.CULTURE,
        (1, 2),
    )
    assert preview.new_rows[1].sessions == (1, 3)
    assert not Attendee.objects.filter(cycle=cycle).exists()  # nothing saved yet

    result = attendees_import(cycle=cycle, rows=preview.rows)

    assert (result.created, result.matched, result.attendance_added) == (3, 0, 4)
    assert result.changed_since_preview == 0
    lukasz = Attendee.objects.get(cycle=cycle, full_name="Łukasz Żółć")
    assert lukasz.organisation_name == "Gminny Ośrodek Kultury w Słupnie"
    assert lukasz.email == "lukasz@example.org"
    assert sessions_of(lukasz) == [1, 2]
    anna = Attendee.objects.get(cycle=cycle, full_name="Anna Nowak")
    assert anna.phone == "+48 600 100 200"
    assert sessions_of(anna) == [1, 3]


def test_good_xlsx_file_with_english_headings_and_numeric_cells(cycle):
    content = xlsx_file(
        [
            ["Łukasz Żółć", "GOK Słupno", "Culture", "lukasz@example.org", 48600100200, 2],
            ["Anna Nowak", None, None, None, None, "I, VI"],
        ],
        header=["Name", "Organisation", "Sector", "Email", "Phone", "Sessions"],
    )
    preview = parse(cycle, content, "lista.XLSX")
    assert preview.is_valid, preview.errors
    lukasz, anna = preview.new_rows
    assert (lukasz.phone, lukasz.sessions, lukasz.sector) == ("48600100200", (2,), "culture")
    assert anna.sessions == (1, 6)
    result = attendees_import(cycle=cycle, rows=preview.rows)
    assert (result.created, result.attendance_added) == (2, 3)


def test_headings_are_matched_ignoring_case_and_spaces(cycle):
    header = ["  IMIĘ I NAZWISKO ", "e-MAIL", " Sesje"]
    preview = parse_one(cycle, ["Anna Nowak", "anna@example.org", "2"], header=header)
    assert preview.is_valid
    assert (preview.new_rows[0].email, preview.new_rows[0].sessions) == ("anna@example.org", (2,))


def test_only_the_name_column_is_required(cycle):
    preview = parse_one(cycle, ["Anna Nowak"], header=["name"])
    assert preview.is_valid
    assert preview.new_rows[0].sessions == ()


def test_unknown_columns_are_listed_and_ignored(cycle):
    content = csv_file(
        [["1", "Anna Nowak", "pierwsza"], ["2", "", ""], ["3", "", ""]],
        header=["Lp.", "Imię i nazwisko", "Uwagi"],
    )
    preview = parse(cycle, content)
    assert preview.ignored_columns == ["Lp.", "Uwagi"]
    assert preview.is_valid  # rows holding only a number in "Lp." are blank rows
    assert preview.new_count == 1


def test_semicolon_separated_csv_from_polish_excel(cycle):
    preview = parse(cycle, csv_file(GOOD_ROWS, delimiter=";", encoding="cp1250"))
    assert preview.is_valid
    assert preview.new_rows[0].full_name == "Łukasz Żółć"


def test_rows_payload_survives_json(cycle):
    preview = parse(cycle, csv_file(GOOD_ROWS))
    rows = json.loads(json.dumps(preview.rows))
    assert rows[0] == {
        "row": 2,
        "full_name": "Łukasz Żółć",
        "organisation_name": "Gminny Ośrodek Kultury w Słupnie",
        "sector": "culture",
        "email": "lukasz@example.org",
        "phone": "",
        "email_consent": False,
        "sessions": [1, 2],
        "attendee_id": None,
    }
    assert attendees_import(cycle=cycle, rows=rows).created == 3


# -- Encodings and line endings ----------------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1250"])
def test_each_encoding_keeps_polish_letters(cycle, encoding):
    preview = parse(cycle, csv_file(GOOD_ROWS, encoding=encoding))
    assert preview.is_valid
    assert [row.full_name for row in preview.new_rows] == [
        "Łukasz Żółć",
        "Anna Nowak",
        "Zofia Wiśniewska",
    ]
    assert preview.new_rows[2].organisation_name == "Stowarzyszenie Źródło"


def test_bom_heading_is_recognised(cycle):
    content = csv_file([["Anna Nowak"]], header=["Imię i nazwisko"], encoding="utf-8-sig")
    assert content.startswith(b"\xef\xbb\xbf")
    assert parse(cycle, content).new_count == 1


def test_text_in_neither_encoding_is_refused(cycle):
    content = "Imię i nazwisko\r\nAnna".encode() + b"\x81\xff"
    assert refused(cycle, content).code == "encoding"


def test_utf16_file_is_refused_with_advice(cycle):
    error = refused(cycle, "Imię i nazwisko\r\nAnna Nowak\r\n".encode("utf-16"))
    assert error.code == "encoding"
    assert "UTF-8" in error.messages[0]


@pytest.mark.parametrize("newline", ["\r\n", "\n", "\r"], ids=["crlf", "lf", "bare-cr"])
def test_each_line_ending(cycle, newline):
    preview = parse(cycle, csv_file(GOOD_ROWS, newline=newline))
    assert preview.is_valid
    assert [row.row for row in preview.new_rows] == [2, 3, 4]
    assert [row.sessions for row in preview.new_rows] == [(1, 2), (1, 3), ()]


def test_blank_lines_keep_spreadsheet_row_numbers(cycle):
    content = b"Imi\xc4\x99 i nazwisko,E-mail\r\r\rAnna Nowak,anna@\rJan Kowal,\r\r"
    preview = parse(cycle, content)
    assert [(error.row, error.column) for error in preview.errors] == [(4, "E-mail")]
    assert preview.new_rows[0].row == 5


def test_workbook_row_numbers_count_blank_rows(cycle):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet["B1"], sheet["C1"] = "Imię i nazwisko", "E-mail"
    sheet["B4"], sheet["C4"] = "Anna Nowak", "anna@"
    sheet["B7"] = "Jan Kowal"
    buffer = io.BytesIO()
    workbook.save(buffer)
    preview = parse(cycle, buffer.getvalue(), "lista.xlsx")
    assert [(error.row, error.column, error.value) for error in preview.errors] == [
        (4, "E-mail", "anna@")
    ]
    assert preview.new_rows[0].row == 7


def test_line_break_inside_a_quoted_cell_becomes_a_space(cycle):
    content = 'Imię i nazwisko,Organizacja\r"Anna Nowak","Urząd Gminy\rw Słupnie"\r'.encode()
    preview = parse(cycle, content)
    assert preview.new_rows[0].organisation_name == "Urząd Gminy w Słupnie"


@pytest.mark.parametrize("newline", ["\r\n", "\n"], ids=["crlf", "lf"])
def test_a_lone_cr_inside_a_cell_is_a_space_not_a_new_row(cycle, newline):
    """A lone CR (a line break typed in a cell) split the person in two rows."""
    lines = [
        "Imię i nazwisko,Organizacja,Sesje",
        "Anna Nowak,Urząd Gminy\rw Słupnie,1",
        '"Jan\rKowal","GOK\r\rBielsk",2',
        "Zofia Wiśniewska,,3",
    ]
    preview = parse(cycle, newline.join(lines).encode())
    assert preview.is_valid, preview.errors
    assert [(row.row, row.full_name, row.organisation_name) for row in preview.new_rows] == [
        (2, "Anna Nowak", "Urząd Gminy w Słupnie"),
        (3, "Jan Kowal", "GOK Bielsk"),
        (4, "Zofia Wiśniewska", ""),
    ]


def test_a_file_ending_its_lines_with_a_lone_cr_is_read_line_by_line(cycle):
    """Old Mac files: lone CRs end the lines, also with LFs typed inside cells."""
    content = 'Imię i nazwisko,Organizacja\rAnna Nowak,"Urząd\nGminy\nw Słupnie"\rJan Kowal,\r'
    preview = parse(cycle, content.encode())
    assert [(row.row, row.full_name, row.organisation_name) for row in preview.new_rows] == [
        (2, "Anna Nowak", "Urząd Gminy w Słupnie"),
        (3, "Jan Kowal", ""),
    ]


# -- Values outside the headed columns ---------------------------------------------------


def test_values_in_columns_without_a_heading_are_listed(cycle):
    content = csv_file(
        [
            ["Anna Nowak", "GOK", "anna@example.org", "uwaga"],
            ["Jan Kowal", "", "", " "],
            ["", "", "", "sama uwaga"],
        ],
        header=["name", "", "e-mail"],
    )
    preview = parse(cycle, content)
    assert preview.is_valid
    assert preview.new_count == 2
    assert [(c.letter, c.number, c.rows, c.count) for c in preview.unheaded_columns] == [
        ("B", 2, (2,), 1),
        ("D", 4, (2, 4), 2),
    ]
    assert [column.description for column in preview.unheaded_columns] == [
        "Column B (no. 2): 1 value, in row 2.",
        "Column D (no. 4): 2 values, in rows 2, 4.",
    ]


def test_values_beyond_the_headings_of_a_workbook_are_listed(cycle):
    rows = [["Osoba 1", None, None, None, None, None, None, "notatka"]]
    rows += [[f"Osoba {n}", None, 0] for n in range(2, 14)]  # 0 is a value too
    preview = parse(cycle, xlsx_file(rows, header=["name", "email"]), "lista.xlsx")
    assert preview.is_valid
    third, eighth = preview.unheaded_columns
    assert (third.letter, third.count) == ("C", 12)
    assert third.description == (
        "Column C (no. 3): 12 values, in rows 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, …."
    )
    assert (eighth.letter, eighth.rows) == ("H", (2,))


def test_a_file_without_such_values_lists_none(cycle):
    assert parse(cycle, csv_file(GOOD_ROWS)).unheaded_columns == []


def test_the_preview_warns_about_values_that_will_not_be_imported(staff_client, cycle):
    with translation.override("pl"):  # the Polish admin, /admin/...
        url = reverse("admin:workshops_workshopcycle_import", args=[cycle.pk])
        confirm_url = reverse("admin:workshops_workshopcycle_import_confirm", args=[cycle.pk])
    upload = io.BytesIO(csv_file([["Anna Nowak", "", "uwaga"]], header=["name"]))
    upload.name = "lista.csv"
    response = staff_client.post(url, {"file": upload})
    page = response.content.decode()
    assert "Wartości w kolumnach bez nagłówka nie zostaną zaimportowane" in page
    assert "Kolumna C (nr 3): 1 wartość, w wierszu 2." in page
    assert response.context["preview"].is_valid  # a warning: the list can still be confirmed
    assert f'<form method="post" action="{confirm_url}">' in page


# -- Files that cannot be used -----------------------------------------------------------


@pytest.mark.parametrize(
    "content", [b"", b"\xef\xbb\xbf", b" \r\n\r\n", b",,,\r\n,,\r\n"], ids=repr
)
def test_empty_csv_file(cycle, content):
    error = refused(cycle, content)
    assert error.code == "empty"
    assert error.messages == ["The file is empty."]


def test_empty_xlsx_file(cycle):
    assert refused(cycle, xlsx_file([], header=None), "lista.xlsx").code == "empty"


@pytest.mark.parametrize("filename", ["lista.csv", "lista.xlsx"])
def test_file_with_only_headings(cycle, filename):
    content = csv_file([]) if filename.endswith("csv") else xlsx_file([["", None]])
    error = refused(cycle, content, filename)
    assert error.code == "no_rows"


def test_wrong_columns_say_what_is_expected_and_what_was_found(cycle):
    error = refused(cycle, csv_file([["Nowak", "Anna"]], header=["Nazwisko", "Imię"]))
    assert error.code == "columns"
    message = error.messages[0]
    assert "Imię i nazwisko (name)" in message
    assert "E-mail" in message
    assert "“Nazwisko”, “Imię”" in message


def test_missing_heading_row(cycle):
    error = refused(cycle, csv_file([["Anna Nowak", "anna@example.org"]], header=["", ""]))
    assert error.code == "columns"
    assert "no headings" in error.messages[0]


def test_a_column_twice_is_refused(cycle):
    error = refused(
        cycle, csv_file([["Anna", "a@x.pl", "b@x.pl"]], header=["name", "email", "E-mail"])
    )
    assert error.code == "columns"
    assert "E-mail" in error.messages[0]


@pytest.mark.parametrize("filename", ["lista.xls", "lista.ods", "lista.txt", "lista", "csv"])
def test_other_formats_are_refused(cycle, filename):
    error = refused(cycle, csv_file(GOOD_ROWS), filename)
    assert error.code == "format"
    assert ".xlsx" in error.messages[0]


def test_workbook_named_csv_and_damaged_workbook_are_refused(cycle):
    assert refused(cycle, xlsx_file(GOOD_ROWS), "lista.csv").code == "format"
    assert refused(cycle, csv_file(GOOD_ROWS), "lista.xlsx").code == "format"
    damaged = xlsx_file(GOOD_ROWS)[:-200]
    assert refused(cycle, damaged, "lista.xlsx").code == "format"


def test_unreadable_csv_is_refused(cycle):
    content = csv_file([["Anna Nowak", "x" * 200_000]], header=["name", "organisation"])
    error = refused(cycle, content)
    assert error.code == "csv"
    assert "line 2" in error.messages[0]


def test_a_long_cell_is_refused_whatever_the_process_wide_csv_limit(cycle, monkeypatch):
    """frictionless (the open-data checks) raises csv's process-wide field limit to
    sys.maxsize; the importer's own limit must not depend on it."""
    import sys

    previous = csv.field_size_limit(sys.maxsize)
    try:
        content = csv_file([["Anna Nowak", "x" * 200_000]], header=["name", "organisation"])
        assert refused(cycle, content).code == "csv"
    finally:
        csv.field_size_limit(previous)


def test_oversized_file_is_refused_with_the_limit(cycle, monkeypatch):
    monkeypatch.setattr(importing, "MAX_FILE_BYTES", 100)
    content = csv_file(GOOD_ROWS)
    assert len(content) > 100
    error = refused(cycle, content)
    assert error.code == "too_large"
    assert "100" in error.messages[0]


def test_workbook_that_unpacks_too_large_is_refused(cycle, monkeypatch):
    monkeypatch.setattr(importing, "MAX_XLSX_UNPACKED_BYTES", 1000)
    assert refused(cycle, xlsx_file(GOOD_ROWS), "lista.xlsx").code == "too_large"


@pytest.mark.parametrize("filename", ["lista.csv", "lista.xlsx"])
def test_too_many_rows_are_refused_with_the_limit(cycle, monkeypatch, filename):
    monkeypatch.setattr(importing, "MAX_ROWS", 3)
    rows = [[f"Osoba {n}"] for n in range(4)]
    make = csv_file if filename.endswith("csv") else xlsx_file
    assert parse(cycle, make(rows[:3], header=["name"]), filename).new_count == 3
    error = refused(cycle, make(rows, header=["name"]), filename)
    assert error.code == "too_many_rows"
    assert "3" in error.messages[0]


# -- Row errors --------------------------------------------------------------------------

ROW_ERRORS = [
    ("Imię i nazwisko", "", "Enter the person's name."),
    ("Imię i nazwisko", "   ", "Enter the person's name."),
    ("Imię i nazwisko", "A" * 151, "at most 150 characters, this value has 151"),
    ("Organizacja", "O" * 251, "at most 250 characters"),
    ("Telefon", "1" * 41, "at most 40 characters"),
    ("E-mail", "anna@", "Not a valid e-mail address."),
    ("E-mail", "anna nowak@example.org", "Not a valid e-mail address."),
    ("Telefon", "600 100 2OO", "Not a phone number"),
    ("Telefon", "12345", "with 6 to 20 digits"),
    ("Telefon", "600/100/200", "Not a phone number"),
    ("Sektor", "kosmos", "Unknown sector"),
    ("Sesje", "7", "no session 7; its sessions are 1, 2, 3, 4, 5, 6"),
    ("Sesje", "1, 9, 12", "no session 9, 12"),
    ("Sesje", "0", "no session 0"),
    ("Sesje", "pierwsza", "is not a session number"),
    ("Sesje", "IIII", "is not a session number"),
    ("Sesje", "1.5", "looks like a decimal number"),
    ("Imię i nazwisko", "Anna\x00Nowak", "control characters"),
    ("Organizacja", "GOK\x1b[31m", "control characters"),
    ("Organizacja", "GOK \u202eelbuod", "control characters"),
]


@pytest.mark.parametrize(("column", "value", "reason"), ROW_ERRORS, ids=repr)
def test_each_row_error(cycle, column, value, reason):
    row = dict(zip(HEADER, ["Anna Nowak", "", "", "", "", "1"], strict=True))
    row[column] = value
    preview = parse_one(cycle, list(row.values()))
    assert not preview.is_valid
    assert preview.rows == []
    [error] = preview.errors
    assert (error.row, error.column) == (2, column)
    assert reason in error.reason
    assert "\x00" not in error.value and "\x1b" not in error.value


def test_several_errors_in_one_row_are_all_reported_in_column_order(cycle):
    preview = parse_one(cycle, ["", "", "kosmos", "anna@", "abc", "X1"])
    assert [error.column for error in preview.errors] == [
        "Imię i nazwisko",
        "Sektor",
        "E-mail",
        "Telefon",
        "Sesje",
    ]
    assert preview.error_row_count == 1


def test_errors_come_in_row_order_with_the_good_rows_still_previewed(cycle):
    preview = parse(cycle, csv_file([*GOOD_ROWS, ["", "", "", "zła@", "", ""]]))
    assert [(error.row, error.column) for error in preview.errors] == [
        (5, "Imię i nazwisko"),
        (5, "E-mail"),
    ]
    assert preview.new_count == 3
    assert not preview.is_valid


def test_decimal_sessions_cell_in_a_workbook(cycle):
    # Polish Excel turns "1,2" typed in a cell into the number 1.2.
    preview = parse(cycle, xlsx_file([["Anna Nowak", 1.2]], header=["name", "sesje"]), "l.xlsx")
    assert "decimal" in preview.errors[0].reason


@pytest.mark.parametrize(
    "value", ["=1+2", '=HYPERLINK("http://x")', "+SUM(A1)", "-2+3", "@cmd", " =1+2"]
)
@pytest.mark.parametrize("column", ["Imię i nazwisko", "Organizacja", "Telefon"])
def test_formula_like_cells_are_refused(cycle, column, value):
    row = dict(zip(HEADER, ["Anna Nowak", "", "", "", "", ""], strict=True))
    row[column] = value
    [error] = parse_one(cycle, list(row.values())).errors
    assert error.column == column
    assert "formula" in error.reason
    assert f"“{value.strip()[0]}”" in error.reason


def test_formula_in_a_workbook_is_refused_not_evaluated(cycle):
    content = xlsx_file([["Anna Nowak", '=CONCAT("a","b")']], header=["name", "organizacja"])
    [error] = parse(cycle, content, "lista.xlsx").errors
    assert (error.row, error.column) == (2, "organizacja")
    assert error.value == '=CONCAT("a","b")'


@pytest.mark.parametrize("phone", ["+48 600 100 200", "+48 (24) 555-10-20", "600100200"])
def test_phone_numbers_are_not_formulas(cycle, phone):
    preview = parse_one(cycle, ["Anna Nowak", phone], header=["name", "phone"])
    assert preview.is_valid
    assert preview.new_rows[0].phone == phone


def test_a_dash_means_empty(cycle):
    preview = parse_one(cycle, ["Anna Nowak", "-", "—", "-", "–"], header=HEADER[:5])
    assert preview.is_valid
    row = preview.new_rows[0]
    assert (row.organisation_name, row.sector, row.email, row.phone) == ("", "", "", "")


def test_sector_by_value_or_label_in_either_language(cycle):
    with translation.override("pl"):
        polish = str(Sector.NGO.label)
    labels = ["ngo", "NON-GOVERNMENTAL organisation", "  employers  and business ", polish]
    content = csv_file(
        [[f"Osoba {n}", label] for n, label in enumerate(labels)], header=["name", "sector"]
    )
    preview = parse(cycle, content)
    assert preview.is_valid
    assert [row.sector for row in preview.new_rows] == [
        Sector.NGO,
        Sector.NGO,
        Sector.EMPLOYER,
        Sector.NGO,
    ]


def test_session_numbers_in_arabic_and_roman(cycle):
    preview = parse_one(cycle, ["Anna Nowak", "1; 2  vi, IV. 2"], header=["name", "sessions"])
    assert preview.new_rows[0].sessions == (1, 2, 4, 6)


def test_names_are_stored_with_single_spaces(cycle):
    preview = parse_one(cycle, ["  Anna \u00a0  Nowak "], header=["name"])
    assert preview.new_rows[0].full_name == "Anna Nowak"


# -- Duplicates within the file and against the cycle ------------------------------------


def test_same_person_twice_in_the_file(cycle):
    content = csv_file(
        [
            ["Anna Nowak", "anna@example.org"],
            ["Jan Kowal", ""],
            ["ANNA  nowak", "Anna@Example.org"],  # same name and e-mail: row 2 again
            ["Jan Kowal", "jan@example.org"],  # same name, row 3 has no e-mail
            ["Anna Nowak", "inna.anna@example.org"],  # a namesake with another e-mail
        ],
        header=["name", "email"],
    )
    preview = parse(cycle, content)
    assert [(error.row, error.column, error.reason) for error in preview.errors] == [
        (4, "name", "The same person as in row 2."),
        (5, "name", "The same person as in row 3."),
    ]
    assert [row.row for row in preview.new_rows] == [2, 3, 6]


def test_rows_matching_the_cycles_attendees(cycle):
    anna = Attendee.objects.create(cycle=cycle, full_name="Anna Nowak")
    jan = Attendee.objects.create(
        cycle=cycle, full_name="Jan Kowal", email="jan@example.org", phone="600100200"
    )
    Attendee.objects.create(cycle=cycle, full_name="Ewa Lis", email="ewa@example.org")
    Attendance.objects.create(attendee=jan, session=cycle.sessions.get(ordinal=1))
    content = csv_file(
        [
            ["anna nowak", "anna@example.org", "", "NGO", "1"],  # blank e-mail registered
            ["Jan  Kowal", "JAN@example.org", "+48 500 000 000", "", "1, 2"],
            ["Ewa Lis", "ewa.lis@example.org", "", "", "1"],  # a namesake: new
        ],
        header=["name", "email", "phone", "sector", "sessions"],
    )
    preview = parse(cycle, content)
    assert preview.is_valid
    assert [(row.row, row.attendee_id) for row in preview.matched_rows] == [
        (2, anna.pk),
        (3, jan.pk),
    ]
    assert [row.row for row in preview.new_rows] == [4]

    result = attendees_import(cycle=cycle, rows=preview.rows)

    assert (result.created, result.matched, result.filled) == (1, 2, 1)
    assert result.attendance_added == 3  # Jan's session 1 was already marked
    anna.refresh_from_db()
    jan.refresh_from_db()
    assert (anna.email, anna.sector) == ("anna@example.org", Sector.NGO)  # blanks filled
    assert (jan.email, jan.phone) == ("jan@example.org", "600100200")  # kept
    assert anna.updated_at > anna.created_at
    assert sessions_of(anna) == [1]
    assert sessions_of(jan) == [1, 2]
    assert Attendee.objects.filter(cycle=cycle).count() == 4


def test_ambiguous_match_is_an_error(cycle):
    Attendee.objects.create(cycle=cycle, full_name="Anna Nowak", email="a1@example.org")
    Attendee.objects.create(cycle=cycle, full_name="Anna Nowak", email="a2@example.org")
    preview = parse_one(cycle, ["Anna Nowak", ""], header=["name", "email"])
    [error] = preview.errors
    assert "Matches 2 people already registered" in error.reason
    exact = parse_one(cycle, ["Anna Nowak", "a2@example.org"], header=["name", "email"])
    assert exact.is_valid and exact.matched_count == 1


def test_two_rows_matching_one_attendee_is_an_error(cycle):
    Attendee.objects.create(cycle=cycle, full_name="Anna Nowak")
    content = csv_file(
        [["Anna Nowak", "a1@example.org"], ["Anna Nowak", "a2@example.org"]],
        header=["name", "email"],
    )
    [error] = parse(cycle, content).errors
    assert (error.row, error.reason) == (3, "Matches the same registered attendee as row 2.")


def test_other_cycles_and_anonymised_attendees_are_not_matched(cycle):
    other = WorkshopCycle.objects.get(slug=LOSICE_2017)
    Attendee.objects.create(cycle=other, full_name="Anna Nowak")
    Attendee.objects.create(cycle=cycle, full_name="Anna Nowak", anonymised_at=timezone.now())
    preview = parse_one(cycle, ["Anna Nowak"], header=["name"])
    assert (preview.new_count, preview.matched_count) == (1, 0)


# -- Confirmation ------------------------------------------------------------------------


def test_confirmation_matches_people_registered_since_the_preview(cycle):
    preview = parse(cycle, csv_file(GOOD_ROWS))
    anna = Attendee.objects.create(cycle=cycle, full_name="Anna Nowak")
    result = attendees_import(cycle=cycle, rows=preview.rows)
    assert (result.created, result.matched, result.changed_since_preview) == (2, 1, 1)
    assert Attendee.objects.filter(cycle=cycle, full_name="Anna Nowak").count() == 1
    assert sessions_of(anna) == [1, 3]


def test_confirmation_creates_a_person_whose_match_is_gone(cycle):
    anna = Attendee.objects.create(cycle=cycle, full_name="Anna Nowak")
    preview = parse(cycle, csv_file(GOOD_ROWS))
    assert preview.matched_rows[0].attendee_id == anna.pk
    anna.delete()
    result = attendees_import(cycle=cycle, rows=preview.rows)
    assert (result.created, result.matched, result.changed_since_preview) == (3, 0, 1)


def test_confirmation_refuses_an_ambiguity_that_arose_since_the_preview(cycle):
    preview = parse(cycle, csv_file(GOOD_ROWS))
    Attendee.objects.create(cycle=cycle, full_name="Anna Nowak", email="a1@example.org")
    Attendee.objects.create(cycle=cycle, full_name="Anna Nowak", email="a2@example.org")
    with pytest.raises(ValidationError) as caught:
        attendees_import(cycle=cycle, rows=preview.rows)
    assert "changed since the preview" in caught.value.messages[0]
    assert "Row 3" in caught.value.messages[1]
    assert Attendee.objects.filter(cycle=cycle).count() == 2


def test_confirmation_checks_the_rows_again(cycle):
    rows = parse(cycle, csv_file(GOOD_ROWS)).rows
    rows[1]["email"] = "not an address"
    rows[2]["sessions"] = [9]
    with pytest.raises(ValidationError) as caught:
        attendees_import(cycle=cycle, rows=rows)
    assert caught.value.messages[1:] == [
        "Row 3, E-mail: Not a valid e-mail address.",
        "Row 4, Sesje: This cycle has no session 9; its sessions are 1, 2, 3, 4, 5, 6.",
    ]
    assert not Attendee.objects.filter(cycle=cycle).exists()


@pytest.mark.parametrize(
    "rows",
    [[], [{"full_name": "Anna"}], [{"row": 2, "full_name": "Anna", "sessions": ["x"]}], ["x"]],
)
def test_confirmation_refuses_malformed_rows(cycle, rows):
    with pytest.raises(ValidationError):
        attendees_import(cycle=cycle, rows=rows)
    assert not Attendee.objects.filter(cycle=cycle).exists()


def test_confirmation_refuses_the_same_person_twice(cycle):
    rows = parse(cycle, csv_file(GOOD_ROWS)).rows
    with pytest.raises(ValidationError):
        attendees_import(cycle=cycle, rows=[*rows, {**rows[0], "row": 9}])
    assert not Attendee.objects.filter(cycle=cycle).exists()


def test_a_file_with_errors_cannot_be_confirmed(cycle):
    preview = parse(
        cycle, csv_file([*GOOD_ROWS, ["", "", "", "", "", ""], ["=1", "", "", "", "", ""]])
    )
    assert not preview.is_valid
    assert preview.rows == []
    with pytest.raises(ValidationError):
        attendees_import(cycle=cycle, rows=preview.rows)


def test_a_failure_in_the_middle_leaves_nothing_behind(cycle, monkeypatch):
    anna = Attendee.objects.create(cycle=cycle, full_name="Anna Nowak")
    rows = parse(cycle, csv_file(GOOD_ROWS)).rows

    def broken(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(Attendance.objects, "bulk_create", broken)
    with pytest.raises(RuntimeError):
        attendees_import(cycle=cycle, rows=rows)
    assert list(Attendee.objects.filter(cycle=cycle)) == [anna]
    anna.refresh_from_db()
    assert anna.phone == ""  # the blank filled from the file was rolled back too
    assert not Attendance.objects.filter(session__cycle=cycle).exists()
    assert not Attendee.history.filter(cycle=cycle).exclude(id=anna.pk).exists()
    assert list(anna.history.values_list("history_type", flat=True)) == ["+"]


def test_attendance_saved_meanwhile_refuses_the_import(cycle, monkeypatch):
    rows = parse(cycle, csv_file(GOOD_ROWS)).rows

    def clash(*args, **kwargs):
        raise IntegrityError("attendance_once")

    monkeypatch.setattr(Attendance.objects, "bulk_create", clash)
    with pytest.raises(ValidationError) as caught:
        attendees_import(cycle=cycle, rows=rows)
    assert caught.value.code == "conflict"
    assert not Attendee.objects.filter(cycle=cycle).exists()


def test_import_is_recorded_in_the_audit_trail(cycle):
    anna = Attendee.objects.create(cycle=cycle, full_name="Anna Nowak")
    attendees_import(cycle=cycle, rows=parse(cycle, csv_file(GOOD_ROWS)).rows)
    lukasz = Attendee.objects.get(cycle=cycle, full_name="Łukasz Żółć")
    created = lukasz.history.get()
    assert (created.history_type, created.history_change_reason) == ("+", IMPORT_CHANGE_REASON)
    assert Attendance.history.filter(attendee_id=lukasz.pk, history_type="+").count() == 2
    filled = anna.history.first()
    assert (filled.history_type, filled.full_name, filled.phone) == (
        "~",
        "Anna Nowak",
        "+48 600 100 200",
    )


def test_importing_the_same_file_twice_adds_nothing_new(cycle):
    content = csv_file(GOOD_ROWS)
    attendees_import(cycle=cycle, rows=parse(cycle, content).rows)
    again = parse(cycle, content)
    assert (again.new_count, again.matched_count) == (0, 3)
    result = attendees_import(cycle=cycle, rows=again.rows)
    assert (result.created, result.matched, result.attendance_added, result.filled) == (0, 3, 0, 0)
    assert Attendee.objects.filter(cycle=cycle).count() == 3


def test_queries_do_not_grow_with_rows(cycle, django_assert_max_num_queries):
    for n in range(0, 500, 5):  # some of the 500 are already registered
        Attendee.objects.create(cycle=cycle, full_name=f"Osoba {n}")
    content = csv_file(
        [[f"Osoba {n}", f"osoba{n}@example.org", "1, 2"] for n in range(500)],
        header=["name", "email", "sessions"],
    )
    with django_assert_max_num_queries(2):
        preview = parse(cycle, content)
    assert (preview.new_count, preview.matched_count) == (400, 100)
    # A constant few, plus one INSERT per batch for the rows and their audit-trail copies
    # (SQLite allows 999 parameters a query: 38 queries there, 14 on PostgreSQL).
    with django_assert_max_num_queries(45):
        result = attendees_import(cycle=cycle, rows=preview.rows)
    assert (result.created, result.matched, result.attendance_added, result.filled) == (
        400,
        100,
        1000,
        100,
    )


# -- Template ----------------------------------------------------------------------------


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_template_reads_back_as_one_valid_row(cycle, file_format):
    content = attendee_template_file(format=file_format)
    preview = parse(cycle, content, f"wzor.{file_format}")
    assert preview.is_valid, preview.errors
    [row] = preview.new_rows
    assert (row.full_name, row.sector, row.sessions) == ("Jan Kowalski", Sector.NGO, (1, 2, 3))
    assert row.phone == "+48 600 100 200"


def test_template_has_the_polish_headings():
    text = attendee_template_file(format="csv").decode("utf-8")
    headings = "Imię i nazwisko;Organizacja;Sektor;E-mail;Telefon;Zgoda na e-mail;Sesje"
    assert text.startswith(f"\ufeff{headings}\r\n")
    sheet = openpyxl.load_workbook(io.BytesIO(attendee_template_file(format="xlsx"))).active
    assert [cell.value for cell in sheet[1]] == headings.split(";")
    assert sheet.max_row == 2


def test_a_consent_note_with_a_nul_byte_is_refused_and_nothing_saved(cycle):
    """Regression (found by the fuzz tests on PostgreSQL): a NUL byte in the consent note
    reached the database, which refuses it (a server error)."""
    rows = [{"row": 2, "full_name": "Ola Nowa", "sessions": []}]
    with pytest.raises(ValidationError) as refused:
        attendees_import(cycle=cycle, rows=rows, consent_note="zgoda\x00")
    assert refused.value.code == "consent_note"
    assert not Attendee.objects.filter(cycle=cycle).exists()
