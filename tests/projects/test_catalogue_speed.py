"""The catalogue's cheaper helpers (projects/catalogue_speed.py, projects/filters.py)
give what the plain Django calls give."""

import copy

import pytest
from django import forms
from django.utils import translation
from django.utils.formats import number_format
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from programmes.models import County
from projects.catalogue_speed import (
    Choices,
    FastNumberInput,
    FastRadioSelect,
    FastSearchInput,
    FastSelect,
    fast_escape,
    fast_escape_all,
)
from projects.filters import county_labeller, county_labels, number_formatter


@pytest.mark.parametrize("thousands", [False, True])
@pytest.mark.parametrize("language", ["pl", "en"])
def test_counts_are_formatted_as_number_format_does(settings, thousands, language):
    settings.USE_THOUSAND_SEPARATOR = thousands
    with translation.override(language):
        count_format = number_formatter()
        for n in (0, 1, 9, 10, 999, 1000, 1001, 9999, 12345, 1234567):
            assert count_format(n) == number_format(n, use_l10n=True), n


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["pl", "en"])
def test_county_labels_are_the_counties_names(language):
    counties = list(County.objects.all())
    assert {county.kind for county in counties} == {County.Kind.LAND, County.Kind.CITY}
    with translation.override(language):
        label = county_labeller()
        for county in counties:
            assert label(county.name, county.kind) == str(county)
        assert label("50% & <b>", County.Kind.LAND) == str(County(name="50% & <b>", kind="land"))
        names = [county.name for county in counties] + ["50% & <b>", "%(name)s"]
        kinds = [county.kind for county in counties] + ["city", "land"]
        assert county_labels(names, kinds) == [
            label(name, kind) for name, kind in zip(names, kinds, strict=True)
        ]
        assert county_labels([], []) == []


@pytest.mark.parametrize(
    "label",
    ["A & <b>“ł”", "", mark_safe("<b>kept</b> &amp;"), gettext_lazy("Status"), 3, "'\""],  # noqa: S308
)
def test_fast_escapes_are_escaped_as_conditional_escape_does(label):
    assert fast_escape(label) == conditional_escape(label)


def test_choices_are_shared_by_the_forms_and_read_as_they_are():
    pairs = [("a", "A"), ("b", "B & c")]

    class Form(forms.Form):
        x = forms.ChoiceField(choices=Choices(pairs))

    first, second = Form({"x": "b"}), Form({"x": "c"})
    assert first.fields["x"].choices is second.fields["x"].choices
    assert copy.deepcopy(first.fields["x"]).choices is first.fields["x"].choices
    assert list(first.fields["x"].choices) == pairs
    assert len(first.fields["x"].choices) == 2
    assert first.is_valid() and not second.is_valid()
    plain = forms.Select(choices=pairs).render("x", "b")
    assert forms.Select(choices=Choices(pairs)).render("x", "b") == plain


@pytest.mark.parametrize("value", [None, "", "szkoła", '<b>"x"</b> & y', 2005, "2005"])
@pytest.mark.parametrize(
    "attrs",
    [
        {"id": "id_x"},
        {"id": "id_x", "aria-describedby": "id_x_helptext", "maxlength": 200, "required": True},
        {"id": "id_x", "disabled": False, "data-x": '"quoted" & <b>'},
    ],
)
@pytest.mark.parametrize(
    ("fast", "plain"),
    [
        (FastSearchInput, forms.SearchInput),
        (FastNumberInput, forms.NumberInput),
        (FastRadioSelect, forms.RadioSelect),
    ],
)
def test_fast_inputs_write_what_djangos_inputs_write(fast, plain, value, attrs):
    choices = [("adopted", "selected & <b>"), ("all", gettext_lazy("Status")), (2005, "2005")]
    kwargs = {"choices": choices} if plain is forms.RadioSelect else {}
    fast_widget, plain_widget = (
        fast(attrs=dict(attrs), **kwargs),
        plain(attrs=dict(attrs), **kwargs),
    )
    assert fast_widget.render("x", value) == plain_widget.render("x", value)
    if plain is forms.RadioSelect:
        # {{ radio.tag }}, {{ radio.choice_label }} of each button, as the template reads them.
        class Form(forms.Form):
            x = forms.ChoiceField(choices=choices, widget=fast_widget)

        class PlainForm(forms.Form):
            x = forms.ChoiceField(choices=choices, widget=plain_widget)

        data = {"x": value} if value is not None else {}
        fast_radios, plain_radios = list(Form(data)["x"]), list(PlainForm(data)["x"])
        assert [r.tag() for r in fast_radios] == [r.tag() for r in plain_radios]
        assert [str(r) for r in fast_radios] == [str(r) for r in plain_radios]
        assert 'type="radio"' in fast_radios[0].tag()


@pytest.mark.parametrize(
    "texts",
    [
        [],
        ["a & b", "<i>", "plain", "'\""],
        [gettext_lazy("Status"), "x < y", mark_safe("<b>kept</b>"), 3, ""],  # noqa: S308
        ["holds \x00 the separator", "&"],
    ],
)
def test_texts_escaped_together_are_escaped_one_by_one(texts):
    assert fast_escape_all(texts) == [conditional_escape(text) for text in texts]


def old_select(widget, name, value, attrs) -> str:
    """FastSelect.render before its options were escaped together."""
    attrs = {"name": name, **widget.build_attrs(widget.attrs, attrs)}
    selected = set(widget.format_value(value))
    html = ["<select"]
    for key, attr in attrs.items():
        if attr is True:
            html.append(f" {conditional_escape(key)}")
        elif attr is not False:
            html.append(f' {conditional_escape(key)}="{conditional_escape(attr)}"')
    html.append(">")
    lang = f' lang="{conditional_escape(widget.option_lang)}"' if widget.option_lang else ""
    for option, label in widget.choices:
        option = str(option)
        mark = " selected" if option in selected else ""
        if option:
            mark += lang
        html.append(
            f'<option value="{conditional_escape(option)}"{mark}>{fast_escape(label)}</option>'
        )
    html.append("</select>")
    return "".join(html)


@pytest.mark.parametrize("option_lang", ["", "pl"])
@pytest.mark.parametrize("value", [None, "", "b", ["b", "c"], "<x>", 2005])
def test_selects_are_written_as_one_option_at_a_time(option_lang, value):
    choices = [
        ("", gettext_lazy("Status")),
        ("a", "A & <b>"),
        ("b", mark_safe("<b>B</b>")),  # noqa: S308
        ("c", "C \x00 d"),
        ("b", "B again"),
        (2005, "2005"),
        ("<x>", "'\""),
        ("", "empty again"),
    ]
    widget = FastSelect(attrs={"id": "id_x", "data-x": '"q"'}, option_lang=option_lang)
    for pairs in (choices, Choices(choices), []):
        widget.choices = pairs
        assert widget.render("x", value) == old_select(widget, "x", value, None)
