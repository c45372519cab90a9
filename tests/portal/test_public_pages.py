"""Public pages with the Mazovian records: content, accessibility basics, query counts."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse
from django.utils import translation

from programmes.facts import Figure, Precision, sum_figures
from programmes.models import County, ProgrammeEvent, Source
from projects.models import ProjectIdea, Status
from tests.helpers import count_queries
from tests.records import LOSICE_2003, PLOCK, PLOCK_2017, PROGRAMME_2003, PROGRAMME_2017
from workshops.models import Session, WorkshopCycle

pytestmark = pytest.mark.django_db

PLOCKI_CYCLE = PLOCK_2017
SERPELICE = "2005-05-17-spotkanie-w-serpelicach"
SOURCE_2017 = "001-da457f450f78d650"


def url(name, lang="pl", **kwargs):
    with translation.override(lang):
        return reverse(name, kwargs=kwargs or None)


# (URL name, kwargs) of every page this app serves, with records that exist.
PAGES = [
    ("portal:home", {}),
    ("portal:county_list", {}),
    ("portal:county_detail", {"slug": "plocki"}),
    ("portal:county_detail", {"slug": "losicki"}),
    ("portal:county_detail", {"slug": "radomski"}),  # took no part
    ("portal:programme_list", {}),
    ("portal:programme_detail", {"slug": PROGRAMME_2003}),
    ("portal:programme_detail", {"slug": PROGRAMME_2017}),
    ("portal:event_detail", {"slug": SERPELICE}),
    ("portal:event_detail", {"slug": "szkolenie-pracownikow-pup-w-plocku"}),
    ("portal:source_list", {}),
    ("portal:source_detail", {"slug": SOURCE_2017}),
    ("portal:source_detail", {"slug": "003-440399db2bdf33c2"}),
    ("workshops:cycle_list", {}),
    ("workshops:cycle_detail", {"slug": PLOCKI_CYCLE}),
    ("workshops:cycle_detail", {"slug": LOSICE_2003}),
]


class PageParser(HTMLParser):
    """Collects what the accessibility checks need from a page."""

    def __init__(self):
        super().__init__()
        self.headings: list[int] = []
        self.tables = 0
        self.captions = 0
        self.ids: list[str] = []
        self.links: list[dict] = []
        self.assets: list[str] = []
        self.html_lang = None
        self.canonical = None
        self.description = None
        self.scripts = 0
        self.labels_for: set[str] = set()
        self.controls: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids.append(attrs["id"])
        if re.fullmatch(r"h[1-6]", tag):
            self.headings.append(int(tag[1]))
        elif tag == "table":
            self.tables += 1
        elif tag == "caption":
            self.captions += 1
        elif tag == "a":
            self.links.append(attrs)
        elif tag == "html":
            self.html_lang = attrs.get("lang")
        elif tag == "link":
            if attrs.get("rel") == "canonical":
                self.canonical = attrs.get("href")
            if attrs.get("rel") in ("stylesheet", "icon"):
                self.assets.append(attrs["href"])
        elif tag == "meta" and attrs.get("name") == "description":
            self.description = attrs.get("content")
        elif tag == "script":
            self.scripts += 1
        elif tag == "img":
            self.assets.append(attrs.get("src", ""))
        elif tag == "label" and attrs.get("for"):
            self.labels_for.add(attrs["for"])
        elif tag in ("input", "select", "textarea") and attrs.get("type") != "hidden":
            self.controls.append(attrs.get("id", ""))


def parse(response) -> PageParser:
    parser = PageParser()
    parser.feed(response.content.decode())
    return parser


# --------------------------------------------------------------------------------------
# Every page, both languages
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["pl", "en"])
@pytest.mark.parametrize(("name", "kwargs"), PAGES)
def test_page_renders_accessibly(client, name, kwargs, lang):
    address = url(name, lang, **kwargs)
    response = client.get(address)
    assert response.status_code == 200
    page = parse(response)
    assert page.html_lang == lang
    # One h1, and headings never skip a level.
    assert page.headings[0] == 1 and page.headings.count(1) == 1
    assert all(b - a <= 1 for a, b in zip(page.headings, page.headings[1:], strict=False))
    assert page.tables == page.captions
    assert len(page.ids) == len(set(page.ids)), "duplicate ids"
    assert page.canonical == f"http://testserver{address}"
    assert page.description and len(page.description) > 40
    # Skip link to the main landmark, no JavaScript, every asset from our static files.
    assert b'href="#main"' in response.content and b'<main id="main"' in response.content
    assert page.scripts == 0
    assert page.assets and all(asset.startswith("/static/") for asset in page.assets)
    assert set(page.controls) <= page.labels_for
    # The language switcher: plain links to this page in each language.
    switcher = {link["hreflang"]: link for link in page.links if "hreflang" in link}
    assert switcher["pl"]["href"] == url(name, "pl", **kwargs)
    assert switcher["en"]["href"] == url(name, "en", **kwargs)
    assert switcher[lang].get("aria-current") == "true"
    assert "public" in response["Cache-Control"]


def test_main_navigation_links(client):
    response = client.get(url("portal:home", "en"))
    content = response.content.decode()
    for name in (
        "projects:list",
        "portal:county_list",
        "portal:programme_list",
        "portal:source_list",
        "opendata:index",
    ):
        assert f'href="{url(name, "en")}"' in content
    assert 'aria-current="page">Home</a>' in content


def test_language_switcher_keeps_the_query_string(client):
    response = client.get(url("portal:county_list", "en") + "?took_part=1")
    assert f'href="{url("portal:county_list", "pl")}?took_part=1"'.encode() in (response.content)


def test_canonical_drops_the_query_string(client):
    address = url("portal:county_list", "en")
    page = parse(client.get(address + "?took_part=1"))
    assert page.canonical == f"http://testserver{address}"


# --------------------------------------------------------------------------------------
# Content from the records
# --------------------------------------------------------------------------------------


def test_home_headline_figures_are_honest(client):
    content = client.get(url("portal:home", "en")).content.decode()
    assert '<span class="figure">16</span> counties took part' in content
    assert '<span class="figure">18</span> workshop cycles' in content
    # The 2003–2010 cycles do not record the sessions they held.
    assert '<span class="figure">at least 12</span> sessions held' in content
    # 6 × ok. 100 in płocki and 6 × ok. 200 in łosicki.
    assert '<span class="figure">approx. 1800</span> participants as reported' in content
    assert "known for 2 of 18 cycles" in content
    assert '<span class="figure">13</span> project ideas' in content
    assert '<span class="figure">7</span> projects selected for implementation' in content


def test_home_headline_figures_in_polish(client):
    content = client.get(url("portal:home", "pl")).content.decode()
    with translation.override("pl"):
        assert f'<span class="figure">{Figure(12, Precision.AT_LEAST)}</span>' in content
        assert f'<span class="figure">{Figure(1800, Precision.APPROXIMATE)}</span>' in content


def test_home_highlights_adopted_projects(client):
    content = client.get(url("portal:home", "en")).content.decode()
    section = content.split('id="projects-heading"')[1].split("</section>")[0]
    adopted = ProjectIdea.objects.adopted()
    assert section.count("<h3>") == min(6, adopted.count())
    for idea in ProjectIdea.objects.exclude(status__in=[s for s in Status if s != "proposed"]):
        assert idea.title not in section
    assert url("projects:detail", "en", slug=adopted.order_by("title")[0].slug) in section


def test_home_timeline_orders_by_date_with_unknown_dates_last(client):
    content = client.get(url("portal:home", "en")).content.decode()
    timeline = content.split('<ol class="timeline">')[1].split("</ol>")[0]
    items = re.findall(
        r'<span class="when">([^<]*)</span>\s*<span class="tag">'
        r"(?:<svg[^>]*>.*?</svg>)?([^<]*)</span>",  # the kind's icon, then its name
        timeline,
    )
    kinds = {tag for _when, tag in items}
    assert {"Agreement", "Workshop cycles", "Presentation of the programme"} <= kinds
    # Agreements and events one by one; the cycles counted per period: the sixteen
    # dated only 2003–2010, and the two of 2017.
    assert len(items) == ProgrammeEvent.objects.count() + 2 + 2  # agreements, periods
    assert items[0] == ("2003–2010", "Workshop cycles")
    assert items[-1] == ("date unknown", "Training")
    whens = [when for when, _tag in items]
    # The Płock agreement of 18 November 2003 after the cycles dated only 2003–2010.
    assert whens.index("Nov. 18, 2003") == 1
    assert whens.index("Feb. 16, 2005") < whens.index("May 17, 2005") < whens.index("2017")
    cycles_2003 = url("workshops:cycle_list", "en") + "?year=2003"
    assert f'<a href="{cycles_2003}">16 workshop cycles</a>' in timeline
    assert "in 16 counties" in timeline
    assert f'<a href="{url("workshops:cycle_list", "en")}?year=2017">2 workshop cycles</a>' in (
        timeline
    )


def test_county_page_shows_agreement_parties_and_signatories(client):
    content = client.get(url("portal:county_detail", "en", slug="plocki")).content.decode()
    assert "Porozumienie w zakresie Wdrażania Modelu Partnerstwa Lokalnego" in content
    assert "Nov. 18, 2003" in content
    assert "Adam Struzik, Marszałek Województwa Mazowieckiego" in content
    assert "Michał Boszko, Starosta Powiatu Płockiego" in content
    # Its cycles with their sessions, its events and its project ideas.
    assert 'id="sessions-wlosg-2017-plocki"' in content
    assert "Hotel TiM, Cekanów" in content
    assert "Prezentacja Programu Partnerstwa Lokalnego w Starostwie Powiatowym w Płocku" in content
    for idea in ProjectIdea.objects.filter(county__slug="plocki"):
        assert idea.title in content
    assert "(descriptive title)" in content  # the 2003–2010 cycle
    assert "7 selected for implementation" in content


def test_county_list_shows_what_each_county_took_part_in(client):
    content = client.get(url("portal:county_list", "en")).content.decode()
    assert content.count('<th scope="row">') == County.objects.in_voivodeship("14").count()
    assert PLOCK in content and "Warsztaty Lokalnego Ożywienia Społeczno-Gospodarczego" in content
    only = client.get(url("portal:county_list", "en") + "?took_part=1").content.decode()
    assert only.count('<th scope="row">') == 16
    # The table lists only the counties that took part; the map above it shows them all.
    row = ">radomski county</a></th>"
    assert row in content and row not in only
    assert "radomski county: no record of taking part" in only


def test_programme_page_shows_scheme_counties_events_and_cycles(client):
    content = client.get(url("portal:programme_detail", "en", slug=PROGRAMME_2003)).content.decode()
    assert "pięć Warsztatów Lokalnego Ożywienia Gospodarczego" in content  # the scheme
    assert content.count('href="/en/counties/') >= 16
    assert "Spotkanie dyrektorów Wojewódzkich i Powiatowych Urzędów Pracy" in content
    cycles_table = content.split('id="cycles-caption"')[1].split("</table>")[0]
    assert cycles_table.count("(descriptive title)") == 16
    assert "2003–2010" in content


def test_cycle_page_shows_sessions_ideas_and_counts(client):
    content = client.get(url("workshops:cycle_detail", "en", slug=PLOCKI_CYCLE)).content.decode()
    for roman in ("I", "II", "III", "IV", "V", "VI"):
        assert f'<th scope="row">{roman}<span' in content
    assert "May 25, 2017" in content and "Dec. 7, 2017" in content
    assert content.count("approx. 100") == 6
    assert "Hotel TiM, Cekanów" in content
    assert "<dt>Sessions held</dt><dd>6" in content
    assert "<dt>Certificates issued</dt><dd>none registered on this portal</dd>" in content
    for idea in ProjectIdea.objects.filter(cycle__slug=PLOCKI_CYCLE):
        assert idea.title in content
    assert url("portal:source_detail", "en", slug="002-00598d97bf5542ff") in content


def test_cycle_page_counts_valid_certificates_and_attendees_only(client):
    from workshops.models import Attendee, Certificate

    cycle = WorkshopCycle.objects.get(slug=PLOCKI_CYCLE)
    first, second = (
        Attendee.objects.create(cycle=cycle, full_name=name) for name in ("Aaa Bbb", "Ccc Ddd")
    )
    Certificate.objects.create(
        attendee=first, cycle=cycle, number="C/1", issued_on="2017-12-07", issued_by="X"
    )
    Certificate.objects.create(
        attendee=second,
        cycle=cycle,
        number="C/2",
        issued_on="2017-12-07",
        issued_by="X",
        revoked_at="2018-01-01T00:00:00Z",
    )
    content = client.get(url("workshops:cycle_detail", "en", slug=PLOCKI_CYCLE)).content.decode()
    assert "<dt>Registered attendees</dt><dd>2</dd>" in content
    assert "<dt>Certificates issued</dt><dd>1</dd>" in content
    assert "Aaa Bbb" not in content and "C/1" not in content


def test_descriptive_cycle_with_unknown_period(client):
    content = client.get(url("workshops:cycle_detail", "en", slug=LOSICE_2003)).content.decode()
    assert "Descriptive title" in content
    assert "<dt>Period</dt><dd>2003–2010</dd>" in content
    assert "<dt>Sessions held</dt><dd>unknown" in content
    assert "No sessions of this cycle are on record." in content


def test_event_page(client):
    content = client.get(url("portal:event_detail", "en", slug=SERPELICE)).content.decode()
    assert "Serpelice" in content and "May 17, 2005" in content
    assert "mazowieckie" in content and "podlaskie" in content and "łódzkie" in content
    idea = ProjectIdea.objects.get(event__slug=SERPELICE)
    assert idea.title in content
    promo = client.get(
        url(
            "portal:event_detail",
            "en",
            slug="2005-spotkania-promocyjne-w-gminach-powiatu-plockiego",
        )
    ).content.decode()
    assert "more than 1000" in promo and "approx. 30%" in promo


def test_every_record_links_to_its_sources(client):
    source = Source.objects.get(slug=SOURCE_2017)
    source_url = url("portal:source_detail", "en", slug=source.slug)
    for name, kwargs in [
        ("workshops:cycle_detail", {"slug": PLOCKI_CYCLE}),
        ("portal:programme_detail", {"slug": PROGRAMME_2017}),
        ("portal:county_detail", {"slug": "losicki"}),
    ]:
        assert source_url in client.get(url(name, "en", **kwargs)).content.decode()
    content = client.get(source_url).content.decode()
    assert "Jolanta Wanielista" in content
    assert url("workshops:cycle_detail", "en", slug=PLOCKI_CYCLE) in content
    assert url("portal:programme_detail", "en", slug=PROGRAMME_2017) in content
    assert "#agreement-2017-umowa-partnerstwa-powiat-losicki" in content
    sources = client.get(url("portal:source_list", "en")).content.decode()
    assert sources.count('<th scope="row">') == Source.objects.count()


def test_english_plural_forms(client):
    content = client.get(url("portal:county_detail", "en", slug="losicki")).content.decode()
    assert "1 agreement," in content
    assert "5 project ideas" in content


def test_polish_pages_use_polish_dates(client):
    content = client.get(url("workshops:cycle_detail", "pl", slug=PLOCKI_CYCLE)).content.decode()
    assert "7 grudnia 2017" in content
    assert 'lang="pl"' in content


# --------------------------------------------------------------------------------------
# Sitemap, robots.txt, error pages
# --------------------------------------------------------------------------------------


def test_sitemap_lists_pages_in_both_languages(client):
    response = client.get("/sitemap.xml")  # the index of the sections' sitemaps
    assert response.status_code == 200
    sections = re.findall(r"<loc>http://testserver(/sitemap-[a-z]+\.xml)</loc>", response.text)
    assert len(sections) == 7
    content = ""
    for section in sections:
        page = client.get(section)
        assert page.status_code == 200
        content += page.content.decode()
    for lang in ("pl", "en"):
        assert f"<loc>http://testserver{url('portal:home', lang)}</loc>" in content
        assert (
            f"http://testserver{url('workshops:cycle_detail', lang, slug=PLOCKI_CYCLE)}</loc>"
            in content
        )
    assert 'hreflang="en"' in content and 'hreflang="x-default"' in content
    idea = ProjectIdea.objects.first()
    assert url("projects:detail", "en", slug=idea.slug) in content


def test_robots_txt(client):
    response = client.get("/robots.txt")
    assert response["Content-Type"].startswith("text/plain")
    assert "Sitemap: http://testserver/sitemap.xml" in response.content.decode()
    assert "Disallow: /admin/" in response.content.decode()


@pytest.mark.parametrize("lang", ["pl", "en"])
def test_friendly_404(client, lang):
    prefix = "/en" if lang == "en" else ""
    response = client.get(f"{prefix}/no-such-page-<script>/")
    assert response.status_code == 404
    page = parse(response)
    assert page.html_lang == lang
    assert "<script>" not in response.content.decode()
    assert page.headings[0] == 1
    if lang == "en":
        assert "Page not found" in response.content.decode()
    # The language switcher leads to the home page of each language.
    switcher = {link["hreflang"]: link["href"] for link in page.links if "hreflang" in link}
    assert switcher == {"pl": "/", "en": "/en/"}


def test_unknown_record_is_404(client):
    response = client.get(url("portal:county_detail", "en", slug="nowhere"))
    assert response.status_code == 404
    assert b"Page not found" in response.content


def test_friendly_500(rf):
    from portal.errors import server_error

    with translation.override("en"):
        response = server_error(rf.get("/en/"))
    assert response.status_code == 500
    assert b"Something went wrong on our side" in response.content
    assert b'<html lang="en">' in response.content


def test_only_get_and_head(client):
    assert client.post(url("portal:home", "en")).status_code == 405
    assert client.head(url("portal:home", "en")).status_code == 200


# --------------------------------------------------------------------------------------
# Figures
# --------------------------------------------------------------------------------------

E, A, M, L = Precision.EXACT, Precision.APPROXIMATE, Precision.MORE_THAN, Precision.AT_LEAST


@pytest.mark.parametrize(
    ("parts", "total"),
    [
        ([], Figure(0)),
        ([Figure(None), Figure(None)], Figure(None)),
        ([Figure(6), Figure(6)], Figure(12)),
        ([Figure(6), Figure(6), Figure(None)], Figure(12, L)),
        ([Figure(100, A), Figure(200, A)], Figure(300, A)),
        ([Figure(100, A), Figure(2)], Figure(102, A)),
        ([Figure(1000, M), Figure(5)], Figure(1005, M)),
        ([Figure(1000, M), Figure(None)], Figure(1000, M)),
        ([Figure(1000, M), Figure(5, L)], Figure(1005, M)),
        ([Figure(10, L), Figure(5)], Figure(15, L)),
        ([Figure(100, A), Figure(None)], Figure(100, L)),
        ([Figure(100, A), Figure(10, M)], Figure(110, L)),
    ],
)
def test_sum_figures(parts, total):
    assert sum_figures(parts) == total
    assert sum_figures(iter(parts)) == total


def test_sum_figures_renders_approximate_and_lower_bounds():
    total = sum_figures([Figure(900, A), Figure(900, A)])
    with translation.override("en"):
        assert str(total) == "approx. 1800"
    with translation.override("en"):
        assert str(sum_figures([Figure(6), Figure(None)])) == "at least 6"


PLANNED, COMPLETED = WorkshopCycle.Status.PLANNED, WorkshopCycle.Status.COMPLETED


@pytest.mark.parametrize(
    ("status", "held", "recorded", "figure"),
    [
        # The number the sources give, whatever is on record.
        (COMPLETED, 6, 2, Figure(6)),
        (PLANNED, 6, 2, Figure(6)),
        (COMPLETED, 0, 3, Figure(0)),
        # None given: the sessions on record as a lower bound, or unknown.
        (COMPLETED, None, 3, Figure(3, L)),
        (WorkshopCycle.Status.IN_PROGRESS, None, 3, Figure(3, L)),
        (COMPLETED, None, 0, Figure(None)),
        # A planned cycle has held what is on record.
        (PLANNED, None, 0, Figure(0)),
        (PLANNED, None, 3, Figure(3)),
    ],
)
def test_held_sessions_figure(status, held, recorded, figure):
    """The one definition of a cycle's sessions held (``with_sessions_figure``), read
    through ``cycle.sessions_figure`` on every page that annotates it."""
    cycle = WorkshopCycle.objects.create(
        slug="figure-cycle",
        programme=WorkshopCycle.objects.get(slug=PLOCKI_CYCLE).programme,
        county=County.objects.get(slug="plocki"),
        title="Cykl",
        status=status,
        sessions_held=held,
    )
    Session.objects.bulk_create(Session(cycle=cycle, ordinal=n) for n in range(1, recorded + 1))
    assert WorkshopCycle.objects.with_sessions_figure().get(pk=cycle.pk).sessions_figure == figure
    assert WorkshopCycle.objects.with_counts().get(pk=cycle.pk).sessions_figure == figure


# --------------------------------------------------------------------------------------
# Query counts do not grow with the number of project ideas
# --------------------------------------------------------------------------------------

# The most queries each page may take (with the records and any number of ideas).
QUERY_BOUNDS = {
    # + the map (3: counties, their editions, the editions' names), the per-year charts
    # (2: cycles and sessions per period), the ideas by status (1) and the videos (1)
    "portal:home": 15,
    "portal:county_list": 3,  # the editions per county in two queries (were four)
    # + the cycles each agreement was concluded in; + the map (3)
    "portal:county_detail": 16,
    "portal:programme_list": 4,
    "portal:programme_detail": 10,  # + the per-year charts (2)
    "portal:event_detail": 6,
    "portal:source_list": 1,
    "portal:source_detail": 9,
    "workshops:cycle_list": 2,
    "workshops:cycle_detail": 7,
    "sitemap": 6,
}

BOUNDED_PAGES = [
    ("portal:home", {}),
    ("portal:county_list", {}),
    ("portal:county_detail", {"slug": "plocki"}),
    ("portal:programme_list", {}),
    ("portal:programme_detail", {"slug": PROGRAMME_2017}),
    ("portal:event_detail", {"slug": SERPELICE}),
    ("portal:source_list", {}),
    ("portal:source_detail", {"slug": SOURCE_2017}),
    ("workshops:cycle_list", {}),
    ("workshops:cycle_detail", {"slug": PLOCKI_CYCLE}),
    ("sitemap", {}),
]


def add_project_ideas(count: int, *, start: int = 0) -> None:
    """``count`` ideas from the płocki cycle (one of its sessions), the Serpelice event,
    citing a source; every third adopted."""
    cycle = WorkshopCycle.objects.get(slug=PLOCKI_CYCLE)
    session = Session.objects.get(cycle=cycle, ordinal=6)
    event = ProgrammeEvent.objects.get(slug=SERPELICE)
    statuses = [Status.PROPOSED, Status.SELECTED, Status.COMPLETED]
    ideas = ProjectIdea.objects.bulk_create(
        ProjectIdea(
            slug=f"volume-{n}",
            title=f"Pomysł {n}",
            goals="Cele",
            cycle=cycle,
            session=session if n % 2 else None,
            event=event if n % 5 == 0 else None,
            county=cycle.county,
            status=statuses[n % 3],
        )
        for n in range(start, start + count)
    )
    source = Source.objects.get(slug=SOURCE_2017)
    through = ProjectIdea.sources.through
    through.objects.bulk_create(
        through(projectidea_id=idea.pk, source_id=source.pk) for idea in ideas
    )


@pytest.mark.parametrize(("name", "kwargs"), BOUNDED_PAGES)
def test_queries_do_not_grow_with_project_ideas(client, name, kwargs):
    address = url(name, "en", **kwargs) if name != "sitemap" else "/sitemap.xml"
    add_project_ideas(5)
    with_5 = count_queries(client, address, fresh=True)
    add_project_ideas(495, start=5)
    assert ProjectIdea.objects.filter(slug__startswith="volume-").count() == 500
    with_500 = count_queries(client, address, fresh=True)
    assert with_5 == with_500
    assert with_500 <= QUERY_BOUNDS[name]


def test_stylesheet_is_local_and_self_contained():
    from pathlib import Path

    from django.contrib.staticfiles import finders

    css = Path(finders.find("css/portal.css")).read_text(encoding="utf-8")
    assert "@import" not in css and "http" not in css
    assert ":focus-visible" in css and ".skip-link:focus" in css
    assert "@media (max-width: 40rem)" in css  # narrow screens down to 320 px


def test_404_has_no_canonical_link(client):
    response = client.get("/en/no-such-page/")
    assert b'rel="canonical"' not in response.content
    assert b'name="robots" content="noindex"' in response.content
