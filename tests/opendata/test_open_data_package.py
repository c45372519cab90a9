"""The Frictionless Data Package: built from the dataset definitions, valid under
frictionless against the live files (and inside the ZIP), with licence, sources, dates,
keys and the CSV dialect the files really have."""

from __future__ import annotations

import io
import json
import zipfile

import frictionless
import pytest
from django.urls import reverse
from django.utils import translation

from opendata.datasets import DATASETS, FORMATS
from opendata.exports import csv_bytes, render_zip
from opendata.package import SCHEMA_VERSION
from opendata.provenance import last_changes
from projects.models import ProjectIdea
from reports.exports import render_csv as report_csv
from tests.projects.test_catalogue import make_ideas

pytestmark = pytest.mark.django_db


def url(name, lang="pl", **kwargs):
    with translation.override(lang):
        return reverse(name, kwargs=kwargs or None)


def descriptor(client, lang="pl"):
    response = client.get(url("opendata:datapackage", lang))
    assert response.status_code == 200
    return response, json.loads(response.content)


def fetch_package(client, directory, lang="pl"):
    """Write the descriptor and every file it names into ``directory``, as the URLs say
    (each path relative to the descriptor's address)."""
    response, package = descriptor(client, lang)
    (directory / "datapackage.json").write_bytes(response.content)
    base = url("opendata:datapackage", lang).rsplit("/", 1)[0]
    for resource in package["resources"]:
        file = client.get(f"{base}/{resource['path']}")
        assert file.status_code == 200, resource["path"]
        (directory / resource["path"]).write_bytes(file.content)
    return package


def validate(directory):
    report = frictionless.validate(str(directory / "datapackage.json"))
    problems = [
        (task.name, error.type, error.message) for task in report.tasks for error in task.errors
    ] + [(None, error.type, error.message) for error in report.errors]
    return report, problems


@pytest.mark.parametrize("lang", ["pl", "en"])
def test_the_package_is_valid_against_the_live_files(client, tmp_path, lang):
    package = fetch_package(client, tmp_path, lang)
    report, problems = validate(tmp_path)
    assert report.valid, problems
    assert report.stats["errors"] == 0
    names = {f"{slug}-{fmt}" for slug in DATASETS for fmt in FORMATS}
    assert {task.name for task in report.tasks} == names
    assert {resource["name"] for resource in package["resources"]} == names
    assert all(task.valid and task.type == "table" for task in report.tasks)
    assert all(task.stats["rows"] > 0 for task in report.tasks)


def test_the_package_stays_valid_with_more_records_and_formula_text(client, tmp_path):
    make_ideas(30)
    ProjectIdea.objects.filter(slug="dowozik").update(title="=HYPERLINK(1)", goals="-5")
    fetch_package(client, tmp_path)
    report, problems = validate(tmp_path)
    assert report.valid, problems


def test_validation_catches_a_broken_file(client, tmp_path):
    """The check is real: a code outside its list and a dangling reference are errors."""
    fetch_package(client, tmp_path)
    rows = json.loads((tmp_path / "projekty.json").read_text("utf-8"))
    rows[0]["status"] = "forgotten"
    (tmp_path / "projekty.json").write_text(json.dumps(rows), "utf-8")
    sessions = (tmp_path / "sesje.csv").read_bytes()
    (tmp_path / "sesje.csv").write_bytes(sessions.replace(b"wlosg-2017-plocki", b"nowhere", 1))
    report, problems = validate(tmp_path)
    assert not report.valid
    assert {(task, kind) for task, kind, _message in problems} == {
        ("projekty-json", "constraint-error"),
        ("sesje-csv", "foreign-key"),
    }


def test_the_zip_holds_every_file_and_the_descriptor_and_is_valid(client, tmp_path):
    response = client.get(url("opendata:archive"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert "partnerstwo-lokalne-otwarte-dane.zip" in response["Content-Disposition"]
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        names = set(archive.namelist())
        archive.extractall(tmp_path)
    expected = {f"{slug}.{fmt}" for slug in DATASETS for fmt in FORMATS}
    assert names == expected | {"datapackage.json"}
    report, problems = validate(tmp_path)
    assert report.valid, problems
    for slug in DATASETS:  # the very files of the downloads (no other content, no secrets)
        for fmt in FORMATS:
            live = client.get(url("opendata:download", dataset=slug, format=fmt))
            assert (tmp_path / f"{slug}.{fmt}").read_bytes() == live.content, (slug, fmt)
    package = client.get(url("opendata:datapackage"))
    assert (tmp_path / "datapackage.json").read_bytes() == package.content


def test_the_zip_is_the_same_bytes_for_the_same_data():
    files = {"a.csv": b"x", "datapackage.json": b"{}"}
    changed = last_changes()["projekty"]
    assert render_zip(files, modified=changed) == render_zip(files, modified=changed)
    assert render_zip(files, modified=None)  # an empty database still gets a ZIP


# -- the schemas, from the dataset definitions ------------------------------------------


def resources(package, fmt="csv"):
    """The resources of one format, by dataset."""
    chosen = [r for r in package["resources"] if r["format"] == fmt]
    return {resource["name"].removesuffix(f"-{fmt}"): resource for resource in chosen}


def test_every_column_is_a_field_with_type_and_descriptions_in_both_languages(client):
    _response, package = descriptor(client)
    with translation.override("en"):
        english = str(DATASETS["sesje"].columns[0].description)
    with translation.override("pl"):
        polish = str(DATASETS["sesje"].columns[0].description)
    assert polish != english
    for fmt in FORMATS:
        for slug, resource in resources(package, fmt).items():
            fields = resource["schema"]["fields"]
            assert [f["name"] for f in fields] == [c.name for c in DATASETS[slug].columns]
            for field, column in zip(fields, DATASETS[slug].columns, strict=True):
                assert field["type"] == column.type.schema_type
                assert field["description"] and field["description_en"]
    session_cycle = resources(package)["sesje"]["schema"]["fields"][0]
    assert (session_cycle["description"], session_cycle["description_en"]) == (polish, english)


def test_codes_and_precisions_list_their_allowed_values(client):
    _response, package = descriptor(client)
    fields = {f["name"]: f for f in resources(package)["wydarzenia"]["schema"]["fields"]}
    assert fields["attendance_precision"]["constraints"]["enum"] == [
        "exact",
        "approx",
        "more_than",
        "at_least",
    ]
    assert fields["date_precision"]["constraints"]["enum"] == ["day", "month", "year"]
    assert "constraints" not in fields["place"]
    lists = {f["name"]: f for f in resources(package)["projekty"]["schema"]["fields"]}
    assert lists["themes"] | {"delimiter": ";", "itemType": "string"} == lists["themes"]
    assert lists["status"]["constraints"] == {
        "required": True,
        "enum": ["proposed", "selected", "in_progress", "completed", "not_pursued"],
    }


def test_keys_point_at_the_resources_of_the_same_format(client):
    _response, package = descriptor(client)
    for fmt in FORMATS:
        schemas = {slug: r["schema"] for slug, r in resources(package, fmt).items()}
        assert schemas["sesje"]["primaryKey"] == ["cycle", "number"]
        assert schemas["powiaty"]["primaryKey"] == ["teryt"]
        assert schemas["projekty"]["primaryKey"] == ["id"]
        keys = {fk["fields"][0]: fk["reference"] for fk in schemas["projekty"]["foreignKeys"]}
        assert keys["county_teryt"] == {"resource": f"powiaty-{fmt}", "fields": ["teryt"]}
        assert keys["cycle"] == {"resource": f"cykle-{fmt}", "fields": ["id"]}


def test_the_definitions_name_only_columns_that_exist():
    for dataset in DATASETS.values():
        names = {column.name for column in dataset.columns}
        assert set(dataset.primary_key) <= names, dataset.slug
        assert set(dataset.required) <= names, dataset.slug
        assert set(dataset.foreign_keys) <= names, dataset.slug
        for target in dataset.foreign_keys.values():
            slug, column = target.split(".")
            assert column in {c.name for c in DATASETS[slug].columns}, target
            assert (column,) == DATASETS[slug].primary_key, target
        assert dataset.changed_by and dataset.sourced_by, dataset.slug


# -- licence, sources, dates, version, dialect ------------------------------------------


def test_the_package_names_the_licence_sources_publisher_version_and_dialect(client, settings):
    settings.OPEN_DATA_LICENCE = "CC0-1.0"
    settings.OPERATOR_NAME = "Wojewódzki Urząd Pracy w Warszawie"
    settings.OPERATOR_EMAIL = "dane@example.org"
    _response, package = descriptor(client)
    licence = {"name": "CC0-1.0", "path": package["licenses"][0]["path"]}
    assert package["licenses"][0] | licence == package["licenses"][0]
    assert "publicdomain/zero/1.0" in licence["path"]
    assert all(r["licenses"] == package["licenses"] for r in package["resources"])
    assert package["contributors"] == [
        {
            "title": "Wojewódzki Urząd Pracy w Warszawie",
            "email": "dane@example.org",
            "path": settings.OPERATOR_URL,
            "roles": ["publisher"],
        }
    ]
    changed = max(last_changes().values())
    assert package["version"] == f"{SCHEMA_VERSION}+{changed:%Y%m%d%H%M%S}"
    assert package["created"] == changed.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert "BOM" in package["description"] and "BOM" in package["description_en"]
    dialect = resources(package)["projekty"]["dialect"]
    assert dialect == {
        "delimiter": ",",
        "lineTerminator": "\r\n",
        "quoteChar": '"',
        "doubleQuote": True,
        "header": True,
    }
    assert {r["encoding"] for r in package["resources"]} == {"utf-8"}


def test_each_resource_cites_the_sources_of_its_records_and_its_last_change(client):
    _response, package = descriptor(client)
    changes = last_changes()
    by_slug = resources(package)
    sources = {s["path"].rstrip("/").rsplit("/", 1)[1] for s in by_slug["sesje"]["sources"]}
    assert sources == {"001-da457f450f78d650", "002-00598d97bf5542ff"}
    assert all(s["title"] for s in by_slug["sesje"]["sources"])
    assert by_slug["sesje"]["sources"][0]["path"].startswith("http://testserver/zrodla/")
    for slug, resource in by_slug.items():
        assert resource["lastModified"] == changes[slug].strftime("%Y-%m-%dT%H:%M:%SZ")
        assert resource["sources"], slug
    cited = {s["path"] for r in package["resources"] for s in r["sources"]}
    assert {s["path"] for s in package["sources"]} == cited


def test_the_package_is_the_same_in_both_languages(client):
    polish, _ = descriptor(client, "pl")
    english, _ = descriptor(client, "en")
    assert polish.content == english.content
    assert polish["ETag"] == english["ETag"]


def test_public_csvs_and_report_csvs_for_programs_share_one_dialect():
    rows = [["Nazwa", "Liczba"], ['Płock, "miasto"', 3], ["Łosice", None]]
    expected = csv_bytes([["Nazwa", "Liczba"], ['Płock, "miasto"', 3], ["Łosice", ""]])
    assert report_csv(rows[0], rows[1:], dialect="rfc4180") == expected
    assert expected == '\ufeffNazwa,Liczba\r\n"Płock, ""miasto""",3\r\nŁosice,\r\n'.encode()
