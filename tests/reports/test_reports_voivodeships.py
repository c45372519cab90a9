"""The reports of a voivodeship's coordinator: only their voivodeships' counties, in the
page, its charts and every export; another voivodeship's county is a form error."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from accounts.roles import ADMINISTRATOR, COORDINATOR, COUNTY_STAFF
from programmes.models import County
from reports.exports import TABLES
from tests.conftest import staff_login
from tests.factories import (
    AttendanceFactory,
    AttendeeFactory,
    CycleFactory,
    SessionFactory,
    make_user,
)
from tests.records import LODZKIE, LOSICE, MAZOWIECKIE, PLOCK
from tests.reports.test_reports_exports import read_csv, read_xlsx
from workshops.figures import cycle_figures_refresh

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

LODZ = "1061"  # Łódź, a city with county rights in Łódzkie
MAZOVIAN_NAMES = ("płocki", "łosicki", "ciechanowski", "Płock")


def overview(**query):
    with translation.override("en"):
        address = reverse("reports:overview")
    return address, query


def export(table, fmt):
    with translation.override("en"):
        return reverse("reports:export", kwargs={"table": table, "fmt": fmt})


@pytest.fixture
def lodz_cycle(national_units):
    """A cycle in Łódź with one session and one person who attended it."""
    cycle = CycleFactory(county_code=LODZ, title="Cykl łódzki")
    session = SessionFactory(cycle=cycle, attendance=25)
    AttendanceFactory(attendee=AttendeeFactory(cycle=cycle), session=session)
    cycle_figures_refresh(cycle_ids=[cycle.pk])  # as the write paths do
    return cycle


@pytest.fixture
def lodz_client(client, lodz_cycle):
    staff_login(client, make_user("koordynator.lodz", COORDINATOR, voivodeships=[LODZKIE]))
    return client


def test_another_voivodeship_s_coordinator_sees_their_counties_only(lodz_client):
    address, _ = overview()
    response = lodz_client.get(address)
    assert response.status_code == 200
    report = response.context["report"]
    assert [row.code for row in report.by_county] == [LODZ]
    assert report.total.cycles == 1
    form_counties = response.context["form"].fields["county"].queryset
    assert {c.voivodeship.code for c in form_counties} == {LODZKIE}
    page = response.content.decode()
    assert "Łódź" in page
    for name in MAZOVIAN_NAMES:  # not in the tables, the charts' data or the form
        assert name not in page, name
    charts = response.context["charts"]
    assert charts["counties"]["labels"] == [str(report.by_county[0].label)]
    # Attendance as reported: Łódź's 25, none of the Mazovian 1,800.
    assert sum(value or 0 for value in charts["summary"]["datasets"][0]["data"]) == 25


@pytest.mark.parametrize("code", [PLOCK, LOSICE])
def test_a_mazovian_county_is_a_form_error_for_them(lodz_client, code):
    address, _ = overview()
    county = County.objects.get(code=code)
    response = lodz_client.get(address, {"county": county.pk})
    assert response.status_code == 400
    assert response.context.get("report") is None
    assert "is not one of the counties whose reports you may see" in response.content.decode()
    for table in TABLES:
        refused = lodz_client.get(export(table, "csv"), {"county": county.pk})
        assert refused.status_code == 400
        assert county.name not in refused.content.decode()


@pytest.mark.parametrize("table", sorted(TABLES))
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_their_exports_leak_nothing_mazovian(lodz_client, table, fmt):
    response = lodz_client.get(export(table, fmt))
    assert response.status_code == 200
    rows = read_csv(response) if fmt == "csv" else read_xlsx(response)
    cells = [str(cell) for row in rows for cell in row if cell is not None]
    for name in MAZOVIAN_NAMES:
        assert not any(name in cell for cell in cells), (name, table)
    assert not any(cell.startswith(MAZOWIECKIE) and len(cell) == 4 for cell in cells)


def test_their_totals_are_their_counties_figures(lodz_client):
    rows = read_csv(lodz_client.get(export("summary", "csv")))
    total = dict(zip(rows[0], rows[-1], strict=True))
    assert total["Workshop cycles"] == "1"
    assert total["Project ideas"] == "0"
    rows = read_csv(lodz_client.get(export("counties", "csv")))
    assert [row[0] for row in rows[1:]] == [LODZ, ""]  # Łódź and the total row


def test_the_mazovian_coordinator_sees_nothing_of_lodz(client, lodz_cycle):
    staff_login(client, make_user("koordynator.maz", COORDINATOR, voivodeships=[MAZOWIECKIE]))
    rows = read_csv(client.get(export("counties", "csv")))
    codes = [row[0] for row in rows[1:-1]]
    assert PLOCK in codes and LODZ not in codes
    lodz = County.objects.get(code=LODZ)
    address, _ = overview()
    assert client.get(address, {"county": lodz.pk}).status_code == 400


def test_an_administrator_sees_both_voivodeships(client, lodz_cycle):
    staff_login(client, make_user("admin", ADMINISTRATOR))
    rows = read_csv(client.get(export("counties", "csv")))
    codes = [row[0] for row in rows[1:-1]]
    assert PLOCK in codes and LODZ in codes


def test_a_coordinator_without_a_voivodeship_is_told_and_sees_no_figures(client):
    staff_login(client, make_user("koordynator.bez", COORDINATOR, voivodeships=[]))
    address, _ = overview()
    response = client.get(address)
    assert response.status_code == 200
    page = response.content.decode()
    assert "No county is assigned to your account yet" in page
    assert response.context["report"].by_county == []
    assert response.context["report"].total.cycles == 0
    for name in MAZOVIAN_NAMES:
        assert name not in page, name
    rows = read_csv(client.get(export("counties", "csv")))
    assert [row[0] for row in rows[1:]] == [""]  # the total row alone


def test_county_staff_without_a_county_get_the_page_too(client):
    staff_login(client, make_user("bez.powiatu", COUNTY_STAFF))
    address, _ = overview()
    response = client.get(address)
    assert response.status_code == 200
    assert "No county is assigned to your account yet" in response.content.decode()


def test_a_report_of_many_counties_has_a_short_key_that_follows_writes(
    national_units, django_capture_on_commit_callbacks
):
    from partnership.caching import public_data_changed
    from reports.services import MANY_COUNTIES, ReportFilters, cache_key

    every = tuple(County.objects.values_list("pk", flat=True))  # a coordinator of all 16
    lodzkie = tuple(County.objects.in_voivodeship(LODZKIE).values_list("pk", flat=True))
    assert len(every) > MANY_COUNTIES > len(lodzkie)
    before = {c: cache_key(filters=ReportFilters(), counties=c) for c in (every, lodzkie)}
    assert all(len(key) < 250 for key in before.values())  # memcached's limit
    with django_capture_on_commit_callbacks(execute=True):
        public_data_changed(county=County.objects.get(code=PLOCK))
    assert cache_key(filters=ReportFilters(), counties=every) != before[every]
    assert cache_key(filters=ReportFilters(), counties=lodzkie) == before[lodzkie]
