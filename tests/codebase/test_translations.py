"""The Polish catalogue is complete, compiled, and its plurals and placeholders are right.

Pure Python on purpose: gettext's tools (msgfmt) need not be installed where the tests run.
"""

from __future__ import annotations

import ast
import gettext
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation
from django.utils.translation import ngettext, npgettext

LOCALE = Path(settings.BASE_DIR) / "locale" / "pl" / "LC_MESSAGES"
PO = LOCALE / "django.po"
MO = LOCALE / "django.mo"

NPLURALS = 4
PLACEHOLDER = re.compile(r"%\([A-Za-z_]+\)[sd]")
KEYWORD = re.compile(r"^(msgctxt|msgid_plural|msgid|msgstr)(?:\[(\d+)\])? (\".*\")$")


def parse_po(text: str) -> list[dict]:
    """Entries of a .po file: comments, msgctxt, msgid, msgid_plural, msgstr (a str) or
    msgstr_n (index -> str). Enough of the format for a catalogue written by gettext."""
    entries = []
    current: dict = {}
    last = None

    def flush():
        if "msgid" in current:
            entries.append(dict(current))
        current.clear()

    for line in text.splitlines():
        if not line.strip():
            flush()
            last = None
        elif line.startswith("#"):
            current.setdefault("comments", []).append(line)
        elif line.startswith('"'):
            value = ast.literal_eval(line)
            if last[0] == "msgstr_n":
                current["msgstr_n"][last[1]] += value
            else:
                current[last[0]] += value
        else:
            match = KEYWORD.match(line)
            assert match, f"unexpected line in {PO.name}: {line!r}"
            key, index, value = match.group(1), match.group(2), ast.literal_eval(match.group(3))
            if key == "msgstr" and index is not None:
                current.setdefault("msgstr_n", {})[int(index)] = value
                last = ("msgstr_n", int(index))
            else:
                current[key] = value
                last = (key, None)
    flush()
    return entries


ENTRIES = parse_po(PO.read_text(encoding="utf-8"))
HEADER = next(entry for entry in ENTRIES if entry["msgid"] == "" and "msgctxt" not in entry)
MESSAGES = [entry for entry in ENTRIES if entry is not HEADER]


def label(entry: dict) -> str:
    context = entry.get("msgctxt")
    return f"[{context}] {entry['msgid']}" if context else entry["msgid"]


def test_catalogue_has_messages():
    assert len(MESSAGES) > 500


def test_header_declares_polish_and_its_plural_forms():
    header = HEADER["msgstr"]
    assert "Language: pl\n" in header
    assert "Content-Type: text/plain; charset=UTF-8\n" in header
    assert (
        "Plural-Forms: nplurals=4; plural=(n==1 ? 0 : (n%10>=2 && n%10<=4) && "
        "(n%100<12 || n%100>14) ? 1 : n!=1 && (n%10>=0 && n%10<=1) || (n%10>=5 && "
        "n%10<=9) || (n%100>=12 && n%100<=14) ? 2 : 3);\n"
    ) in header


def test_no_entry_is_fuzzy():
    fuzzy = [label(e) for e in ENTRIES if any("fuzzy" in c for c in e.get("comments", []))]
    assert fuzzy == []


def test_every_entry_is_translated():
    untranslated = []
    for entry in MESSAGES:
        if "msgid_plural" in entry:
            forms = entry.get("msgstr_n", {})
            if sorted(forms) != list(range(NPLURALS)) or not all(forms.values()):
                untranslated.append(label(entry))
        elif not entry.get("msgstr"):
            untranslated.append(label(entry))
    assert untranslated == []


def test_placeholders_are_kept():
    wrong = []
    for entry in MESSAGES:
        if "msgid_plural" in entry:
            # A Polish form may leave out nothing the English plural has.
            wanted = set(PLACEHOLDER.findall(entry["msgid_plural"]))
            translations = entry["msgstr_n"].values()
        else:
            wanted = set(PLACEHOLDER.findall(entry["msgid"]))
            translations = [entry["msgstr"]]
        for text in translations:
            if set(PLACEHOLDER.findall(text)) != wanted:
                wrong.append((label(entry), text))
    assert wrong == []


def test_url_patterns_are_ascii_slugs_with_the_same_converters():
    converter = re.compile(r"<[a-z]+:[a-z_]+>")
    wrong = []
    for entry in MESSAGES:
        msgid, msgstr = entry["msgid"], entry.get("msgstr", "")
        if not msgid.endswith("/") or " " in msgid:
            continue
        literal = converter.sub("", msgstr)
        if (
            not msgstr.endswith("/")
            or converter.findall(msgstr) != converter.findall(msgid)
            or not re.fullmatch(r"[a-z0-9/-]*", literal)
        ):
            wrong.append((msgid, msgstr))
    assert wrong == []


def test_compiled_catalogue_matches_the_po_file():
    """The committed .mo was compiled from this .po (forgetting compilemessages fails)."""
    with MO.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    stale = []
    for entry in MESSAGES:
        context = entry.get("msgctxt")
        if "msgid_plural" in entry:
            # n = 1, 2 and 5 select the forms 0, 1 and 2.
            for n, index in ((1, 0), (2, 1), (5, 2)):
                if context:
                    got = compiled.npgettext(context, entry["msgid"], entry["msgid_plural"], n)
                else:
                    got = compiled.ngettext(entry["msgid"], entry["msgid_plural"], n)
                if got != entry["msgstr_n"][index]:
                    stale.append((label(entry), index))
        else:
            if context:
                got = compiled.pgettext(context, entry["msgid"])
            else:
                got = compiled.gettext(entry["msgid"])
            if got != entry["msgstr"]:
                stale.append(label(entry))
    assert stale == []


@pytest.mark.parametrize(
    ("n", "expected"),
    [
        (1, "1 pomysł projektu"),
        (2, "2 pomysły projektów"),
        (4, "4 pomysły projektów"),
        (5, "5 pomysłów projektów"),
        (12, "12 pomysłów projektów"),
        (22, "22 pomysły projektów"),
        (25, "25 pomysłów projektów"),
        (0, "0 pomysłów projektów"),
    ],
)
def test_polish_plurals_of_project_ideas(n, expected):
    with translation.override("pl"):
        text = ngettext("%(counter)s project idea", "%(counter)s project ideas", n) % {"counter": n}
    assert text == expected


@pytest.mark.parametrize(
    ("n", "expected"),
    [
        (1, "projekt wybrany do realizacji"),
        (2, "projekty wybrane do realizacji"),
        (5, "projektów wybranych do realizacji"),
        (22, "projekty wybrane do realizacji"),
        (25, "projektów wybranych do realizacji"),
    ],
)
def test_polish_plurals_of_projects_selected_for_implementation(n, expected):
    with translation.override("pl"):
        text = npgettext(
            "headline figure",
            "project selected for implementation",
            "projects selected for implementation",
            n,
        )
    assert text == expected


def test_english_stays_english():
    with translation.override("en"):
        text = ngettext("%(counter)s project idea", "%(counter)s project ideas", 2)
    assert text % {"counter": 2} == "2 project ideas"
