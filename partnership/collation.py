"""Polish alphabetical order, the same on PostgreSQL and SQLite.

Names of attendees, counties and cycles are listed in the order of the Polish alphabet:
a ą b c ć d e ę f g h i j k l ł m n ń o ó p q r s ś t u v w x y z ź ż, upper and lower
case together. Byte order put "Ćwirosław" and "Łukasz" after "Zofia", "ostrowski" before
"ostrołęcki" and every capitalised city ("Płock") before every county ("płocki").

- PostgreSQL: the collation ``pl_icu`` (ICU, locale ``pl-PL``), created by the migration
  ``programmes.0008_polish_collation``.
- SQLite: a collation of the same name registered on every connection
  (``register_sqlite_collation``, connected in ``programmes.apps``), comparing
  ``polish_sort_key``s.

Queries order with ``polish("full_name")`` (a ``Collate`` expression); Python code that
sorts names itself uses ``polish_sort_key``. The key follows the Unicode collation
algorithm's levels with CLDR's Polish tailoring, as ICU does: first the letters (the
Polish ones after their base letters; other accented letters as their base letter;
spaces and punctuation before digits, digits before letters), then the accents of other
letters ("e" before "é"), then case (lower before upper), then the text itself.
"""

from __future__ import annotations

import functools
import unicodedata

from django.db.models import F
from django.db.models.functions import Collate

POLISH = "pl_icu"
ALPHABET = "aąbcćdeęfghijklłmnńoópqrsśtuvwxyzźż"
_LETTER = {letter: index for index, letter in enumerate(ALPHABET)}
SPACE, DIGIT, LETTER, OTHER = 1, 2, 3, 4


def _weights(char: str) -> tuple[tuple[int, int], tuple[int, ...], int]:
    """One character's (primary, secondary, tertiary) weights."""
    lower = char.lower()
    case = 0 if char == lower else 1
    if lower in _LETTER:
        return (LETTER, _LETTER[lower]), (), case
    base, *marks = unicodedata.normalize("NFD", lower) or lower
    accents = tuple(ord(mark) for mark in marks)
    if base in _LETTER:
        return (LETTER, _LETTER[base]), accents, case
    if base.isdigit():
        return (DIGIT, unicodedata.digit(base, 0)), accents, case
    if base.isalpha():
        return (OTHER, ord(base)), accents, case
    return (SPACE, ord(base)), accents, case


@functools.lru_cache(maxsize=65536)
def polish_sort_key(text: str) -> tuple:
    """A key that sorts ``text`` in Polish alphabetical order (see the module)."""
    weights = [_weights(char) for char in unicodedata.normalize("NFC", text)]
    return (
        tuple(primary for primary, _s, _t in weights),
        tuple(secondary for _p, secondary, _t in weights),
        tuple(tertiary for _p, _s, tertiary in weights),
        text,
    )


def polish_compare(left: str, right: str) -> int:
    """``left`` against ``right`` in Polish order: -1, 0 or 1 (SQLite's collation)."""
    a, b = polish_sort_key(left), polish_sort_key(right)
    return (a > b) - (a < b)


def polish(field: str) -> Collate:
    """``field`` in Polish order, for ``order_by``: ``order_by(polish("full_name"), "pk")``."""
    return Collate(F(field), POLISH)


def register_sqlite_collation(sender, connection, **kwargs) -> None:
    """Give every new SQLite connection the ``pl_icu`` collation (``connection_created``)."""
    if connection.vendor == "sqlite":
        connection.connection.create_collation(POLISH, polish_compare)
