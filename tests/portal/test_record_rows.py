"""``{% cycle_articles %}`` and ``{% idea_rows %}`` write exactly what the templates'
loops wrote (kept here as the reference), from the county page's rows
(``portal.county_page``) as from model instances, in Polish and English."""

import pytest
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from portal.county_page import county_cycles, county_ideas
from programmes.models import County, Programme, ProgrammeEvent, Source
from projects.models import ProjectIdea
from tests.records import PLOCK_2003, PROGRAMME_2003
from tests.workshops.test_session_rows import OLD_SESSIONS_TABLE
from workshops.models import Session, WorkshopCycle

pytestmark = pytest.mark.django_db

# The loop of portal/county_detail.html before {% cycle_articles %}; its include of
# the sessions' table is the old table (the include wrote a line break on each side).
OLD_CYCLE_LOOP = (
    "{% load i18n session_rows %}"
    + """  {% for cycle in cycles %}
  <article aria-labelledby="cycle-{{ cycle.slug }}-title">
    <h3 id="cycle-{{ cycle.slug }}-title"><a href="{% url 'workshops:cycle_detail' cycle.slug %}" lang="pl">{{ cycle.title }}</a>{% if cycle.title_is_descriptive %} <span class="note">({% translate "descriptive title" %})</span>{% endif %}</h3>
    <dl class="facts">
      <dt>{% translate "Period" %}</dt><dd>{{ cycle.dates }}</dd>
      <dt>{% translate "Programme edition" %}</dt><dd><a href="{% url 'portal:programme_detail' cycle.programme.slug %}" lang="pl">{{ cycle.programme.name }}</a></dd>
      <dt>{% translate "Status" %}</dt><dd>{{ cycle.get_status_display }}</dd>
      <dt>{% translate "Sessions held" %}</dt><dd>{{ cycle.sessions_figure }}{% if cycle.sessions_planned %} <span class="note">({% blocktranslate count counter=cycle.sessions_planned %}{{ counter }} planned{% plural %}{{ counter }} planned{% endblocktranslate %})</span>{% endif %}</dd>
      <dt>{% translate "Project ideas" %}</dt><dd>{{ cycle.project_idea_count }}</dd>
    </dl>
    {% with sessions=cycle.session_list %}{% if sessions %}<details class="fold">
      <summary>{% blocktranslate count counter=sessions|length %}Sessions of this cycle ({{ counter }}){% plural %}Sessions of this cycle ({{ counter }}){% endblocktranslate %}</summary>
      {% include "includes/_sessions_table.html" %}
    </details>{% else %}<p class="note">{% translate "No sessions of this cycle are on record." %}</p>{% endif %}{% endwith %}
    {% include "includes/_sources.html" with sources=cycle.sources.all %}
  </article>
  {% endfor %}"""  # noqa: E501
).replace('{% include "includes/_sessions_table.html" %}', "\n" + OLD_SESSIONS_TABLE + "\n")

# The loop of includes/_ideas_table.html before {% idea_rows %}.
OLD_IDEAS_LOOP = (
    "{% load i18n %}"
    + """{% for idea in ideas %}
    <tr>
      <th scope="row"><a href="{% url 'projects:detail' idea.slug %}" lang="pl">{{ idea.title }}</a></th>
      <td>{{ idea.get_status_display }}</td>{% if show_origin %}
      <td>{% if idea.cycle %}<a href="{% url 'workshops:cycle_detail' idea.cycle.slug %}" lang="pl">{{ idea.cycle.title }}</a>{% if idea.session %} ({% blocktranslate with roman=idea.session.roman %}session {{ roman }}{% endblocktranslate %}){% endif %}{% elif idea.event %}<a href="{% url 'portal:event_detail' idea.event.slug %}" lang="pl">{{ idea.event.title }}</a>{% endif %}</td>{% endif %}
    </tr>{% endfor %}"""  # noqa: E501
)

CYCLES_TAG = "{% load record_rows %}  {% cycle_articles cycles %}"
IDEAS_TAG = "{% load record_rows %}{% idea_rows ideas show_origin %}"


def old_cycles(county):
    """The cycles as the view read them before ``county_cycles``."""
    return list(
        WorkshopCycle.objects.in_county(county).for_display().with_counts(kept=True).with_sessions()
    )


def old_ideas(county):
    """The ideas as the view read them before ``county_ideas``."""
    return list(
        ProjectIdea.objects.in_county(county)
        .select_related("cycle", "event", "session")
        .order_by("title", "pk")
    )


def counties_on_record():
    with_cycles = County.objects.filter(cycles__isnull=False)
    with_ideas = County.objects.filter(project_ideas__isnull=False)
    return list((with_cycles | with_ideas).distinct().order_by("code"))


def render(source: str, **context) -> str:
    return Template(source).render(Context(context))


@pytest.mark.parametrize("language", ["pl", "en"])
def test_the_cycles_articles_are_the_templates_for_every_county_on_record(language):
    counties = counties_on_record()
    assert len(counties) >= 2
    with translation.override(language):
        for county in counties:
            loop = render(OLD_CYCLE_LOOP, cycles=old_cycles(county))
            tag = render(CYCLES_TAG, cycles=county_cycles(county))
            assert tag == loop, county.slug


@pytest.mark.parametrize("language", ["pl", "en"])
@pytest.mark.parametrize("show_origin", [True, False])
def test_the_ideas_rows_are_the_templates_from_rows_and_from_instances(language, show_origin):
    with translation.override(language):
        for county in counties_on_record():
            loop = render(OLD_IDEAS_LOOP, ideas=old_ideas(county), show_origin=show_origin)
            rows = render(IDEAS_TAG, ideas=county_ideas(county), show_origin=show_origin)
            instances = render(IDEAS_TAG, ideas=old_ideas(county), show_origin=show_origin)
            assert rows == loop == instances, county.slug


@pytest.mark.parametrize("language", ["pl", "en"])
def test_markup_in_the_data_is_escaped_as_the_templates_did(language):
    cycle = WorkshopCycle.objects.get(slug=PLOCK_2003)
    hostile = '<b>"Tytuł" & <i>coś</i></b> jeden dwa trzy cztery pięć sześć siedem'
    source = Source.objects.create(slug="hostile-source", title=hostile, title_is_descriptive=True)
    cycle.sources.add(source)
    session = Session.objects.create(cycle=cycle, ordinal=97, venue="<script>x</script>")
    session.sources.add(source, Source.objects.create(slug="second-source", title="Drugie"))
    WorkshopCycle.objects.filter(pk=cycle.pk).update(title=hostile)
    ProjectIdea.objects.create(
        slug="hostile-idea", title=hostile, cycle=cycle, session=session, county=cycle.county
    )
    county = cycle.county
    with translation.override(language):
        loop = render(OLD_CYCLE_LOOP, cycles=old_cycles(county))
        tag = render(CYCLES_TAG, cycles=county_cycles(county))
        ideas_loop = render(OLD_IDEAS_LOOP, ideas=old_ideas(county), show_origin=True)
        ideas_tag = render(IDEAS_TAG, ideas=county_ideas(county), show_origin=True)
    assert "&lt;script&gt;" in tag and "<script>" not in tag
    assert "&lt;b&gt;&quot;Tytuł&quot; &amp;" in tag
    assert "&lt;b&gt;&quot;Tytuł&quot; &amp;" in ideas_tag
    assert tag == loop
    assert ideas_tag == ideas_loop


def county_page_queries(client, slug: str) -> list[str]:
    with translation.override("en"):
        address = reverse("portal:county_detail", kwargs={"slug": slug})
    with CaptureQueriesContext(connection) as captured:
        response = client.get(address)
    assert response.status_code == 200
    return [query["sql"] for query in captured.captured_queries]


def reads(queries: list[str], table: str) -> bool:
    """Whether a query reads ``table``'s rows (not only asks whether one exists)."""
    return any(sql.startswith(f'SELECT "{table}"."id"') for sql in queries)


def test_a_county_without_agreements_or_events_is_not_asked_for_them_and_one_with_is(
    client, settings
):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    county = County.objects.get(slug="radomski")  # took no part
    queries = county_page_queries(client, county.slug)
    assert not reads(queries, "programmes_partnershipagreement")
    assert not reads(queries, "programmes_programmeevent")
    event = ProgrammeEvent.objects.create(
        slug="event-in-radom-county",
        kind=ProgrammeEvent.Kind.PRESENTATION,
        title="Spotkanie w Radomiu",
        programme=Programme.objects.get(slug=PROGRAMME_2003),
        county=county,
    )
    queries = county_page_queries(client, county.slug)
    assert reads(queries, "programmes_programmeevent")
    with translation.override("en"):
        content = client.get(reverse("portal:county_detail", kwargs={"slug": county.slug}))
    assert event.title in content.content.decode()
    assert reads(county_page_queries(client, "plocki"), "programmes_partnershipagreement")
