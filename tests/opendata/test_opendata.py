"""Open data: the documented datasets, CSV and JSON downloads, stable identifiers,
approximations kept, formula cells neutralised, no personal data."""

import csv
import datetime
import io
import json

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import translation

from opendata.datasets import DATASETS, EXPORT_TYPES
from opendata.exports import csv_cell
from partnership.downloads import neutralise_cell
from projects.models import ProjectIdea
from tests.projects.test_catalogue import make_ideas
from tests.records import LOSICE, PLOCK, PLOCK_2003, PLOCK_2017, PROGRAMME_2003, PROGRAMME_2017
from workshops.models import Attendance, Attendee, Session, WorkshopCycle

pytestmark = pytest.mark.django_db

REQUIRED = {"projekty", "cykle", "sesje", "wydarzenia", "porozumienia", "powiaty"}
SECRETS = ("Zenobia", "Przykładowa", "Stowarzyszenie Sekretne", "zenobia@example.org", "600111222")


def download(client, dataset, fmt, lang="pl"):
    with translation.override(lang):
        url = reverse("opendata:download", kwargs={"dataset": dataset, "format": fmt})
    return client.get(url)


def csv_rows(response):
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def json_rows(response):
    return json.loads(response.content.decode("utf-8"))


# -- neutralising formula cells ---------------------------------------------------------


@pytest.mark.parametrize(
    "value, expected",
    [
        ("=SUM(A1:A2)", "'=SUM(A1:A2)"),
        ("+48 600", "'+48 600"),
        ("-1", "'-1"),
        ("@cmd", "'@cmd"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("Płock = miasto", "Płock = miasto"),
        ("2017-12-07", "2017-12-07"),
        ("", ""),
        ("'już z apostrofem", "'już z apostrofem"),
    ],
)
def test_neutralise_cell(value, expected):
    assert neutralise_cell(value) == expected


@pytest.mark.parametrize(
    "value, expected",
    [
        (None, ""),
        (True, "true"),
        (False, "false"),
        (0, "0"),
        (1000, "1000"),
        (datetime.date(2005, 2, 16), "2005-02-16"),
        (["a", "b"], "a;b"),
        (["-x", "y"], "'-x;y"),
        ("=HYPERLINK()", "'=HYPERLINK()"),
    ],
)
def test_csv_cell(value, expected):
    assert csv_cell(value) == expected


def test_formula_in_a_record_is_neutralised_in_csv_but_not_in_json(client):
    ProjectIdea.objects.filter(slug="dowozik").update(
        title='=HYPERLINK("http://zły.example","klik")', goals="@SUM(1+1)"
    )
    row = next(r for r in csv_rows(download(client, "projekty", "csv")) if r["id"] == "dowozik")
    assert row["title"] == '\'=HYPERLINK("http://zły.example","klik")'
    assert row["goals"] == "'@SUM(1+1)"
    cache.clear()
    item = next(r for r in json_rows(download(client, "projekty", "json")) if r["id"] == "dowozik")
    assert item["title"].startswith("=HYPERLINK")


# -- the datasets ------------------------------------------------------------------------


def test_the_required_datasets_exist():
    assert REQUIRED <= set(DATASETS)


@pytest.mark.parametrize("slug", sorted(DATASETS))
def test_csv_has_the_portal_dialect_a_header_row_and_one_row_per_record(client, slug):
    dataset = DATASETS[slug]
    response = download(client, slug, "csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert f"partnerstwo-lokalne-{slug}.csv" in response["Content-Disposition"]
    # The portal's one dialect (the staff reports' too): UTF-8 with a BOM, CR LF.
    assert response.content.startswith(b"\xef\xbb\xbf")
    assert response.content.count(b"\r\n") >= 2
    reader = csv.reader(io.StringIO(response.content.decode("utf-8-sig"), newline=""))
    header = next(reader)
    assert header == [column.name for column in dataset.columns]
    rows = list(reader)
    assert len(rows) == dataset.queryset().count() > 0
    assert all(len(row) == len(header) for row in rows)


@pytest.mark.parametrize("slug", sorted(DATASETS))
def test_json_is_a_list_of_objects_with_the_csv_columns(client, slug):
    dataset = DATASETS[slug]
    response = download(client, slug, "json")
    assert response["Content-Type"] == "application/json; charset=utf-8"
    data = json_rows(response)
    assert isinstance(data, list) and len(data) == dataset.queryset().count()
    names = [column.name for column in dataset.columns]
    assert all(isinstance(item, dict) and list(item) == names for item in data)


@pytest.mark.parametrize("slug", sorted(DATASETS))
def test_values_are_plain_types(slug):
    for row in DATASETS[slug].rows():
        for name, value in row.items():
            assert isinstance(value, EXPORT_TYPES), (slug, name, value)


def test_downloads_are_the_same_in_both_languages(client):
    polish = download(client, "projekty", "csv", "pl").content
    english = download(client, "projekty", "csv", "en").content
    assert polish == english


def test_unknown_dataset_or_format_is_404(client):
    assert client.get("/open-data/nothing.csv").status_code == 404
    assert download(client, "projekty", "xml").status_code == 404
    assert download(client, "attendees", "csv").status_code == 404


# -- identifiers and honest values -------------------------------------------------------


def test_counties_by_teryt_code(client):
    rows = {row["teryt"]: row for row in csv_rows(download(client, "powiaty", "csv"))}
    assert len(rows) == 42
    assert rows[PLOCK]["name"] == "płocki" and rows[PLOCK]["slug"] == "plocki"
    assert rows[PLOCK]["voivodeship_teryt"] == "14"
    assert rows[PLOCK]["project_ideas"] == "7" and rows[PLOCK]["project_ideas_adopted"] == "7"
    assert rows[LOSICE]["project_ideas"] == "5" and rows[LOSICE]["project_ideas_adopted"] == "0"


def test_projects_refer_to_other_records_by_identifier(client):
    rows = {row["id"]: row for row in csv_rows(download(client, "projekty", "csv"))}
    assert set(rows) == set(ProjectIdea.objects.values_list("slug", flat=True))
    idea = rows["dojrzali-wspaniali"]
    assert idea["county_teryt"] == PLOCK
    assert idea["cycle"] == PLOCK_2017
    assert idea["programme"] == PROGRAMME_2017
    assert idea["status"] == "selected"
    assert idea["status_date_start"] == "2017-12-07"
    assert set(idea["themes"].split(";")) == {"seniorzy", "kultura"}
    event_idea = rows["2005-miedzywojewodzki-projekt-efs"]
    assert event_idea["county_teryt"] == ""
    assert event_idea["voivodeships_teryt"] == "10;14;20"
    assert event_idea["event"] == "2005-05-17-spotkanie-w-serpelicach"
    assert event_idea["programme"] == PROGRAMME_2003


def test_periods_keep_their_precision(client):
    rows = {row["id"]: row for row in json_rows(download(client, "cykle", "json"))}
    cycle = rows[PLOCK_2003]
    assert (cycle["period_start"], cycle["period_end"], cycle["period_precision"]) == (
        "2003-01-01",
        "2010-12-31",
        "year",
    )
    assert cycle["sessions_held"] is None  # not recorded, not zero
    events = {row["id"]: row for row in json_rows(download(client, "wydarzenia", "json"))}
    meetings = events["2005-spotkania-promocyjne-w-gminach-powiatu-plockiego"]
    assert meetings["date_end"] is None  # the end is not recorded
    assert (meetings["invitations_sent"], meetings["invitations_sent_precision"]) == (
        1000,
        "more_than",
    )
    assert (
        meetings["attendance_share_percent"],
        meetings["attendance_share_percent_precision"],
    ) == (
        30,
        "approx",
    )
    assert (meetings["attendance"], meetings["attendance_precision"]) == (None, None)


def test_sessions_keep_approximate_attendance(client):
    rows = csv_rows(download(client, "sesje", "csv"))
    session = Session.objects.filter(attendance__isnull=False).select_related("cycle").first()
    row = next(
        r for r in rows if r["cycle"] == session.cycle.slug and r["number"] == str(session.ordinal)
    )
    assert row["attendance_reported"] == str(session.attendance)
    assert row["attendance_reported_precision"] == session.attendance_precision


# -- personal data -----------------------------------------------------------------------


def test_attendees_are_only_counted(client):
    cycle = WorkshopCycle.objects.get(slug=PLOCK_2017)
    attendee = Attendee.objects.create(
        cycle=cycle,
        full_name="Zenobia Przykładowa-Ćwik",
        organisation_name="Stowarzyszenie Sekretne",
        email="zenobia@example.org",
        phone="600111222",
        consent_note="Zgoda pisemna",
    )
    session = cycle.sessions.order_by("ordinal").first()
    Attendance.objects.create(attendee=attendee, session=session)
    for slug in DATASETS:
        for fmt in ("csv", "json"):
            body = download(client, slug, fmt).content.decode("utf-8")
            for secret in SECRETS:
                assert secret not in body, (slug, fmt, secret)
    cycles = {row["id"]: row for row in json_rows(download(client, "cykle", "json"))}
    assert cycles[PLOCK_2017]["attendees_registered"] == 1
    sessions = json_rows(download(client, "sesje", "json"))
    row = next(r for r in sessions if r["cycle"] == cycle.slug and r["number"] == session.ordinal)
    assert row["attendance_registered"] == 1


# -- the documentation page --------------------------------------------------------------


def test_every_column_is_documented_on_the_open_data_page(client):
    with translation.override("en"):
        response = client.get(reverse("opendata:index"))
    assert response.status_code == 200
    text = response.text
    assert "<h1>Open data</h1>" in text
    for slug, dataset in DATASETS.items():
        section = text[text.index(f'id="dataset-{slug}"') :]
        section = section[: section.index("</section>")]
        assert "<caption" in section
        assert section.count('<th scope="col">') == 4
        for column in dataset.columns:
            assert f'<th scope="row"><code>{column.name}</code></th>' in section
        for fmt in ("csv", "json"):
            with translation.override("en"):
                url = reverse("opendata:download", kwargs={"dataset": slug, "format": fmt})
            assert f'href="{url}"' in section


def test_open_data_page_in_polish_by_default(client):
    with translation.override("pl"):
        url = reverse("opendata:index")
    assert not url.startswith("/en/")
    response = client.get(url)
    assert '<html lang="pl">' in response.text
    assert '<link rel="canonical" href="http://testserver' in response.text


@pytest.mark.parametrize("n", [5, 500])
def test_download_queries_do_not_grow_with_rows(client, django_assert_max_num_queries, n):
    make_ideas(n)
    for slug in DATASETS:
        cache.clear()
        with django_assert_max_num_queries(8):
            response = download(client, slug, "csv")
        assert response.status_code == 200
    cache.clear()
    assert len(csv_rows(download(client, "projekty", "csv"))) == n + 13
