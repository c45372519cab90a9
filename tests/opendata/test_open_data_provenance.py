"""Each dataset's last change comes from the data (rows, related rows, deletions) and its
sources from the records; both in a bounded number of queries; the open-data page shows
them with the licence and the links to the package, the ZIP and the catalogue."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from opendata.datasets import DATASETS, Dataset
from opendata.provenance import dataset_sources, last_changes, latest_change
from programmes.models import PartnershipAgreement, Source
from projects.models import ProjectIdea
from tests.projects.test_catalogue import make_ideas
from tests.records import PLOCK_2017
from workshops.models import Certificate, Session

pytestmark = pytest.mark.django_db

LOADED = datetime.datetime(2026, 11, 25, tzinfo=datetime.UTC)  # the fixtures' updated_at


def test_the_dates_are_the_records_not_the_clock():
    assert set(last_changes().values()) == {LOADED}
    assert latest_change() == LOADED


def test_a_saved_row_changes_its_dataset_and_those_that_show_it():
    session = Session.objects.get(cycle__slug=PLOCK_2017, ordinal=1)
    session.topic = "Nowy temat"
    session.save()
    changes = last_changes()
    assert changes["sesje"] >= session.updated_at > LOADED  # (its history entry is later)
    assert changes["cykle"] == changes["sesje"]  # counts sessions
    assert changes["projekty"] == changes["sesje"]  # shows a session's number
    assert changes["porozumienia"] == changes["edycje"] == changes["wydarzenia"] == LOADED


def test_a_deletion_is_dated_by_the_history():
    before = timezone.now()
    ProjectIdea.objects.get(slug="dowozik").delete()
    changes = last_changes()
    assert changes["projekty"] >= before
    assert changes["powiaty"] >= before  # counts ideas
    assert changes["porozumienia"] == LOADED


def test_a_dataset_without_dated_rows_has_no_date():
    assert not Certificate.objects.exists()
    empty = Dataset("x", "x", "x", Certificate.objects.all, changed_by=(Certificate,))
    undated = Dataset("y", "y", "y", Certificate.objects.all)
    assert last_changes({"x": empty, "y": undated}) == {"x": None, "y": None}
    assert latest_change({"x": empty}) is None
    assert dataset_sources({"y": undated}) == {"y": []}


@pytest.mark.parametrize("n", [5, 300])
def test_dates_and_sources_take_one_query_each_whatever_the_rows(n):
    make_ideas(n)
    with CaptureQueriesContext(connection) as queries:
        last_changes()
    assert len(queries) == 1
    with CaptureQueriesContext(connection) as queries:
        dataset_sources()
    assert len(queries) == 1


def test_each_dataset_cites_the_sources_of_its_records():
    sources = {slug: [s.slug for s in cited] for slug, cited in dataset_sources().items()}
    assert sources["sesje"] == ["001-da457f450f78d650", "002-00598d97bf5542ff"]
    assert sources["porozumienia"] == ["000-44a3fd30084d80a4", "001-da457f450f78d650"]
    assert len(sources["powiaty"]) == Source.objects.count() == 5
    assert set(sources) == set(DATASETS)


def test_a_newly_cited_source_is_cited_by_that_dataset_only():
    new = Source.objects.create(slug="999-nowe", title="Nowy dokument")
    assert all(new not in cited for cited in dataset_sources().values())
    PartnershipAgreement.objects.first().sources.add(new)
    cited = {slug for slug, sources in dataset_sources().items() if new in sources}
    assert cited == {"porozumienia", "powiaty"}


# -- the page ----------------------------------------------------------------------------


def page(client, lang):
    with translation.override(lang):
        response = client.get(reverse("opendata:index"))
    assert response.status_code == 200
    return response.text


@pytest.mark.parametrize(
    "lang, words",
    [
        ("pl", ("Licencja", "Ostatnia zmiana danych", "Źródła danych", "25 listopada 2026")),
        ("en", ("Licence", "Last change of the data", "Sources of the records", "Nov. 25, 2026")),
    ],
)
def test_the_page_shows_licence_links_dates_and_sources(client, lang, words):
    text = page(client, lang)
    for word in words:
        assert word in text, word
    assert 'href="https://creativecommons.org/licenses/by/4.0/legalcode.pl" rel="license"' in text
    assert "Creative Commons Uznanie autorstwa 4.0" in text
    prefix = "/en/open-data/" if lang == "en" else "/otwarte-dane/"
    for name in ("datapackage.json", "partnerstwo-lokalne-otwarte-dane.zip", "katalog.rdf"):
        assert f'href="{prefix}{name}"' in text, name
    section = text[text.index('id="dataset-sesje"') :]
    section = section[: section.index("</section>")]
    assert '<time datetime="2026-11-25T01:00:00+01:00">' in section
    with translation.override(lang):
        source = reverse("portal:source_detail", kwargs={"slug": "002-00598d97bf5542ff"})
        other = reverse("portal:source_detail", kwargs={"slug": "003-440399db2bdf33c2"})
    assert f'href="{source}"' in section and f'href="{other}"' not in section


def test_the_page_names_the_licence_the_operator_chose(client, settings):
    settings.OPEN_DATA_LICENCE = "CC0-1.0"
    text = page(client, "en")
    assert 'href="https://creativecommons.org/publicdomain/zero/1.0/legalcode.pl"' in text
    assert "CC BY 4.0" not in text


@pytest.mark.parametrize("n", [5, 300])
def test_the_page_s_queries_do_not_grow_with_rows(client, django_assert_max_num_queries, n):
    make_ideas(n)
    with django_assert_max_num_queries(2):
        page(client, "pl")
