"""The models diagram of docs/architecture.md is generated from the app registry by
``manage.py models_diagram`` and kept current by a test."""

from __future__ import annotations

import re

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from portal.management.commands import models_diagram


def test_the_committed_models_diagram_is_current():
    committed = models_diagram.committed_diagram(models_diagram.architecture_path().read_text())
    assert committed == models_diagram.render_diagram(), (
        "docs/architecture.md holds an old models diagram; regenerate it with "
        f"`{models_diagram.REGENERATE}` and commit the result"
    )


def test_the_diagram_draws_the_relations_with_their_cardinalities():
    diagram = models_diagram.render_diagram()
    assert diagram.startswith("```mermaid\nerDiagram\n")
    assert diagram.endswith("```\n")
    # a required foreign key, an optional one, a many-to-many field, a one-to-one field
    assert '    County ||--o{ WorkshopCycle : "county"\n' in diagram
    assert '    WorkshopCycle |o--o{ ProjectIdea : "cycle"\n' in diagram
    assert '    Theme }o--o{ ProjectIdea : "themes"\n' in diagram
    assert '    User ||--o| StaffProfile : "user"\n' in diagram
    # the relation crossing from workshops back to programmes, where it now lives
    assert '    PartnershipAgreement }o--o{ WorkshopCycle : "agreements"\n' in diagram
    # the fields that identify a record
    assert "        string code UK\n" in diagram
    # sources are listed in the boxes, not drawn
    assert '        Source sources "many-to-many"\n' in diagram
    assert ': "sources"' not in diagram


def test_the_diagram_leaves_out_history_and_join_tables():
    diagram = models_diagram.render_diagram()
    assert "Historical" not in diagram
    assert "WorkshopCycle_agreements" not in diagram
    assert "_sources" not in diagram
    assert "    Certificate {\n" in diagram


def test_the_command_prints_the_diagram(capsys):
    call_command("models_diagram")
    assert capsys.readouterr().out == models_diagram.render_diagram()


@pytest.fixture
def architecture(tmp_path, monkeypatch):
    path = tmp_path / "architecture.md"
    monkeypatch.setattr(models_diagram, "architecture_path", lambda: path)
    return path


def test_check_refuses_a_stale_diagram_and_write_renews_it(architecture):
    stale = '```mermaid\nerDiagram\n    Old ||--o{ Gone : "x"\n```\n'
    architecture.write_text(
        f"# Architecture\n\nbefore\n\n{models_diagram.START_MARKER}\n{stale}"
        f"{models_diagram.END_MARKER}\n\nafter\n"
    )
    with pytest.raises(CommandError, match="models_diagram --write"):
        call_command("models_diagram", "--check")

    call_command("models_diagram", "--write")
    text = architecture.read_text()
    assert "Old ||--o{ Gone" not in text
    assert text.startswith("# Architecture\n\nbefore\n\n")
    assert text.endswith(f"{models_diagram.END_MARKER}\n\nafter\n")
    assert models_diagram.committed_diagram(text) == models_diagram.render_diagram()
    call_command("models_diagram", "--check")
    call_command("models_diagram", "--write")  # once more changes nothing
    assert architecture.read_text() == text


def test_a_page_without_the_markers_is_refused(architecture):
    architecture.write_text("# Architecture\n\nno diagram here\n")
    for option in ("--check", "--write"):
        with pytest.raises(CommandError, match=re.escape(models_diagram.START_MARKER)):
            call_command("models_diagram", option)
    assert architecture.read_text() == "# Architecture\n\nno diagram here\n"


def test_write_and_check_cannot_be_combined():
    with pytest.raises(CommandError):
        call_command("models_diagram", "--write", "--check")


@pytest.mark.parametrize(
    ("language", "message"),
    [("pl", "Diagram modeli w pliku .* jest nieaktualny"), ("en", "is out of date")],
)
def test_the_command_answers_in_both_languages(architecture, language, message):
    architecture.write_text(
        f"{models_diagram.START_MARKER}\n```mermaid\n```\n{models_diagram.END_MARKER}\n"
    )
    with translation.override(language), pytest.raises(CommandError, match=message):
        call_command("models_diagram", "--check")
