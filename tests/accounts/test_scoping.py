"""Who may touch which county's records: one function, both sides of every rule."""

import pytest
from django.contrib.auth.models import User

from accounts.roles import ADMINISTRATOR, COORDINATOR, COUNTY_STAFF
from accounts.scoping import counties_for_user, may_use_county, scope_queryset
from programmes.models import County, PartnershipAgreement
from projects.models import ProjectIdea
from tests.conftest import staff_login
from tests.factories import make_user
from tests.records import LOSICE, PLOCK, PLOCK_2003, PLOCK_2017
from workshops.models import Session, WorkshopCycle

pytestmark = pytest.mark.django_db


def slugs(queryset):
    return set(queryset.values_list("slug", flat=True))


def test_county_staff_see_only_their_county_cycles():
    user = make_user("plock", COUNTY_STAFF, [PLOCK])
    assert slugs(WorkshopCycle.objects.for_user(user)) == {
        PLOCK_2003,
        PLOCK_2017,
    }


def test_county_staff_see_their_sessions_agreements_and_ideas_only():
    user = make_user("losice", COUNTY_STAFF, [LOSICE])
    assert set(
        scope_queryset(user, Session.objects.all()).values_list("cycle__county__code", flat=True)
    ) == {LOSICE}
    assert slugs(scope_queryset(user, PartnershipAgreement.objects.all())) == {
        "2017-umowa-partnerstwa-powiat-losicki"
    }
    assert slugs(ProjectIdea.objects.for_user(user)) == {
        "lot-nad-bugiem",
        "luzolandia",
        "farma-sloneczna",
        "parasol",
        "zlobek",
    }


def test_staff_of_two_counties_see_both():
    user = make_user("both", COUNTY_STAFF, [PLOCK, LOSICE])
    assert set(counties_for_user(user).values_list("code", flat=True)) == {PLOCK, LOSICE}


def test_the_mazovian_coordinator_sees_every_mazovian_county_and_ideas_without_a_county():
    user = make_user("coordinator", COORDINATOR)  # Mazowieckie (tests/factories.py)
    assert counties_for_user(user).count() == County.objects.in_voivodeship("14").count() == 42
    assert "2005-miedzywojewodzki-projekt-efs" in slugs(ProjectIdea.objects.for_user(user))


def test_county_staff_without_counties_see_nothing():
    user = make_user("nobody", COUNTY_STAFF)
    assert not WorkshopCycle.objects.for_user(user).exists()


def test_user_without_a_role_sees_nothing():
    user = make_user("norole", counties=[PLOCK])
    assert not WorkshopCycle.objects.for_user(user).exists()


def test_deactivated_user_sees_nothing():
    user = make_user("gone", COORDINATOR, is_active=False)
    assert not WorkshopCycle.objects.for_user(user).exists()


def test_superuser_sees_everything():
    user = User.objects.create_superuser("root", password="x-unused-x")
    assert WorkshopCycle.objects.for_user(user).count() == 18


def test_may_use_county_allowed_and_refused():
    user = make_user("plock2", COUNTY_STAFF, [PLOCK])
    assert may_use_county(user, County.objects.get(code=PLOCK))
    assert not may_use_county(user, County.objects.get(code=LOSICE))
    assert not may_use_county(user, None)


def test_a_change_of_counties_takes_effect_on_the_next_request():
    user = make_user("mover", COUNTY_STAFF, [PLOCK])
    user.staff_profile.counties.set(County.objects.filter(code=LOSICE))
    fresh = User.objects.get(pk=user.pk)  # what the next request loads
    assert set(WorkshopCycle.objects.for_user(fresh).values_list("county__code", flat=True)) == {
        LOSICE
    }


def test_roles_have_the_permissions_they_need():
    staff = make_user("perm-staff", COUNTY_STAFF, [PLOCK])
    coordinator = make_user("perm-coord", COORDINATOR)
    assert staff.has_perm("workshops.add_attendee")
    assert not staff.has_perm("programmes.change_programme")
    assert coordinator.has_perm("programmes.change_programme")
    assert coordinator.has_perm("workshops.view_attendee")
    assert not coordinator.has_perm("workshops.change_attendee")


def test_administrators_may_lift_a_login_lockout_and_no_one_else(client):
    from axes.models import AccessAttempt

    administrator = make_user("perm-admin", ADMINISTRATOR)
    coordinator = make_user("perm-coord-axes", COORDINATOR)
    assert administrator.has_perm("axes.view_accessattempt")
    assert administrator.has_perm("axes.delete_accessattempt")
    assert not administrator.has_perm("axes.change_accessattempt")
    assert not coordinator.has_perm("axes.view_accessattempt")

    attempt = AccessAttempt.objects.create(
        username="locked.out", ip_address="127.0.0.9", user_agent="", failures_since_start=5
    )
    staff_login(client, coordinator)
    assert client.get(f"/admin/axes/accessattempt/{attempt.pk}/delete/").status_code == 403
    staff_login(client, administrator)
    response = client.post(f"/admin/axes/accessattempt/{attempt.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not AccessAttempt.objects.filter(pk=attempt.pk).exists()
