"""A running portal's open data, checked from outside as a reuser would: ``frictionless
validate <portal>/otwarte-dane/datapackage.json`` passes, the DCAT catalogue parses and a
conditional GET gives 304 (``scripts/check_open_data.py``, ``make check-open-data``).

The portal is the server the browser tests start (``tests/browser/conftest.py``): its own
process, DEBUG off, a throwaway SQLite database with the records.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.browser.conftest import (  # noqa: F401 - the running portal and its fixtures
    portal,
    portal_inbox,
    portal_manage,
)

ROOT = Path(__file__).resolve().parents[2]
FRICTIONLESS = Path(sys.executable).parent / "frictionless"


def run(*command: str) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 - our own tools, on our own server
        command, cwd=ROOT, capture_output=True, text=True, timeout=600, check=False
    )


def test_frictionless_validate_passes_against_the_running_portal(portal):  # noqa: F811
    result = run(str(FRICTIONLESS), "validate", f"{portal}/otwarte-dane/datapackage.json")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "projekty-csv" in result.stdout and "INVALID" not in result.stdout


def test_the_open_data_checks_pass_against_the_running_portal(portal):  # noqa: F811
    result = run(sys.executable, "scripts/check_open_data.py", portal)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "open data: all checks passed" in result.stdout
    assert "conditional GET with If-None-Match: 304" in result.stdout
    assert "conditional GET with If-Modified-Since: 304" in result.stdout
