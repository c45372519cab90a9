"""A project idea's status follows its status history, through projects.services only."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from programmes.models import Source
from projects.models import ProjectIdea, Status, StatusChange
from projects.services import project_idea_set_status, project_idea_sync_status
from tests.records import PLOCK_2017
from workshops.models import WorkshopCycle

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def idea():
    cycle = WorkshopCycle.objects.get(slug=PLOCK_2017)
    return ProjectIdea.objects.create(
        slug="test-idea", title="Idea under test", cycle=cycle, county=cycle.county
    )


def stored_status(idea):
    return ProjectIdea.objects.values_list("status", flat=True).get(pk=idea.pk)


def test_the_loaded_records_agree_with_their_history():
    for idea in ProjectIdea.objects.all():
        recorded = idea.status
        assert project_idea_sync_status(project=idea) == recorded, idea.slug
        assert stored_status(idea) == recorded


def test_set_status_records_the_entry_and_updates_the_idea(idea):
    source = Source.objects.first()
    change = project_idea_set_status(
        project=idea,
        status=Status.SELECTED,
        date_start=D(2017, 6, 1),
        date_end=D(2017, 6, 30),
        date_precision="month",
        note="Chosen at the closing conference.",
        sources=[source],
    )
    assert change.pk is not None
    assert (change.project, change.status, change.date_precision) == (idea, "selected", "month")
    assert list(change.sources.all()) == [source]
    assert idea.status == Status.SELECTED
    assert stored_status(idea) == Status.SELECTED


def test_the_latest_entry_by_date_wins_not_the_latest_written(idea):
    project_idea_set_status(project=idea, status=Status.IN_PROGRESS, date_start=D(2018, 3, 1))
    project_idea_set_status(project=idea, status=Status.SELECTED, date_start=D(2017, 6, 1))
    assert stored_status(idea) == Status.IN_PROGRESS


def test_an_entry_with_an_unknown_date_counts_as_the_earliest(idea):
    project_idea_set_status(project=idea, status=Status.SELECTED, date_start=D(2017, 6, 1))
    project_idea_set_status(project=idea, status=Status.PROPOSED)
    assert stored_status(idea) == Status.SELECTED


def test_entries_on_the_same_date_are_ordered_as_written(idea):
    project_idea_set_status(project=idea, status=Status.PROPOSED, date_start=D(2017, 6, 1))
    project_idea_set_status(project=idea, status=Status.SELECTED, date_start=D(2017, 6, 1))
    assert stored_status(idea) == Status.SELECTED


@pytest.mark.parametrize(
    "kwargs",
    [
        pytest.param({"status": "adopted"}, id="unknown-status"),
        pytest.param({"status": Status.SELECTED, "date_precision": "week"}, id="unknown-precision"),
        pytest.param(
            {"status": Status.SELECTED, "date_start": D(2017, 6, 30), "date_end": D(2017, 6, 1)},
            id="end-before-start",
        ),
        pytest.param(
            {"status": Status.SELECTED, "date_end": D(2017, 6, 1)}, id="end-without-start"
        ),
    ],
)
def test_set_status_refuses_invalid_entries_and_saves_nothing(idea, kwargs):
    with pytest.raises(ValidationError):
        project_idea_set_status(project=idea, **kwargs)
    assert not StatusChange.objects.filter(project=idea).exists()
    assert stored_status(idea) == Status.PROPOSED


def test_set_status_refuses_a_status_already_in_the_history(idea):
    project_idea_set_status(project=idea, status=Status.SELECTED, date_start=D(2017, 6, 1))
    project_idea_set_status(project=idea, status=Status.IN_PROGRESS, date_start=D(2018, 1, 1))
    with pytest.raises(ValidationError):
        project_idea_set_status(project=idea, status=Status.SELECTED, date_start=D(2019, 1, 1))
    assert StatusChange.objects.filter(project=idea).count() == 2
    assert stored_status(idea) == Status.IN_PROGRESS


def test_set_status_refuses_an_unsaved_idea():
    unsaved = ProjectIdea(slug="unsaved", title="Unsaved")
    with pytest.raises(ValueError):
        project_idea_set_status(project=unsaved, status=Status.SELECTED)
    assert not StatusChange.objects.filter(project__slug="unsaved").exists()


def test_sync_repairs_a_status_that_drifted_from_the_history(idea):
    project_idea_set_status(project=idea, status=Status.SELECTED, date_start=D(2017, 6, 1))
    ProjectIdea.objects.filter(pk=idea.pk).update(status=Status.COMPLETED)
    assert project_idea_sync_status(project=idea) == Status.SELECTED
    assert stored_status(idea) == Status.SELECTED


def test_an_idea_without_history_is_proposed(idea):
    change = project_idea_set_status(project=idea, status=Status.NOT_PURSUED)
    change.delete()
    assert project_idea_sync_status(project=idea) == Status.PROPOSED
    assert stored_status(idea) == Status.PROPOSED


def test_sync_writes_only_when_the_status_changes(idea, django_assert_max_num_queries):
    project_idea_set_status(project=idea, status=Status.PROPOSED, date_start=D(2017, 6, 1))
    with django_assert_max_num_queries(4) as queries:  # savepoint, lock, latest, release
        project_idea_sync_status(project=idea)
    assert not [q for q in queries.captured_queries if q["sql"].startswith("UPDATE")]
