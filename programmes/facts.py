"""Honest facts: figures that may be approximate and dates that may be imprecise.

The historical records say "ok. 100 uczestników", "ponad 1000 zaproszeń", "w latach
2003–2010". A model stores what is known (a value and how exact it is, or a date window
and its precision) and these value objects render it the same way on every page.
"""

from __future__ import annotations

import datetime
import functools
from dataclasses import dataclass

from django.db import models
from django.db.models import Count, IntegerField, Q, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import dateformat, formats
from django.utils.dates import MONTHS
from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext_lazy as _


class Precision(models.TextChoices):
    """How exact a recorded figure is."""

    EXACT = "exact", _("exact")
    APPROXIMATE = "approx", _("approximately (ok.)")
    MORE_THAN = "more_than", _("more than (ponad)")
    AT_LEAST = "at_least", _("at least")


@dataclass(frozen=True)
class Figure:
    """A recorded number with its precision; ``value is None`` means unknown."""

    value: int | None
    precision: str = Precision.EXACT
    suffix: str = ""

    @property
    def known(self) -> bool:
        return self.value is not None

    @property
    def is_exact(self) -> bool:
        return self.known and self.precision == Precision.EXACT

    def __str__(self) -> str:
        if self.value is None:
            return str(pgettext("figure", "unknown"))
        number = formats.number_format(self.value, force_grouping=self.value >= 10000)
        text = f"{number}{self.suffix}"
        if self.precision == Precision.APPROXIMATE:
            return pgettext("figure", "approx. %(n)s") % {"n": text}
        if self.precision == Precision.MORE_THAN:
            return pgettext("figure", "more than %(n)s") % {"n": text}
        if self.precision == Precision.AT_LEAST:
            return pgettext("figure", "at least %(n)s") % {"n": text}
        return text


class DatePrecision(models.TextChoices):
    """How exact a recorded date (or date window) is."""

    DAY = "day", _("day")
    MONTH = "month", _("month")
    YEAR = "year", _("year")


def _month(d: datetime.date) -> str:
    name = str(MONTHS[d.month])
    # Polish month names are not capitalised in running text ("maj 2017").
    return name.lower() if (get_language() or "").startswith("pl") else name


def _month_year(d: datetime.date) -> str:
    return f"{_month(d)} {d.year}"


def _day(d: datetime.date) -> str:
    return _date_format(d, "DATE_FORMAT")


def _day_month(d: datetime.date) -> str:
    return _date_format(d, "MONTH_DAY_FORMAT")


# The date format specifiers ``_date_format`` writes itself, as Django's DateFormat
# does: from the day and year of the date, or (the names) from its month alone.
_DATE_PARTS = {
    "j": lambda d: str(d.day),
    "d": lambda d: f"{d.day:02d}",
    "n": lambda d: str(d.month),
    "m": lambda d: f"{d.month:02d}",
    "Y": lambda d: f"{d.year:04d}",
    "y": lambda d: f"{d.year % 100:02d}",
}
_MONTH_NAMES = frozenset("bEFMN")
# (language, specifier, month) -> the month's name as DateFormat writes it: the
# translations are static, so read once per process.
_month_names: dict[tuple, str] = {}


@functools.lru_cache(maxsize=32)
def _compiled(formatstr: str) -> tuple | None:
    """A date format as its literal texts (str) and specifiers (1-tuples), split as
    Django's ``Formatter.format`` splits it; None when it has a specifier
    ``_date_format`` leaves to Django."""
    pieces = []
    for i, piece in enumerate(dateformat.re_formatchars.split(formatstr)):
        if i % 2:
            if piece not in _DATE_PARTS and piece not in _MONTH_NAMES:
                return None
            pieces.append((piece,))
        elif piece:
            pieces.append(dateformat.re_escaped.sub(r"\1", piece))
    return tuple(pieces)


def _date_format(d: datetime.date, format_name: str) -> str:
    """``formats.date_format(d, format_name)`` for a date, without parsing the format
    and building the month's name at every call (40 dates on a catalogue page)."""
    formatstr = formats.get_format(format_name)
    pieces = _compiled(str(formatstr)) if type(d) is datetime.date else None
    if pieces is None:
        return formats.date_format(d, format_name)
    language = get_language()
    text = []
    for piece in pieces:
        if type(piece) is str:
            text.append(piece)
        elif piece[0] in _MONTH_NAMES:
            key = (language, piece[0], d.month)
            if (name := _month_names.get(key)) is None:
                month = datetime.date(2000, d.month, 1)
                name = _month_names[key] = str(getattr(dateformat.DateFormat(month), piece[0])())
            text.append(name)
        else:
            text.append(_DATE_PARTS[piece[0]](d))
    return "".join(text)


@dataclass(frozen=True)
class FuzzyDate:
    """A date or a period known to a day, a month or a year.

    ``start`` is the earliest and ``end`` the latest date the record allows; a missing
    ``end`` means the end is not recorded, both missing means the date is unknown.
    """

    start: datetime.date | None
    end: datetime.date | None
    precision: str = DatePrecision.DAY

    @property
    def known(self) -> bool:
        return self.start is not None

    @property
    def is_exact_day(self) -> bool:
        return self.known and self.precision == DatePrecision.DAY and self.start == self.end

    @property
    def year(self) -> int | None:
        return self.start.year if self.start else None

    @property
    def years(self) -> range:
        if not self.start:
            return range(0)
        end = self.end or self.start
        return range(self.start.year, end.year + 1)

    def _one(self, d: datetime.date) -> str:
        if self.precision == DatePrecision.YEAR:
            return str(d.year)
        if self.precision == DatePrecision.MONTH:
            return _month_year(d)
        return _day(d)

    def __str__(self) -> str:
        if not self.start:
            return str(pgettext("date", "date unknown"))
        if self.end is None:
            return pgettext("date", "from %(start)s") % {"start": self._one(self.start)}
        if self.precision == DatePrecision.YEAR:
            if self.start.year == self.end.year:
                return str(self.start.year)
            return f"{self.start.year}–{self.end.year}"
        same_year = self.start.year == self.end.year
        if self.precision == DatePrecision.MONTH:
            if same_year and self.start.month == self.end.month:
                return _month_year(self.start)
            if same_year:
                return f"{_month(self.start)} – {_month_year(self.end)}"
            return f"{_month_year(self.start)} – {_month_year(self.end)}"
        if self.start == self.end:
            return _day(self.start)
        if same_year:
            return f"{_day_month(self.start)} – {_day(self.end)}"
        return f"{_day(self.start)} – {_day(self.end)}"


def sum_figures(figures) -> Figure:
    """The total of several recorded figures, as exact as its parts allow.

    - no parts: exactly 0; only unknown parts: unknown;
    - some parts unknown, or given as a lower bound ("at least", "more than"): the total
      is a lower bound: "more than" when a part was "more than" and none is approximate,
      otherwise "at least";
    - otherwise, some parts approximate: "approx." (ok.);
    - all parts exact: exact.
    """
    figures = list(figures)
    known = [figure for figure in figures if figure.known]
    if not figures:
        return Figure(0)
    if not known:
        return Figure(None)
    total = sum(figure.value for figure in known)
    precisions = {figure.precision for figure in known}
    lower_bound = len(known) < len(figures) or bool(
        precisions & {Precision.AT_LEAST, Precision.MORE_THAN}
    )
    if lower_bound:
        if Precision.MORE_THAN in precisions and Precision.APPROXIMATE not in precisions:
            return Figure(total, Precision.MORE_THAN)
        return Figure(total, Precision.AT_LEAST)
    if Precision.APPROXIMATE in precisions:
        return Figure(total, Precision.APPROXIMATE)
    return Figure(total, Precision.EXACT)


# The years a filter (the project catalogue, the reports) accepts: the programme ran
# 2003–2017; a little room either side, but no absurd numbers.
YEAR_MIN = 1990
YEAR_MAX = 2100


@dataclass
class Parts:
    """A sum of recorded figures, with how many parts were approximate, lower bounds or
    unknown: enough to say how exact the total is without the individual figures.

    It is what the database aggregates (``figure_aggregates``) and what ``sum_figures``
    would say of the individual figures (``figure``); tests hold the two to agreeing.
    """

    total: int = 0
    parts: int = 0
    unknown: int = 0
    approx: int = 0
    more_than: int = 0
    at_least: int = 0

    @classmethod
    def from_row(cls, row: dict, name: str) -> Parts:
        """The parts a ``figure_aggregates(name, ...)`` row holds (a sum may be None)."""
        return cls(
            row[f"{name}_total"] or 0,
            row[f"{name}_parts"] or 0,
            row[f"{name}_unknown"] or 0,
            row[f"{name}_approx"] or 0,
            row[f"{name}_more_than"] or 0,
            row[f"{name}_at_least"] or 0,
        )

    def add(self, other: Parts) -> None:
        # Spelled out: a report adds up thousands of these (``dataclasses.fields`` on each
        # call cost more than the additions).
        self.total += other.total
        self.parts += other.parts
        self.unknown += other.unknown
        self.approx += other.approx
        self.more_than += other.more_than
        self.at_least += other.at_least

    @property
    def figure(self) -> Figure:
        """The same total ``sum_figures`` gives for the individual figures."""
        if not self.parts:
            return Figure(0)
        if self.unknown >= self.parts:
            return Figure(None)
        if self.unknown or self.at_least or self.more_than:
            if self.more_than and not self.approx:
                return Figure(self.total, Precision.MORE_THAN)
            return Figure(self.total, Precision.AT_LEAST)
        if self.approx:
            return Figure(self.total, Precision.APPROXIMATE)
        return Figure(self.total, Precision.EXACT)


PARTS_PRECISIONS = {
    "approx": Precision.APPROXIMATE,
    "more_than": Precision.MORE_THAN,
    "at_least": Precision.AT_LEAST,
}


def figure_aggregates(
    name: str, value: str, precision: str, *, precisions: tuple[str, ...] | None = None
) -> dict:
    """Aggregates of the figure stored (or annotated) as ``value`` + ``precision``, for
    ``Parts.from_row(row, name)``: one row per group of a ``values()`` query.

    ``precisions``: the only inexact precisions the figure can have, when it cannot have
    them all (the others are counted as 0 without asking the database).
    """
    known = Q(**{f"{value}__isnull": False})
    aggregates = {
        f"{name}_total": Coalesce(Sum(value), 0),
        f"{name}_parts": Count("pk"),
        f"{name}_unknown": Count("pk", filter=~known),
    }
    for part, kind in PARTS_PRECISIONS.items():
        if precisions is None or kind in precisions:
            aggregates[f"{name}_{part}"] = Count("pk", filter=known & Q(**{precision: kind}))
        else:
            aggregates[f"{name}_{part}"] = Value(0, output_field=IntegerField())
    return aggregates


class PolishText(str):
    """Text of a record, in Polish as the sources give it, where a template cannot tell
    it from translated text (breadcrumbs): templates mark it ``lang="{{ text.lang }}"``."""

    lang = "pl"
