"""HTTP for reusers: ETag and Last-Modified from the data, 304 to conditional requests
(also from the page cache), CORS on open data only, the right Content-Type and
Content-Disposition for every file."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.http import http_date, parse_http_date

from opendata.provenance import last_changes
from projects.models import ProjectIdea
from projects.services import project_idea_set_status

pytestmark = pytest.mark.django_db

LATER = datetime.date(2020, 1, 1)  # after every status the records hold


def url(name, lang="pl", **kwargs):
    with translation.override(lang):
        return reverse(name, kwargs=kwargs or None)


def data_files(lang="pl"):
    """Every open-data address: downloads, data package, ZIP, catalogue."""
    return [
        url("opendata:download", lang, dataset="projekty", format="csv"),
        url("opendata:download", lang, dataset="powiaty", format="json"),
        url("opendata:datapackage", lang),
        url("opendata:archive", lang),
        url("opendata:catalogue", lang, format="rdf"),
        url("opendata:catalogue", lang, format="jsonld"),
    ]


# -- validators and 304 --------------------------------------------------------------------


@pytest.mark.parametrize("address", data_files() + data_files("en"))
def test_every_file_has_validators_and_answers_304_to_if_none_match(client, address):
    response = client.get(address)
    assert response.status_code == 200
    etag = response["ETag"]
    assert etag.startswith('"') and etag.endswith('"')
    assert parse_http_date(response["Last-Modified"])
    again = client.get(address, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == etag
    assert again["Access-Control-Allow-Origin"] == "*"
    other = client.get(address, HTTP_IF_NONE_MATCH='"something-else"')
    assert other.status_code == 200 and other.content == response.content


@pytest.mark.parametrize("address", data_files())
def test_if_modified_since_gives_304_until_the_data_change(client, address):
    response = client.get(address)
    modified = response["Last-Modified"]
    assert client.get(address, HTTP_IF_MODIFIED_SINCE=modified).status_code == 304
    later = http_date(parse_http_date(modified) + 3600)
    assert client.get(address, HTTP_IF_MODIFIED_SINCE=later).status_code == 304
    earlier = http_date(parse_http_date(modified) - 1)
    assert client.get(address, HTTP_IF_MODIFIED_SINCE=earlier).status_code == 200


def test_last_modified_is_the_data_s_last_change_not_the_request_time(client):
    response = client.get(url("opendata:download", dataset="sesje", format="csv"))
    changed = last_changes()["sesje"]
    assert parse_http_date(response["Last-Modified"]) == int(changed.timestamp())
    assert changed < datetime.datetime.now(tz=datetime.UTC) - datetime.timedelta(minutes=1)


def test_304_is_answered_from_the_cache_without_a_query(client):
    address = url("opendata:download", dataset="projekty", format="csv")
    first = client.get(address)
    assert first["X-Cache"] == "miss"
    with CaptureQueriesContext(connection) as queries:
        conditional = client.get(address, HTTP_IF_NONE_MATCH=first["ETag"])
        dated = client.get(address, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
        whole = client.get(address)
    assert (conditional.status_code, dated.status_code) == (304, 304)
    assert whole.status_code == 200 and whole["X-Cache"] == "hit"
    assert whole["ETag"] == first["ETag"] and whole["Last-Modified"] == first["Last-Modified"]
    assert conditional["Access-Control-Allow-Origin"] == "*"
    assert len(queries) == 0


def test_head_gets_the_validators_and_its_304(client):
    address = url("opendata:datapackage")
    response = client.head(address)
    assert response.status_code == 200 and response.content == b""
    assert client.head(address, HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304


def test_etag_and_last_modified_change_after_a_write(
    client, settings, django_capture_on_commit_callbacks
):
    # Open data follows a write within PUBLIC_AGGREGATE_MAX_AGE seconds
    # (tests/test_scoped_invalidation.py); with none, at once.
    settings.PUBLIC_AGGREGATE_MAX_AGE = 0
    address = url("opendata:download", dataset="projekty", format="csv")
    package = url("opendata:datapackage")
    before, before_package = client.get(address), client.get(package)
    idea = ProjectIdea.objects.get(slug="dowozik")
    with django_capture_on_commit_callbacks(execute=True):
        project_idea_set_status(project=idea, status="not_pursued", date_start=LATER)
    after = client.get(address, HTTP_IF_NONE_MATCH=before["ETag"])
    assert after.status_code == 200 and after["X-Cache"] == "miss"
    assert after["ETag"] != before["ETag"]
    assert parse_http_date(after["Last-Modified"]) > parse_http_date(before["Last-Modified"])
    stale = client.get(address, HTTP_IF_MODIFIED_SINCE=before["Last-Modified"])
    assert stale.status_code == 200
    assert client.get(address, HTTP_IF_NONE_MATCH=after["ETag"]).status_code == 304
    after_package = client.get(package, HTTP_IF_NONE_MATCH=before_package["ETag"])
    assert after_package.status_code == 200


def test_an_unchanged_dataset_keeps_its_validators_after_another_changes(
    client, settings, django_capture_on_commit_callbacks
):
    settings.PUBLIC_AGGREGATE_MAX_AGE = 0
    address = url("opendata:download", dataset="porozumienia", format="csv")
    before = client.get(address)
    with django_capture_on_commit_callbacks(execute=True):
        project_idea_set_status(
            project=ProjectIdea.objects.get(slug="dowozik"), status="not_pursued", date_start=LATER
        )
    after = client.get(address, HTTP_IF_NONE_MATCH=before["ETag"])
    assert after.status_code == 304  # the cache was emptied, the data of agreements were not
    assert after["Last-Modified"] == before["Last-Modified"]


# -- CORS ---------------------------------------------------------------------------------


@pytest.mark.parametrize("address", data_files() + data_files("en"))
def test_open_data_may_be_read_by_scripts_on_any_site(client, address):
    response = client.get(address, HTTP_ORIGIN="https://example.org")
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "ETag" in response["Access-Control-Expose-Headers"]
    assert "Access-Control-Allow-Credentials" not in response


def test_the_preflight_of_a_conditional_request_is_answered(client):
    response = client.options(
        url("opendata:download", dataset="projekty", format="json"),
        HTTP_ORIGIN="https://example.org",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="if-none-match",
    )
    assert response.status_code == 204
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "If-None-Match" in response["Access-Control-Allow-Headers"]
    assert "GET" in response["Access-Control-Allow-Methods"]


@pytest.mark.parametrize(
    "address",
    [
        url("portal:home"),
        url("portal:home", "en"),
        url("opendata:index"),
        url("opendata:index", "en"),
        url("portal:county_list"),
        url("projects:list"),
        "/sitemap.xml",
    ],
)
def test_ordinary_public_pages_carry_no_cors_header(client, address):
    response = client.get(address, HTTP_ORIGIN="https://example.org")
    assert response.status_code == 200
    assert not any(name.lower().startswith("access-control-") for name in response.headers)


def test_staff_pages_never_carry_cors_headers(client, staff_client):
    for address in (
        "/admin/",
        "/admin/workshops/workshopcycle/",
        url("reports:overview"),
        url("reports:export", table="summary", fmt="csv"),
    ):
        response = staff_client.get(address, HTTP_ORIGIN="https://example.org")
        assert response.status_code == 200, address
        assert "Access-Control-Allow-Origin" not in response, address
    assert "Access-Control-Allow-Origin" not in client.get("/admin/login/")


def test_an_unknown_file_is_a_404_without_cors(client):
    for address in ("/otwarte-dane/nic.csv", "/otwarte-dane/katalog.ttl"):
        response = client.get(address)
        assert response.status_code == 404
        assert "Access-Control-Allow-Origin" not in response


# -- Content-Type, Content-Disposition, Link ----------------------------------------------

EXPECTED = [
    (
        "download",
        {"dataset": "projekty", "format": "csv"},
        "text/csv; charset=utf-8",
        'attachment; filename="partnerstwo-lokalne-projekty.csv"',
    ),
    (
        "download",
        {"dataset": "projekty", "format": "json"},
        "application/json; charset=utf-8",
        'attachment; filename="partnerstwo-lokalne-projekty.json"',
    ),
    (
        "datapackage",
        {},
        "application/json; charset=utf-8",
        'inline; filename="datapackage.json"',
    ),
    (
        "archive",
        {},
        "application/zip",
        'attachment; filename="partnerstwo-lokalne-otwarte-dane.zip"',
    ),
    (
        "catalogue",
        {"format": "rdf"},
        "application/rdf+xml; charset=utf-8",
        'inline; filename="katalog.rdf"',
    ),
    (
        "catalogue",
        {"format": "jsonld"},
        "application/ld+json; charset=utf-8",
        'inline; filename="katalog.jsonld"',
    ),
]


@pytest.mark.parametrize("name, kwargs, content_type, disposition", EXPECTED)
def test_content_type_and_disposition(client, name, kwargs, content_type, disposition):
    response = client.get(url(f"opendata:{name}", **kwargs))
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"] == disposition


def test_downloads_name_their_licence_and_their_description(client, settings):
    settings.OPEN_DATA_LICENCE = "CC-BY-SA-4.0"
    response = client.get(url("opendata:download", "en", dataset="sesje", format="json"))
    link = response["Link"]
    assert '<https://creativecommons.org/licenses/by-sa/4.0/legalcode.pl>; rel="license"' in link
    assert '</en/open-data/datapackage.json>; rel="describedby"' in link
