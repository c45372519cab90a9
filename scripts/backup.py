#!/usr/bin/env python3
"""Back up the portal's PostgreSQL database: ``pg_dump`` in custom format, with row counts.

    DATABASE_URL=postgres://portal@db.example.pl/partnership .venv/bin/python scripts/backup.py \\
        --dir /var/backups/partnership --keep 14

Writes ``partnership-<database>-<UTC time>.dump`` (``pg_dump --format=custom``, restorable
with ``pg_restore``, table by table if need be) and beside it ``….counts.json``: the number
of rows in every table and the value of every sequence, read **in the same snapshot** as
the dump (the script exports a repeatable-read snapshot and hands it to ``pg_dump
--snapshot``), so ``scripts/restore_check.py`` can prove a restore complete even while the
portal keeps writing. A dump is written under a temporary name and renamed when complete,
so a failed run never leaves a file that looks like a backup. Only the newest ``--keep``
dumps of that database are kept. Needs ``pg_dump`` of the server's major version (or newer)
and psycopg (the portal's virtualenv has it).

Exit status: 0 on success; the dump's path is printed last.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import psycopg
from psycopg import sql

TABLES = """
    SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema')
      AND n.nspname NOT LIKE 'pg_toast%%'
    ORDER BY 1, 2
"""
SEQUENCES = """
    SELECT schemaname, sequencename, last_value FROM pg_sequences
    WHERE schemaname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1, 2
"""


def snapshot_counts(connection) -> dict:
    """Rows of every table and the value of every sequence, as this transaction sees them."""
    tables = {}
    for schema, table in connection.execute(TABLES).fetchall():
        query = sql.SQL("SELECT count(*) FROM {}.{}").format(
            sql.Identifier(schema), sql.Identifier(table)
        )
        tables[f"{schema}.{table}"] = connection.execute(query).fetchone()[0]
    sequences = {
        f"{schema}.{name}": value
        for schema, name, value in connection.execute(SEQUENCES).fetchall()
    }
    return {"tables": tables, "sequences": sequences}


def libpq_url(url: str) -> str:
    """dj-database-url's ``postgres://`` and ``pgsql://`` are spelled as libpq accepts."""
    scheme, rest = url.split("://", 1)
    return "postgresql://" + rest if scheme in ("postgres", "pgsql", "postgresql") else url


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", ""))
    parser.add_argument("--dir", default=os.environ.get("BACKUP_DIR", "backups"))
    parser.add_argument("--keep", type=int, default=int(os.environ.get("BACKUP_KEEP", "14")))
    parser.add_argument("--pg-dump", default=shutil.which("pg_dump") or "pg_dump")
    args = parser.parse_args()
    if not args.database_url.startswith(("postgres://", "postgresql://", "pgsql://")):
        parser.error("give a PostgreSQL --database-url (or DATABASE_URL)")

    url = libpq_url(args.database_url)
    database = urlsplit(url).path.lstrip("/")
    target = Path(args.dir)
    target.mkdir(parents=True, exist_ok=True)
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
    dump = target / f"partnership-{database}-{stamp}.dump"
    partial = dump.with_suffix(".dump.partial")
    counts_file = dump.with_suffix(".counts.json")

    started = time.monotonic()
    with psycopg.connect(url) as connection:
        connection.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        snapshot = connection.execute("SELECT pg_export_snapshot()").fetchone()[0]
        # pg_dump reads the exported snapshot while this transaction keeps it alive.
        dumping = subprocess.Popen(  # noqa: S603 - pg_dump with our own arguments
            [
                args.pg_dump,
                "--format=custom",
                f"--snapshot={snapshot}",
                f"--file={partial}",
                f"--dbname={url}",
            ],
        )
        counts = snapshot_counts(connection)
        status = dumping.wait()
        connection.execute("COMMIT")
    if status != 0:
        partial.unlink(missing_ok=True)
        print(f"pg_dump failed with status {status}; no backup written", file=sys.stderr)
        return 1
    partial.rename(dump)
    counts_file.write_text(
        json.dumps({"database": database, "taken_at": stamp, "dump": dump.name, **counts}, indent=2)
    )

    dumps = sorted(target.glob(f"partnership-{database}-*.dump"))
    old = dumps[: -args.keep] if args.keep > 0 else []
    for stale in old:
        stale.unlink()
        stale.with_suffix(".counts.json").unlink(missing_ok=True)
    rows = sum(counts["tables"].values())
    print(
        f"{len(counts['tables'])} tables, {rows:,} rows, {dump.stat().st_size / 1e6:.1f} MB "
        f"in {time.monotonic() - started:.1f} s; {len(old)} older dump(s) removed"
    )
    print(dump)
    return 0


if __name__ == "__main__":
    sys.exit(main())
