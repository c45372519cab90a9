"""Per-address limits: public certificate checks (``CERTIFICATE_VERIFY_RATE``) and failed
logins whatever the username (``LOGIN_FAILURES_PER_ADDRESS``), on top of axes' lockout.

The counts live in the cache, which ``tests/conftest.py`` empties before every test.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import uuid
from pathlib import Path
from unittest import mock

import pytest
import redis
from axes.models import AccessAttempt
from django.contrib.auth.models import User
from django.contrib.auth.signals import user_login_failed
from django.test import Client
from django.urls import reverse
from django.utils import translation

from partnership.ratelimits import address_key
from tests.helpers import REDIS_URL, redis_answers
from tests.records import PLOCK_2017
from workshops.certificates import certificates_issue
from workshops.models import Attendance, Attendee, WorkshopCycle

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_rate_windows")]

ROOT = Path(__file__).resolve().parents[2]
IP = "203.0.113.7"
OTHER_IP = "198.51.100.23"
PROXY = "10.0.0.2"
PASSWORD = "Plock-haslo-2025-testowe"
WRONG = "zle-haslo-Wisla-17"
HOLDER = "Żaneta Łęcka-Źdźbło"
CHECKS = 60  # CERTIFICATE_VERIFY_RATE's default, 60/m
FAILURES = 30  # LOGIN_FAILURES_PER_ADDRESS's default, 30/15m


@pytest.fixture
def certificate():
    cycle = WorkshopCycle.objects.get(slug=PLOCK_2017)
    cycle.certificate_min_sessions = 1
    cycle.save()
    attendee = Attendee.objects.create(cycle=cycle, full_name=HOLDER)
    Attendance.objects.create(attendee=attendee, session=cycle.sessions.first())
    [issued] = certificates_issue(cycle=cycle, issued_by="Dyrektor PUP")
    return issued


def verify_url(code: str, lang: str = "en") -> str:
    with translation.override(lang):
        return reverse("workshops:certificate_verify", kwargs={"code": code})


def lookup_url(lang: str = "en") -> str:
    with translation.override(lang):
        return reverse("workshops:certificate_lookup")


def use_up_checks(client, *, ip=IP, **extra):
    """Make CHECKS certificate checks from ``ip``; each must be answered."""
    for number in range(CHECKS):
        response = client.get(verify_url(f"KOD-{number}"), REMOTE_ADDR=ip, **extra)
        assert response.status_code == 404, number


def refused(response) -> bool:
    return response.status_code == 429


# --------------------------------------------------------------------------------------
# Certificate checks
# --------------------------------------------------------------------------------------


def test_sixty_checks_pass_and_the_sixty_first_is_refused(client, certificate):
    use_up_checks(client)
    response = client.get(verify_url(certificate.verification_code), REMOTE_ADDR=IP)
    assert refused(response)
    assert 1 <= int(response["Retry-After"]) <= 60
    page = response.content.decode()
    assert '<html lang="en">' in page
    assert "Too many certificate checks from your network; try again in a minute." in page


def test_another_address_is_not_affected(client, certificate):
    use_up_checks(client)
    other = Client()
    response = other.get(verify_url(certificate.verification_code), REMOTE_ADDR=OTHER_IP)
    assert response.status_code == 200
    assert HOLDER in response.content.decode()


def test_the_certificate_refusal_in_polish(client):
    use_up_checks(client)
    response = client.get(verify_url("KOD", "pl"), REMOTE_ADDR=IP)
    assert refused(response)
    assert response["Retry-After"].isdigit()
    page = response.content.decode()
    assert '<html lang="pl">' in page
    assert "Zbyt wiele sprawdzeń certyfikatów z Twojej sieci; spróbuj ponownie za minutę." in page


def test_the_refusal_says_nothing_about_any_code(client, certificate):
    use_up_checks(client)
    real = certificate.verification_code
    made_up = "X" * len(real)
    pages = [
        client.get(verify_url(code), REMOTE_ADDR=IP).content.decode().replace(code, "…")
        for code in (real, made_up)
    ]
    assert pages[0] == pages[1]
    for secret in (HOLDER, certificate.cycle.title, certificate.number):
        assert secret not in pages[0]
    assert "valid" not in pages[0] and "No certificate with this code" not in pages[0]


def test_the_lookup_form_counts_each_check_once_and_refuses_over_the_limit(client):
    for number in range(CHECKS):  # typed into the form: the form, then the page it leads to
        response = client.get(lookup_url(), {"code": f"KOD-{number}"}, REMOTE_ADDR=IP)
        assert response.status_code == 302
        assert client.get(response["Location"], REMOTE_ADDR=IP).status_code == 404
    assert refused(client.get(lookup_url(), {"code": "KOD-61"}, REMOTE_ADDR=IP))
    assert refused(client.get(verify_url("KOD-61"), REMOTE_ADDR=IP))
    # The empty form checks nothing and is still shown.
    assert client.get(lookup_url(), REMOTE_ADDR=IP).status_code == 200


def test_lookups_the_form_answers_itself_count_too(client):
    for _ in range(CHECKS):
        response = client.get(lookup_url(), {"code": "not a code!"}, REMOTE_ADDR=IP)
        assert response.status_code == 400
    assert refused(client.get(lookup_url(), {"code": "not a code!"}, REMOTE_ADDR=IP))
    assert refused(client.get(verify_url("KOD"), REMOTE_ADDR=IP))


def test_behind_a_trusted_proxy_the_forwarded_address_counts(client, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    use_up_checks(client, ip=PROXY, HTTP_X_FORWARDED_FOR=f"1.2.3.4, {IP}")
    forwarded = {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": IP}
    assert refused(client.get(verify_url("KOD"), **forwarded))
    # Another client behind the same proxy is not limited.
    other = {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": OTHER_IP}
    assert client.get(verify_url("KOD"), **other).status_code == 404


def test_a_forged_forwarded_for_header_does_not_dodge_the_limit(client):
    use_up_checks(client)
    response = client.get(verify_url("KOD"), REMOTE_ADDR=IP, HTTP_X_FORWARDED_FOR=OTHER_IP)
    assert refused(response)


def test_no_cache_answers_around_the_limit(client, certificate):
    """The limit is the outermost decorator: a page any cache could keep is checked too,
    and neither the pages nor the refusal may be stored by a cache in front."""
    url = verify_url(certificate.verification_code)
    for _ in range(CHECKS):
        response = client.get(url, REMOTE_ADDR=IP)
        assert response.status_code == 200
        assert "no-store" in response["Cache-Control"] and "X-Cache" not in response
    lookup = client.get(lookup_url(), {"code": certificate.verification_code}, REMOTE_ADDR=OTHER_IP)
    assert "no-store" in lookup["Cache-Control"]
    refusal = client.get(url, REMOTE_ADDR=IP)
    assert refused(refusal)
    assert "no-store" in refusal["Cache-Control"] and "X-Cache" not in refusal


def test_the_limit_comes_from_the_setting(client, settings):
    settings.CERTIFICATE_VERIFY_RATE = "2/m"
    assert client.get(verify_url("A"), REMOTE_ADDR=IP).status_code == 404
    assert client.get(verify_url("B"), REMOTE_ADDR=IP).status_code == 404
    assert refused(client.get(verify_url("C"), REMOTE_ADDR=IP))


def test_the_refusal_is_logged_once_without_the_code(client, caplog):
    caplog.set_level(logging.INFO, logger="partnership.security")
    use_up_checks(client)
    for _ in range(3):
        assert refused(client.get(verify_url("TAJNY-kod"), REMOTE_ADDR=IP))
    events = [r.getMessage() for r in caplog.records if r.name == "partnership.security"]
    assert events == [
        "event=certificate_checks_limited user=- client="
        + _token(IP)
        + (" path=/en/certificates/…/")
    ]


def _token(ip: str) -> str:
    from accounts.security import client_token

    return client_token(mock.Mock(META={"REMOTE_ADDR": ip}))


@pytest.mark.parametrize(
    ("address", "key"),
    [
        ("203.0.113.7", "203.0.113.7"),
        ("2001:db8:1:2:aaaa:bbbb:cccc:dddd", "2001:db8:1:2::/64"),
        ("2001:db8:1:2::1", "2001:db8:1:2::/64"),  # the same client's other address
        ("2001:db8:1:3::1", "2001:db8:1:3::/64"),
        ("::ffff:203.0.113.7", "203.0.113.7"),  # IPv4 through a dual-stack socket
        ("", "-"),
    ],
)
def test_a_client_is_counted_by_its_address_or_its_ipv6_network(address, key):
    assert address_key("group", mock.Mock(META={"REMOTE_ADDR": address})) == key


# --------------------------------------------------------------------------------------
# Failed logins per address
# --------------------------------------------------------------------------------------


def login(client, username, password, *, ip=IP, path="/en/admin/login/", **extra):
    data = {"username": username, "password": password, "next": "/en/admin/"}
    return client.post(path, data, REMOTE_ADDR=ip, **extra)


def staff(username: str) -> User:
    return User.objects.create_user(username, password=PASSWORD, is_staff=True)


def fail_with_many_usernames(client, count=FAILURES, *, ip=IP, **extra):
    for number in range(count):
        response = login(client, f"kto-{number}", WRONG, ip=ip, **extra)
        assert response.status_code == 200, number


def test_thirty_usernames_from_one_address_stop_the_next_login(client):
    fail_with_many_usernames(client)
    newcomer = staff("nowa.osoba")
    response = login(Client(), "nowa.osoba", PASSWORD)
    assert refused(response)
    assert 1 <= int(response["Retry-After"]) <= 15 * 60
    assert "no-store" in response["Cache-Control"]
    page = response.content.decode()
    assert "Too many failed logins from your network" in page
    assert "blocked after 30 failed attempts" in page
    assert "nowa.osoba" not in page
    # From another address the same person logs in.
    assert login(Client(), newcomer.username, PASSWORD, ip=OTHER_IP).status_code == 302


def test_over_the_limit_no_password_is_checked(client):
    fail_with_many_usernames(client)
    staff("nowa.osoba")
    with mock.patch("django.contrib.auth.backends.ModelBackend.authenticate") as check:
        failed = mock.Mock()
        user_login_failed.connect(failed)
        try:
            assert refused(login(client, "nowa.osoba", WRONG))
        finally:
            user_login_failed.disconnect(failed)
    check.assert_not_called()
    failed.assert_not_called()
    assert not AccessAttempt.objects.filter(username="nowa.osoba").exists()


def test_the_login_refusal_in_polish(client):
    fail_with_many_usernames(client)
    response = login(client, "ktos", PASSWORD, path="/admin/login/")
    assert refused(response)
    page = response.content.decode()
    assert '<html lang="pl">' in page
    assert "Zbyt wiele nieudanych logowań z Twojej sieci" in page


def test_a_county_office_on_one_address_is_never_stopped(client):
    clerks = [staff(f"urzednik.{number}") for number in range(10)]
    for clerk in clerks:
        browser = Client()
        for _ in range(2):
            assert login(browser, clerk.username, WRONG).status_code == 200
        assert login(browser, clerk.username, PASSWORD).status_code == 302
        assert browser.get("/en/admin/", REMOTE_ADDR=IP).status_code == 200


def test_a_successful_login_does_not_reset_the_count(client):
    staff("ewa")
    fail_with_many_usernames(client, FAILURES - 1)
    assert login(Client(), "ewa", PASSWORD).status_code == 302
    assert login(client, "kto-ostatni", WRONG).status_code == 200
    assert refused(login(Client(), "ewa", PASSWORD))


def test_attempts_refused_by_the_lockout_do_not_count(client, settings):
    """A clerk who keeps trying a locked account does not stop the whole office."""
    staff("zablokowana")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, "zablokowana", WRONG)
    for _ in range(FAILURES):
        assert refused(login(client, "zablokowana", WRONG))  # axes' lockout
    # Only the AXES_FAILURE_LIMIT checked passwords counted.
    fail_with_many_usernames(client, FAILURES - settings.AXES_FAILURE_LIMIT)
    assert refused(login(client, "kto-jeszcze", WRONG))
    assert "from your network" in login(client, "kto-jeszcze", WRONG).content.decode()


def test_behind_a_trusted_proxy_the_forwarded_address_counts_for_logins(client, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    fail_with_many_usernames(client, ip=PROXY, HTTP_X_FORWARDED_FOR=f"1.2.3.4, {IP}")
    staff("ewa")
    assert refused(login(client, "ewa", PASSWORD, ip=PROXY, HTTP_X_FORWARDED_FOR=IP))
    other = login(Client(), "ewa", PASSWORD, ip=PROXY, HTTP_X_FORWARDED_FOR=OTHER_IP)
    assert other.status_code == 302


def test_a_forged_forwarded_for_header_does_not_dodge_the_login_limit(client):
    fail_with_many_usernames(client)
    staff("ewa")
    assert refused(login(client, "ewa", PASSWORD, HTTP_X_FORWARDED_FOR=OTHER_IP))


def test_the_login_page_itself_is_still_shown(client):
    fail_with_many_usernames(client)
    assert client.get("/en/admin/login/", REMOTE_ADDR=IP).status_code == 200


def test_reaching_the_limit_is_logged_once_without_usernames(client, caplog):
    caplog.set_level(logging.DEBUG)
    fail_with_many_usernames(client)
    for _ in range(3):
        assert refused(login(client, "nowa.osoba", PASSWORD))
    events = [r.getMessage() for r in caplog.records if r.name == "partnership.security"]
    limited = [e for e in events if e.startswith("event=login_address_limited")]
    assert limited == [
        f"event=login_address_limited user=- client={_token(IP)} path=/en/admin/login/"
    ]
    for record in caplog.records:
        text = f"{record.getMessage()} {record.__dict__!r}"
        for secret in ("kto-0", "kto-29", "nowa.osoba", PASSWORD, WRONG, IP):
            assert secret not in text, (secret, record.name)


# --------------------------------------------------------------------------------------
# The cache backends: django-ratelimit's checks, and the dummy cache of the benchmarks
# --------------------------------------------------------------------------------------


def manage(*args: str, **environment) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    env.pop("CACHE_BACKEND", None)
    env.pop("REDIS_URL", None)
    env.update(DEBUG="1", **environment)
    return subprocess.run(  # noqa: S603 - our manage.py, fixed arguments
        [sys.executable, str(ROOT / "manage.py"), *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


CHECK_SCRIPT = (
    "from django.core.management import call_command; "
    "call_command('check', fail_level='WARNING'); "
    "from django.conf import settings; print('enabled', settings.RATELIMIT_ENABLE)"
)


@pytest.mark.parametrize(
    ("environment", "enabled"),
    [
        ({}, True),  # local memory
        ({"REDIS_URL": "redis://127.0.0.1:6379/13"}, True),  # not connected to by a check
        ({"CACHE_BACKEND": "dummy"}, False),
    ],
    ids=["locmem", "redis", "dummy"],
)
def test_every_cache_backend_passes_the_system_checks(environment, enabled):
    result = manage("shell", "-c", CHECK_SCRIPT, **environment)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"enabled {enabled}" in result.stdout


def test_with_the_dummy_cache_nothing_is_limited(client, settings):
    """What benchmarks/web_benchmark.py's uncached server runs with (CACHE_BACKEND=dummy)."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    settings.RATELIMIT_ENABLE = False
    for number in range(CHECKS + 5):
        assert client.get(verify_url(f"KOD-{number}"), REMOTE_ADDR=IP).status_code == 404


def test_a_rate_that_is_not_one_is_refused_at_start():
    result = manage("check", CERTIFICATE_VERIFY_RATE="sixty")
    assert result.returncode != 0
    assert "CERTIFICATE_VERIFY_RATE must be a rate such as 60/m" in result.stderr


@pytest.mark.skipif(not redis_answers(), reason=f"no Redis server answers at {REDIS_URL}")
def test_two_app_servers_on_one_redis_share_the_count(client, settings):
    """Each alias is its own client of the same Redis, as two gunicorn workers have."""
    prefix = f"test-rate-limits-{uuid.uuid4().hex}"
    backend = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": prefix,
    }
    settings.CACHES = {**settings.CACHES, "server-a": backend, "server-b": dict(backend)}
    connection = redis.Redis.from_url(REDIS_URL)
    try:
        for server, codes in (("server-a", range(30)), ("server-b", range(30, CHECKS))):
            settings.RATELIMIT_USE_CACHE = server
            for number in codes:
                assert client.get(verify_url(f"K{number}"), REMOTE_ADDR=IP).status_code == 404
        assert refused(client.get(verify_url("K"), REMOTE_ADDR=IP))
        assert list(connection.scan_iter(match=f"{prefix}:*"))  # the count is in Redis
    finally:
        keys = list(connection.scan_iter(match=f"{prefix}:*", count=1000))
        if keys:
            connection.delete(*keys)
