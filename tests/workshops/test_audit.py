"""The audit trail: who changed what and when, visible on the object in the admin."""

import pytest
from django.contrib.auth.models import Group, User
from django.urls import reverse

from accounts.models import StaffProfile
from accounts.roles import COUNTY_STAFF, GROUP_NAMES
from programmes.models import County
from tests.records import PLOCK
from workshops.models import Attendance, Attendee, Certificate
from workshops.privacy import attendee_anonymise

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(client):
    user = User.objects.create_user("kasia.plock", is_staff=True)
    user.groups.add(Group.objects.get(name=GROUP_NAMES[COUNTY_STAFF]))
    StaffProfile.objects.create(user=user).counties.set(County.objects.filter(code=PLOCK))
    client.force_login(user)
    return user


@pytest.fixture
def certificate_min_sessions():
    """The ``cycle`` fixture's (Płock 2017) sessions needed for a certificate."""
    return 1


def attendee_form(attendee, **changes):
    return {
        "cycle": attendee.cycle_id,
        "full_name": attendee.full_name,
        "organisation_name": attendee.organisation_name,
        "sector": attendee.sector,
        "email": attendee.email,
        "phone": attendee.phone,
        "consent_note": attendee.consent_note,
        "attendances-TOTAL_FORMS": "0",
        "attendances-INITIAL_FORMS": "0",
        "attendances-MIN_NUM_FORMS": "0",
        "attendances-MAX_NUM_FORMS": "1000",
        **changes,
    }


def test_an_admin_edit_records_who_and_what(client, staff, cycle):
    attendee = Attendee.objects.create(cycle=cycle, full_name="Jan Audytowy", phone="600100200")
    url = reverse("admin:workshops_attendee_change", args=[attendee.pk])
    assert client.post(url, attendee_form(attendee, phone="600999888")).status_code == 302

    latest = attendee.history.first()
    assert (latest.history_type, latest.history_user) == ("~", staff)
    delta = latest.diff_against(latest.prev_record)
    assert [(c.field, c.old, c.new) for c in delta.changes] == [("phone", "600100200", "600999888")]

    page = client.get(reverse("admin:workshops_attendee_history", args=[attendee.pk]))
    assert page.status_code == 200
    assert "kasia.plock" in page.content.decode()


def test_register_and_certificates_screens_are_recorded_with_their_user(client, staff, cycle):
    attendee = Attendee.objects.create(cycle=cycle, full_name="Ewa Rejestrowa")
    session = cycle.sessions.get(ordinal=1)
    client.post(
        reverse("admin:workshops_workshopcycle_attendance", args=[cycle.pk]),
        {
            "session": [session.pk],
            "row": [attendee.pk],
            f"was{attendee.pk}": "",
            f"a{attendee.pk}": [session.pk],
        },
    )
    client.post(
        reverse("admin:workshops_workshopcycle_certificates", args=[cycle.pk]),
        {"issued_by": "Dyrektor PUP"},
    )
    attendance = Attendance.objects.get(attendee=attendee)
    certificate = Certificate.objects.get(attendee=attendee)
    assert attendance.history.get().history_user == staff
    assert certificate.history.get().history_user == staff


def test_erasure_leaves_no_personal_data_in_the_history(cycle):
    attendee = Attendee.objects.create(
        cycle=cycle, full_name="Rafał Historyczny", email="rafal@example.org"
    )
    attendee.phone = "700200300"
    attendee.save()
    attendee_anonymise(attendee=attendee)
    names = set(attendee.history.values_list("full_name", "email", "phone"))
    assert names == {("", "", "")}
