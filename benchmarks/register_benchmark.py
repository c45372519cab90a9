"""Time saving the attendance register of a large cycle, page by page, as a clerk does.

Registers ``--attendees`` people (default 1,200) for a cycle of ``--sessions`` sessions
(default 6), then, through the screen itself (Django's test client: URL routing, the
admin's login check, form parsing, the service, the redirect and the next page), opens
every page of the register, ticks every box and saves it. Prints the pages, the fields
each form posted (Django refuses more than DATA_UPLOAD_MAX_NUMBER_FIELDS), the time to
open and to save a page (median and worst), the whole cycle's time, the queries a save
ran, and how much the process's peak memory (maximum resident set size) grew. Run from
the project root:

    DEBUG=1 .venv/bin/python benchmarks/register_benchmark.py --throwaway-db
    DEBUG=1 DATABASE_URL=postgres://postgres@127.0.0.1:5432/partnership \\
        .venv/bin/python benchmarks/register_benchmark.py --throwaway-db

Everything runs in one transaction that is rolled back. ``--throwaway-db`` creates and
drops a fresh database (in memory for SQLite, ``register_bench_<pid>`` on PostgreSQL).
"""

from __future__ import annotations

import argparse
import datetime
import os
import resource
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "partnership.settings")
os.environ.setdefault("DEBUG", "1")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402

from programmes.models import County, Programme  # noqa: E402
from tests.htmlforms import BrowserForm  # noqa: E402
from workshops.attendance import rows_per_page  # noqa: E402
from workshops.models import Attendance, Attendee, Session, WorkshopCycle  # noqa: E402


def large_cycle(attendees: int, sessions: int) -> WorkshopCycle:
    cycle = WorkshopCycle.objects.create(
        slug="benchmark-register",
        title="Cykl do pomiaru listy obecności",
        programme=Programme.objects.get(slug="wlosg-2017"),
        county=County.objects.get(code="1419"),
        date_start=datetime.date(2026, 3, 1),
        date_end=datetime.date(2026, 6, 30),
    )
    Session.objects.bulk_create(
        Session(cycle=cycle, ordinal=n, date_start=datetime.date(2026, 3, n))
        for n in range(1, sessions + 1)
    )
    Attendee.objects.bulk_create(
        Attendee(cycle=cycle, full_name=f"Uczestnik {n:05d}") for n in range(attendees)
    )
    return cycle


def measure(*, attendees: int, sessions: int) -> dict:
    cycle = large_cycle(attendees, sessions)
    admin = get_user_model().objects.create_superuser("benchmark-register")
    client = Client()
    client.force_login(admin)
    address = reverse("admin:workshops_workshopcycle_attendance", args=[cycle.pk])
    opens, saves, fields, save_queries = [], [], [], []
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    page = 1
    while True:
        query = f"{address}?page={page}"
        began = time.perf_counter()
        response = client.get(query)
        opens.append(time.perf_counter() - began)
        form = BrowserForm(response.content.decode(), form_id="register-form")
        for key in form.ticks:
            form.ticks[key] = True
        fields.append(form.field_count())
        began = time.perf_counter()
        with CaptureQueriesContext(connection) as captured:
            saved = client.post(query, form.data())
        saves.append(time.perf_counter() - began)
        save_queries.append(len(captured))
        assert saved.status_code == 302, saved.status_code
        if page * rows_per_page(sessions) >= attendees:
            break
        page += 1
    total = time.perf_counter() - started
    peak = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before) * 1024
    marks = Attendance.objects.filter(session__cycle=cycle).count()
    assert marks == attendees * sessions, marks
    return {
        "attendees": attendees,
        "sessions": sessions,
        "pages": len(saves),
        "fields_max": max(fields),
        "field_limit": settings.DATA_UPLOAD_MAX_NUMBER_FIELDS,
        "open_median_s": statistics.median(opens),
        "open_max_s": max(opens),
        "save_median_s": statistics.median(saves),
        "save_max_s": max(saves),
        "save_queries_max": max(save_queries),
        "total_s": total,
        "peak_rss_growth_mb": peak / 1e6,
        "marks": marks,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--attendees", type=int, default=1200)
    parser.add_argument("--sessions", type=int, default=6)
    parser.add_argument("--throwaway-db", action="store_true")
    options = parser.parse_args()
    setup_test_environment()
    settings.DEBUG = False
    old_config = None
    if options.throwaway_db:
        from django.test.utils import setup_databases, teardown_databases

        if connection.vendor != "sqlite":
            connection.settings_dict["TEST"]["NAME"] = f"register_bench_{os.getpid()}"
        old_config = setup_databases(verbosity=0, interactive=False, aliases={"default"})
    try:
        with transaction.atomic():
            if not Programme.objects.filter(slug="wlosg-2017").exists():
                call_command("loadrecords", verbosity=0)
            result = measure(attendees=options.attendees, sessions=options.sessions)
            transaction.set_rollback(True)
    finally:
        if old_config is not None:
            teardown_databases(old_config, verbosity=0)
    print(f"Database: {connection.vendor}")
    print(
        f"Register of {result['attendees']:,} attendees × {result['sessions']} sessions: "
        f"{result['pages']} pages, at most {result['fields_max']} fields a form "
        f"(limit {result['field_limit']:,}), {result['marks']:,} marks saved"
    )
    print(
        f"  open a page   median {result['open_median_s'] * 1000:6.1f} ms, "
        f"worst {result['open_max_s'] * 1000:6.1f} ms"
    )
    print(
        f"  save a page   median {result['save_median_s'] * 1000:6.1f} ms, "
        f"worst {result['save_max_s'] * 1000:6.1f} ms, "
        f"at most {result['save_queries_max']} queries"
    )
    print(
        f"  whole cycle   {result['total_s']:6.2f} s, "
        f"peak memory +{result['peak_rss_growth_mb']:.1f} MB"
    )


if __name__ == "__main__":
    main()
