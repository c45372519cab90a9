"""The catalogue's page of ideas read with SQL compiled once per shape
(projects/catalogue_listing.py) is the ORM's page: the same ideas, in the same order,
with the same columns, for every filter, ordering, scope and page."""

import weakref

import pytest
from django.db import connection, connections
from django.http import QueryDict
from django.utils import translation

from projects import catalogue_listing
from projects.catalogue_listing import DATED, OWN, page_of_ideas, theme_names
from projects.filters import ProjectIdeaFilter
from projects.models import ProjectIdea, Theme

pytestmark = pytest.mark.django_db

QUERIES = [
    "",
    "scope=all",
    "scope=all&ordering=-year",
    "ordering=county",
    "scope=all&ordering=year&status=proposed",
    "county=plocki&theme=kultura",
    "scope=all&county=plocki&ordering=title",
    "scope=all&programme=PROGRAMME&year=YEAR",
    "scope=all&year=2017&ordering=-title",
    "q=a&scope=all",
    "q=na+terenie&scope=all&ordering=-year",
    # Eleven words and more (stand-ins that begin alike), LIKE's special characters.
    "scope=all&q=" + "+".join(["e"] * 12),
    "scope=all&q=%25+_+\\+e",
    "status=selected&theme=przedsiebiorczosc",
]


def orm_page(filterset, low, high):
    """The page as projects.views read it before catalogue_listing."""
    ideas = filterset.qs
    listed = ProjectIdea.objects.filter(pk__in=ideas[low:high].values("pk")).for_listing()
    if ideas.query.order_by:
        listed = listed.order_by(*ideas.query.order_by)
    return list(listed)


def columns(ideas):
    return [tuple(getattr(idea, name) for name in [*OWN, *DATED]) for idea in ideas]


@pytest.mark.parametrize("query", QUERIES)
def test_every_page_is_the_orms(query):
    programme, start = ProjectIdea.objects.exclude(cycle=None).values_list(
        "cycle__programme__slug", "cycle__date_start"
    )[0]
    query = query.replace("PROGRAMME", programme).replace("YEAR", str(start.year))
    filterset = ProjectIdeaFilter(QueryDict(query), queryset=ProjectIdea.objects.all())
    assert filterset.is_valid(), filterset.form.errors
    total = filterset.qs.count()
    assert total > 0 or "%25" in query
    for low, high in [(0, 3), (3, 6), (0, 20), (total - 1, total), (total, total + 3)]:
        if low < 0:
            continue
        expected = orm_page(filterset, low, high)
        got = page_of_ideas(filterset.chosen(), low, high, using="default")
        assert columns(got) == columns(expected), (query, low, high)
        assert [idea.pk for idea in got] == [idea.pk for idea in expected]
        assert [idea.get_absolute_url() for idea in got] == [
            idea.get_absolute_url() for idea in expected
        ]


def test_an_empty_page_asks_nothing(django_assert_num_queries):
    filterset = ProjectIdeaFilter(QueryDict(""), queryset=ProjectIdea.objects.all())
    assert filterset.is_valid()
    with django_assert_num_queries(0):
        assert page_of_ideas(filterset.chosen(), 20, 20, using="default") == []


def test_shapes_kept_are_bounded(monkeypatch):
    monkeypatch.setattr(catalogue_listing, "MAX_SHAPES", 2)
    monkeypatch.setattr(catalogue_listing, "_COMPILED", weakref.WeakKeyDictionary())
    for query in QUERIES[:5]:
        filterset = ProjectIdeaFilter(QueryDict(query), queryset=ProjectIdea.objects.all())
        assert filterset.is_valid()
        assert page_of_ideas(filterset.chosen(), 0, 5, using="default") == orm_page(filterset, 0, 5)
        assert len(catalogue_listing._COMPILED[connections["default"]]) <= 2


@pytest.mark.parametrize("language", ["pl", "en"])
def test_theme_names_are_the_orms(language):
    ids = list(ProjectIdea.objects.order_by("pk").values_list("pk", flat=True))
    assert len(ids) >= 10
    with translation.override(language):
        for some in (ids[:1], ids[:7], ids[3:13], ids):
            expected = list(
                ProjectIdea.themes.through.objects.filter(projectidea_id__in=some)
                .order_by("theme__name_pl", "theme_id")
                .values_list("projectidea_id", f"theme__{Theme.name_field()}")
            )
            assert theme_names(some, using="default") == expected
    assert theme_names([], using=connection.alias) == []
