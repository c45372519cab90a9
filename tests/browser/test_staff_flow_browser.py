"""The county staff flow in a real browser (Debian's Chromium driven by Playwright).

The portal runs as its own server process (``conftest.py``) on a throwaway SQLite database
with the Mazovian records, so the browser sees exactly what a user sees.
"""

from __future__ import annotations

import io
import re

import openpyxl
from pypdf import PdfReader


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


def test_county_staff_flow_in_the_browser(portal, staff_page, tmp_path):
    page = staff_page

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
    # 200 attendees: two pages of 100, each saved on its own.
    assert page.locator("table.register tbody tr").count() == 100
    assert "Wiersze 1–100 z 200 uczestników" in page.inner_text("#content")

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
