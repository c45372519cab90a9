"""The catalogue's faster paths give the same answers: counts per choice without
DISTINCT, the facets counted together (GROUPING SETS on PostgreSQL), a page of ideas
fetched by id, and the one-pass ``<select>`` (see projects/catalogue_speed.py)."""

import datetime
import re

import pytest
from django import forms
from django.db import connection
from django.http import QueryDict
from django.urls import reverse
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from programmes.models import County, Programme
from projects.catalogue_speed import FastSelect, facet_counts
from projects.facets import idea_facets_refresh
from projects.filters import ProjectIdeaFilter
from projects.models import ProjectIdea, Theme
from tests.figures import plain_facet_counts
from tests.records import BIALOBRZEGI, PROGRAMME_2017
from workshops.models import WorkshopCycle

pytestmark = pytest.mark.django_db


def get_list(client, **params):
    with translation.override("en"):
        address = reverse("projects:list")
    return client.get(address, params)


def choice_labels(response, name):
    return dict(response.context["form"].fields[name].choices)


def make_ideas(n, *, themes=("kultura", "turystyka"), status="selected", prefix="t"):
    county = County.objects.get(code=BIALOBRZEGI)
    cycle = WorkshopCycle.objects.create(
        slug=f"{prefix}-cycle",
        programme=Programme.objects.get(slug=PROGRAMME_2017),
        county=county,
        title="Cykl",
        date_start=datetime.date(2016, 3, 1),
        date_end=datetime.date(2016, 11, 30),
    )
    ideas = ProjectIdea.objects.bulk_create(
        ProjectIdea(
            slug=f"{prefix}-{i:03d}",
            title=f"Pomysł {prefix} {i:03d}",
            cycle=cycle,
            county=county,
            status=status,
        )
        for i in range(n)
    )
    through = ProjectIdea.themes.through
    through.objects.bulk_create(
        through(projectidea_id=idea.pk, theme_id=theme.pk)
        for idea in ideas
        for theme in Theme.objects.filter(slug__in=themes)
    )
    idea_facets_refresh(idea_ids=[idea.pk for idea in ideas])  # written past the services
    return ideas


def test_an_idea_with_two_themes_counts_once_in_every_other_facet(client):
    make_ideas(3, themes=("kultura", "turystyka"))
    response = get_list(client, theme="kultura", county="bialobrzeski")
    assert response.context["page_obj"].paginator.count == 3
    assert choice_labels(response, "status")["selected"].endswith("(3)")
    assert choice_labels(response, "county")["bialobrzeski"].endswith("(3)")
    assert choice_labels(response, "programme")[PROGRAMME_2017].endswith("(3)")
    # In the theme facet each idea counts once under each of its themes.
    assert choice_labels(response, "theme")["kultura"].endswith("(3)")
    assert choice_labels(response, "theme")["turystyka"].endswith("(3)")


def test_counts_equal_the_number_of_ideas_each_choice_lists(client):
    make_ideas(7, themes=("kultura",), status="completed", prefix="a")
    make_ideas(4, themes=("kultura", "seniorzy"), status="proposed", prefix="b")
    response = get_list(client, scope="all", year=2016)
    for name in ("county", "programme", "status", "theme"):
        for value, label in choice_labels(response, name).items():
            if not value:
                continue
            shown = int(re.search(r"\(([\d\s\xa0,.]+)\)$", label).group(1).replace(",", ""))
            listed = get_list(client, scope="all", year=2016, **{name: value})
            assert listed.context["page_obj"].paginator.count == shown, (name, value)


def test_pages_do_not_overlap_and_keep_the_order(client):
    make_ideas(45, prefix="p")
    seen = []
    for page in (1, 2, 3):
        response = get_list(client, county="bialobrzeski", ordering="-title", page=page)
        seen += [idea.slug for idea in response.context["ideas"]]
    assert seen == [f"p-{i:03d}" for i in reversed(range(45))]
    newest = get_list(client, scope="all", ordering="-year", page=1).context["ideas"]
    assert [idea.period_start for idea in newest] == sorted(
        (idea.period_start for idea in newest), reverse=True
    )


@pytest.mark.parametrize("value", ["", "a", "3", None, "missing"])
@pytest.mark.parametrize(
    "attrs",
    [
        {"id": "id_x"},
        {"id": "id_x", "aria-describedby": "id_x_error", "aria-invalid": "true", "required": True},
        {"id": "id_x", "disabled": False},
    ],
)
def test_fast_select_writes_what_djangos_select_writes(value, attrs):
    choices = [
        ("", "all"),
        ("a", "A & <b>“ł”"),
        ("b", "B"),
        (3, "three"),
        ("safe", mark_safe("<b>kept</b> &amp; as it is")),  # noqa: S308 - a test value
        ("lazy", gettext_lazy("Status")),
    ]
    django_html = forms.Select(choices=choices).render("x", value, attrs=dict(attrs))
    fast_html = FastSelect(choices=choices).render("x", value, attrs=dict(attrs))
    assert re.sub(r">\s+<", "><", django_html.strip()) == fast_html


def test_the_catalogue_form_renders_every_county_with_ideas(client):
    response = get_list(client, scope="all")
    html = response.content.decode()
    select = html.split('<select name="county"')[1].split("</select>")[0]
    counties = County.objects.filter(project_ideas__isnull=False).distinct()
    assert select.count("<option") == counties.count() + 1
    selected = get_list(client, scope="all", county="plocki").content.decode()
    assert '<option value="plocki" selected>' in selected


@pytest.mark.parametrize("lang", ["pl", "en"])
def test_county_labels_are_the_counties_names_as_shown_everywhere(client, lang):
    city = County.objects.filter(kind=County.Kind.CITY).first()
    in_land_county, in_city = make_ideas(2, prefix="city")  # in the białobrzeski county
    ProjectIdea.objects.filter(pk=in_city.pk).update(county=city)
    with translation.override(lang):
        address = reverse("projects:list")
        counties = County.objects.filter(project_ideas__isnull=False).distinct()
        expected = {county.slug: str(county) for county in counties}
    assert {kind for kind in counties.values_list("kind", flat=True)} == set(County.Kind.values)
    response = client.get(address, {"scope": "all"})
    labels = {
        value: re.sub(r" \([\d\s\xa0,.]+\)$", "", label)
        for value, label in choice_labels(response, "county").items()
        if value
    }
    assert labels == expected
    written = {
        "pl": ("powiat białobrzeski", f"{city.name} (miasto na prawach powiatu)"),
        "en": ("białobrzeski county", f"{city.name} (city with county rights)"),
    }
    assert (labels["bialobrzeski"], labels[city.slug]) == written[lang]


# The ways of counting the facets this run's database takes: a grouped query per facet
# (every database's, SQLite's), and on PostgreSQL GROUPING SETS too. Each database tests its
# own branches, none is skipped; the PostgreSQL run (CI's) covers GROUPING SETS.
FACET_BRANCHES = [pytest.param(False, id="query-per-facet")]
if connection.vendor == "postgresql":
    FACET_BRANCHES.insert(0, pytest.param(True, id="grouping-sets"))


@pytest.mark.parametrize(
    "query",
    [
        "",
        "scope=all",
        "theme=kultura",
        "status=completed&theme=kultura",
        "county=bialobrzeski&scope=all",
        "programme=wlosg-2017&year=2016&scope=all&ordering=-year",
        "county=bialobrzeski&programme=wlosg-2017&status=proposed&theme=seniorzy&scope=all",
        "q=Pomysł&scope=all",
    ],
)
@pytest.mark.parametrize("grouping_sets", FACET_BRANCHES)
def test_facets_counted_together_equal_one_count_per_facet(query, grouping_sets):
    """Both ways of counting the facets in one statement (GROUPING SETS, PostgreSQL's,
    and a grouped query per facet, every other database's) give the numbers of a plain
    count per facet."""
    make_ideas(5, themes=("kultura",), status="completed", prefix="a")
    make_ideas(3, themes=("kultura", "seniorzy"), status="proposed", prefix="b")
    make_ideas(2, themes=(), status="selected", prefix="c")
    ProjectIdea.objects.filter(slug="c-000").update(county=None)
    idea_facets_refresh(idea_ids=ProjectIdea.objects.values_list("pk", flat=True))
    filterset = ProjectIdeaFilter(QueryDict(query), queryset=ProjectIdea.objects.all())
    assert filterset.is_valid()
    expected = plain_facet_counts(filterset)
    assert facet_counts(filterset, grouping_sets=grouping_sets) == expected
    assert sum(expected["status"].values()) > 0


def test_cards_show_area_period_themes_and_goals_escaped(client):
    from programmes.models import Voivodeship

    county_idea, no_area, voivodeships = make_ideas(3, themes=("kultura", "seniorzy"))
    ProjectIdea.objects.filter(pk=county_idea.pk).update(
        title="Ryby & <b>raki</b>", goals=" ".join(f"słowo{i}" for i in range(50))
    )
    ProjectIdea.objects.filter(pk__in=[no_area.pk, voivodeships.pk]).update(county=None)
    voivodeships.voivodeships.set(Voivodeship.objects.order_by("code")[:2])
    html = get_list(client, scope="all").content.decode()
    card = html.split(f'<article aria-labelledby="idea-{county_idea.pk}">')[1].split("</article>")[
        0
    ]
    assert (
        f'<a href="/en/projects/{county_idea.slug}/" lang="pl">'
        "Ryby &amp; &lt;b&gt;raki&lt;/b&gt;</a>" in card
    )
    assert "<dt>Status</dt>" in card and "<dd>Selected for implementation</dd>" in card
    assert "<dd>białobrzeski county</dd>" in card.replace("Białobrzeski", "białobrzeski")
    assert "<dt>Period</dt>" in card and "2016" in card
    themes = Theme.objects.filter(slug__in=["kultura", "seniorzy"]).order_by("name_pl")
    tags = " ".join(f'<span class="tag">{theme.name_en}</span>' for theme in themes)
    assert f"<dd>{tags}</dd>" in card
    assert "słowo39 …" in card or "słowo39…" in card
    assert "słowo40" not in card
    no_area_card = html.split(f'aria-labelledby="idea-{no_area.pk}"')[1].split("</article>")[0]
    assert "<dd>not recorded</dd>" in no_area_card
    several = html.split(f'aria-labelledby="idea-{voivodeships.pk}"')[1].split("</article>")[0]
    with translation.override("en"):
        names = [str(v) for v in Voivodeship.objects.order_by("code")[:2]]
    assert f"<dd>{', '.join(names)}</dd>" in several
