"""CSV and XLSX downloads of the report's tables."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest
from django.urls import reverse
from django.utils import translation

from accounts.roles import COUNTY_STAFF
from programmes.models import County
from reports.exports import TABLES
from tests.conftest import staff_login
from tests.factories import make_user
from tests.records import LOSICE, PLOCK, PLOCK_2017

pytestmark = pytest.mark.django_db


def export_url(table, fmt, lang="en"):
    with translation.override(lang):
        return reverse("reports:export", kwargs={"table": table, "fmt": fmt})


def read_csv(response, delimiter=";"):
    """The rows of a CSV download, by default in the ``excel-pl`` dialect."""
    body = response.content
    assert body.startswith("\ufeff".encode())  # BOM for Excel
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline=""), delimiter=delimiter))


def read_xlsx(response):
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = book.active
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


def test_summary_csv_carries_the_precision(coordinator_client):
    response = coordinator_client.get(export_url("summary", "csv"))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    disposition = response["Content-Disposition"]
    assert disposition.startswith('attachment; filename="partnerstwo-lokalne-raport-summary-')
    assert disposition.endswith('.csv"')
    rows = read_csv(response)
    header = rows[0]
    assert header[:3] == ["Programme edition", "Period", "Workshop cycles"]
    assert "Attendance as reported – precision" in header
    total = dict(zip(header, rows[-1], strict=True))
    assert total["Programme edition"] == "Total"
    assert total["Workshop cycles"] == "18"
    assert total["Attendance as reported"] == "1800"
    assert total["Attendance as reported – precision"] == "approximately (ok.)"
    assert total["Sessions held"] == "12"
    assert total["Sessions held – precision"] == "at least"
    assert total["Invitations sent – precision"] == "more than (ponad)"
    # The coordinator's counties' ideas: the one from an inter-regional event, which has
    # no county, is in administrators' reports only.
    assert total["Project ideas"] == "12"
    assert total["Selected for implementation"] == "7"
    old = dict(zip(header, rows[1], strict=True))
    assert old["Programme edition"] == "Warsztaty Lokalnego Ożywienia Gospodarczego"
    # Unknown is an empty number with "unknown", never 0.
    assert old["Sessions held"] == ""
    assert old["Sessions held – precision"] == "unknown"


def test_summary_xlsx(coordinator_client):
    response = coordinator_client.get(export_url("summary", "xlsx"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml"
    )
    assert response["Content-Disposition"].endswith('.xlsx"')
    rows = read_xlsx(response)
    header, total = rows[0], dict(zip(rows[0], rows[-1], strict=True))
    assert header[0] == "Programme edition"
    assert total["Workshop cycles"] == 18
    assert total["Attendance as reported"] == 1800
    assert total["Attendance as reported – precision"] == "approximately (ok.)"


def test_polish_header_row(coordinator_client):
    rows = read_csv(coordinator_client.get(export_url("years", "csv", lang="pl")))
    assert rows[0][0] == "Rok"
    assert "Pomysły projektów" in rows[0]
    rows = read_csv(coordinator_client.get(export_url("counties", "csv", lang="pl")))
    assert rows[0][1] == "Powiat"


def test_years_export_keeps_the_imprecise_bucket(coordinator_client):
    rows = read_csv(coordinator_client.get(export_url("years", "csv")))
    by_label = {row[0]: row for row in rows[1:]}
    bucket = by_label["Year not known precisely (2003–2010)"]
    assert bucket[1] == "no"
    assert bucket[2] == "16"
    assert by_label["2017"][2] == "2"


@pytest.mark.parametrize("table", sorted(TABLES))
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_every_table_exports(coordinator_client, table, fmt):
    response = coordinator_client.get(export_url(table, fmt), {"year_from": 2003})
    assert response.status_code == 200
    rows = read_csv(response) if fmt == "csv" else read_xlsx(response)
    assert rows[0] and all(rows[0])
    assert len(rows) >= (1 if table == "sectors" else 2)  # no register in the records
    assert all(len(row) == len(rows[0]) for row in rows)


@pytest.mark.parametrize(
    "address",
    ["/en/reports/export/people.csv", "/en/reports/export/summary.json", "/en/reports/export/x.y"],
)
def test_unknown_table_or_format_is_404(coordinator_client, address):
    assert coordinator_client.get(address).status_code == 404


def test_export_follows_the_filters(coordinator_client):
    plock = County.objects.get(code=PLOCK)
    rows = read_csv(coordinator_client.get(export_url("counties", "csv"), {"county": plock.pk}))
    assert [row[0] for row in rows[1:]] == [PLOCK, ""]  # the county and the total row


def test_export_links_carry_the_query_string(coordinator_client):
    with translation.override("pl"):
        address = reverse("reports:overview")
    a, b = (County.objects.get(code=code).pk for code in (PLOCK, LOSICE))
    response = coordinator_client.get(address, {"year_from": "2017", "county": [a, b]})
    content = response.content.decode()
    query = f"?year_from=2017&amp;county={a}&amp;county={b}"
    assert f'href="{export_url("summary", "csv", lang="pl")}{query}"' in content
    assert f'href="{export_url("counties", "xlsx", lang="pl")}{query}"' in content


def test_formula_injection_is_neutralised(coordinator_client):
    from workshops.models import Attendee, WorkshopCycle

    County.objects.filter(code=PLOCK).update(name='=HYPERLINK("http://x")')
    cycle = WorkshopCycle.objects.get(slug=PLOCK_2017)
    Attendee.objects.create(cycle=cycle, full_name="A", sector="ngo")
    rows = read_csv(coordinator_client.get(export_url("counties", "csv")))
    cells = [cell for row in rows for cell in row]
    assert not any(cell.startswith("=") for cell in cells)
    assert any(cell.startswith("'=HYPERLINK") for cell in cells)
    sheet = read_xlsx(coordinator_client.get(export_url("counties", "xlsx")))
    assert not any(isinstance(c, str) and c.startswith("=") for row in sheet for c in row)


def test_county_staff_export_only_their_county(client):
    staff_login(client, make_user("plock", COUNTY_STAFF, [PLOCK]))
    rows = read_csv(client.get(export_url("counties", "csv")))
    assert [row[0] for row in rows[1:]] == [PLOCK, ""]
    summary = read_csv(client.get(export_url("summary", "csv")))
    total = dict(zip(summary[0], summary[-1], strict=True))
    assert total["Workshop cycles"] == "2"


# --------------------------------------------------------------------------------------
# Dialects: excel-pl (the default, for Excel in Polish) and rfc4180 (for programs)
# --------------------------------------------------------------------------------------


def statuses_with_share(client, **query):
    """The statuses table, whose "Share (%)" column holds decimals."""
    return client.get(export_url("statuses", "csv"), query)


def test_csv_for_polish_excel_has_semicolons_and_a_decimal_comma(coordinator_client):
    response = statuses_with_share(coordinator_client)
    text = response.content.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("Status;")
    rows = read_csv(response)
    shares = [row[rows[0].index("Share (%)")] for row in rows[1:]]
    assert any("," in share for share in shares)
    assert not any("." in share for share in shares)
    assert all(float(share.replace(",", ".")) >= 0 for share in shares if share)
    assert read_csv(statuses_with_share(coordinator_client, dialect="excel-pl")) == rows


def test_csv_for_programs_is_rfc4180_with_a_decimal_point(coordinator_client):
    response = statuses_with_share(coordinator_client, dialect="rfc4180")
    assert response.status_code == 200
    rows = read_csv(response, delimiter=",")
    shares = [row[rows[0].index("Share (%)")] for row in rows[1:]]
    assert any("." in share for share in shares)
    assert not any("," in share for share in shares)
    polish = read_csv(statuses_with_share(coordinator_client))
    assert [[cell.replace(",", ".") for cell in row] for row in polish] == rows


@pytest.mark.parametrize(("dialect", "separator"), [("excel-pl", ";"), ("rfc4180", ",")])
def test_a_value_holding_the_separator_is_quoted(dialect, separator):
    from reports.exports import render_csv

    header = ["Nazwa", "Udział (%)"]
    body = [["Płock; miasto, powiat", 12.5], ['„Nowy" pomysł', None]]
    content = render_csv(header, body, dialect=dialect)
    rows = list(
        csv.reader(io.StringIO(content.decode("utf-8-sig"), newline=""), delimiter=separator)
    )
    decimal = "12,5" if dialect == "excel-pl" else "12.5"
    assert rows == [header, ["Płock; miasto, powiat", decimal], ['„Nowy" pomysł', ""]]
    assert content.startswith("\ufeff".encode()) and content.endswith(b"\r\n")


def test_an_unknown_dialect_is_refused_with_400(coordinator_client):
    response = statuses_with_share(coordinator_client, dialect="tsv")
    assert response.status_code == 400
    assert "excel-pl" in response.content.decode()
