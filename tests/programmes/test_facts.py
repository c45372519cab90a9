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


def test_remembered_words_follow_the_language_and_the_value_type():
    """``str()`` of a figure or date is remembered per language (``facts._text``): the
    same words as written afresh, and 5.0 is not taken for 5."""
    date = FuzzyDate(datetime.date(2017, 5, 9), datetime.date(2017, 5, 9))
    for language in ("pl", "en", "pl"):
        with translation.override(language):
            assert str(date) == date.text()
            assert str(Figure(120, Precision.APPROXIMATE)) == Figure(120, "approx").text()
    with translation.override("pl"):
        assert str(date) == "9 maja 2017"
        assert str(Figure(5)) == "5"
        assert str(Figure(5.0)) == Figure(5.0).text()
        assert str(Figure(5.5)) == "5,5"
    with translation.override("en"):
        assert str(date) == "May 9, 2017"
