"""The county staff flow in a real browser (Debian's Chromium driven by Playwright).

The portal runs as its own server process on a throwaway SQLite database with the
Mazovian records, so the browser sees exactly what a user sees. Skipped, with the reason,
where Chromium or Playwright is missing (``.ci/run`` installs both).
"""

from __future__ import annotations

import io
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import openpyxl
import pytest
from pypdf import PdfReader

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
playwright = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed")
if not Path(CHROMIUM).exists():
    pytest.skip("Debian's chromium is not installed", allow_module_level=True)

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "haslo-testowe-Plock-2025"  # noqa: S105 - a throwaway account on a throwaway DB
CREATE_STAFF = f"""
from django.contrib.auth.models import Group, User
from accounts.models import StaffProfile
from accounts.roles import COUNTY_STAFF, GROUP_NAMES
from programmes.models import County
user = User.objects.create_user("anna.plock", password="{PASSWORD}", is_staff=True)
user.groups.add(Group.objects.get(name=GROUP_NAMES[COUNTY_STAFF]))
StaffProfile.objects.create(user=user).counties.set(County.objects.filter(code="1419"))
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def portal(tmp_path_factory):
    """A running portal: base URL of a server with the records and one Płock employee."""
    workdir = tmp_path_factory.mktemp("portal")
    env = {
        **os.environ,
        "DEBUG": "1",
        "DATABASE_URL": f"sqlite:///{workdir / 'portal.sqlite3'}",
        "PYTHONUNBUFFERED": "1",
    }
    manage = [sys.executable, str(ROOT / "manage.py")]
    for command in (["migrate", "-v0"], ["loadrecords", "-v0"], ["shell", "-c", CREATE_STAFF]):
        subprocess.run([*manage, *command], env=env, cwd=ROOT, check=True)  # noqa: S603
    port = free_port()
    server = subprocess.Popen(  # noqa: S603
        [*manage, "runserver", f"127.0.0.1:{port}", "--noreload", "--skip-checks"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
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


@pytest.fixture(scope="module")
def browser():
    with playwright.sync_playwright() as p:
        chromium = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(accept_downloads=True, locale="pl-PL")
    page = context.new_page()
    # Generous: CI runs this beside the rest of the suite on two cores.
    page.set_default_timeout(60_000)
    yield page
    context.close()


def attendee_list(count: int) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Imię i nazwisko", "Organizacja", "Sektor", "E-mail", "Telefon", "Sesje"])
    for i in range(count):
        sheet.append([f"Uczestniczka Łęcka {i:03d}", "Gmina Słupno", "", "", "", "1, 2, 3"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def choose(page, field: str, search: str, option: str) -> None:
    """Search ``search`` in an admin autocomplete (select2) field and pick ``option``."""
    page.locator(f"#id_{field} + .select2-container .select2-selection").click()
    page.locator(".select2-container--open .select2-search__field").fill(search)
    page.locator(".select2-results__option", has_text=option).click()


def test_county_staff_flow_in_the_browser(portal, page, tmp_path):
    # Log in.
    page.goto(f"{portal}/admin/login/")
    page.fill("#id_username", "anna.plock")
    page.fill("#id_password", PASSWORD)
    page.press("#id_password", "Enter")
    page.wait_for_url(f"{portal}/admin/")

    # A new cycle with six sessions.
    page.goto(f"{portal}/admin/workshops/workshopcycle/add/")
    page.fill("#id_slug", "2025-plocki-przegladarka")
    page.fill("#id_title", "Partnerstwo w przeglądarce 2025")
    choose(page, "programme", "2017", "Społeczno-Gospodarczego (2017)")
    choose(page, "county", "płoc", "powiat płocki")
    page.select_option("#id_status", "in_progress")
    page.fill("#id_date_start", "2025-03-01")
    page.fill("#id_date_end", "2025-09-30")
    page.fill("#id_sessions_planned", "6")
    page.fill("#id_certificate_min_sessions", "2")
    add_session = page.locator("#sessions-group .add-row a")
    for n in range(6):
        add_session.click()
        page.fill(f"#id_sessions-{n}-ordinal", str(n + 1))
        page.select_option(f"#id_sessions-{n}-kind", "conference")
        page.fill(f"#id_sessions-{n}-date_start", f"2025-0{n + 3}-15")
        page.fill(f"#id_sessions-{n}-date_end", f"2025-0{n + 3}-15")
    page.locator("input[name=_continue]").click()
    page.wait_for_url(re.compile(r"/admin/workshops/workshopcycle/\d+/change/"))
    assert page.locator(".errornote").count() == 0

    # Import 200 attendees from an XLSX: preview, then confirm.
    page.get_by_role("link", name="Import uczestników").first.click()
    xlsx = tmp_path / "lista.xlsx"
    xlsx.write_bytes(attendee_list(200))
    page.set_input_files("#file", str(xlsx))
    page.get_by_role("button", name="Sprawdź plik").click()
    page.get_by_role("button", name=re.compile("Potwierdź")).click()
    page.wait_for_url(re.compile(r"/attendance/$"))
    assert page.locator("table.register tbody tr").count() == 200

    # Tick attendance: the first attendee also came to session VI.
    first_row = page.locator("table.register tbody tr").first
    first_row.locator("input[type=checkbox]").nth(5).check()
    with page.expect_navigation():
        page.get_by_role("button", name="Zapisz obecność").click()
    first_count = page.locator("table.register tbody tr").first.locator("td.register__count")
    assert first_count.inner_text() == "4"

    # Issue certificates and download them all.
    page.locator(".cycle-tabs").get_by_role("link", name="Certyfikaty").click()
    page.fill("#issued_by", "Małgorzata Bombalicka, Dyrektor PUP w Płocku")
    with page.expect_navigation():
        page.get_by_role("button", name=re.compile("Wydaj certyfikaty")).click()
    assert page.locator("section[aria-labelledby=list-heading] tbody tr").count() == 200
    with page.expect_download(timeout=180_000) as download:
        # 200 A4 pages are rendered for this request; don't wait for a navigation.
        page.get_by_role("link", name=re.compile("Pobierz wszystkie")).click(no_wait_after=True)
    pdf = PdfReader(download.value.path())
    assert len(pdf.pages) == 200
    text = pdf.pages[0].extract_text()
    assert "Uczestniczka Łęcka 000" in text

    # Verify the certificate publicly, as someone who scanned its QR code.
    verify_url = re.search(r"https?://\S+/certyfikaty/\S+/", text.replace("\n", "")).group(0)
    public = page.context.browser.new_page()
    public.goto(verify_url)
    assert "Certyfikat jest ważny." in public.inner_text("main")
    assert "Uczestniczka Łęcka 000" in public.inner_text("main")
    public.close()

    # And another county's cycle stays out of reach.
    response = page.goto(f"{portal}/admin/workshops/workshopcycle/")
    assert response.ok
    assert "łosickim" not in page.inner_text("#result_list")
