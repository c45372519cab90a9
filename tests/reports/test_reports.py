"""The programme-wide report page: who sees it, the figures on the Mazovian records,
honesty about approximate figures and imprecise dates, filters and bad input."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import translation

from accounts.roles import ADMINISTRATOR, COORDINATOR, COUNTY_STAFF
from partnership.collation import polish_sort_key
from programmes.facts import Figure, Precision
from programmes.models import County, Programme
from reports.services import ReportFilters, compute_report
from tests.conftest import staff_login
from tests.factories import make_user
from tests.records import (
    LOSICE,
    MAZOWIECKIE,
    PLOCK,
    PLOCK_2017,
    PROGRAMME_2003,
    PROGRAMME_2017,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def report_url(lang="en", **query):
    with translation.override(lang):
        address = reverse("reports:overview")
    if query:
        from urllib.parse import urlencode

        address += "?" + urlencode(query, doseq=True)
    return address


@pytest.fixture
def coordinator():
    return make_user("koordynator", COORDINATOR)


@pytest.fixture
def plock_staff():
    return make_user("plock", COUNTY_STAFF, [PLOCK])


def county(code):
    return County.objects.get(code=code)


# -- Who may see the reports ---------------------------------------------------------------


def test_urls():
    with translation.override("en"):
        assert reverse("reports:overview") == "/en/reports/"
        assert (
            reverse("reports:export", kwargs={"table": "summary", "fmt": "csv"})
            == "/en/reports/export/summary.csv"
        )
    with translation.override("pl"):
        assert reverse("reports:overview") == "/raporty/"
        assert (
            reverse("reports:export", kwargs={"table": "years", "fmt": "xlsx"})
            == "/raporty/eksport/years.xlsx"
        )


def test_anonymous_is_sent_to_the_admin_login(client):
    address = report_url(year_from=2017)
    response = client.get(address)
    assert response.status_code == 302
    login = response["Location"]
    assert login.startswith(reverse("admin:login"))
    assert "next=" in login and "reports" in login


def test_anonymous_export_is_sent_to_the_login(client):
    with translation.override("en"):
        address = reverse("reports:export", kwargs={"table": "summary", "fmt": "csv"})
    response = client.get(address)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


@pytest.mark.parametrize(
    "kwargs",
    [
        {"role": None},  # staff flag but no role
        {"role": None, "is_staff": False},  # an ordinary account
        {"role": COUNTY_STAFF, "counties": [PLOCK], "is_staff": False},  # role, no staff flag
    ],
)
def test_users_without_a_staff_role_get_403(client, kwargs):
    staff_login(client, make_user("someone", **kwargs))
    assert client.get(report_url()).status_code == 403
    with translation.override("en"):
        address = reverse("reports:export", kwargs={"table": "summary", "fmt": "csv"})
    assert client.get(address).status_code == 403


def test_inactive_user_sees_nothing(client):
    staff_login(client, make_user("former", COUNTY_STAFF, [PLOCK], is_active=False))
    response = client.get(report_url())
    assert response.status_code in (302, 403)
    assert b"report-table" not in response.content


@pytest.mark.parametrize("role", [ADMINISTRATOR, "superuser"])
def test_administrators_and_superusers_see_every_county(client, role):
    if role == "superuser":
        user = make_user("root", is_superuser=True)
    else:
        user = make_user("someone", role)
    staff_login(client, user)
    response = client.get(report_url())
    assert response.status_code == 200
    content = response.content.decode()
    assert "płocki" in content and "łosicki" in content and "ciechanowski" in content
    assert response.context["report"].counties is None


def test_the_mazovian_coordinator_sees_the_mazovian_counties(client, coordinator):
    staff_login(client, coordinator)
    response = client.get(report_url())
    assert response.status_code == 200
    content = response.content.decode()
    assert "płocki" in content and "łosicki" in content and "ciechanowski" in content
    mazovian = County.objects.in_voivodeship(MAZOWIECKIE).values_list("pk", flat=True)
    assert response.context["report"].counties == tuple(sorted(mazovian))
    codes = [row.code for row in response.context["report"].by_county]
    assert {LOSICE, PLOCK} <= set(codes)
    assert all(code and code.startswith(MAZOWIECKIE) for code in codes)


def test_county_staff_see_their_own_county_only(client, plock_staff):
    staff_login(client, plock_staff)
    response = client.get(report_url())
    assert response.status_code == 200
    report = response.context["report"]
    assert [row.code for row in report.by_county] == [PLOCK]
    assert report.counties == (county(PLOCK).pk,)
    # The county choices offer only their county.
    choices = [str(c) for c in response.context["form"].fields["county"].queryset]
    assert choices == [str(county(PLOCK))]
    assert "łosicki" not in response.content.decode()


def test_county_staff_asking_for_another_county_get_a_form_error_and_no_data(client, plock_staff):
    staff_login(client, plock_staff)
    response = client.get(report_url(county=county(LOSICE).pk))
    assert response.status_code == 400
    assert response.context["report"] is None
    assert "county" in response.context["form"].errors
    content = response.content.decode()
    assert "is not one of the counties whose reports you may see" in content
    assert "report-table" not in content
    with translation.override("en"):
        address = reverse("reports:export", kwargs={"table": "counties", "fmt": "csv"})
    export = client.get(address, {"county": county(LOSICE).pk})
    assert export.status_code == 400
    assert "łosicki" not in export.content.decode()


def test_report_link_in_the_admin_for_staff_only(client, coordinator, plock_staff):
    staff_login(client, coordinator)
    page = client.get("/en/admin/").content.decode()
    assert f'href="{report_url()}"' in page
    staff_login(client, plock_staff)
    assert f'href="{report_url()}"' in client.get("/en/admin/").content.decode()


def test_no_report_link_on_public_pages(client, coordinator):
    staff_login(client, coordinator)
    for address in ("/en/", "/"):
        content = client.get(address).content.decode()
        assert "/reports/" not in content and "/raporty/" not in content


def test_report_pages_are_never_cached(client, coordinator):
    staff_login(client, coordinator)
    for address in (
        report_url(),
        reverse("reports:export", kwargs={"table": "summary", "fmt": "csv"}),
    ):
        response = client.get(address)
        assert response.status_code == 200
        cache_control = response["Cache-Control"]
        assert "no-store" in cache_control and "private" in cache_control
        assert "X-Cache" not in response


# -- The figures on the Mazovian records -----------------------------------------------------


def test_totals_match_the_records(coordinator):
    report = compute_report(filters=ReportFilters(), counties=None)
    total = report.total
    assert total.cycles == 18
    # The 16 cycles of 2003–2010 do not record the sessions they held.
    assert total.sessions_held_figure == Figure(12, Precision.AT_LEAST)
    assert total.sessions_recorded == 12
    # 6 × ok. 100 in płocki and 6 × ok. 200 in łosicki, as on the home page.
    assert total.attendance_reported_figure == Figure(1800, Precision.APPROXIMATE)
    assert total.cycles_with_attendance == 2
    assert total.ideas == 13
    assert total.selected == 7
    assert total.events == 4
    # One presentation sent "ponad 1000" invitations; the others record none.
    assert total.invitations_figure == Figure(1000, Precision.MORE_THAN)
    assert total.attendance_share_figure == Figure(30, Precision.APPROXIMATE, suffix="%")
    # No attendance register in the historical records.
    assert total.registered_attendance == 0
    assert total.attendance_rate is None


def test_summary_by_edition(coordinator):
    report = compute_report(filters=ReportFilters(), counties=None)
    rows = {row.name: row.measures for row in report.by_programme}
    old = rows["Warsztaty Lokalnego Ożywienia Gospodarczego"]
    new = rows["Warsztaty Lokalnego Ożywienia Społeczno-Gospodarczego"]
    assert old.cycles == 16
    assert old.sessions_held_figure == Figure(None)  # unknown, never 0
    assert old.attendance_reported_figure == Figure(None)
    assert new.cycles == 2
    assert new.sessions_held_figure == Figure(12)
    assert new.attendance_reported_figure == Figure(1800, Precision.APPROXIMATE)
    assert old.ideas + new.ideas == 13


def test_page_shows_the_figures_with_their_precision(client, coordinator):
    staff_login(client, coordinator)
    content = client.get(report_url()).content.decode()
    assert "approx. 1800" in content
    assert "at least 12" in content
    assert "more than 1000" in content
    assert 'class="fig fig--inexact"' in content
    assert "Includes approximate figures" in content
    # Unknown values are a dash with an explanation, not 0.
    assert 'class="fig fig--unknown" title="not recorded">—' in content
    assert "known for 2 of 18 cycles" in content


def test_polish_page(client, coordinator):
    staff_login(client, coordinator)
    response = client.get(report_url("pl"))
    assert response.status_code == 200
    with translation.override("pl"):
        assert str(Figure(1800, Precision.APPROXIMATE)) in response.content.decode()


def test_county_comparison_lists_active_counties_by_name(coordinator):
    report = compute_report(filters=ReportFilters(), counties=None)
    labels = [row.label for row in report.by_county if row.id]
    names = [County.objects.get(pk=row.id).name for row in report.by_county if row.id]
    # In Polish order: "łosicki" after "lipski", not after "żyrardowski".
    assert names == sorted(names, key=polish_sort_key)
    assert len(labels) == 16
    plock = next(row for row in report.by_county if row.code == PLOCK)
    assert plock.measures.cycles == 2  # the 2003–2010 cycle and the 2017 one
    assert plock.measures.attendance_reported_figure == Figure(600, Precision.APPROXIMATE)


def test_year_buckets_for_imprecise_dates(coordinator):
    report = compute_report(filters=ReportFilters(), counties=None)
    rows = {row.label: row for row in report.by_year}
    assert rows["2017"].cycles == 2
    assert rows["2017"].sessions == 12
    assert rows["2017"].attendance_reported_figure == Figure(1800, Precision.APPROXIMATE)
    # The 16 cycles of 2003–2010 are not put in any year.
    bucket = rows["Year not known precisely (2003–2010)"]
    assert bucket.cycles == 16 and bucket.is_bucket
    assert all(rows[str(year)].cycles == 0 for year in range(2003, 2011) if str(year) in rows)
    assert rows["2005"].events == 2
    assert rows["Date unknown"].events == 1
    # Every record is counted exactly once.
    assert sum(row.cycles for row in report.by_year) == 18
    assert sum(row.events for row in report.by_year) == 4
    assert sum(row.ideas for row in report.by_year) == 13


def test_year_filter_reports_records_that_may_fall_in_the_range(client, coordinator):
    report = compute_report(filters=ReportFilters(year_from=2005, year_to=2005), counties=None)
    assert report.total.cycles == 0
    assert report.notes.cycles_overlapping == 16
    assert report.total.events == 2
    staff_login(client, coordinator)
    content = client.get(report_url(year_from=2005, year_to=2005)).content.decode()
    assert "16 workshop cycles may fall in this range; their dates are not known precisely." in (
        content
    )

    only_2017 = compute_report(filters=ReportFilters(year_from=2017, year_to=2017), counties=None)
    assert only_2017.total.cycles == 2
    assert only_2017.total.attendance_reported_figure == Figure(1800, Precision.APPROXIMATE)
    assert only_2017.notes.cycles_overlapping == 0


def test_programme_and_county_filters(client, coordinator):
    edition = Programme.objects.get(slug=PROGRAMME_2017)
    staff_login(client, coordinator)
    response = client.get(report_url(programme=edition.pk, county=county(LOSICE).pk))
    assert response.status_code == 200
    report = response.context["report"]
    assert report.total.cycles == 1
    assert report.total.attendance_reported_figure == Figure(1200, Precision.APPROXIMATE)
    assert [row.code for row in report.by_county] == [LOSICE]
    assert "What this report covers" in response.content.decode()


def test_statuses_and_share_selected(coordinator):
    report = compute_report(filters=ReportFilters(), counties=None)
    assert sum(row.ideas for row in report.statuses) == 13
    assert sum(row.ideas for row in report.statuses if row.selected) == 7
    assert round(report.total.selected_share) == 54


def test_register_figures_sector_and_rate_bands(plock_staff):
    from workshops.figures import cycle_figures_refresh
    from workshops.models import Attendance, Attendee, Certificate, WorkshopCycle

    cycle = WorkshopCycle.objects.get(slug=PLOCK_2017)
    sessions = list(cycle.sessions.order_by("ordinal"))
    people = [
        Attendee.objects.create(cycle=cycle, full_name=f"Osoba {i}", sector=sector)
        for i, sector in enumerate(["employer", "employer", "ngo", ""])
    ]
    # Session I: all four present (100%); session II: one of four (25%); others: nobody.
    for person in people:
        Attendance.objects.create(attendee=person, session=sessions[0])
    Attendance.objects.create(attendee=people[0], session=sessions[1])
    Certificate.objects.create(
        attendee=people[0],
        cycle=cycle,
        number="1419/2017/950",
        issued_on=datetime.date(2017, 12, 7),
        issued_by="Dyrektor",
    )
    Certificate.objects.create(
        attendee=people[1],
        cycle=cycle,
        number="1419/2017/951",
        issued_on=datetime.date(2017, 12, 7),
        issued_by="Dyrektor",
        revoked_at=datetime.datetime(2018, 1, 1, tzinfo=datetime.UTC),
    )
    # Written row by row, not through a service: the counts kept per cycle follow.
    cycle_figures_refresh(cycle_ids=[cycle.pk])
    report = compute_report(filters=ReportFilters(), counties=(county(PLOCK).pk,))
    total = report.total
    assert total.registered_attendance == 5
    assert total.attendees == 4
    assert total.participants == 4
    assert total.certificates == 1  # the revoked one does not count
    assert total.sessions_with_register == 6
    assert total.register_places == 24
    assert round(total.attendance_rate, 2) == round(100 * 5 / 24, 2)
    bands = {row.low: row.sessions for row in report.rate_bands}
    assert bands[90] == 1 and bands[20] == 1 and bands[0] == 4
    sectors = {row.sector: (row.attendees, row.participants) for row in report.sectors}
    assert sectors["employer"] == (2, 2)
    assert sectors["ngo"] == (1, 1)
    assert sectors[""] == (1, 1)  # "not recorded"


# -- Bad input -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query, field",
    [
        ({"year_from": "2010", "year_to": "2005"}, "year_to"),
        ({"year_from": "abc"}, "year_from"),
        ({"year_to": "99999999999999999999999"}, "year_to"),
        ({"year_from": "1200"}, "year_from"),
        ({"year_from": "20\x0017"}, "year_from"),
        ({"programme": "999999"}, "programme"),
        ({"programme": "x"}, "programme"),
        ({"programme": "99999999999999999999999999"}, "programme"),
        ({"programme": "\x00"}, "programme"),
        ({"county": "999999"}, "county"),
        ({"county": "1e3"}, "county"),
        ({"county": "99999999999999999999999999"}, "county"),
        ({"county": "\x00"}, "county"),
        ({"county": "7" * 10_000}, "county"),
        ({"programme": "1" * 5_000}, "programme"),
    ],
)
def test_bad_filters_are_field_errors(client, coordinator, query, field):
    staff_login(client, coordinator)
    response = client.get(report_url(), query)
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert response.context["report"] is None
    assert b'class="errorlist"' in response.content


def test_unknown_query_parameters_are_ignored(client, coordinator):
    staff_login(client, coordinator)
    response = client.get(report_url(), {"utm": "x", "<script>": "1"})
    assert response.status_code == 200
    assert response.context["report"].total.cycles == 18


# -- Charts, accessibility, print --------------------------------------------------------------


def test_charts_read_their_data_from_json_without_inline_script(client, coordinator):
    import json
    import re

    staff_login(client, coordinator)
    content = client.get(report_url()).content.decode()
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", content, flags=re.S)
    for attributes, _body in scripts:
        # Either a file from static/ or JSON data: never inline code.
        assert "src=" in attributes or 'type="application/json"' in attributes
        assert "src=" not in attributes or "/static/" in attributes
    assert "/static/vendor/chartjs/chart.umd.min.js" in content
    assert "/static/js/reports.js" in content
    # Sectors and attendance rates need a register, which the historical records lack.
    assert 'data-chart="chart-sectors"' not in content
    for name in ("summary", "counties", "years", "statuses"):
        assert f'data-chart="chart-{name}" role="img" aria-label="' in content
        match = re.search(
            rf'<script id="chart-{name}" type="application/json">(.*?)</script>', content, re.S
        )
        assert match, name
    summary = json.loads(
        re.search(
            r'<script id="chart-summary" type="application/json">(.*?)</script>', content, re.S
        ).group(1)
    )
    attendance = summary["datasets"][0]
    labels = summary["labels"]
    new = labels.index("Warsztaty Lokalnego Ożywienia Społeczno-Gospodarczego")
    old = labels.index("Warsztaty Lokalnego Ożywienia Gospodarczego")
    assert attendance["data"][new] == 1800 and attendance["inexact"][new] is True
    assert attendance["data"][old] is None  # unknown is a gap, not 0
    years = json.loads(
        re.search(
            r'<script id="chart-years" type="application/json">(.*?)</script>', content, re.S
        ).group(1)
    )
    assert "Year not known precisely (2003–2010)" in years["labels"]
    # Every chart sits in a figure with a caption, next to a table with a caption.
    assert content.count("<figcaption>") == 4
    assert content.count("<caption id=") == content.count('class="report-table"') == 4
    assert 'scope="col"' in content and 'scope="row"' in content


def test_print_header_and_stylesheet(client, coordinator):
    from pathlib import Path

    from django.conf import settings

    staff_login(client, coordinator)
    content = client.get(report_url()).content.decode()
    assert "/static/css/reports.css" in content
    assert 'class="print-header"' in content and "Generated on" in content
    css = (Path(settings.BASE_DIR) / "static/css/reports.css").read_text()
    assert "@media print" in css and "size: A4" in css


def test_one_sided_year_filters():
    since_2011 = compute_report(filters=ReportFilters(year_from=2011), counties=None)
    assert since_2011.total.cycles == 2
    assert since_2011.notes.cycles_overlapping == 0  # 2003–2010 cannot reach 2011
    until_2010 = compute_report(filters=ReportFilters(year_to=2010), counties=None)
    assert until_2010.total.cycles == 16
    assert until_2010.total.sessions_held_figure == Figure(None)
    # The promotional meetings from 16 February 2005 have no recorded end: they may
    # reach into the range, but do not lie within it.
    assert until_2010.notes.events_overlapping == 1
    assert until_2010.notes.events_undated == 1


def test_programme_filter_in_polish_page(client, coordinator):
    edition = Programme.objects.get(slug=PROGRAMME_2003)
    staff_login(client, coordinator)
    response = client.get(report_url("pl", programme=edition.pk))
    assert response.status_code == 200
    report = response.context["report"]
    assert report.total.cycles == 16
    assert report.total.ideas == sum(row.ideas for row in report.statuses)
