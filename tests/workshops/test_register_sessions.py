"""The register's session columns: their dates in the header and the "all"/"none"
buttons that tick or clear a whole session, on the page shown only (issue 10's rule: a
save changes only cells the page showed, and says what it did). They are plain submit
buttons of the register's form, so they work without JavaScript."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import make_user
from tests.htmlforms import BrowserForm
from workshops.attendance import rows_per_page
from workshops.models import Attendance, Attendee, WorkshopCycle

pytestmark = pytest.mark.django_db


@pytest.fixture
def cycle():
    return WorkshopCycle.objects.get(slug="wlosg-2017-plocki")


@pytest.fixture
def people(cycle):
    return [
        Attendee.objects.create(cycle=cycle, full_name=name)
        for name in ("Anna Nowak", "Bartosz Kowal", "Celina Wiśniewska")
    ]


def url(cycle, query=""):
    return reverse("admin:workshops_workshopcycle_attendance", args=[cycle.pk]) + query


def open_register(client, cycle, query="") -> BrowserForm:
    response = client.get(url(cycle, query))
    assert response.status_code == 200
    return BrowserForm(response.content.decode(), form_id="register-form")


def said(response) -> str:
    return " | ".join(str(m) for m in response.context["messages"])


def session(cycle, ordinal):
    return cycle.sessions.get(ordinal=ordinal)


def marks(cycle, ordinal):
    return set(
        Attendance.objects.filter(session__cycle=cycle, session__ordinal=ordinal).values_list(
            "attendee__full_name", flat=True
        )
    )


def press(client, cycle, form, action, ordinal, query=""):
    data = form.data() | {"column": f"{action}:{session(cycle, ordinal).pk}"}
    return client.post(url(cycle, query), data, follow=True)


def test_the_header_shows_each_session_with_its_date_and_buttons(staff_client, cycle, people):
    response = staff_client.get(url(cycle))
    html = response.content.decode()
    first = session(cycle, 1)
    assert str(first.dates) in html
    assert f'name="column" value="tick:{first.pk}"' in html
    assert f'name="column" value="clear:{first.pk}"' in html
    assert "zaznacz sesję I wszystkim na tej stronie" in html  # the buttons' accessible name


def test_ticking_a_session_marks_everyone_on_the_page(staff_client, cycle, people):
    Attendance.objects.create(attendee=people[0], session=session(cycle, 1))
    form = open_register(staff_client, cycle)
    form.tick(f"a{people[2].pk}", str(session(cycle, 3).pk))  # another change, kept
    response = press(staff_client, cycle, form, "tick", 1)
    assert marks(cycle, 1) == {"Anna Nowak", "Bartosz Kowal", "Celina Wiśniewska"}
    assert marks(cycle, 3) == {"Celina Wiśniewska"}
    assert "Sesję I zaznaczono 3 uczestnikom widocznym na tej stronie" in said(response)
    assert "zaznaczono 3, odznaczono 0" in said(response)


def test_clearing_a_session_clears_the_page_only(staff_client, cycle):
    per_page = rows_per_page(cycle.sessions.count())
    attendees = Attendee.objects.bulk_create(
        Attendee(cycle=cycle, full_name=f"Uczestnik {i:03d}") for i in range(per_page + 5)
    )
    second = session(cycle, 2)
    Attendance.objects.bulk_create(Attendance(attendee=a, session=second) for a in attendees)
    form = open_register(staff_client, cycle)
    response = press(staff_client, cycle, form, "clear", 2)
    assert len(marks(cycle, 2)) == 5  # the next page's five rows keep theirs
    assert f"Sesję II odznaczono {per_page} uczestnikom" in said(response)
    assert f"zaznaczono 0, odznaczono {per_page}" in said(response)
    # On page 2, ticking session I marks that page's five rows only.
    form = open_register(staff_client, cycle, "?page=2")
    press(staff_client, cycle, form, "tick", 1, "?page=2")
    assert len(marks(cycle, 1)) == 5


def test_a_search_page_changes_the_rows_found_only(staff_client, cycle, people):
    form = open_register(staff_client, cycle, "?q=nowak")
    press(staff_client, cycle, form, "tick", 4, "?q=nowak")
    assert marks(cycle, 4) == {"Anna Nowak"}


def test_two_clerks_a_whole_session_keeps_the_other_clerks_changes(
    staff_client, second_staff_client, cycle, people
):
    """Anna opens the register; Bartek clears Anna Nowak at session I (ticked when Anna's
    page was drawn) and ticks Bartosz at session II; Anna then ticks all of session I.
    Her button changes only the cells her page showed unticked; Bartek's changes stay,
    and she is told someone else changed marks on her page."""
    anna, bartek = staff_client, second_staff_client
    nowak, kowal, celina = people
    Attendance.objects.create(attendee=nowak, session=session(cycle, 1))
    page_a = open_register(anna, cycle)
    page_b = open_register(bartek, cycle)
    page_b.tick(f"a{nowak.pk}", str(session(cycle, 1).pk), False)
    page_b.tick(f"a{kowal.pk}", str(session(cycle, 2).pk), True)
    assert bartek.post(url(cycle), page_b.data()).status_code == 302
    response = press(anna, cycle, page_a, "tick", 1)
    assert marks(cycle, 1) == {"Bartosz Kowal", "Celina Wiśniewska"}
    assert marks(cycle, 2) == {"Bartosz Kowal"}
    text = said(response)
    assert "zaznaczono 2, odznaczono 0" in text
    assert "zmienił 2 obecności" in text  # Bartek's two, kept


def test_a_damaged_column_saves_nothing(staff_client, cycle, people):
    form = open_register(staff_client, cycle)
    form.tick(f"a{people[0].pk}", str(session(cycle, 1).pk))
    for value in ("tick:abc", "tick:", "tick:99999999", "tick:١"):
        response = staff_client.post(url(cycle), form.data() | {"column": value}, follow=True)
        assert response.status_code == 200
        assert "niczego nie zapisano" in said(response)
    assert not Attendance.objects.exists()
    # An unknown action is no button: the page is saved as it is.
    staff_client.post(url(cycle), form.data() | {"column": "explode:1"})
    assert Attendance.objects.count() == 1


def test_a_coordinator_reads_the_register_without_buttons(client, cycle, people):
    """Coordinators may read attendance, not change it."""

    from accounts.roles import COORDINATOR
    from tests.conftest import staff_login

    user = make_user("koordynator", COORDINATOR)  # Mazowieckie's
    staff_login(client, user)
    html = client.get(url(cycle)).content.decode()
    assert 'name="column"' not in html
    response = client.post(url(cycle), {"column": f"tick:{session(cycle, 1).pk}"})
    assert response.status_code == 403
    assert not Attendance.objects.exists()


def test_register_queries_do_not_grow_with_rows(staff_client, cycle):
    counts = []
    for size in (10, 90):
        Attendee.objects.filter(cycle=cycle).delete()
        attendees = Attendee.objects.bulk_create(
            Attendee(cycle=cycle, full_name=f"Osoba {i:03d}") for i in range(size)
        )
        Attendance.objects.bulk_create(
            Attendance(attendee=a, session=s) for a in attendees for s in cycle.sessions.all()
        )
        with CaptureQueriesContext(connection) as queries:
            assert staff_client.get(url(cycle)).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
