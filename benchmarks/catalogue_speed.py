"""What the catalogue's speed tricks (projects/catalogue_speed.py) buy, measured.

Times the catalogue uncached (``CACHE_BACKEND=dummy``) through Django's test client,
as it is and with each trick replaced by the plain way: Django's ``Select`` instead of
``FastSelect``, a grouped query per facet instead of ``GROUPING SETS``. Per request: the
CPU of this Python process and, on PostgreSQL, of its database backend (from
``/proc/<pid>/stat``); medians of ``--rounds`` batches of ``--batch`` requests, the
variants interleaved so that a busy machine slows them alike. DEBUG is off, as in
production. Needs national data:

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/partnership_synth
    .venv/bin/python manage.py migrate && .venv/bin/python manage.py loadrecords
    .venv/bin/python manage.py generate_synthetic_data --scale 1.0 --allow-real-records
    .venv/bin/python benchmarks/catalogue_speed.py --rounds 20 --batch 8
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import os
import secrets
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "partnership.settings")
# As in production (DEBUG off: Django's template debugging would slow its Select more),
# with the static files collected into a temporary directory; no cache.
os.environ["DEBUG"] = "0"
os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
os.environ["STATIC_ROOT"] = tempfile.mkdtemp(prefix="catalogue-speed-static-")
os.environ["CACHE_BACKEND"] = "dummy"

import django  # noqa: E402

django.setup()

from django import forms  # noqa: E402
from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

from projects import catalogue_speed, filters  # noqa: E402

ADDRESSES = {
    "unfiltered": "/projekty/",
    "status and theme": "/projekty/?status=completed&theme=edukacja&page=2",
    "one county": "/projekty/?scope=all&county=plocki",
}
SELECTS = ("county", "programme", "status", "theme", "ordering")


@contextlib.contextmanager
def django_select():
    for name in SELECTS:
        filters.ProjectIdeaFilter.base_filters[name].extra["widget"] = forms.Select
    try:
        yield
    finally:
        for name in SELECTS:
            filters.ProjectIdeaFilter.base_filters[name].extra["widget"] = (
                catalogue_speed.FastSelect
            )


@contextlib.contextmanager
def query_per_facet():
    def counts(filterset):
        return catalogue_speed.facet_counts(filterset, grouping_sets=False)

    filters.facet_counts = counts
    try:
        yield
    finally:
        filters.facet_counts = catalogue_speed.facet_counts


VARIANTS = {
    "as it is": contextlib.nullcontext,
    "Django's Select": django_select,
    "a query per facet": query_per_facet,
}


@functools.cache
def backend_pid() -> int | None:
    """The process id of this connection's PostgreSQL backend (None elsewhere)."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def backend_cpu_ms() -> float:
    """CPU time so far of this connection's PostgreSQL backend (0 elsewhere)."""
    if backend_pid() is None:
        return 0.0
    with open(f"/proc/{backend_pid()}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) * 1000 / os.sysconf("SC_CLK_TCK")


def batch(client: Client, address: str, n: int) -> tuple[float, float]:
    """Python and database CPU ms per request over ``n`` requests."""
    python, database = time.process_time(), backend_cpu_ms()
    for _ in range(n):
        assert client.get(address).status_code == 200
    return (
        (time.process_time() - python) * 1000 / n,
        (backend_cpu_ms() - database) / n,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--batch", type=int, default=8)
    args = parser.parse_args()
    setup_test_environment()
    call_command("collectstatic", interactive=False, verbosity=0)
    try:
        results = measure(args.rounds, args.batch)
    finally:
        shutil.rmtree(settings.STATIC_ROOT)
    report(results)


def measure(rounds: int, size: int) -> dict:
    client = Client()
    results = {(v, a): [] for v in VARIANTS for a in ADDRESSES}
    for _ in range(rounds):
        for variant, replaced in VARIANTS.items():
            with replaced():
                for label, address in ADDRESSES.items():
                    client.get(address)  # the variant's first request is not counted
                    results[(variant, label)].append(batch(client, address, size))
    return results


def report(results) -> None:
    print(f"{connection.vendor}; CPU ms per request, Python + database, medians")
    for label in ADDRESSES:
        print(f"\n{label}: {ADDRESSES[label]}")
        base = None
        for variant in VARIANTS:
            rows = results[(variant, label)]
            python = statistics.median(r[0] for r in rows)
            database = statistics.median(r[1] for r in rows)
            total = statistics.median(r[0] + r[1] for r in rows)
            base = base or total
            print(
                f"  {variant:20} {python:7.2f} + {database:6.2f} = {total:7.2f}"
                f"  ({(total / base - 1) * 100:+.0f} %)"
            )


if __name__ == "__main__":
    main()
