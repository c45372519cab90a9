"""No attendee's personal data on any public page, feed, export or error page.

An attendee with a unique name, e-mail, phone and organisation is planted in a cycle of
the records, with attendance and a certificate. Then every same-site link found from the
home page is followed, in both languages (pages, project pages, open-data downloads,
sitemap.xml, robots.txt, a 404 page), and none of it may appear anywhere; then every answer
of the API (/api/v1/) and every address its answers link to, in both languages.
"""

from __future__ import annotations

import datetime
import json
from collections import Counter, deque
from html.parser import HTMLParser
from urllib.parse import unquote, urljoin, urlsplit

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import translation

from tests.records import PLOCK_2017
from workshops.models import Attendance, Attendee, Certificate, Session, WorkshopCycle

pytestmark = pytest.mark.django_db

NAME = "Zenobia Qwxyzowska"
EMAIL = "zenobia.qwxyz@example.org"
PHONE = "+48 601 234 987"
ORGANISATION = "Fundacja Qwxyz Prywatna"

PAGE_CAP = 1500  # pages in all
VARIANTS_PER_PATH = 4  # query-string variants of one path (filters, pages)
SKIP_PREFIXES = ("/static/", "/media/", "/admin/", "/en/admin/", "/i18n/")


def needles() -> list[str]:
    """Every form in which the planted data could leak."""
    forms = [NAME, EMAIL, PHONE, ORGANISATION]
    forms += ["Qwxyzowska", "Qwxyz", "zenobia.qwxyz", "601 234 987", "601234987"]
    forms += [json.dumps(value)[1:-1] for value in (NAME, ORGANISATION)]
    forms += [EMAIL.replace("@", "&#64;"), EMAIL.replace("@", "%40")]
    return forms


class LinkParser(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("a", "link") and attrs.get("href"):
            self.hrefs.append(attrs["href"])
        if tag == "form" and (attrs.get("method") or "get").lower() == "get":
            self.hrefs.append(attrs.get("action") or "")


def same_site_path(base: str, href: str) -> str | None:
    """The path and query of ``href`` (relative to ``base``) on this site, or None."""
    if href.startswith(("mailto:", "tel:", "javascript:", "#")):
        return None
    target = urlsplit(urljoin(f"http://testserver{base}", href))
    if target.scheme not in ("http", "https") or target.netloc != "testserver":
        return None
    if target.path.startswith(SKIP_PREFIXES):
        return None
    return target.path + (f"?{target.query}" if target.query else "")


@pytest.fixture
def planted_attendee():
    cycle = WorkshopCycle.objects.get(slug=PLOCK_2017)
    attendee = Attendee.objects.create(
        cycle=cycle,
        full_name=NAME,
        email=EMAIL,
        phone=PHONE,
        organisation_name=ORGANISATION,
        sector="ngo",
        consent_note=f"Zgoda: {NAME}, {EMAIL}",
    )
    for session in Session.objects.filter(cycle=cycle):
        Attendance.objects.create(attendee=attendee, session=session)
    Certificate.objects.create(
        attendee=attendee,
        cycle=cycle,
        number="PL/1419/2017/QWXYZ",
        issued_on=datetime.date(2017, 12, 7),
        issued_by="Starosta Powiatu Płockiego",
    )
    cache.clear()
    yield attendee
    cache.clear()


def body_of(response) -> str:
    if getattr(response, "streaming", False):
        content = b"".join(response.streaming_content)
    else:
        content = response.content
    return content.decode("utf-8", errors="replace")


def crawl(client, starts: list[str]) -> dict[str, tuple[int, str, str]]:
    """Breadth-first over same-site links; returns path -> (status, content type, body)."""
    seen: dict[str, tuple[int, str, str]] = {}
    variants: Counter[str] = Counter()
    queue = deque(starts)
    queued = set(starts)
    while queue and len(seen) < PAGE_CAP:
        path = queue.popleft()
        response = client.get(path)
        content_type = response.get("Content-Type", "")
        body = body_of(response)
        seen[path] = (response.status_code, content_type, body)
        found: list[str] = []
        if response.status_code in (301, 302, 303, 307, 308):
            found.append(response["Location"])
        elif "html" in content_type:
            parser = LinkParser()
            parser.feed(body)
            found += parser.hrefs
        elif "xml" in content_type:  # the sitemap
            found += [unquote(chunk.split("</loc>")[0]) for chunk in body.split("<loc>")[1:]]
        for href in found:
            target = same_site_path(path, href)
            if target is None or target in queued:
                continue
            bare = target.split("?")[0]
            if "?" in target:
                if variants[bare] >= VARIANTS_PER_PATH:
                    continue
                variants[bare] += 1
            queued.add(target)
            queue.append(target)
    return seen


def test_no_personal_data_on_any_public_url(client, planted_attendee):
    with translation.override("pl"):
        home_pl = reverse("portal:home")
    with translation.override("en"):
        home_en = reverse("portal:home")
    starts = [
        home_pl,
        home_en,
        "/sitemap.xml",
        "/robots.txt",
        "/nie-ma-takiej-strony/",
        "/en/no-such-page/",
    ]
    pages = crawl(client, starts)

    leaks = [
        (path, needle)
        for path, (_status, _type, body) in pages.items()
        for needle in needles()
        if needle.lower() in body.lower()
    ]
    assert leaks == []

    # The crawl reached what it should: both languages, every kind of public page,
    # the cycle with the planted attendee (which counts her), and no server errors.
    errors = {path: status for path, (status, _t, _b) in pages.items() if status >= 500}
    assert errors == {}
    assert pages["/nie-ma-takiej-strony/"][0] == 404
    assert pages["/en/no-such-page/"][0] == 404
    reached = set(pages)
    with translation.override("en"):
        for lang in ("pl", "en"):
            with translation.override(lang):
                expected = [
                    reverse("portal:county_list"),
                    reverse("portal:county_detail", kwargs={"slug": "plocki"}),
                    reverse("portal:programme_list"),
                    reverse("portal:source_list"),
                    reverse("workshops:cycle_detail", kwargs={"slug": PLOCK_2017}),
                    reverse("projects:list"),
                    reverse("projects:detail", kwargs={"slug": "dowozik"}),
                    reverse("opendata:index"),
                ]
            assert set(expected) <= reached, set(expected) - reached
    with translation.override("en"):
        cycle_page = reverse("workshops:cycle_detail", kwargs={"slug": PLOCK_2017})
        opendata = reverse("opendata:index")
    assert "<dt>Registered attendees</dt><dd>1</dd>" in pages[cycle_page][2]
    assert "<dt>Certificates issued</dt><dd>1</dd>" in pages[cycle_page][2]
    # Open-data downloads (anything linked from the open-data page that is not HTML).
    downloads = [
        path
        for path, (status, content_type, _b) in pages.items()
        if status == 200 and "html" not in content_type and path.startswith(opendata)
    ]
    assert downloads, "no open-data download was reached"
    assert len(pages) < PAGE_CAP, "the crawl hit its cap; raise it or narrow the variants"


def test_planted_attendee_is_in_the_data(planted_attendee):
    """Guards the crawl above: the needles do exist in the database."""
    attendee = Attendee.objects.get(pk=planted_attendee.pk)
    assert (attendee.full_name, attendee.email, attendee.phone) == (NAME, EMAIL, PHONE)
    assert attendee.attendances.count() == 6
    assert Certificate.objects.valid().filter(attendee=attendee).count() == 1


def json_links(value) -> list[str]:
    """Every address of this site in a JSON answer (links between resources, pages)."""
    if isinstance(value, dict):
        return [link for item in value.values() for link in json_links(item)]
    if isinstance(value, list):
        return [link for item in value for link in json_links(item)]
    if isinstance(value, str) and value.startswith("http://testserver/"):
        return [value]
    return []


def crawl_api(client, starts: list[str], language: str) -> dict[str, tuple[int, str]]:
    """Breadth-first over the API's answers and every API address they link to."""
    seen: dict[str, tuple[int, str]] = {}
    queue, queued = deque(starts), set(starts)
    while queue and len(seen) < PAGE_CAP:
        path = queue.popleft()
        response = client.get(path, HTTP_ACCEPT_LANGUAGE=language)
        body = body_of(response)
        seen[path] = (response.status_code, body)
        if "json" not in response.get("Content-Type", "") or response.status_code != 200:
            continue
        for link in json_links(json.loads(body)):
            target = same_site_path(path, link)
            if target is None or target in queued or not target.startswith("/api/"):
                continue
            queued.add(target)
            queue.append(target)
    return seen


def test_no_personal_data_in_any_api_answer(client, planted_attendee, settings, report):
    """Every list (each of its pages, each filtered list a record links to) and every
    record of the API, in both languages, the description and the documentation page."""
    settings.API_ANON_RATE = "1000000/m"
    starts = [
        "/api/v1/",
        "/api/v1/schema/",
        "/api/v1/schema/?lang=en",
        "/api/v1/docs/",
        "/api/v1/docs/?lang=en",
        "/api/v1/no-such-thing/",
        # Small pages, so that every list's "next" links are followed too.
        *(f"/api/v1/{kind}/?page_size=2" for kind in ("projects", "cycles", "sessions")),
    ]
    answers = {}
    for language in ("pl", "en"):
        for path, answer in crawl_api(client, starts, language).items():
            answers[f"{language} {path}"] = answer
    leaks = [
        (path, needle)
        for path, (_status, body) in answers.items()
        for needle in needles()
        if needle.lower() in body.lower()
    ]
    assert leaks == []
    errors = {path: status for path, (status, _body) in answers.items() if status >= 500}
    assert errors == {}
    assert len(answers) < 2 * PAGE_CAP
    # It reached every kind of record, the pages of the lists, the planted attendee's
    # cycle (which counts her, and only counts her) and its sessions.
    reached = {path.split(" ", 1)[1].split("?")[0] for path in answers}
    for kind in ("projects", "cycles", "events", "agreements", "counties", "editions"):
        assert any(
            path.startswith(f"/api/v1/{kind}/") and path.count("/") == 5 for path in reached
        ), kind
    assert {"/api/v1/themes/transport/", "/api/v1/sources/001-da457f450f78d650/"} <= reached
    assert any("page=2" in path for path in answers)
    cycle = json.loads(answers["pl /api/v1/cycles/wlosg-2017-plocki/"][1])
    assert (cycle["attendees_registered"], cycle["certificates_valid"]) == (1, 1)
    session = json.loads(answers["en /api/v1/cycles/wlosg-2017-plocki/sessions/1/"][1])
    assert session["attendance_registered"] == 1
    report([f"privacy crawl of the API: {len(answers)} answers (pl and en), 0 leaks"])
