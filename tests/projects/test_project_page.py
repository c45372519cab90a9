"""A project idea's page: content, origin, timeline, related ideas, sources, privacy,
languages and a query count that does not grow with the cycle's ideas."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import translation

from programmes.models import Organisation, Source
from projects.models import ProjectIdea, StatusChange
from tests.projects.test_catalogue import make_ideas
from tests.records import PLOCK, PLOCK_2017, PROGRAMME_2017
from workshops.models import Attendee, Session, WorkshopCycle

pytestmark = pytest.mark.django_db

MAX_PAGE_QUERIES = 12


def page(client, slug, lang="en"):
    with translation.override(lang):
        url = reverse("projects:detail", kwargs={"slug": slug})
    return client.get(url)


def test_shows_title_goals_county_cycle_and_edition(client):
    response = page(client, "dojrzali-wspaniali")
    assert response.status_code == 200
    text = response.text
    assert "<h1" in text and "Dojrzali wspaniali – międzypokoleniowe działania lokalne" in text
    assert "Klubu Seniora" in text
    cycle = WorkshopCycle.objects.get(slug=PLOCK_2017)
    with translation.override("en"):
        assert f'href="{cycle.get_absolute_url()}"' in text
        assert reverse("portal:county_detail", kwargs={"slug": "plocki"}) in text
        assert reverse("portal:programme_detail", kwargs={"slug": PROGRAMME_2017}) in text
    assert cycle.title in text
    assert PLOCK in text


def test_status_history_is_a_dated_timeline(client):
    idea = ProjectIdea.objects.get(slug="dojrzali-wspaniali")
    text = page(client, idea.slug).text
    timeline = text[text.index('<ol class="timeline">') :]
    timeline = timeline[: timeline.index("</ol>")]
    assert timeline.count("<li>") == 2
    with translation.override("en"):
        proposed, selected = (change.dates for change in idea.status_history.order_by("id"))
        assert str(proposed) in timeline and str(selected) in timeline
    # Oldest first: the proposal (a window), then the selection (one day).
    assert timeline.index("Proposed") < timeline.index("Selected for implementation")


def test_approximate_dates_stay_approximate(client):
    idea = ProjectIdea.objects.get(slug="dowozik")
    StatusChange.objects.create(
        project=idea,
        status="in_progress",
        date_start=datetime.date(2018, 1, 1),
        date_end=datetime.date(2018, 12, 31),
        date_precision="year",
        note="Realizacja w 2018 r.",
    )
    StatusChange.objects.create(project=idea, status="completed", note="Data nieznana.")
    text = page(client, "dowozik").text
    timeline = text[text.index('<ol class="timeline">') :]
    assert '<span class="when">2018</span>' in timeline
    assert '<span class="when">date unknown</span>' in timeline
    # An undated entry comes last on every database.
    assert timeline.index("2018") < timeline.index("date unknown")


def test_other_ideas_from_the_same_cycle(client):
    text = page(client, "dojrzali-wspaniali").text
    related = text[text.index('id="related-heading"') :]
    related = related[: related.index("</section>")]
    assert "Other ideas from the same cycle" in related
    assert related.count("<li>") == 6
    assert "Dowozik" in related
    assert "Dojrzali wspaniali" not in related
    assert "Luzolandia" not in related  # another county's cycle


def test_sources_of_the_idea_and_its_history(client):
    idea = ProjectIdea.objects.get(slug="dojrzali-wspaniali")
    extra = Source.objects.create(
        slug="zz-notatka",
        title="Notatka z realizacji",
        author="Autor Notatki",
        publisher="Wydawca Notatki",
        url="https://example.org/notatka.pdf",
    )
    idea.status_history.get(status="selected").sources.add(extra)
    text = page(client, idea.slug).text
    sources = text[text.index('id="sources-heading"') :]
    for source in idea.sources.all():
        assert source.title in sources
    assert "Notatka z realizacji" in sources
    assert "Autor Notatki" in sources and "Wydawca Notatki" in sources
    assert 'href="https://example.org/notatka.pdf"' in sources
    with translation.override("en"):
        assert reverse("portal:source_detail", kwargs={"slug": "zz-notatka"}) in sources


def test_session_and_partners_when_recorded(client):
    idea = ProjectIdea.objects.get(slug="dowozik")
    session = Session.objects.filter(cycle=idea.cycle).order_by("ordinal").first()
    idea.session = session
    idea.save()
    partner = Organisation.objects.get(slug="pup-w-plocku")
    idea.partners.add(partner)
    text = page(client, idea.slug).text
    partners = text[text.index('id="partners-heading"') :]
    assert partner.name in partners[: partners.index("</section>")]
    with translation.override("en"):
        assert f"{session.get_kind_display()} {session.roman}" in text
        assert str(session.dates) in text


def test_idea_from_an_event_without_county(client):
    text = page(client, "2005-miedzywojewodzki-projekt-efs").text
    assert "Spotkanie dyrektorów" in text
    assert "Other ideas from the same event" in text
    assert "mazowieckie" in text and "podlaskie" in text and "łódzkie" in text
    with translation.override("en"):
        assert (
            reverse("portal:event_detail", kwargs={"slug": "2005-05-17-spotkanie-w-serpelicach"})
            in text
        )


def test_unknown_idea_is_404(client):
    assert page(client, "nie-ma-takiego").status_code == 404


def test_polish_by_default_and_english_under_en(client):
    polish = page(client, "dowozik", "pl")
    assert '<html lang="pl">' in polish.text
    assert "Dowozik – dowiozę Cię tam gdzie chcesz" in polish.text
    english = page(client, "dowozik", "en")
    assert '<html lang="en">' in english.text
    assert "Status history" in english.text


def test_meta_description_and_canonical(client):
    text = page(client, "dojrzali-wspaniali").text
    assert re.search(r'<meta name="description" content="Wyposażenie oraz uruchomienie', text)
    assert '<link rel="canonical" href="http://testserver/en/projects/dojrzali-wspaniali/">' in text


def test_no_personal_data_of_attendees(client):
    cycle = WorkshopCycle.objects.get(slug=PLOCK_2017)
    Attendee.objects.create(
        cycle=cycle,
        full_name="Zenobia Przykładowa-Ćwik",
        organisation_name="Stowarzyszenie Sekretne",
        email="zenobia@example.org",
        phone="+48 600 111 222",
    )
    text = page(client, "dojrzali-wspaniali").text + page(client, "dowozik", "pl").text
    for secret in ("Zenobia", "Stowarzyszenie Sekretne", "zenobia@example.org", "600 111 222"):
        assert secret not in text


def test_page_is_cached_for_anonymous_visitors(client):
    assert page(client, "dowozik")["X-Cache"] == "miss"
    assert page(client, "dowozik")["X-Cache"] == "hit"


@pytest.mark.parametrize("n", [5, 500])
def test_queries_do_not_grow_with_the_cycles_ideas(client, django_assert_max_num_queries, n):
    cycle, ideas = make_ideas(n)
    with django_assert_max_num_queries(MAX_PAGE_QUERIES):
        response = page(client, ideas[0].slug)
    assert response.status_code == 200
    assert len(response.context["related_ideas"]) == n - 1


@pytest.mark.parametrize("lang", ["pl", "en"])
def test_narrow_rows_and_compiled_lists_show_the_same_page(client, monkeypatch, lang):
    """The idea's row and lists read from SQL compiled once (``projects.idea_page``)
    show every idea's page as ``for_page``'s full rows and prefetches do, in as many
    SQL statements: no column left out costs one."""
    from django.core.cache import cache
    from django.db import connection
    from django.shortcuts import get_object_or_404
    from django.test.utils import CaptureQueriesContext

    from projects import idea_page

    def render_all(*, plain=False):
        pages = {}
        for slug in ProjectIdea.objects.order_by("slug").values_list("slug", flat=True):
            cache.clear()
            with CaptureQueriesContext(connection) as queries:
                response = page(client, slug, lang)
            assert response.status_code == 200
            # Statements, not round trips: on PostgreSQL idea_page sends its lists in one.
            statements = sum(query["sql"].count(";\n") + 1 for query in queries)
            if plain and not StatusChange.objects.filter(project__slug=slug).exists():
                statements += 1  # idea_page reads the history's sources all the same
            pages[slug] = (response.content, statements)
        return pages

    narrow = render_all()
    monkeypatch.setattr(
        idea_page,
        "read_idea",
        lambda slug: get_object_or_404(ProjectIdea.objects.for_page(), slug=slug),
    )
    monkeypatch.setattr(
        idea_page, "read_lists", lambda idea: list(ProjectIdea.objects.from_same_origin(idea))
    )
    assert len(narrow) > 5
    assert render_all(plain=True) == narrow
