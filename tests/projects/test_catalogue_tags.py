"""``{% idea_cards %}`` and ``{% filter_field %}`` write exactly what the catalogue's
template loop of cards and its included field template wrote."""

import pytest
from django.http import QueryDict
from django.template import Context, Template
from django.template.defaultfilters import truncatewords
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from portal.templatetags.charts import _charts, idea_charts
from programmes.models import Voivodeship
from projects.filters import ProjectIdeaFilter
from projects.models import ProjectIdea, Theme
from projects.templatetags.catalogue import truncated_words
from projects.views import PER_PAGE, CountedPaginator, prepare_cards
from tests.records import PLOCK_2003
from workshops.models import WorkshopCycle

pytestmark = pytest.mark.django_db

# The loop of projects/projectidea_list.html before idea_cards replaced it.
TEMPLATE_LOOP = """{% load i18n portal %}{% for idea in ideas %}<li><article aria-labelledby="idea-{{ idea.pk }}">
  <h3 id="idea-{{ idea.pk }}">{% icon "project" %}<a href="{{ idea.get_absolute_url }}" lang="pl">{{ idea.title }}</a></h3>
  <dl class="facts">
    <dt>{% translate "Status" %}</dt>
    <dd>{{ idea.get_status_display|capfirst }}</dd>
    <dt>{% translate "Area" %}</dt>
    <dd>{{ idea.card_area|default:_("not recorded") }}</dd>
    <dt>{% translate "Period" %}</dt>
    <dd>{% if idea.card_period %}{{ idea.card_period }}{% else %}{% translate "date unknown" context "date" %}{% endif %}</dd>
{% if idea.card_themes %}    <dt>{% translate "Themes" %}</dt>
    <dd>{% for name in idea.card_themes %}<span class="tag">{{ name }}</span>{% if not forloop.last %} {% endif %}{% endfor %}</dd>
{% endif %}  </dl>
{% if idea.goals %}  <p lang="pl">{{ idea.goals|truncatewords:40 }}</p>
{% endif %}</article></li>
{% endfor %}"""  # noqa: E501

TAG = """{% load catalogue portal %}{% icon "project" as project_icon %}{% idea_cards ideas project_icon %}"""  # noqa: E501


def both_ways(ideas) -> tuple[str, str]:
    ideas = list(ideas)
    prepare_cards(ideas)
    context = Context({"ideas": ideas})
    return Template(TEMPLATE_LOOP).render(context), Template(TAG).render(context)


def listed(queryset):
    return ProjectIdea.objects.filter(pk__in=queryset.values("pk")).for_listing().order_by("pk")


@pytest.mark.parametrize("language", ["pl", "en"])
def test_the_cards_are_the_templates_for_every_idea_on_record(language):
    assert ProjectIdea.objects.count() >= 10
    with translation.override(language):
        loop, tag = both_ways(listed(ProjectIdea.objects.all()))
    assert tag == loop
    assert tag.count("<li>") == ProjectIdea.objects.count()


@pytest.mark.parametrize("language", ["pl", "en"])
def test_markup_in_the_data_is_escaped_and_every_branch_as_the_template_did(language):
    cycle = WorkshopCycle.objects.get(slug=PLOCK_2003)
    hostile = '<b>"Tytuł" & <i>coś</i></b>'
    long_goals = " ".join(f"słowo{i} <i>&</i>" for i in range(60))
    with_all = ProjectIdea.objects.create(
        slug="hostile-idea", title=hostile, goals=long_goals, cycle=cycle, county=cycle.county
    )
    with_all.themes.set(Theme.objects.all()[:3])
    Theme.objects.filter(pk=with_all.themes.first().pk).update(
        name_pl="<script>x</script> & co", name_en="<script>y</script>"
    )
    # Without a county: its voivodeships, or none; no theme, no goals.
    bare = ProjectIdea.objects.create(slug="bare-idea", title="Bare", cycle=cycle)
    in_region = ProjectIdea.objects.create(slug="Region_2", title="Region", cycle=cycle)
    in_region.voivodeships.set(Voivodeship.objects.all()[:2])
    with translation.override(language):
        loop, tag = both_ways(
            listed(ProjectIdea.objects.filter(slug__in=[with_all.slug, bare.slug, in_region.slug]))
        )
    assert "&lt;script&gt;" in tag and "<script>" not in tag
    assert "&lt;b&gt;&quot;Tytuł&quot; &amp;" in tag
    assert tag == loop


def test_no_ideas_no_cards():
    assert both_ways([]) == ("", "")


# projects/_field.html, included once per field, before filter_field replaced it.
FIELD_TEMPLATE = """{# One labelled control; Django points aria-describedby at the help text and the errors. #}
<div class="field{% if field.errors %} field--error{% endif %}">
  <label for="{{ field.auto_id }}">{{ field.label }}</label>
  {% if field.errors %}<ul class="form-error errorlist" id="{{ field.auto_id }}_error">{% for error in field.errors %}<li>{{ error }}</li>{% endfor %}</ul>{% endif %}
  {{ field }}
  {% if field.help_text %}<p class="note" id="{{ field.auto_id }}_helptext">{{ field.help_text }}</p>{% endif %}
</div>
"""  # noqa: E501


@pytest.mark.parametrize("language", ["pl", "en"])
@pytest.mark.parametrize(
    "query",
    [
        "",
        "q=<b>szkoła</b>&county=plocki&year=2005&status=completed&theme=kultura&ordering=-year",
        # Errors: an unknown county, a year out of range, a search too long.
        "county=<nowhere>&year=1800&q=" + "x" * 201,
        "scope=all&programme=nope&ordering=x&status=x&theme=x",
    ],
)
def test_every_filter_field_is_what_the_included_template_wrote(language, query):
    with translation.override(language):
        filterset = ProjectIdeaFilter(QueryDict(query), queryset=ProjectIdea.objects.all())
        if filterset.is_valid():
            filterset.add_counts()
        form = filterset.form
        include = Template(FIELD_TEMPLATE)
        tag = Template("{% load catalogue %}{% filter_field field %}")
        for name in ("q", "county", "programme", "year", "status", "theme", "ordering"):
            context = Context({"field": form[name]})
            assert tag.render(context) == include.render(context), name
    if "nowhere" in query:
        assert 'class="field field--error"' in tag.render(Context({"field": form["county"]}))


@given(
    st.lists(
        st.sampled_from(["słowo", " ", "\n", "\t", "…", " …", "a…", "\xa0", "x"]), max_size=60
    ).map("".join),
    st.integers(min_value=1, max_value=12),
)
def test_words_are_truncated_as_truncatewords_does(text, count):
    assert truncated_words(text, count) == truncatewords(text, count)


# projects/_filter_form.html, included by the list template, before filter_form replaced it.
FORM_TEMPLATE = """{% load i18n catalogue %}
<h2 id="filters-heading">{% translate "Search and filter" %}</h2>
{% if form.errors %}
<div class="form-error" role="alert">
  <p>{% translate "Some filters could not be used, so no project ideas are listed. Correct the marked fields or clear the filters." %}</p>
</div>
{% endif %}
<form method="get" action="{% url 'projects:list' %}" class="filters" role="search" aria-labelledby="filters-heading">
  <fieldset class="field{% if form.scope.errors %} field--error{% endif %}"{% if form.scope.errors %} aria-describedby="{{ form.scope.auto_id }}_error"{% endif %}>
    <legend>{{ form.scope.label }}</legend>
    {% if form.scope.errors %}<ul class="form-error errorlist" id="{{ form.scope.auto_id }}_error">{% for error in form.scope.errors %}<li>{{ error }}</li>{% endfor %}</ul>{% endif %}
    {% for radio in form.scope %}
    <label for="{{ radio.id_for_label }}" class="choice">{{ radio.tag }} {{ radio.choice_label }}</label>
    {% endfor %}
  </fieldset>
  {% filter_field form.q %}
  {% filter_field form.county %}
  {% filter_field form.programme %}
  {% filter_field form.year %}
  {% filter_field form.status %}
  {% filter_field form.theme %}
  {% filter_field form.ordering %}
  <div class="field">
    <button type="submit">{% translate "Show project ideas" %}</button>
    <a href="{% url 'projects:list' %}">{% translate "Clear filters" %}</a>
  </div>
</form>
"""  # noqa: E501


@pytest.mark.parametrize("language", ["pl", "en"])
@pytest.mark.parametrize(
    "query",
    [
        "",
        "scope=all",
        "q=<b>szkoła</b>&county=plocki&year=2005&status=completed&theme=kultura&ordering=-year",
        "county=<nowhere>&year=1800&q=" + "x" * 201,
        "scope=<bad>&programme=nope",
        "scope=x&ordering=x&status=x&theme=x",
    ],
)
def test_the_filter_form_is_what_the_included_template_wrote(language, query):
    with translation.override(language):
        filterset = ProjectIdeaFilter(QueryDict(query), queryset=ProjectIdea.objects.all())
        if filterset.is_valid():
            filterset.add_counts()
        context = Context({"form": filterset.form})
        tag = Template("{% load catalogue %}{% filter_form form %}").render(context)
        assert tag == Template(FORM_TEMPLATE).render(context)
    if "bad" in query:
        assert 'class="field field--error" aria-describedby="id_scope_error"' in tag


# includes/_idea_charts.html, rendered by the inclusion tag idea_charts before the tag
# wrote it.
CHARTS_TEMPLATE = """{% load i18n %}{% if charts %}
<section aria-labelledby="idea-charts-heading">
  <h2 id="idea-charts-heading">{% translate "The ideas found, in charts" %}</h2>
  <div class="charts">{% for chart in charts %}
    {% include "includes/_bar_chart.html" %}{% endfor %}
  </div>
</section>
{% endif %}
"""


@pytest.mark.parametrize("language", ["pl", "en"])
@pytest.mark.parametrize("query", ["", "scope=all", "q=zz-none", "status=selected", "year=1800"])
def test_the_charts_are_what_the_included_template_wrote(language, query):
    with translation.override(language):
        filterset = ProjectIdeaFilter(QueryDict(query), queryset=ProjectIdea.objects.all())
        if filterset.is_valid():
            filterset.add_counts()
        charts = [chart for chart in _charts(filterset) if chart]
        expected = Template(CHARTS_TEMPLATE).render(Context({"charts": charts}))
        assert idea_charts(filterset) == expected
    assert ("<figure" in expected) == (query in ("", "scope=all", "status=selected"))


@pytest.mark.parametrize("language", ["pl", "en"])
@pytest.mark.parametrize("filter_query", ["", "status=completed", 'q=%3Cb%3E&x="a"<b>&y=\''])
@pytest.mark.parametrize(("count", "number"), [(5, 1), (45, 1), (45, 2), (45, 3), (30000, 1200)])
def test_pagination_is_what_the_included_template_writes(language, filter_query, count, number):
    paginator = CountedPaginator([], PER_PAGE, count=count)
    page = paginator.page(number)
    context = Context({"page_obj": page, "filter_query": filter_query})
    with translation.override(language):
        include = Template('{% include "includes/_pagination.html" %}').render(context)
        tag = Template("{% load catalogue %}{% pagination page_obj filter_query %}").render(context)
    assert tag == include
    assert ('rel="prev"' in tag) == (number > 1)
