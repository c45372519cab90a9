"""The README's screenshots of the public pages, from a running portal.

    make run                                   # in another terminal
    .venv/bin/python scripts/screenshots.py    # --base http://127.0.0.1:8000

Headless Chromium from Debian (``--chrome``, default ``/usr/bin/chromium``) driven by
Playwright, at 1366 px (a laptop) and 390 px (a phone) wide; each page from its top, cut at
the height given below so that the PNGs stay small; written to ``docs/screenshots/``.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "screenshots"
# name: (path, width, height of the picture)
SHOTS = {
    "home": ("/", 1366, 2000),
    "home-390": ("/", 390, 3000),
    "counties": ("/powiaty/", 1366, 1150),
    "counties-390": ("/powiaty/", 390, 1500),
    "county": ("/powiaty/plocki/", 1366, 1300),
    "county-390": ("/powiaty/plocki/", 390, 2200),
    "catalogue": ("/projekty/?scope=all", 1366, 1700),
    "catalogue-390": ("/projekty/?scope=all", 390, 3000),
    "project": ("/projekty/dowozik/", 1280, 1300),
    "cycle-en": ("/en/workshop-cycles/wlosg-2017-plocki/", 1280, 1400),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base", default="http://127.0.0.1:8000")
    parser.add_argument("--chrome", default="/usr/bin/chromium")
    parser.add_argument("names", nargs="*", help="only these shots (default: all)")
    args = parser.parse_args()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=args.chrome, args=["--no-sandbox", "--disable-gpu"]
        )
        for name, (path, width, height) in SHOTS.items():
            if args.names and name not in args.names:
                continue
            page = browser.new_page(viewport={"width": width, "height": 900})
            page.goto(args.base.rstrip("/") + path)
            full = page.evaluate("document.documentElement.scrollHeight")
            page.screenshot(
                path=OUT / f"{name}.png",
                full_page=True,
                clip={"x": 0, "y": 0, "width": width, "height": min(height, full)},
            )
            page.close()
            print(f"docs/screenshots/{name}.png  {width}×{min(height, full)}")
        browser.close()


if __name__ == "__main__":
    main()
