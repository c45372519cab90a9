"""``make audit`` (scripts/audit_dependencies.py): it passes only when an advisory service
checked every pinned package; unreachable services or skipped packages are "not audited"."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "audit_dependencies.py"

spec = importlib.util.spec_from_file_location("audit_dependencies", SCRIPT)
audit = importlib.util.module_from_spec(spec)
sys.modules[spec.name] = audit  # its dataclasses look their module up
spec.loader.exec_module(audit)


def report(*dependencies) -> str:
    return json.dumps({"dependencies": list(dependencies), "fixes": []})


CLEAN = {"name": "django", "version": "5.2.19", "vulns": []}
VULNERABLE = {"name": "pyyaml", "version": "5.3", "vulns": [{"id": "PYSEC-2021-142"}]}
SKIPPED = {
    "name": "asgiref",
    "skip_reason": "Dependency not found on PyPI and could not be audited: asgiref (3.13.0)",
}


def test_every_package_checked_and_clean_passes():
    outcome = audit.interpret("pypi", 0, report(CLEAN, CLEAN | {"name": "segno"}), "")
    assert outcome.status == audit.AUDITED
    assert outcome.audited == ["django", "segno"]


def test_vulnerabilities_fail_with_their_ids():
    outcome = audit.interpret("pypi", 1, report(CLEAN, VULNERABLE), "")
    assert outcome.status == audit.VULNERABLE
    assert outcome.vulnerabilities == {"pyyaml 5.3": ["PYSEC-2021-142"]}


@pytest.mark.parametrize(
    ("returncode", "text", "errors"),
    [
        # pip-audit's own verdict here is "No known vulnerabilities found", exit 0.
        (0, report(SKIPPED, SKIPPED | {"name": "django"}), ""),
        (0, report(CLEAN, SKIPPED), ""),
        (0, report(), ""),
        (1, "", "requests.exceptions.ConnectionError: Failed to resolve 'api.osv.dev'"),
        (1, "{not json", ""),
        (0, json.dumps({"fixes": []}), ""),
    ],
    ids=["all skipped", "one skipped", "no packages", "unreachable", "garbled", "no list"],
)
def test_anything_less_is_not_audited(returncode, text, errors):
    outcome = audit.interpret("osv", returncode, text, errors)
    assert outcome.status == audit.NOT_AUDITED
    assert outcome.reason


def test_pins_are_read_from_pyproject():
    pins = audit.pinned_requirements()
    assert pins["django"] == "5.2.19"
    assert pins["tablib"] == "3.10.0"  # tablib[xlsx]==3.10.0
    assert pins["pip-audit"] == "2.10.1"  # the dev extra too


def test_a_venv_that_differs_from_the_pins_is_reported():
    pins = {"django": "5.2.19", "redis": "8.1.0"}
    assert audit.mismatched_pins(pins, {"django": "5.2.19", "redis": "8.1.0"}) == []
    assert audit.mismatched_pins(pins, {"django": "5.2.1"}) == [
        "django==5.2.19 is pinned, 5.2.1 is installed",
        "redis==8.1.0 is pinned, nothing is installed",
    ]


def test_without_network_the_command_says_not_audited_and_fails():
    env = {key: value for key, value in os.environ.items() if "proxy" not in key.lower()}
    # Every request goes to a proxy where nothing listens: no advisory service is reachable.
    env.update(
        HTTPS_PROXY="http://127.0.0.1:9",
        HTTP_PROXY="http://127.0.0.1:9",
        AUDIT_TIMEOUT="5",
    )
    result = subprocess.run(  # noqa: S603
        [sys.executable, str(SCRIPT)],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == audit.NOT_AUDITED, result.stdout + result.stderr
    assert result.stdout.startswith("not audited")
    assert "no known vulnerabilities" not in result.stdout.lower()
