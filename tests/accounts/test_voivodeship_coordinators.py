"""Coordinators per voivodeship: a coordinator sees, reports on and exports only the
counties of the voivodeships an administrator assigned them (``StaffProfile.voivodeships``);
administrators see every county. One function decides it (``accounts.scoping``)."""

from __future__ import annotations

import importlib

import pytest
from django.contrib.auth.models import Group, User
from django.db import connection
from django.db.migrations.loader import MigrationLoader

from accounts.models import StaffProfile
from accounts.roles import ADMINISTRATOR, COORDINATOR, COUNTY_STAFF, GROUP_NAMES
from accounts.scoping import (
    counties_for_user,
    may_see_reports,
    may_use_county,
    scope_queryset,
    sees_records_without_county,
    voivodeships_for_user,
)
from programmes.models import County, PartnershipAgreement, Voivodeship
from projects.models import ProjectIdea
from tests.conftest import staff_login
from tests.factories import CycleFactory, make_user
from tests.htmlforms import admin_change_form
from tests.records import LODZKIE, LOSICE, MAZOWIECKIE, PLOCK, PLOCK_2017
from workshops.models import (
    Attendee,
    CertificateTemplate,
    Session,
    WorkshopCycle,
    certificate_template_scope,
)

pytestmark = pytest.mark.django_db

IDEA_WITHOUT_COUNTY = "2005-miedzywojewodzki-projekt-efs"  # from an inter-regional meeting
LODZ = "1061"  # Łódź, a city with county rights in Łódzkie


def codes(queryset) -> set[str]:
    return set(queryset.values_list("code", flat=True))


def county_codes(queryset, path: str) -> set[str]:
    return set(queryset.values_list(f"{path}__code", flat=True))


def test_the_mazovian_coordinator_sees_the_mazovian_counties(national_units):
    user = make_user("maz", COORDINATOR, voivodeships=[MAZOWIECKIE])
    assert codes(counties_for_user(user)) == codes(County.objects.in_voivodeship(MAZOWIECKIE))
    assert len(codes(counties_for_user(user))) == 42
    seen = county_codes(WorkshopCycle.objects.for_user(user), "county")
    assert seen == county_codes(WorkshopCycle.objects.all(), "county")  # the records: Mazovian
    assert {PLOCK, LOSICE} <= seen
    assert LODZ not in codes(counties_for_user(user))
    assert may_use_county(user, County.objects.get(code=PLOCK))
    assert not may_use_county(user, County.objects.get(code=LODZ))


def test_another_voivodeship_s_coordinator_sees_none_of_the_mazovian_records(national_units):
    user = make_user("lodz", COORDINATOR, voivodeships=[LODZKIE])
    assert codes(counties_for_user(user)) == codes(County.objects.in_voivodeship(LODZKIE))
    assert len(codes(counties_for_user(user))) == 24
    assert not WorkshopCycle.objects.for_user(user).exists()
    assert not scope_queryset(user, Session.objects.all()).exists()
    assert not scope_queryset(user, PartnershipAgreement.objects.all()).exists()
    assert not ProjectIdea.objects.for_user(user).filter(county__isnull=False).exists()
    assert not may_use_county(user, County.objects.get(code=PLOCK))
    assert may_use_county(user, County.objects.get(code=LODZ))
    # A Łódź cycle is theirs, and not the Mazovian coordinator's.
    cycle = CycleFactory(county_code=LODZ)
    assert list(WorkshopCycle.objects.for_user(user)) == [cycle]
    mazovian = make_user("maz", COORDINATOR, voivodeships=[MAZOWIECKIE])
    assert cycle not in WorkshopCycle.objects.for_user(mazovian)


def test_records_without_a_county_are_shared_by_coordinators_with_a_voivodeship():
    # The idea came from a meeting of Mazowsze, Podlasie and Łódzkie: every coordinator
    # who oversees a voivodeship sees it, as administrators do.
    lodz = make_user("lodz", COORDINATOR, voivodeships=[LODZKIE])
    assert sees_records_without_county(lodz) and may_use_county(lodz, None)
    assert IDEA_WITHOUT_COUNTY in ProjectIdea.objects.for_user(lodz).values_list("slug", flat=True)
    assert certificate_template_scope(lodz) == "editions"


def test_a_coordinator_without_a_voivodeship_sees_nothing():
    user = make_user("bez", COORDINATOR, voivodeships=[])
    assert not counties_for_user(user).exists()
    assert not voivodeships_for_user(user).exists()
    assert not WorkshopCycle.objects.for_user(user).exists()
    assert not ProjectIdea.objects.for_user(user).exists()  # not even the county-less idea
    assert not CertificateTemplate.objects.for_user(user).exists()
    assert not sees_records_without_county(user) and not may_use_county(user, None)
    assert certificate_template_scope(user) is None
    assert may_see_reports(user)  # the report page, which says they have no county yet


@pytest.mark.parametrize("role", [ADMINISTRATOR, "superuser"])
def test_administrators_see_every_county_and_voivodeship(role, national_units):
    if role == "superuser":
        user = make_user("root", is_superuser=True)
    else:
        user = make_user("admin", role)
    assert counties_for_user(user).count() == County.objects.count() == 380
    assert voivodeships_for_user(user).count() == 16
    assert WorkshopCycle.objects.for_user(user).count() == WorkshopCycle.objects.count()


def test_a_coordinator_of_two_voivodeships_sees_both(national_units):
    user = make_user("oba", COORDINATOR, voivodeships=[MAZOWIECKIE, LODZKIE])
    assert len(codes(counties_for_user(user))) == 42 + 24


def test_coordinator_and_county_staff_see_both_without_duplicates(national_units):
    user = make_user("oba", COORDINATOR, counties=[LODZ], voivodeships=[MAZOWIECKIE])
    user.groups.add(Group.objects.get(name=GROUP_NAMES[COUNTY_STAFF]))
    user = User.objects.get(pk=user.pk)
    cycle = CycleFactory(county_code=LODZ)
    assert codes(counties_for_user(user)) == codes(County.objects.in_voivodeship(MAZOWIECKIE)) | {
        LODZ
    }
    cycles = list(WorkshopCycle.objects.for_user(user))
    assert cycle in cycles and len(cycles) == len(set(cycles))
    plock_cycle = WorkshopCycle.objects.get(slug=PLOCK_2017)
    Attendee.objects.create(cycle=plock_cycle, full_name="Jan Dwukrotny")
    attendees = list(Attendee.objects.for_user(user).filter(full_name="Jan Dwukrotny"))
    assert len(attendees) == 1


def test_a_change_of_voivodeships_takes_effect_on_the_next_request(national_units):
    user = make_user("mover", COORDINATOR, voivodeships=[MAZOWIECKIE])
    user.staff_profile.voivodeships.set(Voivodeship.objects.filter(code=LODZKIE))
    fresh = User.objects.get(pk=user.pk)
    assert not WorkshopCycle.objects.for_user(fresh).exists()
    assert PLOCK not in codes(counties_for_user(fresh))


# -- Administrators assign the voivodeships in the admin -----------------------------------


def test_an_administrator_assigns_a_coordinator_s_voivodeships_in_the_admin(client):
    coordinator = make_user("nowa", COORDINATOR, voivodeships=[])
    staff_login(client, make_user("admin", ADMINISTRATOR))
    address, form = admin_change_form(client, coordinator)
    page = client.get(address).content.decode()
    assert "Województwa" in page  # the field's label, in Polish
    assert "wyłącznie dane powiatów tych województw" in page  # its help text
    form["staff_profile-0-voivodeships"] = [Voivodeship.objects.get(code=LODZKIE).pk]
    response = client.post(address, form.data())
    assert response.status_code == 302, response.content.decode()[:2000]
    assert codes(StaffProfile.objects.get(user=coordinator).voivodeships) == {LODZKIE}


def test_a_coordinator_may_not_assign_voivodeships(client):
    coordinator = make_user("koordynator", COORDINATOR)
    staff_login(client, coordinator)
    response = client.get(f"/admin/auth/user/{coordinator.pk}/change/")
    assert response.status_code == 403


def test_the_user_list_filters_by_voivodeship(client):
    make_user("maz", COORDINATOR, voivodeships=[MAZOWIECKIE])
    make_user("lodz", COORDINATOR, voivodeships=[LODZKIE])
    staff_login(client, make_user("admin", ADMINISTRATOR))
    mazowieckie = Voivodeship.objects.get(code=MAZOWIECKIE)
    response = client.get(
        "/admin/auth/user/", {"staff_profile__voivodeships__id__exact": mazowieckie.pk}
    )
    assert response.status_code == 200
    names = {user.username for user in response.context["cl"].result_list}
    assert "maz" in names and "lodz" not in names


# -- The data migration: existing coordinators keep the Mazovian records ------------------


def migration_apps(name: str):
    loader = MigrationLoader(connection)
    return loader.project_state(("accounts", name)).apps


def test_the_migration_gives_existing_coordinators_mazowieckie():
    migration = importlib.import_module("accounts.migrations.0008_coordinators_mazowieckie")
    before = make_user("dawny", COORDINATOR, voivodeships=[])
    without_profile = User.objects.create_user("bez.profilu", is_staff=True)
    without_profile.groups.add(Group.objects.get(name=GROUP_NAMES[COORDINATOR]))
    clerk = make_user("urzednik", COUNTY_STAFF, [PLOCK])
    apps = migration_apps("0008_coordinators_mazowieckie")
    migration.coordinators_oversee_mazowieckie(apps, None)
    for user in (before, without_profile):
        assert codes(StaffProfile.objects.get(user=user).voivodeships) == {MAZOWIECKIE}
    assert not clerk.staff_profile.voivodeships.exists()
    fresh = User.objects.get(pk=before.pk)
    assert {PLOCK, LOSICE} <= county_codes(WorkshopCycle.objects.for_user(fresh), "county")
    migration.coordinators_forget_mazowieckie(apps, None)
    assert not StaffProfile.objects.get(user=before).voivodeships.exists()


def test_the_benchmark_s_coordinator_reports_on_every_county(national_units):
    from benchmarks.web_benchmark import COORDINATOR_USERNAME, coordinator_cookie

    assert coordinator_cookie()
    user = User.objects.get(username=COORDINATOR_USERNAME)
    assert counties_for_user(user).count() == County.objects.count() == 380
