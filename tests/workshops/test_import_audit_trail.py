"""The importer writes its audit trail with one INSERT … SELECT per batch: every new
attendee and attendance mark still gets exactly the history row django-simple-history
would write (``+``, the request's user, the import's reason, every field)."""

import pytest
from django.contrib.auth.models import AnonymousUser, User
from django.db import connection
from django.forms.models import model_to_dict
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from simple_history.models import HistoricalRecords

from tests.records import LOSICE_2017
from workshops import importing
from workshops.importing import IMPORT_CHANGE_REASON, attendees_import
from workshops.models import Attendance, Attendee, Session, WorkshopCycle

pytestmark = pytest.mark.django_db


@pytest.fixture
def as_user():
    """The request the history middleware would hold, with the given user."""

    def set_user(user):
        request = RequestFactory().post("/")
        request.user = user
        HistoricalRecords.context.request = request

    yield set_user
    if hasattr(HistoricalRecords.context, "request"):
        del HistoricalRecords.context.request


def rows(n, sessions=(1, 2, 3)):
    return [
        {
            "row": i + 2,
            "full_name": f"Osoba Testowa {i}",
            "organisation_name": "Stowarzyszenie „Źródło”" if i % 2 else "",
            "sector": "ngo" if i % 3 else "",
            "email": f"osoba{i}@example.org",
            "phone": "+48 600 100 200" if i % 4 == 0 else "",
            "sessions": list(sessions[: 1 + i % len(sessions)]),
            "attendee_id": None,
        }
        for i in range(n)
    ]


def tracked(instance, fields):
    return {field.attname: getattr(instance, field.attname) for field in fields}


def test_every_new_row_has_its_history_row_with_the_user_and_the_reason(cycle, as_user):
    user = User.objects.create_user("powiat", is_staff=True)
    as_user(user)
    attendees_import(cycle=cycle, rows=rows(30), consent_note="Zgoda ustna, 1.03.2017")
    attendees = Attendee.objects.filter(cycle=cycle)
    assert attendees.count() == 30
    fields = Attendee.history.model.tracked_fields
    for attendee in attendees:
        [entry] = attendee.history.all()
        assert entry.history_type == "+"
        assert entry.history_change_reason == IMPORT_CHANGE_REASON
        assert entry.history_user == user
        assert entry.history_date == attendee.created_at
        assert tracked(entry, fields) == tracked(attendee, fields)
    marks = Attendance.objects.filter(attendee__cycle=cycle)
    assert marks.count() == sum(1 + i % 3 for i in range(30))
    mark_fields = Attendance.history.model.tracked_fields
    history = {entry.id: entry for entry in Attendance.history.filter(attendee__cycle=cycle)}
    assert set(history) == {mark.pk for mark in marks}
    for mark in marks:
        entry = history[mark.pk]
        assert (entry.history_type, entry.history_user, entry.history_change_reason) == (
            "+",
            user,
            IMPORT_CHANGE_REASON,
        )
        assert tracked(entry, mark_fields) == tracked(mark, mark_fields)


def test_without_a_logged_in_user_the_history_names_nobody(cycle, as_user):
    as_user(AnonymousUser())
    attendees_import(cycle=cycle, rows=rows(2))
    entries = Attendee.history.filter(cycle=cycle)
    assert [entry.history_user for entry in entries] == [None, None]


def test_the_copies_match_what_bulk_create_with_history_writes(cycle, as_user):
    """The same import written the old way, row by row through simple-history, gives
    history rows that differ only in their ids and dates."""
    user = User.objects.create_user("powiat", is_staff=True)
    as_user(user)
    attendees_import(cycle=cycle, rows=rows(5))
    ours = list(Attendee.history.filter(cycle=cycle).order_by("full_name"))

    other = WorkshopCycle.objects.get(slug=LOSICE_2017)
    original = importing._bulk_create_audited

    def the_old_way(objs, model, *, reason, user, now):
        from simple_history.utils import bulk_create_with_history

        return bulk_create_with_history(objs, model, default_change_reason=reason)

    importing._bulk_create_audited = the_old_way
    try:
        attendees_import(cycle=other, rows=rows(5))
    finally:
        importing._bulk_create_audited = original
    theirs = list(Attendee.history.filter(cycle=other).order_by("full_name"))

    ignore = {"id", "history_id", "history_date", "created_at", "updated_at", "cycle"}

    def comparable(entry):
        values = model_to_dict(entry, exclude=ignore)
        values.pop("history_relation", None)
        return values

    assert [comparable(e) for e in ours] == [comparable(e) for e in theirs]
    assert len(ours) == 5


def test_a_large_import_writes_its_history_in_a_few_queries(cycle):
    """One INSERT … SELECT per batch, whatever the number of rows (SQLite: batches of
    up to 995 rows; PostgreSQL: 5,000)."""
    with CaptureQueriesContext(connection) as captured:
        attendees_import(cycle=cycle, rows=rows(2000))
    copies = [q for q in captured if q["sql"].startswith('INSERT INTO "workshops_historical')]
    per_batch = 995 if connection.vendor == "sqlite" else 5000
    attendee_batches = -(-2000 // per_batch)
    marks = Attendance.objects.filter(attendee__cycle=cycle).count()
    assert len(copies) == attendee_batches + -(-marks // per_batch)
    assert Attendee.history.filter(cycle=cycle).count() == 2000
    assert Attendance.history.filter(session__in=Session.objects.filter(cycle=cycle)).count() == (
        marks
    )
