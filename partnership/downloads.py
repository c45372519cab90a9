"""Names of downloaded files: ASCII, Polish letters transliterated, in an RFC 6266 header.

``slugify`` alone drops "ł" ("płocki" became "pocki"): Unicode has no decomposition for
it, so it is mapped by hand before NFKD strips the accents of the other letters.
Every download of the portal names its file through ``as_download``.
"""

from __future__ import annotations

import unicodedata

from django.http import HttpResponse
from django.utils.http import content_disposition_header
from django.utils.text import slugify

# Letters NFKD leaves whole (they are letters of their own, not letters with accents).
_UNDECOMPOSABLE = str.maketrans({"ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ø": "o", "Ø": "O"})


def transliterate(text: str) -> str:
    """``text`` in ASCII: "Płock" → "Plock", "Żółć" → "Zolc"; other non-ASCII dropped."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_UNDECOMPOSABLE))
    return decomposed.encode("ascii", "ignore").decode("ascii")


def ascii_slug(text: str) -> str:
    """A slug of ``text`` with its Polish letters transliterated ("płocki" → "plocki")."""
    return slugify(transliterate(text))


def as_download(response: HttpResponse, filename: str) -> HttpResponse:
    """Offer ``response`` as a file named ``filename`` (transliterated to ASCII), with the
    header written by Django's RFC 6266 helper (quoting, ``filename*`` where needed)."""
    response["Content-Disposition"] = content_disposition_header(True, transliterate(filename))
    return response


# A spreadsheet reads a cell starting with one of these as a formula ("CSV injection"):
# "=", "+", "-" and "@" start a formula; a tab or carriage return can hide one of them.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise_cell(value: str) -> str:
    """Text a spreadsheet would read as a formula, with a leading apostrophe."""
    return "'" + value if value.startswith(FORMULA_PREFIXES) else value
