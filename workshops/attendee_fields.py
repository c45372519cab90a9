"""One validation for an attendee's text fields, shared by the importer and the admin form.

``attendee_field_clean(field=..., value=...)`` returns the text to store in one of the
``Attendee`` text fields (name, organisation, sector, e-mail, phone) or raises
``ValidationError`` with the reason and a ``code``:

* ``control``: control characters (NUL, escape codes) or bidirectional overrides;
* ``formula``: a value starting with “=”, “+”, “-” or “@”, which a spreadsheet would run as a
  formula when the list is exported and opened (``=HYPERLINK(...)``); a phone number
  starting with “+” is a phone number, not a formula;
* ``max_length``, ``required`` (the name), ``email``, ``phone``, ``sector``.

``consent_clean`` reads a yes/no cell (the consent to e-mail): “tak”/“nie” (or yes/no, 1/0,
x), empty meaning no; anything else is refused with the code ``consent``.

Runs of spaces, tabs and line breaks become one space, text is stored in Unicode NFC, and a
value of dashes only (“-”, “—”) means none. The import checks every cell with it and the
attendee admin form every field it edits, so both refuse and store the same values.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from django.utils import translation
from django.utils.translation import gettext as _

from programmes.models import Sector

from .models import Attendee

TEXT_FIELDS = ("full_name", "organisation_name", "sector", "email", "phone")

FORMULA_STARTS = ("=", "+", "-", "@")
_DASHES_ONLY = re.compile(r"[-\u2010-\u2015]+")
# Control characters (Unicode category Cc) other than tab and line breaks, which become
# spaces, and the bidirectional overrides that can disguise text.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_PHONE = re.compile(r"[0-9+\-() ]+", re.ASCII)
_email_validator = EmailValidator()
# The model's limits for free text; a sector is checked against the choices instead.
MAX_LENGTHS = {
    field: Attendee._meta.get_field(field).max_length for field in TEXT_FIELDS if field != "sector"
}


def name_key(name: str) -> str:
    """A name as compared: NFC, single spaces, casefolded."""
    return " ".join(unicodedata.normalize("NFC", name).split()).casefold()


def sector_lookup() -> dict[str, str]:
    """Sector values and their labels in every language of the site, casefolded."""
    lookup = {}
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            for value, label in Sector.choices:
                lookup[name_key(str(label))] = value
    lookup.update({value.casefold(): value for value in Sector.values})
    return lookup


def is_phone(text: str) -> bool:
    return bool(_PHONE.fullmatch(text)) and 6 <= sum(map(str.isdigit, text)) <= 20


def text_clean(value: str, *, phone: bool = False) -> str:
    """Any cell or field as text to store: no control characters, single spaces, NFC,
    dashes only as empty, and nothing a spreadsheet would run as a formula."""
    if CONTROL.search(value):
        raise ValidationError(
            _("Contains control characters (invisible codes such as NUL); retype the value."),
            code="control",
        )
    text = " ".join(unicodedata.normalize("NFC", value).split())
    if _DASHES_ONLY.fullmatch(text):
        return ""  # "-" or "—" is how many lists say "none"
    if text.startswith(FORMULA_STARTS) and not (phone and text.startswith("+") and is_phone(text)):
        raise ValidationError(
            _(
                "Starts with “%(char)s”, which a spreadsheet would run as a formula; remove "
                "that character."
            )
            % {"char": text[0]},
            code="formula",
        )
    return text


def attendee_field_clean(
    *, field: str, value: str, sectors: Mapping[str, str] | None = None
) -> str:
    """The value to store in the attendee's ``field`` (one of ``TEXT_FIELDS``); a sector
    given by its label in either language becomes its value. ``sectors`` is
    ``sector_lookup()``, passed in when many values are checked."""
    text = text_clean(value, phone=field == "phone")
    max_length = MAX_LENGTHS.get(field)
    if max_length is not None and len(text) > max_length:
        raise ValidationError(
            _("Too long: at most %(max)s characters, this value has %(length)s.")
            % {"max": max_length, "length": len(text)},
            code="max_length",
        )
    if field == "full_name" and not text:
        raise ValidationError(_("Enter the person's name."), code="required")
    if text and field == "email":
        try:
            _email_validator(text)
        except ValidationError:
            raise ValidationError(_("Not a valid e-mail address."), code="email") from None
    if text and field == "phone" and not is_phone(text):
        raise ValidationError(
            _(
                "Not a phone number: use digits, spaces, “+”, “-” and parentheses, with 6 to "
                "20 digits."
            ),
            code="phone",
        )
    if text and field == "sector":
        return _sector_value(text, sectors if sectors is not None else sector_lookup())
    return text


CONSENT_YES = frozenset({"tak", "t", "yes", "y", "1", "x", "true", "prawda", "zgoda"})
CONSENT_NO = frozenset({"", "nie", "n", "no", "0", "false", "fałsz", "brak"})


def consent_clean(value: str) -> bool:
    """A yes/no cell (the import's “Zgoda na e-mail”): “tak”, “nie”, or empty for no."""
    text = text_clean(value).casefold()
    if text in CONSENT_YES:
        return True
    if text in CONSENT_NO:
        return False
    raise ValidationError(
        _("Write “tak” (yes) or “nie” (no), or leave the cell empty for no."), code="consent"
    )


def _sector_value(text: str, sectors: Mapping[str, str]) -> str:
    value = sectors.get(text.casefold())
    if value is None:
        raise ValidationError(
            _("Unknown sector; use one of: %(choices)s.")
            % {"choices": ", ".join(str(label) for label in Sector.labels)},
            code="sector",
        )
    return value
