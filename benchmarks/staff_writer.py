"""A background staff writer for ``web_benchmark.py``'s with-writer scenario.

    .venv/bin/python benchmarks/staff_writer.py --seconds 60 --rate 2

Makes staff changes at ``--rate`` writes per second, each in a county drawn uniformly at
random (380 counties' clerks all write), through the portal's real write paths:

- a single save, through the admin's ``save_model`` as the change form saves it: half
  of them an attendee's organisation (``AttendeeAdmin``), half a session's venue
  (``SessionAdmin``: the cycle's record, shown on its county's page too);
- an attendance save: one attendee's marks for one session flipped through
  ``attendance_register_save``;
- a certificate issue: ``certificates_issue`` for the cycle;
- one import a minute: 200 new attendees with their sessions through
  ``attendees_import``.

Every write commits (the benchmark database grows by about 200 attendees a minute) and
invalidates the page cache as the write path does. It needs the same environment as the
gunicorn it runs beside (``DATABASE_URL``, ``REDIS_URL``, ``CACHE_KEY_PREFIX``). When the
time is up (or on SIGTERM) it prints one line ``WRITER_RESULT <json>``: the writes made
by kind, their median and worst time, and any failures.
"""

from __future__ import annotations

import argparse
import json
import random
import signal
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
IMPORT_EVERY = 60.0  # seconds
IMPORT_ROWS = 200
FIRST_NAMES = ("Anna", "Piotr", "Katarzyna", "Tomasz", "Magdalena", "Łukasz", "Zofia", "Jan")
KINDS = (("single_save", 0.4), ("attendance_save", 0.4), ("certificate_issue", 0.2))


class Writer:
    def __init__(self, *, seed: int):
        from django.contrib import admin
        from django.contrib.auth import get_user_model
        from django.test import RequestFactory

        from workshops.models import Attendee, Session, WorkshopCycle

        self.random = random.Random(seed)
        self.cycles = defaultdict(list)
        for pk, county in (
            WorkshopCycle.objects.filter(sessions__isnull=False)
            .values_list("pk", "county_id")
            .distinct()
        ):
            self.cycles[county].append(pk)
        self.counties = sorted(self.cycles)
        staff, _created = get_user_model().objects.get_or_create(
            username="benchmark-writer", defaults={"is_staff": True, "is_superuser": True}
        )
        self.request = RequestFactory().post("/admin/")
        self.request.user = staff
        self.attendee_admin = admin.site._registry[Attendee]
        self.session_admin = admin.site._registry[Session]
        self.imports = 0

    def cycle(self):
        from workshops.models import WorkshopCycle

        county = self.random.choice(self.counties)
        return WorkshopCycle.objects.get(pk=self.random.choice(self.cycles[county]))

    def single_save(self, cycle) -> None:
        from django.db import transaction

        attendee = cycle.attendees.active().order_by("?").first()
        if attendee is None or self.random.random() < 0.5:
            session = cycle.sessions.order_by("?").first()
            session.venue = f"Sala {self.random.randint(1, 500)}"
            with transaction.atomic():
                self.session_admin.save_model(self.request, session, None, True)
            return None
        attendee.organisation_name = f"Urząd {self.random.randint(1, 10_000)}"
        with transaction.atomic():
            self.attendee_admin.save_model(self.request, attendee, None, True)
        return None

    def attendance_save(self, cycle) -> None:
        from workshops.attendance import attendance_register_save
        from workshops.models import Attendance

        attendee = cycle.attendees.active().order_by("?").first()
        session = cycle.sessions.order_by("?").first()
        if attendee is None:
            self.import_rows(cycle, 1)
            return
        was = Attendance.objects.filter(attendee=attendee, session=session).exists()
        cell = (attendee.pk, session.pk)
        attendance_register_save(cycle=cycle, shown={cell: was}, ticked=set() if was else {cell})

    def certificate_issue(self, cycle) -> None:
        from workshops.certificates import certificates_issue

        if cycle.certificate_min_sessions is None:
            return self.attendance_save(cycle)
        certificates_issue(cycle=cycle, issued_by="Dyrektor Powiatowego Urzędu Pracy")

    def surname(self) -> str:
        letters = "abcdefghijklmnoprstuwyzżźćńółęąś"
        return "".join(self.random.choice(letters) for _ in range(9)).capitalize()

    def import_rows(self, cycle, count: int = IMPORT_ROWS) -> None:
        from workshops.importing import attendees_import

        ordinals = sorted(cycle.sessions.values_list("ordinal", flat=True))
        self.imports += 1
        rows = [
            {
                "row": n + 2,
                "full_name": f"{self.random.choice(FIRST_NAMES)} {self.surname()}",
                "sessions": self.random.sample(ordinals, k=min(len(ordinals), 3)),
            }
            for n in range(count)
        ]
        attendees_import(cycle=cycle, rows=rows)


def run(*, seconds: float, rate: float, seed: int) -> dict:
    writer = Writer(seed=seed)
    done: dict[str, list[float]] = defaultdict(list)
    failures: dict[str, int] = defaultdict(int)
    stop = {"now": False}
    signal.signal(signal.SIGTERM, lambda *_: stop.update(now=True))
    started = time.monotonic()
    last_import = None
    n = 0
    while not stop["now"] and time.monotonic() - started < seconds:
        wait = started + n / rate - time.monotonic()
        if wait > 0:
            time.sleep(wait)
        n += 1
        now = time.monotonic()
        if last_import is None or now - last_import >= IMPORT_EVERY:
            kind, last_import = "import", now
        else:
            kind = writer.random.choices([k for k, _w in KINDS], [w for _k, w in KINDS])[0]
        step = {
            "import": writer.import_rows,
            "single_save": writer.single_save,
            "attendance_save": writer.attendance_save,
            "certificate_issue": writer.certificate_issue,
        }[kind]
        began = time.perf_counter()
        try:
            step(writer.cycle())
            done[kind].append(time.perf_counter() - began)
        except Exception as error:  # noqa: BLE001 - counted and reported, the run goes on
            failures[f"{kind}: {type(error).__name__}"] += 1
    elapsed = time.monotonic() - started
    total = sum(len(times) for times in done.values())
    return {
        "seconds": round(elapsed, 1),
        "writes": total,
        "writes_per_second": round(total / elapsed, 2) if elapsed else 0.0,
        "by_kind": {
            kind: {
                "count": len(times),
                "median_ms": round(statistics.median(times) * 1000, 1),
                "max_ms": round(max(times) * 1000, 1),
            }
            for kind, times in sorted(done.items())
        },
        "failures": dict(failures),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--rate", type=float, default=2.0, help="writes per second")
    parser.add_argument("--seed", type=int, default=15)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    result = run(seconds=args.seconds, rate=args.rate, seed=args.seed)
    print("WRITER_RESULT " + json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
