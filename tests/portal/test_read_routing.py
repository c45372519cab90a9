"""The read replica's rules (``partnership.dbrouting``) without a replica: the settings,
the router's answers, the middleware's pinning. ``test_replica_routing.py`` runs them
against a real streaming replica."""

from __future__ import annotations

import runpy
import time
from pathlib import Path

import pytest
from django.contrib.auth.models import AnonymousUser, User
from django.contrib.sessions.models import Session
from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError
from django.http import HttpResponse
from django.test import RequestFactory

from partnership import dbrouting
from partnership.dbrouting import PRIMARY, REPLICA, PrimaryReplicaRouter, ReadRoutingMiddleware
from workshops.models import WorkshopCycle

SETTINGS = Path(__file__).resolve().parents[2] / "partnership" / "settings.py"
PG = "postgres://portal@db.example.org:5432/portal"
ROUTER = "partnership.dbrouting.PrimaryReplicaRouter"
MIDDLEWARE = "partnership.dbrouting.ReadRoutingMiddleware"


def load_settings(monkeypatch, **env) -> dict:
    for name in ("DATABASE_URL", "DATABASE_REPLICA_URL", "DATABASE_REPLICA_PIN_SECONDS"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(SETTINGS))


def test_without_a_replica_nothing_changes(monkeypatch):
    conf = load_settings(monkeypatch, DATABASE_URL=PG)
    assert list(conf["DATABASES"]) == ["default"]
    assert "DATABASE_ROUTERS" not in conf
    assert MIDDLEWARE not in conf["MIDDLEWARE"]


def test_a_replica_url_adds_the_alias_the_router_and_the_middleware(monkeypatch):
    conf = load_settings(
        monkeypatch,
        DATABASE_URL=PG,
        DATABASE_REPLICA_URL="postgres://portal@replica.example.org:5433/portal",
        DATABASE_REPLICA_PIN_SECONDS="30",
    )
    replica = conf["DATABASES"]["replica"]
    assert (replica["HOST"], replica["PORT"], replica["NAME"]) == (
        "replica.example.org",
        5433,
        "portal",
    )
    assert replica["TEST"] == {"MIRROR": "default"}
    assert replica["OPTIONS"]["connect_timeout"] == 3
    assert "jit=off" in replica["OPTIONS"]["options"]
    assert conf["DATABASE_ROUTERS"] == [ROUTER]
    middleware = conf["MIDDLEWARE"]
    auth = middleware.index("django.contrib.auth.middleware.AuthenticationMiddleware")
    assert middleware[auth + 1] == MIDDLEWARE
    assert conf["DATABASE_REPLICA_PIN_SECONDS"] == 30


@pytest.mark.parametrize(
    "env",
    [
        {"DATABASE_REPLICA_URL": PG},  # the primary is the default SQLite file
        {"DATABASE_URL": PG, "DATABASE_REPLICA_URL": "sqlite:///replica.sqlite3"},
    ],
)
def test_a_replica_needs_postgresql_on_both_sides(monkeypatch, env):
    with pytest.raises(ImproperlyConfigured):
        load_settings(monkeypatch, **env)


# -- The router --------------------------------------------------------------------------


@pytest.fixture
def request_reads():
    """Set what the middleware would have decided for the current request."""
    tokens = []
    yield lambda state: tokens.append(dbrouting._reads.set(state))
    for token in reversed(tokens):
        dbrouting._reads.reset(token)


@pytest.fixture
def replay(monkeypatch):
    """The replica's and the primary's WAL positions, as the router would read them."""
    positions = {"pg_last_wal_replay_lsn": 100, "pg_current_wal_lsn": 200}

    def position(alias, function):
        value = positions[function]
        if isinstance(value, Exception):
            raise value
        return value

    def counted(alias, function):
        positions["asked"] += 1
        return position(alias, function)

    positions["asked"] = 0
    monkeypatch.setattr(dbrouting, "_wal_position", counted)
    monkeypatch.setattr(dbrouting, "replica_configured", lambda: True)
    monkeypatch.setattr(dbrouting, "_replica_down_until", 0.0)
    return positions


router = PrimaryReplicaRouter()


def test_writes_and_migrations_go_to_the_primary():
    assert router.db_for_write(WorkshopCycle) == PRIMARY
    assert router.allow_migrate(PRIMARY, "workshops") is True
    assert router.allow_migrate(REPLICA, "workshops") is False


def test_objects_of_both_aliases_may_be_related():
    cycle, other = WorkshopCycle(), WorkshopCycle()
    cycle._state.db, other._state.db = PRIMARY, REPLICA
    assert router.allow_relation(cycle, other) is True
    other._state.db = "elsewhere"
    assert router.allow_relation(cycle, other) is None


def test_reads_outside_a_request_go_to_the_primary():
    assert router.db_for_read(WorkshopCycle) == PRIMARY


def test_accounts_and_sessions_are_read_from_the_primary(request_reads):
    request_reads(REPLICA)
    assert router.db_for_read(Session) == PRIMARY
    assert router.db_for_read(User) == PRIMARY
    assert router.db_for_read(WorkshopCycle) == REPLICA


def test_a_request_reads_the_replica_once_it_has_replayed_the_last_change(request_reads, replay):
    dbrouting.mark_primary_position()  # a change of public data at 200
    request_reads("check")
    assert router.db_for_read(WorkshopCycle) == PRIMARY  # the replica is at 100
    assert dbrouting._reads.get() == PRIMARY  # decided for the rest of the request
    replay["pg_last_wal_replay_lsn"] = 200
    request_reads("check")
    assert router.db_for_read(WorkshopCycle) == REPLICA


def test_a_replica_that_does_not_answer_is_passed_over(request_reads, replay, monkeypatch):
    replay["pg_last_wal_replay_lsn"] = DatabaseError("connection refused")
    request_reads("check")
    assert router.db_for_read(WorkshopCycle) == PRIMARY
    assert replay["asked"] == 1
    replay["pg_last_wal_replay_lsn"] = 100
    request_reads("check")  # the next request does not wait for it again...
    assert router.db_for_read(WorkshopCycle) == PRIMARY
    assert replay["asked"] == 1
    assert dbrouting._replica_down_until > time.monotonic() + dbrouting.REPLICA_RETRY_SECONDS - 5
    monkeypatch.setattr(dbrouting, "_replica_down_until", time.monotonic() - 1)
    request_reads("check")  # ...until the retry time is over
    assert router.db_for_read(WorkshopCycle) == REPLICA
    assert replay["asked"] == 2


def test_the_mark_only_moves_forward(replay):
    dbrouting.mark_primary_position()
    replay["pg_current_wal_lsn"] = 150  # a later call that read an older position
    dbrouting.mark_primary_position()
    from django.core.cache import cache

    assert cache.get(dbrouting.MARK_KEY) == 200


@pytest.mark.django_db
def test_without_a_replica_a_write_notes_nothing(django_assert_num_queries):
    with django_assert_num_queries(0):
        dbrouting.mark_primary_position()


@pytest.mark.django_db
def test_reads_inside_a_transaction_stay_on_the_primary(request_reads):
    request_reads(REPLICA)  # the test runs in a transaction on the primary
    assert router.db_for_read(WorkshopCycle) == PRIMARY


@pytest.mark.parametrize(
    ("lsn", "value"), [("0/3000000", 0x3000000), ("16/B374D848", (0x16 << 32) + 0xB374D848)]
)
def test_wal_positions_compare_as_numbers(lsn, value):
    assert dbrouting.lsn_value(lsn) == value
    assert dbrouting.lsn_value(None) is None


# -- The middleware ----------------------------------------------------------------------


class Clerk:
    is_authenticated = True


def through_middleware(request, user=None):
    """The reads the view saw, and the response."""
    seen = []
    request.user = user or AnonymousUser()

    def view(request):
        seen.append(dbrouting._reads.get())
        return HttpResponse("ok")

    response = ReadRoutingMiddleware(view)(request)
    assert dbrouting._reads.get() is None  # reset after the request
    return seen[0], response


rf = RequestFactory()


@pytest.mark.parametrize("path", ["/", "/powiaty/plocki/", "/raporty/", "/en/reports/"])
def test_public_pages_and_reports_may_read_the_replica(path):
    assert through_middleware(rf.get(path))[0] == "check"


@pytest.mark.parametrize(
    "path", ["/admin/", "/admin/workshops/workshopcycle/1/change/", "/en/admin/desk/"]
)
def test_staff_screens_read_the_primary(path):
    assert through_middleware(rf.get(path), Clerk())[0] == PRIMARY


def test_a_post_reads_the_primary_and_pins_the_clerk(settings):
    settings.DATABASE_REPLICA_PIN_SECONDS = 20
    seen, response = through_middleware(rf.post("/admin/x/"), Clerk())
    assert seen == PRIMARY
    cookie = response.cookies[dbrouting.PIN_COOKIE]
    assert cookie["max-age"] == 20
    assert cookie["httponly"]
    # The clerk's next page, a public one, reads the primary too.
    request = rf.get("/powiaty/plocki/")
    request.COOKIES[dbrouting.PIN_COOKIE] = cookie.value
    assert through_middleware(request, Clerk())[0] == PRIMARY
    assert dbrouting.PIN_COOKIE not in through_middleware(request, Clerk())[1].cookies


def test_an_anonymous_post_sets_no_cookie():
    seen, response = through_middleware(rf.post("/certyfikaty/"))
    assert seen == PRIMARY
    assert dbrouting.PIN_COOKIE not in response.cookies


@pytest.mark.parametrize("value", ["expired", "forged", "garbage"])
def test_an_expired_or_forged_pin_is_ignored(value):
    request = rf.get("/")
    if value == "expired":
        response = HttpResponse()
        expired = str(time.time() - 1)
        response.set_signed_cookie(dbrouting.PIN_COOKIE, expired, salt=dbrouting.PIN_SALT)
        request.COOKIES[dbrouting.PIN_COOKIE] = response.cookies[dbrouting.PIN_COOKIE].value
    elif value == "forged":
        request.COOKIES[dbrouting.PIN_COOKIE] = f"{time.time() + 60}:forgedsignature"
    else:
        request.COOKIES[dbrouting.PIN_COOKIE] = "\x00;;"
    assert through_middleware(request)[0] == "check"
