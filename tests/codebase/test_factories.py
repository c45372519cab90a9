"""The shared test factories (tests/factories.py) make what their docstrings say, so a new
test can rely on them; the example of docs/contributing.md ("How to add a test") runs."""

import pytest

from accounts.twofactor import second_factor_required
from tests.conftest import staff_login
from tests.factories import (
    AdministratorFactory,
    AttendanceFactory,
    AttendeeFactory,
    CertificateFactory,
    CoordinatorFactory,
    CountyStaffFactory,
    CycleFactory,
    SessionFactory,
    UserFactory,
    make_user,
)
from tests.records import LOSICE, PLOCK, PLOCK_2017, PROGRAMME_2017

pytestmark = pytest.mark.django_db


def test_users_of_each_role():
    public = UserFactory()
    assert not public.is_staff and not public.has_usable_password()
    clerk = CountyStaffFactory()
    assert clerk.is_staff and not second_factor_required(clerk)
    assert list(clerk.staff_profile.counties.values_list("code", flat=True)) == [PLOCK]
    other = CountyStaffFactory(counties=[LOSICE])
    assert list(other.staff_profile.counties.values_list("code", flat=True)) == [LOSICE]
    assert second_factor_required(CoordinatorFactory())
    assert second_factor_required(AdministratorFactory())
    assert make_user("someone", None, password="haslo-testowe").check_password("haslo-testowe")
    assert UserFactory.build().pk is None


def test_cycles_sessions_attendees_and_certificates_hang_together(cycle):
    assert cycle.slug == PLOCK_2017
    new = CycleFactory(county_code=LOSICE)
    assert (new.county.code, new.programme.slug) == (LOSICE, PROGRAMME_2017)
    attendance = AttendanceFactory(attendee=AttendeeFactory(cycle=new))
    assert attendance.session.cycle == attendance.attendee.cycle == new
    assert SessionFactory(cycle=cycle).cycle == cycle
    certificate = CertificateFactory(attendee=AttendeeFactory(cycle=cycle))
    assert certificate.cycle == cycle


def test_a_clerk_of_another_county_gets_a_404(client, cycle):
    attendee = AttendeeFactory(cycle=cycle)  # cycle: Płock's, from conftest
    staff_login(client, CountyStaffFactory(counties=[LOSICE]))
    address = f"/admin/workshops/attendee/{attendee.pk}/change/"
    assert client.get(address).status_code == 404
