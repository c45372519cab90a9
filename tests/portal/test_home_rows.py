"""``{% idea_cards %}`` and ``{% edition_items %}`` write exactly what the home page's
loops wrote (kept here as the reference), on the records and on hostile rows."""

import datetime

import pytest
from django.template import Context, Template
from django.utils import translation

from portal.home_page import Edition, IdeaCard, home_records
from portal.views import MAZOVIA
from programmes.facts import DatePrecision, FuzzyDate

pytestmark = pytest.mark.django_db

# The loops of portal/home.html before the tags replaced them.
CARDS = """{% load i18n portal %}{% for idea in highlighted %}
    <li>
      <h3>{% icon "project" %}<a href="{% url 'projects:detail' idea.slug %}" lang="pl">{{ idea.title }}</a></h3>
      <p class="note">{{ idea.status_label }}{% if idea.county %} · {{ idea.county }}{% endif %}</p>
      {% if idea.goals %}<p lang="pl">{{ idea.goals|truncatewords:30 }}</p>{% endif %}
    </li>{% endfor %}"""  # noqa: E501
EDITIONS = """{% for programme in programmes %}
    <li><a href="{% url 'portal:programme_detail' programme.slug %}" lang="pl">{{ programme.name }}</a> ({{ programme.dates }})</li>{% endfor %}"""  # noqa: E501

HOSTILE = '<b>"Pomysł"</b> & <script>x</script>'


def both_ways(highlighted, programmes) -> list[tuple[str, str]]:
    context = Context({"highlighted": highlighted, "programmes": programmes})
    return [
        (
            Template(CARDS).render(context),
            Template("{% load home_rows %}{% idea_cards highlighted %}").render(context),
        ),
        (
            Template(EDITIONS).render(context),
            Template("{% load home_rows %}{% edition_items programmes %}").render(context),
        ),
    ]


@pytest.mark.parametrize("language", ["pl", "en"])
def test_the_lists_are_the_loops_on_the_records(language):
    with translation.override(language):
        records = home_records(voivodeship=MAZOVIA)
        assert records.highlighted and records.editions
        for loop, tag in both_ways(records.highlighted, records.editions):
            assert tag == loop


@pytest.mark.parametrize("language", ["pl", "en"])
def test_hostile_rows_are_escaped_as_the_loops_escaped_them(language):
    ideas = [
        IdeaCard("a-slug", HOSTILE, "wybrany", " ".join([HOSTILE] * 40), HOSTILE),
        IdeaCard("b_2", "Tytuł", HOSTILE, "", None),
        IdeaCard("c", "Tytuł", "w realizacji", "Cel\u00a0krótki.", "powiat płocki"),
    ]
    editions = [
        Edition(1, "e-1", HOSTILE, FuzzyDate(None, None)),
        Edition(
            2,
            "e_2",
            "Edycja 2",
            FuzzyDate(datetime.date(2003, 1, 1), datetime.date(2010, 12, 31), DatePrecision.YEAR),
        ),
    ]
    with translation.override(language):
        for loop, tag in both_ways(ideas, editions):
            assert "&lt;script&gt;" in tag and "<script>" not in tag
            assert tag == loop
