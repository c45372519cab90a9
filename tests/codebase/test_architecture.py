"""The apps depend one way (import-linter contracts in pyproject.toml).

``portal``, ``reports``, ``opendata`` and ``api`` may use the domain apps; ``projects`` may use
``workshops`` and ``programmes``; ``workshops`` may use ``programmes``; never the other way.
``accounts`` and the project's infrastructure modules use nothing above ``programmes``,
and no template tag imports a view.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
PACKAGES = [
    "partnership",
    "accounts",
    "programmes",
    "workshops",
    "projects",
    "portal",
    "reports",
    "opendata",
    "api",
]


def lint(where: Path) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 - our own interpreter and arguments
        [str(Path(sys.executable).parent / "lint-imports"), "--no-cache"],
        cwd=where,
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(where), "PATH": str(Path(sys.executable).parent)},
        check=False,
    )


def test_the_project_keeps_its_contracts():
    result = lint(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 3 kept, 0 broken." in result.stdout


def test_an_import_against_the_direction_is_caught(tmp_path):
    """The same contracts on a copy of the code with one import planted the wrong way."""
    for package in PACKAGES:
        shutil.copytree(
            ROOT / package,
            tmp_path / package,
            ignore=shutil.ignore_patterns("__pycache__", "migrations", "*.mo", "*.po"),
        )
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    facts = tmp_path / "programmes" / "facts.py"
    facts.write_text(facts.read_text() + "\nfrom workshops import models as _wrong_way  # noqa\n")
    result = lint(tmp_path)
    assert result.returncode != 0
    assert "programmes.facts -> workshops.models" in result.stdout
