"""The workshops' admin. An attendee with attendance or a certificate cannot be moved to
another cycle: their marks would stay on the old cycle's sessions, their certificate would
name a cycle they are no longer in; one without either can be moved (a registration
mistake). The breadcrumbs name the app and the list apart."""

import pytest

from accounts.roles import ADMINISTRATOR
from tests.conftest import staff_login
from tests.factories import AttendanceFactory, AttendeeFactory, CycleFactory, make_user
from tests.htmlforms import admin_change_form
from workshops.models import Attendance, Attendee

pytestmark = pytest.mark.django_db


@pytest.fixture
def administrator_client(client):
    staff_login(client, make_user("administratorka", ADMINISTRATOR))
    return client


def move(client, attendee, cycle):
    address, form = admin_change_form(client, attendee)
    form["cycle"] = str(cycle.pk)
    return client.post(address, form.data())


def test_an_attendee_with_attendance_stays_in_their_cycle(administrator_client, cycle):
    attendee = AttendeeFactory(cycle=cycle, full_name="Ola Przenoszona")
    AttendanceFactory(attendee=attendee, session=cycle.sessions.order_by("ordinal").first())
    other = CycleFactory(county=cycle.county, programme=cycle.programme)
    response = move(administrator_client, attendee, other)
    assert response.status_code == 200
    assert "nie można go przenieść do innego" in response.content.decode()
    assert Attendee.objects.get(pk=attendee.pk).cycle_id == cycle.pk
    assert Attendance.objects.filter(attendee=attendee).count() == 1


def test_the_refusal_in_english(administrator_client, cycle, english):
    attendee = AttendeeFactory(cycle=cycle, full_name="Ola Przenoszona")
    AttendanceFactory(attendee=attendee, session=cycle.sessions.order_by("ordinal").first())
    other = CycleFactory(county=cycle.county, programme=cycle.programme)
    assert (
        "cannot be moved to another one"
        in move(administrator_client, attendee, other).content.decode()
    )


def test_an_attendee_without_records_can_be_moved(administrator_client, cycle):
    attendee = AttendeeFactory(cycle=cycle, full_name="Ela Pomylona")
    other = CycleFactory(county=cycle.county, programme=cycle.programme)
    assert move(administrator_client, attendee, other).status_code == 302
    assert Attendee.objects.get(pk=attendee.pk).cycle_id == other.pk


def test_the_cycle_screens_breadcrumbs_name_the_app_and_the_list_apart(administrator_client):
    from django.urls import reverse

    page = administrator_client.get(reverse("admin:workshops_workshopcycle_changelist"))
    breadcrumbs = page.content.decode().split('class="breadcrumbs"')[1].split("</div>")[0]
    assert "Warsztaty i certyfikaty" in breadcrumbs and "Cykle warsztatów" in breadcrumbs
