"""The project catalogue: default scope, filters, counts per choice, ordering, paging,
shareable URLs, languages, accessibility basics and a query count that does not grow."""

import datetime
import re

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import translation

from programmes.models import County, Programme
from projects.facets import idea_facets_refresh
from projects.models import ProjectIdea, StatusChange, Theme
from projects.services import project_idea_set_status
from tests.records import (
    BIALOBRZEGI,
    LOSICE_2017,
    PLOCK,
    PLOCK_2003,
    PLOCK_2017,
    PROGRAMME_2003,
    PROGRAMME_2017,
)
from workshops.models import Attendee, WorkshopCycle

pytestmark = pytest.mark.django_db

PLOCK_SELECTED = {
    "promuj-pomagaj-nie-przeszkadzaj",
    "dojrzali-wspaniali",
    "wisla-na-szerokie-wody-przedsiebiorczosci",
    "skarby-powiatu-plockiego",
    "ekologiczne-smaki-mazowsza-polnocnego",
    "plockie-pl",
    "dowozik",
}
LOSICE_PROPOSED = {"lot-nad-bugiem", "luzolandia", "farma-sloneczna", "parasol", "zlobek"}
SERPELICE = "2005-miedzywojewodzki-projekt-efs"

# Far more than the queries the page needs, far fewer than one per row.
MAX_LIST_QUERIES = 14


def make_ideas(n, *, county_code=BIALOBRZEGI, status="selected", slug_prefix="bulk"):
    """``n`` ideas with themes and a status history, in one new cycle of one county."""
    county = County.objects.get(code=county_code)
    cycle = WorkshopCycle.objects.create(
        slug=f"{slug_prefix}-cycle",
        programme=Programme.objects.get(slug=PROGRAMME_2017),
        county=county,
        title=f"Cykl testowy {slug_prefix}",
        date_start=datetime.date(2017, 3, 1),
        date_end=datetime.date(2017, 11, 30),
        date_precision="month",
    )
    ideas = ProjectIdea.objects.bulk_create(
        ProjectIdea(
            slug=f"{slug_prefix}-{i:04d}",
            title=f"Pomysł testowy {i:04d}",
            goals="Cele pomysłu testowego.",
            cycle=cycle,
            county=county,
            status=status,
        )
        for i in range(n)
    )
    themes = list(Theme.objects.filter(slug__in=["kultura", "turystyka"]))
    through = ProjectIdea.themes.through
    through.objects.bulk_create(
        through(projectidea_id=idea.pk, theme_id=theme.pk) for idea in ideas for theme in themes
    )
    StatusChange.objects.bulk_create(
        StatusChange(
            project=idea,
            status=status,
            date_start=datetime.date(2017, 11, 1),
            date_end=datetime.date(2017, 11, 30),
            date_precision="month",
        )
        for idea in ideas
    )
    idea_facets_refresh(idea_ids=[idea.pk for idea in ideas])  # written past the services
    return cycle, ideas


def listed_slugs(response):
    return {idea.slug for idea in response.context["page_obj"].paginator.object_list}


def get_list(client, lang="en", **params):
    with translation.override(lang):
        url = reverse("projects:list")
    return client.get(url, params)


# -- scope and filters -------------------------------------------------------------------


def test_by_default_only_ideas_selected_for_implementation(client):
    response = get_list(client)
    assert response.status_code == 200
    assert listed_slugs(response) == PLOCK_SELECTED
    assert "Dojrzali wspaniali" in response.text
    assert "Luzolandia" not in response.text


def test_switch_to_all_ideas(client):
    response = get_list(client, scope="all")
    assert listed_slugs(response) == PLOCK_SELECTED | LOSICE_PROPOSED | {SERPELICE}


def test_filter_by_county(client):
    assert listed_slugs(get_list(client, scope="all", county="losicki")) == LOSICE_PROPOSED
    assert listed_slugs(get_list(client, county="losicki")) == set()


def test_filter_by_programme_edition_covers_cycles_and_events(client):
    response = get_list(client, scope="all", programme=PROGRAMME_2003)
    assert listed_slugs(response) == {SERPELICE}  # from an event of that edition
    response = get_list(client, scope="all", programme=PROGRAMME_2017)
    assert listed_slugs(response) == PLOCK_SELECTED | LOSICE_PROPOSED


def test_filter_by_year_matches_overlapping_periods(client):
    assert listed_slugs(get_list(client, scope="all", year=2005)) == {SERPELICE}
    assert listed_slugs(get_list(client, scope="all", year=2010)) == set()
    # An idea from a cycle dated only "2003–2010" belongs to every year of that period.
    idea = ProjectIdea.objects.create(
        slug="z-okresu",
        title="Pomysł z lat 2003–2010",
        cycle=WorkshopCycle.objects.get(slug=PLOCK_2003),
        status="selected",
    )
    idea_facets_refresh(idea_ids=[idea.pk])
    for year in (2003, 2007, 2010):
        assert "z-okresu" in listed_slugs(get_list(client, year=year))
    assert "z-okresu" not in listed_slugs(get_list(client, year=2011))


def test_filter_by_status_and_theme(client):
    assert listed_slugs(get_list(client, scope="all", status="proposed")) == LOSICE_PROPOSED | {
        SERPELICE
    }
    response = get_list(client, theme="seniorzy")
    assert listed_slugs(response) == {"dojrzali-wspaniali"}


def test_search_in_title_and_goals(client):
    assert listed_slugs(get_list(client, q="Dowozik")) == {"dowozik"}
    # "Klubu Seniora" appears only in the goals.
    assert listed_slugs(get_list(client, q="klubu seniora")) == {"dojrzali-wspaniali"}
    # Every word must match, in any order.
    assert listed_slugs(get_list(client, q="seniora mieszkańcy")) == {"dojrzali-wspaniali"}
    assert listed_slugs(get_list(client, q="seniora dowozik")) == set()


def test_search_treats_like_wildcards_literally(client):
    assert listed_slugs(get_list(client, q="%")) == set()
    assert listed_slugs(get_list(client, q="_")) == set()


def test_filters_combine(client):
    response = get_list(client, scope="all", county="plocki", theme="przedsiebiorczosc", year=2017)
    expected = set(
        ProjectIdea.objects.filter(
            county__code=PLOCK, themes__slug="przedsiebiorczosc"
        ).values_list("slug", flat=True)
    )
    assert len(expected) >= 2
    assert listed_slugs(response) == expected
    assert listed_slugs(
        get_list(client, county="plocki", theme="przedsiebiorczosc", year=2005)
    ) == (set())


# -- counts per choice -------------------------------------------------------------------


def choice_labels(response, name):
    return dict(response.context["form"].fields[name].choices)


def test_each_choice_shows_how_many_ideas_it_lists(client):
    response = get_list(client, scope="all")
    counties = choice_labels(response, "county")
    assert counties["plocki"].endswith("(7)")
    assert counties["losicki"].endswith("(5)")
    assert choice_labels(response, "status")["proposed"].endswith("(6)")
    assert choice_labels(response, "status")["completed"].endswith("(0)")
    assert choice_labels(response, "programme")[PROGRAMME_2003].endswith("(1)")
    assert choice_labels(response, "theme")["seniorzy"].endswith("(1)")
    assert choice_labels(response, "county")[""] == "all counties"


def test_counts_follow_the_other_filters_but_not_their_own(client):
    response = get_list(client, scope="all", county="losicki")
    # The county facet ignores the county filter, so the other county stays reachable.
    assert choice_labels(response, "county")["plocki"].endswith("(7)")
    # The other facets count within Łosice only.
    assert choice_labels(response, "status")["proposed"].endswith("(5)")
    assert choice_labels(response, "status")["selected"].endswith("(0)")


def test_counts_respect_the_default_scope(client):
    response = get_list(client)
    assert choice_labels(response, "county")["losicki"].endswith("(0)")
    assert choice_labels(response, "county")["plocki"].endswith("(7)")


def test_counts_are_language_aware(client):
    response = get_list(client, "pl", scope="all")
    assert choice_labels(response, "theme")["seniorzy"] == "seniorzy (1)"
    response = get_list(client, "en", scope="all")
    assert choice_labels(response, "theme")["seniorzy"] == "seniors (1)"


# -- ordering and paging -----------------------------------------------------------------


def titles(response):
    return [idea.title for idea in response.context["ideas"]]


def test_ordering(client):
    by_title = titles(get_list(client))
    assert by_title == sorted(by_title)
    assert titles(get_list(client, ordering="-title")) == list(reversed(by_title))
    oldest = titles(get_list(client, scope="all", ordering="year"))
    assert oldest[0].startswith("Międzywojewódzki")
    newest = titles(get_list(client, scope="all", ordering="-year"))
    assert newest[-1].startswith("Międzywojewódzki")


def test_pagination_keeps_the_filters(client):
    make_ideas(45)
    response = get_list(client, county="bialobrzeski", ordering="-title")
    page = response.context["page_obj"]
    assert page.paginator.count == 45 and page.paginator.num_pages == 3
    assert 'href="?county=bialobrzeski&amp;ordering=-title&amp;page=2"' in response.text
    second = get_list(client, county="bialobrzeski", ordering="-title", page=2)
    assert second.context["page_obj"].number == 2
    assert titles(second)[0] == "Pomysł testowy 0024"
    assert second.context["canonical_url"].endswith(
        "/en/projects/?county=bialobrzeski&ordering=-title&page=2"
    )


@pytest.mark.parametrize("page, expected", [("abc", 1), ("99999", 3), ("0", 3), ("-1", 3)])
def test_out_of_range_pages_fall_back(client, page, expected):
    make_ideas(45)
    response = get_list(client, county="bialobrzeski", page=page)
    assert response.status_code == 200
    assert response.context["page_obj"].number == expected


def test_filter_state_is_in_a_shareable_url(client):
    response = get_list(client, scope="all", theme="kultura", year="2017", q="  seniora ")
    canonical = response.context["canonical_url"]
    assert canonical.startswith("http://testserver/en/projects/?")
    # Shared, the canonical URL shows the same results.
    shared = client.get(canonical.removeprefix("http://testserver"))
    assert listed_slugs(shared) == listed_slugs(response) == {"dojrzali-wspaniali"}
    assert f'<link rel="canonical" href="{canonical.replace("&", "&amp;")}">' in response.text


def test_an_unknown_choice_is_a_form_error_with_no_results(client):
    response = get_list(client, scope="all", county="atlantyda")
    assert response.status_code == 200
    assert response.context["form"].errors["county"]
    assert listed_slugs(response) == set()
    assert 'aria-invalid="true"' in response.text
    assert 'id="id_county_error"' in response.text


# -- languages, plurals, page furniture --------------------------------------------------


def test_polish_by_default_english_under_en(client):
    with translation.override("pl"):
        pl_url = reverse("projects:list")
    with translation.override("en"):
        en_url = reverse("projects:list")
    assert not pl_url.startswith("/en/") and en_url.startswith("/en/")
    polish = client.get(pl_url)
    assert '<html lang="pl">' in polish.text
    assert "Dojrzali wspaniali" in polish.text
    english = client.get(en_url)
    assert '<html lang="en">' in english.text
    assert "<h1>Project ideas</h1>" in english.text


def test_plural_forms_of_the_result_count(client):
    assert "7 project ideas found." in get_list(client).text
    assert "1 project idea found." in get_list(client, q="Dowozik").text
    assert "0 project ideas found." in get_list(client, q="nic-takiego").text


def test_dates_are_shown_honestly(client):
    response = get_list(client, scope="all", county="losicki")
    cycle = WorkshopCycle.objects.get(slug=LOSICE_2017)
    with translation.override("en"):
        assert str(cycle.dates) in response.text


def test_meta_description_and_canonical(client):
    response = get_list(client)
    assert re.search(r'<meta name="description" content="[^"]{40,}">', response.text)
    assert '<link rel="canonical" href="http://testserver/en/projects/">' in response.text


def test_every_control_has_a_label(client):
    text = get_list(client).text
    form = text[text.index('<form method="get" action="/en/projects/"') :]
    form = form[: form.index("</form>")]
    ids = re.findall(r'<(?:input|select)[^>]* id="([^"]+)"', form)
    assert len(ids) >= 8
    for control_id in ids:
        assert f'<label for="{control_id}"' in form, control_id
    assert "<legend>" in form


def test_works_without_javascript(client):
    text = get_list(client).text
    assert "<script" not in text
    assert '<form method="get"' in text


def test_no_personal_data_of_attendees(client):
    Attendee.objects.create(
        cycle=WorkshopCycle.objects.get(slug=PLOCK_2017),
        full_name="Zenobia Przykładowa-Ćwik",
        organisation_name="Stowarzyszenie Sekretne",
        email="zenobia@example.org",
        phone="+48 600 111 222",
    )
    text = get_list(client, scope="all", q="Dojrzali").text + get_list(client, "pl").text
    for secret in ("Zenobia", "Stowarzyszenie Sekretne", "zenobia@example.org", "600 111 222"):
        assert secret not in text


def test_anonymous_pages_are_cached_and_invalidated(
    client, settings, django_capture_on_commit_callbacks
):
    # The API and the catalogue follow a write within PUBLIC_AGGREGATE_MAX_AGE seconds
    # (tests/test_scoped_invalidation.py); with none, at once.
    settings.PUBLIC_AGGREGATE_MAX_AGE = 0
    first = get_list(client)
    assert first["X-Cache"] == "miss"
    assert get_list(client)["X-Cache"] == "hit"
    with django_capture_on_commit_callbacks(execute=True):
        project_idea_set_status(
            project=ProjectIdea.objects.get(slug="dowozik"),
            status="not_pursued",
            date_start=datetime.date(2026, 6, 1),
        )
    response = get_list(client)
    assert response["X-Cache"] == "miss"
    assert "dowozik" not in listed_slugs(response)


# -- performance -------------------------------------------------------------------------


@pytest.mark.parametrize("n", [5, 500])
def test_queries_do_not_grow_with_rows(client, django_assert_max_num_queries, n):
    make_ideas(n)
    with django_assert_max_num_queries(MAX_LIST_QUERIES):
        response = get_list(client, scope="all", ordering="year")
    assert response.context["page_obj"].paginator.count == n + 13
    cache.clear()
    with django_assert_max_num_queries(MAX_LIST_QUERIES):
        response = get_list(client, county="bialobrzeski", theme="kultura", year=2017, q="test")
    assert response.context["page_obj"].paginator.count == n
