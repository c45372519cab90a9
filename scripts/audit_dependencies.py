"""Audit the pinned dependencies against vulnerability advisories (``make audit``).

1. Checks that ``.venv`` holds exactly the versions pinned in ``pyproject.toml``.
2. Lists every installed distribution (the pins and what they pulled in), without the
   portal itself, as ``name==version`` lines.
3. Runs pip-audit on that list against each advisory service in turn (``AUDIT_SERVICES``,
   default ``pypi,osv``) until one answers for every package.

Exit status: 0 audited, no known vulnerabilities; 1 vulnerabilities found (listed);
2 **not audited** — no service could be reached or one skipped some packages (pip-audit
itself reports "No known vulnerabilities found" when PyPI's JSON API answers 404 for
every package, so its own status is not trusted), or ``.venv`` does not match the pins.

Run with ``.venv/bin/python scripts/audit_dependencies.py`` (pip-audit is a dev dependency).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = ROOT / "pyproject.toml"
AUDITED = 0
VULNERABLE = 1
NOT_AUDITED = 2


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def pinned_requirements(pyproject: Path = PYPROJECT) -> dict[str, str]:
    """``{name: version}`` of every ``name==version`` (extras dropped) in pyproject.toml."""
    project = tomllib.loads(pyproject.read_text())["project"]
    lines = list(project.get("dependencies", []))
    for extra in project.get("optional-dependencies", {}).values():
        lines += extra
    pins = {}
    for line in lines:
        match = re.fullmatch(r"\s*([A-Za-z0-9_.-]+)(?:\[[^\]]*\])?\s*==\s*([^\s;]+)\s*", line)
        if match:
            pins[canonical(match.group(1))] = match.group(2)
    return pins


def installed_distributions() -> dict[str, str]:
    """``{name: version}`` of what this interpreter's environment holds, editables left out."""
    frozen = subprocess.run(  # noqa: S603 - this interpreter's own pip, fixed arguments
        [sys.executable, "-m", "pip", "freeze", "--exclude-editable", "--all"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    installed = {}
    for line in frozen.splitlines():
        if "==" in line:
            name, version = line.split("==", 1)
            installed[canonical(name)] = version.strip()
    return installed


def mismatched_pins(pins: dict[str, str], installed: dict[str, str]) -> list[str]:
    return [
        f"{name}=={version} is pinned, {installed.get(name, 'nothing')} is installed"
        for name, version in sorted(pins.items())
        if installed.get(name) != version
    ]


@dataclass
class Outcome:
    status: int
    service: str
    audited: list[str] = field(default_factory=list)
    skipped: dict[str, str] = field(default_factory=dict)
    vulnerabilities: dict[str, list[str]] = field(default_factory=dict)
    reason: str = ""


def interpret(service: str, returncode: int, report: str, errors: str) -> Outcome:
    """What one pip-audit run established. Anything short of every package audited is
    NOT_AUDITED, whatever pip-audit's own exit status says."""
    try:
        data = json.loads(report)
        dependencies = data["dependencies"]
    except (ValueError, KeyError, TypeError):
        last = next((line for line in reversed(errors.splitlines()) if line.strip()), "")
        return Outcome(
            NOT_AUDITED, service, reason=f"pip-audit gave no report ({last or returncode})"
        )
    outcome = Outcome(AUDITED, service)
    for dependency in dependencies:
        name = dependency.get("name", "?")
        if "skip_reason" in dependency:
            outcome.skipped[name] = dependency["skip_reason"]
            continue
        outcome.audited.append(name)
        ids = [vuln["id"] for vuln in dependency.get("vulns", [])]
        if ids:
            outcome.vulnerabilities[f"{name} {dependency.get('version', '')}".strip()] = ids
    if not dependencies:
        outcome.status, outcome.reason = NOT_AUDITED, "pip-audit listed no packages"
    elif outcome.skipped:
        outcome.status = NOT_AUDITED
        outcome.reason = (
            f"{len(outcome.skipped)} of {len(dependencies)} packages could not be checked"
        )
    elif outcome.vulnerabilities:
        outcome.status = VULNERABLE
    return outcome


def run_pip_audit(requirements: Path, service: str) -> Outcome:
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "report.json"
        result = subprocess.run(  # noqa: S603 - this interpreter's pip-audit, fixed arguments
            [
                sys.executable,
                "-m",
                "pip_audit",
                "--requirement",
                str(requirements),
                "--no-deps",
                "--disable-pip",
                "--vulnerability-service",
                service,
                "--format",
                "json",
                "--output",
                str(report),
                "--progress-spinner",
                "off",
                "--timeout",
                os.environ.get("AUDIT_TIMEOUT", "20"),
            ],
            capture_output=True,
            text=True,
        )
        text = report.read_text() if report.exists() else ""
    return interpret(service, result.returncode, text, result.stderr)


def main() -> int:
    pins = pinned_requirements()
    installed = installed_distributions()
    mismatches = mismatched_pins(pins, installed)
    if mismatches:
        print("not audited: .venv does not hold the pinned versions (run make):")
        for line in mismatches:
            print(f"  {line}")
        return NOT_AUDITED
    own = canonical(tomllib.loads(PYPROJECT.read_text())["project"]["name"])
    installed.pop(own, None)
    services = [s.strip() for s in os.environ.get("AUDIT_SERVICES", "pypi,osv").split(",")]
    outcomes = []
    with tempfile.TemporaryDirectory() as tmp:
        requirements = Path(tmp) / "requirements.txt"
        requirements.write_text(
            "".join(f"{name}=={version}\n" for name, version in sorted(installed.items()))
        )
        for service in filter(None, services):
            outcome = run_pip_audit(requirements, service)
            outcomes.append(outcome)
            if outcome.status != NOT_AUDITED:
                break
    final = outcomes[-1] if outcomes else Outcome(NOT_AUDITED, "-", reason="no service")
    if final.status == NOT_AUDITED:
        print(f"not audited: no advisory service checked all {len(installed)} packages")
        for outcome in outcomes:
            print(f"  {outcome.service}: {outcome.reason}")
            for name, reason in sorted(outcome.skipped.items())[:5]:
                print(f"    {name}: {reason}")
        return NOT_AUDITED
    count = len(final.audited)
    if final.status == VULNERABLE:
        print(f"vulnerable: {len(final.vulnerabilities)} of {count} packages ({final.service})")
        for package, ids in sorted(final.vulnerabilities.items()):
            print(f"  {package}: {', '.join(ids)}")
        return VULNERABLE
    print(f"audited: {count} packages against {final.service}, no known vulnerabilities")
    return AUDITED


if __name__ == "__main__":
    sys.exit(main())
