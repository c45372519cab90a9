"""The Content-Security-Policy in a real browser: no page breaks under it.

Chromium reports every blocked script, style, image, form target or frame as a
``securitypolicyviolation`` event and a console error. The public pages, the admin
(index, lists, change and add forms with their select2 autocompletes and inline rows),
the cycle screens and the reports are opened as a visitor and as a county employee, and
not one violation may occur; the admin's scripts must still run.
"""

from __future__ import annotations

import re

import pytest

RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(
    `${event.violatedDirective} blocked ${event.blockedURI || "inline"} on ${location.pathname}`
  );
});
"""

PUBLIC_PAGES = [
    "/",
    "/en/",
    "/projekty/",
    "/projekty/?all=1",
    "/powiaty/",
    "/powiaty/plocki/",
    "/edycje-programu/",
    "/edycje-programu/wlosg-2017/",
    "/cykle-warsztatow/",
    "/cykle-warsztatow/wlosg-2017-plocki/",
    "/zrodla/",
    "/otwarte-dane/",
    "/certyfikaty/",
    "/en/certificates/nieznany-kod/",
    "/no-such-page/",
]


@pytest.fixture
def watched(page):
    """The page, recording CSP violations from the DOM event and the console."""
    console = []
    page.add_init_script(RECORD_VIOLATIONS)
    page.on(
        "console",
        lambda message: (
            console.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    page.csp_console = console
    return page


def reports_url() -> str:
    from django.urls import reverse
    from django.utils import translation

    with translation.override("pl"):
        return reverse("reports:overview")


def violations(page) -> list[str]:
    return page.evaluate("window.__cspViolations || []") + page.csp_console


def visit(page, url):
    response = page.goto(url)
    page.wait_for_load_state("load")
    return response


def test_public_pages_under_the_policy(portal, watched):
    found = []
    for path in PUBLIC_PAGES:
        response = visit(watched, portal + path)
        assert "default-src 'self'" in response.headers["content-security-policy"], path
        found += violations(watched)
    # A project page, reached from the catalogue.
    visit(watched, portal + "/projekty/")
    watched.locator("main a[href^='/projekty/']").first.click()
    watched.wait_for_load_state("load")
    found += violations(watched)
    assert found == []

    # The watch is not blind: an image from another site is reported.
    watched.evaluate(
        "document.body.insertAdjacentHTML('beforeend', "
        '\'<img src="https://elsewhere.example/pixel.png" alt="">\')'
    )
    watched.wait_for_function("window.__cspViolations.length > 0")
    assert any("img-src" in v and "elsewhere.example" in v for v in violations(watched))


def test_admin_and_staff_screens_under_the_policy(portal, watched):
    page = watched
    # Log in (the login form posts to 'self').
    visit(page, f"{portal}/admin/login/")
    page.fill("#id_username", "anna.plock")
    page.fill("#id_password", "haslo-testowe-Plock-2025")
    page.press("#id_password", "Enter")
    page.wait_for_url(f"{portal}/admin/desk/")
    found = violations(page)

    visit(page, f"{portal}/admin/workshops/workshopcycle/")
    found += violations(page)
    change_url = page.locator("#result_list tbody a").first.get_attribute("href")
    cycle_pk = re.search(r"/(\d+)/change/", change_url).group(1)

    # The change form: its scripts must run (select2 opens and finds a county).
    visit(page, portal + change_url)
    page.locator("#id_county + .select2-container .select2-selection").click()
    page.locator(".select2-container--open .select2-search__field").fill("płoc")
    # Waits for the autocomplete's answer (select2 asks after a 250 ms pause).
    page.locator(".select2-results__option", has_text="płocki").first.wait_for()
    page.keyboard.press("Escape")
    found += violations(page)

    # The add form: adding an inline session row is done by the admin's inlines.js.
    visit(page, f"{portal}/admin/workshops/workshopcycle/add/")
    rows_before = page.locator("#sessions-group .dynamic-sessions").count()
    page.locator("#sessions-group .add-row a").click()
    assert page.locator("#sessions-group .dynamic-sessions").count() == rows_before + 1
    found += violations(page)

    for path in [
        f"/admin/workshops/workshopcycle/{cycle_pk}/attendance/",
        f"/admin/workshops/workshopcycle/{cycle_pk}/import/",
        f"/admin/workshops/workshopcycle/{cycle_pk}/certificates/",
        f"/admin/workshops/workshopcycle/{cycle_pk}/history/",
        "/admin/workshops/attendee/",
        "/admin/workshops/attendee/add/",
        "/admin/projects/projectidea/",
        "/admin/projects/projectidea/add/",
        "/admin/password_change/",
        reports_url(),
        "/en/admin/",
    ]:
        response = visit(page, portal + path)
        assert response.status == 200, path
        assert "no-store" in response.headers["cache-control"], path
        found += violations(page)
    assert found == []
