"""Fill the kept ideas per status and theme (``IdeaThemeTotal``) for the ideas already
there, in one ``INSERT … SELECT`` (``projects.facets.idea_theme_totals_refresh`` for
every pair, frozen here as it was written).

From here on the write paths keep them. Reversed: the rows are deleted.
"""

from django.db import migrations

FILL = """
INSERT INTO projects_ideathemetotal (status, theme_id, ideas)
SELECT i.status, l.theme_id, COUNT(*)
FROM projects_projectidea_themes l
INNER JOIN projects_projectidea i ON i.id = l.projectidea_id
GROUP BY i.status, l.theme_id
"""


def fill(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(FILL)


def empty(apps, schema_editor):
    apps.get_model("projects", "IdeaThemeTotal").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0010_idea_theme_totals"),
    ]

    operations = [
        migrations.RunPython(fill, empty),
    ]
