"""The home page's ideas per status (``portal.idea_counts``, the kept totals) equal
``ProjectIdea.objects.status_counts()`` (a ``GROUP BY``): for the records, for none, and
after random ideas are added, deleted and given another status, any text included, each
write followed by the refresh its write paths call (``projects.facets``; the paths
themselves are exercised by ``tests/projects/test_facet_rows.py``). Runs on SQLite and,
with ``DATABASE_URL``, on PostgreSQL."""

from __future__ import annotations

import itertools

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from portal.idea_counts import idea_status_counts
from projects.facets import idea_facets_refresh, idea_status_totals_refresh
from projects.models import ProjectIdea, Status
from tests.records import PLOCK_2017
from workshops.models import WorkshopCycle

pytestmark = pytest.mark.django_db

NAMES = itertools.count()
# The statuses of the model, and texts it never writes (the count takes any).
STATUSES = st.one_of(
    st.sampled_from(Status.values),
    st.sampled_from(["", "a", "zz", "proposed ", "Proposed"]),
)


def test_the_records_are_counted_as_grouped():
    counts = idea_status_counts()
    assert counts == ProjectIdea.objects.status_counts()
    assert sum(counts.values()) == ProjectIdea.objects.count() > 0


def test_no_ideas_no_counts():
    statuses = set(ProjectIdea.objects.values_list("status", flat=True))
    ProjectIdea.objects.all().delete()
    idea_status_totals_refresh(statuses=statuses)
    assert idea_status_counts() == {}


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(st.data())
def test_counts_equal_the_grouped_counts_after_random_writes(data):
    with transaction.atomic():
        cycle = WorkshopCycle.objects.get(slug=PLOCK_2017)
        if data.draw(st.booleans(), label="start empty"):
            statuses = set(ProjectIdea.objects.values_list("status", flat=True))
            ProjectIdea.objects.all().delete()
            idea_status_totals_refresh(statuses=statuses)
        for status in data.draw(st.lists(STATUSES, max_size=8), label="new"):
            idea = ProjectIdea.objects.create(
                slug=f"idea-{next(NAMES)}",
                title="Idea",
                cycle=cycle,
                county=cycle.county,
                status=status,
            )
            idea_facets_refresh(idea_ids=[idea.pk])
        ideas = list(ProjectIdea.objects.order_by("pk").values_list("pk", flat=True))
        if ideas:
            for pk in data.draw(st.lists(st.sampled_from(ideas), max_size=4), label="moved"):
                ProjectIdea.objects.filter(pk=pk).update(status=data.draw(STATUSES))
                idea_facets_refresh(idea_ids=[pk])
            gone = data.draw(st.lists(st.sampled_from(ideas), max_size=3), label="deleted")
            statuses = set(ProjectIdea.objects.filter(pk__in=gone).values_list("status", flat=True))
            ProjectIdea.objects.filter(pk__in=gone).delete()
            idea_status_totals_refresh(statuses=statuses)
        assert idea_status_counts() == ProjectIdea.objects.status_counts()
        transaction.set_rollback(True)
