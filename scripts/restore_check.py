#!/usr/bin/env python3
"""Prove a backup restores: ``pg_restore`` it into a fresh database and compare every table.

    .venv/bin/python scripts/restore_check.py backups/partnership-x-20261125T071500Z.dump \\
        --server-url postgres://postgres@127.0.0.1:5432/postgres
    .venv/bin/python scripts/restore_check.py --dir /var/backups/partnership  # the newest

Creates ``restore_check_<pid>`` on the server of ``--server-url`` (default: the server of
``DATABASE_URL``), restores the dump into it with ``pg_restore --no-owner --no-privileges
--exit-on-error``, counts the rows of every table and reads every sequence, and compares
them with the ``….counts.json`` that ``scripts/backup.py`` wrote from the dump's own
snapshot: every table must be there with the same number of rows, and every sequence at the
same value (a sequence behind its table's ids would make the next insert fail). With
``--source-url`` it also prints the live source's counts beside them, for information (a
live database may have changed since the dump). The restored database is dropped at the end
unless ``--keep-db``. A table printed with ``≠`` fails the check.

Exit status: 0 when the restore is complete.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent))

from backup import libpq_url, snapshot_counts  # noqa: E402


def on_database(url: str, name: str) -> str:
    return urlsplit(url)._replace(path=f"/{name}").geturl()


def counts_of(url: str) -> dict:
    with psycopg.connect(url) as connection:
        return snapshot_counts(connection)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("dump", nargs="?", help="a .dump file (default: newest in --dir)")
    parser.add_argument("--dir", default=os.environ.get("BACKUP_DIR", "backups"))
    parser.add_argument("--server-url", default=os.environ.get("DATABASE_URL", ""))
    parser.add_argument("--source-url", default="", help="also show the live source's counts")
    parser.add_argument("--keep-db", action="store_true")
    parser.add_argument("--pg-restore", default=shutil.which("pg_restore") or "pg_restore")
    args = parser.parse_args()

    if args.dump:
        dump = Path(args.dump)
    else:
        dumps = sorted(Path(args.dir).glob("partnership-*.dump"))
        if not dumps:
            parser.error(f"no dump in {args.dir}")
        dump = dumps[-1]
    expected_file = dump.with_suffix(".counts.json")
    if not expected_file.exists():
        parser.error(f"{expected_file} is missing: make dumps with scripts/backup.py")
    expected = json.loads(expected_file.read_text())
    if not args.server_url:
        parser.error("give --server-url (or DATABASE_URL)")

    server = libpq_url(args.server_url)
    name = f"restore_check_{os.getpid()}"
    admin_url = on_database(server, "postgres")
    restored_url = on_database(server, name)
    started = time.monotonic()
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        restore = subprocess.run(  # noqa: S603 - pg_restore with our own arguments
            [
                args.pg_restore,
                "--no-owner",
                "--no-privileges",
                "--exit-on-error",
                f"--dbname={restored_url}",
                str(dump),
            ],
            check=False,
        )
        restore_s = time.monotonic() - started
        if restore.returncode != 0:
            print(f"pg_restore failed with status {restore.returncode}")
            return 1
        restored = counts_of(restored_url)
        live = counts_of(libpq_url(args.source_url)) if args.source_url else None
    finally:
        if not args.keep_db:
            with psycopg.connect(admin_url, autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    print(
        f"{dump.name} ({dump.stat().st_size / 1e6:.1f} MB) restored into {name} "
        f"in {restore_s:.1f} s\n"
    )
    header = f"{'table':52} {'at dump':>10} {'restored':>10}"
    print(header + (f" {'live now':>10}" if live else ""))
    bad = []
    for table in sorted(set(expected["tables"]) | set(restored["tables"])):
        want = expected["tables"].get(table)
        got = restored["tables"].get(table)
        mark = "=" if want == got else "≠"
        if want != got:
            bad.append(table)
        line = f"{table:52} {want if want is not None else '-':>10} {mark} "
        line += f"{got if got is not None else '-':>8}"
        if live:
            line += f" {live['tables'].get(table, '-'):>10}"
        print(line)
    sequences_bad = [
        sequence
        for sequence, value in expected["sequences"].items()
        if restored["sequences"].get(sequence) != value
    ]
    total_expected = sum(expected["tables"].values())
    total_restored = sum(restored["tables"].values())
    print(
        f"\n{len(expected['tables'])} tables, {total_expected:,} rows at dump time, "
        f"{total_restored:,} restored; {len(bad)} table(s) differ; "
        f"{len(expected['sequences']) - len(sequences_bad)}/{len(expected['sequences'])} "
        f"sequences equal"
    )
    ok = not bad and not sequences_bad
    print(f"restore check: {'PASS' if ok else 'FAIL'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
