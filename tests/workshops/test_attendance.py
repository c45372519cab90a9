"""The attendance register: a page at a time, saving only the cells the user changed.

Several tests drive the screen as a browser would: they read the form out of the page
(hidden fields and ticked boxes), tick or clear boxes, and post it back.
"""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse

from tests.htmlforms import BrowserForm
from tests.records import LOSICE_2017
from workshops.attendance import attendance_register_save, register_page, rows_per_page
from workshops.importing import attendees_import
from workshops.models import Attendance, Attendee, Session, WorkshopCycle
from workshops.privacy import attendee_anonymise

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(cycle):
    return [
        Attendee.objects.create(cycle=cycle, full_name=name)
        for name in ("Anna Nowak", "Bartosz Kowal", "Celina Wiśniewska")
    ]


def session_ids(cycle, *ordinals):
    return set(cycle.sessions.filter(ordinal__in=ordinals).values_list("pk", flat=True))


def register_url(cycle, query=""):
    return reverse("admin:workshops_workshopcycle_attendance", args=[cycle.pk]) + query


class RegisterForm(BrowserForm):
    def set(self, attendee: Attendee, session_id: int, checked: bool):
        self.tick(f"a{attendee.pk}", str(session_id), checked)


def said(response) -> str:
    """The messages shown after a redirect, in one string."""
    return " | ".join(str(message) for message in response.context["messages"])


def open_register(client, cycle, query="") -> RegisterForm:
    response = client.get(register_url(cycle, query))
    assert response.status_code == 200
    return RegisterForm(response.content.decode())


def marks(cycle) -> set[tuple[int, int]]:
    return set(
        Attendance.objects.filter(session__cycle=cycle).values_list("attendee_id", "session_id")
    )


def shown_as(cycle, attendees, state=()):
    """The cells of ``attendees`` as a page shows them, ticked where ``state`` says."""
    sessions = cycle.sessions.values_list("pk", flat=True)
    return {(a.pk, s): (a.pk, s) in set(state) for a in attendees for s in sessions}


# -- The service ---------------------------------------------------------------------------


def test_save_marks_what_the_user_ticked(cycle, people):
    anna, bartosz, celina = people
    ticked = {(anna.pk, s) for s in session_ids(cycle, 1, 2)} | {
        (bartosz.pk, s) for s in session_ids(cycle, 6)
    }
    change = attendance_register_save(cycle=cycle, shown=shown_as(cycle, people), ticked=ticked)
    assert (change.added, change.removed, change.already, change.others) == (3, 0, 0, 0)
    assert marks(cycle) == ticked


def test_clearing_a_box_removes_that_mark_only(cycle, people):
    anna = people[0]
    three = {(anna.pk, s) for s in session_ids(cycle, 1, 2, 3)}
    Attendance.objects.bulk_create(Attendance(attendee_id=a, session_id=s) for a, s in three)
    keep = {(anna.pk, s) for s in session_ids(cycle, 2)}
    change = attendance_register_save(
        cycle=cycle, shown=shown_as(cycle, [anna], three), ticked=keep
    )
    assert (change.added, change.removed) == (0, 2)
    assert marks(cycle) == keep


def test_cells_not_changed_are_never_written(cycle, people):
    """A page drawn before someone else's save: the untouched cells keep their marks."""
    anna, bartosz, _celina = people
    page = shown_as(cycle, [anna, bartosz])  # nothing ticked when the page was drawn
    theirs = {(bartosz.pk, s) for s in session_ids(cycle, 1, 2, 3)}
    Attendance.objects.bulk_create(Attendance(attendee_id=a, session_id=s) for a, s in theirs)
    mine = {(anna.pk, s) for s in session_ids(cycle, 4)}
    change = attendance_register_save(cycle=cycle, shown=page, ticked=mine)
    assert (change.added, change.removed, change.others) == (1, 0, 3)
    assert marks(cycle) == theirs | mine


def test_the_same_change_by_two_clerks_is_counted_once(cycle, people):
    anna = people[0]
    cell = (anna.pk, min(session_ids(cycle, 1)))
    page = shown_as(cycle, [anna])
    first = attendance_register_save(cycle=cycle, shown=page, ticked={cell})
    second = attendance_register_save(cycle=cycle, shown=page, ticked={cell})
    assert (first.added, first.already) == (1, 0)
    assert (second.added, second.already) == (0, 1)
    assert Attendance.objects.filter(attendee=anna).count() == 1


def test_foreign_session_refused_and_nothing_saved(cycle, people):
    foreign = Session.objects.get(cycle__slug=LOSICE_2017, ordinal=1)
    shown = {**shown_as(cycle, people[:1]), (people[0].pk, foreign.pk): False}
    with pytest.raises(ValidationError):
        attendance_register_save(cycle=cycle, shown=shown, ticked=set(shown))
    assert not Attendance.objects.exists()


def test_foreign_attendee_refused(cycle):
    other = Attendee.objects.create(
        cycle=WorkshopCycle.objects.get(slug=LOSICE_2017), full_name="Obcy"
    )
    shown = shown_as(cycle, [other])
    with pytest.raises(ValidationError):
        attendance_register_save(cycle=cycle, shown=shown, ticked=set(shown))
    assert not Attendance.objects.exists()


def test_a_ticked_cell_that_was_not_shown_is_refused(cycle, people):
    with pytest.raises(ValidationError):
        attendance_register_save(
            cycle=cycle,
            shown=shown_as(cycle, people[:1]),
            ticked={(people[1].pk, min(session_ids(cycle, 1)))},
        )
    assert not Attendance.objects.exists()


def test_changes_for_an_attendee_erased_meanwhile_are_skipped(cycle, people):
    anna, bartosz, _celina = people
    page = shown_as(cycle, [anna, bartosz])
    attendee_anonymise(attendee=anna)
    first = min(session_ids(cycle, 1))
    change = attendance_register_save(
        cycle=cycle, shown=page, ticked={(anna.pk, first), (bartosz.pk, first)}
    )
    assert (change.added, change.gone) == (1, 1)
    assert marks(cycle) == {(bartosz.pk, first)}


def test_page_of_250_attendees_in_fixed_queries(cycle, django_assert_max_num_queries):
    attendees = Attendee.objects.bulk_create(
        Attendee(cycle=cycle, full_name=f"Uczestnik {i:03d}") for i in range(250)
    )
    sessions = list(cycle.sessions.all())
    Attendance.objects.bulk_create(
        Attendance(attendee=a, session=s) for a in attendees for s in sessions
    )
    with django_assert_max_num_queries(5):
        register = register_page(cycle=cycle, page=2)
        rows = register.rows()
    assert register.total_marks == 1500 and register.attendee_count == 250
    assert len(rows) == rows_per_page(6) and all(row["count"] == 6 for row in rows)


def test_saving_a_full_page_in_fixed_queries(cycle, django_assert_max_num_queries):
    attendees = Attendee.objects.bulk_create(
        Attendee(cycle=cycle, full_name=f"Uczestnik {i:03d}") for i in range(100)
    )
    shown = shown_as(cycle, attendees)
    # 600 rows and their audit-trail copies go in batched inserts (SQLite takes ~250
    # attendance rows or ~120 history rows per statement); the kept counts' refresh is a
    # fixed number of statements (workshops.figures: the cycle locked, 3 deletes, 3
    # inserts; then the totals of its periods locked, deleted, counted again).
    with django_assert_max_num_queries(26):
        change = attendance_register_save(cycle=cycle, shown=shown, ticked=set(shown))
    assert change.added == 600


# -- The screen ------------------------------------------------------------------------------


def test_a_stale_register_never_undoes_an_import(staff_client, cycle, people, settings):
    """Clerk A opens the register; clerk B imports two people with five marks; A saves
    the unchanged page: B's marks stay (before: "5 unmarked", B's marks gone)."""
    form = open_register(staff_client, cycle)
    attendees_import(
        cycle=cycle,
        rows=[
            {"row": 2, "full_name": "Dorota Zając", "sessions": [1, 2, 3]},
            {"row": 3, "full_name": "Emil Lis", "sessions": [1, 2]},
        ],
    )
    before = marks(cycle)
    assert len(before) == 5
    response = staff_client.post(register_url(cycle), form.data(), follow=True)
    assert "zaznaczono 0, odznaczono 0" in said(response)
    assert marks(cycle) == before


def test_an_empty_post_changes_nothing(staff_client, cycle, people):
    Attendance.objects.bulk_create(
        Attendance(attendee=a, session=s) for a in people for s in cycle.sessions.all()
    )
    before = marks(cycle)
    response = staff_client.post(register_url(cycle), {})
    assert response.status_code == 302
    assert marks(cycle) == before


def test_a_partial_post_changes_only_what_it_carries(staff_client, cycle, people):
    anna, bartosz, _celina = people
    Attendance.objects.bulk_create(
        Attendance(attendee=a, session=s) for a in people for s in cycle.sessions.all()
    )
    first = min(session_ids(cycle, 1))
    # Only Anna's row with one session, which is now cleared.
    data = {"session": [str(first)], "row": [str(anna.pk)], f"was{anna.pk}": str(first)}
    assert staff_client.post(register_url(cycle), data).status_code == 302
    assert (anna.pk, first) not in marks(cycle)
    assert len(marks(cycle)) == 3 * 6 - 1


def test_two_clerks_change_the_same_cell(staff_client, second_staff_client, cycle, people):
    client = second_staff_client
    anna = people[0]
    first = min(session_ids(cycle, 1))
    form_a, form_b = open_register(staff_client, cycle), open_register(client, cycle)
    form_a.set(anna, first, True)
    form_b.set(anna, first, True)
    staff_client.post(register_url(cycle), form_a.data())
    response = client.post(register_url(cycle), form_b.data(), follow=True)
    assert "zaznaczono 0, odznaczono 0" in said(response)
    assert "1 z Twoich zmian" in said(response)
    assert Attendance.objects.filter(attendee=anna, session_id=first).count() == 1


def test_someone_elses_marks_on_the_page_are_kept_and_reported(staff_client, cycle, people):
    anna, bartosz, _celina = people
    form = open_register(staff_client, cycle)
    first = min(session_ids(cycle, 1))
    Attendance.objects.create(attendee=bartosz, session_id=first)  # another clerk
    form.set(anna, first, True)
    response = staff_client.post(register_url(cycle), form.data(), follow=True)
    assert marks(cycle) == {(anna.pk, first), (bartosz.pk, first)}
    assert "zaznaczono 1, odznaczono 0" in said(response)
    assert "zmienił 1 obecność" in said(response)


def test_search_finds_an_attendee_by_name(staff_client, cycle, people):
    response = staff_client.get(register_url(cycle, "?q=wiśniew"))
    names = [row["attendee"].full_name for row in response.context["rows"]]
    assert names == ["Celina Wiśniewska"]
    nobody = staff_client.get(register_url(cycle, "?q=%00zzz"))
    assert nobody.status_code == 200 and nobody.context["rows"] == []


def test_damaged_form_is_refused_without_saving(staff_client, cycle, people):
    data = {"session": ["x1"], "row": [str(people[0].pk)], f"a{people[0].pk}": ["1"]}
    response = staff_client.post(register_url(cycle), data, follow=True)
    assert "niczego nie zapisano" in said(response)
    assert not Attendance.objects.exists()


def test_1200_attendees_by_6_sessions_saved_page_by_page(staff_client, cycle):
    """The import accepts 10,000 attendees; every page of the register fits Django's
    limit on posted fields (before: 400 "Bad request" above ~715 × 6)."""
    attendees = Attendee.objects.bulk_create(
        Attendee(cycle=cycle, full_name=f"Uczestnik {i:04d}") for i in range(1200)
    )
    page_number, pages = 1, 0
    while True:
        form = open_register(staff_client, cycle, f"?page={page_number}")
        assert form.field_count() < settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
        for name, value in list(form.ticks):
            form.ticks[(name, value)] = True
        response = staff_client.post(register_url(cycle, f"?page={page_number}"), form.data())
        assert response.status_code == 302
        pages += 1
        if page_number * rows_per_page(6) >= len(attendees):
            break
        page_number += 1
    assert pages == -(-1200 // rows_per_page(6))
    assert Attendance.objects.filter(session__cycle=cycle).count() == 1200 * 6
