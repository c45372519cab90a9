"""WCAG 2.1 A and AA checks with axe-core (vendored, ``vendor/axe-core``) on every public
page, in Polish and in English, and on the county staff's screens.

The public pages are every address in ``/sitemap.xml`` and the sitemaps it lists (both
languages) plus what the
sitemap leaves out: the catalogue filtered, with a form error and on page 2, the
certificate lookup (empty, refused) and verification (valid, unknown), and a 404. The staff
screens are the admin login and index, the cycle list and form, and the cycle's import
(empty and with a preview), attendance register and certificates screens, with data in
them; the reports page too when its URL exists.

No serious or critical violation is allowed; moderate and minor ones are listed in the
summary at the end of the run.
"""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

import openpyxl
import pytest
from django.urls import NoReverseMatch, reverse
from django.utils import translation

from .conftest import A11Y_CYCLE, PASSWORD, STAFF_USERNAME

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING = {"serious", "critical"}
SITEMAP_NS = {
    "s": "http://www.sitemaps.org/schemas/sitemap/0.9",
    "x": "http://www.w3.org/1999/xhtml",
}
RUN_AXE = """async (tags) => {
  const results = await axe.run(document, {
    runOnly: {type: "tag", values: tags},
    resultTypes: ["violations"],
  });
  return results.violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    nodes: v.nodes.length,
    targets: v.nodes.slice(0, 3).map((n) => n.target.join(" ")),
  }));
}"""
PUBLIC_EXTRAS = [
    "/projekty/?scope=all&county=plocki&ordering=-year",
    "/projekty/?scope=all&page=2",
    "/projekty/?year=abc&county=atlantyda",
    "/en/projects/?scope=all&status=selected&q=centrum",
    "/en/projects/?year=abc",
    "/certyfikaty/",
    "/certyfikaty/?code=%3Cnie+kod%3E",
    "/certyfikaty/nie-ma-takiego-kodu/",
    "/en/certificates/",
    "/en/certificates/?code=%3Cnot+a+code%3E",
    "/en/certificates/no-such-code/",
    "/nie-ma-takiej-strony/",
    "/en/no-such-page/",
]


class Audit:
    """Runs axe on pages and keeps every violation, by page."""

    def __init__(self, page):
        self.page = page
        self.source = AXE.read_text(encoding="utf-8")
        self.checked: list[str] = []
        self.violations: list[tuple[str, dict]] = []

    def check(self, url: str, *, status: int | None = None) -> None:
        response = self.page.goto(url)
        if status is not None:
            assert response.status == status, url
        else:
            assert response.status < 400, (url, response.status)
        self.check_current(url)

    def check_current(self, label: str) -> None:
        self.page.evaluate(self.source)
        found = self.page.evaluate(RUN_AXE, TAGS)
        self.checked.append(label)
        self.violations.extend((label, violation) for violation in found)

    def blocking(self) -> list[str]:
        return [
            f"{label}: [{v['impact']}] {v['id']} — {v['help']} ({v['nodes']}×: "
            f"{', '.join(v['targets'])})"
            for label, v in self.violations
            if v["impact"] in BLOCKING
        ]

    def summary(self, name: str) -> list[str]:
        by_impact = Counter(v["impact"] for _label, v in self.violations)
        by_rule = Counter((v["impact"], v["id"]) for _label, v in self.violations)
        lines = [
            f"axe-core ({name}): {len(self.checked)} pages checked, violations by impact: "
            + (", ".join(f"{impact} {count}" for impact, count in by_impact.items()) or "none")
        ]
        lines += [
            f"  [{impact}] {rule} on {count} page(s)"
            for (impact, rule), count in sorted(by_rule.items())
        ]
        return lines


@pytest.fixture(scope="module")
def context(browser):
    """One context for the module. axe is injected past the site's Content-Security-Policy
    (``script-src 'self'``) by ``bypass_csp``: the page under test is unchanged."""
    context = browser.new_context(bypass_csp=True, locale="pl-PL", accept_downloads=True)
    yield context
    context.close()


@pytest.fixture
def audit(context):
    page = context.new_page()
    page.set_default_timeout(60_000)
    yield Audit(page)
    page.close()


def sitemap_pages(page, portal: str, address: str = "/sitemap.xml") -> list[str]:
    """Every page the sitemap lists (following a sitemap index), as paths."""
    response = page.request.get(f"{portal}{address}")
    assert response.ok, address
    root = ET.fromstring(response.body())  # noqa: S314 - our own sitemap
    paths: list[str] = []
    for loc in root.iterfind("s:sitemap/s:loc", SITEMAP_NS):
        paths += [p for p in sitemap_pages(page, portal, as_path(loc.text)) if p not in paths]
    urls = [loc.text for loc in root.iterfind("s:url/s:loc", SITEMAP_NS)]
    urls += [link.get("href") for link in root.iterfind("s:url/x:link", SITEMAP_NS)]
    for url in urls:
        if as_path(url) not in paths:
            paths.append(as_path(url))
    return paths


def as_path(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def test_public_pages_have_no_serious_accessibility_violations(portal, audit, report):
    pages = sitemap_pages(audit.page, portal)
    assert "/" in pages and "/en/" in pages
    assert len(pages) > 20
    for path in pages:
        audit.check(f"{portal}{path}")
    for path in PUBLIC_EXTRAS:
        status = 404 if "nie-ma" in path or "no-such" in path else None
        status = 400 if "code=%3C" in path else status
        audit.check(f"{portal}{path}", status=status)
    report(audit.summary("public pages"))
    assert not audit.blocking(), "\n".join(audit.blocking())


def attendee_list() -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Imię i nazwisko", "Organizacja", "Sektor", "E-mail", "Telefon", "Sesje"])
    sheet.append(["Ewa Dostępna", "Gmina Słupno", "", "ewa@example.org", "", "1 2 3 4 5 6"])
    sheet.append(["Jan Czytnik", "", "", "", "", "1, 2, 3, 4, 5, 6"])
    sheet.append(["Jan Czytnik", "", "", "", "", "XX"])  # an error row, for the preview
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def reports_path() -> str | None:
    """The staff reports page, when the portal has one."""
    try:
        with translation.override("pl"):
            return reverse("reports:overview")
    except NoReverseMatch:
        return None


def test_staff_screens_have_no_serious_accessibility_violations(
    portal, context, audit, report, tmp_path
):
    page = audit.page
    page.context.clear_cookies()
    audit.check(f"{portal}/admin/login/")
    page.fill("#id_username", STAFF_USERNAME)
    page.fill("#id_password", PASSWORD)
    page.press("#id_password", "Enter")
    page.wait_for_url(f"{portal}/admin/desk/")
    audit.check_current("/admin/desk/")
    audit.check(f"{portal}/admin/workshops/workshopcycle/new/")
    audit.check(f"{portal}/admin/")
    audit.check(f"{portal}/admin/workshops/workshopcycle/")
    audit.check(f"{portal}/admin/workshops/workshopcycle/?q=wlosg-2017-plocki")
    link = page.locator("#result_list tbody a").first.get_attribute("href")
    audit.check(f"{portal}{urlsplit(link).path}")  # with sessions, roles and sources
    audit.check(f"{portal}/admin/workshops/workshopcycle/add/")
    # The screens of a cycle of this year, empty at first.
    page.goto(f"{portal}/admin/workshops/workshopcycle/?q={A11Y_CYCLE}")
    link = page.locator("#result_list tbody a").first.get_attribute("href")
    cycle_url = f"{portal}{urlsplit(link).path.removesuffix('change/')}"
    audit.check(f"{cycle_url}attendance/")

    # The import screen, empty and then with a preview that has an error row.
    audit.check(f"{cycle_url}import/")
    bad = tmp_path / "lista-z-bledem.xlsx"
    bad.write_bytes(attendee_list())
    page.set_input_files("#file", str(bad))
    with page.expect_navigation():
        page.get_by_role("button", name="Sprawdź plik").click()
    assert page.locator(".errorlist, .errornote, table").count() > 0
    audit.check_current(f"{cycle_url}import/ (preview with errors)")
    good = tmp_path / "lista.xlsx"
    book = openpyxl.load_workbook(io.BytesIO(attendee_list()))
    book.active.delete_rows(4)
    book.save(good)
    page.set_input_files("#file", str(good))
    with page.expect_navigation():
        page.get_by_role("button", name="Sprawdź plik").click()
    audit.check_current(f"{cycle_url}import/ (preview)")
    with page.expect_navigation():
        page.get_by_role("button", name=re.compile("Potwierdź")).click()
    audit.check_current(f"{cycle_url}attendance/ (after the import)")

    audit.check(f"{cycle_url}certificates/")
    page.fill("#issued_by", "Dyrektor PUP w Płocku")
    with page.expect_navigation():
        page.get_by_role("button", name=re.compile("Wydaj certyfikaty")).click()
    assert page.locator("section[aria-labelledby=list-heading] tbody tr").count() == 2
    audit.check_current(f"{cycle_url}certificates/ (issued)")

    # One certificate in the admin, where its verification code is shown.
    audit.check(f"{portal}/admin/workshops/certificate/?q=Czytnik")
    link = page.locator("#result_list tbody a").first.get_attribute("href")
    audit.check(f"{portal}{urlsplit(link).path}")
    code = page.locator(".field-verification_code .readonly").inner_text().strip()

    path = reports_path()
    if path:
        audit.check(f"{portal}{path}")

    # The certificate's public verification page, as a visitor who scanned it sees it.
    page.context.clear_cookies()
    audit.check(f"{portal}/certyfikaty/{code}/")
    assert "Certyfikat jest ważny." in page.inner_text("main")
    audit.check(f"{portal}/en/certificates/{code}/")

    report(audit.summary("staff screens"))
    assert not audit.blocking(), "\n".join(audit.blocking())


def all_violations(audit) -> list[str]:
    return [
        f"{label}: [{v['impact']}] {v['id']} — {v['help']} ({v['nodes']}×: "
        f"{', '.join(v['targets'])})"
        for label, v in audit.violations
    ]


def test_issue_12_screens_have_no_accessibility_violations_at_all(
    portal, context, audit, report, tmp_path
):
    """The screens issue 12 added, each in the state a clerk sees it: not one violation of
    any impact (minor and moderate included)."""
    page = audit.page
    page.context.clear_cookies()
    # Logged out: the password reset pages.
    audit.check(f"{portal}/admin/password_reset/")
    page.fill("#id_email", "nikt@example.org")
    with page.expect_navigation():
        page.locator("input[type=submit]").click()
    audit.check_current("password reset (sent)")
    audit.check(f"{portal}/admin/reset/MQ/nie-ten-klucz/")
    audit.check(f"{portal}/admin/reset/done/")

    page.goto(f"{portal}/admin/login/")
    page.fill("#id_username", STAFF_USERNAME)
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.press("#id_password", "Enter")
    audit.check_current("start page")
    audit.check(f"{portal}/admin/2fa/setup/")

    # The guided new cycle, both steps, then the cycle's screens with three attendees.
    audit.check(f"{portal}/admin/workshops/workshopcycle/new/")
    edition = page.locator("#id_programme option", has_text="2017").get_attribute("value")
    page.select_option("#id_programme", edition)
    page.fill("#id_title", "Cykl sprawdzany przez axe")
    page.fill("#id_date_start", "2017-03-01")
    page.fill("#id_date_end", "2017-11-30")
    page.fill("#id_certificate_min_sessions", "1")
    with page.expect_navigation():
        page.get_by_role("button", name="Dalej: sesje").click()
    audit.check_current("new cycle: sessions")
    with page.expect_navigation():
        page.get_by_role("button", name="Utwórz cykl").click()
    cycle_url = page.url.removesuffix("change/")
    audit.check_current("the cycle, created")
    audit.check(f"{cycle_url}import/")
    xlsx = tmp_path / "lista-z-adresami.xlsx"
    book = openpyxl.Workbook()
    book.active.append(["Imię i nazwisko", "E-mail", "Zgoda na e-mail", "Sesje"])
    book.active.append(["Ewa Dostępna", "ewa@example.org", "tak", "1, 2"])
    book.active.append(["Jan Czytnik", "jan@example.org", "nie", "1"])
    book.save(xlsx)
    page.set_input_files("#file", str(xlsx))
    with page.expect_navigation():
        page.get_by_role("button", name="Sprawdź plik").click()
    audit.check_current("import preview")
    with page.expect_navigation():
        page.get_by_role("button", name=re.compile("Potwierdź")).click()
    audit.check_current("register")
    audit.check(f"{cycle_url}attendance/?q=Ewa")
    audit.check(f"{cycle_url}certificates/")
    page.fill("#issued_by", "Dyrektor PUP w Płocku")
    with page.expect_navigation():
        page.get_by_role("button", name=re.compile("Wydaj certyfikaty")).click()
    audit.check_current("certificates issued")
    with page.expect_navigation():
        page.get_by_role("button", name=re.compile("Wyślij certyfikat")).click()
    audit.check_current("certificates: e-mail queued")
    audit.check(f"{portal}/admin/workshops/certificatetemplate/")
    audit.check(f"{portal}/admin/workshops/certificatetemplate/add/")

    report(audit.summary("issue 12 screens"))
    assert not all_violations(audit), "\n".join(all_violations(audit))


COORDINATOR = "koordynator.axe"
# A coordinator with a confirmed authenticator whose key the test knows (RFC 6238's).
TOTP_KEY = "3132333435363738393031323334353637383930"
CREATE_COORDINATOR = f"""
from django.contrib.auth.models import Group, User
from django_otp.plugins.otp_totp.models import TOTPDevice
from accounts.roles import COORDINATOR, GROUP_NAMES
user = User.objects.create_user("{COORDINATOR}", password="{PASSWORD}", is_staff=True)
user.groups.add(Group.objects.get(name=GROUP_NAMES[COORDINATOR]))
TOTPDevice.objects.create(user=user, name="telefon", key="{TOTP_KEY}", confirmed=True)
"""


def test_issue_12_coordinator_screens_have_no_accessibility_violations_at_all(
    portal, portal_manage, context, audit, report
):
    """The coordinator's side: the second factor at login, the start page of the counties
    overseen, the recovery codes, and an edition with its scheme of sessions."""
    from django_otp.oath import totp

    portal_manage("shell", "-v0", "-c", CREATE_COORDINATOR)
    page = audit.page
    page.context.clear_cookies()
    page.goto(f"{portal}/admin/login/")
    page.fill("#id_username", COORDINATOR)
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.press("#id_password", "Enter")
    audit.check_current("second factor: code")
    page.fill("#id_code", f"{totp(bytes.fromhex(TOTP_KEY)):06d}")
    with page.expect_navigation():
        page.locator("input[type=submit]").click()
    assert page.url == f"{portal}/admin/desk/"
    audit.check_current("start page (coordinator)")
    audit.check(f"{portal}/admin/2fa/recovery-codes/")
    with page.expect_navigation():
        page.locator("#content form button, #content form input[type=submit]").first.click()
    audit.check_current("recovery codes (new set)")
    audit.check(f"{portal}/admin/programmes/programme/?q=2017")
    link = page.locator("#result_list tbody a").first.get_attribute("href")
    audit.check(f"{portal}{urlsplit(link).path}")  # the edition with its scheme sessions

    report(audit.summary("issue 12 screens, coordinator"))
    assert not all_violations(audit), "\n".join(all_violations(audit))
