"""``partnership.fixed_queries.FixedQuery`` answers what its queryset answers, every call."""

import datetime

import pytest

from partnership.fixed_queries import STAND_IN, FixedQuery, rows_together
from portal import maps
from portal.county_page import CYCLE_SOURCES, CYCLES, IDEAS, SESSIONS
from portal.participation import (
    counties_with_participation,
    programme_names_by_county,
    took_part,
)
from programmes.models import County
from workshops.models import Session, WorkshopCycle

pytestmark = pytest.mark.django_db

MAZOVIA = "14"


@pytest.mark.parametrize("query", [CYCLES, CYCLE_SOURCES, SESSIONS, IDEAS])
def test_the_county_pages_queries_give_the_querysets_rows_for_every_county(query):
    counties = list(County.objects.order_by("code"))
    assert len(counties) > 2
    for county in counties + counties[:2]:  # the second time, from the SQL made before
        assert query.rows(county.pk) == list(query.build(county.pk)), county.slug


def test_the_rows_follow_writes_and_are_converted_as_the_orms():
    cycle = WorkshopCycle.objects.filter(sessions__isnull=False).first()
    county_id = cycle.county_id
    before = SESSIONS.rows(county_id)
    Session.objects.create(
        cycle=cycle,
        ordinal=99,
        date_start=datetime.date(2019, 3, 9),
        date_end=datetime.date(2019, 3, 9),
        attendance=12,
    )
    after = SESSIONS.rows(county_id)
    assert len(after) == len(before) + 1
    added = [row for row in after if row[2] == 99 and row[0] == cycle.pk]
    assert added and added[0][4] == datetime.date(2019, 3, 9)  # a date, on SQLite too
    assert after == list(SESSIONS.build(county_id))


def test_a_query_that_does_not_use_its_value_is_refused():
    query = FixedQuery(County, lambda value: County.objects.values_list("pk"))
    with pytest.raises(ValueError, match="does not use"):
        query.rows(1)
    assert STAND_IN < 0
    both = FixedQuery(
        County, lambda pk, code: County.objects.filter(pk=pk).values_list("pk"), stand_in=(-1, "x")
    )
    with pytest.raises(ValueError, match="does not use"):
        both.rows(1, "14")


def test_a_query_of_several_values_puts_each_in_its_place():
    query = FixedQuery(
        County,
        lambda code, slug: (
            County.objects.filter(voivodeship__code=code)
            .exclude(slug=slug)
            .order_by("code")
            .values_list("slug")
        ),
        stand_in=("stand-in-code", "stand-in-slug"),
    )
    expected = list(
        County.objects.filter(voivodeship__code=MAZOVIA)
        .exclude(slug="plocki")
        .order_by("code")
        .values_list("slug")
    )
    assert len(expected) > 2
    assert query.rows(MAZOVIA, "plocki") == expected
    assert query.rows(MAZOVIA, "plocki") == expected  # from the SQL made before


def test_queries_run_together_answer_as_each_alone():
    calls = [(CYCLES, (county.pk,)) for county in County.objects.order_by("code")[:5]]
    calls.append((SESSIONS, (calls[0][1][0],)))
    together = rows_together(calls, using="default")
    assert together == [query.rows(*values) for query, values in calls]
    assert any(together)


def map_counties_afresh(code: str) -> dict:
    names = programme_names_by_county()
    return {
        county.code: (
            str(county),
            county.slug,
            county.cycle_count,
            took_part(county),
            names.get(county.pk, []),
        )
        for county in counties_with_participation(County.objects.in_voivodeship(code))
    }


def map_counties_read(code: str) -> dict:
    return {
        county.code: (
            str(county),
            county.slug,
            county.cycle_count,
            took_part(county),
            county.programme_names,
        )
        for county in maps._counties(code)
    }


def test_the_maps_counties_are_the_fresh_counts_and_editions_after_writes():
    codes = list(County.objects.values_list("voivodeship__code", flat=True).distinct())
    for code in codes:
        assert map_counties_read(code) == map_counties_afresh(code), code
    for query in [maps.MAP_COUNTIES, maps.MAP_EDITION_PAIRS]:
        assert sorted(query.rows(MAZOVIA)) == sorted(query.build(MAZOVIA))
    assert maps.EDITIONS.rows() == list(maps.EDITIONS.build())
    cycle = WorkshopCycle.objects.first()
    radomski = County.objects.get(slug="radomski")  # took no part
    before = map_counties_read(MAZOVIA)[radomski.code]
    WorkshopCycle.objects.filter(pk=cycle.pk).update(county=radomski)
    after = map_counties_read(MAZOVIA)[radomski.code]
    assert after != before and after[2] == 1 and after[3]
    assert map_counties_read(MAZOVIA) == map_counties_afresh(MAZOVIA)
