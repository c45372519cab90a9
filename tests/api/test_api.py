"""The public API, /api/v1/: every list and record, filters, ordering and pages, refusals,
the limit per address, validators and 304, CORS, the licence, the page cache and its
invalidation, languages and the documentation page. (Schemathesis over the whole
description: test_api_schemathesis.py; query counts at 5 and 500 rows:
test_api_queries.py; no personal data: test_privacy_crawl.py.)"""

from __future__ import annotations

import datetime
import json
import re
from urllib.parse import urlencode

import pytest
from django.contrib.staticfiles import finders
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from opendata.licence import open_data_licence
from projects.models import ProjectIdea, Status
from projects.services import project_idea_set_status
from tests.records import PLOCK, PLOCK_2017, PROGRAMME_2017
from workshops.models import WorkshopCycle

pytestmark = pytest.mark.django_db

API = "/api/v1/"
LISTS = {
    "projects": "dowozik",
    "cycles": PLOCK_2017,
    "events": "2005-05-17-spotkanie-w-serpelicach",
    "agreements": "2003-11-18-porozumienie-powiat-plocki",
    "counties": PLOCK,
    "editions": PROGRAMME_2017,
    "themes": "transport",
    "sources": "001-da457f450f78d650",
}
SESSION = f"{API}cycles/wlosg-2017-plocki/sessions/1/"
DETAILS = [f"{API}{kind}/{identifier}/" for kind, identifier in LISTS.items()] + [SESSION]
ALL_LISTS = [f"{API}{kind}/" for kind in [*LISTS, "sessions"]]


def get(client, address, **headers):
    """GET with headers named as in HTTP (``Accept_Language="en"``), ``REMOTE_ADDR`` too."""
    meta = {
        (name if name == "REMOTE_ADDR" else f"HTTP_{name.upper()}"): value
        for name, value in headers.items()
    }
    return client.get(address, **meta)


def ids(client, address) -> list[str]:
    body = get(client, address).json()
    return [item.get("id") or item.get("teryt") for item in body["results"]]


# -- lists and records ----------------------------------------------------------------------


def test_the_root_names_the_licence_and_every_list(client):
    response = get(client, API)
    assert response.status_code == 200
    body = response.json()
    licence = open_data_licence()
    assert body["licence"] == {"id": licence.spdx, "title": licence.title, "url": licence.url}
    assert set(body["resources"]) == {*LISTS, "sessions"}
    for address in [*body["resources"].values(), body["schema"], body["documentation"]]:
        assert address.startswith("http://testserver/api/v1/")
        assert get(client, address.removeprefix("http://testserver")).status_code == 200


@pytest.mark.parametrize("address", ALL_LISTS)
def test_every_list_is_a_page_with_the_licence(client, address):
    response = get(client, address)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert list(body) == ["count", "next", "previous", "licence", "results"]
    assert body["count"] == len(body["results"]) > 0  # the records fit on one page
    assert body["licence"]["id"] == open_data_licence().spdx


@pytest.mark.parametrize("address", DETAILS)
def test_every_record_links_to_itself_and_its_page(client, address):
    response = get(client, address)
    assert response.status_code == 200
    body = response.json()
    assert body["url"] == f"http://testserver{address}"
    page = body["page"].removeprefix("http://testserver").split("#")[0]
    assert get(client, page).status_code == 200


@pytest.mark.parametrize(
    "address",
    [
        f"{API}projects/no-such-idea/",
        f"{API}counties/9999/",
        f"{API}counties/plocki/",  # a county is found by its TERYT code
        f"{API}cycles/wlosg-2017-plocki/sessions/99/",
        f"{API}cycles/wlosg-2017-plocki/sessions/0/",
        f"{API}cycles/wlosg-2017-plocki/sessions/99999999999999999999/",
        f"{API}cycles/no-such-cycle/sessions/1/",
        f"{API}nothing-here/",
        f"{API}projects/a%0Ab/",
        f"{API}projects/?page=999",
        f"{API}projects/?page=0",
        f"{API}projects/?page=x",
    ],
)
def test_unknown_records_and_pages_are_a_404_in_json(client, address):
    response = get(client, address)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert set(response.json()) == {"detail"}
    assert response["Access-Control-Allow-Origin"] == "*"


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
@pytest.mark.parametrize("address", [API, f"{API}projects/", f"{API}projects/dowozik/"])
def test_the_api_is_read_only(client, method, address):
    response = getattr(client, method)(address, data="{}", content_type="application/json")
    assert response.status_code == 405
    assert ProjectIdea.objects.filter(slug="dowozik").exists()


def test_figures_and_dates_keep_their_precision(client):
    session = get(client, SESSION).json()
    assert session["attendance_reported"] == {
        "value": 100,
        "precision": "approx",
        "text": "ok. 100",
    }
    assert session["date"] == {
        "start": "2017-05-25",
        "end": "2017-05-25",
        "precision": "day",
        "text": "25 maja 2017",
    }
    cycle = get(client, f"{API}cycles/wlog-2003-2010-ciechanowski/").json()
    assert cycle["period"]["precision"] == "year" and cycle["period"]["text"] == "2003–2010"
    assert cycle["sessions_held"] == {"value": None, "precision": None, "text": "brak danych"}


def test_identifiers_are_teryt_codes_and_slugs_with_links_between_records(client):
    idea = get(client, f"{API}projects/dowozik/").json()
    assert idea["id"] == "dowozik"
    assert idea["county"] == {
        "teryt": PLOCK,
        "name": "płocki",
        "url": "http://testserver/api/v1/counties/1419/",
    }
    assert idea["cycle"]["url"] == "http://testserver/api/v1/cycles/wlosg-2017-plocki/"
    assert idea["edition"]["id"] == PROGRAMME_2017
    assert [theme["id"] for theme in idea["themes"]] == ["transport"]
    county = get(client, f"{API}counties/1419/").json()
    assert county["links"]["projects"] == "http://testserver/api/v1/projects/?county=1419"
    cycle = get(client, f"{API}cycles/wlosg-2017-plocki/").json()
    assert [s["number"] for s in cycle["sessions"]] == [1, 2, 3, 4, 5, 6]
    assert "dowozik" in {idea["id"] for idea in cycle["project_ideas"]}


# -- filters, ordering, pages ------------------------------------------------------------------


def test_the_catalogue_filters(client):
    everything = ids(client, f"{API}projects/")
    assert len(everything) == ProjectIdea.objects.count()
    assert set(ids(client, f"{API}projects/?county=1419")) == set(
        ProjectIdea.objects.filter(county__code=PLOCK).values_list("slug", flat=True)
    )
    assert ids(client, f"{API}projects/?county=plocki") == ids(
        client, f"{API}projects/?county=1419"
    )
    assert set(ids(client, f"{API}projects/?scope=adopted")) == set(
        ProjectIdea.objects.adopted().values_list("slug", flat=True)
    )
    assert ids(client, f"{API}projects/?theme=transport") == ["dowozik"]
    assert ids(client, f"{API}projects/?{urlencode({'q': 'dowiozę'})}") == ["dowozik"]
    assert ids(client, f"{API}projects/?{urlencode({'q': 'Dowozik tam'})}") == ["dowozik"]
    assert set(ids(client, f"{API}projects/?programme=wlosg-2017")) == set(
        ProjectIdea.objects.in_programme(PROGRAMME_2017).values_list("slug", flat=True)
    )
    assert "dowozik" in ids(client, f"{API}projects/?year=2017")
    assert "dowozik" not in ids(client, f"{API}projects/?year=2004")
    assert ids(client, f"{API}projects/?cycle=wlosg-2017-plocki&status=not_pursued") == []
    assert ids(client, f"{API}projects/?county=1402") == []


@pytest.mark.parametrize(
    "query",
    [
        "year=1800",
        "year=abc",
        "status=lost",
        "scope=some",
        "ordering=random",
        "county=14%2019",
        "county=%00",
        "theme=no/slug",
        "q=" + "x" * 201,
    ],
)
def test_invalid_filters_are_refused_with_their_errors(client, query):
    response = get(client, f"{API}projects/?{query}")
    assert response.status_code == 400
    body = response.json()
    assert body["detail"] and body["errors"]
    name = query.split("=")[0]
    assert name in body["errors"]


def catalogue_order(client, query: str) -> list[str]:
    """The slugs the catalogue page lists, in order (every idea on one page: 13 < 20)."""
    html = client.get(reverse("projects:list") + "?" + query).content.decode()
    card_link = r'<h3 id="idea-\d+">(?:<svg.*?</svg>)?\s*<a href="/projekty/([^/]+)/"'
    return re.findall(card_link, html, re.S)


@pytest.mark.parametrize("ordering", ["title", "-title", "year", "-year", "county"])
def test_the_orderings_are_the_catalogues(client, ordering):
    expected = catalogue_order(client, f"scope=all&ordering={ordering}")
    assert len(expected) == ProjectIdea.objects.count()
    assert ids(client, f"{API}projects/?ordering={ordering}") == expected
    # By default both sort by title.
    assert ids(client, f"{API}projects/") == catalogue_order(client, "scope=all")


@pytest.mark.parametrize("address", ALL_LISTS)
def test_pages_cover_every_record_once_in_a_stable_order(client, address):
    whole = ids(client, address) if "sessions" not in address else None
    seen, page = [], f"{address}?page_size=3"
    while page:
        body = get(client, page.removeprefix("http://testserver")).json()
        seen += [item.get("id") or item.get("teryt") or item["url"] for item in body["results"]]
        page = body["next"]
    assert len(seen) == len(set(seen)) == get(client, address).json()["count"]
    if whole is not None:
        assert seen == whole


def test_page_size_is_bounded(client):
    body = get(client, f"{API}counties/?page_size=100000").json()
    assert len(body["results"]) == body["count"] == 42  # at most 500 a page
    assert len(get(client, f"{API}counties/?page_size=5").json()["results"]) == 5


def test_other_lists_filter_by_county_edition_and_year(client):
    plock = get(client, f"{API}cycles/?county=1419").json()
    assert plock["count"] == WorkshopCycle.objects.filter(county__code=PLOCK).count() > 0
    assert all(cycle["county"]["teryt"] == PLOCK for cycle in plock["results"])
    cycles_2017 = get(client, f"{API}cycles/?year=2017&programme=wlosg-2017").json()["results"]
    assert cycles_2017 and all(c["edition"]["id"] == PROGRAMME_2017 for c in cycles_2017)
    sessions = get(client, f"{API}sessions/?cycle=wlosg-2017-plocki").json()["results"]
    assert [s["number"] for s in sessions] == [1, 2, 3, 4, 5, 6]
    assert get(client, f"{API}sessions/?county=1402").json()["count"] == 0
    events = get(client, f"{API}events/?county=1419&year=2005").json()["results"]
    assert events and all(e["county"]["teryt"] == PLOCK for e in events)
    assert get(client, f"{API}agreements/?year=1999").json()["count"] == 0
    took_part = get(client, f"{API}counties/?took_part=true").json()["count"]
    did_not = get(client, f"{API}counties/?took_part=false").json()["count"]
    assert 0 < took_part < 42 and took_part + did_not == 42
    assert get(client, f"{API}counties/?voivodeship=14").json()["count"] == 42


# -- headers: licence, CORS, validators, language ----------------------------------------------


def test_every_answer_links_the_licence_and_allows_any_origin(client):
    licence = open_data_licence()
    for address in [API, f"{API}projects/", f"{API}projects/nothing/", f"{API}projects/?year=x"]:
        response = get(client, address)
        assert response["Link"] == f'<{licence.url}>; rel="license"'
        assert response["Access-Control-Allow-Origin"] == "*"
        assert "ETag" in response["Access-Control-Expose-Headers"]


def test_the_portal_pages_do_not_allow_other_origins(client):
    for address in ["/", reverse("projects:list"), "/otwarte-dane/", "/ping"]:
        assert "Access-Control-Allow-Origin" not in client.get(address)


def test_a_preflight_request_is_answered(client):
    response = client.options(
        f"{API}projects/",
        HTTP_ORIGIN="https://example.org",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
    )
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response["Access-Control-Allow-Methods"] == "GET, HEAD, OPTIONS"
    assert "If-None-Match" in response["Access-Control-Allow-Headers"]


@pytest.mark.parametrize("address", [API, f"{API}projects/", f"{API}projects/dowozik/"])
def test_validators_give_a_304(client, address):
    first = get(client, address)
    etag, modified = first["ETag"], first["Last-Modified"]
    assert etag.startswith('"') and modified.endswith("GMT")
    again = get(client, address, If_None_Match=etag)
    assert again.status_code == 304 and again.content == b""
    assert again["ETag"] == etag
    assert again["Access-Control-Allow-Origin"] == "*"
    assert get(client, address, If_Modified_Since=modified).status_code == 304
    assert get(client, address, If_None_Match='"something-else"').status_code == 200


def test_english_is_given_when_asked_for(client):
    polish = get(client, SESSION)
    english = get(client, SESSION, Accept_Language="en")
    assert polish["Content-Language"] == "pl" and english["Content-Language"] == "en"
    assert "Accept-Language" in english["Vary"]
    assert english.json()["attendance_reported"]["text"] == "approx. 100"
    assert english.json()["kind_label"] == "conference"
    assert english.json()["page"].startswith("http://testserver/en/workshop-cycles/")
    assert polish.json()["attendance_reported"]["text"] == "ok. 100"
    assert polish["ETag"] != english["ETag"]
    # Each language is cached apart.
    assert get(client, SESSION)["X-Cache"] == "hit"
    assert get(client, SESSION, Accept_Language="en").json()["kind_label"] == "conference"


# -- the limit per address ------------------------------------------------------------------


@pytest.mark.usefixtures("frozen_rate_windows")
def test_over_the_limit_the_answer_is_429_with_retry_after(client, settings):
    settings.API_ANON_RATE = "3/m"
    for _ in range(3):
        assert get(client, f"{API}themes/").status_code == 200  # the cache answers 2 of them
    refused = get(client, f"{API}themes/")
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert "no-store" in refused["Cache-Control"]
    assert refused.json()["detail"]
    assert refused["Access-Control-Allow-Origin"] == "*"
    # Another address is not refused; the pages are not limited by the API's limit.
    assert get(client, f"{API}themes/", REMOTE_ADDR="192.0.2.7").status_code == 200
    assert client.get(reverse("projects:list")).status_code == 200


def test_the_limit_is_off_where_limits_are_off(client, settings):
    settings.API_ANON_RATE = "1/m"
    settings.RATELIMIT_ENABLE = False  # as with CACHE_BACKEND=dummy (the benchmark)
    assert all(get(client, f"{API}themes/").status_code == 200 for _ in range(5))


# -- the page cache and its invalidation -------------------------------------------------------


@pytest.mark.parametrize("address", [API, f"{API}projects/?county=1419", *DETAILS[:2]])
def test_a_second_request_is_served_from_the_cache(client, address):
    first = get(client, address)
    assert first["X-Cache"] == "miss"
    with CaptureQueriesContext(connection) as queries:
        second = get(client, address)
    assert second["X-Cache"] == "hit"
    assert len(queries) == 0
    assert second.content == first.content
    assert second["Cache-Control"] == "public, max-age=300"


def test_a_write_path_invalidates_the_cached_answers(
    client, settings, django_capture_on_commit_callbacks
):
    # The API and the catalogue follow a write within PUBLIC_AGGREGATE_MAX_AGE seconds
    # (tests/test_scoped_invalidation.py); with none, at once.
    settings.PUBLIC_AGGREGATE_MAX_AGE = 0
    detail, listed = f"{API}projects/dowozik/", f"{API}projects/?status=completed"
    assert get(client, detail).json()["status"] == Status.SELECTED
    assert "dowozik" not in ids(client, listed)
    assert get(client, detail)["X-Cache"] == "hit"
    etag = get(client, detail)["ETag"]
    with django_capture_on_commit_callbacks(execute=True):
        project_idea_set_status(
            project=ProjectIdea.objects.get(slug="dowozik"),
            status=Status.COMPLETED,
            date_start=datetime.date(2019, 6, 1),
            date_end=datetime.date(2019, 6, 1),
        )
    changed = get(client, detail)
    assert changed["X-Cache"] == "miss"
    assert changed.json()["status"] == Status.COMPLETED
    assert changed.json()["status_dates"]["start"] == "2019-06-01"
    assert get(client, detail, If_None_Match=etag).status_code == 200
    assert "dowozik" in ids(client, listed)


def test_errors_and_refusals_are_not_cached(client):
    get(client, f"{API}projects/nothing/")
    assert "X-Cache" not in get(client, f"{API}projects/nothing/")
    get(client, f"{API}projects/?year=x")
    assert "X-Cache" not in get(client, f"{API}projects/?year=x")


def test_logged_in_staff_get_the_same_public_answers(staff_client, client):
    public = get(client, f"{API}cycles/wlosg-2017-plocki/")
    cache.clear()
    staff = get(staff_client, f"{API}cycles/wlosg-2017-plocki/")
    assert staff.status_code == 200
    assert staff.json() == public.json()


# -- the description and the documentation page --------------------------------------------


def test_the_openapi_description_is_served_in_both_languages(client):
    polish = get(client, f"{API}schema/")
    assert polish.status_code == 200
    schema = json.loads(polish.content)
    assert schema["openapi"].startswith("3.")
    paths = set(schema["paths"])
    assert {f"{API}{kind}/" for kind in [*LISTS, "sessions"]} <= paths
    assert f"{API}cycles/{{cycle}}/sessions/{{number}}/" in paths
    assert all(set(item) == {"get"} for item in schema["paths"].values())
    english = json.loads(get(client, f"{API}schema/?lang=en").content)
    by_header = json.loads(get(client, f"{API}schema/", Accept_Language="en").content)
    projects = "/api/v1/projects/"
    assert english["paths"][projects]["get"]["summary"] == "Project ideas: the list"
    assert by_header == english
    assert (
        schema["paths"][projects]["get"]["summary"] != english["paths"][projects]["get"]["summary"]
    )
    # An unknown language is ignored, never passed on to the translation machinery.
    assert get(client, f"{API}schema/?lang=../../xx").status_code == 200


def test_the_documentation_page_in_polish_and_english(client):
    polish = client.get(f"{API}docs/")
    assert polish.status_code == 200
    html = polish.content.decode()
    assert '<html lang="pl">' in html and "Publiczne API" in html
    assert 'data-schema-url="/api/v1/schema/?lang=pl"' in html
    english = client.get(f"{API}docs/?lang=en").content.decode()
    assert '<html lang="en">' in english and "Public API" in english
    assert 'data-schema-url="/api/v1/schema/?lang=en"' in english
    by_header = client.get(f"{API}docs/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="en">' in by_header
    # Every script and style sheet is a file the portal serves (no CDN, nothing inline).
    scripts = re.findall(r"<script([^>]*)>", html)
    assert scripts and all('src="/static/' in attrs for attrs in scripts)
    assert "style=" not in html and "<style" not in html
    for asset in re.findall(r'(?:src|href)="/static/([^"]+)"', html):
        assert finders.find(asset), asset
    assert "Access-Control-Allow-Origin" not in polish


def test_the_footer_links_the_api_documentation(client):
    with translation.override("en"):
        home = client.get(reverse("portal:home")).content.decode()
    assert 'href="/api/v1/docs/?lang=en"' in home


def test_head_answers_like_get_without_a_body(client):
    got = get(client, f"{API}themes/")
    head = client.head(f"{API}themes/")
    assert head.status_code == 200 and head.content == b""
    assert head["ETag"] == got["ETag"]
    assert head["Link"] == got["Link"]


def test_the_language_cookie_does_not_change_an_answer(client):
    """Answers vary by Accept-Language only (shared caches keep them by that header)."""
    client.cookies["django_language"] = "en"
    response = get(client, SESSION)
    assert response["Content-Language"] == "pl"
    assert response.json()["kind_label"] == "konferencja"
    assert get(client, SESSION, Accept_Language="en-GB,en;q=0.9").json()["kind_label"] == (
        "conference"
    )
    assert get(client, SESSION, Accept_Language="de, *;q=0.5").json()["kind_label"] == (
        "konferencja"
    )
