"""The attendance register: the grid, saving it in one go, refusing foreign rows."""

import pytest
from django.core.exceptions import ValidationError

from workshops.attendance import attendance_grid, attendance_register_save
from workshops.models import Attendance, Attendee, Session, WorkshopCycle

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


def session_ids(cycle, *ordinals):
    return set(cycle.sessions.filter(ordinal__in=ordinals).values_list("pk", flat=True))


def test_save_marks_exactly_what_was_ticked(cycle, people):
    anna, bartosz, celina = people
    change = attendance_register_save(
        cycle=cycle,
        marks={
            anna.pk: session_ids(cycle, 1, 2),
            bartosz.pk: session_ids(cycle, 6),
            celina.pk: set(),
        },
    )
    assert (change.added, change.removed) == (3, 0)
    grid = attendance_grid(cycle=cycle)
    assert grid.per_attendee() == {anna.pk: 2, bartosz.pk: 1, celina.pk: 0}
    assert sum(grid.per_session().values()) == 3


def test_unticking_removes_attendance(cycle, people):
    anna = people[0]
    attendance_register_save(cycle=cycle, marks={anna.pk: session_ids(cycle, 1, 2, 3)})
    change = attendance_register_save(cycle=cycle, marks={anna.pk: session_ids(cycle, 2)})
    assert (change.added, change.removed) == (0, 2)
    assert Attendance.objects.filter(attendee=anna).count() == 1


def test_foreign_session_refused_and_nothing_saved(cycle, people):
    foreign = Session.objects.get(cycle__slug="wlosg-2017-losicki", ordinal=1)
    with pytest.raises(ValidationError):
        attendance_register_save(
            cycle=cycle, marks={people[0].pk: session_ids(cycle, 1) | {foreign.pk}}
        )
    assert not Attendance.objects.exists()


def test_foreign_attendee_refused(cycle):
    other = Attendee.objects.create(
        cycle=WorkshopCycle.objects.get(slug="wlosg-2017-losicki"), full_name="Obcy"
    )
    with pytest.raises(ValidationError):
        attendance_register_save(cycle=cycle, marks={other.pk: session_ids(cycle, 1)})


def test_grid_for_250_attendees_in_fixed_queries(cycle, django_assert_max_num_queries):
    attendees = Attendee.objects.bulk_create(
        Attendee(cycle=cycle, full_name=f"Uczestnik {i:03d}") for i in range(250)
    )
    sessions = list(cycle.sessions.all())
    Attendance.objects.bulk_create(
        Attendance(attendee=a, session=s) for a in attendees for s in sessions
    )
    with django_assert_max_num_queries(3):
        grid = attendance_grid(cycle=cycle)
    assert len(grid.marks) == 1500


def test_saving_250_by_6_in_fixed_queries(cycle, django_assert_max_num_queries):
    attendees = Attendee.objects.bulk_create(
        Attendee(cycle=cycle, full_name=f"Uczestnik {i:03d}") for i in range(250)
    )
    everything = set(cycle.sessions.values_list("pk", flat=True))
    # 1,500 rows and their audit-trail copies go in batched inserts (SQLite takes ~250
    # attendance rows or ~120 history rows per statement): about one query per 100 rows.
    with django_assert_max_num_queries(30):
        change = attendance_register_save(cycle=cycle, marks={a.pk: everything for a in attendees})
    assert change.added == 1500
