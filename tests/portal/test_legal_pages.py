"""The pages a Polish public body's site must have: the accessibility declaration, the
privacy notice and the contact page, in both languages, with the operator's details from
settings; and the deploy check that names the placeholders still in place."""

from __future__ import annotations

import re

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import override_settings

from portal.legal import check_operator_details

pytestmark = pytest.mark.django_db

PAGES = {
    "accessibility": ("/deklaracja-dostepnosci/", "/en/accessibility/"),
    "privacy": ("/ochrona-danych/", "/en/privacy/"),
    "contact": ("/kontakt/", "/en/contact/"),
}
OPERATOR = {
    "OPERATOR_NAME": "Wojewódzki Urząd Pracy w Warszawie",
    "OPERATOR_EMAIL": "wup@example.org",
    "OPERATOR_URL": "https://wup.example.org/",
    "OPERATOR_ADDRESS": "ul. Młynarska 16, 01-205 Warszawa",
    "OPERATOR_PHONE": "+48 22 578 44 00",
    "OPERATOR_DPO_EMAIL": "iod@example.org",
    "ACCESSIBILITY_CONTACT_NAME": "Jan Kowalski",
    "ACCESSIBILITY_PUBLISHED": "2024-05-06",
    "ACCESSIBILITY_UPDATED": "2026-11-30",
    "ACCESSIBILITY_BUILDINGS_URL": "https://wup.example.org/dostepnosc",
}


@pytest.mark.parametrize("path", [path for pair in PAGES.values() for path in pair])
def test_every_page_opens_and_is_linked_from_the_footer_in_its_language(client, path):
    response = client.get(path)
    assert response.status_code == 200
    home = "/en/" if path.startswith("/en/") else "/"
    footer = client.get(home).content.decode().split('class="site-footer"')[1]
    assert f'href="{path}"' in footer
    footer = response.content.decode().split('class="site-footer"')[1]
    assert f'href="{path}" aria-current="page"' in footer


@override_settings(**OPERATOR)
def test_the_declaration_follows_the_statutory_template(client):
    html = client.get("/deklaracja-dostepnosci/").content.decode()
    assert "<h1>Deklaracja dostępności</h1>" in html
    for element in (
        "a11y-wstep",
        "a11y-podmiot",
        "a11y-url",
        "a11y-data-publikacja",
        "a11y-data-aktualizacja",
        "a11y-status",
        "a11y-data-sporzadzenie",
        "a11y-kontakt",
        "a11y-osoba",
        "a11y-email",
        "a11y-telefon",
        "a11y-procedura",
        "a11y-architektura",
    ):
        assert f'id="{element}"' in html, element
    assert '<time datetime="2024-05-06" id="a11y-data-publikacja">' in html
    assert '<time datetime="2026-11-30" id="a11y-data-aktualizacja">' in html
    assert "Wojewódzki Urząd Pracy w Warszawie" in html
    assert "Jan Kowalski" in html and "+48 22 578 44 00" in html
    assert "ustawą z dnia 4 kwietnia 2019" in html or "4 kwietnia 2019" in html
    assert "axe-core" in html and "klawiatur" in html
    assert "Rzecznik" in html and "7 dni" in html
    assert "https://wup.example.org/dostepnosc" in html
    english = client.get("/en/accessibility/").content.decode()
    assert "<h1>Accessibility declaration</h1>" in english
    assert "Commissioner for Human Rights" in english


@override_settings(ATTENDEE_RETENTION_YEARS=7, **OPERATOR)
def test_the_privacy_notice_names_controller_basis_retention_rights_and_officer(client):
    html = client.get("/ochrona-danych/").content.decode()
    assert "Wojewódzki Urząd Pracy w Warszawie" in html
    assert 'href="mailto:iod@example.org"' in html
    assert "art. 6 ust. 1 lit. e" in html and "art. 6 ust. 1 lit. a" in html
    assert re.search(r"\b7 lat\b", html)
    assert "Prezesa Urzędu Ochrony Danych Osobowych" in html
    english = client.get("/en/privacy/").content.decode()
    assert "7 years after the end" in english
    assert "article 15" in english


def test_placeholders_show_while_the_operator_is_unset(client):
    html = client.get("/en/accessibility/").content.decode()
    assert "not set (ACCESSIBILITY_PUBLISHED)" in html
    assert "OPERATOR_NAME" in html  # the default name says it is unset


@override_settings(**OPERATOR)
def test_contact_page_gives_the_operator(client):
    html = client.get("/kontakt/").content.decode()
    assert "<address" in html and "ul. Młynarska 16, 01-205 Warszawa" in html
    assert 'href="mailto:wup@example.org"' in html


def test_the_pages_are_in_the_sitemap(client):
    xml = client.get("/sitemap-pages.xml").content.decode()
    for polish, english in PAGES.values():
        assert f"http://testserver{polish}" in xml
        assert f"http://testserver{english}" in xml


def test_deploy_check_names_every_placeholder_until_set():
    messages = check_operator_details()
    assert [message.id for message in messages] == ["portal.W001"]
    for name in ("OPERATOR_ADDRESS", "OPERATOR_DPO_EMAIL", "ACCESSIBILITY_PUBLISHED"):
        assert name in messages[0].msg
    with override_settings(**OPERATOR):
        assert check_operator_details() == []
    with override_settings(**{**OPERATOR, "OPERATOR_PHONE": ""}):
        assert "OPERATOR_PHONE" in check_operator_details()[0].msg


def test_deploy_check_refuses_a_date_that_is_not_one():
    with override_settings(**{**OPERATOR, "ACCESSIBILITY_UPDATED": "30.11.2026"}):
        assert [message.id for message in check_operator_details()] == ["portal.E001"]
        with pytest.raises(SystemCheckError):
            call_command("check", "--deploy", "--tag", "security", "--fail-level", "ERROR")
