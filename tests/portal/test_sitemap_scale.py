"""The sitemap at national scale: an index of sections, each paged, every public record
listed once per language, in a fixed number of queries."""

import re

import pytest
from django.urls import reverse
from django.utils import translation

from portal.sitemaps import SITEMAPS, LanguagePairs, RecordSitemap
from projects.models import ProjectIdea
from tests.records import PLOCK_2017
from workshops.models import WorkshopCycle

pytestmark = pytest.mark.django_db


def locations(content: str) -> list[str]:
    return re.findall(r"<loc>http://testserver([^<]*)</loc>", content)


def add_ideas(n: int) -> None:
    cycle = WorkshopCycle.objects.get(slug=PLOCK_2017)
    ProjectIdea.objects.bulk_create(
        ProjectIdea(slug=f"sitemap-{i:04d}", title=f"Pomysł {i}", cycle=cycle, county=cycle.county)
        for i in range(n)
    )


def crawl_section(client, section: str) -> list[str]:
    index = locations(client.get("/sitemap.xml").content.decode())
    pages = [loc for loc in index if loc.startswith(f"/sitemap-{section}.xml")]
    found = []
    for page in pages:
        response = client.get(page)
        assert response.status_code == 200
        found += locations(response.content.decode())
    return pages, found


def test_every_idea_once_per_language_over_the_pages(client, monkeypatch):
    monkeypatch.setattr(RecordSitemap, "limit", 7)  # odd: pages split a record's languages
    add_ideas(30)
    pages, found = crawl_section(client, "projects")
    ideas = list(ProjectIdea.objects.order_by("slug"))
    assert len(pages) == -(-len(ideas) * 2 // 7)
    assert pages[1] == "/sitemap-projects.xml?p=2"
    expected = []
    for idea in ideas:
        for lang in ("pl", "en"):
            with translation.override(lang):
                expected.append(reverse("projects:detail", kwargs={"slug": idea.slug}))
    assert found == expected


def test_the_index_and_a_page_take_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    add_ideas(300)
    with django_assert_max_num_queries(6):  # one count per section of records
        index = client.get("/sitemap.xml")
    assert index.status_code == 200
    with django_assert_max_num_queries(2):  # the count, the page
        page = client.get("/sitemap-projects.xml")
    assert len(locations(page.content.decode())) == 2 * ProjectIdea.objects.count()


def test_unknown_sections_and_pages_are_not_found(client):
    assert client.get("/sitemap-attendees.xml").status_code == 404
    assert client.get("/sitemap-projects.xml?p=999").status_code == 404
    assert client.get("/sitemap-projects.xml?p=x").status_code == 404


def test_language_pairs_slices_like_the_full_list():
    records = list(range(5))
    pairs = LanguagePairs(records, ["pl", "en"], len(records))
    full = [(r, lang) for r in records for lang in ("pl", "en")]
    assert pairs.count() == len(full) == 10
    for start in range(11):
        for stop in range(start, 12):
            assert pairs[start:stop] == full[start:stop]


def test_every_section_is_in_the_index(client):
    index = locations(client.get("/sitemap.xml").content.decode())
    assert {f"/sitemap-{section}.xml" for section in SITEMAPS} <= set(index)
