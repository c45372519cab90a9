"""``{% bar_chart %}`` writes exactly what ``includes/_bar_chart.html`` wrote with the
template engine (kept here as the reference), for every kind of bar, in both languages."""

import textwrap

import pytest
from django.template import Context, Template
from django.template.loader import render_to_string
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from portal.charts import ChartItem, bar_chart, status_chart, year_charts
from portal.yearly import figures_by_year
from programmes.facts import Figure, Precision

# includes/_bar_chart.html before the tag replaced its loops.
TEMPLATE = """{% load i18n %}{% with c=chart %}
<figure class="chart chart--series-{{ c.series }}" aria-labelledby="{{ c.id }}-title">
  <figcaption id="{{ c.id }}-title" class="chart-title">{{ c.title }}</figcaption>
  <svg class="chart__svg" width="100%" height="{{ c.height }}" role="img" aria-labelledby="{{ c.id }}-summary" xmlns="http://www.w3.org/2000/svg">
    <title id="{{ c.id }}-summary">{{ c.summary }}</title>
    <defs><pattern id="{{ c.id }}-hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect class="chart__hatch-ground" width="6" height="6"/><path class="chart__hatch" d="M3 0V6"/></pattern></defs>
    {% for row in c.rows %}{% if row.separator_y %}
    <line class="chart__separator" x1="0" x2="100%" y1="{{ row.separator_y }}" y2="{{ row.separator_y }}"/>{% endif %}
    <g class="chart__row chart__row--{{ row.kind }}{% if row.is_bucket %} chart__row--bucket{% endif %}">
      {% for y, line in row.lines %}<text x="0" y="{{ y }}">{{ line }}{% if forloop.last %} <tspan class="chart__value">{{ row.value }}</tspan>{% endif %}</text>{% endfor %}{% if row.kind == "approx" %}
      <rect class="chart__approx" x="0" y="{{ row.bar_y }}" width="{{ row.width }}%" height="16" fill="url(#{{ c.id }}-hatch)"/>{% elif row.kind == "exact" or row.kind == "lower" %}
      <rect class="chart__bar{% if row.kind == "lower" %} chart__bar--lower{% endif %}" x="0" y="{{ row.bar_y }}" width="{{ row.width }}%" height="16"/>{% endif %}{% if row.kind == "lower" %}
      <svg class="chart__open-end" x="{{ row.width }}%" y="{{ row.bar_y }}" width="24" height="16" overflow="visible"><path d="M0 .5h16M0 15.5h16M17 3l5 5-5 5"/></svg>{% endif %}
    </g>{% endfor %}
  </svg>
  {% if c.has_approx or c.has_lower or c.has_unknown %}
  <ul class="chart-legend">{% if c.has_approx %}
    <li><svg class="chart-legend__swatch" width="28" height="16" aria-hidden="true" focusable="false"><rect class="chart__approx" x="1" y="1" width="26" height="14" fill="url(#{{ c.id }}-hatch)"/></svg> {% translate "hatched: approximate figure (“approx.”)" %}</li>{% endif %}{% if c.has_lower %}
    <li><svg class="chart-legend__swatch" width="40" height="16" aria-hidden="true" focusable="false"><rect class="chart__bar chart__bar--lower" x="0" y="0" width="14" height="16"/><path class="chart__open-end-mark" d="M14 .5h16M14 15.5h16M31 3l5 5-5 5"/></svg> {% translate "open dashed end: at least this many, some parts not recorded" %}</li>{% endif %}{% if c.has_unknown %}
    <li><span class="chart-legend__dash" aria-hidden="true">—</span> {% translate "no bar: unknown, not zero" %}</li>{% endif %}
  </ul>
  {% endif %}
  {% if c.note %}<p class="note">{{ c.note }}</p>{% endif %}
  <details class="chart-data">
    <summary>{% translate "The figures as a table" %}</summary>
    <div class="table-wrap" role="region" aria-labelledby="{{ c.id }}-caption" tabindex="0">
    <table>
      <caption id="{{ c.id }}-caption">{{ c.title }}</caption>
      <thead><tr>
        <th scope="col">{{ c.label_header }}</th>
        <th scope="col" class="num">{{ c.value_header }}</th>{% for header in c.extra_headers %}
        <th scope="col" class="num">{{ header }}</th>{% endfor %}
      </tr></thead>
      <tbody>{% for row in c.rows %}
        <tr{% if row.is_bucket %} class="row--bucket"{% endif %}>
          <th scope="row">{{ row.item.label }}</th>
          <td class="num">{{ row.table_value }}</td>{% for cell in row.item.extra %}
          <td class="num">{{ cell }}</td>{% endfor %}
        </tr>{% endfor %}
      </tbody>
    </table>
    </div>
  </details>
</figure>
{% endwith %}
"""  # noqa: E501


def charts() -> list:
    """The home page's charts on the records, and one with every kind of bar, buckets,
    extra columns, long labels, a note and markup in its labels."""
    every_kind = bar_chart(
        chart_id="every-kind",
        title='Wykres <b>"pogrubiony"</b> & więcej',
        items=[
            ChartItem("2011", Figure(1200)),
            ChartItem("2012", Figure(40, Precision.APPROXIMATE), extra=("3",)),
            ChartItem("2013", Figure(7, Precision.AT_LEAST), extra=("<i>", "2")),
            ChartItem("2014", Figure(0)),
            ChartItem("2015", Figure(12, Precision.MORE_THAN)),
            ChartItem("a label long enough to be wrapped over two lines or three", Figure(None)),
            ChartItem("2003–2010, <year> not known", Figure(5), is_bucket=True),
            ChartItem("date unknown", Figure(None), is_bucket=True),
        ],
        label_header="Rok & <okres>",
        value_header="Wartość",
        extra_headers=("Cykle", "<Sesje>"),
        series=7,
        note='Uwaga: "cytat" & <znacznik>',
    )
    exact_only = bar_chart(
        chart_id="exact",
        title="T",
        items=[ChartItem("a", Figure(3))],
        label_header="a",
        value_header="b",
    )
    return [
        *year_charts(figures_by_year()).values(),
        status_chart({"selected": 3, "proposed": 1500}),
        every_kind,
        exact_only,
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["pl", "en"])
def test_the_tag_writes_what_the_template_wrote(language):
    with translation.override(language):
        for chart in charts():
            assert chart is not None
            context = Context({"chart": chart})
            reference = Template(TEMPLATE).render(context)
            tag = Template("{% load bar_chart %}{% bar_chart chart %}").render(context)
            assert tag + "\n" == reference, chart.id
            # The include, which other pages use, writes the same.
            assert render_to_string("includes/_bar_chart.html", {"chart": chart}) == reference


@pytest.mark.django_db
def test_markup_in_labels_is_escaped():
    chart = charts()[-2]
    html = Template("{% load bar_chart %}{% bar_chart chart %}").render(Context({"chart": chart}))
    assert "&lt;b&gt;&quot;pogrubiony&quot;&lt;/b&gt; &amp; więcej" in html
    assert "<b>" not in html and "<okres>" not in html


@given(
    st.lists(
        st.sampled_from(list("ab ółŻ-.,:\t\n\x0b\x0c\r\xa0") + ["słowo", "x" * 30]),
        max_size=40,
    ).map("".join)
)
def test_labels_are_wrapped_as_textwrap_wraps_them(text):
    from portal.charts import WRAP, _wrapped

    assert _wrapped(text) == (textwrap.wrap(text, WRAP) or [""])
