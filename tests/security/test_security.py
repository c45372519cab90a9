"""Security hardening: headers on every response, staff pages kept out of caches, unused
methods refused, 503 when the database is unavailable, login throttling, a security log
without personal data, the session rotated at login and ended at logout, and production
settings that pass ``manage.py check --deploy``.
"""

from __future__ import annotations

import datetime
import logging
import os
import re
import secrets
import string
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path
from unittest import mock

import pytest
from axes.exceptions import AxesBackendRequestParameterRequired
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.models import Group, User
from django.contrib.sessions.models import Session
from django.db import DatabaseError, IntegrityError, connections
from django.db.utils import InterfaceError, OperationalError, ProgrammingError
from django.test import Client
from django.urls import reverse
from django.utils import translation

from accounts.models import StaffProfile
from accounts.roles import COUNTY_STAFF, GROUP_NAMES
from accounts.security import client_ip, client_token
from programmes.models import County
from tests.records import PLOCK, PLOCK_2017
from workshops.models import WorkshopCycle

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
USERNAME = "ewa.bezpieczna"
EMAIL = "ewa.bezpieczna@example.org"
PASSWORD = "Plock-haslo-2025-testowe"  # noqa: S105 - a throwaway account
WRONG = "zle-haslo-Wisla-17"  # noqa: S105
IP = "203.0.113.7"
OTHER_IP = "198.51.100.23"
LOGIN = "/en/admin/login/"
ALLOW = "GET, HEAD, POST, OPTIONS"

REQUIRED_CSP = {
    "default-src": {"'self'"},
    "script-src": {"'self'"},
    "style-src": {"'self'"},
    "img-src": {"'self'", "data:"},
    "object-src": {"'none'"},
    "base-uri": {"'self'"},
    "frame-ancestors": {"'none'"},
    "form-action": {"'self'"},
}


# --------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------


def csp_directives(header: str) -> dict[str, set[str]]:
    directives = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0]] = set(words[1:])
    return directives


def assert_security_headers(response):
    policy = response["Content-Security-Policy"]
    directives = csp_directives(policy)
    for name, sources in REQUIRED_CSP.items():
        assert directives.get(name) == sources, (name, policy)
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def no_store(response) -> bool:
    directives = {d.strip() for d in response.get("Cache-Control", "").split(",")}
    return {"no-store", "private"} <= directives and "public" not in directives


def login(client, password=PASSWORD, *, ip=IP, username=USERNAME, path=LOGIN, **extra):
    data = {"username": username, "password": password, "next": "/en/admin/"}
    return client.post(path, data, REMOTE_ADDR=ip, **extra)


def logged_in(client) -> bool:
    return client.get("/en/admin/", REMOTE_ADDR=IP).status_code == 200


@contextmanager
def database_unavailable():
    """Every new query fails the way a lost PostgreSQL connection does: the driver's
    OperationalError, wrapped by Django into ``django.db.utils.OperationalError``."""
    connection = connections["default"]

    def refuse():
        with connection.wrap_database_errors:
            raise connection.Database.OperationalError(
                "connection to server at 127.0.0.1, port 5432 failed: Connection refused"
            )

    with mock.patch.object(connection, "ensure_connection", side_effect=refuse):
        yield


@pytest.fixture
def staff_user():
    user = User.objects.create_user(USERNAME, email=EMAIL, password=PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name=GROUP_NAMES[COUNTY_STAFF]))
    StaffProfile.objects.create(user=user).counties.set(County.objects.filter(code=PLOCK))
    return user


@pytest.fixture
def staff_client(client, staff_user):
    client.force_login(staff_user)
    return client


@pytest.fixture
def quiet_client():
    """A client that returns 500/503 responses instead of re-raising the exception."""
    client = Client()
    client.raise_request_exception = False
    return client


def lock_out(client, *, ip=IP):
    """Fail ``AXES_FAILURE_LIMIT`` times; return the last response."""
    responses = [login(client, WRONG, ip=ip) for _ in range(settings.AXES_FAILURE_LIMIT)]
    return responses[-1]


# --------------------------------------------------------------------------------------
# Headers on every response
# --------------------------------------------------------------------------------------


def _public_page(client, staff_user):
    return client.get("/en/")


def _public_page_from_cache(client, staff_user):
    client.get("/en/")
    response = client.get("/en/")
    assert response["X-Cache"] == "hit"
    return response


def _not_found(client, staff_user):
    return client.get("/en/no-such-page/")


def _admin_login(client, staff_user):
    return client.get(LOGIN)


def _admin_index(client, staff_user):
    client.force_login(staff_user)
    return client.get("/en/admin/")


def _staff_screen(client, staff_user):
    client.force_login(staff_user)
    cycle = WorkshopCycle.objects.get(slug=PLOCK_2017)
    return client.get(reverse("admin:workshops_workshopcycle_attendance", args=[cycle.pk]))


def _permission_denied(client, staff_user):
    client.force_login(staff_user)  # county staff may not add accounts
    return client.get("/en/admin/auth/user/add/")


def _csrf_failure(client, staff_user):
    return Client(enforce_csrf_checks=True).post(LOGIN, {"username": "x", "password": "y"})


def _method_not_allowed(client, staff_user):
    return client.put("/en/")


def _bad_request(client, staff_user):
    return client.get("/en/", HTTP_HOST="attacker.example")


def _server_error(client, staff_user):
    client.raise_request_exception = False
    with mock.patch("partnership.caching.read_versions", side_effect=RuntimeError("boom")):
        return client.get("/en/")


def _database_unavailable(client, staff_user):
    client.raise_request_exception = False
    with database_unavailable():
        return client.get("/en/")


def _locked_out(client, staff_user):
    return lock_out(client)


RESPONSES = {
    "public page": (_public_page, 200),
    "public page from the cache": (_public_page_from_cache, 200),
    "not found": (_not_found, 404),
    "admin login": (_admin_login, 200),
    "admin index": (_admin_index, 200),
    "staff screen": (_staff_screen, 200),
    "permission denied": (_permission_denied, 403),
    "CSRF failure": (_csrf_failure, 403),
    "method not allowed": (_method_not_allowed, 405),
    "bad request": (_bad_request, 400),
    "server error": (_server_error, 500),
    "database unavailable": (_database_unavailable, 503),
    "locked out": (_locked_out, 429),
}


@pytest.mark.parametrize("name", RESPONSES)
def test_every_response_carries_the_security_headers(client, staff_user, name):
    make, status = RESPONSES[name]
    response = make(client, staff_user)
    assert response.status_code == status
    assert_security_headers(response)
    assert "Strict-Transport-Security" not in response  # plain HTTP: HSTS means nothing


def test_hsts_over_https(client, settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    response = client.get("/en/", secure=True)
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert client.get("/en/no-such-page/", secure=True)["Strict-Transport-Security"]


@pytest.mark.parametrize("name", RESPONSES)
def test_pages_use_no_inline_script_or_style(staff_user, name):
    """What the policy would block: inline scripts, event handlers, style attributes."""
    make, _status = RESPONSES[name]
    body = make(Client(), staff_user).content.decode()
    for tag in re.findall(r"<script\b[^>]*>", body, flags=re.IGNORECASE):
        assert "src=" in tag or 'type="application/json"' in tag, tag
    assert not re.search(r"<style\b|\sstyle=|\son[a-z]+=", body, flags=re.IGNORECASE)


# --------------------------------------------------------------------------------------
# Caching: staff pages never, anonymous public pages as before
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/admin/login/", "/en/admin/login/", "/en/admin/nowhere/"])
def test_admin_responses_are_not_stored_even_for_anonymous_visitors(client, path):
    assert no_store(client.get(path))


def test_anonymous_public_pages_stay_publicly_cacheable(client):
    for _ in range(2):  # the miss and the hit
        response = client.get("/en/")
        assert response.status_code == 200
        directives = {d.strip() for d in response["Cache-Control"].split(",")}
        assert {"public", "max-age=300"} <= directives
        assert "no-store" not in directives


@pytest.mark.parametrize(
    "path",
    [
        "/en/",
        "/",
        "/en/no-such-page/",
        "/en/admin/",
        "/en/admin/workshops/workshopcycle/",
    ],
)
def test_every_response_to_a_logged_in_user_is_not_stored(staff_client, path):
    response = staff_client.get(path)
    assert response.status_code in {200, 404}
    assert no_store(response)
    assert "X-Cache" not in response


def test_reports_are_not_stored(staff_client):
    for language in ("pl", "en"):
        with translation.override(language):
            address = reverse("reports:overview")
        response = staff_client.get(address)
        assert response.status_code == 200
        assert no_store(response)


def test_staff_screens_are_not_stored(staff_client):
    cycle = WorkshopCycle.objects.get(slug=PLOCK_2017)
    for screen in ("attendance", "import", "certificates"):
        response = staff_client.get(
            reverse(f"admin:workshops_workshopcycle_{screen}", args=[cycle.pk])
        )
        assert response.status_code == 200, screen
        assert no_store(response), screen


# --------------------------------------------------------------------------------------
# Unused HTTP methods
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH", "TRACE", "CONNECT", "PROPFIND", "X"])
@pytest.mark.parametrize("path", ["/", "/en/admin/login/", "/en/admin/auth/user/1/delete/"])
def test_unused_methods_are_refused_before_any_view(
    client, method, path, django_assert_num_queries
):
    with django_assert_num_queries(0):
        response = client.generic(method, path, data="payload=1")
    assert response.status_code == 405
    assert response["Allow"] == ALLOW
    assert response.content == b"405 Method Not Allowed\n"
    assert settings.SESSION_COOKIE_NAME not in response.cookies
    assert_security_headers(response)


def test_options_and_post_still_reach_the_views(client):
    assert client.options(LOGIN).status_code == 200
    assert client.post(LOGIN, {"username": "", "password": ""}).status_code == 200


# --------------------------------------------------------------------------------------
# Errors: 503 when the database is unavailable, 500 otherwise, no traceback ever
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/", "/en/", "/en/projects/", "/en/admin/login/"])
def test_database_unavailable_gives_503_with_retry_after(quiet_client, path):
    with database_unavailable():
        response = quiet_client.get(path) if "login" not in path else login(quiet_client)
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    body = response.content.decode()
    # The page itself, in both languages, not the bare fallback.
    assert '<section lang="pl">' in body and '<section lang="en">' in body
    assert "Portal jest chwilowo niedostępny" in body
    assert "The portal is temporarily unavailable" in body
    assert "Traceback" not in body and "Connection refused" not in body
    assert no_store(response)


def test_database_unavailable_for_a_logged_in_user_gives_503(quiet_client, staff_user):
    quiet_client.force_login(staff_user)
    with database_unavailable():
        response = quiet_client.get("/en/admin/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert no_store(response)


def test_database_error_raised_in_a_middleware_gives_503(quiet_client):
    """Django turns an exception in a middleware into a response at that layer; the
    500 handler still sees it and answers 503, and the outer middleware add headers."""
    failure = OperationalError("server closed the connection unexpectedly")
    with mock.patch(
        "django.contrib.sessions.middleware.SessionMiddleware.process_response",
        side_effect=failure,
    ):
        response = quiet_client.get("/en/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert_security_headers(response)


@pytest.mark.parametrize(
    ("exception", "status"),
    [
        (OperationalError("could not connect to server"), 503),
        (InterfaceError("connection already closed"), 503),
        (ProgrammingError("relation does not exist"), 500),
        (IntegrityError("duplicate key"), 500),
        (DatabaseError("something else"), 500),
        (RuntimeError("kaboom-secret-detail"), 500),
        (KeyError("kaboom-secret-detail"), 500),
    ],
    ids=lambda value: type(value).__name__ if isinstance(value, Exception) else str(value),
)
def test_only_a_lost_database_gives_503(quiet_client, exception, status):
    with mock.patch("partnership.caching.read_versions", side_effect=exception):
        response = quiet_client.get("/en/")
    assert response.status_code == status
    body = response.content.decode()
    assert "Traceback" not in body and "kaboom" not in body and "File " not in body
    if status == 500:
        assert "Retry-After" not in response
        assert "Something went wrong on our side" in body


def test_a_database_error_raised_from_another_is_recognised(quiet_client):
    def fail(*args, **kwargs):
        try:
            raise OperationalError("terminating connection due to administrator command")
        except OperationalError as exc:
            raise RuntimeError("while rendering") from exc

    with mock.patch("partnership.caching.read_versions", side_effect=fail):
        assert quiet_client.get("/en/").status_code == 503


def test_an_unwrapped_driver_error_is_recognised(quiet_client):
    driver = connections["default"].Database
    for error in (driver.OperationalError("server closed"), driver.InterfaceError("closed")):
        with mock.patch("partnership.caching.read_versions", side_effect=error):
            assert quiet_client.get("/en/").status_code == 503


def test_a_lost_redis_cache_gives_503(quiet_client):
    import redis.exceptions

    errors = (
        redis.exceptions.ConnectionError("Error 111 connecting to 127.0.0.1:6379"),
        redis.exceptions.TimeoutError("Timeout reading from socket"),
    )
    for error in errors:
        with mock.patch("partnership.caching.read_versions", side_effect=error):
            response = quiet_client.get("/en/")
        assert response.status_code == 503
        assert response["Retry-After"] == "30"
    with mock.patch(
        "partnership.caching.read_versions",
        side_effect=redis.exceptions.ResponseError("WRONGTYPE"),
    ):
        assert quiet_client.get("/en/").status_code == 500


def test_503_page_needs_no_database_and_no_request():
    from portal.errors import server_error

    with database_unavailable():
        try:
            raise OperationalError("the server is restarting")
        except OperationalError:
            response = server_error(request=None)
    assert response.status_code == 503
    assert b"<h1>" in response.content and b"<h1>503</h1>" not in response.content


# --------------------------------------------------------------------------------------
# Login throttling (django-axes)
# --------------------------------------------------------------------------------------


def test_five_failures_lock_the_login_even_for_the_right_password(client, staff_user):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = login(client, WRONG)
        assert response.status_code == 200
        assert "Please enter the correct username and password" in response.content.decode()
    locked = login(client, WRONG)
    assert locked.status_code == 429
    sixth = login(client, PASSWORD)
    assert sixth.status_code == 429
    assert not logged_in(client)
    page = sixth.content.decode()
    assert "Too many failed logins" in page
    assert "blocked after 5 failed attempts" in page
    assert "Try again in at most 30 minutes" in page
    assert sixth["Retry-After"] == str(30 * 60)
    assert USERNAME not in page
    assert no_store(sixth)


def test_lockout_page_in_polish(client, staff_user):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = login(client, WRONG, path="/admin/login/")
    assert response.status_code == 429
    page = response.content.decode()
    assert '<html lang="pl">' in page
    assert "Zbyt wiele nieudanych logowań" in page


def test_lockout_answers_scripts_without_the_username(client, staff_user):
    lock_out(client)
    response = login(client, PASSWORD, HTTP_X_REQUESTED_WITH="XMLHttpRequest")
    assert response.status_code == 429
    assert USERNAME not in response.content.decode()


def test_lockout_is_per_username_and_address(client, staff_user):
    lock_out(client)
    # The same person from another address (another office, a phone) may log in …
    other = Client()
    assert login(other, PASSWORD, ip=OTHER_IP).status_code == 302
    # … and so may a colleague from the locked address.
    User.objects.create_user("jan.kolega", password=PASSWORD, is_staff=True)
    colleague = Client()
    assert login(colleague, PASSWORD, username="jan.kolega").status_code == 302


def test_a_forged_forwarded_for_header_does_not_dodge_the_lockout(client, staff_user):
    lock_out(client)
    response = login(client, PASSWORD, HTTP_X_FORWARDED_FOR=OTHER_IP)
    assert response.status_code == 429


def test_behind_a_trusted_proxy_the_forwarded_address_counts(client, staff_user, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = "10.0.0.2"
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = login(client, WRONG, ip=proxy, HTTP_X_FORWARDED_FOR=f"1.2.3.4, {IP}")
    assert response.status_code == 429
    assert AccessAttempt.objects.get().ip_address == IP
    # Another client behind the same proxy is not locked out.
    other = Client()
    assert login(other, PASSWORD, ip=proxy, HTTP_X_FORWARDED_FOR=OTHER_IP).status_code == 302


def test_the_lockout_ends_after_the_cool_off(client, staff_user):
    lock_out(client)
    assert login(client, PASSWORD).status_code == 429
    cool_off = settings.AXES_COOLOFF_TIME + datetime.timedelta(minutes=1)
    AccessAttempt.objects.update(attempt_time=AccessAttempt.objects.get().attempt_time - cool_off)
    assert login(client, PASSWORD).status_code == 302
    assert logged_in(client)


def test_attempts_during_the_lockout_do_not_extend_it(client, staff_user):
    lock_out(client)
    locked_at = AccessAttempt.objects.get().attempt_time
    login(client, WRONG)
    login(client, PASSWORD)
    assert AccessAttempt.objects.get().attempt_time == locked_at


def test_a_successful_login_resets_the_count(client, staff_user):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        login(client, WRONG)
    assert login(client, PASSWORD).status_code == 302
    assert not AccessAttempt.objects.exists()
    client.post("/en/admin/logout/")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert login(client, WRONG).status_code == 200
    assert login(client, PASSWORD).status_code == 302


def test_a_failed_login_costs_a_bounded_number_of_queries(
    client, staff_user, django_assert_max_num_queries
):
    login(client, WRONG)
    with django_assert_max_num_queries(10):
        assert login(client, WRONG).status_code == 200


def test_tests_log_in_with_force_login_not_client_login(client, staff_user):
    """Axes needs the request; ``client.login`` passes none (README, "Security")."""
    with pytest.raises(AxesBackendRequestParameterRequired):
        client.login(username=USERNAME, password=PASSWORD)
    client.force_login(staff_user)
    assert logged_in(client)


def test_no_access_log_of_every_login_is_kept(client, staff_user):
    from axes.models import AccessLog

    assert login(client, PASSWORD).status_code == 302
    assert not AccessLog.objects.exists()


# --------------------------------------------------------------------------------------
# The security log: events without personal data
# --------------------------------------------------------------------------------------


@pytest.fixture
def all_logs(caplog):
    caplog.set_level(logging.DEBUG)
    for name in ("axes", "partnership.security", "django"):
        caplog.set_level(logging.DEBUG, logger=name)
    return caplog


def test_logins_lockouts_and_logouts_are_logged_without_personal_data(client, staff_user, all_logs):
    login(client, "guess-1", username="nobody.here")
    lock_out(client)
    login(client, PASSWORD)  # refused: locked out
    other = Client()
    assert login(other, PASSWORD, ip=OTHER_IP).status_code == 302
    other.post("/en/admin/logout/", REMOTE_ADDR=OTHER_IP)

    records = all_logs.records
    # Axes' own lines were captured too (with the username and address masked).
    assert any(r.name.startswith("axes") and "login failure" in r.getMessage() for r in records)
    for record in records:
        text = f"{record.getMessage()} {record.__dict__!r}"
        for secret in (USERNAME, EMAIL, PASSWORD, WRONG, "guess-1", "nobody.here", IP, OTHER_IP):
            assert secret not in text, (secret, record.name, record.getMessage())

    events = [r.getMessage() for r in records if r.name == "partnership.security"]
    uid = staff_user.pk
    token = client_token(mock.Mock(META={"REMOTE_ADDR": IP}))
    assert f"event=login_failed user=unknown client={token} path=/en/admin/login/" in events
    assert events.count(f"event=login_failed user={uid} client={token} path=/en/admin/login/") == 6
    assert f"event=login_locked_out user={uid} client={token} path=/en/admin/login/" in events
    assert any(e.startswith(f"event=login user={uid} ") for e in events)
    assert any(e.startswith(f"event=logout user={uid} ") for e in events)


def test_refused_requests_are_logged(client, staff_user, all_logs):
    client.force_login(staff_user)
    client.get("/en/admin/auth/user/add/?email=leak@example.org")
    Client(enforce_csrf_checks=True).post(LOGIN, {"username": USERNAME, "password": PASSWORD})
    events = [r.getMessage() for r in all_logs.records if r.name == "partnership.security"]
    assert any(
        e.startswith(f"event=forbidden user={staff_user.pk} ")
        and "path=/en/admin/auth/user/add/ reason=forbidden" in e
        for e in events
    )
    assert any("user=- " in e and e.endswith("reason=csrf") for e in events)
    text = " ".join(r.getMessage() for r in all_logs.records)
    assert "leak@example.org" not in text and PASSWORD not in text and USERNAME not in text


def test_a_crafted_path_cannot_forge_a_log_line(client, all_logs):
    client.generic("TRACE", "/en/%0Aevent=login%20user=1", REMOTE_ADDR=IP)
    events = [r.getMessage() for r in all_logs.records if r.name == "partnership.security"]
    token = client_token(mock.Mock(META={"REMOTE_ADDR": IP}))
    assert events == [
        f"event=method_refused user=- client={token} "
        "path=/en/%0Aevent%3Dlogin%20user%3D1 method=TRACE"
    ]


def test_client_address_and_its_token(rf, settings):
    request = rf.get("/", REMOTE_ADDR=IP, HTTP_X_FORWARDED_FOR="1.1.1.1, 2.2.2.2")
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(request) == IP
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(request) == "2.2.2.2"
    settings.TRUSTED_PROXY_COUNT = 2
    assert client_ip(request) == "1.1.1.1"
    settings.TRUSTED_PROXY_COUNT = 3  # fewer hops than proxies: not trusted
    assert client_ip(request) == IP
    settings.TRUSTED_PROXY_COUNT = 1  # a misconfigured proxy passing garbage through
    assert client_ip(rf.get("/", REMOTE_ADDR=IP, HTTP_X_FORWARDED_FOR="x' OR 1=1")) == IP
    token = client_token(request)
    assert len(token) == 12 and IP not in token and token != client_token(rf.get("/"))


# --------------------------------------------------------------------------------------
# Sessions and cookies
# --------------------------------------------------------------------------------------


def test_login_rotates_the_session_key(client, staff_user):
    session = client.session
    session["visited"] = True
    session.save()
    before = client.cookies[settings.SESSION_COOKIE_NAME].value
    response = login(client)
    assert response.status_code == 302
    after = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert after != before
    assert not Session.objects.filter(session_key=before).exists()
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
    assert int(cookie["max-age"]) == 8 * 60 * 60


def test_logout_ends_the_session(client, staff_user):
    assert login(client).status_code == 302
    old_key = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert logged_in(client)
    client.post("/en/admin/logout/")
    assert not Session.objects.filter(session_key=old_key).exists()
    replay = Client()
    replay.cookies[settings.SESSION_COOKIE_NAME] = old_key
    response = replay.get("/en/admin/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


# --------------------------------------------------------------------------------------
# Production settings
# --------------------------------------------------------------------------------------


def production_env(**changes) -> dict:
    alphabet = string.ascii_letters + string.digits + "!@#%^&*(-_=+)"
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DEBUG", "DJANGO_SETTINGS_MODULE"} and not key.startswith("PYTEST")
    }
    env.update(
        SECRET_KEY="".join(secrets.choice(alphabet) for _ in range(50)),
        HTTPS="1",
        ALLOWED_HOSTS="portal.example.gov.pl",
        CSRF_TRUSTED_ORIGINS="https://portal.example.gov.pl",
        PORTAL_BASE_URL="https://portal.example.gov.pl",
        OPERATOR_NAME="Wojewódzki Urząd Pracy w Warszawie",
        OPERATOR_EMAIL="wup@example.gov.pl",
        OPERATOR_URL="https://wup.example.gov.pl/",
        OPERATOR_ADDRESS="ul. Młynarska 16, 01-205 Warszawa",
        OPERATOR_PHONE="+48 22 578 44 00",
        OPERATOR_DPO_EMAIL="iod@example.gov.pl",
        ACCESSIBILITY_CONTACT_NAME="Jan Kowalski",
        ACCESSIBILITY_PUBLISHED="2024-05-06",
        ACCESSIBILITY_UPDATED="2026-11-30",
    )
    env.update(changes)
    return {key: value for key, value in env.items() if value is not None}


def manage(*args, env):
    return subprocess.run(  # noqa: S603
        [sys.executable, str(ROOT / "manage.py"), *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_check_deploy():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=production_env())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_warns_when_links_in_e_mails_would_lead_to_this_machine():
    result = manage(
        "check", "--deploy", "--fail-level", "WARNING", env=production_env(PORTAL_BASE_URL=None)
    )
    assert result.returncode != 0
    assert "partnership.W001" in result.stdout + result.stderr
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env=production_env(PORTAL_BASE_URL="http://portal.example.gov.pl"),
    )
    assert "partnership.W002" in result.stdout + result.stderr


def test_check_deploy_warns_while_the_operator_details_are_placeholders():
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env=production_env(OPERATOR_ADDRESS=None, ACCESSIBILITY_UPDATED=None),
    )
    assert result.returncode != 0
    output = result.stdout + result.stderr
    assert "portal.W001" in output
    assert "OPERATOR_ADDRESS" in output and "ACCESSIBILITY_UPDATED" in output


def test_check_deploy_fails_without_https():
    """The check is not vacuous: without HTTPS the same command fails."""
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=production_env(HTTPS=None))
    assert result.returncode != 0
    output = result.stdout + result.stderr
    for warning in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert warning in output


def test_production_settings_refuse_to_start_without_a_secret_key():
    result = manage("check", env=production_env(SECRET_KEY=None))
    assert result.returncode != 0
    assert "Set SECRET_KEY" in result.stderr


def test_cookies_and_hsts_under_https():
    script = (
        "from django.conf import settings as s; print(s.SESSION_COOKIE_SECURE, "
        "s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, s.SESSION_COOKIE_SAMESITE, "
        "s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, "
        "s.DEBUG)"
    )
    result = manage("shell", "-c", script, env=production_env())
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1].split() == [
        "True",
        "True",
        "True",
        "Lax",
        "True",
        "31536000",
        "True",
        "False",
    ]
