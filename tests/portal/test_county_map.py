"""The map of the counties: its data file, the conversion script, and the SVG on the home,
counties and county pages (links with names, bands with a legend, the highlighted
county, the table, nothing external, no inline style)."""

from __future__ import annotations

import dataclasses
import importlib.util
import json
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation

from portal.maps import BANDS, band_of, county_map
from portal.participation import counties_with_participation
from programmes.boundaries import DIRECTORY, PATH_DATA, boundaries
from programmes.models import County, Voivodeship
from tests.records import BIALOBRZEGI, PLOCK, PROGRAMME_2003

pytestmark = pytest.mark.django_db

MAZOVIA = "14"
SVG = re.compile(r"<svg\b.*?</svg>", re.S)
MAP = re.compile(r'<svg class="county-map__svg".*?</svg>', re.S)
LINK = re.compile(
    r'<a href="([^"]+)" class="county-map__county"( aria-current="page")?><title>([^<]*)</title>'
)


def url(name, lang="pl", **kwargs):
    with translation.override(lang):
        return reverse(name, kwargs=kwargs or None)


def page(client, address) -> str:
    response = client.get(address)
    assert response.status_code == 200
    return response.content.decode()


def the_map(content: str) -> str:
    found = MAP.findall(content)
    assert len(found) == 1
    return found[0]


# --------------------------------------------------------------------------------------
# The data file and the script that made it
# --------------------------------------------------------------------------------------


def test_boundaries_file_has_every_mazovian_county_in_a_few_kilobytes():
    path = DIRECTORY / "14.json"
    assert path.stat().st_size < 12_000
    data = boundaries(MAZOVIA)
    codes = set(County.objects.in_voivodeship(MAZOVIA).values_list("code", flat=True))
    assert set(data.shapes) == codes and len(codes) == 42
    assert all(PATH_DATA.fullmatch(d) for d in data.shapes.values())
    assert data.view_box[:2] == (0, 0) and 400 <= max(data.view_box) <= 500
    assert data.attribution == (
        "granice: PRG, Główny Urząd Geodezji i Kartografii; "
        "opracowanie: ppatrzyk/polska-geojson (MIT)"
    )
    licence = (DIRECTORY / "LICENSE-polska-geojson.txt").read_text(encoding="utf-8")
    assert "MIT License" in licence and "Piotr Patrzyk" in licence
    assert "PRG" in (DIRECTORY / "README.md").read_text(encoding="utf-8")


def test_cities_with_county_rights_are_holes_in_the_land_counties_around_them():
    data = boundaries(MAZOVIA)
    rings = {code: d.count("M") for code, d in data.shapes.items()}
    # Płock in płocki, Radom in radomski, Siedlce in siedlecki, Ostrołęka in ostrołęcki.
    for land in (PLOCK, "1425", "1426", "1415"):
        assert rings[land] == 2
    assert rings["1465"] == 1  # Warsaw borders several counties, inside none


def test_a_voivodeship_without_a_file_has_no_map():
    assert boundaries("02") is None
    assert boundaries("../14") is None and boundaries("") is None
    assert county_map(voivodeship="02") is None


def test_a_file_with_anything_but_path_data_is_refused(tmp_path, monkeypatch):
    data = json.loads((DIRECTORY / "14.json").read_text(encoding="utf-8"))
    data["counties"][BIALOBRZEGI]["d"] = 'M0 0l1 1z"/><script>alert(1)</script>'
    (tmp_path / "14.json").write_text(json.dumps(data), encoding="utf-8")
    monkeypatch.setattr("programmes.boundaries.DIRECTORY", tmp_path)
    boundaries.cache_clear()
    try:
        with pytest.raises(ValueError, match=BIALOBRZEGI):
            boundaries(MAZOVIA)
    finally:
        boundaries.cache_clear()


def load_script():
    path = Path(settings.BASE_DIR) / "scripts" / "simplify_boundaries.py"
    spec = importlib.util.spec_from_file_location("simplify_boundaries", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def square(x0, y0, size, steps=10):
    """A closed square ring with ``steps`` points a side, counter-clockwise."""
    side = [i * size / steps for i in range(steps)]
    ring = [(x0 + s, y0) for s in side] + [(x0 + size, y0 + s) for s in side]
    ring += [(x0 + size - s, y0 + size) for s in side] + [(x0, y0 + size - s) for s in side]
    return [[20 + x / 100, 52 + y / 100] for x, y in ring + ring[:1]]


def test_script_keeps_shared_borders_identical_and_cities_as_holes(tmp_path, capsys):
    script = load_script()
    city = square(3, 3, 2)
    features = [
        # a land county with a city inside, and a neighbour sharing its eastern side
        {"teryt": "9901", "nazwa": "lewy", "rings": [square(0, 0, 8), city[::-1]]},
        {"teryt": "9902", "nazwa": "prawy", "rings": [square(8, 0, 8)]},
        {"teryt": "9961", "nazwa": "Miasto", "rings": [city]},
    ]
    geojson = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"teryt": f["teryt"], "nazwa": f["nazwa"]},
                "geometry": {"type": "Polygon", "coordinates": f["rings"]},
            }
            for f in features
        ],
    }
    source = tmp_path / "test.geojson"
    source.write_text(json.dumps(geojson), encoding="utf-8")
    assert script.main([str(source), "--voivodeship", "99", "--name", "testowe"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["voivodeship"] == "99" and sorted(out["counties"]) == ["9901", "9902", "9961"]
    assert out["attribution"].startswith("granice: PRG")

    def points(d):
        rings = []
        for ring in re.findall(r"M(-?\d+) (-?\d+)l([^z]*)z", d):
            x, y = int(ring[0]), int(ring[1])
            pts = [(x, y)]
            numbers = [int(n) for n in re.findall(r"-?\d+", ring[2])]
            for dx, dy in zip(numbers[::2], numbers[1::2], strict=True):
                x, y = x + dx, y + dy
                pts.append((x, y))
            rings.append(pts)
        return rings

    left, right, town = (points(out["counties"][code]["d"]) for code in ("9901", "9902", "9961"))
    assert len(left) == 2 and len(town) == 1
    # Straight sides simplify to their corners; the city's ring is the left county's hole.
    assert len(right[0]) == 4
    assert set(left[1]) == set(town[0])
    # The shared side keeps the same corners on both sides: no gap, no overlap.
    shared = set(left[0]) & set(right[0])
    assert len(shared) == 2


# --------------------------------------------------------------------------------------
# Bands
# --------------------------------------------------------------------------------------


def test_bands_by_the_number_of_cycles_and_other_records():
    counties = {
        c.code: c for c in counties_with_participation(County.objects.in_voivodeship(MAZOVIA))
    }
    assert band_of(counties[BIALOBRZEGI]) == "none"  # białobrzeski: nothing on record
    assert band_of(counties["1402"]) == "one"
    assert band_of(counties[PLOCK]) == "two"
    county = counties[BIALOBRZEGI]
    county.event_count = 1
    assert band_of(county) == "other"
    county.cycle_count = 7
    assert band_of(county) == "more"


# --------------------------------------------------------------------------------------
# The pages
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["pl", "en"])
def test_home_map_links_every_county_by_name_and_participation(client, lang):
    content = page(client, url("portal:home", lang))
    svg = the_map(content)
    links = LINK.findall(svg)
    assert len(links) == 42
    slugs = set(County.objects.in_voivodeship(MAZOVIA).values_list("slug", flat=True))
    assert {address for address, _current, _name in links} == {
        url("portal:county_detail", lang, slug=slug) for slug in slugs
    }
    names = {address.rstrip("/").rsplit("/", 1)[1]: name for address, _c, name in links}
    if lang == "en":
        assert names["losicki"] == (
            "łosicki county: 2 workshop cycles (Warsztaty Lokalnego Ożywienia Gospodarczego; "
            "Warsztaty Lokalnego Ożywienia Społeczno-Gospodarczego)"
        )
        assert names["radomski"] == "radomski county: no record of taking part"
        assert names["radom"] == "Radom (city with county rights): no record of taking part"
    else:
        assert names["losicki"].startswith("powiat łosicki: 2 cykle warsztatów (")
        assert names["ciechanowski"].startswith("powiat ciechanowski: 1 cykl warsztatów (")
    assert not any(current for _a, current, _n in links)  # nothing highlighted
    assert 'role="group" aria-labelledby="county-map-title"' in svg
    assert 'id="county-map-title"' in content


def test_map_legend_names_every_band_with_its_count(client):
    content = page(client, url("portal:home", "en"))
    legend = content.split('<ul class="map-legend"')[1].split("</ul>")[0]
    for label, count in [
        ("No record of taking part", "26 counties"),
        ("Agreements, events or ideas, no workshop cycle", "0 counties"),
        ("1 workshop cycle", "14 counties"),
        ("2 workshop cycles", "2 counties"),
        ("3 or more workshop cycles", "0 counties"),
    ]:
        assert re.search(rf"{label} <span class=\"note\">\({count}\)</span>", legend), label
    # Every band is a pattern as well as a colour; the swatches use the same patterns.
    for band in BANDS:
        assert f'<pattern id="county-map-{band}"' in content
        assert f'fill="url(#county-map-{band})"' in legend
    assert "Thick outline" not in legend
    assert "granice: PRG, Główny Urząd Geodezji i Kartografii" in content


def test_home_map_has_a_table_with_the_same_figures(client):
    content = page(client, url("portal:home", "en"))
    table = content.split("<summary>The map as a table</summary>")[1].split("</table>")[0]
    rows = re.findall(r"<tr>\s*<th scope=\"row\">(.*?)</tr>", table, re.S)
    assert len(rows) == 42
    losicki = next(row for row in rows if "łosicki" in row)
    assert '<td class="num">2</td>' in losicki and "2 workshop cycles" in losicki


def test_county_page_highlights_its_county_and_draws_it_last(client):
    content = page(client, url("portal:county_detail", "en", slug="plocki"))
    svg = the_map(content)
    links = LINK.findall(svg)
    assert len(links) == 42
    current = [link for link in links if link[1]]
    assert len(current) == 1 and current[0][0] == url("portal:county_detail", "en", slug="plocki")
    assert links[-1] == current[0]  # its outline over its neighbours'
    assert "Thick outline: płocki county" in content
    assert 'class="county-map county-map--current"' in content
    # The table is on the counties' page.
    assert "The map as a table" not in content
    assert f'href="{url("portal:county_list", "en")}">All counties in a table' in content


def test_county_list_map_shows_every_county_even_when_the_table_is_filtered(client):
    content = page(client, url("portal:county_list", "en") + "?took_part=1")
    assert len(LINK.findall(the_map(content))) == 42
    assert "The table below gives the same figures." in content
    assert "The map as a table" not in content


def test_county_in_a_voivodeship_without_outlines_has_no_map(client):
    elsewhere = Voivodeship.objects.create(code="02", name="dolnośląskie", slug="dolnoslaskie")
    county = County.objects.create(
        code="0201", voivodeship=elsewhere, name="bolesławiecki", slug="boleslawiecki"
    )
    content = page(client, url("portal:county_detail", "en", slug=county.slug))
    assert "county-map" not in content


def test_another_voivodeship_is_added_as_a_data_file(client, tmp_path, monkeypatch):
    """No code: a file named by the voivodeship's TERYT code gives its counties' pages a
    map (here a made-up outline for a county of Dolnośląskie)."""
    elsewhere = Voivodeship.objects.create(code="02", name="dolnośląskie", slug="dolnoslaskie")
    county = County.objects.create(
        code="0201", voivodeship=elsewhere, name="bolesławiecki", slug="boleslawiecki"
    )
    data = {
        "voivodeship": "02",
        "name": "dolnośląskie",
        "view_box": [0, 0, 30, 20],
        "attribution": "granice: PRG, Główny Urząd Geodezji i Kartografii",
        "counties": {
            "0201": {"name": "bolesławiecki", "d": "M1 1l10 0 0 10-10 0z"},
            "0202": {"name": "dzierżoniowski", "d": "M11 1l10 0 0 10-10 0z"},
        },
    }
    (tmp_path / "02.json").write_text(json.dumps(data), encoding="utf-8")
    monkeypatch.setattr("programmes.boundaries.DIRECTORY", tmp_path)
    boundaries.cache_clear()
    try:
        content = page(client, url("portal:county_detail", "en", slug=county.slug))
    finally:
        boundaries.cache_clear()
    svg = the_map(content)
    assert 'viewBox="0 0 30 20"' in svg
    assert LINK.findall(svg) == [
        (
            url("portal:county_detail", "en", slug=county.slug),
            ' aria-current="page"',
            "bolesławiecki county: no record of taking part",
        )
    ]
    assert 'class="county-map__county county-map__county--unlinked"' in svg  # no 0202 on record
    assert "Dolnośląskie voivodeship: the counties by their part" in content


def test_outline_without_a_county_in_the_database_is_drawn_but_not_a_link():
    counties = list(
        counties_with_participation(
            County.objects.in_voivodeship(MAZOVIA).exclude(code=BIALOBRZEGI)
        )
    )
    drawn = county_map(voivodeship=MAZOVIA, counties=counties)
    unlinked = [c for c in drawn.counties if c.url is None]
    assert [c.code for c in unlinked] == [BIALOBRZEGI] and unlinked[0].band == "none"
    assert unlinked[0].name == "białobrzeski"


MAP_PAGES = [
    ("portal:home", {}),
    ("portal:county_list", {}),
    ("portal:county_detail", {"slug": "plocki"}),
    ("portal:county_detail", {"slug": "radom"}),
    ("portal:programme_detail", {"slug": PROGRAMME_2003}),
    ("projects:list", {}),
]


@pytest.mark.parametrize(("name", "kwargs"), MAP_PAGES)
@pytest.mark.parametrize("lang", ["pl", "en"])
def test_maps_and_charts_request_nothing_and_carry_no_inline_style(client, name, kwargs, lang):
    content = page(client, url(name, lang, **kwargs))
    svgs = SVG.findall(content)
    assert svgs
    for svg in svgs:
        # The only URL-like text is the SVG namespace; references are to the page itself.
        assert re.findall(r"https?://[^\s\"']+", svg) in ([], ["http://www.w3.org/2000/svg"])
        assert "xlink:href" not in svg and "<image" not in svg and "<use" not in svg
        for reference in re.findall(r"url\(([^)]*)\)", svg):
            assert reference.startswith("#")
    # The Content Security Policy forbids inline styles: none anywhere on the page.
    assert "style=" not in content and "<style" not in content
    assert "<script" not in content


# --------------------------------------------------------------------------------------
# The repeated parts written by tags (portal/templatetags/map_rows.py)
# --------------------------------------------------------------------------------------

# The loops of includes/_county_map.html before {% map_counties %} and {% map_table_rows %}.
OLD_COUNTIES_LOOP = """{% for county in m.counties %}{% if county.url %}<a href="{{ county.url }}" class="county-map__county"{% if county.current %} aria-current="page"{% endif %}><title>{{ county.label }}</title><path d="{{ county.d }}" fill="url(#{{ m.id }}-{{ county.band }})"/></a>{% else %}<path class="county-map__county county-map__county--unlinked" d="{{ county.d }}" fill="url(#{{ m.id }}-{{ county.band }})"/>{% endif %}
      {% endfor %}"""  # noqa: E501
OLD_TABLE_LOOP = """{% for county in m.table_rows %}
        <tr>
          <th scope="row">{% if county.url %}<a href="{{ county.url }}">{{ county.name }}</a>{% else %}{{ county.name }}{% endif %}</th>
          <td>{{ county.band_label|capfirst }}</td>
          <td class="num">{{ county.cycles }}</td>
          <td lang="pl">{{ county.programmes|join:"; "|default:"—" }}</td>
        </tr>{% endfor %}"""  # noqa: E501


@pytest.mark.parametrize("language", ["pl", "en"])
def test_the_maps_counties_and_table_rows_are_the_templates(language):
    plocki = County.objects.get(slug="plocki")
    with translation.override(language):
        for m in (county_map(voivodeship=MAZOVIA), county_map(voivodeship=MAZOVIA, current=plocki)):
            context = Context({"m": m})
            for old, tag in (
                (OLD_COUNTIES_LOOP, "map_counties"),
                (OLD_TABLE_LOOP, "map_table_rows"),
            ):
                new = Template("{% load map_rows %}{% " + tag + " m %}").render(context)
                assert new == Template(old).render(context), tag


# includes/_county_map.html before {% county_map_figure %} wrote the figure around them.
OLD_FIGURE = """{% load i18n map_rows %}{% with m=county_map %}
<figure class="county-map{% if m.current %} county-map--current{% endif %}" aria-labelledby="{{ m.id }}-title">
  <figcaption id="{{ m.id }}-title" class="chart-title">{{ m.title|capfirst }}</figcaption>
  <div class="county-map__layout">
    <svg class="county-map__svg" viewBox="{{ m.view_box }}" role="group" aria-labelledby="{{ m.id }}-title" xmlns="http://www.w3.org/2000/svg">
      <defs>
        <pattern id="{{ m.id }}-none" width="8" height="8" patternUnits="userSpaceOnUse"><rect class="map-fill--none" width="8" height="8"/></pattern>
        <pattern id="{{ m.id }}-other" width="7" height="7" patternUnits="userSpaceOnUse"><rect class="map-fill--other" width="7" height="7"/><circle class="map-mark--other" cx="3.5" cy="3.5" r="1.1"/></pattern>
        <pattern id="{{ m.id }}-one" width="8" height="8" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect class="map-fill--one" width="8" height="8"/><path class="map-mark--one" d="M0 0V8"/></pattern>
        <pattern id="{{ m.id }}-two" width="5" height="5" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect class="map-fill--two" width="5" height="5"/><path class="map-mark--two" d="M0 0V5"/></pattern>
        <pattern id="{{ m.id }}-more" width="5" height="5" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect class="map-fill--more" width="5" height="5"/><path class="map-mark--more" d="M0 0V5M0 0H5"/></pattern>
      </defs>
      {% map_counties m %}
    </svg>
    <div class="county-map__key">
      <p class="chart-legend__title" id="{{ m.id }}-legend">{% translate "Legend" %}</p>
      <ul class="map-legend" aria-labelledby="{{ m.id }}-legend">{% for item in m.legend %}
        <li><svg class="map-legend__swatch" width="28" height="18" aria-hidden="true" focusable="false"><rect x="1" y="1" width="26" height="16" fill="url(#{{ m.id }}-{{ item.band }})"/></svg>
          <span>{{ item.label|capfirst }} <span class="note">({% blocktranslate count counter=item.count %}{{ counter }} county{% plural %}{{ counter }} counties{% endblocktranslate %})</span></span></li>{% endfor %}{% if m.current %}
        <li><svg class="map-legend__swatch" width="28" height="18" aria-hidden="true" focusable="false"><rect class="map-legend__current" x="2" y="2" width="24" height="14" fill="url(#{{ m.id }}-{{ m.current.band }})"/></svg>
          <span>{% blocktranslate with county=m.current.name %}Thick outline: {{ county }}{% endblocktranslate %}</span></li>{% endif %}
      </ul>
      <p class="note">{% translate "Every county on the map is a link to its page." %}{% if m.table == "below" %} {% translate "The table below gives the same figures." %}{% elif m.table == "elsewhere" %} <a href="{% url "portal:county_list" %}">{% translate "All counties in a table" %}</a>{% endif %}</p>
      <p class="map-attribution" lang="pl">{{ m.attribution }}</p>
    </div>
  </div>
  {% if m.table == "details" %}
  <details class="chart-data">
    <summary>{% translate "The map as a table" %}</summary>
    <div class="table-wrap" role="region" aria-labelledby="{{ m.id }}-caption" tabindex="0">
    <table>
      <caption id="{{ m.id }}-caption">{{ m.title|capfirst }}</caption>
      <thead><tr>
        <th scope="col">{% translate "County" %}</th>
        <th scope="col">{% translate "Part in the programme" %}</th>
        <th scope="col" class="num">{% translate "Workshop cycles" %}</th>
        <th scope="col">{% translate "Programme editions" %}</th>
      </tr></thead>
      <tbody>{% map_table_rows m %}
      </tbody>
    </table>
    </div>
  </details>
  {% endif %}
</figure>
{% endwith %}
"""  # noqa: E501

HOSTILE = '<b>"Mapa"</b> & <script>x</script>'


@pytest.mark.parametrize("language", ["pl", "en"])
def test_the_maps_figure_is_the_template(language):
    plocki = County.objects.get(slug="plocki")
    with translation.override(language):
        maps = [
            county_map(voivodeship=MAZOVIA),
            county_map(voivodeship=MAZOVIA, table="below"),
            county_map(voivodeship=MAZOVIA, current=plocki, table="elsewhere"),
            county_map(voivodeship=MAZOVIA, current=plocki, map_id="other-map"),
        ]
        hostile = dataclasses.replace(maps[2], title=HOSTILE, attribution=HOSTILE)
        hostile = dataclasses.replace(
            hostile, current=dataclasses.replace(hostile.current, name=HOSTILE)
        )
        for m in [*maps, hostile]:
            context = Context({"county_map": m})
            new = Template("{% load map_rows %}{% county_map_figure county_map %}\n").render(
                context
            )
            assert new == Template(OLD_FIGURE).render(context)
        assert "&lt;script&gt;" in new and "<script>" not in new
