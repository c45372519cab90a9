"""The attendance register in a real browser at 1,366 and 320 px: Polish order, session
columns with dates, a whole session ticked without JavaScript's help, the sign-in sheet
downloaded from its link. Screenshots go to ``REGISTER_SCREENSHOTS`` when it is set."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pypdfium2

NAMES = ["Żaneta Żak", "Zofia Zając", "Łukasz Łoś", "Ćwirosław Ćma", "Anna Nowak", "Śmigły Ś"]
IN_ORDER = ["Anna Nowak", "Ćwirosław Ćma", "Łukasz Łoś", "Śmigły Ś", "Zofia Zając", "Żaneta Żak"]


def shoot(page, name: str) -> None:
    folder = os.environ.get("REGISTER_SCREENSHOTS")
    if folder:
        page.screenshot(path=str(Path(folder) / name), full_page=True)


def test_register_sessions_and_sheet_in_the_browser(portal, staff_page, tmp_path):
    page = staff_page
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(f"{portal}/admin/workshops/workshopcycle/?q=wlosg-2017-plocki")
    page.locator("#result_list tbody tr th a").first.click()
    page.get_by_role("link", name="Import uczestników").first.click()
    listing = tmp_path / "lista.csv"
    rows = "\n".join(f"{name};Gmina Słupno;1" for name in NAMES)
    listing.write_text(f"Imię i nazwisko;Organizacja;Sesje\n{rows}\n", encoding="utf-8")
    page.set_input_files("#file", str(listing))
    page.get_by_role("button", name="Sprawdź plik").click()
    page.get_by_role("button", name=re.compile("Potwierdź")).click()
    page.wait_for_url(re.compile(r"/attendance/$"))

    names = page.locator("table.register tbody th").all_inner_texts()
    assert [n.split(" (")[0] for n in names] == IN_ORDER
    header = page.locator("table.register thead th").nth(1).inner_text()
    assert header.startswith("I\n25 maja 2017")

    # "wszyscy" under session II: every row of the page ticked and saved.
    with page.expect_navigation():
        page.get_by_role("button", name=re.compile("zaznacz sesję II wszystkim")).click()
    assert "Sesję II zaznaczono 6 uczestnikom" in page.inner_text(".messagelist")
    counts = page.locator("table.register tbody td.register__count").all_inner_texts()
    assert counts == ["2"] * 6
    # The page itself does not scroll sideways at 1,366 px.
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366
    shoot(page, "register-1366.png")

    page.set_viewport_size({"width": 320, "height": 800})
    page.reload()
    # At 320 px the grid scrolls inside its own region; the buttons stay usable.
    region = page.locator(".register-scroll")
    assert region.evaluate("el => el.scrollWidth > el.clientWidth")
    assert page.get_by_role("button", name=re.compile("odznacz sesję II wszystkim")).is_visible()
    shoot(page, "register-320.png")

    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("Listy obecności wszystkich sesji")).click()
    document = pypdfium2.PdfDocument(download.value.path())
    text = document[0].get_textpage().get_text_range()
    positions = [text.index(name) for name in IN_ORDER]
    assert positions == sorted(positions)
    assert "Lista obecności" in text
