"""Time and peak memory of the attendee importer refusing hostile XLSX workbooks.

Builds each kind of hostile workbook (``tests/hostile_xlsx.py``: a declared dimension of
20 million rows, one row numbered 20 million, 95 MB of empty cells, a cell in column XFD,
10,001 rows, 19 MB of empty cells in unnumbered columns, 100,001 shared strings, 50,001
cell styles) and a valid 10,000-row list, and for each prints the file's size, the time
``attendee_file_parse`` takes to refuse it (or to preview the valid list), the peak of
the memory it allocated (tracemalloc, in a second run) and the outcome, as a table:

    DEBUG=1 .venv/bin/python benchmarks/hostile_xlsx.py
    DEBUG=1 .venv/bin/python benchmarks/hostile_xlsx.py --timeout 200 --throwaway-db

It runs inside one transaction that is rolled back, on the database DATABASE_URL names
(the Mazovian records are loaded into it, inside that transaction, when missing), or on a
fresh throwaway database with ``--throwaway-db``. A run longer than ``--timeout`` seconds
(default 150) is stopped and reported as such. The target: each hostile kind refused in
under 2 s.
"""

from __future__ import annotations

import argparse
import gc
import os
import signal
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "partnership.settings")
os.environ.setdefault("DEBUG", "1")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.exceptions import ValidationError  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import translation  # noqa: E402

from benchmarks.import_benchmark import as_xlsx, build_rows  # noqa: E402
from tests import hostile_xlsx  # noqa: E402
from workshops.importing import attendee_file_parse  # noqa: E402
from workshops.models import WorkshopCycle  # noqa: E402

TARGET_S = 2.0


class Stopped(BaseException):
    """Not an ``Exception``: the importer turns any exception from openpyxl into a refusal."""


def _stop(signum, frame):
    raise Stopped


def _parse(cycle, content: bytes) -> str:
    try:
        preview = attendee_file_parse(cycle=cycle, filename="lista.xlsx", content=content)
    except ValidationError as error:
        return f"refused ({error.code}): {' '.join(error.messages)}"
    return f"preview: {preview.new_count:,} new, {preview.error_count:,} errors"


def _run(cycle, content: bytes, *, timeout: int, trace: bool) -> tuple[float | None, str]:
    """The seconds one parse took, or with ``trace`` the peak of the memory it allocated
    (MB, tracemalloc); ``None`` when it was stopped after ``timeout`` seconds."""
    gc.collect()
    signal.signal(signal.SIGALRM, _stop)
    signal.alarm(timeout)
    if trace:
        tracemalloc.start()
    started = time.perf_counter()
    try:
        outcome = _parse(cycle, content)
        figure = time.perf_counter() - started
        if trace:
            figure = tracemalloc.get_traced_memory()[1] / 1e6
    except Stopped:
        return None, f"stopped after {timeout} s"
    finally:
        signal.alarm(0)
        tracemalloc.stop()
    return figure, outcome


def measure(cycle, content: bytes, *, timeout: int) -> dict:
    """Seconds (untraced), then peak memory (a second, traced run) of one parse."""
    seconds, outcome = _run(cycle, content, timeout=timeout, trace=False)
    peak, _outcome = _run(cycle, content, timeout=timeout, trace=True)
    return {"bytes": len(content), "seconds": seconds, "peak_mb": peak, "outcome": outcome}


def files(cycle) -> dict[str, bytes]:
    ordinals = sorted(cycle.sessions.values_list("ordinal", flat=True))
    built = {name: make() for name, make in hostile_xlsx.KINDS.items()}
    built["valid list of 10,000 rows"] = as_xlsx(build_rows(10_000, ordinals))
    return built


def run(options) -> bool:
    cycle = WorkshopCycle.objects.filter(slug=options.cycle).first()
    if cycle is None:
        call_command("loadrecords", verbosity=0)
        cycle = WorkshopCycle.objects.get(slug=options.cycle)
    print(f"{'workbook':<36} {'file':>9} {'time':>11} {'peak':>9}  outcome")
    met = True
    for name, content in files(cycle).items():
        result = measure(cycle, content, timeout=options.timeout)
        seconds, peak = result["seconds"], result["peak_mb"]
        hostile = not name.startswith("valid")
        met &= not hostile or (seconds is not None and seconds < TARGET_S)
        shown = f"{seconds * 1000:8.1f} ms" if seconds is not None else "—"
        print(
            f"{name:<36} {result['bytes'] / 1024:7.1f}kB {shown:>11} "
            f"{f'{peak:6.2f} MB' if peak is not None else '—':>9}  {result['outcome'][:100]}"
        )
    verdict = "met" if met else "MISSED"
    print(f"Target: each hostile workbook refused in under {TARGET_S:.0f} s: {verdict}")
    return met


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--timeout", type=int, default=150)
    parser.add_argument("--cycle", default="wlosg-2017-plocki")
    parser.add_argument("--throwaway-db", action="store_true")
    options = parser.parse_args()
    settings.DEBUG = False
    old_config = None
    if options.throwaway_db:
        from django.test.utils import setup_databases, teardown_databases

        if connection.vendor != "sqlite":
            connection.settings_dict["TEST"]["NAME"] = f"hostile_bench_{os.getpid()}"
        old_config = setup_databases(verbosity=0, interactive=False, aliases={"default"})
    try:
        with translation.override("en"), transaction.atomic():
            met = run(options)
            transaction.set_rollback(True)
    finally:
        if old_config is not None:
            teardown_databases(old_config, verbosity=0)
    sys.exit(0 if met else 1)


if __name__ == "__main__":
    main()
