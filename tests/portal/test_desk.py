"""The staff start page (where a login lands) and the admin's county-scoped filters."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.models import Group, User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import StaffProfile
from accounts.roles import ADMINISTRATOR, COORDINATOR, COUNTY_STAFF, GROUP_NAMES
from accounts.scoping import county_of
from programmes.models import County, Programme, Voivodeship
from projects.models import ProjectIdea
from tests.conftest import county_staff_user, staff_login
from tests.records import LODZKIE, MAZOWIECKIE
from workshops.models import Attendance, Attendee, Certificate, Session, WorkshopCycle

pytestmark = pytest.mark.django_db

DESK = "/admin/desk/"
PASSWORD = "haslo-Testowe-2026-desk"  # noqa: S105 - a test account


def role_user(name, role, counties=(), voivodeships=()):
    user = User.objects.create_user(name, password=PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name=GROUP_NAMES[role]))
    profile = StaffProfile.objects.create(user=user)
    profile.counties.set(County.objects.filter(code__in=counties))
    profile.voivodeships.set(Voivodeship.objects.filter(code__in=voivodeships))
    return user


def coordinator(name, *voivodeships):
    return role_user(name, COORDINATOR, voivodeships=voivodeships)


def make_cycle(code, title, *, status="in_progress", sessions=4, attendees=0, rule=2):
    """A cycle whose first sessions are past (attendance entered for the first only) and
    whose last is ahead; ``attendees`` came to the first two sessions."""
    today = timezone.localdate()
    cycle = WorkshopCycle.objects.create(
        slug=f"desk-{code}-{title}".lower().replace(" ", "-"),
        title=title,
        programme=Programme.objects.get(slug="wlosg-2017"),
        county=County.objects.get(code=code),
        status=status,
        certificate_min_sessions=rule,
        date_start=today - datetime.timedelta(days=60),
        date_end=today + datetime.timedelta(days=60),
    )
    days = [today - datetime.timedelta(days=30 - 10 * n) for n in range(sessions - 1)]
    days.append(today + datetime.timedelta(days=14))
    made = [cycle.sessions.create(ordinal=n, date_start=day) for n, day in enumerate(days, 1)]
    for i in range(attendees):
        person = Attendee.objects.create(cycle=cycle, full_name=f"Osoba {i}")
        Attendance.objects.create(attendee=person, session=made[0])
        if i % 2:
            Attendance.objects.create(attendee=person, session=made[1])
    return cycle


# -- Landing -----------------------------------------------------------------------------


def test_a_login_lands_on_the_start_page(client, frozen_rate_windows):
    role_user("desk.plock", COUNTY_STAFF, ["1419"])
    response = client.post(reverse("admin:login"), {"username": "desk.plock", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == DESK
    page = client.get(DESK)
    assert page.status_code == 200
    # Every admin page links back to it.
    assert f'href="{DESK}"' in client.get("/admin/").content.decode()


def test_a_login_with_a_next_goes_there(client, frozen_rate_windows):
    role_user("desk.plock", COUNTY_STAFF, ["1419"])
    response = client.post(
        reverse("admin:login"),
        {"username": "desk.plock", "password": PASSWORD, "next": "/admin/workshops/"},
    )
    assert response["Location"] == "/admin/workshops/"


def test_anonymous_visitors_are_sent_to_the_login(client):
    response = client.get(DESK)
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")


def test_a_coordinator_needs_the_second_factor_first(client):
    coordinator = role_user("koordynator.d", COORDINATOR)
    client.force_login(coordinator)
    response = client.get(DESK)
    assert response.status_code == 302 and "/admin/2fa/" in response["Location"]


# -- County staff ------------------------------------------------------------------------


def test_county_staff_see_their_cycles_current_first_with_the_work_left(client):
    done = make_cycle("1419", "Zakonczony", status="completed")
    current = make_cycle("1419", "Biezacy", attendees=4)
    losice = make_cycle("1410", "Losicki")
    staff_login(client, county_staff_user("desk.plock"))
    response = client.get(DESK)
    cycles = response.context["cycles"]
    titles = [c.title for c in cycles]
    assert "Losicki" not in titles and "Losicki" not in response.content.decode()
    assert titles.index("Biezacy") < titles.index("Zakonczony")
    row = next(c for c in cycles if c.pk == current.pk)
    assert row.overdue_sessions == 1  # the third, past, has no attendance entered
    assert row.next_session == timezone.localdate() + datetime.timedelta(days=14)
    assert row.eligible_without_certificate == 2  # two of four came twice
    person = Attendee.objects.filter(cycle=current, attendances__session__ordinal=2).first()
    Certificate.objects.create(
        attendee=person,
        cycle=current,
        number="1419/T/001",
        issued_on=timezone.localdate(),
        issued_by="Starosta",
    )
    row = next(c for c in client.get(DESK).context["cycles"] if c.pk == current.pk)
    assert row.eligible_without_certificate == 1
    page = response.content.decode()
    for name in ("attendance", "attendance_sheets", "import", "certificates"):
        assert reverse(f"admin:workshops_workshopcycle_{name}", args=[current.pk]) in page
    assert reverse("admin:workshops_workshopcycle_new") in page
    assert done.pk and losice.pk


def test_stale_ideas_follow_the_setting(client, settings):
    clerk = county_staff_user("desk.plock")
    staff_login(client, clerk)
    open_ideas = ProjectIdea.objects.for_user(clerk).filter(
        status__in=["proposed", "selected", "in_progress"]
    )
    settings.DESK_STALE_IDEA_MONTHS = 6
    response = client.get(DESK)
    # The historical open ideas of Płock all date from years ago.
    assert response.context["stale_count"] == open_ideas.count() > 0
    assert len(response.context["stale_ideas"]) <= 10
    settings.DESK_STALE_IDEA_MONTHS = 12 * 100
    assert client.get(DESK).context["stale_count"] == 0


def test_the_start_page_costs_the_same_queries_for_few_and_many_cycles(client, report):
    staff_login(client, county_staff_user("desk.plock"))
    make_cycle("1419", "Pierwszy", attendees=2)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(DESK).status_code == 200
        return len(captured)

    few = queries()
    for n in range(12):
        make_cycle("1419", f"Kolejny {n}", attendees=3)
    many = queries()
    report([f"start page, county staff: {few} queries with 1 cycle, {many} with 13"])
    assert many == few


# -- Coordinators ------------------------------------------------------------------------


def test_coordinators_see_the_counties_they_oversee(client):
    cycle = make_cycle("1419", "Biezacy", attendees=2)
    person = cycle.attendees.first()
    Certificate.objects.create(
        attendee=person,
        cycle=cycle,
        number="1419/T/002",
        issued_on=timezone.localdate(),
        issued_by="Starosta",
    )
    staff_login(client, coordinator("koordynator.d", MAZOWIECKIE))
    response = client.get(DESK)
    assert response.status_code == 200 and "cycles" not in response.context
    counties = {c.code: c for c in response.context["counties"]}
    assert set(counties) == set(
        County.objects.in_voivodeship(MAZOWIECKIE).values_list("code", flat=True)
    )
    plock = counties["1419"]
    assert plock.cycles_in_progress >= 1 and plock.overdue_sessions >= 1
    assert plock.certificates_this_year == 1
    assert plock.last_activity is not None
    page = response.content.decode()
    assert f"{reverse('reports:overview')}?county={plock.pk}" in page
    # Coordinators do not create cycles.
    assert reverse("admin:workshops_workshopcycle_new") not in page


def test_another_voivodeship_s_coordinator_sees_its_counties_only(client, national_units):
    make_cycle("1419", "Biezacy", attendees=2)
    staff_login(client, coordinator("koordynator.lodz", LODZKIE))
    response = client.get(DESK)
    codes = {c.code for c in response.context["counties"]}
    assert codes == set(County.objects.in_voivodeship(LODZKIE).values_list("code", flat=True))
    assert len(codes) == 24 and "1419" not in codes
    page = response.content.decode()
    assert "płocki" not in page and "Łódź" in page


def test_a_coordinator_without_a_voivodeship_is_told_so(client):
    staff_login(client, coordinator("koordynator.bez"))
    response = client.get(DESK)
    assert response.status_code == 200
    assert list(response.context["counties"]) == []
    page = response.content.decode()
    assert "Do Twojego konta nie przypisano jeszcze województwa" in page
    assert "płocki" not in page


def test_the_coordinators_page_costs_the_same_queries_for_few_and_many_cycles(client, report):
    staff_login(client, coordinator("koordynator.d", MAZOWIECKIE))

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(DESK).status_code == 200
        return len(captured)

    few = queries()
    for n in range(10):
        make_cycle("1419" if n % 2 else "1410", f"Cykl {n}", attendees=2)
    many = queries()
    report([f"start page, coordinator: {few} queries before 10 more cycles, {many} after"])
    assert many == few


def test_an_administrator_sees_the_counties_and_may_create_a_cycle(client):
    staff_login(client, role_user("admin.d", ADMINISTRATOR))
    page = client.get(DESK).content.decode()
    assert reverse("admin:workshops_workshopcycle_new") in page


def test_staff_without_a_role_are_told_to_ask(client):
    user = User.objects.create_user("bez.roli", is_staff=True)
    client.force_login(user)
    response = client.get(DESK)
    assert response.status_code == 200
    assert response.context.get("cycles") is None and response.context.get("counties") is None


# -- The admin's filters show only the user's counties -----------------------------------


def filter_choices(client, url, title_contains):
    response = client.get(url)
    assert response.status_code == 200
    for spec in response.context["cl"].filter_specs:
        if title_contains in str(spec.title).lower():
            return {label for _pk, label in spec.lookup_choices}
    return None  # no such filter shown (a filter with one choice is not shown)


@pytest.mark.parametrize(
    "changelist",
    [
        "workshops_workshopcycle",
        "workshops_session",
        "workshops_attendee",
        "workshops_certificate",
        "workshops_attendance",
        "projects_projectidea",
        "programmes_partnershipagreement",
    ],
)
def test_a_clerk_sees_only_their_counties_in_the_filters(client, changelist):
    one = county_staff_user("desk.plock")
    staff_login(client, one)
    url = reverse(f"admin:{changelist}_changelist")
    # One county: nothing to choose, so no county filter at all (not 42 choices).
    assert filter_choices(client, url, "powiat") is None
    one.staff_profile.counties.add(County.objects.get(code="1410"))
    expected = {str(c) for c in County.objects.filter(code__in=["1419", "1410"])}
    assert filter_choices(client, url, "powiat") == expected


def test_a_coordinator_sees_their_voivodeship_s_counties_in_the_filters(client, national_units):
    staff_login(client, coordinator("koordynator.d", MAZOWIECKIE))
    url = reverse("admin:workshops_workshopcycle_changelist")
    mazovian = County.objects.in_voivodeship(MAZOWIECKIE)
    assert filter_choices(client, url, "powiat") == {str(c) for c in mazovian}


@pytest.mark.parametrize(
    "changelist",
    ["workshops_workshopcycle", "workshops_attendee", "projects_projectidea"],
)
def test_another_voivodeship_s_coordinator_gets_no_mazovian_filter_or_row(
    client, changelist, national_units
):
    make_cycle("1419", "Biezacy", attendees=2)
    url = reverse(f"admin:{changelist}_changelist")
    staff_login(client, coordinator("koordynator.maz", MAZOWIECKIE))
    assert any(county_of(row) for row in client.get(url).context["cl"].result_list)
    staff_login(client, coordinator("koordynator.lodz", LODZKIE))
    choices = filter_choices(client, url, "powiat")
    mazovian = {str(c) for c in County.objects.in_voivodeship(MAZOWIECKIE)}
    assert not (choices or set()) & mazovian
    # Only records without a county (an idea from an inter-regional event) are left.
    assert all(county_of(row) is None for row in client.get(url).context["cl"].result_list)


def test_form_choices_stay_scoped(client):
    staff_login(client, county_staff_user("desk.plock"))
    cycle = make_cycle("1419", "Biezacy")
    form = client.get(reverse("admin:workshops_session_add")).context["adminform"].form
    assert set(form.fields["cycle"].queryset.values_list("county__code", flat=True)) == {"1419"}
    assert cycle in form.fields["cycle"].queryset
    assert not Session.objects.none().exists()


# -- The new URLs for the five kinds of user ---------------------------------------------

NEW_URLS = {"start page": DESK, "new cycle": "/admin/workshops/workshopcycle/new/"}
EXPECTED = {
    "anonymous": {"start page": 302, "new cycle": 302},
    "deactivated": {"start page": 302, "new cycle": 302},
    "own_staff": {"start page": 200, "new cycle": 200},
    "other_staff": {"start page": 200, "new cycle": 200},
    "coordinator": {"start page": 200, "new cycle": 403},
}


@pytest.mark.parametrize("kind", list(EXPECTED))
def test_the_new_urls_for_every_kind_of_user(client, kind):
    cycle = make_cycle("1419", "Płocki tajny")
    users = {
        "own_staff": lambda: county_staff_user("own.plock"),
        "other_staff": lambda: county_staff_user("other.losice", "1410"),
        "coordinator": lambda: role_user("koordynator.m", COORDINATOR),
    }
    if kind == "deactivated":
        user = county_staff_user("byla.plock")
        user.is_active = False
        user.save()
        client.force_login(user)
    elif kind != "anonymous":
        staff_login(client, users[kind]())
    for name, url in NEW_URLS.items():
        response = client.get(url)
        assert response.status_code == EXPECTED[kind][name], (kind, name)
    page = client.get(DESK).content.decode()
    assert (cycle.title in page) == (kind == "own_staff")
