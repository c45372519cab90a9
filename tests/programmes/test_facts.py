"""Approximate figures and imprecise dates render honestly in both languages."""

import datetime

import pytest
from django.utils import translation

from programmes.facts import DatePrecision, Figure, FuzzyDate, Precision

D = datetime.date


@pytest.mark.parametrize(
    ("figure", "pl", "en"),
    [
        (Figure(100, Precision.APPROXIMATE), "ok. 100", "approx. 100"),
        (Figure(1000, Precision.MORE_THAN), "ponad 1000", "more than 1000"),
        (Figure(12, Precision.AT_LEAST), "co najmniej 12", "at least 12"),
        (Figure(30, Precision.APPROXIMATE, suffix="%"), "ok. 30%", "approx. 30%"),
        (Figure(73), "73", "73"),
        (Figure(None), "brak danych", "unknown"),
    ],
)
def test_figure_rendering(figure, pl, en):
    with translation.override("pl"):
        assert str(figure) == pl
    with translation.override("en"):
        assert str(figure) == en


def test_large_figures_are_grouped_per_language():
    with translation.override("pl"):
        assert str(Figure(12345)) == "12\xa0345"
    with translation.override("en"):
        assert str(Figure(12345)) == "12,345"


def test_figure_exactness():
    assert Figure(73).is_exact
    assert not Figure(100, Precision.APPROXIMATE).is_exact
    assert not Figure(None).known


@pytest.mark.parametrize(
    ("date", "pl", "en"),
    [
        (FuzzyDate(D(2003, 11, 18), D(2003, 11, 18)), "18 listopada 2003", "Nov. 18, 2003"),
        (
            FuzzyDate(D(2017, 5, 25), D(2017, 12, 7)),
            "25 maja – 7 grudnia 2017",
            "May 25 – Dec. 7, 2017",
        ),
        (
            FuzzyDate(D(2017, 5, 1), D(2017, 12, 31), DatePrecision.MONTH),
            "maj – grudzień 2017",
            "May – December 2017",
        ),
        (
            FuzzyDate(D(2017, 5, 1), D(2017, 5, 31), DatePrecision.MONTH),
            "maj 2017",
            "May 2017",
        ),
        (FuzzyDate(D(2003, 1, 1), D(2010, 12, 31), DatePrecision.YEAR), "2003–2010", "2003–2010"),
        (FuzzyDate(D(2017, 1, 1), D(2017, 12, 31), DatePrecision.YEAR), "2017", "2017"),
        (FuzzyDate(D(2005, 2, 16), None), "od 16 lutego 2005", "from Feb. 16, 2005"),
        (FuzzyDate(None, None), "data nieznana", "date unknown"),
    ],
)
def test_fuzzy_date_rendering(date, pl, en):
    with translation.override("pl"):
        assert str(date) == pl
    with translation.override("en"):
        assert str(date) == en


def test_fuzzy_date_years_and_exactness():
    period = FuzzyDate(D(2003, 1, 1), D(2010, 12, 31), DatePrecision.YEAR)
    assert list(period.years) == list(range(2003, 2011))
    assert not period.is_exact_day
    assert FuzzyDate(D(2005, 5, 17), D(2005, 5, 17)).is_exact_day
    assert list(FuzzyDate(None, None).years) == []


def reference_text(period: FuzzyDate) -> str:
    """FuzzyDate's text as it was written with Django's ``formats.date_format`` at every
    date (before ``_date_format``): the reference the fast text must equal."""
    from django.utils import formats
    from django.utils.translation import pgettext

    from programmes.facts import _month, _month_year

    def day(d):
        return formats.date_format(d, "DATE_FORMAT")

    def one(d):
        if period.precision == DatePrecision.YEAR:
            return str(d.year)
        if period.precision == DatePrecision.MONTH:
            return _month_year(d)
        return day(d)

    start, end = period.start, period.end
    if not start:
        return str(pgettext("date", "date unknown"))
    if end is None:
        return pgettext("date", "from %(start)s") % {"start": one(start)}
    if period.precision == DatePrecision.YEAR:
        return str(start.year) if start.year == end.year else f"{start.year}–{end.year}"
    same_year = start.year == end.year
    if period.precision == DatePrecision.MONTH:
        if same_year and start.month == end.month:
            return _month_year(start)
        if same_year:
            return f"{_month(start)} – {_month_year(end)}"
        return f"{_month_year(start)} – {_month_year(end)}"
    if start == end:
        return day(start)
    if same_year:
        return f"{formats.date_format(start, 'MONTH_DAY_FORMAT')} – {day(end)}"
    return f"{day(start)} – {day(end)}"


def test_fuzzy_date_text_equals_djangos_formatting_for_every_precision_and_language():
    starts = [D(2000, 2, 29), D(2003, 1, 1), D(2009, 10, 9), D(2017, 12, 31)]
    starts += [D(2012, month, day) for month in range(1, 13) for day in (1, 9, 10, 28)]
    periods = [FuzzyDate(None, None)]
    for precision in DatePrecision.values:
        for start in starts:
            for end in (None, start, start + datetime.timedelta(days=17), D(start.year + 2, 3, 5)):
                periods.append(FuzzyDate(start, end, precision))
    for language in ("pl", "en"):
        with translation.override(language):
            for period in periods:
                assert str(period) == reference_text(period), (language, period)


def test_date_format_writes_each_day_as_django_does():
    from django.utils import formats

    from programmes.facts import _day, _day_month

    days = [D(2016, 1, 1) + datetime.timedelta(days=n) for n in range(366)]
    for language in ("pl", "en"):
        with translation.override(language):
            for d in days:
                assert _day(d) == formats.date_format(d, "DATE_FORMAT")
                assert _day_month(d) == formats.date_format(d, "MONTH_DAY_FORMAT")


@pytest.mark.parametrize("fmt", [r"d.m.Y", r"n/j/y \o\f M b", r"l, jS F Y", r"D N j"])
def test_date_format_other_formats_as_django(monkeypatch, fmt):
    """Formats other than the locales' own (settings may set them): the specifiers it
    writes as Django does, any other left to Django."""
    from django.utils import dateformat, formats

    from programmes import facts

    monkeypatch.setattr(formats, "get_format", lambda *args, **kwargs: fmt)
    for language in ("pl", "en"):
        with translation.override(language):
            for d in (D(2003, 2, 7), D(2017, 11, 30)):
                assert facts._day(d) == dateformat.format(d, fmt)
