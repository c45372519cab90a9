"""The report's cost does not grow with the records; its cache and its invalidation; the
SQL totals agree with ``sum_figures`` on the individual figures."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.roles import COORDINATOR, COUNTY_STAFF
from partnership.caching import public_data_changed
from programmes.facts import Figure, Precision, sum_figures
from programmes.models import County, Programme, ProgrammeEvent
from projects.models import ProjectIdea
from reports.services import Parts, ReportFilters, cached_report, compute_report
from tests.conftest import staff_login
from tests.figures import held_sessions_rule
from tests.helpers import count_queries
from tests.htmlforms import admin_change_form
from tests.records import BIALOBRZEGI, MAZOWIECKIE, PLOCK, PLOCK_2017, PROGRAMME_2017
from workshops.figures import cycle_figures_refresh
from workshops.models import Attendance, Attendee, Session, WorkshopCycle

pytestmark = pytest.mark.usefixtures("english")

PAGE_QUERY_LIMIT = 30


def add_volume(cycles_per_county=3, counties=(BIALOBRZEGI, "1402", "1403", "1404")):
    """Cycles with sessions, attendees, attendance, ideas and events in more counties."""
    programme = Programme.objects.get(slug=PROGRAMME_2017)
    sectors = ["employer", "ngo", "education", ""]
    for code in counties:
        county = County.objects.get(code=code)
        for n in range(cycles_per_county):
            year = 2011 + n
            cycle = WorkshopCycle.objects.create(
                slug=f"volume-{code}-{n}",
                programme=programme,
                county=county,
                title=f"Cycle {n}",
                status=WorkshopCycle.Status.COMPLETED,
                sessions_held=None if n % 2 else 4,
                date_start=datetime.date(year, 3, 1),
                date_end=datetime.date(year, 6, 30) if n != 2 else datetime.date(year + 1, 2, 1),
            )
            sessions = Session.objects.bulk_create(
                Session(
                    cycle=cycle,
                    ordinal=i + 1,
                    date_start=datetime.date(year, 3 + i, 1),
                    date_end=datetime.date(year, 3 + i, 1),
                    attendance=None if i == 3 else 20 + i,
                    attendance_precision=Precision.APPROXIMATE if i == 1 else Precision.EXACT,
                )
                for i in range(4)
            )
            people = Attendee.objects.bulk_create(
                Attendee(cycle=cycle, full_name=f"P{i}", sector=sectors[i % 4]) for i in range(10)
            )
            Attendance.objects.bulk_create(
                Attendance(attendee=person, session=session)
                for i, person in enumerate(people)
                for j, session in enumerate(sessions)
                if (i + j) % 3
            )
            # Written in bulk, not through a service: the counts kept per cycle follow.
            cycle_figures_refresh(cycle_ids=[cycle.pk])
            ProjectIdea.objects.create(
                slug=f"volume-idea-{code}-{n}",
                title="Idea",
                cycle=cycle,
                county=county,
                status="selected" if n else "proposed",
            )
        ProgrammeEvent.objects.create(
            slug=f"volume-event-{code}",
            kind=ProgrammeEvent.Kind.PRESENTATION,
            title="Event",
            programme=programme,
            county=county,
            invitations_sent=100,
            invitations_sent_precision=Precision.APPROXIMATE,
            attendance_share=40,
            date_start=datetime.date(2012, 5, 5),
            date_end=datetime.date(2012, 5, 5),
        )


@pytest.mark.django_db
def test_page_queries_do_not_grow_with_the_records(
    coordinator_client, django_assert_max_num_queries
):
    address = reverse("reports:overview")
    before = count_queries(coordinator_client, address, {"year_from": 2003})
    add_volume()
    from django.core.cache import cache

    cache.clear()
    after = count_queries(coordinator_client, address, {"year_from": 2003})
    assert before == after
    with django_assert_max_num_queries(PAGE_QUERY_LIMIT):
        cache.clear()
        coordinator_client.get(address)


@pytest.mark.django_db
def test_compute_report_issues_a_fixed_number_of_queries(django_assert_num_queries):
    # The cycles, sessions on record, attendance reported, the register, attendees and
    # certificates per edition and county come in one query, over the cycles and the
    # counts kept per cycle (workshops.figures): 13 → 11 (3 December 2026).
    with django_assert_num_queries(11):
        compute_report(filters=ReportFilters(), counties=None)
    add_volume(cycles_per_county=2)
    with django_assert_num_queries(11):
        compute_report(filters=ReportFilters(), counties=None)
    # The year filter adds the two queries for the note on imprecise dates.
    with django_assert_num_queries(13):
        compute_report(filters=ReportFilters(year_from=2005, year_to=2012), counties=None)


@pytest.mark.django_db
def test_second_request_is_served_from_the_cache(coordinator_client):
    address = reverse("reports:overview")
    first = count_queries(coordinator_client, address)
    second = count_queries(coordinator_client, address)
    assert second <= first - 12


@pytest.mark.django_db
def test_a_data_change_invalidates_the_cached_report(django_capture_on_commit_callbacks):
    counties = (County.objects.get(code=PLOCK).pk,)
    report = cached_report(filters=ReportFilters(), counties=counties)
    assert report.total.attendance_reported_figure == Figure(600, Precision.APPROXIMATE)
    with CaptureQueriesContext(connection) as captured:
        again = cached_report(filters=ReportFilters(), counties=counties)
    assert len(captured.captured_queries) == 0
    assert again.total.attendance_reported_figure == report.total.attendance_reported_figure

    session = Session.objects.get(cycle__slug=PLOCK_2017, ordinal=1)
    session.attendance = 150
    session.attendance_precision = Precision.EXACT
    session.save()
    cycle_figures_refresh(cycle_ids=[session.cycle_id])  # as the write paths do
    # A bare save (a shell) does not invalidate it: the write paths do, after the commit.
    assert cached_report(filters=ReportFilters(), counties=counties).total == report.total
    with django_capture_on_commit_callbacks(execute=True):
        public_data_changed(cycle=session.cycle)
    fresh = cached_report(filters=ReportFilters(), counties=counties)
    assert fresh.total.attendance_reported_figure == Figure(650, Precision.APPROXIMATE)


@pytest.mark.django_db
def test_cache_key_separates_scope_filters_and_language():
    from reports.services import cache_key

    plock = (County.objects.get(code=PLOCK).pk,)
    with translation.override("pl"):
        keys = {
            cache_key(filters=ReportFilters(), counties=None),
            cache_key(filters=ReportFilters(), counties=plock),
            cache_key(filters=ReportFilters(year_from=2017), counties=plock),
            cache_key(filters=ReportFilters(programme_ids=(1,)), counties=plock),
        }
    with translation.override("en"):
        keys.add(cache_key(filters=ReportFilters(), counties=None))
    assert len(keys) == 5


@pytest.mark.django_db
def test_large_numbers_stay_exact_in_sql():
    add_volume(cycles_per_county=3, counties=(BIALOBRZEGI,))
    report = compute_report(
        filters=ReportFilters(), counties=(County.objects.get(code=BIALOBRZEGI).pk,)
    )
    total = report.total
    assert total.cycles == 3
    # Sessions held: 4 recorded for cycles 0 and 2, unknown for cycle 1 → 4 sessions on
    # record as a lower bound.
    assert total.sessions_held_figure == Figure(12, Precision.AT_LEAST)
    # Attendance 20, ok. 21, 22 and one unknown per cycle → at least.
    assert total.attendance_reported_figure == Figure(3 * 63, Precision.AT_LEAST)
    # The third cycle runs into the next year: it is in a bucket, not in 2013.
    years = {row.label: row for row in report.by_year}
    assert years["2013"].cycles == 0
    assert years["Year not known precisely (2013–2014)"].cycles == 1
    # 2013's sessions have their own dates, all within 2013.
    assert years["2013"].sessions == 4
    assert total.invitations_figure == Figure(100, Precision.APPROXIMATE)
    assert total.attendance_share_figure == Figure(40, Precision.APPROXIMATE, suffix="%")


FIGURES = st.builds(
    Figure,
    st.one_of(st.none(), st.integers(min_value=0, max_value=10_000)),
    st.sampled_from(list(Precision)),
)


@settings(deadline=None)  # pure arithmetic; a loaded machine must not make it flaky
@given(st.lists(FIGURES, max_size=8))
def test_parts_agree_with_sum_figures(figures):
    parts = Parts()
    for figure in figures:
        known = figure.value is not None
        parts.add(
            Parts(
                total=figure.value or 0,
                parts=1,
                unknown=0 if known else 1,
                approx=int(known and figure.precision == Precision.APPROXIMATE),
                more_than=int(known and figure.precision == Precision.MORE_THAN),
                at_least=int(known and figure.precision == Precision.AT_LEAST),
            )
        )
    assert parts.figure == sum_figures(figures)


REPORT_CYCLE = st.fixed_dictionaries(
    {
        "status": st.sampled_from(list(WorkshopCycle.Status.values)),
        "held": st.one_of(st.none(), st.integers(0, 9)),
        "county": st.sampled_from([BIALOBRZEGI, "1402"]),
        "sessions": st.lists(
            st.tuples(st.one_of(st.none(), st.integers(0, 500)), st.sampled_from(list(Precision))),
            max_size=4,
        ),
    }
)


@pytest.mark.django_db
@settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(st.lists(REPORT_CYCLE, max_size=5))
def test_report_figures_match_adding_cycles_one_by_one(cycles):
    """For any mix of cycles, the report's sessions held and attendance reported, in total,
    per edition and per county, are what ``sum_figures`` gives for the cycles' own
    figures (``cycle.sessions_figure``, which the home page adds up too) and the
    sessions' own figures."""
    programme = Programme.objects.get(slug=PROGRAMME_2017)
    with transaction.atomic():
        for n, spec in enumerate(cycles):
            cycle = WorkshopCycle.objects.create(
                slug=f"r-{n}",
                programme=programme,
                county=County.objects.get(code=spec["county"]),
                title=f"R {n}",
                status=spec["status"],
                sessions_held=spec["held"],
            )
            Session.objects.bulk_create(
                Session(cycle=cycle, ordinal=i, attendance=value, attendance_precision=precision)
                for i, (value, precision) in enumerate(spec["sessions"], start=1)
            )
        cycle_figures_refresh(cycle_ids=None)  # as the write paths do
        report = compute_report(filters=ReportFilters(), counties=None)
        every_cycle = list(WorkshopCycle.objects.with_counts())
        every_session = list(Session.objects.select_related("cycle"))

        def of(cycle, match: dict) -> bool:
            return all(getattr(cycle, name) == value for name, value in match.items())

        def held(**match) -> Figure:
            chosen = [cycle for cycle in every_cycle if of(cycle, match)]
            assert all(cycle.sessions_figure == held_sessions_rule(cycle) for cycle in chosen)
            return sum_figures(cycle.sessions_figure for cycle in chosen)

        def reported(**match) -> Figure:
            return sum_figures(s.attendance_figure for s in every_session if of(s.cycle, match))

        assert report.total.sessions_held_figure == held()
        assert report.total.attendance_reported.figure == reported()
        for row in report.by_programme:
            assert row.measures.sessions_held_figure == held(programme_id=row.id)
            assert row.measures.attendance_reported.figure == reported(programme_id=row.id)
        for row in report.by_county:
            assert row.measures.sessions_held_figure == held(county_id=row.id)
            assert row.measures.attendance_reported.figure == reported(county_id=row.id)
        transaction.set_rollback(True)


def _report_body(response) -> str:
    """From the filter form to the last chart's data (the rest of the page carries a
    fresh CSRF token and the time it was printed)."""
    html = response.content.decode()
    start = html.index('<form method="get" class="report-filters"')
    end = html.index("</script>", html.index('id="chart-statuses"'))
    return html[start:end]


@pytest.mark.django_db
def test_cached_page_is_the_same_page_and_a_data_change_shows_at_once(
    coordinator_client, admin_user, django_capture_on_commit_callbacks
):
    address = reverse("reports:overview")
    first = coordinator_client.get(address, {"year_from": 2017})
    with CaptureQueriesContext(connection) as captured:
        second = coordinator_client.get(address, {"year_from": 2017})
    # Session, user and groups, the device that gave the second factor (django-otp checks
    # it still exists), the counties the coordinator oversees, the cached report and its
    # rendered body: nothing else.
    assert len(captured.captured_queries) <= 7
    assert _report_body(second) == _report_body(first)

    # An administrator corrects a session's reported attendance in the admin.
    session = Session.objects.get(cycle__slug=PLOCK_2017, ordinal=1)
    admin = Client()
    staff_login(admin, admin_user)
    address_form, form = admin_change_form(admin, session)
    form["attendance"] = "987654"
    with django_capture_on_commit_callbacks(execute=True):
        assert admin.post(address_form, form.data()).status_code == 302
    third = coordinator_client.get(address, {"year_from": 2017})
    assert _report_body(third) != _report_body(first)
    mazovian = tuple(County.objects.in_voivodeship(MAZOWIECKIE).values_list("pk", flat=True))
    report = cached_report(filters=ReportFilters(year_from=2017), counties=mazovian)
    assert report.total.attendance_reported_figure.value > 987654


@pytest.mark.django_db
def test_cached_body_is_not_shared_between_viewers_with_other_county_choices(client):
    from tests.factories import make_user

    address = reverse("reports:overview")
    query = {"county": County.objects.get(code=PLOCK).pk}
    staff_login(client, make_user("koordynatorka", COORDINATOR))
    coordinator_page = client.get(address, query).content.decode()
    staff_login(client, make_user("plock", COUNTY_STAFF, [PLOCK]))
    staff_page = client.get(address, query).content.decode()
    # Same report, but the county staff member's form offers their own county only.
    warsaw = County.objects.get(code="1465").name
    assert warsaw in coordinator_page
    assert warsaw not in staff_page
