"""The counts kept per cycle (``workshops.figures``) stay exact: random sequences of
writes through the real write paths (the register, the import, certificates, erasure,
the admin's saves and deletes, a new cycle), then every kept count compared with a fresh
aggregate of the base tables, computed here another way. Runs on SQLite and, with
``DATABASE_URL``, on PostgreSQL."""

from __future__ import annotations

import dataclasses
import datetime
import itertools
from collections import defaultdict

import pytest
from django.apps import apps as django_apps
from django.contrib.admin.sites import site
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count, F, Q
from django.test import RequestFactory
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.roles import COUNTY_STAFF, apply_roles
from programmes.facts import PARTS_PRECISIONS, Precision
from programmes.models import County, Programme
from tests.factories import make_user
from tests.helpers import at_once
from tests.records import PLOCK, PROGRAMME_2017
from workshops.attendance import attendance_register_save
from workshops.certificates import (
    certificate_reissue,
    certificate_revoke,
    certificates_issue,
    eligible_attendees,
)
from workshops.cycles import PlannedSession, cycle_create
from workshops.figures import cycle_figures_refresh, figure_totals, period_totals
from workshops.figures import kept_periods as kept_cycle_periods
from workshops.importing import attendees_import
from workshops.models import (
    CYCLE_FIELDS,
    FIGURE_FIELDS,
    RATE_BANDS,
    REPORTED_FIELDS,
    Attendance,
    Attendee,
    Certificate,
    CycleFigures,
    CycleSectorFigures,
    PeriodTotals,
    Session,
    SessionPeriodFigures,
    WorkshopCycle,
    period_key,
)
from workshops.privacy import attendee_anonymise, attendees_anonymise_expired

pytestmark = pytest.mark.django_db

SECTORS = ["", "ngo", "culture", "employer"]
NAMES = itertools.count()
DAY = datetime.date(2017, 3, 6)


# -- The fresh aggregate --------------------------------------------------------------------


def fresh_figures(cycle: WorkshopCycle) -> dict[str, int]:
    """The figures of one cycle from its rows, counted in Python."""
    attendees = list(cycle.attendees.annotate(marks=Count("attendances")))
    registered = len(attendees)
    present = Session.objects.filter(cycle=cycle).annotate(n=Count("attendances"))
    bands = [0] * RATE_BANDS
    for session in present if registered else ():
        bands[min(RATE_BANDS - 1, session.n * RATE_BANDS // registered)] += 1
    certificates = Certificate.objects.filter(cycle=cycle)
    return {
        "sessions": len(present),
        "attendees": registered,
        "participants": sum(1 for a in attendees if a.marks),
        "attendance_marks": Attendance.objects.filter(session__cycle=cycle).count(),
        "certificates_valid": certificates.filter(revoked_at__isnull=True).count(),
        "certificates_revoked": certificates.filter(revoked_at__isnull=False).count(),
        "eligible": eligible_attendees(cycle=cycle).count(),
        **{f"band_{band}": n for band, n in enumerate(bands)},
        **fresh_reported(present),
    }


def fresh_reported(sessions) -> dict[str, int]:
    """The attendance reported for the sessions, summed as ``sum_figures`` would."""
    known = [s for s in sessions if s.attendance is not None]
    return {
        "reported_total": sum(s.attendance for s in known),
        "reported_unknown": len(sessions) - len(known),
        **{
            f"reported_{part}": sum(1 for s in known if s.attendance_precision == kind)
            for part, kind in PARTS_PRECISIONS.items()
        },
    }


def fresh_periods(cycle: WorkshopCycle) -> dict[tuple, dict[str, int]]:
    """The cycle's sessions and their reported attendance per period of the sessions'
    own dates (no years for a session without a date of its own), counted in Python."""
    by_period: dict[tuple, list] = defaultdict(list)
    for session in Session.objects.filter(cycle=cycle):
        start, end = session.date_start, session.date_end
        key = (start.year, end.year if end else None) if start else (None, None)
        by_period[key].append(session)
    return {
        key: {"sessions": len(sessions), **fresh_reported(sessions)}
        for key, sessions in by_period.items()
    }


def kept_periods(cycle: WorkshopCycle) -> dict[tuple, dict[str, int]]:
    rows = SessionPeriodFigures.objects.filter(cycle=cycle)
    names = ("sessions", *REPORTED_FIELDS)
    kept = {(row.first_year, row.last_year): {n: getattr(row, n) for n in names} for row in rows}
    assert len(kept) == len(rows), "one row per period"
    return kept


def fresh_cycle_fields(cycle: WorkshopCycle) -> dict:
    """The cycle's own figures ``CycleFigures`` keeps (``CYCLE_FIELDS``), from the cycle
    and its sessions in Python: the sessions held as ``with_sessions_figure`` says."""
    start, end = cycle.date_start, cycle.date_end
    recorded = Session.objects.filter(cycle=cycle).count()
    if cycle.sessions_held is not None:
        held = cycle.sessions_held
    elif cycle.status == WorkshopCycle.Status.PLANNED:
        held = recorded
    else:
        held = recorded or None
    lower_bound = cycle.sessions_held is None and cycle.status != WorkshopCycle.Status.PLANNED
    return {
        "first_year": start.year if start else None,
        "last_year": end.year if end else None,
        "cycle_county": cycle.county_id,
        "held": held,
        "held_lower_bound": lower_bound,
    }


def assert_periods_exact() -> None:
    """The totals kept per period (``PeriodTotals``, the home page's) are exact: the
    cycles per period equal the cycles grouped by period through their own rows
    (``WorkshopCycleQuerySet.periods``), the sessions per period and their reported
    attendance equal the sessions added up here, each in the period of its own dates or
    of its cycle's; no period is kept that neither counts, none twice."""
    fresh = WorkshopCycle.objects.periods().annotate(
        with_attendance=Count("pk", filter=Q(figures__sessions__gt=F("figures__reported_unknown")))
    )
    key = ("first_year", "last_year")

    def rows(queryset):
        return sorted((dict(row) for row in queryset), key=lambda row: str([row[k] for k in key]))

    assert rows(kept_cycle_periods()) == rows(fresh)
    totals = period_totals()
    names = ("sessions", *REPORTED_FIELDS)
    kept = {(r["first_year"], r["last_year"]): {n: r[n] for n in names} for r in totals}
    assert len(kept) == len(totals) == PeriodTotals.objects.count(), "one row per period"
    assert {p: row for p, row in kept.items() if row["sessions"]} == fresh_session_periods()
    assert all(row["cycles"] or row["sessions"] for row in totals), "no empty period"
    for row in PeriodTotals.objects.all():
        assert row.period == period_key(row.first_year, row.last_year)


def fresh_session_periods() -> dict[tuple, dict[str, int]]:
    """Every session and its reported attendance per period of its own dates, or of
    its cycle's when it has none (as ``portal.yearly`` counts them), in Python."""
    by_period: dict[tuple, list] = defaultdict(list)
    for session in Session.objects.select_related("cycle"):
        if session.date_start:
            end = session.date_end
            key = (session.date_start.year, end.year if end else None)
        else:
            start, end = session.cycle.date_start, session.cycle.date_end
            key = (start.year if start else None, end.year if end else None)
        by_period[key].append(session)
    return {
        key: {"sessions": len(sessions), **fresh_reported(sessions)}
        for key, sessions in by_period.items()
    }


def fresh_sectors(cycle: WorkshopCycle) -> dict[str, tuple[int, int]]:
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for attendee in cycle.attendees.annotate(marks=Count("attendances")):
        counts[attendee.sector][0] += 1
        counts[attendee.sector][1] += bool(attendee.marks)
    return {sector: tuple(pair) for sector, pair in counts.items()}


def assert_figures_exact(cycles=None) -> None:
    """The kept figures of ``cycles`` (a queryset; by default every cycle) are exact."""
    everything = cycles is None
    cycles = WorkshopCycle.objects.all() if everything else cycles
    kept = {row.cycle_id: row for row in CycleFigures.objects.filter(cycle__in=cycles)}
    for cycle in cycles:
        row = kept.pop(cycle.pk, None)
        stored = {name: getattr(row, name) if row else 0 for name in FIGURE_FIELDS}
        assert stored == fresh_figures(cycle), cycle.slug
        cycle_fields = {name: getattr(row, name) for name in CYCLE_FIELDS} if row else None
        assert cycle_fields == fresh_cycle_fields(cycle), cycle.slug
        sectors = {
            f.sector: (f.attendees, f.participants)
            for f in CycleSectorFigures.objects.filter(cycle=cycle)
        }
        assert sectors == fresh_sectors(cycle), cycle.slug
        assert kept_periods(cycle) == fresh_periods(cycle), cycle.slug
    if everything:
        assert CycleFigures.objects.count() == WorkshopCycle.objects.count()  # none left over
        assert_periods_exact()
        assert not SessionPeriodFigures.objects.exclude(cycle__in=cycles).exists()


# -- The writes ---------------------------------------------------------------------------


def new_cycle(user) -> WorkshopCycle:
    return cycle_create(
        user=user,
        county=County.objects.get(code=PLOCK),
        programme=Programme.objects.get(slug=PROGRAMME_2017),
        title=f"Cykl liczony {next(NAMES)}",
        date_start=DAY,
        date_end=DAY + datetime.timedelta(days=30),
        certificate_min_sessions=2,
        sessions=[
            PlannedSession(number=n, date=DAY + datetime.timedelta(days=7 * (n - 1)))
            for n in range(1, 4)
        ],
    )


def admin_request(user):
    request = RequestFactory().post("/")
    request.user = user
    return request


class Form:
    """What the admin's ``save_model`` reads of its form."""

    def __init__(self, *changed):
        self.changed_data = list(changed)


def do_import(data, cycle, _ctx):
    ordinals = list(cycle.sessions.values_list("ordinal", flat=True))
    rows = [
        {
            "row": n + 2,
            "full_name": f"Osoba {next(NAMES)}",
            "sector": data.draw(st.sampled_from(SECTORS)),
            "sessions": data.draw(st.lists(st.sampled_from(ordinals), unique=True))
            if ordinals
            else [],
        }
        for n in range(data.draw(st.integers(1, 3)))
    ]
    attendees_import(cycle=cycle, rows=rows)


def do_register(data, cycle, _ctx):
    sessions = list(cycle.sessions.values_list("pk", flat=True))
    attendees = list(cycle.attendees.values_list("pk", flat=True))
    marked = set(
        Attendance.objects.filter(session__cycle=cycle).values_list("attendee_id", "session_id")
    )
    shown = {(a, s): (a, s) in marked for a in attendees for s in sessions}
    if not shown:
        return
    ticked = data.draw(st.sets(st.sampled_from(sorted(shown))))
    attendance_register_save(cycle=cycle, shown=shown, ticked=ticked)


def do_issue(_data, cycle, _ctx):
    certificates_issue(cycle=cycle, issued_by="Starosta", issued_on=DAY + datetime.timedelta(60))


def some(data, queryset):
    rows = list(queryset.order_by("pk"))
    return data.draw(st.sampled_from(rows)) if rows else None


def do_revoke(data, cycle, _ctx):
    certificate = some(data, Certificate.objects.valid().filter(cycle=cycle))
    if certificate:
        certificate_revoke(certificate=certificate, reason="Błąd w nazwisku")


def do_reissue(data, cycle, _ctx):
    certificate = some(data, Certificate.objects.valid().filter(cycle=cycle))
    if certificate:
        certificate_reissue(certificate=certificate, reason="Zmiana nazwiska")


def do_anonymise(data, cycle, _ctx):
    attendee = some(data, cycle.attendees.all())
    if attendee:
        attendee_anonymise(attendee=attendee)


def do_expire(_data, _cycle, _ctx):
    attendees_anonymise_expired(years=1)


def do_admin_delete_attendee(data, cycle, ctx):
    attendee = some(data, cycle.attendees.exclude(certificates__isnull=False))
    if attendee:
        site._registry[Attendee].delete_model(admin_request(ctx.user), attendee)


def do_admin_delete_sessions(data, cycle, ctx):
    session = some(data, cycle.sessions.all())
    if session:
        queryset = Session.objects.filter(pk=session.pk)
        site._registry[Session].delete_queryset(admin_request(ctx.user), queryset)


def do_admin_delete_attendance(data, cycle, ctx):
    mark = some(data, Attendance.objects.filter(session__cycle=cycle))
    if mark:
        queryset = Attendance.objects.filter(pk=mark.pk)
        site._registry[Attendance].delete_queryset(admin_request(ctx.user), queryset)


def do_admin_add_session(_data, cycle, ctx):
    ordinal = max(cycle.sessions.values_list("ordinal", flat=True), default=0) + 1
    if ordinal > 9:
        return
    session = Session(cycle=cycle, ordinal=ordinal, date_start=DAY, date_end=DAY)
    site._registry[Session].save_model(admin_request(ctx.user), session, Form(), False)


def do_admin_session_attendance(data, cycle, ctx):
    """The attendance reported for a session changed in the admin (or cleared)."""
    session = some(data, cycle.sessions.all())
    if session:
        session.attendance = data.draw(st.one_of(st.none(), st.integers(0, 40)))
        session.attendance_precision = data.draw(st.sampled_from(list(Precision)))
        form = Form("attendance", "attendance_precision")
        site._registry[Session].save_model(admin_request(ctx.user), session, form, True)


def do_admin_session_dates(data, cycle, ctx):
    """A session's own dates changed in the admin: another year, a span of years, an
    unrecorded end, or no date of its own (its cycle's period then)."""
    session = some(data, cycle.sessions.all())
    if session:
        start = data.draw(st.sampled_from([None, DAY, datetime.date(2016, 5, 9)]))
        ends = [None, start, start + datetime.timedelta(days=400)] if start else [None]
        session.date_start, session.date_end = start, data.draw(st.sampled_from(ends))
        form = Form("date_start", "date_end")
        site._registry[Session].save_model(admin_request(ctx.user), session, form, True)


def do_admin_minimum(data, cycle, ctx):
    cycle.certificate_min_sessions = data.draw(st.one_of(st.none(), st.integers(0, 4)))
    form = Form("certificate_min_sessions")
    site._registry[WorkshopCycle].save_model(admin_request(ctx.user), cycle, form, True)


def do_admin_cycle_edit(data, cycle, ctx):
    """What the home page's cycles per period read of a cycle, changed in the admin:
    its dates (another year, a span of years, an unrecorded end, none), status, sessions
    held as the sources give them, county."""
    start = data.draw(st.sampled_from([None, DAY, datetime.date(2016, 5, 9)]))
    ends = [None, start, start + datetime.timedelta(days=400)] if start else [None]
    cycle.date_start, cycle.date_end = start, data.draw(st.sampled_from(ends))
    cycle.status = data.draw(st.sampled_from(WorkshopCycle.Status.values))
    cycle.sessions_held = data.draw(st.one_of(st.none(), st.integers(0, 6)))
    counties = County.objects.order_by("pk").values_list("pk", flat=True)[:3]
    cycle.county_id = data.draw(st.sampled_from(list(counties)))
    form = Form("date_start", "date_end", "status", "sessions_held", "county")
    site._registry[WorkshopCycle].save_model(admin_request(ctx.user), cycle, form, True)


def do_admin_move_attendee(data, cycle, ctx):
    attendee = some(data, cycle.attendees.filter(certificates__isnull=True))
    other = some(data, WorkshopCycle.objects.filter(pk__in=ctx.cycles).exclude(pk=cycle.pk))
    if attendee and other:
        attendee.cycle = other
        site._registry[Attendee].save_model(admin_request(ctx.user), attendee, Form("cycle"), True)


def do_admin_delete_cycle(data, cycle, ctx):
    if not cycle.certificates.exists():
        site._registry[WorkshopCycle].delete_model(admin_request(ctx.user), cycle)


WRITES = [
    do_import,
    do_import,
    do_import,
    do_register,
    do_register,
    do_register,
    do_issue,
    do_issue,
    do_revoke,
    do_revoke,
    do_reissue,
    do_anonymise,
    do_expire,
    do_admin_delete_attendee,
    do_admin_delete_sessions,
    do_admin_delete_attendance,
    do_admin_add_session,
    do_admin_session_attendance,
    do_admin_session_attendance,
    do_admin_session_dates,
    do_admin_session_dates,
    do_admin_minimum,
    do_admin_cycle_edit,
    do_admin_cycle_edit,
    do_admin_move_attendee,
    do_admin_delete_cycle,
]


@dataclasses.dataclass
class Example:
    user: object
    cycles: list[int]


def prepared_cycle(user, *, issued: bool) -> WorkshopCycle:
    """A new cycle with three people marked present, certificates issued or not."""
    cycle = new_cycle(user)
    attendees_import(
        cycle=cycle,
        rows=[
            {"row": 2, "full_name": f"Osoba {next(NAMES)}", "sector": "ngo", "sessions": [1, 2]},
            {"row": 3, "full_name": f"Osoba {next(NAMES)}", "sessions": [1]},
            {"row": 4, "full_name": f"Osoba {next(NAMES)}", "sessions": [1, 2, 3]},
        ],
    )
    if issued:
        do_issue(None, cycle, None)
    return cycle


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(st.data())
def test_kept_figures_equal_fresh_aggregates_after_random_writes(data):
    with transaction.atomic():  # each example starts from the same records
        user = make_user(f"licznik-{next(NAMES)}", COUNTY_STAFF, [PLOCK], is_superuser=True)
        ids = [prepared_cycle(user, issued=issued).pk for issued in (True, False)]
        example = Example(user=user, cycles=ids)
        assert_figures_exact()
        for _step in range(data.draw(st.integers(1, 15), label="writes")):
            random_write(data, example)
            # After every write: a later write to the cycle must not hide a missed one.
            assert_figures_exact(WorkshopCycle.objects.filter(pk__in=ids))
            assert_periods_exact()
        assert_figures_exact()
        transaction.set_rollback(True)


def random_write(data, example: Example) -> None:
    write = data.draw(st.sampled_from(WRITES))
    live = list(WorkshopCycle.objects.filter(pk__in=example.cycles).order_by("pk"))
    if not live:
        return
    cycle = data.draw(st.sampled_from(live))
    try:
        with transaction.atomic():
            write(data, cycle, example)
    except ValidationError:
        pass  # refused: nothing was saved, the figures stay as they were


def test_the_records_loaded_from_fixtures_have_their_figures():
    """``loadrecords`` (run for the test database) leaves a row for every cycle."""
    assert CycleFigures.objects.count() == WorkshopCycle.objects.count() > 0
    assert_figures_exact()


def test_loadrecords_and_a_full_refresh_keep_them_exact():
    user = make_user("licznik", COUNTY_STAFF, [PLOCK])
    cycle = new_cycle(user)
    attendees_import(cycle=cycle, rows=[{"row": 2, "full_name": "Ewa Lis", "sessions": [1, 2]}])
    CycleFigures.objects.filter(cycle=cycle).update(attendees=99)  # damaged by hand
    SessionPeriodFigures.objects.filter(cycle=cycle).update(reported_total=99)
    PeriodTotals.objects.update(sessions=F("sessions") + 1)
    PeriodTotals.objects.create(period=period_key(1990, None), first_year=1990, cycles=1)
    call_command("loadrecords", verbosity=0)
    assert_figures_exact()
    cycle_figures_refresh(cycle_ids=None)
    assert_figures_exact()


def test_figure_totals_and_with_figures_read_the_kept_rows():
    user = make_user("licznik", COUNTY_STAFF, [PLOCK])
    cycle = new_cycle(user)
    attendees_import(
        cycle=cycle,
        rows=[
            {"row": 2, "full_name": "Ewa Lis", "sessions": [1, 2]},
            {"row": 3, "full_name": "Jan Kos", "sessions": []},
        ],
    )
    annotated = WorkshopCycle.objects.with_figures().get(pk=cycle.pk)
    assert annotated.figure_attendees == 2
    assert annotated.figure_participants == 1
    assert annotated.figure_attendance_marks == 2
    assert annotated.figure_eligible == 1
    totals = figure_totals(WorkshopCycle.objects.filter(pk=cycle.pk))
    assert totals["attendees"] == 2
    assert totals["sessions"] == 3
    assert figure_totals(WorkshopCycle.objects.none())["attendees"] == 0


def test_session_periods_follow_the_sessions_own_dates():
    """A cycle's sessions spread over periods (a span of years, one day, no date of
    their own) by the admin: one kept row per period, each exact."""
    user = make_user("licznik", COUNTY_STAFF, [PLOCK], is_superuser=True)
    cycle = new_cycle(user)
    first, second, third = cycle.sessions.order_by("ordinal")
    dates = {
        first: (datetime.date(2016, 11, 7), datetime.date(2017, 1, 9)),
        second: (DAY, None),
        third: (None, None),
    }
    for session, (start, end) in dates.items():
        session.date_start, session.date_end = start, end
        session.attendance, session.attendance_precision = 12, Precision.APPROXIMATE
        form = Form("date_start", "date_end", "attendance", "attendance_precision")
        site._registry[Session].save_model(admin_request(user), session, form, True)
    periods = set(kept_periods(cycle))
    assert (2016, 2017) in periods and (None, None) in periods and len(periods) == 3
    assert_figures_exact(WorkshopCycle.objects.filter(pk=cycle.pk))


@pytest.fixture
def records(transactional_db):
    """The Mazovian records, loaded again when a transactional test before this one
    emptied the database (as each does when it ends), and the roles' groups."""
    if not County.objects.filter(code=PLOCK).exists():
        apply_roles(django_apps)
        call_command("loadrecords", verbosity=0)


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("records")
def test_two_refreshes_of_a_cycle_at_once_keep_each_row_once():
    """Two clerks' saves in one cycle at the same moment: the second refresh waits for
    the first (the cycle's row is locked) and then replaces its rows, instead of
    missing them and keeping the cycle's rows per period twice."""
    user = make_user("licznik", COUNTY_STAFF, [PLOCK])
    cycle = new_cycle(user)
    Session.objects.filter(cycle=cycle).update(attendance=12)

    def refresh():
        cycle_figures_refresh(cycle_ids=[cycle.pk])

    at_once(refresh, refresh)
    assert SessionPeriodFigures.objects.filter(cycle=cycle).count() == len(fresh_periods(cycle))
    assert kept_periods(cycle) == fresh_periods(cycle)
    assert_figures_exact(WorkshopCycle.objects.filter(pk=cycle.pk))


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("records")
def test_two_cycles_moved_into_one_period_at_once_are_both_counted():
    """Two clerks of two counties move a cycle each into the same new period at the same
    moment: the second refresh waits for the period's row the first holds, then counts
    the period again with the first's cycle, instead of counting it without (or failing
    on the period's key): two cycles in two counties, and the period they left keeps
    neither."""
    user = make_user("licznik", COUNTY_STAFF, [PLOCK])
    cycles = [new_cycle(user), new_cycle(user)]
    other = County.objects.exclude(pk=cycles[0].county_id).order_by("pk").first()
    WorkshopCycle.objects.filter(pk=cycles[1].pk).update(county=other)
    cycle_figures_refresh(cycle_ids=[cycles[1].pk])  # as the admin does
    day = datetime.date(2031, 5, 4)

    def move(cycle):
        def write():
            WorkshopCycle.objects.filter(pk=cycle.pk).update(date_start=day, date_end=day)
            cycle_figures_refresh(cycle_ids=[cycle.pk])

        return write

    at_once(move(cycles[0]), move(cycles[1]))
    moved = next(row for row in kept_cycle_periods() if row["first_year"] == 2031)
    assert (moved["cycles"], moved["counties"]) == (2, 2)
    assert_periods_exact()
