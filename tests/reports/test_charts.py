"""The public charts: per-year figures that agree with the staff report and the home
page's headline figures, honest marks (approximate hatched, lower bounds open-ended,
unknown never 0, imprecise years in their own rows), a summary and a table for each, and
the catalogue's charts drawn from its facet counts."""

from __future__ import annotations

import datetime
import re

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from portal.charts import ChartItem, bar_chart, participants_chart, sessions_chart, theme_chart
from portal.views import home_figures
from portal.yearly import figures_by_year
from programmes.facts import Figure, Precision, sum_figures
from programmes.models import County, Programme
from projects.facets import idea_facets_refresh
from projects.models import ProjectIdea, Status
from reports.services import ReportFilters, compute_report
from tests.records import PROGRAMME_2003, PROGRAMME_2017
from workshops.figures import cycle_figures_refresh
from workshops.models import Session, WorkshopCycle

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

PRECISIONS = list(Precision.values)
STATUSES = list(WorkshopCycle.Status.values)


def url(name, lang="en", **kwargs):
    with translation.override(lang):
        return reverse(name, kwargs=kwargs or None)


def page(client, address) -> str:
    response = client.get(address)
    assert response.status_code == 200
    return response.content.decode()


def figure(client_content: str, chart_id: str) -> str:
    start = client_content.index(f'aria-labelledby="{chart_id}-title"')
    return client_content[start : client_content.index("</figure>", start)]


def report_years(**filters) -> dict:
    report = compute_report(filters=ReportFilters(**filters), counties=None)
    return {(row.first_year, row.last_year): row for row in report.by_year}, report


def assert_agrees_with_report(**filters):
    """Every period of the charts has the report's attendance; every period the report
    gives cycles or sessions is in the charts; sessions held add up to the report's."""
    figures = figures_by_year(**{k: v for k, v in filters.items() if k != "programme_ids"})
    rows, report = report_years(
        programme_ids=filters.get("programme_ids", ()),
    )
    charted = {(p.first_year, p.last_year): p for p in figures.session_periods}
    for key, period in charted.items():
        assert period.participants == rows[key].attendance_reported_figure, key
        assert period.sessions == rows[key].sessions, key
    for key, row in rows.items():
        if row.cycles or row.sessions:
            assert key in charted, key
    for period in figures.cycle_periods:
        assert period.cycles == rows[(period.first_year, period.last_year)].cycles
    held = sum_figures(period.sessions_held for period in figures.cycle_periods)
    assert held == report.total.sessions_held_figure
    return figures


# --------------------------------------------------------------------------------------
# The figures agree with the staff report and the headline figures
# --------------------------------------------------------------------------------------


def test_per_year_figures_on_the_records():
    figures = assert_agrees_with_report()
    participants = {p.label: p.participants for p in figures.session_periods}
    assert participants == {
        "2017": Figure(1800, Precision.APPROXIMATE),
        "2003–2010, year not known precisely": Figure(None),
    }
    held = {p.label: p.sessions_held for p in figures.cycle_periods}
    assert held == {"2017": Figure(12), "2003–2010, year not known precisely": Figure(None)}
    headline = home_figures()[2]
    assert sum_figures(held.values()) == headline["sessions"]
    # The headline adds up the sessions on record; the charts also say that the cycles
    # with none have unknown attendance.
    with_sessions = [p.participants for p in figures.session_periods if p.sessions]
    assert sum_figures(with_sessions) == headline["participants"]


def test_per_year_figures_of_each_edition_agree_with_the_report():
    for programme in Programme.objects.all():
        assert_agrees_with_report(programme=programme, programme_ids=(programme.pk,))


def add_cycle(n, *, start, end, status="completed", held=None, sessions=()):
    """A cycle of łosicki county with sessions given as (attendance, precision, own date)."""
    cycle = WorkshopCycle.objects.create(
        slug=f"chart-{n}",
        programme=Programme.objects.get(slug=PROGRAMME_2017),
        county=County.objects.get(slug="losicki"),
        title=f"Cykl {n}",
        status=status,
        sessions_held=held,
        date_start=start,
        date_end=end,
    )
    Session.objects.bulk_create(
        Session(
            cycle=cycle,
            ordinal=i,
            attendance=value,
            attendance_precision=precision,
            date_start=day,
            date_end=day,
        )
        for i, (value, precision, day) in enumerate(sessions, start=1)
    )
    cycle_figures_refresh(cycle_ids=[cycle.pk])  # as every write path does
    return cycle


YEARS = st.one_of(
    st.none(),
    st.tuples(st.integers(2011, 2013), st.integers(0, 1), st.booleans()),
)


@settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    st.lists(
        st.fixed_dictionaries(
            {
                "years": YEARS,  # None: undated; (first year, span, end recorded)
                "status": st.sampled_from(STATUSES),
                "held": st.one_of(st.none(), st.integers(0, 9)),
                "sessions": st.lists(
                    st.tuples(
                        st.one_of(st.none(), st.integers(0, 300)),
                        st.sampled_from(PRECISIONS),
                        st.booleans(),  # a date of its own
                    ),
                    max_size=3,
                ),
            }
        ),
        max_size=5,
    )
)
def test_per_year_figures_agree_with_the_report_for_any_records(cycles):
    with transaction.atomic():
        for n, spec in enumerate(cycles):
            start = end = None
            if spec["years"]:
                first, span, has_end = spec["years"]
                start = datetime.date(first, 3, 1)
                end = datetime.date(first + span, 10, 1) if has_end else None
            add_cycle(
                n,
                start=start,
                end=end,
                status=spec["status"],
                held=spec["held"],
                sessions=[
                    (value, precision, start if own and start else None)
                    for value, precision, own in spec["sessions"]
                ],
            )
        assert_agrees_with_report()
        transaction.set_rollback(True)


# --------------------------------------------------------------------------------------
# The charts are honest
# --------------------------------------------------------------------------------------


def rows_of(chart) -> dict:
    return {row.item.label: row for row in chart.rows}


def test_unknown_is_never_drawn_as_zero_and_imprecise_years_come_last():
    figures = figures_by_year()
    for chart in (participants_chart(figures), sessions_chart(figures)):
        rows = rows_of(chart)
        bucket = rows["2003–2010, year not known precisely"]
        assert bucket.kind == "unknown" and bucket.is_bucket
        assert bucket.value == "— unknown" and bucket.width == "0.00"
        assert bucket.table_value == "unknown"
        assert chart.rows[-1] is bucket and bucket.separator_y is not None
        assert "1 figure is unknown" in chart.summary


def test_home_draws_the_approximate_year_hatched_and_the_unknown_bucket_without_a_bar(client):
    content = page(client, url("portal:home"))
    participants = figure(content, "participants-chart")
    year = participants.split('chart__row--approx">')[1].split("</g>")[0]
    assert "2017: <tspan" in year and "approx. 1800" in year
    assert 'class="chart__approx"' in year and 'fill="url(#participants-chart-hatch)"' in year
    bucket = participants.split("chart__row--unknown chart__row--bucket")[1].split("</g>")[0]
    assert "— unknown" in bucket and "<rect" not in bucket and ">0<" not in bucket
    assert "hatched: approximate figure" in participants
    assert "no bar: unknown, not zero" in participants
    # A one-sentence summary names the image; the table gives the figures.
    assert re.search(
        r'role="img" aria-labelledby="participants-chart-summary"[^>]*>\s*'
        r'<title id="participants-chart-summary">Participants as reported, per year: '
        r"the largest bar is “2017”, approx. 1800; 1 figure is approximate or incomplete; "
        r"1 figure is unknown.</title>",
        participants,
    )
    table = participants.split("<tbody>")[1]
    assert re.search(r"<th scope=\"row\">2017</th>\s*<td class=\"num\">approx. 1800</td>", table)
    assert 'class="row--bucket"' in table and '<td class="num">unknown</td>' in table
    sessions = figure(content, "sessions-chart")
    assert re.search(r"<th scope=\"row\">2017</th>\s*<td class=\"num\">12</td>", sessions)
    assert "status-chart" in content


def test_lower_bound_is_drawn_with_an_open_end(client):
    add_cycle(
        1,
        start=datetime.date(2016, 3, 1),
        end=datetime.date(2016, 11, 30),
        sessions=[(30, "exact", None), (25, "at_least", None), (None, "exact", None)],
    )
    content = page(client, url("portal:home"))
    for chart_id in ("participants-chart", "sessions-chart"):
        chart = figure(content, chart_id)
        row = chart.split("chart__row--lower")[1].split("</g>")[0]
        assert "2016: <tspan" in row and "at least" in row
        assert 'class="chart__open-end"' in row
        assert "open dashed end: at least this many" in chart
    figures = figures_by_year()
    year = next(p for p in figures.session_periods if p.label == "2016")
    assert year.participants == Figure(55, Precision.AT_LEAST)
    assert next(p for p in figures.cycle_periods if p.label == "2016").sessions_held == Figure(
        3, Precision.AT_LEAST
    )


def test_a_cycle_without_sessions_has_unknown_participants_not_zero():
    add_cycle(2, start=datetime.date(2014, 2, 1), end=datetime.date(2014, 10, 1), held=6)
    figures = figures_by_year()
    year = next(p for p in figures.session_periods if p.label == "2014")
    assert year.participants == Figure(None)
    assert next(p for p in figures.cycle_periods if p.label == "2014").sessions_held == Figure(6)


def test_bar_chart_layout():
    assert bar_chart(chart_id="x", title="T", items=[], label_header="a", value_header="b") is None
    chart = bar_chart(
        chart_id="x",
        title="T",
        items=[
            ChartItem("2015", Figure(50)),
            ChartItem("2016", Figure(0)),
            ChartItem("a label long enough to be wrapped over two lines at 320 px", Figure(100)),
            ChartItem("bucket one", Figure(None), True),
            ChartItem("bucket two", Figure(10, Precision.APPROXIMATE), True),
        ],
        label_header="Year",
        value_header="Value",
        series=7,
    )
    first, zero, long, bucket_one, bucket_two = chart.rows
    assert first.width == "45.00" and long.width == "90.00" and zero.width == "0.00"
    assert zero.kind == "zero" and zero.value == "0"
    assert len(long.lines) == 2 and long.value == "100"
    # Rows without a bar take no room for one; rows never overlap.
    assert zero.bar_y - zero.lines[0][0] < first.bar_y - first.lines[0][0] + 30
    tops = [row.lines[0][0] for row in chart.rows]
    assert tops == sorted(tops) and len(set(tops)) == 5
    # One separator, before the first bucket only.
    assert [row.separator_y is not None for row in chart.rows] == [0, 0, 0, 1, 0]
    assert chart.series == 2  # five colours, shared with the staff report's charts
    assert chart.height > bucket_two.bar_y + 16


def test_bar_chart_of_unknowns_only():
    chart = bar_chart(
        chart_id="x",
        title="T",
        items=[ChartItem("2015", Figure(None))],
        label_header="a",
        value_header="b",
    )
    assert chart.summary == "T: no figure is known; 1 figure is unknown."
    assert chart.rows[0].width == "0.00"


# --------------------------------------------------------------------------------------
# Project ideas by status and by theme
# --------------------------------------------------------------------------------------


def test_home_status_chart_counts_every_idea(client):
    content = page(client, url("portal:home"))
    chart = figure(content, "status-chart")
    counts = ProjectIdea.objects.status_counts()
    assert sum(counts.values()) == ProjectIdea.objects.count() == 13
    for status in Status:
        n = counts.get(status.value, 0)
        assert re.search(
            rf"<th scope=\"row\">{status.label}</th>\s*<td class=\"num\">{n}</td>", chart
        )
    assert "the largest bar is “selected for implementation”, 7" in chart


def catalogue_counts(content: str, chart_id: str) -> dict[str, str]:
    table = figure(content, chart_id).split("<tbody>")[1]
    return dict(
        re.findall(r"<th scope=\"row\">([^<]*)</th>\s*<td class=\"num\">([^<]*)</td>", table)
    )


def test_catalogue_charts_follow_the_filters_as_the_form_counts_do(client):
    every = page(client, url("projects:list") + "?scope=all")
    assert catalogue_counts(every, "catalogue-status") == {
        "proposed": "6",
        "selected for implementation": "7",
    }
    themes = catalogue_counts(every, "catalogue-themes")
    assert themes["entrepreneurship"] == "5" and len(themes) == 15
    assert list(themes)[0] == "entrepreneurship"  # the most frequent first
    # The numbers next to the form's choices are the same.
    assert "entrepreneurship (5)</option>" in every
    losicki = page(client, url("projects:list") + "?scope=all&county=losicki")
    statuses = catalogue_counts(losicki, "catalogue-status")
    assert (
        sum(int(n) for n in statuses.values())
        == ProjectIdea.objects.filter(county__slug="losicki").count()
    )
    # The default list (ideas selected for implementation) charts only those.
    default = page(client, url("projects:list"))
    assert catalogue_counts(default, "catalogue-status") == {"selected for implementation": "7"}


def test_catalogue_charts_count_ideas_without_a_theme_apart(client):
    idea = ProjectIdea.objects.filter(status="proposed").first()
    idea.themes.clear()
    idea_facets_refresh(idea_ids=[idea.pk])  # as the ideas' admin does after a save
    content = page(client, url("projects:list") + "?scope=all")
    themes = catalogue_counts(content, "catalogue-themes")
    assert themes["no theme recorded"] == "1"
    assert list(themes)[-1] == "no theme recorded"


def test_catalogue_with_a_form_error_has_no_charts(client):
    content = page(client, url("projects:list") + "?year=abc")
    assert "catalogue-status" not in content and "catalogue-themes" not in content


def test_theme_chart_leaves_out_themes_without_ideas():
    chart = theme_chart({"a": 2, "b": 0, "c": 3, None: 0}, {"a": "A", "b": "B", "c": "C"})
    assert [row.item.label for row in chart.rows] == ["C", "A"]
    assert theme_chart({}, {}) is None


def test_edition_page_charts_its_own_years(client):
    content = page(client, url("portal:programme_detail", slug=PROGRAMME_2003))
    participants = figure(content, "participants-chart")
    assert "2017" not in participants.split("<tbody>")[1]
    assert "2003–2010, year not known precisely" in participants
    content = page(client, url("portal:programme_detail", slug=PROGRAMME_2017))
    assert "2003–2010" not in figure(content, "sessions-chart")


def test_charts_are_translated(client):
    content = page(client, url("portal:home", "pl"))
    participants = figure(content, "participants-chart")
    assert "Uczestnicy według źródeł, w kolejnych latach" in participants
    assert "2003–2010, rok nieznany dokładnie" in participants
    assert "— brak danych" in participants and "ok. 1800" in participants
