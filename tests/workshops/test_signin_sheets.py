"""Sign-in sheets (PDF, A4, a page set per session) and the cycle's attendee list (CSV,
XLSX): what they contain, in which order, who may download them."""

from __future__ import annotations

import csv
import io
import logging

import pypdfium2
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.roles import COORDINATOR
from tests.conftest import county_staff_user, staff_login
from tests.factories import make_user
from tests.records import LODZKIE
from workshops.certificates import certificates_issue
from workshops.models import Attendance, Attendee, WorkshopCycle
from workshops.privacy import attendee_anonymise
from workshops.signin_sheet import MARGIN, signin_sheets_pdf

pytestmark = pytest.mark.django_db

A4 = (595.3, 841.9)  # points
NAMES = ["Żaneta Żak", "Zofia Zając", "Łukasz Łoś", "Ćwirosław Ćma", "Anna Nowak", "Śmigły Ś"]
IN_ORDER = [
    "Anna Nowak",
    "Ćwirosław Ćma",
    "Łukasz Łoś",
    "Śmigły Ś",
    "Zofia Zając",
    "Żaneta Żak",
]


@pytest.fixture
def cycle():
    return WorkshopCycle.objects.get(slug="wlosg-2017-plocki")


@pytest.fixture
def people(cycle):
    return [Attendee.objects.create(cycle=cycle, full_name=name) for name in NAMES]


def sheets_url(cycle, query=""):
    return reverse("admin:workshops_workshopcycle_attendance_sheets", args=[cycle.pk]) + query


def list_url(cycle, fmt="csv"):
    return reverse("admin:workshops_workshopcycle_attendance_list", args=[cycle.pk]) + (
        f"?format={fmt}" if fmt else ""
    )


def pdf_pages(content: bytes) -> list[str]:
    document = pypdfium2.PdfDocument(content)
    return [page.get_textpage().get_text_range() for page in document]


def test_the_expected_order():
    assert IN_ORDER == [
        "Anna Nowak",
        "Ćwirosław Ćma",
        "Łukasz Łoś",
        "Śmigły Ś",
        "Zofia Zając",
        "Żaneta Żak",
    ]


def in_order(text: str, names) -> bool:
    positions = [text.index(name) for name in names]
    return positions == sorted(positions)


# -- Sign-in sheets ------------------------------------------------------------------------


def test_a_sheet_per_session_names_in_polish_order(staff_client, cycle, people):
    response = staff_client.get(sheets_url(cycle))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "lista-obecnosci-plocki-" in response["Content-Disposition"]
    document = pypdfium2.PdfDocument(response.content)
    sessions = list(cycle.sessions.order_by("ordinal"))
    assert len(document) == len(sessions)  # six names fit one page a session
    width, height = document[0].get_size()
    assert (round(width, 1), round(height, 1)) == A4
    for page, session in zip(pdf_pages(response.content), sessions, strict=True):
        text = " ".join(page.split())
        assert "Lista obecności" in text
        assert f"Sesja {session.roman}" in text
        assert str(session.dates) in text
        assert cycle.title[:40] in text
        assert "płocki" in text
        assert "Podpis" in text and "Lp." in text
        assert in_order(text, IN_ORDER)


def test_one_session_sheet(staff_client, cycle, people):
    third = cycle.sessions.get(ordinal=3)
    response = staff_client.get(sheets_url(cycle, f"?session={third.pk}"))
    pages = pdf_pages(response.content)
    assert len(pages) == 1 and "Sesja III" in pages[0]
    assert "sesja-3" in response["Content-Disposition"]
    foreign = WorkshopCycle.objects.get(slug="wlosg-2017-losicki").sessions.first()
    assert staff_client.get(sheets_url(cycle, f"?session={foreign.pk}")).status_code == 404
    assert staff_client.get(sheets_url(cycle, "?session=%00x")).status_code == 404


def test_erased_attendees_are_not_listed(staff_client, cycle, people):
    attendee_anonymise(attendee=people[0])
    text = pdf_pages(staff_client.get(sheets_url(cycle)).content)[0]
    assert "Żaneta Żak" not in text and "Anna Nowak" in text


def test_long_names_wrap_inside_the_page_and_long_lists_continue(cycle):
    long_word = "Wierzbicka" * 15  # 150 characters without a space
    long_words = " ".join(["Konstantynopolitańczykiewiczówna"] * 4)
    attendees = [
        Attendee(cycle=cycle, full_name=long_word, organisation_name="Urząd " * 40),
        Attendee(cycle=cycle, full_name=long_words),
        *(Attendee(cycle=cycle, full_name=f"Osoba {i:03d}") for i in range(60)),
    ]
    pdf = signin_sheets_pdf(cycle=cycle, sessions=[cycle.sessions.first()], attendees=attendees)
    document = pypdfium2.PdfDocument(pdf)
    assert len(document) >= 3  # 62 rows and 5 spare of about 11 mm: several pages
    text = "".join(pdf_pages(pdf))
    assert text.count("Lp.") == len(document)  # the header row repeats on every page
    assert "Osoba 059" in text
    for page in document:
        textpage = page.get_textpage()
        width, _height = page.get_size()
        for index in range(textpage.count_chars()):
            left, _bottom, right, _top = textpage.get_charbox(index)
            if right > left:  # a drawn glyph
                assert MARGIN - 1 <= left and right <= width - MARGIN + 1, (left, right)
    # The 150-character word is printed whole, across several lines of its cell.
    assert "".join(text.split()).count(long_word) == 1


def test_sheet_queries_do_not_grow_with_attendees(staff_client, cycle):
    counts = []
    for size in (5, 120):
        Attendee.objects.filter(cycle=cycle).delete()
        Attendee.objects.bulk_create(
            Attendee(cycle=cycle, full_name=f"Osoba {i:03d}") for i in range(size)
        )
        with CaptureQueriesContext(connection) as queries:
            assert staff_client.get(sheets_url(cycle)).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


def test_the_register_and_the_cycle_page_link_to_the_sheets(staff_client, cycle, people):
    html = staff_client.get(
        reverse("admin:workshops_workshopcycle_attendance", args=[cycle.pk])
    ).content.decode()
    assert sheets_url(cycle) in html
    first = cycle.sessions.get(ordinal=1)
    assert f"{sheets_url(cycle)}?session={first.pk}" in html
    assert list_url(cycle, "xlsx") in html and list_url(cycle, "csv") in html
    change = staff_client.get(reverse("admin:workshops_workshopcycle_change", args=[cycle.pk]))
    assert sheets_url(cycle) in change.content.decode()


# -- The attendee list ---------------------------------------------------------------------


@pytest.fixture
def listed(cycle, people):
    people[0].organisation_name = '=HYPERLINK("http://zło.example")'
    people[0].email = "zaneta@example.pl"
    people[0].phone = "+48 600 100 200"
    people[0].sector = "employer"
    people[0].save()
    people[1].full_name = "@Zofia Zając"
    people[1].save()
    sessions = list(cycle.sessions.order_by("ordinal"))
    for attendee in people[:3]:
        for session in sessions[:3]:
            Attendance.objects.create(attendee=attendee, session=session)
    cycle.certificate_min_sessions = 3
    cycle.save()
    certificates_issue(cycle=cycle, issued_by="Starosta Płocki")
    return people


def read_csv(content: bytes) -> list[list[str]]:
    assert content.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))


def test_csv_in_polish_excel_dialect_with_formulas_neutralised(staff_client, cycle, listed):
    response = staff_client.get(list_url(cycle, "csv"))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "uczestnicy-plocki-" in response["Content-Disposition"]
    rows = read_csv(response.content)
    assert rows[0] == [
        "Imię i nazwisko",
        "Organizacja",
        "Sektor",
        "E-mail",
        "Telefon",
        "Liczba obecności",
        "Sesje (numery)",
        "Numer certyfikatu",
    ]
    by_name = {row[0]: row for row in rows[1:]}
    zaneta = by_name["Żaneta Żak"]
    assert zaneta[2] == "pracodawcy i przedsiębiorcy"
    assert zaneta[1] == '\'=HYPERLINK("http://zło.example")'
    assert zaneta[3:7] == ["zaneta@example.pl", "'+48 600 100 200", "3", "I, II, III"]
    assert zaneta[7].startswith("1419/")
    assert "'@Zofia Zając" in by_name
    # Polish order (the apostrophe aside), everyone of the cycle.
    assert [row[0] for row in rows[1:]] == [
        "'@Zofia Zając",
        "Anna Nowak",
        "Ćwirosław Ćma",
        "Łukasz Łoś",
        "Śmigły Ś",
        "Żaneta Żak",
    ]
    assert by_name["Anna Nowak"][5:] == ["0", "", ""]


def test_xlsx_stores_text_never_formulas(staff_client, cycle, listed):
    from openpyxl import load_workbook

    response = staff_client.get(list_url(cycle, "xlsx"))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0][0] == "Imię i nazwisko"
    zaneta = next(row for row in rows if row[0] == "Żaneta Żak")
    assert zaneta[1] == '=HYPERLINK("http://zło.example")'
    assert zaneta[4:7] == ["+48 600 100 200", 3, "I, II, III"]
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def test_erased_attendees_are_left_out_and_the_export_is_logged(
    staff_client, cycle, listed, caplog
):
    attendee_anonymise(attendee=listed[2])
    with caplog.at_level(logging.INFO, logger="partnership.security"):
        rows = read_csv(staff_client.get(list_url(cycle, "csv")).content)
    assert len(rows) == 1 + 5
    records = [r.getMessage() for r in caplog.records if "attendee_list_exported" in r.getMessage()]
    assert len(records) == 1
    assert f"cycle={cycle.pk}" in records[0] and "format=csv" in records[0]
    assert "Żak" not in records[0] and "@" not in records[0]


def test_a_bad_format_goes_back_to_the_register(staff_client, cycle):
    for fmt in ("", "pdf", "%00", "csv "):
        response = staff_client.get(list_url(cycle, None) + (f"?format={fmt}" if fmt else ""))
        assert response.status_code == 302
        assert response["Location"].endswith(f"/workshopcycle/{cycle.pk}/attendance/")


def test_list_queries_do_not_grow_with_attendees(staff_client, cycle):
    counts = []
    for size in (5, 150):
        Attendee.objects.filter(cycle=cycle).delete()
        attendees = Attendee.objects.bulk_create(
            Attendee(cycle=cycle, full_name=f"Osoba {i:03d}", email=f"o{i}@example.pl")
            for i in range(size)
        )
        Attendance.objects.bulk_create(
            Attendance(attendee=a, session=s) for a in attendees for s in cycle.sessions.all()
        )
        for fmt in ("csv", "xlsx"):
            with CaptureQueriesContext(connection) as queries:
                assert staff_client.get(list_url(cycle, fmt)).status_code == 200
            counts.append(len(queries))
    assert counts[:2] == counts[2:], counts


# -- Who may download them -----------------------------------------------------------------


def coordinator():
    user = make_user("koordynator", COORDINATOR)  # Mazowieckie's
    return user


@pytest.mark.parametrize("url", [sheets_url, list_url])
def test_own_county_other_county_coordinator_anonymous(client, cycle, people, url):
    address = url(cycle)
    anonymous = client.get(address)
    assert anonymous.status_code == 302 and reverse("admin:login") in anonymous["Location"]
    client.force_login(county_staff_user("losice", "1410"))
    assert client.get(address).status_code == 404
    client.force_login(county_staff_user("plock", "1419"))
    assert client.get(address).status_code == 200
    client.logout()
    staff_login(client, coordinator())
    assert client.get(address).status_code == 200
    # Another voivodeship's coordinator: not found, like another county's staff.
    staff_login(client, make_user("koordynator.lodz", COORDINATOR, voivodeships=[LODZKIE]))
    assert client.get(address).status_code == 404


def test_a_coordinator_without_the_second_factor_gets_no_list(client, cycle, people):
    client.force_login(coordinator())
    response = client.get(list_url(cycle))
    assert response.status_code != 200
    assert b"Anna Nowak" not in response.content
