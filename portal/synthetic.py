"""Synthetic volume data at national scale, for load tests and benchmarks.

Everything generated hangs off programme editions marked ``is_synthetic=True``: the
historical Mazovian records are never touched, and ``synthetic_data_delete`` removes the
generated rows again. Rows are written with plain ``bulk_create`` in batches, so they get
no history entries (intended: they are not records anyone edited). Both invalidate the
cached pages and reports when they are done.
"""

from __future__ import annotations

import csv
import datetime
import random
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from partnership.caching import public_data_changed
from partnership.downloads import ascii_slug
from programmes.facts import DatePrecision, Precision
from programmes.models import County, Programme, Sector, Voivodeship
from projects.facets import idea_facets_refresh, idea_totals_refresh
from projects.models import IdeaFacetRow, ProjectIdea, Status, StatusChange, Theme
from workshops.figures import cycle_figures_refresh
from workshops.models import (
    Attendance,
    Attendee,
    Certificate,
    CycleFigures,
    CycleSectorFigures,
    Session,
    WorkshopCycle,
    new_verification_code,
)

FIRST_YEAR = 2003
YEARS = 15
SESSIONS_PER_CYCLE = 6
CERTIFICATE_MIN_SESSIONS = 4
# National volumes at scale 1.0.
CYCLES_AT_FULL_SCALE = 8_000
ATTENDEES_PER_CYCLE = (20, 54)  # uniform: mean 37, about 300,000 at scale 1.0
# Sessions attended by one attendee, 1..6, weights giving a mean of about 3.36.
SESSIONS_ATTENDED_WEIGHTS = (12, 18, 25, 22, 13, 10)
CERTIFICATE_SHARE = 0.8  # of the attendees who came to enough sessions
IDEAS_PER_CYCLE = (1, 5)  # uniform: mean 3
IDEA_STATUS_WEIGHTS = {
    Status.PROPOSED: 35,
    Status.SELECTED: 20,
    Status.IN_PROGRESS: 15,
    Status.COMPLETED: 15,
    Status.NOT_PURSUED: 15,
}
CITY_KIND_MARK = "na prawach powiatu"  # NAZWA_DOD of cities with county rights
TERC_COLUMNS = {"WOJ", "POW", "GMI", "NAZWA", "NAZWA_DOD"}

Log = Callable[[str], None]


class SyntheticDataError(Exception):
    """The generator cannot run; the message says why and what to do."""


# --------------------------------------------------------------------------------------
# Reference data from the TERC register
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TercUnit:
    code: str
    name: str
    kind: str = ""  # counties only: County.Kind


@dataclass
class TercRegister:
    voivodeships: list[TercUnit] = field(default_factory=list)
    counties: list[TercUnit] = field(default_factory=list)


def terc_read(*, path: Path) -> TercRegister:
    """Voivodeships (rows without POW) and counties (POW without GMI) of the register."""
    register = TercRegister()
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle, delimiter=";")
            missing = TERC_COLUMNS - set(reader.fieldnames or ())
            if missing:
                raise SyntheticDataError(
                    _("%(path)s is not a TERC register: the columns %(columns)s are missing.")
                    % {"path": path, "columns": ", ".join(sorted(missing))}
                )
            for row in reader:
                woj, pow_, gmi = ((row[column] or "").strip() for column in ("WOJ", "POW", "GMI"))
                name = (row["NAZWA"] or "").strip()
                if not woj:
                    continue
                if not pow_:
                    register.voivodeships.append(TercUnit(code=woj, name=name.lower()))
                elif not gmi:
                    kind = (
                        County.Kind.CITY
                        if CITY_KIND_MARK in (row["NAZWA_DOD"] or "")
                        else County.Kind.LAND
                    )
                    register.counties.append(TercUnit(code=woj + pow_, name=name, kind=kind))
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        raise SyntheticDataError(
            _(
                "Cannot read the TERC register at %(path)s (%(error)s). "
                "Pass the path of terc2025.csv with --terc."
            )
            % {"path": path, "error": error}
        ) from error
    if not register.voivodeships or not register.counties:
        raise SyntheticDataError(
            _("%(path)s lists no voivodeships or no counties; is it the whole TERC register?")
            % {"path": path}
        )
    return register


def reference_units_ensure(*, register: TercRegister) -> tuple[dict[str, int], int, int]:
    """Create the voivodeships and counties of the register missing from the database.

    Existing rows (e.g. the Mazovian fixtures) are left as they are. A county slug is
    its name, or name and code when the name repeats across voivodeships
    ("brzeski-1201"). Returns the county ids by code and how many rows were created.
    """
    voivodeship_ids, new_voivodeships = _voivodeships_ensure(register=register)
    county_ids, new_counties = _counties_ensure(register=register, voivodeship_ids=voivodeship_ids)
    return county_ids, new_voivodeships, new_counties


def _voivodeships_ensure(*, register: TercRegister) -> tuple[dict[str, int], int]:
    """The voivodeship ids by code, the missing ones created; and how many were."""
    known_voivodeships = dict(Voivodeship.objects.values_list("code", "pk"))
    taken = set(Voivodeship.objects.values_list("slug", flat=True))
    new_voivodeships = []
    for unit in register.voivodeships:
        if unit.code in known_voivodeships:
            continue
        slug = ascii_slug(unit.name)
        if slug in taken:
            slug = f"{slug}-{unit.code}"
        taken.add(slug)
        new_voivodeships.append(Voivodeship(code=unit.code, name=unit.name, slug=slug))
    Voivodeship.objects.bulk_create(new_voivodeships)
    return dict(Voivodeship.objects.values_list("code", "pk")), len(new_voivodeships)


def _counties_ensure(
    *, register: TercRegister, voivodeship_ids: dict[str, int]
) -> tuple[dict[str, int], int]:
    """The register's county ids by code, the missing ones created; and how many were."""
    known_counties = set(County.objects.values_list("code", flat=True))
    taken = set(County.objects.values_list("slug", flat=True))
    repeated = {
        slug
        for slug, n in Counter(ascii_slug(unit.name) for unit in register.counties).items()
        if n > 1
    }
    new_counties = []
    for unit in register.counties:
        if unit.code in known_counties:
            continue
        slug = ascii_slug(unit.name)
        if slug in repeated or slug in taken:
            slug = f"{slug}-{unit.code}"
        taken.add(slug)
        new_counties.append(
            County(
                code=unit.code,
                voivodeship_id=voivodeship_ids[unit.code[:2]],
                name=unit.name,
                kind=unit.kind,
                slug=slug,
            )
        )
    County.objects.bulk_create(new_counties)
    county_ids = dict(
        County.objects.filter(code__in=[unit.code for unit in register.counties]).values_list(
            "code", "pk"
        )
    )
    return county_ids, len(new_counties)


# --------------------------------------------------------------------------------------
# Guards and removal
# --------------------------------------------------------------------------------------


def real_records_exist() -> bool:
    """Whether the database holds historical records (not reference data)."""
    return (
        Programme.objects.filter(is_synthetic=False).exists()
        or WorkshopCycle.objects.filter(programme__is_synthetic=False).exists()
    )


def synthetic_programme_count() -> int:
    return Programme.objects.filter(is_synthetic=True).count()


def _chunks(items: list, size: int) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _raw_delete(queryset) -> int:
    """Delete without collecting cascades or sending signals (so no history rows)."""
    return queryset._raw_delete(queryset.db)


def synthetic_data_delete(*, batch_size: int, log: Log) -> int:
    """Delete every row hanging off synthetic programme editions, a batch of cycles at a
    time, then the editions themselves. Returns the number of rows deleted."""
    started = time.monotonic()
    programmes = list(Programme.objects.filter(is_synthetic=True).values_list("pk", flat=True))
    cycle_ids = list(
        WorkshopCycle.objects.filter(programme__in=programmes).values_list("pk", flat=True)
    )
    # Sessions hold at most a few hundred attendance rows per cycle, so a batch of
    # cycles is a batch of about ``batch_size`` attendance rows.
    cycles_per_batch = max(1, batch_size // 100)
    deleted = 0
    idea_m2m = [f.remote_field.through for f in ProjectIdea._meta.many_to_many]
    for chunk in _chunks(cycle_ids, cycles_per_batch):
        with transaction.atomic():
            ideas = ProjectIdea.objects.filter(cycle__in=chunk)
            for through in idea_m2m:
                deleted += _raw_delete(through.objects.filter(projectidea__in=ideas))
            deleted += _raw_delete(
                StatusChange.sources.through.objects.filter(statuschange__project__in=ideas)
            )
            deleted += _raw_delete(StatusChange.objects.filter(project__in=ideas))
            deleted += _raw_delete(IdeaFacetRow.objects.filter(idea__in=ideas))
            deleted += _raw_delete(ProjectIdea.objects.filter(cycle__in=chunk))
            deleted += _raw_delete(CycleSectorFigures.objects.filter(cycle__in=chunk))
            deleted += _raw_delete(CycleFigures.objects.filter(cycle__in=chunk))
            deleted += _raw_delete(Certificate.objects.filter(cycle__in=chunk))
            deleted += _raw_delete(Attendance.objects.filter(session__cycle__in=chunk))
            deleted += _raw_delete(Attendee.objects.filter(cycle__in=chunk))
            deleted += _raw_delete(Session.sources.through.objects.filter(session__cycle__in=chunk))
            deleted += _raw_delete(Session.objects.filter(cycle__in=chunk))
            deleted += _raw_delete(
                WorkshopCycle.sources.through.objects.filter(workshopcycle__in=chunk)
            )
            deleted += _raw_delete(WorkshopCycle.objects.filter(pk__in=chunk))
    with transaction.atomic():
        deleted += _raw_delete(Programme.sources.through.objects.filter(programme__in=programmes))
        deleted += _raw_delete(Programme.objects.filter(pk__in=programmes))
        idea_totals_refresh(statuses=None, pairs=None)  # projects.facets: ideas deleted
    public_data_changed(everything=True)
    log(
        _("Deleted the earlier synthetic data: %(count)s rows in %(seconds).1f s.")
        % {"count": f"{deleted:,}", "seconds": time.monotonic() - started}
    )
    return deleted


# --------------------------------------------------------------------------------------
# Generation
# --------------------------------------------------------------------------------------


@dataclass
class CyclePlan:
    slug: str
    year: int
    county_code: str
    county_id: int
    programme_id: int
    session_dates: list[datetime.date]
    # One bit mask per attendee: bit k set when the attendee came to session k + 1.
    attendance: list[int]
    pk: int | None = None
    session_ids: list[int] = field(default_factory=list)
    attendee_ids: list[int] = field(default_factory=list)


class Generator:
    def __init__(self, *, scale: float, seed: int, batch_size: int, log: Log):
        self.scale = scale
        self.rng = random.Random(seed)  # noqa: S311 -- reproducible data, not secrets
        self.seed = seed
        self.batch_size = batch_size
        self.log = log
        self.now = timezone.now()
        self.totals: dict[str, int] = {}

    # -- helpers ------------------------------------------------------------------------

    def _insert(self, model, rows: Iterable, *, keep: bool = True) -> list:
        """Bulk-insert ``rows`` a batch at a time in one transaction; print the time.

        Returns the created objects (with their pks) when ``keep``."""
        started = time.monotonic()
        created: list = []
        count = 0
        with transaction.atomic():
            batch = []
            for row in rows:
                batch.append(row)
                if len(batch) >= self.batch_size:
                    inserted = model.objects.bulk_create(batch)
                    if keep:
                        created.extend(inserted)
                    count += len(batch)
                    batch = []
            if batch:
                inserted = model.objects.bulk_create(batch)
                if keep:
                    created.extend(inserted)
                count += len(batch)
        name = str(model._meta.verbose_name_plural)
        self.totals[name] = self.totals.get(name, 0) + count
        self.log(
            _("%(table)s: %(count)s rows in %(seconds).1f s")
            % {
                "table": name[:1].upper() + name[1:],
                "count": f"{count:,}",
                "seconds": time.monotonic() - started,
            }
        )
        return created

    def _ids(self, model, rows: Iterable) -> list[int]:
        return [obj.pk for obj in self._insert(model, rows)]

    # -- tables -------------------------------------------------------------------------

    def programmes(self) -> dict[int, int]:
        years = range(FIRST_YEAR, FIRST_YEAR + YEARS)
        slugs = [f"syntetyczne-{year}" for year in years]
        clash = Programme.objects.filter(slug__in=slugs, is_synthetic=False).first()
        if clash:
            raise SyntheticDataError(
                _("A programme edition that is not synthetic already uses the slug %(slug)s.")
                % {"slug": clash.slug}
            )
        ids = self._ids(
            Programme,
            (
                Programme(
                    slug=f"syntetyczne-{year}",
                    name=f"Dane syntetyczne {year}",
                    is_synthetic=True,
                    date_start=datetime.date(year, 1, 1),
                    date_end=datetime.date(year, 12, 31),
                    date_precision=DatePrecision.YEAR,
                    sessions_per_cycle=SESSIONS_PER_CYCLE,
                    description=(
                        "Dane syntetyczne wygenerowane poleceniem generate_synthetic_data "
                        f"(seed {self.seed}, skala {self.scale}); nie są zapisem historycznym."
                    ),
                    created_at=self.now,
                    updated_at=self.now,
                )
                for year in years
            ),
        )
        return dict(zip(years, ids, strict=True))

    def plan(self, *, county_ids: dict[str, int], programme_ids: dict[int, int]):
        rng = self.rng
        codes = sorted(county_ids)
        rng.shuffle(codes)
        cycle_count = max(1, round(CYCLES_AT_FULL_SCALE * self.scale))
        per_county_year: Counter = Counter()
        plans = []
        sessions_attended = range(1, SESSIONS_PER_CYCLE + 1)
        for index in range(cycle_count):
            code = codes[index % len(codes)]
            year = FIRST_YEAR + rng.randrange(YEARS)
            per_county_year[code, year] += 1
            day = datetime.date(year, 1, 1) + datetime.timedelta(days=rng.randrange(180))
            dates = []
            for _ordinal in range(SESSIONS_PER_CYCLE):
                dates.append(day)
                day += datetime.timedelta(days=rng.randint(14, 28))
            attendance = []
            for _attendee in range(rng.randint(*ATTENDEES_PER_CYCLE)):
                k = rng.choices(sessions_attended, SESSIONS_ATTENDED_WEIGHTS)[0]
                mask = 0
                for bit in rng.sample(range(SESSIONS_PER_CYCLE), k):
                    mask |= 1 << bit
                attendance.append(mask)
            plans.append(
                CyclePlan(
                    slug=f"syn-{year}-{code}-{per_county_year[code, year]}",
                    year=year,
                    county_code=code,
                    county_id=county_ids[code],
                    programme_id=programme_ids[year],
                    session_dates=dates,
                    attendance=attendance,
                )
            )
        return plans

    def cycles(self, plans: list[CyclePlan]) -> None:
        ids = self._ids(
            WorkshopCycle,
            (
                WorkshopCycle(
                    slug=plan.slug,
                    programme_id=plan.programme_id,
                    county_id=plan.county_id,
                    title=f"Cykl syntetyczny {number:05d} ({plan.county_code}, {plan.year})",
                    title_is_descriptive=True,
                    status=WorkshopCycle.Status.COMPLETED,
                    sessions_planned=SESSIONS_PER_CYCLE,
                    sessions_held=SESSIONS_PER_CYCLE,
                    certificate_min_sessions=CERTIFICATE_MIN_SESSIONS,
                    date_start=plan.session_dates[0],
                    date_end=plan.session_dates[-1],
                    date_precision=DatePrecision.DAY,
                    created_at=self.now,
                    updated_at=self.now,
                )
                for number, plan in enumerate(plans, start=1)
            ),
        )
        for plan, pk in zip(plans, ids, strict=True):
            plan.pk = pk

    def _reported(self, actual: int) -> tuple[int | None, str]:
        roll = self.rng.random()
        if roll < 0.08:
            return None, Precision.EXACT
        if roll < 0.2:
            return max(5, 5 * round(actual / 5)), Precision.APPROXIMATE
        return actual, Precision.EXACT

    def sessions(self, plans: list[CyclePlan]) -> None:
        def rows():
            for plan in plans:
                for bit, day in enumerate(plan.session_dates):
                    attendance, precision = self._reported(
                        sum(1 for mask in plan.attendance if mask >> bit & 1)
                    )
                    last = bit == SESSIONS_PER_CYCLE - 1
                    yield Session(
                        cycle_id=plan.pk,
                        ordinal=bit + 1,
                        kind=Session.Kind.CLOSING if last else Session.Kind.WORKSHOP,
                        venue=f"Sala syntetyczna {plan.county_code}",
                        topic=f"Warsztat syntetyczny {bit + 1}",
                        attendance=attendance,
                        attendance_precision=precision,
                        date_start=day,
                        date_end=day,
                        date_precision=DatePrecision.DAY,
                        created_at=self.now,
                        updated_at=self.now,
                    )

        ids = self._ids(Session, rows())
        for index, plan in enumerate(plans):
            start = index * SESSIONS_PER_CYCLE
            plan.session_ids = ids[start : start + SESSIONS_PER_CYCLE]

    def attendees(self, plans: list[CyclePlan]) -> None:
        sectors = Sector.values
        rng = self.rng

        def rows():
            number = 0
            for plan in plans:
                for _mask in plan.attendance:
                    number += 1
                    yield Attendee(
                        cycle_id=plan.pk,
                        full_name=f"Uczestnik syntetyczny {number:06d}",
                        organisation_name=f"Organizacja syntetyczna {rng.randint(1, 500):03d}",
                        sector=rng.choice(sectors),
                        email=f"uczestnik{number:06d}@example.invalid",
                        consent_note="Dane syntetyczne.",
                        created_at=self.now,
                        updated_at=self.now,
                    )

        ids = self._ids(Attendee, rows())
        start = 0
        for plan in plans:
            plan.attendee_ids = ids[start : start + len(plan.attendance)]
            start += len(plan.attendance)

    def attendance(self, plans: list[CyclePlan]) -> None:
        def rows():
            for plan in plans:
                for attendee_id, mask in zip(plan.attendee_ids, plan.attendance, strict=True):
                    for bit, session_id in enumerate(plan.session_ids):
                        if mask >> bit & 1:
                            yield Attendance(
                                attendee_id=attendee_id,
                                session_id=session_id,
                                created_at=self.now,
                                updated_at=self.now,
                            )

        # Nothing needs the new ids: insert without keeping the objects.
        self._insert(Attendance, rows(), keep=False)

    def certificates(self, plans: list[CyclePlan]) -> None:
        # Real certificates use the same numbering; never take one of their numbers.
        taken = set(Certificate.objects.values_list("number", flat=True))
        sequence: Counter = Counter()
        rng = self.rng

        def rows():
            for plan in plans:
                for attendee_id, mask in zip(plan.attendee_ids, plan.attendance, strict=True):
                    if mask.bit_count() < CERTIFICATE_MIN_SESSIONS:
                        continue
                    if rng.random() >= CERTIFICATE_SHARE:
                        continue
                    prefix = f"{plan.county_code}/{plan.year}/"
                    while True:
                        sequence[prefix] += 1
                        number = f"{prefix}{sequence[prefix]:03d}"
                        if number not in taken:
                            break
                    yield Certificate(
                        attendee_id=attendee_id,
                        cycle_id=plan.pk,
                        number=number,
                        # Random, not derived from the seed: the codes open the public
                        # verification page, so they must not be reproducible.
                        verification_code=new_verification_code(),
                        issued_on=plan.session_dates[-1],
                        issued_by="Wystawca syntetyczny",
                        created_at=self.now,
                        updated_at=self.now,
                    )

        self._insert(Certificate, rows(), keep=False)

    def project_ideas(self, plans: list[CyclePlan]) -> None:
        rng = self.rng
        statuses = list(IDEA_STATUS_WEIGHTS)
        weights = list(IDEA_STATUS_WEIGHTS.values())
        theme_ids = list(Theme.objects.order_by("slug").values_list("pk", flat=True))
        ideas = []  # (idea, decided on)
        number = 0
        for plan in plans:
            for n in range(1, rng.randint(*IDEAS_PER_CYCLE) + 1):
                number += 1
                status = rng.choices(statuses, weights)[0]
                decided = plan.session_dates[-1] + datetime.timedelta(days=rng.randint(0, 365))
                idea = ProjectIdea(
                    slug=f"{plan.slug}-p{n}",
                    title=f"Pomysł syntetyczny {number:06d}",
                    goals="Cele syntetyczne.",
                    cycle_id=plan.pk,
                    county_id=plan.county_id,
                    status=status,
                    created_at=self.now,
                    updated_at=self.now,
                )
                ideas.append((idea, decided))
        created = self._insert(ProjectIdea, (idea for idea, _decided in ideas))
        self._insert(
            StatusChange,
            (
                StatusChange(
                    project_id=idea.pk,
                    status=idea.status,
                    note="Wpis syntetyczny.",
                    date_start=decided,
                    date_precision=DatePrecision.DAY,
                    created_at=self.now,
                    updated_at=self.now,
                )
                for idea, (_idea, decided) in zip(created, ideas, strict=True)
            ),
        )
        if theme_ids:
            through = ProjectIdea.themes.through
            self._insert(
                through,
                (
                    through(projectidea_id=idea.pk, theme_id=theme_id)
                    for idea in created
                    for theme_id in rng.sample(theme_ids, rng.randint(1, min(2, len(theme_ids))))
                ),
            )


def synthetic_data_generate(
    *,
    terc_path: Path,
    scale: float,
    seed: int,
    batch_size: int,
    log: Log,
) -> dict[str, int]:
    """Generate the synthetic data; returns the rows created per table."""
    register = terc_read(path=terc_path)
    generator = Generator(scale=scale, seed=seed, batch_size=batch_size, log=log)
    with transaction.atomic():
        county_ids, new_voivodeships, new_counties = reference_units_ensure(register=register)
    log(
        _(
            "Reference data: %(voivodeships)s voivodeships and %(counties)s counties in the "
            "register, %(new_voivodeships)s and %(new_counties)s of them created."
        )
        % {
            "voivodeships": len(register.voivodeships),
            "counties": len(register.counties),
            "new_voivodeships": new_voivodeships,
            "new_counties": new_counties,
        }
    )
    programme_ids = generator.programmes()
    plans = generator.plan(county_ids=county_ids, programme_ids=programme_ids)
    generator.cycles(plans)
    generator.sessions(plans)
    generator.attendees(plans)
    generator.attendance(plans)
    generator.certificates(plans)
    generator.project_ideas(plans)
    log(_("Counts kept per cycle …"))
    cycle_figures_refresh(cycle_ids=None)  # workshops.figures: every cycle, bulk rows
    idea_facets_refresh(idea_ids=None)  # projects.facets: every idea, bulk rows
    public_data_changed(everything=True)
    return generator.totals
