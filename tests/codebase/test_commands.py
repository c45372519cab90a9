"""The project's management commands answer --help in both languages."""

import pytest
from django.core.management import get_commands, load_command_class
from django.utils import translation

PROJECT_APPS = {"programmes", "workshops", "projects", "opendata", "accounts", "reports", "portal"}
COMMANDS = sorted(name for name, app in get_commands().items() if app in PROJECT_APPS)


def test_the_project_has_its_commands():
    assert {"loadrecords", "generate_synthetic_data", "anonymise_attendees"} <= set(COMMANDS)


@pytest.mark.parametrize("language", ["pl", "en"])
@pytest.mark.parametrize("name", COMMANDS)
def test_help(name, language):
    command = load_command_class(get_commands()[name], name)
    with translation.override(language):
        text = command.create_parser("manage.py", name).format_help()
    assert text.startswith(f"usage: manage.py {name}")
