"""``{% county_rows %}`` writes exactly what the counties table's loop of includes wrote."""

import pytest
from django.template import Context, Template
from django.utils import translation

from reports.services import ReportFilters, compute_report
from tests.reports.test_reports_queries import add_volume

# The loop of reports/_body.html before county_rows replaced it.
TEMPLATE_LOOP = """{% for row in report.by_county %}
      <tr><th scope="row">{{ row.label }}{% if row.code %} <span class="cell-note">{{ row.code }}</span>{% endif %}</th>{% include "reports/_measures_cells.html" with m=row.measures %}</tr>
      {% endfor %}"""  # noqa: E501


def both_ways() -> tuple[str, str]:
    report = compute_report(filters=ReportFilters(), counties=None)
    context = Context({"report": report})
    tag = Template("{% load reports_tags %}{% county_rows report.by_county %}").render(context)
    return Template(TEMPLATE_LOOP).render(context), tag


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["pl", "en"])
def test_the_rows_are_the_includes_for_the_records(language):
    add_volume(cycles_per_county=2)  # counties with thousands, and without ideas
    with translation.override(language):
        loop, tag = both_ways()
    assert tag == loop
    # What the comparison covers: every kind of cell.
    assert loop.count("<tr>") >= 5
    for part in ('class="cell-note">', "fig--unknown", "fig--inexact", "%"):
        assert part in loop, part
    known = "known for" if language == "en" else "znana dla"
    assert known in loop


@pytest.mark.django_db
def test_no_counties_no_rows():
    context = Context({"rows": []})
    assert Template("{% load reports_tags %}{% county_rows rows %}").render(context) == ""
