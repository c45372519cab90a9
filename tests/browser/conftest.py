"""One portal server and one Chromium for all the browser tests of a pytest process.

The portal runs as its own server process on a throwaway SQLite database with the
Mazovian records and one Płock county employee, with DEBUG off (the portal's own error
pages). Skipped, with the reason, where Chromium or Playwright is missing (``.ci/run``
installs both).
"""

from __future__ import annotations

import logging
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "haslo-testowe-Plock-2025"  # noqa: S105 - a throwaway account on a throwaway DB
STAFF_USERNAME = "anna.plock"
# A Płock cycle with six sessions and a certificate rule, for the screens' checks.
A11Y_CYCLE = "2025-plocki-dostepnosc"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
CREATE_STAFF = f"""
from django.contrib.auth.models import Group, User
from accounts.models import StaffProfile
from accounts.roles import COUNTY_STAFF, GROUP_NAMES
from programmes.models import County
user = User.objects.create_user("{STAFF_USERNAME}", password="{PASSWORD}", is_staff=True)
user.groups.add(Group.objects.get(name=GROUP_NAMES[COUNTY_STAFF]))
StaffProfile.objects.create(user=user).counties.set(County.objects.filter(code="1419"))
import datetime
from programmes.models import Programme
from workshops.models import WorkshopCycle
cycle = WorkshopCycle.objects.create(
    slug="{A11Y_CYCLE}", title="Cykl do sprawdzania dostępności",
    programme=Programme.objects.get(slug="wlosg-2017"), county=County.objects.get(code="1419"),
    status="in_progress", sessions_planned=6, certificate_min_sessions=4,
    date_start=datetime.date(2025, 3, 1), date_end=datetime.date(2025, 9, 30),
)
for n in range(1, 7):
    day = datetime.date(2025, 2 + n, 15)
    cycle.sessions.create(ordinal=n, kind="workshop", date_start=day, date_end=day)
"""


def pytest_collection_modifyitems(config, items):
    reason = None
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        reason = "Playwright is not installed"
    if reason is None and not Path(CHROMIUM).exists():
        reason = "Debian's chromium is not installed"
    if reason:
        here = Path(__file__).parent
        for item in items:
            if here in Path(item.fspath).parents:
                item.add_marker(pytest.mark.skip(reason=reason))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def portal_inbox():
    """A real SMTP server (aiosmtpd) for the portal's e-mail (``EMAIL_URL``); the value
    is the ``Inbox`` of what arrived."""
    from aiosmtpd.controller import Controller

    from tests.mailserver import Inbox

    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd's chatter
    controller.start()
    inbox.port = controller.port
    yield inbox
    controller.stop()


@pytest.fixture(scope="session")
def portal_manage(tmp_path_factory, portal_inbox):
    """Run a ``manage.py`` command against the portal's database and settings (the
    background worker, a set-up script): ``portal_manage("db_worker", "--batch")``."""
    workdir = tmp_path_factory.mktemp("portal")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.browser.server_settings",
        "SECRET_KEY": "browser-tests-only-" + "x" * 40,
        "DATABASE_URL": f"sqlite:///{workdir / 'portal.sqlite3'}",
        "MEDIA_ROOT": str(workdir / "media"),  # uploads (certificate template images)
        "EMAIL_URL": f"smtp://127.0.0.1:{portal_inbox.port}",
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("REDIS_URL", None)  # its own process cache: nothing shared with other tests

    def manage(*command: str, **options):
        return subprocess.run(  # noqa: S603
            [sys.executable, str(ROOT / "manage.py"), *command],
            env=env,
            cwd=ROOT,
            check=True,
            **options,
        )

    manage.env = env
    manage.workdir = workdir
    return manage


@pytest.fixture(scope="session")
def portal(portal_manage):
    """The base URL of a running portal with the records, one Płock employee and an
    empty Płock cycle of six sessions (``A11Y_CYCLE``); its e-mail goes to
    ``portal_inbox``."""
    env, workdir = portal_manage.env, portal_manage.workdir
    manage = [sys.executable, str(ROOT / "manage.py")]
    portal_manage("migrate", "-v0")
    portal_manage("loadrecords", "-v0")
    portal_manage("shell", "-v0", "-c", CREATE_STAFF)
    port = free_port()
    log = (workdir / "server.log").open("wb")
    server = subprocess.Popen(  # noqa: S603
        [*manage, "runserver", f"127.0.0.1:{port}", "--noreload", "--skip-checks", "--insecure"],
        env=env,
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            time.sleep(0.2)
    else:
        server.kill()
        pytest.fail("The portal server did not start")
    yield base
    server.terminate()
    server.wait(timeout=10)
    log.close()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    # Playwright's synchronous API runs its event loop in a greenlet of this thread, and
    # between its calls the loop still counts as running here: Django would then refuse
    # the database to the tests that follow in this process (SynchronousOnlyOperation),
    # though none of them runs in an async context. Allowed while the browser lives.
    with pytest.MonkeyPatch.context() as patch, sync_playwright() as p:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    """A fresh page in its own context (no cookies), Polish like most of the users."""
    context = browser.new_context(accept_downloads=True, locale="pl-PL")
    page = context.new_page()
    # Generous: CI runs this beside the rest of the suite on two cores.
    page.set_default_timeout(60_000)
    yield page
    context.close()


@pytest.fixture
def staff_page(portal, page):
    """A page logged in to the admin as the Płock county employee."""
    page.goto(f"{portal}/admin/login/")
    page.fill("#id_username", STAFF_USERNAME)
    page.fill("#id_password", PASSWORD)
    page.press("#id_password", "Enter")
    page.wait_for_url(f"{portal}/admin/desk/")
    return page
