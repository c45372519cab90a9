"""Short functions with one job: no function in the application code is longer than
``LONGEST`` lines (its docstring and decorators' arguments included). Migrations are
generated; scripts under ``benchmarks/`` and ``scripts/`` are not application code."""

from __future__ import annotations

import ast
from pathlib import Path

from tests.codebase.test_architecture import PACKAGES, ROOT

LONGEST = 50


def long_functions(source: str, path: str) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            length = node.end_lineno - node.lineno + 1
            if length > LONGEST:
                found.append(f"{path}:{node.lineno} {node.name}() has {length} lines")
    return found


def application_modules():
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path


def test_no_application_function_is_longer_than_the_limit():
    found = []
    for path in application_modules():
        found += long_functions(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT)))
    assert found == []


def test_a_long_function_is_caught():
    body = "\n".join(f"    x{n} = {n}" for n in range(LONGEST))
    assert long_functions(f"def short():\n    pass\n\ndef long():\n{body}\n", "m.py") == [
        f"m.py:4 long() has {LONGEST + 1} lines"
    ]


def test_every_package_is_looked_at():
    looked_at = {Path(path).relative_to(ROOT).parts[0] for path in application_modules()}
    assert looked_at == set(PACKAGES)
