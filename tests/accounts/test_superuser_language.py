"""``make superuser`` (``manage.py createsuperuser``) asks and answers in one language,
English, while the portal's default language is Polish."""

import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import translation

pytestmark = pytest.mark.django_db

POLISH = re.compile(r"[ąćęłńóśźżĄĆĘŁŃÓŚŹŻ]|Nazwa|Adres|Hasło|użytkownik", re.IGNORECASE)


class Terminal(io.StringIO):
    def isatty(self):
        return True


def run_interactively(monkeypatch, answers: dict[str, str], passwords: list[str]):
    """Run the command as at a terminal; return every prompt and line it wrote."""
    said: list[str] = []

    def fake_input(prompt=""):
        said.append(prompt)
        return next(value for start, value in answers.items() if prompt.startswith(start))

    def fake_getpass(prompt="Password: "):
        said.append(prompt)
        return passwords.pop(0)

    monkeypatch.setattr("builtins.input", fake_input)
    monkeypatch.setattr("getpass.getpass", fake_getpass)
    out, err = io.StringIO(), io.StringIO()
    with translation.override("pl"):  # the portal's default, as under `make superuser`
        call_command("createsuperuser", interactive=True, stdin=Terminal(), stdout=out, stderr=err)
        assert translation.get_language() == "pl"  # the rest of the process stays Polish
    return said + out.getvalue().splitlines() + err.getvalue().splitlines()


def test_prompts_and_messages_are_all_english(monkeypatch):
    said = run_interactively(
        monkeypatch,
        {"Username": "szef", "Email address": "szef@example.org", "Bypass": "N"},
        ["short", "short", "a-long-Passw0rd-for-tests", "a-long-Passw0rd-for-tests"],
    )
    assert get_user_model().objects.get(username="szef").is_superuser
    assert any(line.startswith("Username (leave blank to use") for line in said)
    assert "Email address: " in said
    assert "Password (again): " in said
    assert "This password is too short. It must contain at least 8 characters." in said
    assert "Superuser created successfully." in said
    assert [line for line in said if POLISH.search(line)] == []


def test_the_portal_itself_would_have_asked_in_polish():
    """What the command would mix in without the override: the field's Polish name."""
    from django.contrib.auth.models import User

    with translation.override("pl"):
        assert str(User._meta.get_field("username").verbose_name) == "nazwa użytkownika"
