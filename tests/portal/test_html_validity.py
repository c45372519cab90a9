"""The W3C Nu Html Checker finds no error on any page of the sitemap, in either language.

Every address in ``/sitemap.xml`` and the sitemaps it lists (Polish and English) is
rendered with the test client and the pages are checked together in one run of the
checker (one JVM for all of them: seconds, not minutes). The checker is ``vnu-jar`` from
npm, pinned in ``package.json``; ``make test`` and ``.ci/run`` install it (``npm ci``) and
Java. Never skipped: without the checker this test fails, saying how to install it.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import urlsplit

import pytest

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
SITEMAP_NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def sitemap_paths(client) -> list[str]:
    """Every page address of the sitemap index and of the sitemaps it lists."""
    index = ET.fromstring(client.get("/sitemap.xml").content)  # noqa: S314 - our own
    paths: list[str] = []
    for section in index.findall("s:sitemap/s:loc", SITEMAP_NS):
        urlset = ET.fromstring(client.get(urlsplit(section.text).path).content)  # noqa: S314
        for loc in urlset.findall("s:url/s:loc", SITEMAP_NS):
            paths.append(urlsplit(loc.text).path)
    return paths


def nu_check(directory: Path) -> list[dict]:
    """The checker's errors for every ``.html`` file under ``directory``."""
    java = shutil.which("java")
    assert java, "Java is missing: apt-get install default-jre-headless (.ci/run does)"
    assert VNU.exists(), f"{VNU.relative_to(ROOT)} is missing: run `npm ci` (make test does)"
    result = subprocess.run(  # noqa: S603
        [
            java,
            "-Xss1m",
            "-jar",
            str(VNU),
            "--errors-only",
            "--format",
            "json",
            "--exit-zero-always",
            str(directory),
        ],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    return json.loads(result.stderr or '{"messages": []}')["messages"]


def test_every_sitemap_page_passes_the_nu_html_checker(client, tmp_path):
    paths = sitemap_paths(client)
    languages = {path.startswith("/en/") for path in paths}
    assert languages == {True, False} and len(paths) > 100
    names = {}
    for number, path in enumerate(paths):
        response = client.get(path)
        assert response.status_code == 200, path
        name = tmp_path / f"page-{number:05d}.html"
        name.write_bytes(response.content)
        names[name.name] = path
    errors = [
        f"{names.get(Path(message.get('url', '')).name)}:{message.get('lastLine')}: "
        f"{message.get('message')}"
        for message in nu_check(tmp_path)
        if message.get("type") == "error" or message.get("subType") == "fatal"
    ]
    assert not errors, f"{len(errors)} errors in {len(paths)} pages:\n" + "\n".join(errors[:50])
