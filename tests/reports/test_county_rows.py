"""``{% county_rows %}`` writes exactly what the counties table's loop of includes wrote."""

import pytest
from django.template import Context, Template
from django.utils import translation

from reports.services import ReportFilters, compute_report
from tests.reports.test_reports_queries import add_volume

# The cells as reports/_measures_cells.html wrote them, and the loop of reports/_body.html,
# before the tags replaced them.
CELLS = """<td>{{ m.cycles }}</td>
<td>{{ m.sessions_held_figure|fig }}</td>
<td>{{ m.attendance_reported_figure|fig }}{% if m.cycles %} <span class="cell-note">{% blocktranslate with known=m.cycles_with_attendance total=m.cycles %}known for {{ known }} of {{ total }} cycles{% endblocktranslate %}</span>{% endif %}</td>
<td>{{ m.registered_attendance }}</td>
<td>{{ m.participants }}</td>
<td>{{ m.attendance_rate|pct }}</td>
<td>{{ m.certificates }}</td>
<td>{{ m.ideas }}</td>
<td>{{ m.selected }}{% if m.ideas %} <span class="cell-note">({{ m.selected_share|pct }})</span>{% endif %}</td>
<td>{{ m.events }}</td>
<td>{{ m.invitations_figure|fig }}</td>
<td>{{ m.attendance_share_figure|fig }}</td>
"""  # noqa: E501
TEMPLATE_LOOP = (
    "{% load i18n reports_tags %}{% for row in report.by_county %}\n"
    '      <tr><th scope="row">{{ row.label }}{% if row.code %} <span class="cell-note">'
    "{{ row.code }}</span>{% endif %}</th>"
    + CELLS.replace("m.", "row.measures.")
    + "</tr>\n      {% endfor %}"
)


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


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["pl", "en"])
def test_the_cells_of_the_total_and_the_editions_are_the_templates(language):
    add_volume(cycles_per_county=2)
    with translation.override(language):
        report = compute_report(filters=ReportFilters(), counties=None)
        template = Template("{% load i18n reports_tags %}" + CELLS)
        tag = Template("{% load reports_tags %}{% measures_cells m %}")
        for measures in [report.total, *(row.measures for row in report.by_programme)]:
            context = Context({"m": measures})
            assert tag.render(context) == template.render(context)
