"""Hard rules live in the database; cross-table rules in clean()."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from programmes.models import County, ProgrammeEvent
from projects.models import ProjectIdea
from tests.records import LOSICE_2017, PLOCK, PLOCK_2017
from workshops.models import Attendance, Attendee, Certificate, Session, WorkshopCycle

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def attendee(cycle):
    return Attendee.objects.create(cycle=cycle, full_name="Anna Testowa")


def refused(callable_):
    with pytest.raises(IntegrityError), transaction.atomic():
        callable_()


def test_county_code_must_be_four_digits():
    refused(lambda: County.objects.create(code="14x9", voivodeship_id=1, name="x", slug="x"))


def test_county_code_unique():
    refused(
        lambda: County.objects.create(
            code=PLOCK, voivodeship=County.objects.get(code=PLOCK).voivodeship, slug="dup"
        )
    )


def test_date_window_end_not_before_start(cycle):
    cycle.date_start, cycle.date_end = D(2017, 12, 7), D(2017, 5, 25)
    refused(cycle.save)


def test_date_end_needs_a_start():
    event = ProgrammeEvent.objects.get(kind=ProgrammeEvent.Kind.TRAINING)
    event.date_end = D(2005, 1, 1)
    refused(event.save)


def test_attendance_share_cannot_exceed_100_percent():
    event = ProgrammeEvent.objects.get(kind=ProgrammeEvent.Kind.PROMOTION)
    event.attendance_share = 130
    refused(event.save)


def test_session_numbers_unique_within_a_cycle(cycle):
    refused(lambda: Session.objects.create(cycle=cycle, ordinal=6))


def test_one_attendance_per_attendee_and_session(cycle, attendee):
    session = cycle.sessions.get(ordinal=1)
    Attendance.objects.create(attendee=attendee, session=session)
    refused(lambda: Attendance.objects.create(attendee=attendee, session=session))


def test_attendance_in_another_cycles_session_is_invalid(attendee):
    other = Session.objects.get(cycle__slug=LOSICE_2017, ordinal=1)
    with pytest.raises(ValidationError):
        Attendance(attendee=attendee, session=other).full_clean()


def test_certificate_number_unique(cycle, attendee):
    other = Attendee.objects.create(cycle=cycle, full_name="Jan Testowy")
    Certificate.objects.create(
        attendee=attendee,
        cycle=cycle,
        number="1419/2017/001",
        issued_on=D(2017, 12, 7),
        issued_by="Dyrektor PUP",
    )
    refused(
        lambda: Certificate.objects.create(
            attendee=other,
            cycle=cycle,
            number="1419/2017/001",
            issued_on=D(2017, 12, 7),
            issued_by="Dyrektor PUP",
        )
    )


def test_one_valid_certificate_per_attendee_but_reissue_after_revocation(cycle, attendee):
    first = Certificate.objects.create(
        attendee=attendee,
        cycle=cycle,
        number="1419/2017/001",
        issued_on=D(2017, 12, 7),
        issued_by="Dyrektor PUP",
    )
    refused(
        lambda: Certificate.objects.create(
            attendee=attendee,
            cycle=cycle,
            number="1419/2017/002",
            issued_on=D(2017, 12, 7),
            issued_by="Dyrektor PUP",
        )
    )
    first.revoked_at = datetime.datetime(2018, 1, 1, tzinfo=datetime.UTC)
    first.save()
    second = Certificate.objects.create(
        attendee=attendee,
        cycle=cycle,
        number="1419/2017/002",
        issued_on=D(2018, 1, 2),
        issued_by="Dyrektor PUP",
    )
    assert [c.is_valid for c in (first, second)] == [False, True]


def test_verification_codes_are_unguessable_and_unique(cycle, attendee):
    other = Attendee.objects.create(cycle=cycle, full_name="Jan Testowy")
    codes = {
        Certificate.objects.create(
            attendee=a,
            cycle=cycle,
            number=f"1419/2017/00{i}",
            issued_on=D(2017, 12, 7),
            issued_by="Dyrektor PUP",
        ).verification_code
        for i, a in enumerate((attendee, other), start=1)
    }
    assert len(codes) == 2
    assert all(len(code) >= 22 for code in codes)


def test_session_date_outside_the_cycle_period_is_invalid(cycle):
    session = Session(cycle=cycle, ordinal=7, date_start=D(2018, 1, 10), date_end=D(2018, 1, 10))
    with pytest.raises(ValidationError) as error:
        session.full_clean()
    assert "date_start" in error.value.message_dict


def test_session_date_inside_a_month_precision_period_is_valid():
    cycle = WorkshopCycle.objects.get(slug=LOSICE_2017)
    session = Session(cycle=cycle, ordinal=7, date_start=D(2017, 12, 20), date_end=D(2017, 12, 20))
    session.full_clean()


def test_project_idea_needs_an_origin():
    refused(lambda: ProjectIdea.objects.create(slug="sierota", title="Bez pochodzenia"))


def test_project_idea_session_needs_its_cycle():
    session = Session.objects.get(cycle__slug=PLOCK_2017, ordinal=6)
    event = ProgrammeEvent.objects.get(kind=ProgrammeEvent.Kind.INTERREGIONAL)
    refused(lambda: ProjectIdea.objects.create(slug="x", title="x", event=event, session=session))
