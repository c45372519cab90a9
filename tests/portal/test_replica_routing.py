"""Reads from a real PostgreSQL streaming replica (``partnership.dbrouting``).

The ``replica_pair`` fixture starts, once per test session, two PostgreSQL servers of
its own from the binaries of the installed PostgreSQL (``/usr/lib/postgresql/<version>``):
a primary made by ``initdb`` and its streaming replica made by ``pg_basebackup -R``, on
free ports, in a temporary directory (in ``/dev/shm`` when it has room), as the
``postgres`` user when the tests run as root (these tools refuse to run as root). It
needs no running server and changes none: the CI's server on 5432 takes no replication
connections (its ``pg_hba.conf``) and holds every other database of the machine, which a
base backup would copy. The portal's migrations and the Mazovian records go into the
primary and stream to the replica; the migrations take most of the fixture's time.

The test then points the portal's ``default`` and ``replica`` aliases at the pair, with
the router and the middleware on as ``DATABASE_REPLICA_URL`` turns them on, and follows a
visitor and a clerk through a replica that is made to lag (``pg_wal_replay_pause()``).
It runs the same on the SQLite and on the PostgreSQL suite.
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import dj_database_url
import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.core.management import call_command
from django.db import connections
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from partnership import dbrouting
from tests.conftest import county_staff_user, verified_login
from tests.factories import CoordinatorFactory
from tests.htmlforms import admin_change_form
from tests.records import LOSICE_2017, PLOCK_2017
from workshops.models import WorkshopCycle

DATABASE = "portal"


def _bin_dir() -> Path:
    found = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), key=lambda p: int(p.split("/")[4])
    )
    assert found, "PostgreSQL's server binaries (/usr/lib/postgresql/<version>/bin) are needed"
    return Path(found[-1]).parent


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class ReplicaPair:
    """A primary and its streaming replica in ``root``, started and stopped by pg_ctl."""

    def __init__(self, root: Path):
        self.root = root
        self.bin = _bin_dir()
        self.as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        self.primary_port = self.replica_port = _free_port()
        while self.replica_port == self.primary_port:
            self.replica_port = _free_port()

    def run(self, tool: str, *args: str) -> None:
        command = [*self.as_postgres, str(self.bin / tool), *args]
        result = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
        assert result.returncode == 0, f"{tool}: {result.stdout}{result.stderr}"

    def start(self, name: str, port: int) -> None:
        options = (
            f"-c port={port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={self.root}"
            " -c fsync=off -c full_page_writes=off -c wal_level=replica -c max_wal_senders=4"
        )
        log = str(self.root / f"{name}.log")
        self.run("pg_ctl", "-D", str(self.root / name), "-o", options, "-l", log, "-w", "start")

    def up(self) -> None:
        primary, replica = str(self.root / "primary"), str(self.root / "replica")
        server = ["-h", "127.0.0.1", "-p", str(self.primary_port), "-U", "postgres"]
        self.run("initdb", "-D", primary, "-U", "postgres", "-A", "trust", "--no-sync",
                 "-E", "UTF8", "--locale=C.UTF-8")  # fmt: skip
        self.start("primary", self.primary_port)
        self.run("createdb", *server, DATABASE)
        self.run("pg_basebackup", *server, "-D", replica, "-R", "-X", "stream",
                 "--no-sync", "--checkpoint=fast")  # fmt: skip
        self.start("replica", self.replica_port)

    def down(self) -> None:
        for name in ("replica", "primary"):
            if (self.root / name / "postmaster.pid").exists():
                self.run("pg_ctl", "-D", str(self.root / name), "-m", "fast", "stop")

    def url(self, port: int) -> str:
        return f"postgres://postgres@127.0.0.1:{port}/{DATABASE}"


@contextlib.contextmanager
def portal_on(pair: ReplicaPair):
    """The ``default`` alias on the pair's primary and ``replica`` on its replica, as
    ``DATABASE_URL`` and ``DATABASE_REPLICA_URL`` would set them; the suite's own test
    database (its connection kept open: an in-memory SQLite one must not close) after."""
    conf = connections.configure_settings(
        {
            dbrouting.PRIMARY: dj_database_url.parse(pair.url(pair.primary_port)),
            dbrouting.REPLICA: dj_database_url.parse(pair.url(pair.replica_port)),
        }
    )
    suite_default = connections[dbrouting.PRIMARY]
    suite_settings = connections.settings[dbrouting.PRIMARY]
    connections.settings.update(conf)
    del connections[dbrouting.PRIMARY]
    ContentType.objects.clear_cache()
    try:
        yield
    finally:
        for alias in (dbrouting.PRIMARY, dbrouting.REPLICA):
            connections[alias].close()
            del connections[alias]
        del connections.settings[dbrouting.REPLICA]
        connections.settings[dbrouting.PRIMARY] = suite_settings
        connections[dbrouting.PRIMARY] = suite_default
        ContentType.objects.clear_cache()


def wal_position(alias: str, function: str) -> int:
    with connections[alias].cursor() as cursor:
        cursor.execute(f"SELECT {function}()::text")  # noqa: S608
        return dbrouting.lsn_value(cursor.fetchone()[0])


def replica_caught_up(timeout: float = 10.0) -> None:
    target = wal_position(dbrouting.PRIMARY, "pg_current_wal_lsn")
    deadline = time.monotonic() + timeout
    while wal_position(dbrouting.REPLICA, "pg_last_wal_replay_lsn") < target:
        assert time.monotonic() < deadline, "the replica did not catch up"
        time.sleep(0.05)


def on_replica(sql: str, *params):
    with connections[dbrouting.REPLICA].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0] if cursor.description else None


@pytest.fixture(scope="session")
def replica_pair(django_db_blocker):
    """A primary and its streaming replica holding the migrated portal and its records."""
    # In memory when there is room: quicker to fill and to remove (mkdtemp: our own).
    shm = Path("/dev/shm")  # noqa: S108
    room = shm.is_dir() and shutil.disk_usage(shm).free > 2**30
    root = Path(tempfile.mkdtemp(prefix="portal-replica-", dir=shm if room else None))
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
    pair = ReplicaPair(root)
    try:
        pair.up()
        with django_db_blocker.unblock(), portal_on(pair):
            call_command("migrate", verbosity=0, skip_checks=True)
            call_command("loadrecords", verbosity=0)
            replica_caught_up()
        yield pair
    finally:
        pair.down()
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def on_the_pair(replica_pair, django_db_blocker, settings):
    """The portal as with ``DATABASE_REPLICA_URL`` set, on the pair."""
    middleware = list(settings.MIDDLEWARE)
    after = middleware.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1
    middleware.insert(after, "partnership.dbrouting.ReadRoutingMiddleware")
    settings.MIDDLEWARE = middleware
    settings.DATABASE_ROUTERS = ["partnership.dbrouting.PrimaryReplicaRouter"]
    with django_db_blocker.unblock(), portal_on(replica_pair):
        yield replica_pair
        on_replica("SELECT pg_wal_replay_resume()")


def page(client, slug) -> tuple[str, int, int]:
    """A cycle's page: its text and the queries it cost on the primary and the replica."""
    address = reverse("workshops:cycle_detail", args=[slug])
    with (
        CaptureQueriesContext(connections[dbrouting.PRIMARY]) as primary,
        CaptureQueriesContext(connections[dbrouting.REPLICA]) as replica,
    ):
        response = client.get(address)
    assert response.status_code == 200
    return response.content.decode(), len(primary), len(replica)


def test_a_coordinators_report_reads_the_replica(on_the_pair):
    coordinator = verified_login(Client(), CoordinatorFactory())
    replica_caught_up()
    with (
        CaptureQueriesContext(connections[dbrouting.PRIMARY]) as primary,
        CaptureQueriesContext(connections[dbrouting.REPLICA]) as replica,
    ):
        assert coordinator.get(reverse("reports:overview")).status_code == 200
    assert len(replica) > 3  # the report's figures
    # The primary: the session, the user, their second factor and role, no record.
    tables = {"programmes_", "workshops_", "projects_"}
    assert [q["sql"] for q in primary if any(t in q["sql"] for t in tables)] == []
    assert any("django_session" in q["sql"] for q in primary)


def test_visitors_read_the_replica_and_a_clerk_reads_their_own_write(on_the_pair):
    visitor, clerk = Client(), Client()
    clerk.force_login(county_staff_user(f"replika.{time.monotonic_ns()}"))
    cycle = WorkshopCycle.objects.get(slug=PLOCK_2017)
    replica_caught_up()

    # A public page reads from the replica only (the lag check included).
    text, on_primary, on_replica_count = page(visitor, LOSICE_2017)
    assert (on_primary, on_replica_count > 3) == (0, True)

    # The replica stops replaying: what the primary commits now, it does not show.
    on_replica("SELECT pg_wal_replay_pause()")
    title = f"Tytuł zapisany przy wstrzymanej replice {time.monotonic_ns()}"
    address, form = admin_change_form(clerk, cycle)
    form["title"] = title
    with CaptureQueriesContext(connections[dbrouting.REPLICA]) as replica_queries:
        response = clerk.post(address, form.data())
    assert response.status_code == 302
    assert len(replica_queries) == 0  # the staff screen and the save: the primary only
    assert dbrouting.PIN_COOKIE in response.cookies
    assert on_replica("SELECT title FROM workshops_workshopcycle WHERE id = %s", cycle.pk) != title

    # The clerk's next page shows the write: their requests are pinned to the primary.
    text, on_primary, on_replica_count = page(clerk, PLOCK_2017)
    assert title in text
    assert on_replica_count == 0

    # A visitor too: the write changed public data, and the replica has not replayed it
    # yet, so the page is built from the primary (and cached so, under the new version).
    text, on_primary, on_replica_count = page(visitor, PLOCK_2017)
    assert title in text
    assert on_replica_count == 1  # the lag check, no more

    # A write that does not go through the portal's services reaches no mark: a visitor
    # then sees the lagging replica, the clerk (pinned by their save) the primary.
    WorkshopCycle.objects.filter(pk=cycle.pk).update(title=title + " (2)")
    cache.clear()
    assert title + " (2)" not in page(visitor, PLOCK_2017)[0]
    assert title + " (2)" in page(clerk, PLOCK_2017)[0]

    # Replay resumes: visitors read the replica again, and it has the data.
    on_replica("SELECT pg_wal_replay_resume()")
    replica_caught_up()
    cache.clear()
    text, on_primary, on_replica_count = page(visitor, PLOCK_2017)
    assert title + " (2)" in text
    assert (on_primary, on_replica_count > 3) == (0, True)
