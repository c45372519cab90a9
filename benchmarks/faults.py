"""Fault scenarios: the portal under gunicorn meets a failure; each prints PASS or FAIL.

    .venv/bin/python benchmarks/faults.py pg-restart    # PostgreSQL restarted mid-load
    .venv/bin/python benchmarks/faults.py kill-import   # a worker SIGKILLed during an import
    .venv/bin/python benchmarks/faults.py disk-full     # the upload temp disk is full
    .venv/bin/python benchmarks/faults.py all

Everything runs on 127.0.0.1 and tears itself down. The portal's database is a throwaway
PostgreSQL 15 cluster of the script's own (``initdb`` into a temporary directory, run as
the ``postgres`` user, port ``--pg-port``, default 55432), never the shared server, so
restarting it disturbs no one. gunicorn uses ``gunicorn.conf.py`` on a port in 8200-8299.

* **pg-restart**: ``--clients`` clients (default 32) load public pages for ``--duration``
  seconds (default 20); half the requests are catalogue searches no cache can answer, so
  they reach the database. At ``--restart-at`` seconds (default 7) the cluster is
  restarted with ``pg_ctl restart -m fast``. Every response is recorded with its time and
  status. PASS when every error falls inside the restart window (plus ``--margin``
  seconds), every error is a 503 with ``Retry-After`` (never a 500 or a dropped
  connection), and after the window the portal answers 200 again, with the same gunicorn
  master and workers (no restart).
* **kill-import**: a county employee logs in once, uploads a 10,000-row attendee list and
  confirms it, and while the confirming request runs the worker process serving it (found
  through the connection's socket in ``/proc``) is killed with SIGKILL, at several delays
  spread over the time a confirmation takes. After each kill the cycle must hold either
  none or all of the rows (attendees and attendance marks), no database session may be
  left in a transaction, and confirming again must import everything exactly once.
* **disk-full**: ``FILE_UPLOAD_TEMP_DIR`` and ``MEDIA_ROOT`` point to a 1 MB tmpfs
  (a loop-mounted ext2 image if tmpfs cannot be mounted). Uploads larger than
  ``FILE_UPLOAD_MAX_MEMORY_SIZE`` (5 MB) are spooled there: one upload with the disk
  nearly full (it fails part-way) and one with it completely full must get the import
  screen with a clear message (never a 500, within 10 s) and leave no file behind; an
  ordinary list (kept in memory) must still be previewed.

Exit status 0 when every scenario run passed.
"""

from __future__ import annotations

import argparse
import csv
import errno
import html
import http.client
import io
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import quote, urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))

from load_test import (  # noqa: E402
    RESULTS,
    ROOT,
    Portal,
    manage,
    portal_env,
    prepare_portal_database,
    public_paths,
    request,
    run_load,
)

PG_BIN = Path("/usr/lib/postgresql/15/bin")
STAFF_USER = "ops.plock"
STAFF_PASSWORD = "ops-fault-Plock-2026"  # noqa: S105 - a throwaway account in a throwaway cluster
COUNTY_CODE = "1419"  # powiat płocki: has a workshop cycle with sessions in the records


# -- A throwaway PostgreSQL cluster -------------------------------------------------------


def as_postgres(*command: str, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 - fixed PostgreSQL binaries
        ["runuser", "-u", "postgres", "--", *command],  # noqa: S607
        check=check,
        text=True,
        capture_output=True,
    )


class Cluster:
    """``initdb`` into a temporary directory, served on 127.0.0.1:<port> only."""

    def __init__(self, port: int):
        self.port = port
        self.dir = Path(tempfile.mkdtemp(prefix="ops-pg-"))
        self.data = self.dir / "data"
        self.log = self.dir / "postgres.log"
        shutil.chown(self.dir, "postgres", "postgres")
        self.dir.chmod(0o700)

    def url(self, name: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{name}"

    def _ctl(self, *args: str) -> subprocess.CompletedProcess:
        options = f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1"
        return as_postgres(
            str(PG_BIN / "pg_ctl"),
            "-D",
            str(self.data),
            "-l",
            str(self.log),
            "-w",
            "-t",
            "60",
            "-o",
            options,
            *args,
        )

    def start(self) -> Cluster:
        as_postgres(
            str(PG_BIN / "initdb"),
            "-D",
            str(self.data),
            "-U",
            "postgres",
            "-A",
            "trust",
            "-E",
            "UTF8",
            "--locale",
            "C.UTF-8",
        )
        self._ctl("start")
        return self

    def restart(self) -> None:
        self._ctl("restart", "-m", "fast")

    def stop(self) -> None:
        if self.data.exists():
            as_postgres(
                str(PG_BIN / "pg_ctl"),
                "-D",
                str(self.data),
                "-w",
                "-m",
                "fast",
                "stop",
                check=False,
            )
        shutil.rmtree(self.dir, ignore_errors=True)

    def sql(self, database: str, query: str, params=()) -> list[tuple]:
        import psycopg

        with psycopg.connect(self.url(database), autocommit=True) as connection:
            cursor = connection.execute(query, params)
            return cursor.fetchall() if cursor.description else []

    def create_portal(self, name: str, **env) -> dict[str, str]:
        self.sql("postgres", f'CREATE DATABASE "{name}"')
        portal = portal_env(self.url(name), **env)
        prepare_portal_database(portal)
        return portal


# -- A browser-like client with cookies ---------------------------------------------------


class Browser:
    """Cookies, CSRF tokens and forms over ``http.client``; no redirects followed."""

    def __init__(self, base: str):
        self.base = base
        self.cookies: dict[str, str] = {}

    def _headers(self, extra: dict | None = None) -> dict[str, str]:
        headers = {"Accept-Language": "en", "Referer": self.base + "/"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        headers.update(extra or {})
        return headers

    def _remember(self, headers) -> None:
        for value in headers.get_all("Set-Cookie") or []:
            cookie = SimpleCookie()
            cookie.load(value)
            for name, morsel in cookie.items():
                self.cookies[name] = morsel.value

    def get(self, path: str):
        status, headers, body = request(self.base, path, headers=self._headers(), timeout=120)
        self._remember(headers)
        return status, headers, body.decode("utf-8", "replace")

    def post(self, path: str, fields: dict, *, files: dict | None = None, timeout=120):
        body, content_type = self.encode(fields, files)
        status, headers, raw = request(
            self.base,
            path,
            method="POST",
            body=body,
            headers=self._headers({"Content-Type": content_type}),
            timeout=timeout,
        )
        self._remember(headers)
        return status, headers, raw.decode("utf-8", "replace")

    def encode(self, fields: dict, files: dict | None = None) -> tuple[bytes, str]:
        fields = {"csrfmiddlewaretoken": self.cookies.get("csrftoken", ""), **fields}
        if not files:
            return urlencode(fields).encode(), "application/x-www-form-urlencoded"
        boundary = uuid.uuid4().hex
        parts = []
        for name, value in fields.items():
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
                f"{value}\r\n".encode()
            )
        for name, (filename, content) in files.items():
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                f'filename="{filename}"\r\nContent-Type: text/csv\r\n\r\n'.encode()
                + content
                + b"\r\n"
            )
        parts.append(f"--{boundary}--\r\n".encode())
        return b"".join(parts), f"multipart/form-data; boundary={boundary}"

    def login(self, username: str, password: str) -> None:
        self.get("/en/admin/login/")
        status, headers, _body = self.post(
            "/en/admin/login/",
            {"username": username, "password": password, "next": "/en/admin/"},
        )
        if status != 302 or "sessionid" not in self.cookies:
            raise RuntimeError(f"login failed: {status}")


# -- Shared set-up --------------------------------------------------------------------------

STAFF_SCRIPT = f"""
import json
from django.contrib.auth.models import Group, User
from accounts.models import StaffProfile
from accounts.roles import COUNTY_STAFF, GROUP_NAMES
from programmes.models import County
from workshops.models import WorkshopCycle
user, created = User.objects.get_or_create(username="{STAFF_USER}", defaults={{"is_staff": True}})
user.set_password("{STAFF_PASSWORD}")
user.save()
user.groups.add(Group.objects.get(name=GROUP_NAMES[COUNTY_STAFF]))
profile, _ = StaffProfile.objects.get_or_create(user=user)
profile.counties.set(County.objects.filter(code="{COUNTY_CODE}"))
cycle = (WorkshopCycle.objects.filter(county__code="{COUNTY_CODE}", sessions__isnull=False)
         .distinct().order_by("pk").first())
print(json.dumps({{"cycle": cycle.pk,
                  "ordinals": sorted(cycle.sessions.values_list("ordinal", flat=True))}}))
"""


def staff_and_cycle(env: dict[str, str]) -> tuple[int, list[int]]:
    output = manage(env, "shell", "-c", STAFF_SCRIPT, capture=True)
    data = json.loads(output.strip().splitlines()[-1])
    return data["cycle"], data["ordinals"]


def attendee_csv(rows: int, ordinals: list[int], *, pad: int = 0) -> bytes:
    """An attendee list; ``pad`` adds that many characters of organisation name per row."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["Imię i nazwisko", "Organizacja", "Sektor", "E-mail", "Telefon", "Sesje"])
    for n in range(rows):
        sessions = ", ".join(str(o) for o in ordinals[: 1 + n % len(ordinals)])
        writer.writerow(
            [
                f"Uczestnik Łęcki {n:05d}",
                "Gmina Słupno" + "x" * pad,
                "",
                f"osoba{n}@example.org",
                "",
                sessions,
            ]
        )
    return buffer.getvalue().encode("utf-8")


def expected_marks(rows: int, ordinals: list[int]) -> int:
    return sum(1 + n % len(ordinals) for n in range(rows))


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


# -- a. PostgreSQL restarted mid-load -----------------------------------------------------


def scenario_pg_restart(cluster: Cluster, args) -> bool:
    print("\n== pg-restart: PostgreSQL restarted mid-load")
    env = cluster.create_portal("fault_restart")
    paths = public_paths(env)
    catalogue = next(path for label, path in paths if label == "catalogue")
    words = ["gmina", "turystyka", "szkoła", "rozwój", "przedsiębiorczość", "drogi"]
    # Half the rotation: searches with a fresh query string, so no cache can answer them.
    fresh = [
        (f"search (uncached) {w}", f"{catalogue}?scope=all&q={quote(w)}&n={{n}}") for w in words
    ]
    rotation = [item for pair in zip(paths, fresh * 10, strict=False) for item in pair]
    window: dict[str, float] = {}

    with Portal(env, workers=args.workers) as portal:
        for _label, path in paths:
            request(portal.base, path)
        workers_before = sorted(portal.worker_pids())

        def restart():
            window["begin"] = time.monotonic() - started[0]
            cluster.restart()
            window["end"] = time.monotonic() - started[0]

        started = [0.0]
        restarter = threading.Thread(target=restart, daemon=True)

        def on_tick(elapsed: float) -> None:
            if not started[0]:
                started[0] = time.monotonic() - elapsed  # the load's time zero
            if elapsed >= args.restart_at and restarter.ident is None:
                restarter.start()

        result = run_load(
            portal.base, rotation, clients=args.clients, duration=args.duration, on_tick=on_tick
        )
        restarter.join(60)
        workers_after = sorted(portal.worker_pids())
        master_alive = portal.process.poll() is None

    begin, end = window["begin"], window["end"]
    margin = args.margin
    errors = result.non_2xx
    outside = [s for s in errors if s.end < begin or s.start > end + margin]
    statuses: dict = {}
    for sample in errors:
        statuses[sample.status or sample.error] = statuses.get(sample.status or sample.error, 0) + 1
    not_503 = [s for s in errors if s.status != 503]
    no_retry_after = [s for s in errors if s.status == 503 and not s.retry_after]
    after = [s for s in result.samples if s.start > end + margin]
    after_ok = [s for s in after if s.status == 200]
    last_error_end = max((s.end for s in errors), default=None)
    passed = (
        not outside
        and not not_503
        and not no_retry_after
        and after
        and len(after_ok) == len(after)
        and workers_before == workers_after
        and master_alive
    )
    print(
        f"requests: {result.total}; restart window {begin:.2f}–{end:.2f} s "
        f"({end - begin:.2f} s), margin {margin:g} s"
    )
    print(
        f"errors: {len(errors)} {statuses}; outside the window: {len(outside)}; "
        f"not 503: {len(not_503)}; 503 without Retry-After: {len(no_retry_after)}"
    )
    if last_error_end is not None:
        print(
            f"last error ended at {last_error_end:.2f} s "
            f"({last_error_end - end:+.2f} s after the restart ended)"
        )
    print(
        f"after the window: {len(after_ok)}/{len(after)} responses 200; gunicorn workers "
        f"{'unchanged' if workers_before == workers_after else 'CHANGED'} "
        f"({len(workers_after)}), master {'running' if master_alive else 'GONE'}"
    )
    print(f"pg-restart: {verdict(passed)}")
    record(
        "pg-restart",
        passed,
        {
            "requests": result.total,
            "window_s": [round(begin, 2), round(end, 2)],
            "errors": statuses,
            "outside_window": len(outside),
            "after_window_200": len(after_ok),
            "after_window": len(after),
        },
    )
    return passed


# -- b. A worker killed during an import ----------------------------------------------------


def _preview(browser: Browser, import_path: str, content: bytes) -> str:
    status, _headers, body = browser.post(
        import_path, {}, files={"file": ("lista.csv", content)}, timeout=300
    )
    match = re.search(r'name="token" value="([^"]+)"', body)
    if status != 200 or not match:
        raise RuntimeError(f"no preview (status {status})")
    return html.unescape(match.group(1))


def _socket_owner(portal: Portal, client_port: int, timeout: float = 5) -> int | None:
    """The worker pid whose socket is connected to our ``client_port``."""
    local = f"0100007F:{portal.port:04X}"
    remote = f"0100007F:{client_port:04X}"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        inode = None
        for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
            fields = line.split()
            if fields[1] == local and fields[2] == remote:
                inode = fields[9]
        if inode and inode != "0":
            for pid in portal.worker_pids():
                try:
                    for fd in os.listdir(f"/proc/{pid}/fd"):
                        if os.readlink(f"/proc/{pid}/fd/{fd}") == f"socket:[{inode}]":
                            return pid
                except OSError:
                    continue
        time.sleep(0.005)
    return None


def _counts(cluster: Cluster, database: str, cycle: int) -> tuple[int, int]:
    attendees = cluster.sql(
        database, "SELECT count(*) FROM workshops_attendee WHERE cycle_id = %s", [cycle]
    )[0][0]
    marks = cluster.sql(
        database,
        "SELECT count(*) FROM workshops_attendance a JOIN "
        "workshops_attendee p ON p.id = a.attendee_id "
        "WHERE p.cycle_id = %s",
        [cycle],
    )[0][0]
    return attendees, marks


def _in_transaction(cluster: Cluster, database: str) -> int:
    return cluster.sql(
        database,
        "SELECT count(*) FROM pg_stat_activity WHERE datname = %s "
        "AND state LIKE 'idle in transaction%%'",
        [database],
    )[0][0]


def _empty_cycle(cluster: Cluster, database: str, cycle: int) -> None:
    cluster.sql(
        database,
        "DELETE FROM workshops_attendance WHERE attendee_id IN "
        "(SELECT id FROM workshops_attendee WHERE cycle_id = %s)",
        [cycle],
    )
    cluster.sql(database, "DELETE FROM workshops_attendee WHERE cycle_id = %s", [cycle])


def _writing_backend(cluster: Cluster, database: str) -> int | None:
    """The PostgreSQL backend of ``database`` whose transaction has written something."""
    rows = cluster.sql(
        database,
        "SELECT pid FROM pg_stat_activity WHERE datname = %s AND backend_xid IS NOT NULL "
        "AND pid <> pg_backend_pid()",
        [database],
    )
    return rows[0][0] if rows else None


def _confirm(
    browser: Browser,
    portal: Portal,
    path: str,
    token: str,
    kill=None,
    *,
    cluster: Cluster | None = None,
    database: str = "",
):
    """POST the confirmation; ``kill`` = ("after", s) SIGKILLs the worker serving it s
    seconds after the request was sent, ("writing", s) s seconds after its database
    transaction first wrote a row.

    Returns (status or exception name, seconds, killed pid or None, whether the
    transaction was writing when the worker was killed, when the writing began).
    """
    body, content_type = browser.encode(
        {"token": token, "consent_note": "Zgoda na liście obecności"}
    )
    connection = http.client.HTTPConnection("127.0.0.1", portal.port, timeout=300)
    started = time.monotonic()
    connection.request(
        "POST", path, body=body, headers=browser._headers({"Content-Type": content_type})
    )
    killed = writing_at = None
    writing = False
    if kill is not None:
        how, delay = kill
        pid = _socket_owner(portal, connection.sock.getsockname()[1])
        if how == "writing":
            deadline = time.monotonic() + 120
            while _writing_backend(cluster, database) is None and time.monotonic() < deadline:
                time.sleep(0.02)
            writing_at = time.monotonic() - started
            time.sleep(delay)
        else:
            time.sleep(max(0.0, delay - (time.monotonic() - started)))
        if pid is not None:
            writing = _writing_backend(cluster, database) is not None
            os.kill(pid, signal.SIGKILL)
            killed = pid
    try:
        response = connection.getresponse()
        response.read()
        browser._remember(response.headers)
        outcome = response.status
    except (OSError, http.client.HTTPException) as error:
        outcome = type(error).__name__
    finally:
        connection.close()
    return outcome, time.monotonic() - started, killed, writing, writing_at


def scenario_kill_import(cluster: Cluster, args) -> bool:
    print("\n== kill-import: a worker SIGKILLed while it confirms a 10,000-row import")
    database = "fault_import"
    env = cluster.create_portal(database)
    cycle, ordinals = staff_and_cycle(env)
    rows = args.rows
    content = attendee_csv(rows, ordinals)
    marks = expected_marks(rows, ordinals)
    _empty_cycle(cluster, database, cycle)
    path = f"/en/admin/workshops/workshopcycle/{cycle}/import/"
    confirm_path = f"{path}confirm/"
    print(
        f"cycle {cycle} (sessions {ordinals}); list of {rows} rows, {len(content):,} bytes, "
        f"{marks} attendance marks"
    )
    attempts = []
    with Portal(env, workers=2) as portal:
        browser = Browser(portal.base)
        browser.login(STAFF_USER, STAFF_PASSWORD)  # once: django-axes counts failures
        browser.get(path)

        token = _preview(browser, path, content)
        outcome, seconds, *_ = _confirm(browser, portal, confirm_path, token)
        calibrated = _counts(cluster, database, cycle)
        print(f"uninterrupted confirmation: {outcome} in {seconds:.2f} s → {calibrated}")
        calibration_ok = outcome == 302 and calibrated == (rows, marks)
        _empty_cycle(cluster, database, cycle)

        kills = [("after", fraction * seconds) for fraction in args.kill_at]
        kills += [("writing", delay) for delay in args.kill_writing]
        for kill in kills:
            token = _preview(browser, path, content)
            outcome, took, killed, writing, writing_at = _confirm(
                browser, portal, confirm_path, token, kill, cluster=cluster, database=database
            )
            time.sleep(0.5)  # PostgreSQL notices the dead client and rolls back
            after_kill = _counts(cluster, database, cycle)
            state = {(0, 0): "none", (rows, marks): "all"}.get(after_kill, "PARTIAL")
            open_transactions = _in_transaction(cluster, database)
            # Confirm again with the same preview (kept on the server unless the import
            # committed, which uses it up): all, exactly once.
            retry, retry_s, *_ = _confirm(browser, portal, confirm_path, token)
            after_retry = _counts(cluster, database, cycle)
            during = not isinstance(outcome, int)  # the worker died before it answered
            ok = (
                killed is not None
                and state != "PARTIAL"
                and open_transactions == 0
                and after_retry == (rows, marks)
                and retry in (200, 302)
            )
            when = (
                f"{kill[1]:.2f} s after its transaction began writing (at {writing_at:.2f} s)"
                if kill[0] == "writing"
                else f"{kill[1]:.2f} s after the request"
            )
            attempts.append(
                {
                    "kill": when,
                    "killed_pid": killed,
                    "transaction_writing_at_kill": writing,
                    "response": outcome,
                    "killed_before_response": during,
                    "rows_after_kill": after_kill,
                    "state": state,
                    "open_transactions": open_transactions,
                    "retry": retry,
                    "rows_after_retry": after_retry,
                    "ok": ok,
                }
            )
            print(
                f"kill {when} (pid {killed}, write transaction open: {'yes' if writing else 'no'}):"
                f" response {outcome}; cycle holds {after_kill[0]} attendees / {after_kill[1]}"
                f" marks → {state}; open transactions {open_transactions}; retry {retry} in "
                f"{retry_s:.2f} s → {after_retry[0]} / {after_retry[1]} "
                f"{'ok' if ok else 'WRONG'}"
            )
            _empty_cycle(cluster, database, cycle)
    mid_write = sum(
        1 for a in attempts if a["transaction_writing_at_kill"] and a["killed_before_response"]
    )
    passed = calibration_ok and mid_write > 0 and all(a["ok"] for a in attempts)
    states = [a["state"] for a in attempts]
    print(
        f"kill-import: {verdict(passed)} ({len(attempts)} kills, {mid_write} of them with a "
        f"write transaction open; {states.count('none')} × none, "
        f"{states.count('all')} × all, {states.count('PARTIAL')} × partial)"
    )
    record(
        "kill-import",
        passed,
        {"rows": rows, "marks": marks, "confirm_s": round(seconds, 2), "attempts": attempts},
    )
    return passed


# -- c. The upload temp disk is full --------------------------------------------------------


def _small_filesystem(size_kb: int) -> tuple[Path, str, Path | None]:
    """A ``size_kb`` file system: tmpfs, else a loop-mounted ext2 image. (dir, kind, image)"""
    mount = Path(tempfile.mkdtemp(prefix="ops-full-"))
    tried = subprocess.run(  # noqa: S603
        ["mount", "-t", "tmpfs", "-o", f"size={size_kb}k,mode=1777", "tmpfs", str(mount)],  # noqa: S607
        capture_output=True,
        text=True,
        check=False,
    )
    if tried.returncode == 0:
        return mount, "tmpfs", None
    image = Path(tempfile.mkstemp(prefix="ops-full-", suffix=".img")[1])
    with open(image, "wb") as handle:
        handle.truncate(size_kb * 1024)
    subprocess.run(["mkfs.ext2", "-q", "-F", str(image)], check=True)  # noqa: S603, S607
    subprocess.run(["mount", "-o", "loop", str(image), str(mount)], check=True)  # noqa: S603, S607
    mount.chmod(0o1777)
    return mount, "loop-mounted ext2", image


def _fill(directory: Path, leave_bytes: int) -> None:
    """Fill the file system, leaving about ``leave_bytes`` free."""
    filler = directory / "filler"
    with open(filler, "ab") as handle:
        free = shutil.disk_usage(directory).free - leave_bytes
        try:
            while free > 0:
                chunk = min(free, 64 * 1024)
                handle.write(b"\0" * chunk)
                handle.flush()
                free -= chunk
        except OSError as error:
            if error.errno != errno.ENOSPC:
                raise


def scenario_disk_full(cluster: Cluster, args) -> bool:
    print("\n== disk-full: the upload temp disk and MEDIA_ROOT are full")
    mount, kind, image = _small_filesystem(1024)
    print(f"a {kind} of 1 MB at {mount}")
    checks = []
    try:
        env = cluster.create_portal(
            "fault_disk", FILE_UPLOAD_TEMP_DIR=str(mount), MEDIA_ROOT=str(mount / "media")
        )
        cycle, ordinals = staff_and_cycle(env)
        path = f"/en/admin/workshops/workshopcycle/{cycle}/import/"
        big = attendee_csv(9000, ordinals, pad=640)  # about 6.5 MB: spooled to disk
        small = attendee_csv(200, ordinals)
        with Portal(env, workers=2) as portal:
            browser = Browser(portal.base)
            browser.login(STAFF_USER, STAFF_PASSWORD)
            browser.get(path)
            for title, leave, content in (
                ("nearly full (512 KB free), 6.5 MB list", 512 * 1024, big),
                ("full, 6.5 MB list", 0, big),
                ("full, ordinary 200-row list (in memory)", 0, small),
            ):
                _fill(mount, leave)
                before = set(os.listdir(mount))
                started = time.monotonic()
                try:
                    status, _headers, body = browser.post(
                        path, {}, files={"file": ("lista.csv", content)}, timeout=30
                    )
                except (OSError, http.client.HTTPException) as error:
                    status, body = type(error).__name__, ""
                took = time.monotonic() - started
                leftovers = sorted(set(os.listdir(mount)) - before)
                errors = re.findall(r'<li class="error">(.*?)</li>', body, re.S)
                previewed = 'name="token"' in body
                if content is small:
                    ok = status == 200 and previewed and not leftovers and took < 10
                else:
                    ok = status == 200 and bool(errors) and not leftovers and took < 10
                shown = (
                    html.unescape(errors[0]).strip()
                    if errors
                    else ("preview shown" if previewed else "no message")
                )
                print(
                    f"{title}: {status} in {took:.2f} s; {shown!r}; "
                    f"left behind: {leftovers or 'nothing'} → {verdict(ok)}"
                )
                checks.append(
                    {
                        "case": title,
                        "status": status,
                        "seconds": round(took, 2),
                        "message": shown,
                        "leftovers": leftovers,
                        "ok": ok,
                    }
                )
                (mount / "filler").unlink(missing_ok=True)
            log_text = portal.log_path.read_text()
    finally:
        subprocess.run(["umount", str(mount)], check=False)  # noqa: S603, S607
        mount.rmdir()
        if image is not None:
            image.unlink()
    tracebacks = log_text.count("Traceback")
    passed = all(c["ok"] for c in checks)
    print(f"tracebacks in the gunicorn log: {tracebacks}")
    print(f"disk-full: {verdict(passed)}")
    record("disk-full", passed, {"filesystem": kind, "checks": checks})
    return passed


# -- Running them ---------------------------------------------------------------------------


def record(name: str, passed: bool, figures: dict) -> None:
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"fault-{name}.json"
    out.write_text(
        json.dumps({"scenario": name, "passed": passed, **figures}, indent=2, default=str)
    )


SCENARIOS = {
    "pg-restart": scenario_pg_restart,
    "kill-import": scenario_kill_import,
    "disk-full": scenario_disk_full,
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("scenario", choices=[*SCENARIOS, "all"])
    parser.add_argument("--pg-port", type=int, default=55432)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--duration", type=float, default=20.0)
    parser.add_argument("--restart-at", type=float, default=7.0)
    parser.add_argument(
        "--margin",
        type=float,
        default=1.0,
        help="seconds after the restart in which errors still count as inside",
    )
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument(
        "--kill-at",
        type=float,
        nargs="+",
        default=[0.05, 0.3, 0.9],
        help="fractions of an uninterrupted confirmation's time",
    )
    parser.add_argument(
        "--kill-writing",
        type=float,
        nargs="+",
        default=[0.0, 0.5, 1.5],
        help="seconds after the import's transaction first wrote a row",
    )
    args = parser.parse_args()

    names = list(SCENARIOS) if args.scenario == "all" else [args.scenario]
    cluster = Cluster(args.pg_port).start()
    print(f"throwaway PostgreSQL cluster on 127.0.0.1:{args.pg_port} in {cluster.dir}")
    results = {}
    try:
        for name in names:
            results[name] = SCENARIOS[name](cluster, args)
    finally:
        cluster.stop()
    print("\n" + "; ".join(f"{name}: {verdict(ok)}" for name, ok in results.items()))
    return 0 if all(results.values()) else 1


if __name__ == "__main__":
    os.chdir(ROOT)
    sys.exit(main())
