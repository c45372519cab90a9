"""``templates/admin/edit_inline/tabular.html`` is Django's own template with labels added
for screen readers (a block override is not possible: the cells are built inside one
block-less loop). This test fails when Django's original changes, so that the copy is
made again from the new original instead of silently serving an old admin."""

from __future__ import annotations

import re
from pathlib import Path

import django
from django.conf import settings

ORIGINAL = Path(django.__file__).parent / "contrib/admin/templates/admin/edit_inline/tabular.html"
COPY = Path(settings.BASE_DIR) / "templates/admin/edit_inline/tabular.html"

FIELD_LABEL = (
    '                  {% if not field.field.is_hidden %}<label class="visually-hidden" '
    'for="{{ field.field.id_for_label }}">{{ field.field.label|capfirst }}</label>{% endif %}\n'
)
DELETE_LABEL = (
    '<label class="visually-hidden" '
    'for="{{ inline_admin_form.deletion_field.field.id_for_label }}">'
    '{% translate "Delete?" %} {{ inline_admin_form.original }}</label>'
)


def without_our_additions(text: str) -> str:
    text = re.sub(r"\{% comment %\}.*?\{% endcomment %\}\n", "", text, count=1, flags=re.S)
    return text.replace(FIELD_LABEL, "").replace(DELETE_LABEL, "")


def test_the_copy_is_djangos_template_plus_the_labels_only():
    copy = COPY.read_text(encoding="utf-8")
    assert FIELD_LABEL in copy and DELETE_LABEL in copy
    assert without_our_additions(copy) == ORIGINAL.read_text(encoding="utf-8"), (
        f"Django's {ORIGINAL.name} changed: copy it again and add the two labels."
    )


def test_a_changed_original_is_noticed():
    changed = ORIGINAL.read_text(encoding="utf-8").replace("tabular", "tabular-new", 1)
    assert without_our_additions(COPY.read_text(encoding="utf-8")) != changed
