"""``{% timeline_items %}`` writes exactly what the home page's timeline loop wrote."""

import datetime

import pytest
from django.template import Context, Template
from django.utils import translation

from portal.home_page import build_timeline, home_records
from portal.views import MAZOVIA, cycle_periods
from programmes.models import County, Programme, ProgrammeEvent
from tests.records import PROGRAMME_2017
from workshops.models import WorkshopCycle

# The loop of portal/home.html before timeline_items replaced it.
TEMPLATE_LOOP = """{% load i18n portal %}{% for item in timeline %}
    <li class="timeline__{{ item.kind }}">
      <span class="when">{{ item.dates }}</span>
      <span class="tag">{% icon item.kind %}{{ item.kind_label|capfirst }}</span>
      {% if item.kind == "cycles" %}<a href="{{ item.url }}">{{ item.title }}</a><span class="note"> · {% blocktranslate count counter=item.county_count %}in {{ counter }} county{% plural %}in {{ counter }} counties{% endblocktranslate %}</span>{% else %}<a href="{{ item.url }}" lang="pl">{{ item.title }}</a>{% if item.county %}<span class="note"> · {{ item.county }}</span>{% endif %}{% endif %}
    </li>{% endfor %}"""  # noqa: E501


def both_ways() -> tuple[str, str, int]:
    records = home_records(voivodeship=MAZOVIA)
    timeline = build_timeline(
        agreements=records.agreements, events=records.events, periods=cycle_periods()
    )
    context = Context({"timeline": timeline})
    tag = Template("{% load timeline %}{% timeline_items timeline %}").render(context)
    return Template(TEMPLATE_LOOP).render(context), tag, len(timeline)


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["pl", "en"])
def test_the_items_are_the_templates_on_the_records(language):
    with translation.override(language):
        loop, tag, items = both_ways()
    assert items >= 3
    assert tag == loop


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["pl", "en"])
def test_markup_plurals_and_unknown_dates_as_the_template_wrote_them(language):
    programme = Programme.objects.get(slug=PROGRAMME_2017)
    hostile = '<b>"Szkolenie"</b> & <script>x</script>'
    ProgrammeEvent.objects.create(
        slug="hostile", kind=ProgrammeEvent.Kind.TRAINING, title=hostile, programme=programme
    )
    ProgrammeEvent.objects.create(
        slug="dated",
        kind=ProgrammeEvent.Kind.OTHER,
        title="Z powiatem",
        programme=programme,
        county=County.objects.get(slug="plocki"),
        date_start=datetime.date(2016, 5, 1),
        date_end=datetime.date(2016, 5, 1),
    )
    for n, slug in enumerate(["plocki", "losicki", "sierpecki", "plocki", "plocki"]):
        WorkshopCycle.objects.create(  # 2 to 5 counties a period, and an undated period
            slug=f"t-{n}",
            programme=programme,
            county=County.objects.get(slug=slug),
            title=f"T {n}",
            date_start=datetime.date(2012 + n % 2, 3, 1) if n < 4 else None,
            date_end=datetime.date(2012 + n % 2, 9, 1) if n < 4 else None,
        )
    with translation.override(language):
        loop, tag, _items = both_ways()
    assert "&lt;script&gt;" in tag and "<script>" not in tag
    assert tag == loop
