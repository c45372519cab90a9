"""A Płock county employee's whole flow, over HTTP, as the browser sends it.

Create a cycle with six sessions → import 200 attendees from an XLSX → tick attendance →
issue certificates → download the bulk PDF → verify one certificate publicly; and the
same employee cannot see or touch a Łosice cycle.
"""

import io

import openpyxl
import pytest
from django.urls import reverse
from pypdf import PdfReader

from programmes.models import County, Programme
from tests.records import LOSICE_2017, PLOCK, PLOCK_2017, PROGRAMME_2017
from workshops.models import Attendance, Attendee, Certificate, WorkshopCycle

pytestmark = pytest.mark.django_db


def inline(prefix, rows):
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for i, row in enumerate(rows):
        data.update({f"{prefix}-{i}-{key}": value for key, value in row.items()})
    return data


def attendee_xlsx(count):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Imię i nazwisko", "Organizacja", "Sektor", "E-mail", "Telefon", "Sesje"])
    for i in range(count):
        sessions = "1, 2, 3, 4" if i % 4 else "I, VI"  # every fourth came twice only
        sheet.append(
            [f"Uczestnik Żółć {i:03d}", "Gmina Słupno", "", f"u{i}@example.org", "", sessions]
        )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_county_staff_flow(staff_client):
    client = staff_client

    # 1. A new cycle with six sessions.
    programme = Programme.objects.get(slug=PROGRAMME_2017)
    sessions = [
        {
            "ordinal": n,
            "kind": "conference",
            "date_start": f"2025-0{n + 2}-10",
            "date_end": f"2025-0{n + 2}-10",
            "date_precision": "day",
            "attendance_precision": "exact",
        }
        for n in range(1, 7)
    ]
    response = client.post(
        reverse("admin:workshops_workshopcycle_add"),
        {
            "slug": "2025-plocki-test",
            "title": "Partnerstwo dla rynku pracy 2025",
            "programme": programme.pk,
            "county": County.objects.get(code=PLOCK).pk,
            "status": "in_progress",
            "date_start": "2025-03-01",
            "date_end": "2025-09-30",
            "date_precision": "day",
            "sessions_planned": "6",
            "certificate_min_sessions": "3",
            **inline("sessions", sessions),
            **inline("roles", []),
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    cycle = WorkshopCycle.objects.get(slug="2025-plocki-test")
    assert cycle.sessions.count() == 6

    # 2. Import 200 attendees from an XLSX: preview first, nothing saved, then confirm.
    import_url = reverse("admin:workshops_workshopcycle_import", args=[cycle.pk])
    upload = io.BytesIO(attendee_xlsx(200))
    upload.name = "lista.xlsx"
    preview = client.post(import_url, {"file": upload})
    assert preview.status_code == 200
    assert preview.context["preview"].new_count == 200
    assert not Attendee.objects.filter(cycle=cycle).exists()
    confirmed = client.post(
        reverse("admin:workshops_workshopcycle_import_confirm", args=[cycle.pk]),
        {
            "token": preview.context["token"],
            "consent_note": "Zgody pisemne na listach obecności",
        },
    )
    assert confirmed.status_code == 302
    assert Attendee.objects.filter(cycle=cycle).count() == 200
    assert set(Attendee.objects.filter(cycle=cycle).values_list("consent_note", flat=True)) == {
        "Zgody pisemne na listach obecności"
    }
    assert Attendance.objects.filter(session__cycle=cycle).count() == 150 * 4 + 50 * 2

    # 3. Tick attendance: everyone also came to session V.
    register_url = reverse("admin:workshops_workshopcycle_attendance", args=[cycle.pk])
    grid = client.get(register_url)
    assert grid.status_code == 200
    session_v = cycle.sessions.get(ordinal=5)
    pages = grid.context["page_obj"].paginator.num_pages
    for number in range(1, pages + 1):
        page = client.get(f"{register_url}?page={number}")
        data = {"session": [s.pk for s in page.context["sessions"]], "row": []}
        for row in page.context["rows"]:
            attendee = row["attendee"]
            data["row"].append(attendee.pk)
            data[f"was{attendee.pk}"] = row["was"]
            ticked = [c["session"].pk for c in row["cells"] if c["checked"]] + [session_v.pk]
            data[f"a{attendee.pk}"] = ticked
        assert client.post(f"{register_url}?page={number}", data).status_code == 302
    assert Attendance.objects.filter(session=session_v).count() == 200

    # 4. Issue certificates: 3 sessions needed, so the 50 who came to I, V, VI qualify too.
    certificates_url = reverse("admin:workshops_workshopcycle_certificates", args=[cycle.pk])
    client.post(certificates_url, {"issued_by": "Małgorzata Bombalicka, Dyrektor PUP w Płocku"})
    assert Certificate.objects.valid().filter(cycle=cycle).count() == 200
    first = Certificate.objects.filter(cycle=cycle).order_by("number").first()
    assert first.number == "1419/2025/001"

    # 5. The bulk PDF: one page per certificate, names with their diacritics.
    pdf = client.get(reverse("admin:workshops_workshopcycle_certificates_pdf", args=[cycle.pk]))
    assert pdf["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(pdf.content))
    assert len(reader.pages) == 200
    assert first.attendee.full_name in reader.pages[0].extract_text()

    # 6. Anyone can verify a certificate by its code.
    client.logout()
    verify = client.get(
        reverse("workshops:certificate_verify", kwargs={"code": first.verification_code})
    )
    assert verify.status_code == 200
    assert first.attendee.full_name in verify.content.decode()
    unknown = client.get(reverse("workshops:certificate_verify", kwargs={"code": "nieznany"}))
    assert unknown.status_code == 404


def test_staff_cannot_reach_another_countys_cycle(staff_client):
    losice = WorkshopCycle.objects.get(slug=LOSICE_2017)
    for name in ("change", "attendance", "import", "certificates"):
        url = reverse(f"admin:workshops_workshopcycle_{name}", args=[losice.pk])
        assert staff_client.get(url).status_code == 404, name
    changelist = staff_client.get(reverse("admin:workshops_workshopcycle_changelist"))
    assert losice not in changelist.context["cl"].result_list


def attendee_form(cycle, **fields):
    return {
        "cycle": cycle.pk,
        "organisation_name": "",
        "sector": "",
        "email": "",
        "phone": "",
        "consent_note": "Zgoda ustna",
        **inline("attendances", []),
        **fields,
    }


def test_adding_an_attendee_warns_about_a_duplicate_in_the_cycle(staff_client):
    cycle = WorkshopCycle.objects.get(slug=PLOCK_2017)
    Attendee.objects.create(cycle=cycle, full_name="Marek Podwójny", email="marek@example.org")
    add = reverse("admin:workshops_attendee_add")

    refused = staff_client.post(add, attendee_form(cycle, full_name="  marek  PODWÓJNY "))
    assert refused.status_code == 200
    assert refused.context["adminform"].form.has_error("__all__", code="duplicate")
    assert Attendee.objects.filter(cycle=cycle).count() == 1

    other_email = staff_client.post(
        add, attendee_form(cycle, full_name="Marek Podwójny", email="inny@example.org")
    )
    assert other_email.status_code == 302  # same name, different e-mail: another person

    confirmed = staff_client.post(
        add, attendee_form(cycle, full_name="Marek Podwójny", different_person="on")
    )
    assert confirmed.status_code == 302
    assert Attendee.objects.filter(cycle=cycle).count() == 3
