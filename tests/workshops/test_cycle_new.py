"""The guided "New cycle" form, its service, editions' schemes and one-day sessions."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.models import Group, User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.urls import reverse

from accounts.models import StaffProfile
from accounts.roles import ADMINISTRATOR, COORDINATOR, COUNTY_STAFF, GROUP_NAMES
from programmes.models import County, Programme, SchemeSession
from tests.conftest import county_staff_user, staff_login
from workshops.cycles import MAX_SESSIONS, PlannedSession, cycle_create, cycle_slug
from workshops.models import Session, WorkshopCycle

pytestmark = pytest.mark.django_db

D = datetime.date
NEW = "/admin/workshops/workshopcycle/new/"


def role_user(name, role, counties=()):
    user = User.objects.create_user(name, is_staff=True)
    user.groups.add(Group.objects.get(name=GROUP_NAMES[role]))
    StaffProfile.objects.create(user=user).counties.set(County.objects.filter(code__in=counties))
    return user


@pytest.fixture
def edition_2026():
    edition = Programme.objects.create(
        slug="wlosg-2026", name="Warsztaty 2026", date_start=D(2026, 1, 1), date_precision="year"
    )
    for n, kind in enumerate(["workshop"] * 4 + ["closing_conference"], start=1):
        SchemeSession.objects.create(
            programme=edition, number=n, kind=kind, topic=f"Temat {n}", venue="Starostwo"
        )
    return edition


@pytest.fixture
def clerk(client):
    user = county_staff_user("klara.plock")
    staff_login(client, user)
    return user


def start_data(edition, **override):
    data = {
        "county": County.objects.get(code="1419").pk,
        "programme": edition.pk,
        "title": "Łódka i żółw: partnerstwo 2026",
        "date_start": "2026-03-09",
        "date_end": "2026-06-30",
        "certificate_min_sessions": "3",
    }
    return {**data, **override}


def rows_data(count=5, **override):
    data = {
        "sessions-TOTAL_FORMS": str(count),
        "sessions-INITIAL_FORMS": str(count),
        "sessions-MIN_NUM_FORMS": "0",
        "sessions-MAX_NUM_FORMS": str(MAX_SESSIONS),
    }
    for i in range(count):
        data |= {
            f"sessions-{i}-number": str(i + 1),
            f"sessions-{i}-kind": "workshop",
            f"sessions-{i}-date": f"2026-0{3 + i % 4}-{9 + i:02d}",
            f"sessions-{i}-venue": "Starostwo w Płocku",
            f"sessions-{i}-topic": f"Temat {i + 1}",
        }
    return {**data, **override}


# -- The form ---------------------------------------------------------------------------


def test_the_form_preselects_the_clerks_only_county_and_offers_no_other(client, clerk):
    response = client.get(NEW)
    assert response.status_code == 200
    field = response.context["start"]["county"]
    assert [c.code for c in field.field.queryset] == ["1419"]
    assert field.initial == County.objects.get(code="1419").pk
    # The edition is an explicit choice: nothing chosen for the clerk.
    assert response.context["start"]["programme"].initial is None
    assert "— wybierz edycję —" in response.content.decode()


def test_prepare_makes_the_sessions_from_the_editions_scheme(client, clerk, edition_2026):
    response = client.post(NEW, {**start_data(edition_2026), "step": "prepare"})
    rows = response.context["rows"]
    assert [form.initial["number"] for form in rows] == [1, 2, 3, 4, 5]
    assert rows.forms[4].initial["kind"] == "closing_conference"
    assert rows.forms[0].initial["topic"] == "Temat 1"
    assert WorkshopCycle.objects.filter(programme=edition_2026).count() == 0


def test_add_a_session_adds_one_numbered_row(client, clerk, edition_2026):
    response = client.post(NEW, {**start_data(edition_2026), **rows_data(5), "step": "add"})
    assert [form.initial["number"] for form in response.context["rows"]] == [1, 2, 3, 4, 5, 6]


def test_saving_creates_the_cycle_its_sessions_and_a_made_slug(client, clerk, edition_2026):
    data = {**start_data(edition_2026), **rows_data(5), "step": "save"}
    data["sessions-4-DELETE"] = "on"  # one removed before saving
    response = client.post(NEW, data)
    cycle = WorkshopCycle.objects.get(programme=edition_2026)
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:workshops_workshopcycle_change", args=[cycle.pk])
    assert cycle.slug == "2026-lodka-i-zolw-partnerstwo-2026"
    assert cycle.county.code == "1419" and cycle.status == "planned"
    assert cycle.sessions_planned == 4 and cycle.certificate_min_sessions == 3
    sessions = list(cycle.sessions.order_by("ordinal"))
    assert [s.ordinal for s in sessions] == [1, 2, 3, 4]
    # One date given: the session is that day.
    assert sessions[0].date_start == sessions[0].date_end == D(2026, 3, 9)
    # The audit trail names the clerk.
    assert cycle.history.get().history_user == clerk
    assert sessions[0].history.get().history_user == clerk


def test_a_mismatched_edition_is_refused_with_a_clear_message(client, clerk):
    old = Programme.objects.get(slug="wlog-2003-2010")
    response = client.post(NEW, {**start_data(old), **rows_data(5), "step": "save"})
    assert response.status_code == 200
    error = " ".join(response.context["start"].errors["programme"])
    assert "lies outside the edition" in error or "poza okresem edycji" in error
    assert not WorkshopCycle.objects.filter(title__startswith="Łódka").exists()


@pytest.mark.parametrize(
    ("override", "field"),
    [
        ({"date_end": "2026-03-01"}, "date_end"),  # ends before it starts
        ({"date_start": "9 marca"}, "date_start"),
        ({"title": ""}, "title"),
        ({"certificate_min_sessions": "0"}, "certificate_min_sessions"),
        ({"county": "999999"}, "county"),
    ],
)
def test_bad_cycle_input_is_refused_without_saving(client, clerk, edition_2026, override, field):
    response = client.post(
        NEW, {**start_data(edition_2026, **override), **rows_data(5), "step": "save"}
    )
    assert response.status_code == 200
    assert field in response.context["start"].errors
    # The sessions typed so far stay on the page.
    assert response.context["rows"].total_form_count() == 5
    assert WorkshopCycle.objects.filter(programme=edition_2026).count() == 0


def test_bad_session_rows_are_refused(client, clerk, edition_2026):
    too_many = rows_data(MAX_SESSIONS + 1)
    response = client.post(NEW, {**start_data(edition_2026), **too_many, "step": "save"})
    assert response.status_code == 200
    assert response.context["rows"].non_form_errors()
    outside = rows_data(5, **{"sessions-2-date": "2027-01-10"})
    response = client.post(NEW, {**start_data(edition_2026), **outside, "step": "save"})
    assert "Session 3" in str(response.context["rows"].non_form_errors()) or "Sesja 3" in str(
        response.context["rows"].non_form_errors()
    )
    twice = rows_data(5, **{"sessions-1-number": "1"})
    response = client.post(NEW, {**start_data(edition_2026), **twice, "step": "save"})
    assert response.context["rows"].non_form_errors()
    assert WorkshopCycle.objects.filter(programme=edition_2026).count() == 0


def test_a_duplicate_title_is_refused_and_slugs_never_collide(client, clerk, edition_2026):
    data = {**start_data(edition_2026), **rows_data(5), "step": "save"}
    assert client.post(NEW, data).status_code == 302
    again = client.post(NEW, data)
    assert again.status_code == 200
    assert again.context["rows"].non_form_errors()
    assert WorkshopCycle.objects.filter(programme=edition_2026).count() == 1
    # The same title elsewhere gets its own identifier.
    assert cycle_slug("Łódka i żółw: partnerstwo 2026", year=2026).endswith("-2")


# -- Permissions --------------------------------------------------------------------------


def test_anonymous_is_sent_to_the_login(client):
    response = client.get(NEW)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_a_coordinator_may_not_create_cycles(client):
    staff_login(client, role_user("koordynatorka", COORDINATOR))
    assert client.get(NEW).status_code == 403


def test_an_administrator_chooses_the_county(client, edition_2026):
    staff_login(client, role_user("admin.pl", ADMINISTRATOR))
    response = client.get(NEW)
    assert response.status_code == 200
    assert response.context["start"]["county"].field.queryset.count() > 40
    response = client.post(
        NEW,
        {
            **start_data(edition_2026, county=County.objects.get(code="1410").pk),
            **rows_data(5),
            "step": "save",
        },
    )
    assert response.status_code == 302


def test_another_countys_clerk_cannot_create_a_cycle_in_plock(client, edition_2026):
    losice = county_staff_user("lena.losice", "1410")
    staff_login(client, losice)
    response = client.post(NEW, {**start_data(edition_2026), **rows_data(5), "step": "save"})
    assert response.status_code == 200
    assert "county" in response.context["start"].errors
    assert not WorkshopCycle.objects.filter(programme=edition_2026).exists()
    with pytest.raises(PermissionDenied):
        cycle_create(
            user=losice,
            county=County.objects.get(code="1419"),
            programme=edition_2026,
            title="Obcy cykl",
            date_start=D(2026, 3, 1),
            date_end=None,
            certificate_min_sessions=None,
            sessions=[PlannedSession(number=1)],
        )


def test_staff_without_counties_are_refused(client):
    staff_login(client, role_user("bez.powiatu", COUNTY_STAFF))
    assert client.get(NEW).status_code == 403


# -- The service --------------------------------------------------------------------------


def test_the_service_refuses_every_bad_input_at_once(edition_2026):
    clerk = county_staff_user("kamil.plock")
    with pytest.raises(ValidationError) as refused:
        cycle_create(
            user=clerk,
            county=County.objects.get(code="1419"),
            programme=edition_2026,
            title="Za dużo",
            date_start=D(2026, 3, 1),
            date_end=D(2026, 2, 1),
            certificate_min_sessions=20,
            sessions=[PlannedSession(number=n) for n in range(1, MAX_SESSIONS + 2)],
        )
    assert len(refused.value.messages) == 3
    assert not WorkshopCycle.objects.filter(title="Za dużo").exists()


def test_the_service_invalidates_cached_pages_on_commit(
    edition_2026, django_capture_on_commit_callbacks
):
    from partnership.caching import data_version

    before = data_version()
    with django_capture_on_commit_callbacks(execute=True):
        cycle_create(
            user=county_staff_user("kamil.plock"),
            county=County.objects.get(code="1419"),
            programme=edition_2026,
            title="Cykl do pamięci podręcznej",
            date_start=D(2026, 3, 1),
            date_end=None,
            certificate_min_sessions=None,
            sessions=[PlannedSession(number=1, date=D(2026, 3, 9))],
        )
    assert data_version() != before


# -- One-day sessions -----------------------------------------------------------------------


def test_a_session_with_one_date_is_that_day_on_pages_and_in_reports(client, edition_2026):
    cycle = cycle_create(
        user=county_staff_user("kamil.plock"),
        county=County.objects.get(code="1419"),
        programme=edition_2026,
        title="Cykl jednodniowy",
        date_start=D(2026, 3, 1),
        date_end=D(2026, 6, 30),
        certificate_min_sessions=None,
        sessions=[PlannedSession(number=1, date=D(2026, 3, 9))],
    )
    session = cycle.sessions.get()
    assert str(session.dates) == "9 marca 2026"
    page = client.get(cycle.get_absolute_url()).content.decode()
    assert "od 9 marca 2026" not in page and "9 marca 2026" in page
    # The admin's inline leaves "date (to)" empty: the same.
    other = Session(cycle=cycle, ordinal=2, date_start=D(2026, 4, 2))
    other.full_clean()
    other.save()
    assert other.date_end == D(2026, 4, 2)


def test_a_session_dated_to_a_month_still_needs_its_last_day(edition_2026):
    cycle = WorkshopCycle.objects.get(slug="wlosg-2017-plocki")
    with pytest.raises(IntegrityError), transaction.atomic():
        Session.objects.create(
            cycle=cycle, ordinal=40, date_start=D(2017, 6, 1), date_precision="month"
        )
    unknown = Session.objects.create(cycle=cycle, ordinal=41)  # unknown dates stay unknown
    assert unknown.date_start is None and unknown.date_end is None


def store_without_the_window_check(session):
    """Store ``session`` with no end date, as rows were stored before the window check
    (``session_dated_window_closed``) existed; the test's transaction brings it back."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA ignore_check_constraints = ON")
        else:
            table = connection.ops.quote_name(Session._meta.db_table)
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no pending checks on the table
            cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT session_dated_window_closed")
        Session.objects.filter(pk=session.pk).update(date_end=None)
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA ignore_check_constraints = OFF")


def test_the_data_migration_fills_only_one_day_sessions():
    import importlib

    from django.apps import apps

    migration = importlib.import_module("workshops.migrations.0008_session_one_day_date_end")
    cycle = WorkshopCycle.objects.get(slug="wlosg-2017-plocki")
    day = Session.objects.create(cycle=cycle, ordinal=50, date_start=D(2017, 6, 1))
    store_without_the_window_check(day)
    unknown = Session.objects.create(cycle=cycle, ordinal=51)
    migration.fill_one_day_end(apps, None)
    day.refresh_from_db()
    unknown.refresh_from_db()
    assert day.date_end == D(2017, 6, 1)
    assert unknown.date_start is None and unknown.date_end is None


# -- Editions and their scheme ----------------------------------------------------------------


def test_a_coordinator_manages_an_editions_scheme_and_a_clerk_only_sees_it(client, edition_2026):
    staff_login(client, role_user("koordynator.e", COORDINATOR))
    url = reverse("admin:programmes_programme_change", args=[edition_2026.pk])
    page = client.get(url)
    assert page.status_code == 200 and "scheme_sessions-TOTAL_FORMS" in page.content.decode()
    client.logout()
    clerk = county_staff_user("kamil.plock")
    staff_login(client, clerk)
    assert clerk.has_perm("programmes.view_schemesession")
    assert not clerk.has_perm("programmes.change_schemesession")


# -- Languages ------------------------------------------------------------------------------


def test_the_form_speaks_polish_and_english(client, clerk):
    polish = client.get(NEW).content.decode()
    assert "Nowy cykl warsztatów" in polish and "Edycja programu" in polish
    english = client.get("/en" + NEW).content.decode()
    assert "New workshop cycle" in english and "Programme edition" in english
