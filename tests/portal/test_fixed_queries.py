"""``portal.fixed_queries.FixedQuery`` answers what its queryset answers, at every call."""

import datetime

import pytest

from portal.county_page import CYCLE_SOURCES, CYCLES, IDEAS, SESSIONS
from portal.fixed_queries import STAND_IN, FixedQuery
from programmes.models import County
from workshops.models import Session, WorkshopCycle

pytestmark = pytest.mark.django_db


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
