"""Two-factor authentication for staff: who must give a code, what a password alone
reaches (nothing with personal data), enrolment, recovery codes, throttling, lockout."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.roles import ADMINISTRATOR, COORDINATOR, COUNTY_STAFF
from accounts.twofactor import (
    authenticator_confirm,
    pending_authenticator,
    second_factor_required,
)
from tests.accounts.test_permission_matrix import READS
from tests.accounts.test_permission_matrix import world as world  # noqa: F401 - the fixture
from tests.factories import make_user
from tests.records import PLOCK, PLOCK_2017
from workshops.models import Attendee, WorkshopCycle

pytestmark = pytest.mark.django_db

PASSWORD = "Haslo-Mazowsze-2026-testowe"  # noqa: S105 - a throwaway account
IP = "203.0.113.40"
LOGIN = reverse("admin:login")
VERIFY = reverse("accounts:otp_verify")
SETUP = reverse("accounts:otp_setup")


@pytest.fixture
def coordinator():
    return make_user("koordynatorka", COORDINATOR, password=PASSWORD)


@pytest.fixture
def clerk():
    return make_user("urzedniczka.plock", COUNTY_STAFF, [PLOCK], password=PASSWORD)


def login(client, user, password=PASSWORD, next_url="/admin/"):
    return client.post(
        LOGIN,
        {"username": user.username, "password": password, "next": next_url},
        REMOTE_ADDR=IP,
    )


def code(device, ahead=0):
    """The authenticator's code now (``ahead`` time steps later: a code not used yet)."""
    device.refresh_from_db()
    return (
        f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift + ahead):06d}"
    )


def enrolled(user):
    device = pending_authenticator(user=user)
    codes = authenticator_confirm(user=user, device=device)
    return device, codes


# -- Who must give a second factor -----------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "setting", "required"),
    [
        (COORDINATOR, False, True),
        (ADMINISTRATOR, False, True),
        ("superuser", False, True),
        (COUNTY_STAFF, False, False),
        (COUNTY_STAFF, True, True),
    ],
)
def test_who_must_give_a_second_factor(settings, role, setting, required):
    settings.STAFF_2FA_REQUIRED = setting
    if role == "superuser":
        user = make_user("root", None, is_superuser=True, password=PASSWORD)
    else:
        user = make_user(
            "someone", role, [PLOCK] if role == COUNTY_STAFF else (), password=PASSWORD
        )
    assert second_factor_required(user) is required
    user.is_active = False
    assert second_factor_required(user) is False


# -- A password alone never reaches personal data ---------------------------------------------


@pytest.mark.parametrize("name", list(READS))
def test_a_password_alone_reaches_no_staff_page_of_a_coordinator(client, world, coordinator, name):  # noqa: F811
    assert login(client, coordinator).status_code == 302
    response = client.get(READS[name](world))
    assert response.status_code == 302
    assert response["Location"].startswith(SETUP)
    assert "Teodor" not in response.content.decode()


@pytest.mark.parametrize("name", list(READS))
def test_a_password_alone_reaches_no_staff_page_when_county_staff_must_use_it(
    client,
    world,  # noqa: F811
    settings,
    name,
):
    settings.STAFF_2FA_REQUIRED = True
    clerk = make_user("plock.2fa", COUNTY_STAFF, [PLOCK], password=PASSWORD)
    enrolled(clerk)
    login(client, clerk)
    response = client.get(READS[name](world))
    assert response.status_code == 302
    assert response["Location"].startswith(VERIFY)


def test_a_password_alone_opens_neither_the_register_nor_the_reports_nor_the_admin(
    client, coordinator
):
    cycle = WorkshopCycle.objects.get(slug=PLOCK_2017)
    Attendee.objects.create(cycle=cycle, full_name="Teodor Tajny")
    response = login(client, coordinator)
    assert response["Location"] == "/admin/"
    pages = [
        "/admin/",
        reverse("admin:workshops_attendee_changelist"),
        reverse("admin:workshops_workshopcycle_attendance", args=[cycle.pk]),
        reverse("reports:overview"),
        "/en/reports/",
        "/en/admin/",
    ]
    for page in pages:
        response = client.get(page)
        assert response.status_code == 302, page
        assert "/admin/2fa/" in response["Location"], page
    # Outside the staff areas the session is an anonymous visitor's.
    home = client.get("/")
    assert home.status_code == 200
    assert home.wsgi_request.user.is_anonymous
    # A POST (a write) is refused the same way and changes nothing.
    response = client.post(reverse("admin:workshops_attendee_add"), {"full_name": "Nowy"})
    assert response.status_code == 302
    assert not Attendee.objects.filter(full_name="Nowy").exists()


def test_county_staff_are_not_asked_unless_the_setting_says_so(client, clerk, settings):
    login(client, clerk)
    assert client.get("/admin/").status_code == 200
    settings.STAFF_2FA_REQUIRED = True
    client.logout()
    login(client, clerk)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(SETUP)


# -- Enrolment and the code after the password --------------------------------------------------


def test_enrolment_then_the_code_opens_the_admin(client, coordinator):
    login(client, coordinator)
    page = client.get(SETUP + "?next=/admin/workshops/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'src="data:image/svg+xml' in html  # the QR code, from this site (CSP)
    assert 'id="nav-sidebar"' not in html  # not even the list of the admin's models
    key = re.search(r'<code id="otp-key">([A-Z2-7 ]+)</code>', html).group(1)
    device = TOTPDevice.objects.get(user=coordinator, confirmed=False)
    assert key.replace(" ", "") in _base32(device)
    # A wrong code changes nothing.
    assert client.post(SETUP, {"code": "000000", "next": "/"}).status_code == 200
    assert not TOTPDevice.objects.filter(user=coordinator, confirmed=True).exists()

    # (The wrong code made the device wait a second: a person types slower than a test.)
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0)
    response = client.post(SETUP, {"code": code(device), "next": "/admin/workshops/"})
    assert response.status_code == 200
    codes = re.findall(
        r"<li><code>([a-z2-7]{4}-[a-z2-7]{4})</code></li>", response.content.decode()
    )
    assert len(codes) == 10
    assert StaticToken.objects.filter(device__user=coordinator).count() == 10
    assert client.get("/admin/").status_code == 200
    assert client.get(reverse("reports:overview")).status_code == 200
    cycle = WorkshopCycle.objects.get(slug=PLOCK_2017)
    attendee = Attendee.objects.create(cycle=cycle, full_name="Teodor Jawny")
    page = client.get(reverse("admin:workshops_attendee_change", args=[attendee.pk]))
    assert page.status_code == 200 and "Teodor Jawny" in page.content.decode()

    # Next time: password, then the code.
    client.post(reverse("admin:logout"))
    response = login(client, coordinator)
    assert client.get("/admin/")["Location"].startswith(VERIFY)
    wrong = client.post(VERIFY, {"code": "123456", "next": "/admin/"})
    assert wrong.status_code == 200
    assert wrong.context["form"].errors
    assert client.get("/admin/").status_code == 302
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0)
    response = client.post(VERIFY, {"code": code(device, ahead=1), "next": "/admin/"})
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def _base32(device):
    from base64 import b32encode

    return b32encode(device.bin_key).decode()


def test_a_recovery_code_works_once(client, coordinator):
    device, codes = enrolled(coordinator)
    login(client, coordinator)
    typed = f"{codes[0][:4].upper()}-{codes[0][4:].upper()}"  # as printed, in capitals
    response = client.post(VERIFY, {"code": typed, "next": "/admin/"}, follow=True)
    assert response.status_code == 200
    assert client.get("/admin/").status_code == 200
    assert "9" in str(list(response.context["messages"])[0])  # nine codes left
    client.post(reverse("admin:logout"))
    login(client, coordinator)
    again = client.post(VERIFY, {"code": typed, "next": "/admin/"})
    assert again.status_code == 200 and again.context["form"].errors
    assert client.get("/admin/").status_code == 302


def test_new_recovery_codes_replace_the_old_ones(client, coordinator):
    from tests.conftest import verified_login

    device, old = enrolled(coordinator)
    verified_login(client, coordinator)
    page = client.get(reverse("accounts:otp_recovery_codes"))
    assert "10" in page.content.decode()
    response = client.post(reverse("accounts:otp_recovery_codes"))
    new = re.findall(r"<code>([a-z2-7]{4}-[a-z2-7]{4})</code>", response.content.decode())
    assert len(new) == 10
    tokens = set(
        StaticToken.objects.filter(device__user=coordinator).values_list("token", flat=True)
    )
    assert tokens == {c.replace("-", "") for c in new}
    assert not tokens & set(old)


def test_the_authenticator_cannot_be_replaced_with_a_password_alone(client, coordinator):
    device, _codes = enrolled(coordinator)
    login(client, coordinator)
    response = client.get(SETUP)
    assert response.status_code == 302 and response["Location"].startswith(VERIFY)
    assert TOTPDevice.objects.filter(user=coordinator).count() == 1


def test_a_clerk_who_enrolled_is_asked_for_the_code(client, clerk):
    enrolled(clerk)
    login(client, clerk)
    assert client.get("/admin/")["Location"].startswith(VERIFY)


# -- Throttling and lockout -----------------------------------------------------------------


def test_wrong_codes_make_the_device_wait(client, coordinator):
    device, _codes = enrolled(coordinator)
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_count=6, throttling_failure_timestamp=timezone.now()
    )
    login(client, coordinator)
    response = client.post(VERIFY, {"code": code(device), "next": "/admin/"})
    assert response.status_code == 200
    assert "odczekaj" in str(response.context["form"].errors["code"])
    assert client.get("/admin/").status_code == 302


def test_too_many_wrong_codes_end_the_session(client, coordinator, settings):
    enrolled(coordinator)
    login(client, coordinator)
    for _ in range(settings.OTP_FAILURES_PER_LOGIN - 1):
        assert client.post(VERIFY, {"code": "000000"}).status_code == 200
    response = client.post(VERIFY, {"code": "000000"})
    assert response.status_code == 302 and response["Location"] == LOGIN
    assert "_auth_user_id" not in client.session


def test_the_lockout_still_applies_to_the_password(client, coordinator, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert login(client, coordinator, password="zle-haslo").status_code == 200
    assert login(client, coordinator, password="zle-haslo").status_code == 429
    # Locked out: the right password is refused too, before any second factor.
    assert login(client, coordinator).status_code == 429
    assert "_auth_user_id" not in client.session


def test_an_administrator_resets_a_lost_phone(client, coordinator):
    from tests.conftest import verified_login

    enrolled(coordinator)
    admin = make_user("administratorka", ADMINISTRATOR, password=PASSWORD)
    verified_login(client, admin)
    response = client.post(
        reverse("admin:auth_user_changelist"),
        {"action": "second_factor_reset", "_selected_action": [coordinator.pk]},
    )
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=coordinator).exists()
    assert not StaticDevice.objects.filter(user=coordinator).exists()
    assert TOTPDevice.objects.filter(user=admin).exists()


def test_the_second_factor_screens_need_a_login(client):
    for page in (VERIFY, SETUP, reverse("accounts:otp_recovery_codes")):
        response = client.get(page)
        assert response.status_code == 302
        assert response["Location"].startswith(LOGIN)


def test_next_never_leads_off_the_site(client, coordinator):
    device, _codes = enrolled(coordinator)
    login(client, coordinator)
    response = client.post(VERIFY, {"code": code(device), "next": "https://evil.example/"})
    assert response["Location"] == "/admin/desk/"  # the start page instead


def test_the_security_log_records_the_second_factor(client, coordinator, caplog):
    device, _codes = enrolled(coordinator)
    login(client, coordinator)
    with caplog.at_level("INFO", logger="partnership.security"):
        client.post(VERIFY, {"code": "999999"})
        TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0)
        client.post(VERIFY, {"code": code(device)})
    events = [
        r.security_event
        for r in caplog.records
        if getattr(r, "security_event", "").startswith("otp")
    ]
    assert events == ["otp_failed", "otp_verified"]
    assert all(coordinator.username not in r.getMessage() for r in caplog.records)


def test_sessions_of_a_second_factor_expire_with_the_session(client, coordinator):
    """A verified session is as old as the login: the device is checked on every request,
    so removing it ends the verified state at once."""
    from tests.conftest import verified_login

    verified_login(client, coordinator)
    assert client.get("/admin/").status_code == 200
    TOTPDevice.objects.filter(user=coordinator).delete()
    assert client.get("/admin/").status_code == 302
