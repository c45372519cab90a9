"""The portal's identity: a logo mark in the header and as the favicon, icons for the
kinds of record, a print stylesheet, and the promotional videos as cards with a plain
link to YouTube (no embedded player, no length the records do not give)."""

from __future__ import annotations

import re

import pytest
from django.contrib.staticfiles import finders

from portal.templatetags.portal import ICONS, icon, site_name

pytestmark = pytest.mark.django_db


def test_header_carries_the_logo_mark_and_the_favicon_is_the_same_mark(client):
    html = client.get("/").content.decode()
    header = html.split('<header class="site-header">')[1].split("</header>")[0]
    assert re.search(r'<svg class="logo"[^>]*aria-hidden="true"', header)
    assert '<link rel="icon" href="/static/img/favicon.svg" type="image/svg+xml">' in html
    favicon = open(finders.find("img/favicon.svg"), encoding="utf-8").read()
    assert 'cx="16" cy="9.5"' in favicon  # the leading partner of the same mark


def test_icons_are_inline_hidden_and_call_nothing():
    for kind in ICONS:
        markup = icon(kind)
        assert 'aria-hidden="true"' in markup and 'focusable="false"' in markup
        assert "href" not in markup and "http" not in markup.replace(
            'xmlns="http://www.w3.org/2000/svg"', ""
        )
    assert icon("no-such-kind") == ""


def test_record_kinds_show_their_icons(client):
    home = client.get("/en/").content.decode()
    assert home.count('<svg class="icon"') >= 3
    catalogue = client.get("/en/projects/").content.decode()
    assert re.search(r'<h3 id="idea-\d+"><svg class="icon"', catalogue)


def test_print_stylesheet_is_loaded_for_print_only(client):
    html = client.get("/powiaty/plocki/").content.decode()
    assert '<link rel="stylesheet" href="/static/css/print.css" media="print">' in html
    css = open(finders.find("css/print.css"), encoding="utf-8").read()
    assert ".main-nav" in css and "details-content" in css


@pytest.mark.parametrize(
    "url, name",
    [
        ("https://www.youtube.com/watch?v=K9r1gC61Q2c", "YouTube"),
        ("https://youtu.be/K9r1gC61Q2c", "YouTube"),
        ("https://example.org/film", "example.org"),
        ("", ""),
    ],
)
def test_site_name(url, name):
    assert site_name(url) == name


def test_the_two_videos_are_cards_that_link_out_and_embed_nothing(client):
    for path in ("/", "/en/"):
        html = client.get(path).content.decode()
        cards = re.findall(r'<article class="video-card".*?</article>', html, re.S)
        assert len(cards) == 2
        for card in cards:
            assert re.search(
                r'<a href="https://www\.youtube\.com/watch\?v=[\w-]+" rel="external', card
            )
            assert "YouTube" in card
    english = client.get("/en/").content.decode()
    assert "opens YouTube, a site outside this portal" in english
    assert "otwiera serwis YouTube" in client.get("/").content.decode()
    for path in ("/", "/cykle-warsztatow/wlosg-2017-plocki/"):
        html = client.get(path).content.decode()
        assert "<iframe" not in html and "youtube-nocookie" not in html
        # The records give no length: none is shown.
        assert not re.search(r"\d+:\d\d", html.split('class="video-card"')[1][:600])


def test_a_cycle_with_a_video_shows_its_card_and_one_without_does_not(client):
    html = client.get("/en/workshop-cycles/wlosg-2017-losicki/").content.decode()
    assert 'class="video-card"' in html and "qa_Wc8djUvk" in html
    html = client.get("/en/workshop-cycles/wlog-2003-2010-losicki/").content.decode()
    assert 'class="video-card"' not in html
