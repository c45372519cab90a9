"""The county staff flow with the keyboard only: Tab, Shift+Tab, Enter, Space, arrows and
typing — no click.

Every control reached on the way must show where the focus is (an outline or a box
shadow), and every control the flow needs must be reachable and operable: log in, create
a cycle with two sessions (the autocomplete fields and the "add another" link included),
import an attendee list (the file chooser opened with Space), tick attendance, issue the
certificates, download the PDF and revoke one certificate.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import openpyxl
from pypdf import PdfReader

from .conftest import PASSWORD, STAFF_USERNAME

FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const style = getComputedStyle(el);
  const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0;
  const shadow = style.boxShadow !== "none";
  return {
    tag: el.tagName.toLowerCase(),
    id: el.id,
    name: el.getAttribute("name") || "",
    text: (el.innerText || el.value || el.getAttribute("aria-label") || "").trim().slice(0, 60),
    visible: outline || shadow,
  };
}"""


class Keyboard:
    """Moves the focus with Tab and checks that each focused control shows it."""

    def __init__(self, page):
        self.page = page
        self.reached: list[str] = []
        self.invisible: list[str] = []

    def focused(self) -> dict | None:
        return self.page.evaluate(FOCUSED)

    def tab_to(self, selector: str, *, back: bool = False, limit: int = 250) -> None:
        """Press Tab (or Shift+Tab) until the element matching ``selector`` has the focus."""
        for _ in range(limit):
            self.page.keyboard.press("Shift+Tab" if back else "Tab")
            focused = self.focused()
            if focused is None:
                continue
            label = f"{focused['tag']}#{focused['id']}[{focused['name']}] {focused['text']!r}"
            if not focused["visible"]:
                self.invisible.append(f"{self.page.url}: {label}")
            if self.page.evaluate("(s) => document.activeElement.matches(s)", selector):
                self.reached.append(selector)
                return
        raise AssertionError(f"{selector} cannot be reached with the keyboard on {self.page.url}")

    def type_into(self, selector: str, text: str, *, back: bool = False) -> None:
        self.tab_to(selector, back=back)
        self.page.keyboard.press("Control+A")
        self.page.keyboard.type(text)

    def activate(self, selector: str, key: str = "Enter", *, back: bool = False) -> None:
        self.tab_to(selector, back=back)
        self.page.keyboard.press(key)

    def autocomplete(self, field: str, search: str, option: str) -> None:
        """Open an admin autocomplete (select2) with Enter, search, choose with Enter."""
        self.tab_to(f"#id_{field} + .select2-container .select2-selection")
        self.page.keyboard.press("Enter")
        # select2 opens and moves the focus to its search box.
        search_box = ".select2-container--open .select2-search__field"
        self.page.wait_for_function("(s) => document.activeElement.matches(s)", arg=search_box)
        self.page.keyboard.type(search)
        highlighted = self.page.locator(".select2-results__option--highlighted")
        highlighted.filter(has_text=option).wait_for()
        self.page.keyboard.press("Enter")
        assert option in self.page.locator(f"#select2-id_{field}-container").inner_text()

    def choose(self, selector: str, value: str) -> None:
        """Pick an option of a native <select> with the arrow keys."""
        self.tab_to(selector)
        values = self.page.eval_on_selector_all(f"{selector} option", "os => os.map(o => o.value)")
        current = self.page.input_value(selector)
        steps = values.index(value) - values.index(current)
        for _ in range(abs(steps)):
            self.page.keyboard.press("ArrowDown" if steps > 0 else "ArrowUp")
        assert self.page.input_value(selector) == value


def attendee_list() -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Imię i nazwisko", "Organizacja", "Sektor", "E-mail", "Telefon", "Sesje"])
    sheet.append(["Tadeusz Klawiatura", "Gmina Stara Biała", "", "", "", "1, 2"])
    sheet.append(["Ula Tabulator", "", "", "", "", "1"])
    sheet.append(["Zenon Spacja", "", "", "", "", "2"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def choose_file_by_keyboard(page, keys, path) -> None:
    """Reach the import's file field with Tab and open its chooser with Space (once, under
    heavy load, Space went unanswered: Enter opens it as well), then choose ``path``."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

    keys.tab_to("#file")
    page.wait_for_load_state()
    try:
        with page.expect_file_chooser(timeout=10_000) as chooser:
            page.keyboard.press("Space")
    except PlaywrightTimeoutError:
        with page.expect_file_chooser() as chooser:
            page.keyboard.press("Enter")
    chooser.value.set_files(str(path))


def test_county_staff_flow_with_the_keyboard_only(portal, page, tmp_path):

    keys = Keyboard(page)

    # Log in: the skip to the form, the name, the password, Enter.
    page.goto(f"{portal}/admin/login/")
    keys.type_into("#id_username", STAFF_USERNAME)
    keys.type_into("#id_password", PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url == f"{portal}/admin/desk/"  # a login lands on the start page

    # To the cycles, then "add".
    with page.expect_navigation():
        keys.activate("a[href$='/admin/workshops/workshopcycle/']")
    with page.expect_navigation():
        keys.activate("a[href$='/admin/workshops/workshopcycle/add/']")

    keys.type_into("#id_slug", "2025-plocki-klawiatura")
    keys.type_into("#id_title", "Partnerstwo z klawiatury 2025")
    keys.autocomplete("programme", "2017", "Społeczno-Gospodarczego (2017)")
    keys.autocomplete("county", "płoc", "powiat płocki")
    keys.choose("#id_status", "in_progress")
    keys.type_into("#id_date_start", "2025-03-01")
    keys.type_into("#id_date_end", "2025-06-30")
    keys.type_into("#id_sessions_planned", "2")
    keys.type_into("#id_certificate_min_sessions", "1")
    for n in range(2):
        # "Add another session" inserts the row above the link: go back to its fields.
        keys.activate("#sessions-group .add-row a")
        page.locator(f"#id_sessions-{n}-ordinal").wait_for()
        keys.type_into(f"#id_sessions-{n}-ordinal", str(n + 1), back=True)
        keys.choose(f"#id_sessions-{n}-kind", "conference")
        keys.type_into(f"#id_sessions-{n}-date_start", f"2025-0{n + 3}-15")
        keys.type_into(f"#id_sessions-{n}-date_end", f"2025-0{n + 3}-15")
    with page.expect_navigation():
        keys.activate("input[name=_continue]")
    assert page.locator(".errornote").count() == 0, page.locator(".errornote").inner_text()
    assert re.search(r"/admin/workshops/workshopcycle/\d+/change/$", page.url)

    # Import: the file chooser opens with Space on the file field.
    with page.expect_navigation():
        keys.activate("a[href$='/import/']")
    xlsx = tmp_path / "lista.xlsx"
    xlsx.write_bytes(attendee_list())
    choose_file_by_keyboard(page, keys, xlsx)
    with page.expect_navigation():
        keys.activate("input[type=submit][value='Sprawdź plik']")
    assert "3" in page.locator("#preview-heading").locator("xpath=..").inner_text()
    with page.expect_navigation():
        keys.activate("input[type=submit][value^='3.']")
    assert page.url.endswith("/attendance/")
    rows = page.locator("table.register tbody tr")
    assert rows.count() == 3

    # Attendance: Ula came to session II as well.
    ula = rows.filter(has_text="Ula Tabulator").locator("input[type=checkbox]").nth(1)
    keys.activate(f"#{ula.get_attribute('id')}", "Space")
    assert ula.is_checked()
    with page.expect_navigation():
        keys.activate("input[type=submit][value='Zapisz obecność']")
    rows = page.locator("table.register tbody tr")
    assert rows.filter(has_text="Ula Tabulator").locator("td.register__count").inner_text() == "2"
    assert page.locator(".messagelist").inner_text().startswith("Zapisano listę obecności")

    # Certificates: the tab, the signatory, issue.
    with page.expect_navigation():
        keys.activate(".cycle-tabs a[href$='/certificates/']", back=True)
    keys.type_into("#issued_by", "Małgorzata Bombalicka, Dyrektor PUP w Płocku")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    certificates = page.locator("section[aria-labelledby=list-heading] tbody tr")
    assert certificates.count() == 3

    # The PDF of all of them, with Enter on the link.
    keys.tab_to("a[href$='/certificates/pdf/']", back=True)
    with page.expect_download() as download:
        page.keyboard.press("Enter")
    assert len(PdfReader(download.value.path()).pages) == 3

    # Revoke Zenon's certificate: the reason, then the Revoke button.
    zenon = certificates.filter(has_text="Zenon Spacja")
    reason = zenon.locator("input[name=reason]").get_attribute("id")
    keys.type_into(f"#{reason}", "Błędne nazwisko")
    with page.expect_navigation():
        keys.activate(f"tr:has(#{reason}) button[name=revoke]")
    assert "unieważn" in page.locator(".messagelist").inner_text().lower()

    assert not keys.invisible, "Focus not visible on:\n" + "\n".join(keys.invisible)


def type_date(keys, selector: str, iso: str) -> None:
    """Type a day into a date field, digits only: in the order the field shows it
    (Chromium follows its own interface language: day first in Polish, month first in
    English), so the other order is tried when the first does not give the day."""
    year, month, day = iso.split("-")
    page = keys.page
    keys.tab_to(selector)  # Tab lands on the field's first part
    page.keyboard.type(day + month + year)
    if page.input_value(selector) == iso:
        return
    # Tab moves between the field's parts: leave it backwards, come back to its first.
    for _ in range(6):
        page.keyboard.press("Shift+Tab")
        if not page.evaluate("(s) => document.activeElement.matches(s)", selector):
            break
    keys.tab_to(selector)
    page.keyboard.type(month + day + year)
    assert page.input_value(selector) == iso, f"{iso} could not be typed into {selector}"


def test_issue_12_screens_with_the_keyboard_only(portal, page, tmp_path):
    """The screens issue 12 added, by keyboard: the start page's "new cycle", the guided
    form (a native select, date fields typed), the import, a whole
    session ticked by its "all" button, the search, a sign-in sheet, certificates with a
    date of issue typed, and the e-mail to the attendees."""

    keys = Keyboard(page)
    page.goto(f"{portal}/admin/login/")
    keys.type_into("#id_username", STAFF_USERNAME)
    keys.type_into("#id_password", PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    with page.expect_navigation():
        keys.activate("a.desk__new")

    edition = page.locator("#id_programme option", has_text="2017").get_attribute("value")
    keys.choose("#id_programme", edition)
    keys.type_into("#id_title", "Cykl z klawiatury, nowy formularz")
    type_date(keys, "#id_date_start", "2017-03-01")
    type_date(keys, "#id_date_end", "2017-11-30")
    keys.type_into("#id_certificate_min_sessions", "1")
    with page.expect_navigation():
        keys.activate("button[value=prepare]")
    type_date(keys, "#id_sessions-0-date", "2017-03-15")
    with page.expect_navigation():
        keys.activate("button[value=save]")
    assert re.search(r"/admin/workshops/workshopcycle/\d+/change/$", page.url)

    with page.expect_navigation():
        keys.activate("a[href$='/import/']")
    xlsx = tmp_path / "lista.xlsx"
    book = openpyxl.Workbook()
    book.active.append(["Imię i nazwisko", "E-mail", "Zgoda na e-mail", "Sesje"])
    book.active.append(["Ula Tabulator", "ula@example.org", "tak", "2"])
    book.active.append(["Zenon Spacja", "", "", ""])
    book.save(xlsx)
    choose_file_by_keyboard(page, keys, xlsx)
    with page.expect_navigation():
        keys.activate("input[type=submit][value='Sprawdź plik']")
    with page.expect_navigation():
        keys.activate("input[type=submit][value^='3.']")
    assert page.url.endswith("/attendance/")

    # Session I for everyone with its "all" button, then the search.
    with page.expect_navigation():
        keys.activate(".register__session button[value^='tick:']")
    counts = page.locator("table.register tbody td.register__count").all_inner_texts()
    assert counts == ["2", "1"]  # Ula: I and II; Zenon: I
    keys.type_into("#register-q", "Zenon")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("table.register tbody tr").count() == 1
    keys.tab_to(".register__sheet", back=True)
    with page.expect_download() as download:
        page.keyboard.press("Enter")
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF-")

    # Certificates with a date of issue typed, then the e-mail to Ula.
    with page.expect_navigation():
        keys.activate(".cycle-tabs a[href$='/certificates/']", back=True)
    keys.type_into("#issued_by", "Dyrektor PUP w Płocku")
    type_date(keys, "#issued_on", "2017-11-20")
    with page.expect_navigation():
        keys.activate("#content form input[type=submit].default")
    assert page.locator("section[aria-labelledby=list-heading] tbody tr").count() == 2
    with page.expect_navigation():
        keys.activate("#mail-all")
    assert page.locator("#mail-refresh").count() == 1

    assert not keys.invisible, "Focus not visible on:\n" + "\n".join(keys.invisible)
