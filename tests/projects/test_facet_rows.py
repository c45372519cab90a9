"""The catalogue's kept facet rows (``projects.facets``) stay exact: random sequences of
writes through the real write paths (the status service, the ideas' admin with its
themes, a history revert, deletes, the status history's admin, a theme deleted, a
cycle's or an event's edition changed in their admin), then every kept row compared
with a fresh computation from the ideas, and the facet counts read from them with a
plain count per facet. Runs on SQLite and, with ``DATABASE_URL``, on PostgreSQL."""

from __future__ import annotations

import datetime
import itertools
from collections import Counter
from io import StringIO

import pytest
from django.contrib.admin.sites import site
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection, transaction
from django.http import QueryDict
from django.test import RequestFactory
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.roles import COUNTY_STAFF
from programmes.models import County, Programme, ProgrammeEvent
from projects.catalogue_speed import facet_counts, kept_rows_answer
from projects.facets import (
    COLUMNS,
    idea_facets_refresh,
    idea_status_totals,
    idea_totals_refresh,
)
from projects.filters import ProjectIdeaFilter
from projects.models import (
    IdeaFacetRow,
    IdeaStatusTotal,
    IdeaThemeTotal,
    ProjectIdea,
    Status,
    StatusChange,
    Theme,
)
from projects.services import project_idea_set_status
from tests.factories import make_user
from tests.figures import plain_facet_counts
from tests.helpers import at_once, committed_elsewhere
from tests.records import LOSICE, LOSICE_2017, PLOCK, PLOCK_2003, PLOCK_2017
from workshops.models import WorkshopCycle

pytestmark = pytest.mark.django_db

NAMES = itertools.count()


# -- The fresh computation ------------------------------------------------------------------


def fresh_rows(ideas=None) -> Counter:
    """The facet rows of the ideas (every idea: ``None``), from the ideas, their cycles,
    events and themes, read here through the ORM."""
    queryset = ProjectIdea.objects.all() if ideas is None else ideas
    rows = Counter()
    for idea in queryset.select_related("cycle", "event").prefetch_related("themes"):
        cycle = idea.cycle.programme_id if idea.cycle else None
        event = idea.event.programme_id if idea.event else None
        own = (idea.status, idea.county_id, cycle or event, cycle, event)
        rows[(idea.pk, False, None, *own)] += 1
        for theme in idea.themes.all() or [None]:
            rows[(idea.pk, True, theme.pk if theme else None, *own)] += 1
    return rows


def kept_rows(ideas=None) -> Counter:
    queryset = IdeaFacetRow.objects.all()
    if ideas is not None:
        queryset = queryset.filter(idea__in=ideas)
    return Counter((row[0], bool(row[1]), *row[2:]) for row in queryset.values_list(*COLUMNS))


def fresh_theme_totals() -> dict:
    links = ProjectIdea.themes.through.objects.values_list("projectidea__status", "theme_id")
    return dict(Counter(links))


def kept_theme_totals() -> dict:
    rows = IdeaThemeTotal.objects.filter(ideas__gt=0).values_list("status", "theme_id", "ideas")
    return {(status, theme): n for status, theme, n in rows}


def assert_rows_exact(data=None) -> None:
    assert kept_rows() == fresh_rows()
    assert idea_status_totals() == ProjectIdea.objects.status_counts()
    assert kept_theme_totals() == fresh_theme_totals()
    if data is None:
        return
    # The facet counts read from the kept rows, for random facet filters.
    query = QueryDict(mutable=True)
    for name, values in (
        ("county", [None, "plocki", "losicki", "bialobrzeski"]),
        ("programme", [None, "wlog-2003-2010", "wlosg-2017"]),
        ("status", [None, *Status.values]),
        ("theme", [None, *Theme.objects.values_list("slug", flat=True)[:4]]),
        ("scope", [None, "all"]),
    ):
        value = data.draw(st.sampled_from(values), label=name)
        if value is not None:
            query[name] = value
    filterset = ProjectIdeaFilter(query, queryset=ProjectIdea.objects.all())
    if filterset.is_valid():  # a county without ideas is no choice
        assert kept_rows_answer(filterset)
        for grouping_sets in (False, None):  # None: GROUPING SETS on PostgreSQL
            counts = facet_counts(filterset, grouping_sets=grouping_sets)
            assert counts == plain_facet_counts(filterset)


# -- The writes -----------------------------------------------------------------------------


def admin_request(user):
    request = RequestFactory().post("/")
    request.user = user
    return request


class Form:
    """What the admins' ``save_model`` and ``save_related`` read of their form: the
    fields changed, the instance and its many-to-many fields (the themes)."""

    def __init__(self, instance=None, *changed, themes=None):
        self.instance, self.changed_data, self.themes = instance, list(changed), themes

    def save_m2m(self):
        if self.themes is not None:
            self.instance.themes.set(self.themes)


class Example:
    def __init__(self, user):
        self.user = user
        self.cycles = list(
            WorkshopCycle.objects.filter(slug__in=[PLOCK_2003, PLOCK_2017, LOSICE_2017])
        )
        self.events = list(ProgrammeEvent.objects.all()[:2])
        self.counties = [None, *County.objects.filter(code__in=[PLOCK, LOSICE])]
        self.programmes = list(Programme.objects.all())
        new = Theme.objects.create(slug=f"t{next(NAMES)}", name_pl="T", name_en="T")
        self.themes = [new, *Theme.objects.exclude(pk=new.pk)[:3]]

    def request(self):
        return admin_request(self.user)


def draw_origin(data, example, idea) -> None:
    idea.cycle = data.draw(st.sampled_from([None, *example.cycles]), label="cycle")
    # A cycle, an event or both (an idea comes from one of them).
    events = [None, *example.events] if idea.cycle else example.events
    idea.event = data.draw(st.sampled_from(events), label="event")
    idea.session = None
    idea.county = data.draw(st.sampled_from(example.counties), label="county")


def draw_themes(data, example):
    return data.draw(st.lists(st.sampled_from(example.themes), max_size=3, unique=True))


def do_admin_add(data, example, _idea):
    idea = ProjectIdea(slug=f"nowy-{next(NAMES)}", title="Nowy pomysł")
    draw_origin(data, example, idea)
    admin = site._registry[ProjectIdea]
    admin.save_model(example.request(), idea, Form(idea), False)
    admin.save_related(example.request(), Form(idea, themes=draw_themes(data, example)), [], False)


def do_admin_edit(data, example, idea):
    draw_origin(data, example, idea)
    themes = data.draw(st.one_of(st.none(), st.just(draw_themes(data, example))), label="themes")
    admin = site._registry[ProjectIdea]
    admin.save_model(example.request(), idea, Form(idea, "county", "cycle", "event"), True)
    admin.save_related(example.request(), Form(idea, themes=themes), [], True)


def do_history_revert(data, example, idea):
    """A history revert saves the idea alone (its county and origin, not its themes)."""
    draw_origin(data, example, idea)
    site._registry[ProjectIdea].save_model(example.request(), idea, Form(idea, "county"), True)


def do_set_status(data, _example, idea):
    project_idea_set_status(
        project=idea,
        status=data.draw(st.sampled_from(Status.values), label="status"),
        date_start=datetime.date(2017, 1, 1) + datetime.timedelta(data.draw(st.integers(0, 900))),
    )


def do_admin_delete_status(data, example, idea):
    changes = list(idea.status_history.all())
    if changes:
        change = data.draw(st.sampled_from(changes))
        site._registry[StatusChange].delete_model(example.request(), change)


def do_admin_delete_statuses(_data, example, idea):
    queryset = StatusChange.objects.filter(project=idea)
    site._registry[StatusChange].delete_queryset(example.request(), queryset)


def do_admin_delete_idea(_data, example, idea):
    StatusChange.objects.filter(project=idea).delete()
    site._registry[ProjectIdea].delete_model(example.request(), idea)


def do_admin_delete_ideas(data, example, idea):
    """The admin's "delete selected" of an idea or two (their history first)."""
    others = ProjectIdea.objects.exclude(pk=idea.pk).order_by("pk").values_list("pk", flat=True)[:1]
    pks = [idea.pk, *(others if data.draw(st.booleans(), label="two") else [])]
    StatusChange.objects.filter(project__in=pks).delete()
    queryset = ProjectIdea.objects.filter(pk__in=pks)
    site._registry[ProjectIdea].delete_queryset(example.request(), queryset)


def do_admin_delete_theme(data, example, _idea):
    theme = data.draw(st.sampled_from(example.themes))
    if data.draw(st.booleans(), label="one by one"):
        site._registry[Theme].delete_model(example.request(), theme)
    else:
        site._registry[Theme].delete_queryset(example.request(), Theme.objects.filter(pk=theme.pk))
    example.themes.remove(theme)


def do_admin_cycle_edition(data, example, _idea):
    cycle = data.draw(st.sampled_from(example.cycles))
    cycle.refresh_from_db()
    cycle.programme = data.draw(st.sampled_from(example.programmes))
    admin = site._registry[WorkshopCycle]
    admin.save_model(example.request(), cycle, Form(cycle, "programme"), True)


def do_admin_event_edition(data, example, _idea):
    event = data.draw(st.sampled_from(example.events))
    event.refresh_from_db()
    event.programme = data.draw(st.sampled_from([None, *example.programmes]))
    admin = site._registry[ProgrammeEvent]
    admin.save_model(example.request(), event, Form(event, "programme"), True)


WRITES = [
    do_admin_add,
    do_admin_edit,
    do_admin_edit,
    do_history_revert,
    do_set_status,
    do_set_status,
    do_admin_delete_status,
    do_admin_delete_statuses,
    do_admin_delete_idea,
    do_admin_delete_ideas,
    do_admin_delete_theme,
    do_admin_cycle_edition,
    do_admin_event_edition,
]


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(st.data())
def test_kept_facet_rows_equal_a_fresh_computation_after_random_writes(data):
    with transaction.atomic():  # each example starts from the same records
        user = make_user(f"tematy-{next(NAMES)}", COUNTY_STAFF, [PLOCK], is_superuser=True)
        example = Example(user)
        assert_rows_exact(data)
        for _step in range(data.draw(st.integers(1, 12), label="writes")):
            write = data.draw(st.sampled_from(WRITES))
            ideas = list(ProjectIdea.objects.order_by("pk"))
            idea = data.draw(st.sampled_from(ideas)) if ideas else None
            if idea is None and write is not do_admin_add:
                continue
            try:
                with transaction.atomic():
                    write(data, example, idea)
            except ValidationError:
                pass  # refused (a status the history holds): nothing was saved
            assert_rows_exact(data)
        transaction.set_rollback(True)


def test_the_records_loaded_from_fixtures_have_their_rows():
    """``loadrecords`` (run for the test database) keeps the rows of every idea."""
    assert IdeaFacetRow.objects.filter(by_theme=False).count() == ProjectIdea.objects.count() > 0
    assert_rows_exact()


def test_loadrecords_and_a_full_refresh_keep_them_exact():
    IdeaFacetRow.objects.filter(by_theme=True).update(status="damaged")  # by hand
    IdeaFacetRow.objects.filter(by_theme=False)[:1].get().delete()
    IdeaStatusTotal.objects.update(ideas=7)
    IdeaThemeTotal.objects.update(ideas=7)
    call_command("loadrecords", verbosity=0)
    assert_rows_exact()
    IdeaFacetRow.objects.all().delete()
    idea_facets_refresh(idea_ids=None)
    assert_rows_exact()


def test_synthetic_data_and_its_replacement_keep_them_exact():
    """``generate_synthetic_data`` refreshes every idea's rows and totals; ``--replace``
    deletes the earlier ideas' rows with them (the new run then recounts every status)."""
    from django.conf import settings as django_settings

    terc = django_settings.BASE_DIR / "programmes" / "data" / "terc2025_wojewodztwa_powiaty.csv"
    options = {"terc": terc, "scale": 0.002, "allow_real_records": True, "stdout": StringIO()}
    call_command("generate_synthetic_data", seed=1, **options)
    assert ProjectIdea.objects.filter(cycle__programme__is_synthetic=True).exists()
    assert_rows_exact()
    call_command("generate_synthetic_data", seed=2, replace=True, **options)
    assert_rows_exact()


def test_two_refreshes_of_an_idea_at_once_keep_each_row_once():
    """Two clerks at the same moment, one changing an idea's status, the other its
    cycle's edition: the second refresh waits for the first (the idea's row is locked)
    and then replaces its rows, instead of missing them and keeping the idea twice. On
    PostgreSQL two connections in two threads, which commit (the records are committed
    once per session; the idea is put back as it was, committed too); SQLite lets one
    writer in at a time, so there the two run one after the other in the test's
    transaction (``tests.helpers.at_once``)."""
    idea = ProjectIdea.objects.filter(cycle__isnull=False).order_by("pk").first()
    status = idea.status

    def write(new_status):
        ProjectIdea.objects.filter(pk=idea.pk).update(status=new_status)
        idea_facets_refresh(idea_ids=[idea.pk])

    try:
        at_once(lambda: write(Status.NOT_PURSUED), lambda: idea_facets_refresh(idea_ids=[idea.pk]))
        ideas = ProjectIdea.objects.filter(pk=idea.pk)
        assert kept_rows(ideas) == fresh_rows(ideas)
        assert IdeaFacetRow.objects.get(idea=idea, by_theme=False).status == "not_pursued"
        assert idea_status_totals() == ProjectIdea.objects.status_counts()
    finally:
        if connection.vendor == "postgresql":
            # As loadrecords left it (no total of a status no idea has: a full recount),
            # committed as the threads' writes were.
            committed_elsewhere(
                lambda: (write(status), idea_totals_refresh(statuses=None, pairs=None))
            )
    ideas = ProjectIdea.objects.filter(pk=idea.pk)
    assert kept_rows(ideas) == fresh_rows(ideas)
    assert idea_status_totals() == ProjectIdea.objects.status_counts()
