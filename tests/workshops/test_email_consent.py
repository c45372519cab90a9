"""The attendee's consent to e-mail (``Attendee.email_consent``): the import's column
“Zgoda na e-mail”, the admin form, the personal-data export and the erasure."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from tests.workshops.test_import import csv_file, parse
from workshops.attendee_fields import consent_clean
from workshops.importing import attendee_template_file, attendees_import
from workshops.models import Attendee
from workshops.privacy import attendee_anonymise, attendees_anonymise_expired

pytestmark = pytest.mark.django_db

HEADER = ["Imię i nazwisko", "E-mail", "Zgoda na e-mail", "Sesje"]


@pytest.mark.parametrize(
    ("cell", "consent"),
    [("tak", True), ("TAK", True), (" Tak ", True), ("x", True), ("yes", True), ("1", True)]
    + [("nie", False), ("", False), ("-", False), ("no", False), ("0", False)],
)
def test_consent_cells(cell, consent):
    assert consent_clean(cell) is consent


@pytest.mark.parametrize("cell", ["może", "=TRUE()", "tak\x00", "zgadzam się chyba"])
def test_other_consent_cells_are_refused(cell):
    with pytest.raises(ValidationError):
        consent_clean(cell)


def test_the_import_reads_the_consent_column(cycle):
    rows = [
        ["Ala Zgodna", "ala@example.org", "tak", "1"],
        ["Bolek Niezgodny", "bolek@example.org", "nie", "1"],
        ["Celina Bezodpowiedzi", "celina@example.org", "", "1"],
    ]
    preview = parse(cycle, csv_file(rows, header=HEADER))
    assert preview.is_valid
    assert [row.email_consent for row in preview.new_rows] == [True, False, False]
    attendees_import(cycle=cycle, rows=preview.rows)
    consents = dict(Attendee.objects.filter(cycle=cycle).values_list("full_name", "email_consent"))
    assert consents == {
        "Ala Zgodna": True,
        "Bolek Niezgodny": False,
        "Celina Bezodpowiedzi": False,
    }


def test_a_wrong_consent_cell_is_an_error_of_its_row(cycle):
    preview = parse(cycle, csv_file([["Ala", "ala@example.org", "chyba", "1"]], header=HEADER))
    assert not preview.is_valid
    [error] = preview.errors
    assert (error.row, error.column) == (2, "Zgoda na e-mail")


def test_without_the_column_nobody_has_consented(cycle):
    preview = parse(
        cycle,
        csv_file([["Ala", "ala@example.org", "1"]], header=["Imię i nazwisko", "E-mail", "Sesje"]),
    )
    attendees_import(cycle=cycle, rows=preview.rows)
    assert Attendee.objects.get(cycle=cycle, full_name="Ala").email_consent is False


def test_a_matched_row_adds_consent_but_never_removes_it(cycle):
    Attendee.objects.create(cycle=cycle, full_name="Ala", email="ala@example.org")
    Attendee.objects.create(
        cycle=cycle, full_name="Ola", email="ola@example.org", email_consent=True
    )
    rows = [["Ala", "ala@example.org", "tak", "1"], ["Ola", "ola@example.org", "nie", "1"]]
    preview = parse(cycle, csv_file(rows, header=HEADER))
    assert preview.matched_count == 2
    attendees_import(cycle=cycle, rows=preview.rows)
    consents = dict(Attendee.objects.filter(cycle=cycle).values_list("full_name", "email_consent"))
    assert consents == {"Ala": True, "Ola": True}


def test_a_tampered_payload_is_refused(cycle):
    preview = parse(cycle, csv_file([["Ala", "ala@example.org", "tak", "1"]], header=HEADER))
    rows = preview.rows
    rows[0]["email_consent"] = "tak"  # the session holds a boolean
    with pytest.raises(ValidationError):
        attendees_import(cycle=cycle, rows=rows)


def test_the_template_has_the_column():
    header = attendee_template_file(format="csv").decode("utf-8-sig").splitlines()[0]
    assert "Zgoda na e-mail" in header.split(";")


def test_the_admin_form_records_consent(staff_client, cycle):
    from tests.htmlforms import admin_change_form

    attendee = Attendee.objects.create(cycle=cycle, full_name="Ala", email="ala@example.org")
    address, form = admin_change_form(staff_client, attendee)
    form["email_consent"] = "on"
    assert staff_client.post(address, form.data()).status_code == 302
    attendee.refresh_from_db()
    assert attendee.email_consent is True


def test_export_shows_it_and_erasure_clears_it(staff_client, cycle):
    attendee = Attendee.objects.create(
        cycle=cycle, full_name="Ala", email="ala@example.org", email_consent=True
    )
    export = staff_client.get(reverse("admin:workshops_attendee_export", args=[attendee.pk]))
    assert json.loads(export.content)["attendee"]["email_consent"] is True
    attendee_anonymise(attendee=attendee)
    attendee.refresh_from_db()
    assert attendee.email_consent is False
    assert not attendee.history.filter(email_consent=True).exists()


def test_the_retention_job_clears_it(cycle, settings):
    Attendee.objects.create(cycle=cycle, full_name="Ala", email="a@example.org", email_consent=True)
    attendees_anonymise_expired(years=1)
    assert not Attendee.objects.filter(cycle=cycle, email_consent=True).exists()
