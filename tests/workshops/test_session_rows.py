"""``{% session_rows %}`` and ``{% sessions_table %}`` write exactly what the sessions
table's template (kept here as the reference) wrote."""

import pytest
from django.template import Context, Template
from django.utils import translation

from programmes.models import Source
from tests.records import PLOCK_2003
from workshops.models import Session, WorkshopCycle

# The loop of includes/_sessions_table.html before session_rows replaced it.
TEMPLATE_LOOP = """{% load i18n %}{% for session in sessions %}
    <tr id="session-{{ cycle.slug }}-{{ session.ordinal }}">
      <th scope="row">{{ session.roman }}<span class="note"> {{ session.get_kind_display }}</span></th>
      <td data-label="{% translate "Date" %}">{{ session.dates }}</td>
      <td data-label="{% translate "Venue" %}" lang="pl">{{ session.venue|default:"—" }}</td>
      <td data-label="{% translate "Topic" %}" lang="pl">{{ session.topic|default:"—" }}</td>
      <td data-label="{% translate "Attendance as reported" %}" class="num">{{ session.attendance_figure }}</td>
      <td data-label="{% translate "Sources" %}"><span>{% for source in session.sources.all %}<a href="{% url 'portal:source_detail' source.slug %}" lang="pl">{{ source.title|truncatewords:6 }}</a>{% if not forloop.last %}; {% endif %}{% empty %}—{% endfor %}</span></td>
    </tr>{% endfor %}"""  # noqa: E501


# includes/_sessions_table.html before {% sessions_table %} wrote it.
OLD_SESSIONS_TABLE = """<div class="table-wrap" role="region" aria-labelledby="sessions-{{ cycle.slug }}" tabindex="0">
<table class="sessions">
  <caption id="sessions-{{ cycle.slug }}">{% blocktranslate with title=cycle.title %}Sessions of the cycle “<span lang="pl">{{ title }}</span>”{% endblocktranslate %}</caption>
  <thead>
    <tr>
      <th scope="col">{% translate "No." %}</th>
      <th scope="col">{% translate "Date" %}</th>
      <th scope="col">{% translate "Venue" %}</th>
      <th scope="col">{% translate "Topic" %}</th>
      <th scope="col" class="num">{% translate "Attendance as reported" %}</th>
      <th scope="col">{% translate "Sources" %}</th>
    </tr>
  </thead>
  <tbody>{% session_rows cycle sessions %}
  </tbody>
</table>
</div>"""  # noqa: E501


def both_ways(cycle_slug: str) -> tuple[str, str]:
    cycle = WorkshopCycle.objects.with_sessions().get(slug=cycle_slug)
    sessions = cycle.session_list
    context = Context({"cycle": cycle, "sessions": sessions})
    tag = Template("{% load session_rows %}{% session_rows cycle sessions %}").render(context)
    return Template(TEMPLATE_LOOP).render(context), tag


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["pl", "en"])
def test_the_rows_are_the_templates_for_every_cycle_on_record(language):
    slugs = set(Session.objects.values_list("cycle__slug", flat=True))
    assert len(slugs) >= 2
    with translation.override(language):
        for slug in sorted(slugs):
            loop, tag = both_ways(slug)
            assert tag == loop, slug


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["pl", "en"])
def test_markup_in_the_data_is_escaped_as_the_template_did(language):
    cycle = WorkshopCycle.objects.get(slug=PLOCK_2003)
    hostile = '<b>"Tytuł" & <i>coś</i></b> jeden dwa trzy cztery pięć sześć siedem'
    session = Session.objects.create(
        cycle=cycle, ordinal=97, venue="<script>x</script>", topic="", attendance=12
    )
    session.sources.add(
        Source.objects.create(slug="hostile-source", title=hostile),
        Source.objects.create(slug="second-source", title="Drugie"),
    )
    Session.objects.create(cycle=cycle, ordinal=98)  # no venue, topic, attendance or source
    with translation.override(language):
        loop, tag = both_ways(PLOCK_2003)
    assert "&lt;script&gt;" in tag
    assert "<script>" not in tag
    assert "&lt;b&gt;&quot;Tytuł&quot; &amp;" in tag
    assert tag == loop


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["pl", "en"])
def test_the_sessions_table_is_the_templates_for_every_cycle(language):
    cycles = WorkshopCycle.objects.with_sessions().order_by("slug")
    assert cycles.exists()
    with translation.override(language):
        for cycle in cycles:
            context = Context({"cycle": cycle, "sessions": cycle.session_list})
            old = Template("{% load i18n session_rows %}" + OLD_SESSIONS_TABLE).render(context)
            new = Template("{% load session_rows %}{% sessions_table cycle sessions %}").render(
                context
            )
            assert new == old, cycle.slug
