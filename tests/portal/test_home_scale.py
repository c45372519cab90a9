"""The home page and the cycle list at national scale: totals counted by the database, a
timeline that does not grow with the cycles, a paged cycle list, and ``/ping``."""

from __future__ import annotations

import datetime
import re
from types import SimpleNamespace

import pytest
from django.contrib.admin.sites import site
from django.db import connection, transaction
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from portal.views import TIMELINE_LIMIT, home_figures
from portal.yearly import figures_by_year
from programmes.facts import DatePrecision, Precision, sum_figures
from programmes.models import County, Programme, ProgrammeEvent
from projects.models import ProjectIdea
from tests.figures import held_sessions_rule
from tests.records import PLOCK_2017, PROGRAMME_2017
from workshops.cycles import PlannedSession, cycle_create
from workshops.figures import cycle_figures_refresh
from workshops.models import Session, WorkshopCycle

pytestmark = pytest.mark.django_db


def url(name, lang="en", **kwargs):
    with translation.override(lang):
        return reverse(name, kwargs=kwargs or None)


def reference_figures() -> dict:
    """The headline figures added up one cycle and one session at a time, as the home
    page did before it counted in the database; each cycle's figure computed in Python
    (and checked against the one the database annotates)."""
    cycles = list(WorkshopCycle.objects.with_counts())
    sessions = list(Session.objects.all())
    for cycle in cycles:
        assert cycle.sessions_figure == held_sessions_rule(cycle), cycle
    return {
        "cycles": len(cycles),
        "sessions": sum_figures(held_sessions_rule(cycle) for cycle in cycles),
        "participants": sum_figures(session.attendance_figure for session in sessions),
        "cycles_with_attendance": len(
            {session.cycle_id for session in sessions if session.attendance_figure.known}
        ),
    }


def database_figures() -> dict:
    return home_figures()[2]  # what the home page shows


PRECISIONS = list(Precision.values)
STATUSES = list(WorkshopCycle.Status.values)


def add_cycles(count: int, *, years=(2011, 2012, 2013), start: int = 0, sessions: int = 6):
    """``count`` cycles over three counties and ``years``, each with ``sessions``
    sessions, mixing every status, recorded and unrecorded sessions held, and reported
    attendance of every precision (or none)."""
    programme = Programme.objects.get(slug=PROGRAMME_2017)
    counties = list(County.objects.filter(slug__in=["plocki", "losicki", "sierpecki"]))
    cycles = WorkshopCycle.objects.bulk_create(
        WorkshopCycle(
            slug=f"volume-cycle-{n}",
            programme=programme,
            county=counties[n % len(counties)],
            title=f"Cykl {n}",
            status=STATUSES[n % len(STATUSES)],
            sessions_held=None if n % 4 else sessions,
            date_start=datetime.date(years[n % len(years)], 3, 1),
            date_end=datetime.date(years[n % len(years)], 9, 30),
            date_precision=DatePrecision.DAY,
        )
        for n in range(start, start + count)
    )
    Session.objects.bulk_create(
        Session(
            cycle=cycle,
            ordinal=ordinal,
            attendance=None if (n + ordinal) % 7 == 0 else 10 + ordinal,
            attendance_precision=PRECISIONS[(n + ordinal) % len(PRECISIONS)],
        )
        for n, cycle in enumerate(cycles)
        for ordinal in range(1, sessions + 1 - (n % 5 == 0) * sessions)  # some have none
    )
    # Bulk rows keep their counts as the synthetic data does (workshops.figures).
    cycle_figures_refresh(cycle_ids=[cycle.pk for cycle in cycles])
    return cycles


def timeline_items(content: str) -> list[tuple[str, str]]:
    timeline = content.split('<ol class="timeline">')[1].split("</ol>")[0]
    return re.findall(
        r'<span class="when">([^<]*)</span>\s*<span class="tag">'
        r"(?:<svg[^>]*>.*?</svg>)?([^<]*)</span>",  # the kind's icon, then its name
        timeline,
    )


# --------------------------------------------------------------------------------------
# Headline figures
# --------------------------------------------------------------------------------------


def test_figures_on_the_records_are_unchanged():
    figures = database_figures()
    assert figures == reference_figures()
    assert figures["cycles"] == 18
    assert (figures["sessions"].value, figures["sessions"].precision) == (12, Precision.AT_LEAST)
    assert (figures["participants"].value, figures["participants"].precision) == (
        1800,
        Precision.APPROXIMATE,
    )
    assert figures["cycles_with_attendance"] == 2


def test_figures_with_many_mixed_cycles_match_adding_them_one_by_one():
    add_cycles(200)
    figures = database_figures()
    assert figures == reference_figures()
    assert figures["cycles"] == 218
    # Unknown attendance in some sessions makes the total a lower bound.
    assert figures["participants"].precision == Precision.AT_LEAST


cycle_strategy = st.fixed_dictionaries(
    {
        "status": st.sampled_from(STATUSES),
        "held": st.one_of(st.none(), st.integers(0, 9)),
        "sessions": st.lists(
            st.tuples(st.one_of(st.none(), st.integers(0, 500)), st.sampled_from(PRECISIONS)),
            max_size=4,
        ),
    }
)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(st.lists(cycle_strategy, max_size=5))
def test_figures_match_adding_one_by_one_for_any_records(cycles):
    """Any mix of cycles (none at all, only planned ones, only unknown numbers, every
    precision) gives the same figures as adding them up one by one."""
    programme = Programme.objects.get(slug=PROGRAMME_2017)
    county = County.objects.get(slug="plocki")
    with transaction.atomic():
        ProjectIdea.objects.all().delete()
        gone = list(WorkshopCycle.objects.values_list("pk", flat=True))
        WorkshopCycle.objects.all().delete()
        cycle_figures_refresh(cycle_ids=gone)  # as the admin's delete does
        for n, spec in enumerate(cycles):
            cycle = WorkshopCycle.objects.create(
                slug=f"h-{n}",
                programme=programme,
                county=county,
                title=f"H {n}",
                status=spec["status"],
                sessions_held=spec["held"],
            )
            Session.objects.bulk_create(
                Session(cycle=cycle, ordinal=i, attendance=value, attendance_precision=precision)
                for i, (value, precision) in enumerate(spec["sessions"], start=1)
            )
            cycle_figures_refresh(cycle_ids=[cycle.pk])  # as every write path does
        assert database_figures() == reference_figures()
        transaction.set_rollback(True)


def yearly_held_one_by_one() -> dict:
    """Sessions held per period of the cycles, each cycle's figure from a fresh count."""
    by_period: dict = {}
    for cycle in WorkshopCycle.objects.with_counts():
        first = cycle.date_start.year if cycle.date_start else None
        key = (first, cycle.date_end.year if first and cycle.date_end else None)
        by_period.setdefault(key, []).append(held_sessions_rule(cycle))
    return {key: sum_figures(parts) for key, parts in by_period.items()}


def yearly_held() -> dict:
    return {(p.first_year, p.last_year): p.sessions_held for p in figures_by_year().cycle_periods}


def test_figures_from_kept_counts_follow_the_write_paths(admin_user):
    """The home page reads the sessions on record from the counts kept per cycle: after
    each write through a real write path (a new cycle with its sessions, the admin's
    session added and deleted), its totals and yearly figures equal fresh aggregates."""
    request = RequestFactory().post("/")
    request.user = admin_user
    session_admin = site._registry[Session]
    completed = WorkshopCycle.objects.filter(
        status=WorkshopCycle.Status.COMPLETED, sessions_held__isnull=True
    ).first()
    before = database_figures()

    def check():
        assert database_figures() == reference_figures()
        assert yearly_held() == yearly_held_one_by_one()

    day = datetime.date(2017, 4, 3)
    cycle_create(
        user=admin_user,
        county=County.objects.get(slug="losicki"),
        programme=Programme.objects.get(slug=PROGRAMME_2017),
        title="Cykl z liczbami",
        date_start=day,
        date_end=day + datetime.timedelta(days=30),
        certificate_min_sessions=None,
        sessions=[PlannedSession(number=n, date=day) for n in (1, 2)],
    )
    check()
    assert database_figures()["sessions"] != before["sessions"]  # the new sessions count
    ordinal = max(completed.sessions.values_list("ordinal", flat=True), default=0) + 1
    added = Session(cycle=completed, ordinal=ordinal)
    session_admin.save_model(request, added, SimpleNamespace(changed_data=[]), False)
    check()
    session_admin.delete_queryset(request, Session.objects.filter(cycle=completed))
    check()


def counts_of(cycles) -> dict:
    names = ("session_count", "certificate_count", "attendee_count", "project_idea_count")
    return {
        cycle.pk: (*(getattr(cycle, name) for name in names), cycle.sessions_figure)
        for cycle in cycles
    }


def test_county_and_edition_pages_counts_from_kept_counts_equal_fresh_ones(admin_user):
    """``with_counts(kept=True)`` (the county and edition pages) gives every cycle the
    counts a fresh count gives, after writes through the paths that keep them."""
    request = RequestFactory().post("/")
    request.user = admin_user
    completed = WorkshopCycle.objects.filter(status=WorkshopCycle.Status.COMPLETED).first()
    day = datetime.date(2017, 4, 3)
    cycle_create(
        user=admin_user,
        county=completed.county,
        programme=Programme.objects.get(slug=PROGRAMME_2017),
        title="Cykl policzony",
        date_start=day,
        date_end=day + datetime.timedelta(days=30),
        certificate_min_sessions=None,
        sessions=[PlannedSession(number=1, date=day)],
    )
    site._registry[Session].delete_queryset(request, Session.objects.filter(cycle=completed))
    kept = counts_of(WorkshopCycle.objects.with_counts(kept=True))
    assert kept == counts_of(WorkshopCycle.objects.with_counts())
    assert kept[completed.pk][0] == 0  # its sessions deleted
    assert 1 in {counts[0] for counts in kept.values()}  # the new cycle's one session


# --------------------------------------------------------------------------------------
# The home page does not grow with the cycles
# --------------------------------------------------------------------------------------


def home_queries(client) -> tuple[int, str]:
    from django.core.cache import cache

    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url("portal:home"))
    assert response.status_code == 200
    return len(captured), response.content.decode()


def test_home_takes_the_same_queries_with_200_more_cycles(client):
    before, content = home_queries(client)
    items_before = timeline_items(content)
    add_cycles(200)  # 1,000 sessions more, in three new years
    after, content = home_queries(client)
    # 6 (the cycles per period once, for the figures, the timeline and the charts), + the
    # map (3), the sessions' attendance per period (1), the ideas by status (1), the videos
    assert after == before <= 12
    # The timeline gains one line per new year, not one per cycle.
    items = timeline_items(content)
    assert len(items) == len(items_before) + 3
    assert ("2011", "Workshop cycles") in items
    figures = reference_figures()
    assert f'<span class="figure">{figures["sessions"]}</span> sessions held' in content
    assert f'<span class="figure">{figures["participants"]}</span> participants' in content
    assert f'<span class="figure">{figures["cycles"]}</span> workshop cycles' in content
    # Each year's count leads to the list of its cycles.
    per_year = WorkshopCycle.objects.filter(date_start__year=2012).count()
    link = f'<a href="{url("workshops:cycle_list")}?year=2012">{per_year} workshop cycles</a>'
    assert link in content


def test_home_timeline_counts_cycles_with_unknown_dates_last(client):
    county = County.objects.get(slug="plocki")
    cycle = WorkshopCycle.objects.create(
        slug="undated",
        programme=Programme.objects.get(slug=PROGRAMME_2017),
        county=county,
        title="Bez daty",
    )
    cycle_figures_refresh(cycle_ids=[cycle.pk])  # as every write path does
    _queries, content = home_queries(client)
    items = timeline_items(content)
    assert ("date unknown", "Workshop cycles") in items
    assert f'<a href="{url("workshops:cycle_list")}?year=unknown">1 workshop cycle</a>' in content
    response = client.get(url("workshops:cycle_list") + "?year=unknown")
    assert "Bez daty" in response.content.decode()
    assert "1 workshop cycle" in response.content.decode()


def test_home_timeline_lists_at_most_the_limit_of_events(client):
    programme = Programme.objects.get(slug=PROGRAMME_2017)
    existing = ProgrammeEvent.objects.count()
    ProgrammeEvent.objects.bulk_create(
        ProgrammeEvent(
            slug=f"event-{n}",
            kind=ProgrammeEvent.Kind.TRAINING,
            title=f"Szkolenie {n}",
            programme=programme,
            date_start=datetime.date(2016, 1, 1) + datetime.timedelta(days=n),
            date_end=datetime.date(2016, 1, 1) + datetime.timedelta(days=n),
        )
        for n in range(TIMELINE_LIMIT)
    )
    before, _content = home_queries(client)
    ProgrammeEvent.objects.bulk_create(
        ProgrammeEvent(slug=f"more-{n}", kind=ProgrammeEvent.Kind.OTHER, title=f"Więcej {n}")
        for n in range(50)
    )
    after, content = home_queries(client)
    assert after == before
    events = [tag for _when, tag in timeline_items(content) if tag not in {"Agreement"}]
    events = [tag for tag in events if tag != "Workshop cycles"]
    assert len(events) == TIMELINE_LIMIT < existing + TIMELINE_LIMIT + 50
    # The earliest are shown; the rest are on the editions' pages, which the note links.
    assert "Więcej" not in content
    assert "The timeline shows the earliest 60 agreements and the earliest 60" in content
    note = content.split("The timeline shows the earliest")[1].split("</p>")[0]
    assert f'href="{url("portal:programme_list")}"' in note
    assert f'href="{url("portal:county_list")}"' in note


def test_home_timeline_has_no_note_when_everything_fits(client):
    _queries, content = home_queries(client)
    assert "The timeline shows the earliest" not in content


# --------------------------------------------------------------------------------------
# The cycle list: by year, fifty to a page
# --------------------------------------------------------------------------------------


def cycle_rows(content: str) -> list[str]:
    body = content.split("<tbody>")[1].split("</tbody>")[0]
    return re.findall(r'<th scope="row"><a href="[^"]*" lang="pl">([^<]*)</a>', body)


def test_cycle_list_of_a_year_lists_the_cycles_whose_period_includes_it(client):
    content = client.get(url("workshops:cycle_list") + "?year=2017").content.decode()
    assert "<h1>Workshop cycles in 2017</h1>" in content
    assert len(cycle_rows(content)) == 2
    assert "2 workshop cycles" in content
    assert f'<a href="{url("workshops:cycle_list")}">All workshop cycles</a>' in content
    # The sixteen cycles dated only 2003–2010 ran in 2005 as far as the sources say.
    content = client.get(url("workshops:cycle_list") + "?year=2005").content.decode()
    assert len(cycle_rows(content)) == 16
    content = client.get(url("workshops:cycle_list") + "?year=2012").content.decode()
    assert cycle_rows(content) == []
    assert "No workshop cycle is on record." in content


def test_cycle_list_pages_fifty_cycles_with_links_that_keep_the_year(client):
    add_cycles(120, years=(2012,))
    address = url("workshops:cycle_list")
    first = client.get(address + "?year=2012").content.decode()
    assert len(cycle_rows(first)) == 50
    assert "120 workshop cycles" in first
    assert "Page 1 of 3" in first
    assert 'href="?year=2012&amp;page=2" rel="next"' in first
    last = client.get(address + "?year=2012&page=3").content.decode()
    rows = cycle_rows(last)
    assert len(rows) == 20
    assert f'<link rel="canonical" href="http://testserver{address}?year=2012&amp;page=3">' in last
    assert 'href="?year=2012&amp;page=2" rel="prev"' in last
    # Every cycle exactly once over the pages.
    middle = client.get(address + "?year=2012&page=2").content.decode()
    titles = cycle_rows(first) + cycle_rows(middle) + rows
    assert sorted(titles) == sorted(f"Cykl {n}" for n in range(120))
    # The whole list: the records' 18 cycles and the new ones.
    content = client.get(address).content.decode()
    assert "138 workshop cycles" in content and "Page 1 of 3" in content


def test_cycle_list_shows_each_cycles_sessions_on_every_page(client):
    add_cycles(60, years=(2012,))
    with translation.override("en"):
        expected = {
            cycle.title: str(cycle.sessions_figure)
            for cycle in WorkshopCycle.objects.filter(date_start__year=2012).with_counts()
        }
    shown = {}
    for page in (1, 2):
        address = url("workshops:cycle_list") + f"?year=2012&page={page}"
        body = client.get(address).content.decode().split("<tbody>")[1]
        for row in body.split("<tr>")[1:]:
            title = re.search(r'lang="pl">([^<]*)</a>', row).group(1)
            shown[title] = re.findall(r'<td class="num">([^<]*)</td>', row)[0]
    assert shown == expected
    assert {"0", "6", "at least 6", "unknown"} <= set(shown.values())


def test_cycles_in_a_year_are_those_running_in_it_while_the_report_counts_each_once():
    """``in_year`` (the cycle list's ``?year=``) lists a cycle in every year its period
    includes, an unrecorded end counting as the start; the report counts a cycle in a
    year only when its whole period lies within it, the others in a bucket. Two rules
    on purpose."""
    from reports.services import ReportFilters, compute_report

    programme = Programme.objects.get(slug=PROGRAMME_2017)
    county = County.objects.get(slug="plocki")
    spans = {
        "open-ended": (datetime.date(2012, 3, 1), None),
        "three-years": (datetime.date(2011, 5, 1), datetime.date(2013, 2, 1)),
        "one-year": (datetime.date(2012, 1, 1), datetime.date(2012, 12, 31)),
    }
    for slug, (start, end) in spans.items():
        WorkshopCycle.objects.create(
            slug=slug,
            programme=programme,
            county=county,
            title=slug,
            date_start=start,
            date_end=end,
        )
    WorkshopCycle.objects.create(slug="undated", programme=programme, county=county, title="?")
    listed = set(WorkshopCycle.objects.in_year(2012).values_list("slug", flat=True))
    assert listed == {"open-ended", "three-years", "one-year"}
    assert set(WorkshopCycle.objects.in_year(2013).values_list("slug", flat=True)) == {
        "three-years"
    }
    assert list(WorkshopCycle.objects.undated().values_list("slug", flat=True)) == ["undated"]
    with translation.override("en"):
        years = {
            row.label: row for row in compute_report(filters=ReportFilters(), counties=None).by_year
        }
    assert years["2012"].cycles == 1
    assert years["Year not known precisely (2011–2013)"].cycles == 1
    assert years["Year not known precisely (from 2012, end not recorded)"].cycles == 1


@pytest.mark.parametrize(
    "query",
    [
        "year=abc",
        "year=0000",
        "year=99999",
        "year=２０１７",
        "year=2017&page=-1",
        "page=999999",
        "year=2017%00",
        "year=unknown&page=x",
    ],
)
def test_cycle_list_refuses_nothing_with_a_500(client, query):
    response = client.get(url("workshops:cycle_list") + "?" + query)
    assert response.status_code == 200


def test_cycle_list_takes_two_queries_whatever_the_number_of_cycles(
    client, django_assert_num_queries
):
    add_cycles(200)
    for query in ("", "?year=2012", "?year=2012&page=2", "?page=5"):
        with django_assert_num_queries(2):
            assert client.get(url("workshops:cycle_list") + query).status_code == 200


# --------------------------------------------------------------------------------------
# /ping: the baseline every page is measured against
# --------------------------------------------------------------------------------------


def test_ping_answers_ok_without_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/ping")
    assert response.status_code == 200
    assert response.content == b"ok"
    assert response["Content-Type"] == "text/plain"
    assert client.head("/ping").status_code == 200


def test_ping_is_only_for_reading_and_has_no_language_prefix(client):
    assert client.post("/ping").status_code == 405
    assert client.get("/en/ping").status_code == 404


def test_highlighted_projects_are_those_carried_furthest_then_by_title(client):
    from django.db.models import Case, IntegerField, Value, When

    from projects.models import ADOPTED_STATUSES, Status

    cycle = WorkshopCycle.objects.get(slug=PLOCK_2017)
    statuses = [Status.SELECTED, Status.IN_PROGRESS, Status.COMPLETED, Status.PROPOSED]
    ProjectIdea.objects.bulk_create(
        ProjectIdea(
            slug=f"highlight-{n}",
            title=f"{'ŻABCŁ'[n % 5]} pomysł {n:02d}",
            cycle=cycle,
            county=cycle.county,
            status=statuses[n % 4],
        )
        for n in range(40)
    )
    furthest = Case(
        *(When(status=status, then=Value(i)) for i, status in enumerate(ADOPTED_STATUSES)),
        output_field=IntegerField(),
    )
    expected = list(
        ProjectIdea.objects.adopted()
        .order_by(furthest.desc(), "title")
        .values_list("title", flat=True)[:6]
    )
    _queries, content = home_queries(client)
    section = content.split('id="projects-heading"')[1].split("</section>")[0]
    shown = re.findall(
        r'<h3>(?:<svg[^>]*>.*?</svg>)?<a href="[^"]*" lang="pl">([^<]*)</a></h3>', section
    )
    assert shown == expected
    assert len(shown) == 6
