"""Draw the domain models and their relations as a Mermaid ER diagram, from the app registry.

The diagram in docs/architecture.md is this command's output; a test compares the two, so a
model change without ``manage.py models_diagram --write`` fails the suite.
"""

from __future__ import annotations

from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import models
from django.utils.translation import gettext as _
from simple_history.models import HistoricalChanges

# The apps whose models are drawn, lowest layer first (the import direction).
DIAGRAM_APPS = ["programmes", "workshops", "projects", "accounts"]
START_MARKER = "<!-- models-diagram:start (manage.py models_diagram --write) -->"
END_MARKER = "<!-- models-diagram:end -->"
REGENERATE = "manage.py models_diagram --write"
# Models that nearly every other one refers to: a relation to them is listed inside the
# referring entity (as `Source sources "many-to-many"`) rather than drawn as a line, or the lines to
# them would cross the whole diagram.
LISTED_NOT_DRAWN = ["programmes.Source"]

# Mermaid cardinalities, the related ("one") side on the left, the model on the right.
ONE_TO_MANY = "||--o{"
OPTIONAL_TO_MANY = "|o--o{"
ONE_TO_ONE = "||--o|"
OPTIONAL_TO_ONE = "|o--o|"
MANY_TO_MANY = "}o--o{"
# The same, in words, for a relation listed inside a box.
KINDS = {
    ONE_TO_MANY: "FK",
    OPTIONAL_TO_MANY: "FK, optional",
    ONE_TO_ONE: "one-to-one",
    OPTIONAL_TO_ONE: "one-to-one, optional",
    MANY_TO_MANY: "many-to-many",
}

ATTRIBUTE_TYPES = {
    "CharField": "string",
    "SlugField": "string",
    "TextField": "string",
    "EmailField": "string",
    "URLField": "string",
    "IntegerField": "int",
    "PositiveIntegerField": "int",
    "PositiveSmallIntegerField": "int",
    "SmallIntegerField": "int",
    "BigIntegerField": "int",
    "DateField": "date",
    "DateTimeField": "datetime",
    "BooleanField": "bool",
    "UUIDField": "uuid",
}


def architecture_path() -> Path:
    return Path(settings.BASE_DIR) / "docs" / "architecture.md"


def diagram_models() -> list[type[models.Model]]:
    """The concrete models of DIAGRAM_APPS, in registry order, without the audit-trail
    copies (django-simple-history) and the tables Django creates for many-to-many fields."""
    return [
        model
        for label in DIAGRAM_APPS
        for model in apps.get_app_config(label).get_models()
        if not issubclass(model, HistoricalChanges)
    ]


def _entity_names(drawn: list[type[models.Model]]) -> dict[type[models.Model], str]:
    """A model's name in the diagram: its class name, with its app's label when two
    models (drawn or related) share a class name."""
    related = [
        field.related_model
        for model in drawn
        for field in model._meta.get_fields()
        if field.concrete and field.is_relation
    ]
    everyone = list(dict.fromkeys([*drawn, *related]))
    taken = [model.__name__ for model in everyone]
    return {
        model: (
            model.__name__
            if taken.count(model.__name__) == 1
            else f"{model._meta.app_label}_{model.__name__}"
        )
        for model in everyone
    }


def _cardinality(field: models.Field) -> str:
    if field.many_to_many:
        return MANY_TO_MANY
    if field.one_to_one or field.unique:
        return OPTIONAL_TO_ONE if field.null else ONE_TO_ONE
    return OPTIONAL_TO_MANY if field.null else ONE_TO_MANY


def _relation_fields(model: type[models.Model]) -> list[models.Field]:
    return [
        field
        for field in model._meta.get_fields()
        if field.concrete
        and field.is_relation
        # an explicit "through" model is drawn with its own foreign keys
        and not (field.many_to_many and not field.remote_field.through._meta.auto_created)
    ]


def _listed(field: models.Field) -> bool:
    return field.related_model._meta.label in LISTED_NOT_DRAWN


def _relations(model: type[models.Model], names: dict) -> list[str]:
    return [
        f'    {names[field.related_model]} {_cardinality(field)} {names[model]} : "{field.name}"'
        for field in _relation_fields(model)
        if not _listed(field)
    ]


def _attributes(model: type[models.Model], names: dict) -> list[str]:
    """The fields that identify a record (unique ones other than the primary key), then
    the relations to LISTED_NOT_DRAWN models."""
    unique = [
        f"        {ATTRIBUTE_TYPES.get(field.get_internal_type(), 'string')} {field.name} UK"
        for field in model._meta.concrete_fields
        if field.unique and not field.primary_key and not field.is_relation
    ]
    listed = [
        f'        {names[field.related_model]} {field.name} "{KINDS[_cardinality(field)]}"'
        for field in _relation_fields(model)
        if _listed(field)
    ]
    return unique + listed


def render_diagram() -> str:
    """The Markdown block (a fenced ``mermaid`` erDiagram) for the current models."""
    drawn = diagram_models()
    names = _entity_names(drawn)
    lines = ["```mermaid", "erDiagram"]
    for label in DIAGRAM_APPS:
        lines.append(f"    %% {label}")
        for model in (model for model in drawn if model._meta.app_label == label):
            attributes = _attributes(model, names)
            if attributes:
                lines += [f"    {names[model]} {{", *attributes, "    }"]
            lines += _relations(model, names)
    lines.append("```")
    return "\n".join(lines) + "\n"


def committed_diagram(text: str) -> str:
    """The block between the markers of a document (ValueError when they are missing)."""
    start = text.index(START_MARKER) + len(START_MARKER)
    end = text.index(END_MARKER, start)
    return text[start:end].strip("\n") + "\n"


def replace_diagram(text: str, diagram: str) -> str:
    start = text.index(START_MARKER) + len(START_MARKER)
    end = text.index(END_MARKER, start)
    return f"{text[:start]}\n{diagram}{text[end:]}"


class Command(BaseCommand):
    help = (
        "Prints the domain models and their relations as a Mermaid ER diagram (Markdown), "
        "generated from the app registry; --write puts it into docs/architecture.md, "
        "--check fails when that file holds another diagram."
    )

    def add_arguments(self, parser):
        action = parser.add_mutually_exclusive_group()
        action.add_argument(
            "--write",
            action="store_true",
            help="Replace the diagram between its markers in docs/architecture.md.",
        )
        action.add_argument(
            "--check",
            action="store_true",
            help="Only compare the diagram in docs/architecture.md with the models.",
        )

    def handle(self, *args, write=False, check=False, **options):
        diagram = render_diagram()
        if not (write or check):
            self.stdout.write(diagram, ending="")
            return
        path = architecture_path()
        text = path.read_text(encoding="utf-8")
        try:
            current = committed_diagram(text)
        except ValueError:
            raise CommandError(
                _("%(path)s has no models diagram markers (%(start)s … %(end)s).")
                % {"path": path, "start": START_MARKER, "end": END_MARKER}
            ) from None
        if check:
            if current != diagram:
                raise CommandError(
                    _("The models diagram in %(path)s is out of date; run %(command)s.")
                    % {"path": path, "command": REGENERATE}
                )
            self.stdout.write(_("The models diagram in %(path)s is current.") % {"path": path})
            return
        path.write_text(replace_diagram(text, diagram), encoding="utf-8")
        self.stdout.write(_("Models diagram written to %(path)s.") % {"path": path})
