"""Every staff screen of the admin in grammatical Polish, and in English in English.

A crawl opens, as an administrator with the second factor, each registered model's
changelist, add form, change form, history and delete confirmation in Polish and fails on
Django's stock phrases built from the nominative ``verbose_name`` ("Wybierz uczestnik do
zmiany", "15 obecność"), on the "(-ną)(-ny)" padding of Django's Polish catalogue and on
English left in the page ("None", "Change reason"). The forms come from
``partnership.admin_names``.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import pytest
from django.contrib import admin
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import translation

from partnership.admin_names import declared_names, names_for
from projects.models import Theme
from tests.portal.test_admin import REGISTERED, admin_user, existing, objects  # noqa: F401
from workshops.models import Attendee, Session, WorkshopCycle

pytestmark = pytest.mark.django_db

# Django's catalogue pads a phrase it cannot inflect: "został(a)(-ło)", "kolejne(go)(-ną)".
PADDING = re.compile(r"\w\((?:a|go|-?ną|-?ny|-?ne|-?ło|-?na|-?ta|-?te|-nych|-kich|-nego)\)")
# English that Django, simple-history or a model's name leaves on a Polish page.
ENGLISH = [
    "None",
    "Change reason",
    "Changes",
    "Changed by",
    "Add another",
    "Select all",
    "Save and add another",
    "Save and continue editing",
    "Delete selected",
    "Are you sure",
    "Change history",
    "Date/time",
    "Show all",
    "Run the selected action",
    "Clear selection",
    "Can add",
    "Can change",
    "Can delete",
    "Can view",
    "Task Result",
    "TOTP device",
    "static device",
    "static token",
]
VERBS = r"(?:Wybierz|Dodaj|Zmień|Zobacz|Usuń|usunąć|kolejn(?:y|ą|e|ego)|wybran(?:y|ą|e|ego))"
ATTRIBUTES = {"title", "aria-label", "placeholder", "alt"}


class VisibleText(HTMLParser):
    """What a reader sees or hears: text outside scripts, the titles and labels, the
    buttons' values and the inline formsets' "add another" buttons."""

    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self.counts: list[str] = []  # the paginator's "15 obecności"
        self.hidden = 0
        self.in_paginator = False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag in ("script", "style", "template"):
            self.hidden += 1
        if tag == "p" and "paginator" in (attributes.get("class") or ""):
            self.in_paginator = True
        for name in ATTRIBUTES & attributes.keys():
            self.parts.append(attributes[name] or "")
        if tag == "input" and attributes.get("type") in ("submit", "button"):
            self.parts.append(attributes.get("value") or "")
        if "data-inline-formset" in attributes:
            self.parts.append(json.loads(attributes["data-inline-formset"])["options"]["addText"])

    def handle_endtag(self, tag):
        if tag in ("script", "style", "template"):
            self.hidden -= 1
        if tag == "p":
            self.in_paginator = False

    def handle_data(self, data):
        if not self.hidden:
            self.parts.append(data)
        if self.in_paginator:
            self.counts.append(data)


def visible_text(response, *, counts=False) -> str:
    """The page's visible text (``counts``: only its paginator's)."""
    parser = VisibleText()
    parser.feed(response.content.decode())
    return re.sub(r"\s+", " ", " ".join(parser.counts if counts else parser.parts))


def admin_url(model, view, *args, language="pl"):
    with translation.override(language):
        name = f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}"
        return reverse(name, args=args)


def ungrammatical(text: str, counts: str = "") -> list[str]:
    """The stock patterns and English leftovers found in a Polish page's ``text``, and
    the counts not in their plural form in its paginator's ``counts``."""
    found = [match.group() for match in PADDING.finditer(text)]
    found += [word for word in ENGLISH if re.search(rf"(?<!\w){re.escape(word)}(?!\w)", text)]
    with translation.override("pl"):
        for model in {model for model, _admin in REGISTERED} | INLINE_MODELS:
            names, opts = names_for(model), model._meta
            nominative, plural = str(opts.verbose_name), str(opts.verbose_name_plural)
            if str(names.accusative) != nominative:
                pattern = rf"(?i)(?<!\w){VERBS} {re.escape(nominative)}(?!\w)"
                found += [match.group() for match in re.finditer(pattern, text)]
            forms = "|".join(re.escape(form) for form in {nominative, plural})
            for match in re.finditer(rf"(?<![\w.,/-])(\d+) (?:{forms})(?!\w)", counts):
                if match.group() != names.count(int(match.group(1))):
                    found.append(match.group())
    return found


INLINE_MODELS = {
    inline.model for _model, model_admin in REGISTERED for inline in model_admin.inlines
}


def pages(model, model_admin, obj):
    yield admin_url(model, "changelist")
    yield admin_url(model, "change", obj.pk)
    yield admin_url(model, "history", obj.pk)
    yield admin_url(model, "delete", obj.pk)
    yield admin_url(model, "add")


@pytest.mark.usefixtures("objects")
@pytest.mark.parametrize(
    ("model", "model_admin"),
    [pytest.param(model, model_admin, id=model._meta.label) for model, model_admin in REGISTERED],
)
def test_every_staff_screen_is_grammatical_polish(admin_client, model, model_admin):
    obj = existing(model)
    for page in pages(model, model_admin, obj):
        response = admin_client.get(page)
        if response.status_code == 403 and page.endswith(("/add/", "/delete/")):
            continue  # records made or deleted only by a service (certificates, tasks)
        assert response.status_code == 200, page
        text, counts = visible_text(response), visible_text(response, counts=True)
        assert ungrammatical(text, counts) == [], page


def test_every_admin_model_declares_the_forms_of_its_name():
    undeclared = [
        model._meta.label
        for model in {model for model, _admin in REGISTERED} | INLINE_MODELS
        if declared_names(model) is None
    ]
    assert undeclared == []


def test_the_crawl_would_catch_the_stock_phrases():
    stock = (
        "Wybierz uczestnik do zmiany DODAJ SESJA 15 obecność Dodaj kolejne(go)(-ną)(-ny) "
        "Sesja None Change reason"
    )
    found = ungrammatical(stock, counts="15 obecność")
    for phrase in ["Wybierz uczestnik", "DODAJ SESJA", "15 obecność", "e(go)", "None"]:
        assert phrase in found
    assert "Change reason" in found


@pytest.mark.usefixtures("objects")
def test_polish_titles_buttons_and_counts(admin_client):
    changelist = admin_client.get(admin_url(Attendee, "changelist"))
    text = visible_text(changelist)
    assert "Wybierz uczestnika do zmiany" in text
    assert "Dodaj uczestnika" in text
    assert names_for(Attendee).count(1) in text
    with translation.override("pl"):
        assert names_for(Attendee).count(1) == "1 uczestnik"
        assert names_for(Attendee).count(3) == "3 uczestników"
        assert names_for(WorkshopCycle).count(2) == "2 cykle warsztatów"
        assert names_for(WorkshopCycle).count(15) == "15 cykli warsztatów"
        assert str(names_for(WorkshopCycle).another) == "Dodaj kolejny cykl warsztatów"
    cycle = WorkshopCycle.objects.get(slug="wlosg-2017-plocki")
    text = visible_text(admin_client.get(admin_url(WorkshopCycle, "change", cycle.pk)))
    assert "Zmień cykl warsztatów" in text
    assert "Dodaj kolejną sesję" in text
    attendee = existing(Attendee)  # its certificate may not be deleted here
    delete = visible_text(admin_client.get(admin_url(Attendee, "delete", attendee.pk)))
    assert f"Nie można usunąć obiektu „{attendee}” (uczestnik): usunięcie go" in delete
    session = Session.objects.filter(attendances__isnull=True).first()
    delete = visible_text(admin_client.get(admin_url(Session, "delete", session.pk)))
    assert f"Czy na pewno usunąć sesję „{session}”?" in delete


@pytest.mark.usefixtures("objects")
def test_english_stays_english(admin_client):
    text = visible_text(admin_client.get(admin_url(Attendee, "changelist", language="en")))
    assert "Select attendee to change" in text
    assert "Add attendee" in text
    assert "1 attendee" in text
    cycle = WorkshopCycle.objects.get(slug="wlosg-2017-plocki")
    text = visible_text(
        admin_client.get(admin_url(WorkshopCycle, "change", cycle.pk, language="en"))
    )
    assert "Change workshop cycle" in text
    assert "Add another session" in text
    theme = Theme.objects.create(slug="english", name_pl="Angielski", name_en="English")
    history = visible_text(admin_client.get(admin_url(Theme, "history", theme.pk, language="en")))
    assert "Change reason" in history
    assert "Changes" in history
    history = visible_text(admin_client.get(admin_url(Theme, "history", theme.pk)))
    assert "Powód zmiany" in history
    assert "Zmiany" in history


def added_message(client, language):
    count = Theme.objects.count()
    response = client.post(
        admin_url(Theme, "add", language=language),
        {"slug": f"nowy-temat-{language}", "name_pl": f"Nowy temat {language}", "name_en": "New"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Theme.objects.count() == count + 1
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_messages_use_the_accusative(admin_client):
    messages = added_message(admin_client, "pl")
    assert len(messages) == 1
    assert messages[0].startswith("Dodano temat „")
    assert "(a)" not in messages[0]
    theme = Theme.objects.get(slug="nowy-temat-pl")
    response = admin_client.post(admin_url(Theme, "delete", theme.pk), {"post": "yes"})
    assert [str(m) for m in get_messages(response.wsgi_request)][-1] == (
        f"Usunięto temat „{theme}”."
    )


def test_messages_in_english_stay_stock(admin_client):
    (message,) = added_message(admin_client, "en")
    assert message.startswith("The theme “")
    assert message.endswith("” was added successfully.")


@pytest.mark.usefixtures("objects")
def test_delete_selected_action_is_worded_in_polish(admin_client):
    response = admin_client.get(admin_url(Attendee, "changelist"))
    choices = dict(response.context["action_form"].fields["action"].choices)
    assert choices["delete_selected"] == "Usuń zaznaczone wpisy (uczestnicy)"
    assert admin.site.is_registered(Attendee)


def test_bulk_delete_and_missing_object_messages(admin_client):
    themes = [
        Theme.objects.create(slug=f"do-usuniecia-{n}", name_pl=f"Do usunięcia {n}", name_en="X")
        for n in range(2)
    ]
    response = admin_client.post(
        admin_url(Theme, "changelist"),
        {"action": "delete_selected", "_selected_action": [t.pk for t in themes], "post": "yes"},
    )
    assert response.status_code == 302
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["Usunięto: 2 tematy."]
    response = admin_client.get(admin_url(Theme, "change", 999999))
    assert [str(m) for m in get_messages(response.wsgi_request)][-1] == (
        "Temat o ID „999999” nie istnieje. Być może usunięto ten wpis."
    )


def test_delete_selected_confirmation_counts_the_rows(admin_client):
    themes = [
        Theme.objects.create(slug=f"zaznaczony-{n}", name_pl=f"Zaznaczony {n}", name_en="X")
        for n in range(5)
    ]
    response = admin_client.post(
        admin_url(Theme, "changelist"),
        {"action": "delete_selected", "_selected_action": [t.pk for t in themes]},
    )
    assert response.status_code == 200
    text = visible_text(response)
    assert "Czy na pewno usunąć zaznaczone wpisy (5 tematów)?" in text
    assert ungrammatical(text) == []
