"""The README stays short, the documentation's links lead somewhere, and nothing points outside
the project (the models diagram in docs/architecture.md: test_models_diagram.py)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
README = ROOT / "README.md"
DOCS = sorted((ROOT / "docs").glob("*.md"))
PAGES = [README, *DOCS]

FENCED = re.compile(r"^```.*?^```", re.MULTILINE | re.DOTALL)
INLINE_CODE = re.compile(r"`[^`\n]*`")
LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)\)")
HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*#*$", re.MULTILINE)


def prose(text: str) -> str:
    """Markdown without its code: fenced blocks and inline code."""
    return INLINE_CODE.sub("", FENCED.sub("", text))


def anchor(heading: str) -> str:
    """The anchor GitHub gives a heading: lower case, punctuation dropped, spaces as hyphens."""
    text = heading.replace("`", "").replace("*", "").strip().lower()
    return re.sub(r"[^\w\- ]", "", text).replace(" ", "-")


def anchors(path: Path) -> set[str]:
    return {anchor(heading) for heading in HEADING.findall(FENCED.sub("", path.read_text()))}


def broken_links(path: Path) -> list[str]:
    """The relative links of a Markdown file whose file, or heading, does not exist."""
    broken = []
    for target in LINK.findall(prose(path.read_text())):
        if re.match(r"^[a-z][a-z0-9+.-]*:", target):  # https:, mailto: …
            continue
        file_part, _, fragment = target.partition("#")
        linked = (path.parent / file_part).resolve() if file_part else path
        if not linked.exists():
            broken.append(f"{target} (no file {linked})")
        elif fragment and linked.suffix == ".md" and fragment not in anchors(linked):
            broken.append(f"{target} (no heading #{fragment} in {linked.name})")
    return broken


def test_the_documentation_pages_exist():
    names = {path.name for path in DOCS}
    assert {
        "architecture.md",
        "benchmarks.md",
        "contributing.md",
        "data.md",
        "deployment.md",
        "security.md",
        "staff.md",
    } <= names


def test_readme_is_short_and_names_the_two_commands():
    text = README.read_text()
    assert len(text.splitlines()) <= 200
    quick_start = text.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    commands = [line.split("#")[0].strip() for line in FENCED.findall(quick_start)[0].splitlines()]
    assert "make run" in commands
    assert "make test" in commands


def test_the_two_commands_are_make_targets():
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(r"^run:", makefile, re.MULTILINE)
    assert re.search(r"^test:", makefile, re.MULTILINE)


def test_readme_links_every_documentation_page():
    linked = set(LINK.findall(README.read_text()))
    for path in DOCS:
        assert f"docs/{path.name}" in linked, f"README does not link docs/{path.name}"


@pytest.mark.parametrize("path", PAGES, ids=lambda path: path.name)
def test_no_page_points_outside_the_project(path):
    assert "../shared" not in path.read_text()


@pytest.mark.parametrize("path", PAGES, ids=lambda path: path.name)
def test_every_relative_link_leads_to_a_file_and_heading(path):
    assert broken_links(path) == []


def test_a_broken_link_is_caught(tmp_path):
    (tmp_path / "there.md").write_text("# A heading\n\ntext\n")
    page = tmp_path / "page.md"
    page.write_text(
        "[fine](there.md) [fine too](there.md#a-heading) [web](https://example.org/x) "
        "`[code](nowhere.md)`\n\n[gone](nowhere.md) [no heading](there.md#elsewhere) "
        "![no image](img/missing.png) [own heading](#nothing)\n"
    )
    assert [link.split(" ")[0] for link in broken_links(page)] == [
        "nowhere.md",
        "there.md#elsewhere",
        "img/missing.png",
        "#nothing",
    ]


@pytest.mark.parametrize(
    ("heading", "expected"),
    [
        ("Daily jobs (cron)", "daily-jobs-cron"),
        (
            "For staff: roles, counties and the cycle screens",
            "for-staff-roles-counties-and-the-cycle-screens",
        ),
        ("Dane `otwarte` — Łosice", "dane-otwarte--łosice"),
    ],
)
def test_anchors_as_github_makes_them(heading, expected):
    assert anchor(heading) == expected
