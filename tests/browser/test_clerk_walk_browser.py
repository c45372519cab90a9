"""A new county clerk of powiat płocki, from the login page to a finished 2026 cycle, in
Chromium, by the links and buttons on the pages only: no address is typed after the
login page (``follow`` clicks a link; nothing here calls ``page.goto`` but the login).

Start page → new cycle of the 2026 edition with its five sessions → attendee import
(upload, preview, confirm) → register (ticks, save) → sign-in sheet (a PDF) →
certificates with a chosen date of issue → e-mail to the attendees (the background
worker runs, the test's SMTP server receives each message with its PDF) → the cycle
completed → the public cycle page shows the attendees, sessions and certificates.

With ``STAFF_SCREENSHOTS`` set to a folder, each staff screen is photographed at 1,366
and 320 px (``docs/screenshots`` holds the committed ones: ``make screenshots-staff``).
"""

from __future__ import annotations

import io
import os
import re
from pathlib import Path

import openpyxl
import pytest
from PIL import Image
from pypdf import PdfReader

from .conftest import PASSWORD

CLERK = "nowa.plock"
EDITION = "Partnerstwo Lokalne 2026"
TITLE = "Partnerstwo w gminach powiatu płockiego 2026"
# The coordinator's part, done before the clerk starts: the 2026 edition with its scheme
# of five sessions, and the new clerk's account.
SET_UP = f"""
from django.contrib.auth.models import Group, User
from accounts.models import StaffProfile
from accounts.roles import COUNTY_STAFF, GROUP_NAMES
from programmes.models import County, Programme
import datetime
template = Programme.objects.get(slug="wlosg-2017")
edition = Programme.objects.create(
    slug="partnerstwo-2026", name="{EDITION}", operator=template.operator,
    implementing_institution=template.implementing_institution, sessions_per_cycle=5,
    date_start=datetime.date(2026, 1, 1), date_end=datetime.date(2026, 12, 31),
)
for number, topic in enumerate(
    ["Diagnoza", "Partnerstwo", "Pomysły", "Projekty", "Plan działania"], start=1
):
    edition.scheme_sessions.create(number=number, topic=topic, venue="Starostwo w Płocku")
user = User.objects.create_user("{CLERK}", password="{PASSWORD}", is_staff=True)
user.groups.add(Group.objects.get(name=GROUP_NAMES[COUNTY_STAFF]))
StaffProfile.objects.create(user=user).counties.set(County.objects.filter(code="1419"))
"""
# Name, e-mail, consent, sessions: five people, four of whom agree to e-mail.
PEOPLE = [
    ("Żaneta Żak", "zaneta@example.org", "tak", "1, 2, 3"),
    ("Ćwirosław Ćma", "cwiroslaw@example.org", "tak", "1, 2"),
    ("Łukasz Łoś", "lukasz@example.org", "tak", "I, II, III, IV"),
    ("Zofia Zając", "zofia@example.org", "nie", "1, 2, 3, 4, 5"),
    ("Anna Nowak", "anna@example.org", "tak", "1"),
]
WIDTHS = (1366, 320)


def attendee_file() -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Imię i nazwisko", "Organizacja", "E-mail", "Zgoda na e-mail", "Sesje"])
    for name, address, consent, sessions in PEOPLE:
        sheet.append([name, "Gmina Słupno", address, consent, sessions])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def fits(page, width: int) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= width


def too_wide(page, width: int) -> list[str]:
    """The elements reaching past the window's right edge (for the failure message)."""
    return page.evaluate(
        """w => [...document.querySelectorAll('body *')]
        .filter(e => e.getBoundingClientRect().right > w)
        .map(e => e.tagName + '#' + e.id + '.' + e.className).slice(0, 8)""",
        width,
    )


def small_png(png: bytes, path: Path) -> None:
    """Save a screenshot with a palette of 256 colours: a third of the size, as legible."""
    Image.open(io.BytesIO(png)).quantize(256).save(path, optimize=True)


def screen(page, name: str) -> None:
    """Check the page is not wider than the window at 1,366 and 320 px, and photograph
    it at both when ``STAFF_SCREENSHOTS`` is set."""
    folder = os.environ.get("STAFF_SCREENSHOTS")
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        assert fits(page, width), (name, width, too_wide(page, width))
        if folder:
            Path(folder).mkdir(parents=True, exist_ok=True)
            small_png(page.screenshot(full_page=True), Path(folder) / f"walk-{name}-{width}.png")
    page.set_viewport_size({"width": WIDTHS[0], "height": 900})


def follow(page, link) -> None:
    with page.expect_navigation():
        link.click()


@pytest.fixture(scope="module")
def clerk(portal, portal_manage):
    portal_manage("shell", "-v0", "-c", SET_UP)
    return CLERK


def test_a_new_clerk_walks_from_the_login_to_a_finished_2026_cycle(
    portal, portal_manage, portal_inbox, clerk, page, tmp_path
):
    page.set_viewport_size({"width": WIDTHS[0], "height": 900})
    page.goto(f"{portal}/admin/login/")  # the only address typed
    page.fill("#id_username", clerk)
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Zaloguj się").click()
    assert page.url == f"{portal}/admin/desk/"
    screen(page, "desk")

    # A new cycle of the current edition: its scheme gives the five sessions.
    follow(page, page.get_by_role("link", name="Nowy cykl warsztatów"))
    assert page.locator("#id_county option:checked").inner_text() == "powiat płocki"
    edition = page.locator("#id_programme option", has_text=EDITION).get_attribute("value")
    page.select_option("#id_programme", edition)
    page.fill("#id_title", TITLE)
    page.fill("#id_date_start", "2026-03-01")
    page.fill("#id_date_end", "2026-10-31")
    page.fill("#id_certificate_min_sessions", "3")
    follow(page, page.get_by_role("button", name="Dalej: sesje"))
    sessions = page.locator(".cycle-new__session")
    assert sessions.count() == 5
    assert page.input_value("#id_sessions-0-venue") == "Starostwo w Płocku"
    for n in range(5):
        page.fill(f"#id_sessions-{n}-date", f"2026-{3 + n:02d}-12")
    screen(page, "cycle-new")
    follow(page, page.get_by_role("button", name="Utwórz cykl"))
    assert re.search(r"/admin/workshops/workshopcycle/\d+/change/$", page.url)
    assert "liczba sesji: 5" in page.locator(".messagelist .success").inner_text()
    screen(page, "cycle")

    # The attendee list: upload, preview, confirm.
    follow(page, page.get_by_role("link", name="Import uczestników").first)
    xlsx = tmp_path / "uczestnicy.xlsx"
    xlsx.write_bytes(attendee_file())
    page.set_input_files("#file", str(xlsx))
    follow(page, page.get_by_role("button", name="Sprawdź plik"))
    assert page.locator("table", has_text="Nowi uczestnicy").locator("tbody tr").count() == 5
    screen(page, "import-preview")
    page.fill("#consent_note", "Zgoda pisemna na liście obecności")
    follow(page, page.get_by_role("button", name=re.compile("Potwierdź")))

    # The register, in Polish order; Anna Nowak also came to sessions II and III.
    assert page.url.endswith("/attendance/")
    names = page.locator("table.register tbody th").all_inner_texts()
    assert [name.split(" (")[0] for name in names] == [
        "Anna Nowak",
        "Ćwirosław Ćma",
        "Łukasz Łoś",
        "Zofia Zając",
        "Żaneta Żak",
    ]
    page.get_by_label("Anna Nowak — sesja II,").check()
    page.get_by_label("Anna Nowak — sesja III,").check()
    follow(page, page.get_by_role("button", name="Zapisz obecność"))
    counts = page.locator("table.register tbody td.register__count").all_inner_texts()
    assert counts == ["3", "2", "4", "5", "3"]
    screen(page, "register")

    # The sign-in sheets of every session: one PDF.
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("Listy obecności")).click()
    sheets = Path(download.value.path()).read_bytes()
    assert sheets.startswith(b"%PDF-")
    assert len(PdfReader(io.BytesIO(sheets)).pages) == 5

    # Certificates, dated by the clerk: all but Ćwirosław Ćma came to three sessions or more.
    follow(page, page.locator(".cycle-tabs").get_by_role("link", name="Certyfikaty"))
    assert page.input_value("#issued_on") == "2026-07-12"  # proposed: the last session
    page.fill("#issued_by", "Jan Kowalski, Dyrektor PUP w Płocku")
    page.fill("#issued_on", "2026-07-20")
    follow(page, page.get_by_role("button", name=re.compile("Wydaj certyfikaty")))
    issued = page.locator("section[aria-labelledby=list-heading] tbody tr")
    assert issued.count() == 4
    assert "20.07.2026" in issued.first.inner_text() or "20 lipca 2026" in issued.first.inner_text()

    # E-mail: three of the holders agreed (Zofia Zając did not); the worker sends them.
    follow(page, page.get_by_role("button", name=re.compile("Wyślij certyfikaty")))
    portal_manage("db_worker", "--batch", "--interval", "0", "--no-startup-delay", "-v0")
    follow(page, page.locator("#mail-refresh"))
    screen(page, "certificates")
    # (Other browser tests of the session queue e-mail too: only this cycle's people count.)
    ours = {address for _name, address, _consent, _sessions in PEOPLE}
    received = sorted(a for m in portal_inbox.messages for a in m.rcpt_tos if a in ours)
    assert received == ["anna@example.org", "lukasz@example.org", "zaneta@example.org"]
    assert page.locator("#mail-progress-bar").get_attribute("value") == "3"
    for message in portal_inbox.messages:
        if not set(message.rcpt_tos) & ours:
            continue
        (attachment,) = message.attachments
        assert attachment[1] == "application/pdf"
        assert attachment[2].startswith(b"%PDF-")

    # The cycle completed, then its public page: 5 attendees, 5 sessions, 4 certificates.
    follow(page, page.locator(".cycle-tabs").get_by_role("link", name="Cykl"))
    page.select_option("#id_status", "completed")
    follow(page, page.locator("input[name=_continue]"))
    assert page.locator(".errornote").count() == 0
    follow(page, page.get_by_role("link", name=re.compile("Pokaż na stronie")))
    facts = page.locator("main dl").first.inner_text()
    assert re.search(r"Zarejestrowani uczestnicy\s+5", facts), facts
    assert re.search(r"Wydane certyfikaty\s+4", facts), facts
    assert re.search(r"Odbyte sesje\s+(co najmniej )?5 \(zaplanowano 5\)", facts), facts
    assert re.search(r"Status\s+zakończony", facts), facts
