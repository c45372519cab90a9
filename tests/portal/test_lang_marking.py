"""Under /en/, the Polish text of the records is marked ``lang="pl"`` everywhere, so that a
screen reader reads it with Polish pronunciation (WCAG 3.1.2, language of parts).

Every English page of the sitemap is read, and any text with Polish letters that is not
inside an element marked ``lang="pl"`` is reported. Place names (``płocki county``,
``Łosice municipality``) are proper names in an English phrase and are left out, as are
the page's <title> and the meta description, which cannot carry a language of their own.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.utils import translation

from programmes.models import County, Municipality, Voivodeship
from tests.portal.test_html_validity import sitemap_paths

pytestmark = pytest.mark.django_db

POLISH_LETTERS = re.compile(r"[ąćęłńóśźżĄĆĘŁŃÓŚŹŻ]")
VOID = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "source",
    "track",
    "wbr",
    "path",
    "circle",
    "rect",
    "line",
    "polyline",
    "polygon",
    "use",
}
UNMARKED_CONTAINERS = {"script", "style", "title"}


class UnmarkedPolish(HTMLParser):
    def __init__(self, allowed: list[str]):
        super().__init__()
        self.stack: list[tuple[str, str | None]] = []
        self.allowed = allowed
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag not in VOID:
            self.stack.append((tag, dict(attrs).get("lang")))

    def handle_startendtag(self, tag, attrs):
        pass

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        while self.stack and self.stack.pop()[0] != tag:
            pass

    def handle_data(self, data):
        if not POLISH_LETTERS.search(data):
            return
        if any(tag in UNMARKED_CONTAINERS for tag, _ in self.stack):
            return
        languages = [lang for _, lang in self.stack if lang]
        if languages and languages[-1].startswith("pl"):
            return
        text = data
        for name in self.allowed:
            text = text.replace(name, "")
        if POLISH_LETTERS.search(text):
            tags = ">".join(tag for tag, _ in self.stack[-3:])
            self.found.append(f"{tags}: {data.strip()[:70]}")


def test_polish_record_text_on_english_pages_is_marked_as_polish(client):
    with translation.override("en"):
        places = [
            place for model in (County, Municipality, Voivodeship) for place in model.objects.all()
        ]
        names = [str(place) for place in places] + [place.name for place in places]
    names.sort(key=len, reverse=True)
    problems = []
    for path in sitemap_paths(client):
        if not path.startswith("/en/"):
            continue
        parser = UnmarkedPolish(names)
        parser.feed(client.get(path).content.decode())
        problems += [f"{path}: {found}" for found in parser.found]
    assert not problems, f"{len(problems)} unmarked:\n" + "\n".join(problems)
