"""What the data package (``opendata.package``) and the DCAT-AP catalogue
(``opendata.dcat``) both say about the open data: its title, description and keywords in
Polish and English, its publisher, and the stable addresses of its files.

Both documents are the same whatever the language of the address they are read at (like
the data files): every text in both languages, every address the Polish one.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

LANGUAGES = ("pl", "en")
# The period the records cover.
PERIOD = (datetime.date(2003, 1, 1), datetime.date(2017, 12, 31))

TITLE = _("Local Partnership programme in Mazovia (2003–2017): open data")
DESCRIPTION = _(
    "The records of the Local Partnership programme (Partnerstwo Lokalne) of the regional "
    "labour office of Mazovia and the county labour offices, 2003–2017: programme "
    "editions, partnership agreements, workshop cycles and their sessions, events, "
    "project ideas and counties, with the documents they come from. No personal data of "
    "attendees, only counts."
)
KEYWORDS = (
    _("local partnership"),
    _("labour market"),
    _("Mazovia"),
    _("counties"),
    _("workshops"),
    _("project ideas"),
)


def in_languages(text: Promise | str) -> dict[str, str]:
    """``{"pl": text in Polish, "en": text in English}``."""
    result = {}
    for language in LANGUAGES:
        with translation.override(language):
            result[language] = str(text)
    return result


def keywords() -> dict[str, list[str]]:
    """``{"pl": [...], "en": [...]}``."""
    translated = [in_languages(keyword) for keyword in KEYWORDS]
    return {language: [keyword[language] for keyword in translated] for language in LANGUAGES}


@dataclass(frozen=True)
class Operator:
    name: str
    email: str
    url: str


def operator() -> Operator:
    """The portal's operator, the publisher of the data (``OPERATOR_*`` settings)."""
    return Operator(settings.OPERATOR_NAME, settings.OPERATOR_EMAIL, settings.OPERATOR_URL)


def absolute_url(request, name: str, **kwargs) -> str:
    """The absolute address of a URL pattern, always the Polish one (stable identifiers)."""
    with translation.override("pl"):
        return request.build_absolute_uri(reverse(name, kwargs=kwargs or None))


def iso_datetime(moment: datetime.datetime | None) -> str | None:
    """UTC, to the second, ``2026-11-25T00:00:00Z``."""
    if moment is None:
        return None
    return moment.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
