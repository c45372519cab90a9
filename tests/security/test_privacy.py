"""Export, erasure and retention of attendees' personal data."""

import datetime
import json

import pytest
from django.core.management import call_command

from workshops.certificates import certificates_issue
from workshops.models import Attendance, Attendee, Certificate
from workshops.privacy import (
    attendee_anonymise,
    attendee_personal_data,
    attendees_past_retention,
)

pytestmark = pytest.mark.django_db

PERSON = {
    "full_name": "Zenobia Przykładowa-Ćwik",
    "organisation_name": "Stowarzyszenie Testowe Ąę",
    "email": "zenobia.cwik@example.org",
    "phone": "+48 600 111 222",
    "consent_note": "Zgoda pisemna z 25.05.2017",
}


@pytest.fixture
def certificate_min_sessions():
    """The ``cycle`` fixture's (Płock 2017) sessions needed for a certificate."""
    return 2


@pytest.fixture
def person(cycle):
    attendee = Attendee.objects.create(cycle=cycle, sector="ngo", **PERSON)
    Attendance.objects.bulk_create(
        Attendance(attendee=attendee, session=s) for s in cycle.sessions.filter(ordinal__lte=3)
    )
    certificates_issue(cycle=cycle, issued_by="Dyrektor PUP")
    return attendee


def test_export_holds_everything_about_the_person(person):
    data = attendee_personal_data(attendee=person)
    assert data["attendee"]["email"] == PERSON["email"]
    assert [s["number"] for s in data["sessions_attended"]] == ["I", "II", "III"]
    assert data["certificates"][0]["number"] == "1419/2017/001"
    json.dumps(data)  # serialisable as it is


def test_erasure_removes_identity_but_keeps_counts_and_certificate(person, cycle):
    attendee_anonymise(attendee=person)
    person.refresh_from_db()
    assert [getattr(person, f) for f in PERSON] == ["", "", "", "", ""]
    assert person.anonymised_at is not None
    assert person.sector == "ngo"
    assert Attendance.objects.filter(attendee=person).count() == 3
    assert Certificate.objects.valid().filter(attendee=person).count() == 1
    assert Attendee.objects.filter(cycle=cycle).count() == 1


def test_erased_data_is_gone_from_the_database_everywhere(person, django_db_blocker):
    attendee_anonymise(attendee=person)
    from django.db import connection

    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
        for table in tables:
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608 - test introspection
            dump = repr(cursor.fetchall())
            assert PERSON["email"] not in dump, table
            assert PERSON["full_name"] not in dump, table


def test_retention_selects_cycles_that_ended_long_ago(person):
    today = datetime.date(2026, 11, 25)
    assert list(attendees_past_retention(years=5, today=today)) == [person]
    assert list(attendees_past_retention(years=10, today=today)) == []


def test_retention_command_anonymises(person):
    call_command("anonymise_attendees", "--years", "1", verbosity=0)
    person.refresh_from_db()
    assert person.full_name == ""
    assert Certificate.objects.valid().filter(attendee=person).exists()


def test_retention_command_dry_run_changes_nothing(person, capsys):
    call_command("anonymise_attendees", "--years", "1", "--dry-run")
    person.refresh_from_db()
    assert person.full_name == PERSON["full_name"]
    assert "1 attendee" in capsys.readouterr().out
