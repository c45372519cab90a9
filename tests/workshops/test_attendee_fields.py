"""One validation for an attendee's text fields: the importer and the admin form agree."""

import pytest
from django.urls import reverse

from workshops.importing import attendee_file_parse
from workshops.models import Attendee

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

HYPERLINK = '=HYPERLINK("http://x","y")'
FORMULA_REASON = (
    "Starts with “=”, which a spreadsheet would run as a formula; remove that character."
)


def admin_add(client, cycle, **fields):
    """Post the attendee admin's add form (English admin); the response."""
    data = {
        "cycle": cycle.pk,
        "full_name": "Anna Nowak",
        "organisation_name": "",
        "sector": "",
        "email": "",
        "phone": "",
        "consent_note": "",
        "attendances-TOTAL_FORMS": "0",
        "attendances-INITIAL_FORMS": "0",
        "attendances-MIN_NUM_FORMS": "0",
        "attendances-MAX_NUM_FORMS": "1000",
        **fields,
    }
    return client.post(reverse("admin:workshops_attendee_add"), data)


def admin_errors(response):
    assert response.status_code == 200, "the form was saved"
    return response.context["adminform"].form.errors


def import_errors(cycle, column, value):
    content = f"Imię i nazwisko,{column}\r\nAnna Nowak,{value}\r\n".encode()
    if column == "Imię i nazwisko":
        content = f'Imię i nazwisko\r\n"{value.replace(chr(34), chr(34) * 2)}"\r\n'.encode()
    preview = attendee_file_parse(cycle=cycle, filename="lista.csv", content=content)
    return [error.reason for error in preview.errors]


def test_the_admin_refuses_the_formula_the_import_refuses(staff_client, cycle):
    errors = admin_errors(admin_add(staff_client, cycle, full_name=HYPERLINK))
    assert errors["full_name"] == [FORMULA_REASON]
    assert import_errors(cycle, "Imię i nazwisko", HYPERLINK) == [FORMULA_REASON]
    assert not Attendee.objects.filter(cycle=cycle).exists()


@pytest.mark.parametrize(
    ("field", "column", "value", "reason"),
    [
        ("organisation_name", "Organizacja", "@SUM(A1)", "which a spreadsheet would run"),
        ("organisation_name", "Organizacja", "GOK\x1b[31m", "control characters"),
        ("organisation_name", "Organizacja", "GOK \u202eelbuod", "control characters"),
        ("phone", "Telefon", "600/100/200", "Not a phone number"),
        ("phone", "Telefon", "-600100200", "which a spreadsheet would run"),
        ("phone", "Telefon", "12345", "with 6 to 20 digits"),
        ("full_name", "Imię i nazwisko", "—", "Enter the person's name."),
    ],
    ids=repr,
)
def test_the_same_rule_on_both_sides(staff_client, cycle, field, column, value, reason):
    [admin_reason] = admin_errors(admin_add(staff_client, cycle, **{field: value}))[field]
    [import_reason] = import_errors(cycle, column, value)
    assert admin_reason == import_reason
    assert reason in admin_reason


@pytest.mark.parametrize("phone", ["+48 600 100 200", "+48 (24) 555-10-20", "600100200"])
def test_a_phone_with_a_plus_is_still_allowed(staff_client, cycle, phone):
    assert admin_add(staff_client, cycle, full_name="Jan Kowal", phone=phone).status_code == 302
    assert Attendee.objects.get(cycle=cycle, full_name="Jan Kowal").phone == phone
    assert import_errors(cycle, "Telefon", phone) == []


def test_a_valid_attendee_is_saved_as_the_import_would_store_it(staff_client, cycle):
    response = admin_add(
        staff_client,
        cycle,
        full_name="  Anna   Nowak ",
        organisation_name="Urząd\tGminy  Słupno",
        sector="ngo",
        email="anna@example.org",
        phone="-",
    )
    assert response.status_code == 302
    anna = Attendee.objects.get(cycle=cycle, full_name="Anna Nowak")
    assert (anna.organisation_name, anna.sector, anna.email, anna.phone) == (
        "Urząd Gminy Słupno",
        "ngo",
        "anna@example.org",
        "",
    )


def test_an_edit_is_checked_too(staff_client, cycle):
    anna = Attendee.objects.create(cycle=cycle, full_name="Anna Nowak")
    data = {
        "cycle": cycle.pk,
        "full_name": HYPERLINK,
        "attendances-TOTAL_FORMS": "0",
        "attendances-INITIAL_FORMS": "0",
        "attendances-MIN_NUM_FORMS": "0",
        "attendances-MAX_NUM_FORMS": "1000",
    }
    response = staff_client.post(reverse("admin:workshops_attendee_change", args=[anna.pk]), data)
    assert admin_errors(response)["full_name"] == [FORMULA_REASON]
    anna.refresh_from_db()
    assert anna.full_name == "Anna Nowak"
