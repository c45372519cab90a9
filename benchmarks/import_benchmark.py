"""Time the attendee importer on a 10,000-row list against a bare ``bulk_create``.

Builds a list of attendees in memory as XLSX and as CSV, then times, best of ``--repeat``:

* reading each file (``attendee_file_parse``),
* importing the rows (``attendees_import``: checks, matching, bulk inserts),
* a bare ``Attendee.objects.bulk_create`` + ``Attendance.objects.bulk_create`` of the same
  rows, the floor any importer stands on,
* the same with django-simple-history's ``bulk_create_with_history`` (a Python object per
  audit-trail row); the importer writes the same audit trail with one ``INSERT … SELECT``
  per batch, so it can come in under this one,

and prints the times, the ratio import / bare (the target is at most 3), the ratio to the
floor with the audit trail, and the queries each step ran. Run it from the project root,
on the database DATABASE_URL names (SQLite file by default), which must be migrated:

    DEBUG=1 .venv/bin/python benchmarks/import_benchmark.py
    DEBUG=1 DATABASE_URL=postgres://postgres@127.0.0.1:5432/partnership \\
        .venv/bin/python benchmarks/import_benchmark.py

Everything runs inside one transaction that is rolled back at the end, so the database is
left as it was; if the cycle is missing, the Mazovian records are loaded inside that
transaction too. With ``--throwaway-db`` the script instead creates a fresh database
(in memory for SQLite, ``import_bench_<pid>`` on PostgreSQL), migrates it, runs there and
drops it: use that when the database does not exist or must not be touched.
Options: ``--rows N`` (default 10000), ``--repeat N`` (default 3), ``--cycle SLUG``.
``measure()`` does the timing; ``benchmarks/web_benchmark.py`` calls it too.
"""

from __future__ import annotations

import argparse
import io
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "partnership.settings")
os.environ.setdefault("DEBUG", "1")

import django  # noqa: E402

django.setup()

import openpyxl  # noqa: E402
from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402
from simple_history.utils import bulk_create_with_history  # noqa: E402

from programmes.models import Sector  # noqa: E402
from workshops.importing import attendee_file_parse, attendees_import  # noqa: E402
from workshops.models import Attendance, Attendee, WorkshopCycle  # noqa: E402

FIRST = ["Łukasz", "Anna", "Zofia", "Jan", "Małgorzata", "Grzegorz", "Ewa", "Piotr", "Żaneta"]
LAST = ["Żółć", "Nowak", "Wiśniewska", "Kowalski", "Dąbrowska", "Łęcki", "Szczęsna", "Ślusarz"]
ORGANISATIONS = ["Urząd Gminy w Słupnie", "GOK Bielsk", "Stowarzyszenie Źródło", ""]


def build_rows(count: int, ordinals: list[int]) -> list[list[str]]:
    rng = random.Random(2017)
    sectors = [str(label) for label in Sector.labels] + [""]
    rows = []
    for n in range(count):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        sessions = sorted(rng.sample(ordinals, rng.randint(1, min(4, len(ordinals)))))
        rows.append(
            [
                f"{first} {last} {n}",
                rng.choice(ORGANISATIONS),
                rng.choice(sectors),
                f"osoba{n}@example.org",
                f"+48 600 {n // 1000:03d} {n % 1000:03d}",
                ", ".join(map(str, sessions)),
            ]
        )
    return rows


HEADER = ["Imię i nazwisko", "Organizacja", "Sektor", "E-mail", "Telefon", "Sesje"]


def as_csv(rows) -> bytes:
    import csv

    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(HEADER)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8-sig")


def as_xlsx(rows) -> bytes:
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("Uczestnicy")
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def best_of(repeat: int, step) -> float:
    """The shortest of ``repeat`` runs of ``step``, each rolled back."""
    times = []
    for _ in range(repeat):
        with transaction.atomic():
            started = time.perf_counter()
            step()
            times.append(time.perf_counter() - started)
            transaction.set_rollback(True)
    return min(times)


def queries(step) -> int:
    with transaction.atomic(), CaptureQueriesContext(connection) as captured:
        step()
        transaction.set_rollback(True)
    return len(captured)


def bare_bulk_create(cycle, rows, session_ids, *, create=None):
    """The floor: the same rows straight into the tables, no checks, default batches.

    ``create=bulk_create_with_history`` adds the audit-trail copies the importer writes.
    """
    now = timezone.now()
    if create is None:

        def create(objs, model):
            return model.objects.bulk_create(objs)

    attendees = [
        Attendee(
            cycle=cycle,
            full_name=row["full_name"],
            organisation_name=row["organisation_name"],
            sector=row["sector"],
            email=row["email"],
            phone=row["phone"],
            created_at=now,
            updated_at=now,
        )
        for row in rows
    ]
    attendees = create(attendees, Attendee)
    attendances = [
        Attendance(
            attendee_id=attendee.pk,
            session_id=session_ids[ordinal],
            created_at=now,
            updated_at=now,
        )
        for attendee, row in zip(attendees, rows, strict=True)
        for ordinal in row["sessions"]
    ]
    create(attendances, Attendance)


def measure(*, cycle, rows: int = 10_000, repeat: int = 3) -> dict:
    """Time parsing and importing ``rows`` attendees into ``cycle`` against the bare
    floors, each step rolled back; returns the times (seconds), ratios and queries."""
    session_ids = dict(cycle.sessions.values_list("ordinal", "pk"))
    lines = build_rows(rows, sorted(session_ids))
    files = {"lista.xlsx": as_xlsx(lines), "lista.csv": as_csv(lines)}
    attendees_before = Attendee.objects.count()

    parse_times = {}
    for filename, content in files.items():
        started = time.perf_counter()
        for _ in range(repeat):
            preview = attendee_file_parse(cycle=cycle, filename=filename, content=content)
        parse_times[filename] = (time.perf_counter() - started) / repeat
        assert preview.is_valid, preview.errors[:5]
        assert preview.new_count == rows
    payload = preview.rows

    import_time = best_of(repeat, lambda: attendees_import(cycle=cycle, rows=payload))
    bare_time = best_of(repeat, lambda: bare_bulk_create(cycle, payload, session_ids))
    audited_time = best_of(
        repeat,
        lambda: bare_bulk_create(cycle, payload, session_ids, create=bulk_create_with_history),
    )
    import_queries = queries(lambda: attendees_import(cycle=cycle, rows=payload))
    bare_queries = queries(lambda: bare_bulk_create(cycle, payload, session_ids))
    assert Attendee.objects.count() == attendees_before
    return {
        "rows": rows,
        "attendance_marks": sum(len(row["sessions"]) for row in payload),
        "repeat": repeat,
        "file_bytes": {name: len(content) for name, content in files.items()},
        "parse_s": parse_times,
        "import_s": import_time,
        "bare_bulk_create_s": bare_time,
        "bulk_create_with_history_s": audited_time,
        "import_queries": import_queries,
        "bare_queries": bare_queries,
        "import_over_bare": import_time / bare_time,
        "import_over_bulk_create_with_history": import_time / audited_time,
    }


def run(options) -> None:
    cycle = WorkshopCycle.objects.filter(slug=options.cycle).first()
    if cycle is None:
        call_command("loadrecords", verbosity=0)
        cycle = WorkshopCycle.objects.get(slug=options.cycle)
    result = measure(cycle=cycle, rows=options.rows, repeat=options.repeat)
    files = result["file_bytes"]
    import_time, bare_time = result["import_s"], result["bare_bulk_create_s"]

    vendor = connection.vendor
    if vendor == "sqlite":
        import sqlite3

        vendor += f" {sqlite3.sqlite_version}"
    print(f"Database: {vendor} ({connection.settings_dict['NAME']})")
    print(
        f"Rows: {options.rows:,} attendees, {result['attendance_marks']:,} attendance marks; "
        f"best of {options.repeat}"
    )
    for filename, size in files.items():
        print(
            f"  parse {filename:<11} {result['parse_s'][filename]:7.3f} s   ({size / 1e6:.2f} MB)"
        )
    print(f"  attendees_import  {import_time:7.3f} s   {result['import_queries']} queries")
    print(f"  bare bulk_create  {bare_time:7.3f} s   {result['bare_queries']} queries")
    print(
        "  bare bulk_create_with_history (audit trail) "
        f"{result['bulk_create_with_history_s']:7.3f} s"
    )
    print(f"  import / bare     {result['import_over_bare']:7.2f} ×   (target ≤ 3)")
    print(
        f"  import / bare with audit trail {result['import_over_bulk_create_with_history']:7.2f} ×"
    )
    for filename in files:
        total = result["parse_s"][filename] + import_time
        print(f"  parse {filename} + import / bare {total / bare_time:7.2f} ×")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--cycle", default="wlosg-2017-plocki")
    parser.add_argument("--throwaway-db", action="store_true")
    options = parser.parse_args()
    # Time the code, not Django's query log (DEBUG=1 is only there for the secret key).
    settings.DEBUG = False

    old_config = None
    if options.throwaway_db:
        from django.test.utils import setup_databases, teardown_databases

        if connection.vendor != "sqlite":
            connection.settings_dict["TEST"]["NAME"] = f"import_bench_{os.getpid()}"
        old_config = setup_databases(verbosity=0, interactive=False, aliases={"default"})
    try:
        with transaction.atomic():
            run(options)
            transaction.set_rollback(True)
    finally:
        if old_config is not None:
            teardown_databases(old_config, verbosity=0)


if __name__ == "__main__":
    main()
